/*
 * Whether a logged-in member of staff still has an account: the users
 * file (userfile.h) as of its last change.  Asked at every request with
 * a session, it reads the file again only when stat(2) says it changed
 * (inode, size or modification time; aanmeld user add renames a new
 * file into place), so a removed account's sessions stop working at
 * their next request.  A file that cannot be read or is refused holds
 * nobody: the check fails closed.
 */
#ifndef AANMELD_WEB_ACCOUNTS_H
#define AANMELD_WEB_ACCOUNTS_H

#include <sys/stat.h>

#include <stdbool.h>

struct userfile;

struct web_accounts {
	const char *path; /* borrowed */
	struct stat seen; /* of the file as last read */
	bool read;	  /* seen and u are of a read */
	struct userfile *u;
};

void web_accounts_init(struct web_accounts *a, const char *path);
void web_accounts_deinit(struct web_accounts *a);
/* Whether name has an account in the file now.  Logs a file it cannot
   read once per change. */
bool web_accounts_has(struct web_accounts *a, const char *name);
/* Whether name may log in with password (userfile_verify()), against
   the same file as web_accounts_has(): 1 yes, 0 no, -1 when the file
   cannot be read or is refused (logged once per change). */
int web_accounts_verify(struct web_accounts *a, const char *name,
			const char *password);

#endif
