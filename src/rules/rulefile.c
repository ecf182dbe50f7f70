#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rulefile.h"
#include "util.h"

void
rulefile_error(struct buf *errors, const char *file, unsigned line,
	       const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		(void)buf_addf(errors, "%s:%u: %s\n", file, line, msg);
	else
		(void)buf_addf(errors, "%s: %s\n", file, msg);
}

int
rulefile_each_line(const char *path, size_t max, struct buf *errors,
		   int (*fn)(void *ctx, char *line, unsigned lineno), void *ctx)
{
	const char *err;
	char *data, *cursor, *p;
	size_t len;
	unsigned line = 0;
	int rc = 0;

	data = util_read_file(path, max, &len, &err);
	if (data == NULL) {
		rulefile_error(errors, path, 0, "%s", err);
		return -1;
	}
	cursor = data;
	for (;;) {
		p = util_next_line(&cursor);
		if (p == NULL)
			break;
		line++;
		if (p[0] == '#' || p[strspn(p, " \t")] == '\0')
			continue;
		if (fn(ctx, p, line) == -1)
			rc = -1;
	}
	free(data);
	return rc;
}
