#include "autoconf.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <bsd/libutil.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detach.h"
#include "util.h"

/* The starting process: exits 0 once the daemon says it is ready, else
   with the daemon's own status (its reason is on the shared stderr). */
static void
wait_ready(pid_t child, int fd)
{
	ssize_t n;
	char c;
	int status;

	do
		n = read(fd, &c, 1);
	while (n == -1 && errno == EINTR);
	if (n == 1)
		_exit(0);
	while (waitpid(child, &status, 0) == -1 && errno == EINTR)
		;
	_exit(WIFEXITED(status) && WEXITSTATUS(status) != 0
		      ? WEXITSTATUS(status)
		      : 1);
}

int
detach_begin(struct detach *d, const char *path, bool background,
	     char **error_r)
{
	pid_t other = -1, pid;
	int fds[2];

	d->pidfile = NULL;
	d->ready_fd = -1;
	if (path != NULL) {
		d->pidfile = pidfile_open(path, 0644, &other);
		if (d->pidfile == NULL) {
			*error_r = errno == EEXIST
					   ? xasprintf("%s: aanmeldd runs "
						       "already as process %ld",
						       path, (long)other)
					   : xasprintf("%s: %s", path,
						       strerror(errno));
			return -1;
		}
	}
	if (!background)
		return 0;
	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		*error_r = xasprintf("cannot go into the background: %s",
				     strerror(errno));
		detach_end(d);
		return -1;
	}
	if (pid > 0) {
		close(fds[1]);
		wait_ready(pid, fds[0]);
	}
	close(fds[0]);
	d->ready_fd = fds[1];
	(void)setsid(); /* no controlling terminal: its hangup is not ours */
	return 0;
}

int
detach_ready(struct detach *d, char **error_r)
{
	int null;

	if (d->pidfile != NULL && pidfile_write(d->pidfile) == -1) {
		*error_r = xasprintf("cannot write the pid file: %s",
				     strerror(errno));
		return -1;
	}
	if (d->ready_fd == -1)
		return 0;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null == -1 || dup2(null, STDIN_FILENO) == -1 ||
	    dup2(null, STDOUT_FILENO) == -1 ||
	    dup2(null, STDERR_FILENO) == -1) {
		*error_r = xasprintf("/dev/null: %s", strerror(errno));
		if (null != -1)
			close(null);
		return -1;
	}
	close(null);
	/* after the pid file: when the start command returns, it is there;
	   a starter that is gone already does not matter */
	(void)!write(d->ready_fd, "", 1);
	close(d->ready_fd);
	d->ready_fd = -1;
	return 0;
}

void
detach_end(struct detach *d)
{
	if (d->pidfile != NULL)
		(void)pidfile_remove(d->pidfile);
	d->pidfile = NULL;
	if (d->ready_fd != -1)
		close(d->ready_fd);
	d->ready_fd = -1;
}
