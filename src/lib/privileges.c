/*
 * Dropping root, the way OpenSMTPD's queue() and Dovecot's
 * restrict_access() do: supplementary groups first, then the group, then
 * the user, every call checked, and a last check that setuid(0) fails.
 */
#include "autoconf.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "defs.h"
#include "log.h"
#include "privileges.h"
#include "util.h"

/* A config others may write could point the daemon anywhere. */
static int
check_config(const char *path, uid_t uid, char **error_r)
{
	struct stat st;

	if (path == NULL)
		return 0;
	if (stat(path, &st) == -1) {
		*error_r = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != uid) {
		*error_r = xasprintf("%s: owned by uid %u, not by root or the "
				     "service user: refusing to use it",
				     path, (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & 022) != 0) {
		*error_r = xasprintf("%s: writable by group or others (mode "
				     "%03o): refusing to use it; run chmod "
				     "go-w %s",
				     path, (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	return 0;
}

/* What the daemon writes must stay the user's: a root-owned database
   would make every later write fail after the drop. */
static int
check_owned(const char *path, const struct passwd *pw, bool create,
	    char **error_r)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		if (errno != ENOENT) {
			*error_r = xasprintf("%s: %s", path, strerror(errno));
			return -1;
		}
		if (!create)
			return 0;
		/* the one thing root does for the user */
		if (mkdir(path, 0750) == -1 ||
		    chown(path, pw->pw_uid, pw->pw_gid) == -1) {
			*error_r =
				xasprintf("%s: cannot create it for %s: %s",
					  path, pw->pw_name, strerror(errno));
			return -1;
		}
		log_info("created %s for %s", path, pw->pw_name);
		return 0;
	}
	if (st.st_uid != pw->pw_uid) {
		*error_r = xasprintf("%s: owned by uid %u, not by %s (uid %u): "
				     "run chown -R %s %s",
				     path, (unsigned)st.st_uid, pw->pw_name,
				     (unsigned)pw->pw_uid, pw->pw_name, path);
		return -1;
	}
	if ((st.st_mode & S_IWUSR) == 0) {
		*error_r = xasprintf("%s: not writable by its owner %s", path,
				     pw->pw_name);
		return -1;
	}
	return 0;
}

/* SQLite's write-ahead log and its index beside the database. */
static int
check_sidecars(const char *database, const struct passwd *pw, char **error_r)
{
	static const char *const ext[] = {"-wal", "-shm"};
	size_t i;
	char *path;
	int rc = 0;

	for (i = 0; i < nitems(ext) && rc == 0; i++) {
		path = xasprintf("%s%s", database, ext[i]);
		rc = check_owned(path, pw, false, error_r);
		free(path);
	}
	return rc;
}

static int
drop_to(const struct passwd *pw, char **error_r)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (initgroups(pw->pw_name, pw->pw_gid) == -1) {
		*error_r = xasprintf("cannot drop privileges: initgroups %s: "
				     "%s",
				     pw->pw_name, strerror(errno));
		return -1;
	}
	if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1) {
		*error_r = xasprintf("cannot drop privileges: setresgid %u: %s",
				     (unsigned)pw->pw_gid, strerror(errno));
		return -1;
	}
	if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		*error_r = xasprintf("cannot drop privileges: setresuid %u: %s",
				     (unsigned)pw->pw_uid, strerror(errno));
		return -1;
	}
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1 || ruid != pw->pw_uid ||
	    euid != pw->pw_uid || suid != pw->pw_uid || rgid != pw->pw_gid ||
	    egid != pw->pw_gid || sgid != pw->pw_gid) {
		*error_r = xstrdup("cannot drop privileges: the ids did not "
				   "change");
		return -1;
	}
	/* must fail now; if it works, root is still within reach */
	if (setuid(0) != -1 || seteuid(0) != -1) {
		*error_r = xstrdup("cannot drop privileges: root can be "
				   "regained");
		return -1;
	}
	return 0;
}

int
privileges_drop(const struct privileges_settings *set, bool *dropped_r,
		char **error_r)
{
	struct passwd *pw;

	if (dropped_r != NULL)
		*dropped_r = false;
	if (geteuid() != 0 && getuid() != 0)
		return 0;
	if (set->user == NULL || set->user[0] == '\0') {
		if (set->allow_root) {
			log_warnx("running as root (--allow-root): every file "
				  "it creates belongs to root");
			return 0;
		}
		*error_r = xstrdup("refusing to run as root: set [main] user "
				   "to the service user (the daemon drops to "
				   "it), start it as that user, or pass "
				   "--allow-root");
		return -1;
	}
	errno = 0;
	pw = getpwnam(set->user);
	if (pw == NULL) {
		*error_r = xasprintf("[main] user: no user '%s'%s%s", set->user,
				     errno != 0 ? ": " : "",
				     errno != 0 ? strerror(errno) : "");
		return -1;
	}
	if (pw->pw_uid == 0) {
		*error_r = xasprintf("[main] user: '%s' is root; name the "
				     "service user",
				     set->user);
		return -1;
	}
	if (check_config(set->config_path, pw->pw_uid, error_r) == -1 ||
	    check_owned(set->spool_dir, pw, set->create_spool, error_r) == -1 ||
	    check_owned(set->database, pw, false, error_r) == -1 ||
	    check_sidecars(set->database, pw, error_r) == -1)
		return -1;
	if (drop_to(pw, error_r) == -1)
		return -1;
	if (dropped_r != NULL)
		*dropped_r = true;
	return 0;
}
