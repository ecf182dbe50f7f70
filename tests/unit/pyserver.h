/*
 * What the unit tests that run a Python test server (in tests/servers)
 * share: start it on 127.0.0.1 with a port the kernel picks, wait until
 * it listens, stop it by its PID.  Servers still running when a test
 * fails half-way are stopped by pyserver_stop_all(), the tests' teardown.
 */
#ifndef AANMELD_PYSERVER_H
#define AANMELD_PYSERVER_H

#include <sys/types.h>

#define PYSERVER_PYTHON "/usr/bin/python3"

/* Runs PYSERVER_PYTHON args[0] --port 0 --port-file dir/name.port
   --pid-file dir/name.pid args[1]...  (args ends at its first NULL), its
   stderr appended to dir/name.log.  Waits until the server has written
   its port file, which it does last, once it listens; fails the test
   (naming what and the log) when it exits first or takes over 10 s, or
   when its PID file names another process.  Sets *pid_r and returns the
   port. */
int pyserver_start(pid_t *pid_r, const char *dir, const char *name,
		   const char *what, const char *const *args);
/* Ends the server pid with SIGTERM and waits for it. */
void pyserver_stop(pid_t pid);
/* A cmocka teardown: stops every server still running.  Returns 0. */
int pyserver_stop_all(void **state);

#endif
