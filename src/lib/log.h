/*
 * Logging modelled on OpenBSD's log.c: syslog (the journal) when running as
 * a daemon, stderr in the foreground.  Every function is printf-checked.
 */
#ifndef AANMELD_LOG_H
#define AANMELD_LOG_H

#include "defs.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* to_stderr: 1 logs to stderr, 0 to syslog with the given facility. */
void log_init(int to_stderr, int facility);
void log_set_level(enum log_level level);
/* Parses "error", "warning", "info" or "debug"; -1 when unknown. */
int log_level_parse(const char *name, enum log_level *level_r);
/* Appends ": strerror(errno)". */
void log_warn(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_info(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_debug(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* Only at start-up or on a broken invariant, never for mail content. */
void fatal(const char *fmt, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;
void fatalx(const char *fmt, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;

#endif
