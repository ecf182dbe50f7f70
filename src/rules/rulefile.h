/*
 * The line-oriented files an organiser or operator edits (rules/ and
 * aanmeld.conf) share one way to be read and one way to report a
 * problem: "file:line: message", collected in a buffer so that loading
 * can fail once with all of them (STYLE 22).  The loaders sit above this
 * file, and rules.c above the loaders.
 */
#ifndef AANMELD_RULEFILE_H
#define AANMELD_RULEFILE_H

#include <stddef.h>

#include "defs.h"

struct buf;

/* Appends "file:line: message\n" (or "file: message" for line 0). */
void rulefile_error(struct buf *errors, const char *file, unsigned line,
		    const char *fmt, ...) ATTR_PRINTF(4, 5);

/*
 * Calls fn for every line of the file at path (at most max bytes) that is
 * not blank and does not start with '#', with its line number; the line
 * is writable and has no line end.  Returns -1 if the file cannot be read
 * or any call returned -1 (every line is still visited).
 */
int rulefile_each_line(const char *path, size_t max, struct buf *errors,
		       int (*fn)(void *ctx, char *line, unsigned lineno),
		       void *ctx);

#endif
