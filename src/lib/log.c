#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "escape.h"
#include "log.h"
#include "util.h"

static int log_to_stderr = 1;
static enum log_level log_level = LOG_LEVEL_INFO;

static ATTR_NORETURN void
log_oom(void)
{
	fatalx("out of memory");
}

void
log_init(int to_stderr, int facility)
{
	util_set_oom_handler(log_oom);
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog("aanmeld", LOG_PID | LOG_NDELAY, facility);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

int
log_level_parse(const char *name, enum log_level *level_r)
{
	static const char *const names[] = {"error", "warning", "info",
					    "debug"};
	size_t i;

	for (i = 0; i < nitems(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*level_r = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

static void
vlog(enum log_level level, int priority, const char *fmt, va_list ap,
     int with_errno)
{
	char raw[2048], *msg;
	int saved = errno;
	const char *sep = with_errno ? ": " : "";
	const char *why = with_errno ? strerror(saved) : "";

	if (level > log_level)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	/* reasons and ids quote mail: one line, no terminal controls, so a
	   sender cannot forge a line of the journal */
	msg = escape_str(raw, ESCAPE_LINE);
	if (log_to_stderr) {
		fprintf(stderr, "%s%s%s\n", msg, sep, why);
		fflush(stderr);
	} else {
		syslog(priority, "%s%s%s", msg, sep, why);
	}
	free(msg);
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARNING, LOG_WARNING, fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARNING, LOG_WARNING, fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_INFO, LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_DEBUG, LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
