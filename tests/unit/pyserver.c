#include "autoconf.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "pyserver.h"
#include "util.h"

/* the most servers one test runs at a time */
#define PYSERVER_MAX 4
/* the most options a server is given, beside the port options */
#define PYSERVER_ARGS 24

static pid_t running[PYSERVER_MAX];

static void
forget_pid(pid_t pid)
{
	size_t i;

	for (i = 0; i < nitems(running); i++) {
		if (running[i] == pid)
			running[i] = 0;
	}
}

/* The number in path, or -1 when there is none (yet). */
static long long
read_number(const char *path)
{
	long long num = 0;
	const char *error;
	char *text;
	size_t len;

	text = util_read_file(path, 64, &len, &error);
	if (text == NULL)
		return -1;
	if (util_strtonum(util_trim(text), 0, INT_MAX, &num, &error) == -1)
		num = -1;
	free(text);
	return num;
}

int
pyserver_start(pid_t *pid_r, const char *dir, const char *name,
	       const char *what, const char *const *args)
{
	char *portfile = xasprintf("%s/%s.port", dir, name);
	char *pidfile = xasprintf("%s/%s.pid", dir, name);
	char *logfile = xasprintf("%s/%s.log", dir, name);
	const char *argv[PYSERVER_ARGS + 8];
	size_t argc = 0, i;
	long long port = -1;
	pid_t pid;

	argv[argc++] = PYSERVER_PYTHON;
	argv[argc++] = args[0];
	argv[argc++] = "--port=0";
	argv[argc++] = "--port-file";
	argv[argc++] = portfile;
	argv[argc++] = "--pid-file";
	argv[argc++] = pidfile;
	for (i = 1; args[i] != NULL; i++) {
		assert_true(argc < nitems(argv) - 1);
		argv[argc++] = args[i];
	}
	argv[argc] = NULL;
	unlink(portfile);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		/* no orphaned server if the test dies */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (freopen(logfile, "a", stderr) == NULL ||
		    freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execv(PYSERVER_PYTHON, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < nitems(running) && running[i] != 0; i++)
		;
	assert_true(i < nitems(running));
	running[i] = pid;
	for (i = 0; i < 1000; i++) {
		port = read_number(portfile);
		if (port > 0)
			break;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			forget_pid(pid);
			fail_msg("%s exited; see %s", what, logfile);
		}
		usleep(10 * 1000);
	}
	if (port <= 0 || port > 65535)
		fail_msg("%s did not start; see %s", what, logfile);
	/* the PID file names the process that pyserver_stop() will end */
	assert_int_equal(read_number(pidfile), pid);
	free(portfile);
	free(pidfile);
	free(logfile);
	*pid_r = pid;
	return (int)port;
}

void
pyserver_stop(pid_t pid)
{
	int status;

	forget_pid(pid);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

int
pyserver_stop_all(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(running); i++) {
		if (running[i] != 0)
			pyserver_stop(running[i]);
	}
	return 0;
}
