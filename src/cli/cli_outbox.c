#include "autoconf.h"

#include <stdlib.h>

#include "cli_outbox.h"
#include "store_outbox.h"

/* rc of the change; on 0 the state that says why into *status_r. */
static int
why(struct store *s, int64_t id, int rc, char **status_r, char **error_r)
{
	*status_r = NULL;
	if (rc != 0)
		return rc;
	if (store_outbox_status(s, id, status_r, error_r) == -1)
		return -1;
	return 0;
}

int
cli_outbox_retry(struct store *s, int64_t id, time_t now, char **status_r,
		 char **error_r)
{
	return why(s, id, store_outbox_requeue(s, id, now, error_r), status_r,
		   error_r);
}

int
cli_outbox_cancel(struct store *s, int64_t id, const char *actor, time_t now,
		  char **status_r, char **error_r)
{
	return why(s, id, store_outbox_cancel(s, id, actor, now, error_r),
		   status_r, error_r);
}
