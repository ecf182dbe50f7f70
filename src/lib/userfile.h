/*
 * The staff's accounts for aanmeld-web: a text file of "name:hash"
 * lines, the hash a crypt(3) yescrypt hash ("$y$...") from libcrypt.
 * Like a password file it must not be readable by group or others
 * (OpenSMTPD's check_file_secrecy()): a file that is gets refused, so
 * the hashes cannot be guessed offline by every local user.
 *
 * Errors come back as -1 or NULL with *error_r: a heap string the
 * caller frees.
 */
#ifndef AANMELD_USERFILE_H
#define AANMELD_USERFILE_H

#include <sys/types.h>

#include <stdbool.h>

/* The longest name and line, and the most accounts, a file may hold. */
#define USERFILE_NAME_MAX 32
#define USERFILE_LINE_MAX 512
#define USERFILE_USERS_MAX 1000

struct userfile;

/* Whether name may name an account: 1 to USERFILE_NAME_MAX of a-z,
   0-9, '.', '_' and '-', starting with a letter or digit. */
bool userfile_name_ok(const char *name);

/* Reads path: refused when it is not a regular file, when group or
   others have any permission on it, or when a line is not name:hash.
   The caller frees the result with userfile_free(). */
struct userfile *userfile_load(const char *path, char **error_r);
void userfile_free(struct userfile *u);

/* 1 when name has an account and password is its password, else 0.
   An unknown name costs a hash too, so the answer's time does not say
   whether the account exists. */
int userfile_verify(const struct userfile *u, const char *name,
		    const char *password);

/* Whether name has an account in u. */
bool userfile_has(const struct userfile *u, const char *name);

/* Sets name's password in path: a new yescrypt hash with a fresh salt,
   replacing name's line or added at the end.  The file is written anew
   with mode 0600 (tmp, fsync, rename); an existing one must pass the
   checks of userfile_load().  Two at once do not lose an account:
   each holds an flock(2) on path.lock (made beside it, 0600) from the
   read to the rename.  0 or -1. */
int userfile_set(const char *path, const char *name, const char *password,
		 char **error_r);
/* The same, the new file and the lock file given to uid and gid (root
   adding an account for the service user); (uid_t)-1 and (gid_t)-1
   leave them as made. */
int userfile_set_owned(const char *path, const char *name, const char *password,
		       uid_t uid, gid_t gid, char **error_r);

#endif
