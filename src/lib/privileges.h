/*
 * Running without root.  aanmeldd needs no privilege: no ports below
 * 1024, and the spool belongs to the service user.  Started as root
 * anyway (by hand, by an init without User=), it drops to [main] user
 * before it opens the database or reads any mail, in the order
 * initgroups, setresgid, setresuid, and checks that root cannot come
 * back.  Without [main] user it refuses to run as root unless the
 * operator says --allow-root.
 */
#ifndef AANMELD_PRIVILEGES_H
#define AANMELD_PRIVILEGES_H

#include <stdbool.h>

struct privileges_settings {
	const char *user;	 /* [main] user; NULL: none configured */
	bool allow_root;	 /* --allow-root */
	const char *config_path; /* NULL: the embedded default */
	const char *spool_dir;
	const char *database;
	bool create_spool; /* make a missing spool folder for the user */
};

/*
 * Not root: returns 0 and changes nothing.  Root with a user: checks that
 * the config is not writable by others and that the spool and the
 * database (when they exist) belong to the user, creates a missing spool
 * folder for the user (with create_spool), then drops.  *dropped_r (may be
 * NULL) says whether it dropped.  0, or -1 with *error_r (heap): the caller
 * must not go on.
 */
int privileges_drop(const struct privileges_settings *set, bool *dropped_r,
		    char **error_r);

#endif
