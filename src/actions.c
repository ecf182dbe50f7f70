#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>

#include "actions.h"
#include "log.h"
#include "mailbox.h"
#include "store.h"

/* One batch; *n_r rows were due, *more_r says whether to go on. */
static int
actions_batch(struct store *s, struct mailbox *mb, time_t now,
	      struct actions_stats *stats, size_t *n_r, bool *more_r,
	      char **error_r)
{
	struct store_action_row *rows;
	unsigned done = stats->moved + stats->gone;
	size_t n, i;
	int rc = 0;

	*more_r = false;
	if (store_actions_due(s, ACTIONS_BATCH, &rows, &n, error_r) == -1)
		return -1;
	*n_r = n;
	for (i = 0; i < n && rc == 0; i++) {
		char *err = NULL;

		switch (mb->ops->move(mb->h, rows[i].msgkey, rows[i].folder,
				      &err)) {
		case 1:
			log_debug("moved %s to %s", rows[i].msgkey,
				  rows[i].folder);
			stats->moved++;
			rc = store_action_done(s, rows[i].id, now, NULL,
					       error_r);
			break;
		case 0:
			stats->gone++;
			rc = store_action_done(s, rows[i].id, now, NULL,
					       error_r);
			break;
		case MAILBOX_UNREACHABLE:
			/* nothing was tried: the rows wait for the server */
			log_debug("moves wait: %s", err);
			stats->failed += (unsigned)(n - i);
			i = n;
			break;
		default:
			log_warnx("moving %s to %s failed: %s", rows[i].msgkey,
				  rows[i].folder, err);
			stats->failed++;
			rc = store_action_done(s, rows[i].id, now, err,
					       error_r);
			break;
		}
		free(err);
	}
	store_action_rows_free(rows, n);
	/* failed rows stay queued a few times: go on only while moving */
	*more_r = stats->moved + stats->gone - done == n;
	return rc;
}

int
actions_run(struct store *s, struct mailbox *mb, time_t now,
	    struct actions_stats *stats, char **error_r)
{
	bool more;
	size_t n;
	int rc;

	do {
		rc = actions_batch(s, mb, now, stats, &n, &more, error_r);
	} while (rc == 0 && n == ACTIONS_BATCH && more);
	return rc;
}
