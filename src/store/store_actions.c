#include "autoconf.h"

#include <stdlib.h>

#include <sqlite3.h>

#include "store.h"
#include "store_actions.h"
#include "store_internal.h"
#include "util.h"

int
store_requeue_move(struct store *s, int64_t message_row, const char *mailbox,
		   const char *msgkey, const char *folder, time_t now,
		   char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INSERT_ACTION, error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, message_row);
	store_bind_text(st, 2, mailbox);
	store_bind_text(st, 3, msgkey);
	store_bind_text(st, 4, folder);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
	return store_run(s, st, error_r, "insert action");
}

static void
action_row(void *row, sqlite3_stmt *st)
{
	struct store_action_row *a = row;

	a->id = sqlite3_column_int64(st, 0);
	a->mailbox = store_column_dup(st, 1);
	a->msgkey = store_column_dup(st, 2);
	a->folder = store_column_dup(st, 3);
}

int
store_actions_due(struct store *s, size_t max, struct store_action_row **rows_r,
		  size_t *n_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ACTIONS_DUE, error_r);
	struct store_action_row *rows = NULL;
	size_t n = 0;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	rc = store_collect(s, st, &rows, &n, sizeof(*rows), action_row, error_r,
			   "actions");
	sqlite3_reset(st);
	if (rc == -1) {
		store_action_rows_free(rows, n);
		return -1;
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void
store_action_rows_free(struct store_action_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].mailbox);
		free(rows[i].msgkey);
		free(rows[i].folder);
	}
	free(rows);
}

int
store_action_done(struct store *s, int64_t id, time_t now, const char *error,
		  char **error_r)
{
	sqlite3_stmt *st;

	if (error != NULL) {
		st = store_stmt(s, STMT_ACTION_FAILED, error_r);
		if (st == NULL)
			return -1;
		store_bind_text(st, 1, error);
		sqlite3_bind_int(st, 2, STORE_ACTION_ATTEMPTS);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
		sqlite3_bind_int64(st, 4, id);
		return store_run(s, st, error_r, "action failed");
	}
	st = store_stmt(s, STMT_ACTION_DONE, error_r);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return store_run(s, st, error_r, "action done");
}

static int
action_done_ok(struct store *s, int64_t id, time_t now, char **error_r)
{
	return store_action_done(s, id, now, NULL, error_r);
}

int
store_actions_done(struct store *s, const int64_t *ids, size_t n, time_t now,
		   char **error_r)
{
	return store_each_id(s, ids, n, now, action_done_ok, error_r);
}
