/*
 * Sending a composed message: the dispatcher behind smtp.h, and the file
 * transport (the embedded default and the demo), which writes each message
 * to a folder as <Message-ID>.eml.  The SMTP transport is smtp_curl.c.
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"
#include "smtp.h"
#include "smtp_backend.h"
#include "spool.h"
#include "util.h"

static enum send_result
file_send(struct smtp *t, const char *envelope_from, const char *rcpt,
	  const char *message_id, const char *raw, size_t len, char **error_r)
{
	char *name;
	int rc;

	(void)envelope_from;
	(void)rcpt;
	name = xasprintf("%s.eml", message_id);
	/* durable at smtp_flush(): one sync for a batch of files */
	rc = spool_put(t->dir, name, raw, len, NULL, error_r);
	free(name);
	return rc == 0 ? SEND_OK : SEND_TEMPFAIL;
}

static void
file_deinit(struct smtp *t)
{
	free(t->dir);
}

static int
file_flush(struct smtp *t, char **error_r)
{
	return spool_sync(t->dir, error_r);
}

static const struct smtp_ops file_ops = {
	.send = file_send,
	.deinit = file_deinit,
	.flush = file_flush,
};

struct smtp *
smtp_file_new(const char *dir, char **error_r)
{
	struct smtp *t;

	if (spool_mkdir(dir, error_r) == -1)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->ops = &file_ops;
	t->dir = xstrdup(dir);
	return t;
}

void
smtp_close(struct smtp **tp)
{
	if (*tp == NULL)
		return;
	(*tp)->ops->deinit(*tp);
	free(*tp);
	*tp = NULL;
}

enum send_result
smtp_send(struct smtp *t, const char *envelope_from, const char *rcpt,
	  const char *message_id, const char *raw, size_t len, char **error_r)
{
	/* the id is ours and safe, but a file name must not be a path */
	if (!compose_addr_is_safe(rcpt) || !compose_addr_is_safe(message_id) ||
	    strchr(message_id, '/') != NULL) {
		*error_r = xasprintf("unsafe recipient or message id");
		return SEND_PERMFAIL;
	}
	return t->ops->send(t, envelope_from, rcpt, message_id, raw, len,
			    error_r);
}

void
smtp_set_bearer(struct smtp *t, const char *token)
{
	if (t != NULL && t->ops->set_bearer != NULL)
		t->ops->set_bearer(t, token);
}

bool
smtp_replayable(const struct smtp *t)
{
	return t->ops->flush != NULL;
}

int
smtp_flush(struct smtp *t, char **error_r)
{
	return t->ops->flush != NULL ? t->ops->flush(t, error_r) : 0;
}
