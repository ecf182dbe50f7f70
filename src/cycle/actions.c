#include "autoconf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "spool.h"
#include "reason.h"
#include "staff_cycle.h"
#include "store_actions.h"
#include "util.h"

/* The key in folder of the message whose bytes hash to sha: a decision
   made on the command line knows the message, not its key there.  OK with
   *key_r (heap), GONE when it is not there, or the mailbox's error. */
static enum mailbox_result
find_by_sha(struct mailbox *mb, const char *folder, const char *sha,
	    char **key_r, char **error_r)
{
	enum mailbox_result rc;
	char **keys, *data, hex[65];
	size_t n, i, len, size;
	bool found = false;

	rc = mailbox_folder_list(mb, folder, &keys, &n, error_r);
	if (rc != MAILBOX_OK)
		return rc;
	for (i = 0; rc != MAILBOX_ERROR && rc != MAILBOX_UNREACHABLE &&
		    !found && i < n;
	     i++) {
		rc = mailbox_folder_fetch(mb, folder, keys[i],
					  MESSAGE_SIZE_MAX + 1, &data, &len,
					  &size, error_r);
		if (rc != MAILBOX_OK)
			continue; /* GONE: moved meanwhile; else an error */
		spool_sha256(data, len, hex);
		free(data);
		if (strcmp(hex, sha) == 0) {
			*key_r = xstrdup(keys[i]);
			found = true;
		}
	}
	util_free_strv(keys, n);
	if (found)
		return MAILBOX_OK;
	return rc == MAILBOX_ERROR || rc == MAILBOX_UNREACHABLE ? rc
								: MAILBOX_GONE;
}

/* Moves one row's message: from the inbox, or from another folder (a
   staff decision).  As mailbox_move(). */
static enum mailbox_result
move_one(struct mailbox *mb, const struct store_action_row *row, char **error_r)
{
	enum mailbox_result rc;
	char *key = NULL;

	if (strcmp(row->mailbox, mb->name) == 0)
		return mailbox_move(mb, row->msgkey, row->folder, error_r);
	if (strncmp(row->msgkey, "sha:", 4) != 0)
		return mailbox_folder_move(mb, row->mailbox, row->msgkey,
					   row->folder, error_r);
	rc = find_by_sha(mb, row->mailbox, row->msgkey + 4, &key, error_r);
	if (rc == MAILBOX_OK)
		rc = mailbox_folder_move(mb, row->mailbox, key, row->folder,
					 error_r);
	free(key);
	return rc;
}

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

		switch (move_one(mb, &rows[i], &err)) {
		case MAILBOX_OK:
			log_debug("moved %s to %s", rows[i].msgkey,
				  rows[i].folder);
			stats->moved++;
			rc = store_action_done(s, rows[i].id, now, NULL,
					       error_r);
			break;
		case MAILBOX_GONE:
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
		default: /* MAILBOX_ERROR */
			log_warnx("moving %s to %s failed: %s", rows[i].msgkey,
				  rows[i].folder, err);
			/* for aanmeld status and the staff, not only the log */
			staff_cycle_error(s, now, REASON_OP_FOLDER,
					  rows[i].folder, "folder %s: %s",
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
	enum mailbox_result r;
	size_t i;
	int rc = 0;

	if (!mailbox_has_move_set(mb) || n < 2 ||
	    strcmp(rows[0].mailbox, mb->name) != 0)
		return move_each(s, mb, now, rows, n, stats, stop_r, error_r);
	keys = xreallocarray(NULL, n, sizeof(*keys));
	ids = xreallocarray(NULL, n, sizeof(*ids));
	for (i = 0; i < n; i++) {
		keys[i] = rows[i].msgkey;
		ids[i] = rows[i].id;
	}
	r = mailbox_move_set(mb, keys, n, rows[0].folder, &err);
	if (r == MAILBOX_OK) {
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
