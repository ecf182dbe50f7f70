#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "smtp.h"
#include "spool.h"
#include "util.h"

struct smtp {
	char *dir;
};

struct smtp *
smtp_file_new(const char *dir, char **error_r)
{
	struct smtp *t;

	if (spool_mkdir(dir, error_r) == -1)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->dir = xstrdup(dir);
	return t;
}

void
smtp_close(struct smtp **tp)
{
	if (*tp == NULL)
		return;
	free((*tp)->dir);
	free(*tp);
	*tp = NULL;
}

enum send_result
smtp_send(struct smtp *t, const char *envelope_from, const char *rcpt,
	  const char *message_id, const char *raw, size_t len, char **error_r)
{
	char *name;
	int rc;

	/* the id is ours and safe, but a file name must not be a path */
	if (!compose_addr_is_safe(rcpt) || !compose_addr_is_safe(message_id) ||
	    strchr(message_id, '/') != NULL) {
		*error_r = xasprintf("unsafe recipient or message id");
		return SEND_PERMFAIL;
	}
	(void)envelope_from;
	name = xasprintf("%s.eml", message_id);
	rc = spool_write(t->dir, name, raw, len, NULL, error_r);
	free(name);
	return rc == 0 ? SEND_OK : SEND_TEMPFAIL;
}
