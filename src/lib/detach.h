/*
 * Running without a service manager: aanmeldd --pid-file FILE holds FILE
 * locked, with its process ID in it, while it runs, and without -f it
 * leaves the terminal once it has started, so the shell that started it
 * learns from the exit status whether the start worked.
 */
#ifndef AANMELD_DETACH_H
#define AANMELD_DETACH_H

#include <stdbool.h>

struct pidfh;

struct detach {
	struct pidfh *pidfile;
	int ready_fd; /* to the waiting parent; -1 when there is none */
};

/* Claims the pid file at path (another aanmeldd that holds it is an
   error naming its process ID).  With background, forks: the starting
   process waits, and exits 0 when the daemon calls detach_ready, or
   with the daemon's status when it ends before.  Call it before the
   database is opened: a SQLite connection must not cross a fork. */
int detach_begin(struct detach *d, const char *path, bool background,
		 char **error_r);
/* Started: the pid file gets this process's ID and the waiting process
   exits 0; in the background the standard streams go to /dev/null. */
int detach_ready(struct detach *d, char **error_r);
/* At exit: removes the pid file. */
void detach_end(struct detach *d);

#endif
