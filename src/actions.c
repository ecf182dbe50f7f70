#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "log.h"
#include "mailbox.h"
#include "store.h"
#include "util.h"

/* Moves rows one by one; returns the store's rc, sets *stop_r when the
   mailbox cannot be reached. */
static int
move_each(struct store *s, struct mailbox *mb, time_t now,
	  struct store_action_row *rows, size_t n, struct actions_stats *stats,
	  bool *stop_r, char **error_r)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0 && !*stop_r; i++) {
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
			*stop_r = true;
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
	return rc;
}

/* Moves n rows bound for one folder: in one command where the mailbox
   can, else (or when that fails) one by one. */
static int
move_group(struct store *s, struct mailbox *mb, time_t now,
	   struct store_action_row *rows, size_t n, struct actions_stats *stats,
	   bool *stop_r, char **error_r)
{
	const char **keys;
	int64_t *ids;
	char *err = NULL;
	size_t i;
	int r, rc = 0;

	if (mb->ops->move_set == NULL || n < 2)
		return move_each(s, mb, now, rows, n, stats, stop_r, error_r);
	keys = xreallocarray(NULL, n, sizeof(*keys));
	ids = xreallocarray(NULL, n, sizeof(*ids));
	for (i = 0; i < n; i++) {
		keys[i] = rows[i].msgkey;
		ids[i] = rows[i].id;
	}
	r = mb->ops->move_set(mb->h, keys, n, rows[0].folder, &err);
	if (r == 1) {
		log_debug("moved %zu messages to %s", n, rows[0].folder);
		stats->moved += (unsigned)n;
		rc = store_actions_done(s, ids, n, now, error_r);
	} else if (r == MAILBOX_UNREACHABLE) {
		log_debug("moves wait: %s", err);
		stats->failed += (unsigned)n;
		*stop_r = true;
	} else {
		log_warnx("moving %zu messages to %s failed (%s): one by one",
			  n, rows[0].folder, err);
		rc = move_each(s, mb, now, rows, n, stats, stop_r, error_r);
	}
	free(err);
	free(keys);
	free(ids);
	return rc;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct store_action_row *x = a, *y = b;
	int c = strcmp(x->mailbox, y->mailbox);

	if (c == 0)
		c = strcmp(x->folder, y->folder);
	if (c == 0)
		c = x->id < y->id ? -1 : x->id > y->id;
	return c;
}

/* One batch; *n_r rows were due, *more_r says whether to go on. */
static int
actions_batch(struct store *s, struct mailbox *mb, time_t now,
	      struct actions_stats *stats, size_t *n_r, bool *more_r,
	      char **error_r)
{
	struct store_action_row *rows;
	unsigned done = stats->moved + stats->gone;
	bool stop = false;
	size_t n, i, j;
	int rc = 0;

	*more_r = false;
	if (store_actions_due(s, ACTIONS_BATCH, &rows, &n, error_r) == -1)
		return -1;
	*n_r = n;
	/* the order of moves does not matter: one command per folder */
	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_cmp);
	for (i = 0; i < n && rc == 0 && !stop; i = j) {
		for (j = i + 1;
		     j < n && strcmp(rows[j].folder, rows[i].folder) == 0 &&
		     strcmp(rows[j].mailbox, rows[i].mailbox) == 0;
		     j++)
			;
		rc = move_group(s, mb, now, rows + i, j - i, stats, &stop,
				error_r);
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
