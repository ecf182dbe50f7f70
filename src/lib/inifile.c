#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ini.h>

#include "inifile.h"

struct reader {
	FILE *fp;
	unsigned line;
	inifile_handler *handler;
	void *user;
	int failed;
};

/* inih reads one line, then calls the handler for it: counting lines
   here gives the handler the line it is looking at. */
static char *
read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	char *s = fgets(str, num, r->fp);

	if (s != NULL)
		r->line++;
	return s;
}

static int
on_value(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;

	if (r->handler(r->user, section, name, value, r->line) == -1)
		r->failed = 1;
	return 1;
}

int
inifile_parse(const char *path, inifile_handler *handler, void *user,
	      unsigned *syntax_line_r, const char **error_r)
{
	struct reader r;
	int rc;

	memset(&r, 0, sizeof(r));
	*syntax_line_r = 0;
	r.fp = fopen(path, "re");
	if (r.fp == NULL) {
		*error_r = strerror(errno);
		return -1;
	}
	r.handler = handler;
	r.user = user;
	rc = ini_parse_stream(read_line, &r, on_value, &r);
	fclose(r.fp);
	if (rc > 0)
		*syntax_line_r = (unsigned)rc;
	return rc != 0 || r.failed ? -1 : 0;
}
