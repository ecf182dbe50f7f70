#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "reason.h"
#include "store.h"
#include "store_internal.h"
#include "store_outbox.h"
#include "store_write.h"
#include "util.h"

static void
outbox_row(void *row, sqlite3_stmt *st)
{
	struct store_outbox_row *o = row;
	int len = sqlite3_column_bytes(st, 4);

	o->id = sqlite3_column_int64(st, 0);
	o->message_id = store_column_dup(st, 1);
	o->envelope_from = store_column_dup(st, 2);
	o->rcpt = store_column_dup(st, 3);
	o->raw = xmalloc((size_t)len + 1);
	memcpy(o->raw, sqlite3_column_blob(st, 4), (size_t)len);
	o->raw[len] = '\0';
	o->len = (size_t)len;
	o->attempts = (unsigned)sqlite3_column_int(st, 5);
	o->created_at = (time_t)sqlite3_column_int64(st, 6);
}

int
store_outbox_due(struct store *s, time_t now, size_t max,
		 struct store_outbox_row **rows_r, size_t *n_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_DUE, error_r);
	struct store_outbox_row *rows = NULL;
	size_t n = 0;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	rc = store_collect(s, st, &rows, &n, sizeof(*rows), outbox_row, error_r,
			   "outbox");
	sqlite3_reset(st);
	if (rc == -1) {
		store_outbox_rows_free(rows, n);
		return -1;
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void
store_outbox_rows_free(struct store_outbox_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].message_id);
		free(rows[i].envelope_from);
		free(rows[i].rcpt);
		free(rows[i].raw);
	}
	free(rows);
}

/* The statement that moves row id on, bound as they all are: ?1 = now,
   ?2 = id.  NULL on error. */
static sqlite3_stmt *
row_step(struct store *s, enum store_stmt which, int64_t id, time_t now,
	 char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, which, error_r);

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
		sqlite3_bind_int64(st, 2, id);
	}
	return st;
}

int
store_outbox_sent(struct store *s, int64_t id, time_t now, char **error_r)
{
	sqlite3_stmt *st = row_step(s, STMT_OUTBOX_SENT, id, now, error_r);

	return st == NULL ? -1 : store_run(s, st, error_r, "outbox sent");
}

int
store_outbox_claim(struct store *s, int64_t id, time_t now, char **error_r)
{
	sqlite3_stmt *st = row_step(s, STMT_OUTBOX_CLAIM, id, now, error_r);

	if (st == NULL ||
	    store_run_unsynced(s, st, error_r, "outbox claim") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int
store_outbox_requeue(struct store *s, int64_t id, time_t now, char **error_r)
{
	sqlite3_stmt *st = row_step(s, STMT_OUTBOX_REQUEUE, id, now, error_r);

	if (st == NULL || store_run(s, st, error_r, "outbox requeue") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

/* The review item of an outbox row that failed for good. */
static int
review_for_outbox(struct store *s, int64_t id, const char *error, time_t now,
		  char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_RCPT, error_r);
	struct reason_list why = {NULL, 0};
	char *rcpt, *text, *codes;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	rcpt = rc == SQLITE_ROW ? store_column_dup(st, 0) : NULL;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, error_r, "outbox recipient");
	if (rc == SQLITE_DONE)
		return 0; /* no such row: nothing to review */
	reason_list_add(&why, REASON_MAIL_FAILED, rcpt, error);
	free(rcpt);
	text = reason_list_english(&why);
	codes = reason_list_encode(&why);
	reason_list_deinit(&why);
	st = store_stmt(s, STMT_REVIEW_FOR_OUTBOX, error_r);
	rc = -1;
	if (st != NULL) {
		store_bind_text(st, 1, text);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
		sqlite3_bind_int64(st, 3, id);
		store_bind_text(st, 4, codes);
		rc = store_run(s, st, error_r, "review for outbox");
	}
	free(text);
	free(codes);
	return rc;
}

int
store_outbox_retry(struct store *s, int64_t id, unsigned attempt,
		   time_t next_try, const char *error, time_t now,
		   char **error_r)
{
	sqlite3_stmt *st;

	if (store_begin(s, error_r) == -1)
		return -1;
	st = store_stmt(s, STMT_OUTBOX_RETRY, error_r);
	if (st == NULL)
		goto rollback;
	if (next_try > 0)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)next_try);
	else
		sqlite3_bind_null(st, 1);
	store_bind_text(st, 2, error);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int(st, 4, (int)attempt);
	if (store_run(s, st, error_r, "outbox retry") == -1)
		goto rollback;
	if (next_try == 0 &&
	    review_for_outbox(s, id, error, now, error_r) == -1)
		goto rollback;
	if (store_commit(s, error_r) == 0)
		return 0;
rollback:
	store_rollback(s);
	return -1;
}

int
store_outbox_counts(struct store *s, unsigned *queued_r, unsigned *failed_r,
		    char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_COUNTS, error_r);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	*queued_r = rc == SQLITE_ROW ? (unsigned)sqlite3_column_int(st, 0) : 0;
	*failed_r = rc == SQLITE_ROW ? (unsigned)sqlite3_column_int(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, error_r, "outbox counts");
}

/* One row sent by a transport that never claimed it. */
static int
sent_unclaimed(struct store *s, int64_t id, time_t now, char **error_r)
{
	sqlite3_stmt *st =
		row_step(s, STMT_OUTBOX_SENT_UNCLAIMED, id, now, error_r);

	return st == NULL ? -1 : store_run(s, st, error_r, "outbox sent");
}

int
store_outbox_sent_many(struct store *s, const int64_t *ids, size_t n,
		       time_t now, char **error_r)
{
	return store_each_id(s, ids, n, now, sent_unclaimed, error_r);
}

int
store_outbox_status(struct store *s, int64_t id, char **status_r,
		    char **error_r)
{
	char key[32], **v;
	size_t n;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	*status_r = NULL;
	if (store_strings_of(s,
			     "SELECT " STORE_OUTBOX_STATE_SQL
			     " FROM outbox WHERE id = ?1",
			     key, &v, &n, error_r, "outbox status") == -1)
		return -1;
	if (n > 0)
		*status_r = v[0];
	while (n > 1)
		free(v[--n]);
	free(v);
	return *status_r != NULL ? 1 : 0;
}

/* Marks row id cancelled and closes its open review item, in the
   caller's transaction; *message_r is its message (0: none).  A waiting
   row becomes failed as the bounce's hold makes it, so that the sender
   never claims it; one the sender has claimed is left alone (it may be
   on its way).  1, 0 not a failed or waiting row, -1. */
static int
mark_cancelled(struct store *s, int64_t id, const char *actor, time_t now,
	       int64_t *message_r, char **error_r)
{
	sqlite3_stmt *up = store_prepare(
		s,
		"UPDATE outbox SET cancelled_at = ?1, status = 'failed',"
		" next_try = NULL WHERE id = ?2"
		" AND status IN ('queued', 'failed') AND cancelled_at IS NULL"
		" AND NOT (status = 'queued' AND claimed_at IS NOT NULL)"
		" RETURNING coalesce(message, 0)",
		error_r);
	sqlite3_stmt *close = NULL;
	int step, rc = -1;

	if (up == NULL)
		return -1;
	sqlite3_bind_int64(up, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(up, 2, id);
	step = sqlite3_step(up);
	if (step == SQLITE_ROW) {
		*message_r = sqlite3_column_int64(up, 0);
		step = sqlite3_step(up);
	} else if (step == SQLITE_DONE) {
		rc = 0; /* no failed row id */
		goto out;
	}
	if (step != SQLITE_DONE) {
		store_fail(s, error_r, "outbox cancel");
		goto out;
	}
	close = store_prepare(s,
			      "UPDATE review_items SET status = 'decided',"
			      " decided_at = ?1, decided_by = ?3,"
			      " decision = 'cancel' WHERE outbox = ?2"
			      " AND status = 'open'",
			      error_r);
	if (close != NULL) {
		sqlite3_bind_int64(close, 1, (sqlite3_int64)now);
		sqlite3_bind_int64(close, 2, id);
		store_bind_text(close, 3, actor);
		rc = store_run(s, close, error_r, "outbox cancel") == 0 ? 1
									: -1;
	}
out:
	sqlite3_finalize(up);
	sqlite3_finalize(close);
	return rc;
}

int
store_outbox_cancel(struct store *s, int64_t id, const char *actor, time_t now,
		    char **error_r)
{
	int64_t message = 0;
	char *detail;
	int rc;

	if (store_begin(s, error_r) == -1)
		return -1;
	rc = mark_cancelled(s, id, actor, now, &message, error_r);
	if (rc == 1) {
		detail = xasprintf("outbox mail %lld", (long long)id);
		if (store_audit(s, now, actor, "cancel", message, NULL, detail,
				error_r) == -1 ||
		    store_commit(s, error_r) == -1)
			rc = -1;
		free(detail);
	}
	if (rc != 1)
		store_rollback(s);
	return rc;
}

/* The strings of n rows, not the array. */
static void
items_clear(struct store_outbox_item *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].kind);
		free(rows[i].rcpt);
		free(rows[i].state);
		free(rows[i].error);
		free(rows[i].head);
	}
}

static void
item_row(void *row, sqlite3_stmt *st)
{
	struct store_outbox_item *r = row;
	const void *head;

	r->id = sqlite3_column_int64(st, 0);
	r->kind = store_column_dup(st, 1);
	r->rcpt = store_column_dup(st, 2);
	r->state = store_column_dup(st, 3);
	r->attempts = (unsigned)sqlite3_column_int(st, 4);
	r->created_at = (time_t)sqlite3_column_int64(st, 5);
	r->sent_at = (time_t)sqlite3_column_int64(st, 6);
	r->error = store_column_dup(st, 7);
	head = sqlite3_column_blob(st, 8);
	r->head_len = (size_t)sqlite3_column_bytes(st, 8);
	r->head = xmalloc(r->head_len + 1);
	if (r->head_len > 0)
		memcpy(r->head, head, r->head_len);
	r->head[r->head_len] = '\0';
}

int
store_outbox_list(struct store *s, size_t max,
		  struct store_outbox_item **rows_r, size_t *n_r, int *more_r,
		  char **error_r)
{
	sqlite3_stmt *st;
	int rc;

	*rows_r = NULL;
	*n_r = 0;
	*more_r = 0;
	st = store_prepare(
		s,
		"SELECT id, kind, rcpt, " STORE_OUTBOX_STATE_SQL
		", attempts, created_at,"
		" coalesce(sent_at, 0), coalesce(bounce, last_error),"
		" substr(CAST(raw AS BLOB), 1, ?2)"
		" FROM outbox ORDER BY id DESC LIMIT ?1",
		error_r);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max + 1);
	sqlite3_bind_int(st, 2, STORE_OUTBOX_HEAD_MAX);
	rc = store_collect(s, st, rows_r, n_r, sizeof(**rows_r), item_row,
			   error_r, "outbox list");
	sqlite3_finalize(st);
	if (rc == -1) {
		store_outbox_items_free(*rows_r, *n_r);
		*rows_r = NULL;
		*n_r = 0;
		return -1;
	}
	if (*n_r > max) {
		items_clear(*rows_r + max, *n_r - max);
		*n_r = max;
		*more_r = 1;
	}
	return 0;
}

void
store_outbox_items_free(struct store_outbox_item *rows, size_t n)
{
	items_clear(rows, n);
	free(rows);
}

int
store_outbox_by_message_id(struct store *s, const char *id, int64_t *outbox_r,
			   char **rcpt_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_BY_MESSAGE_ID, error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*outbox_r = sqlite3_column_int64(st, 0);
		*rcpt_r = store_column_dup(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, "outbox lookup");
}

int
store_outbox_bounce(struct store *s, const struct store_bounce *b, time_t now,
		    char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_BOUNCED, error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	store_bind_text(st, 2, b->reply);
	sqlite3_bind_int64(st, 3, b->outbox);
	if (store_run(s, st, error_r, "outbox bounced") == -1)
		return -1;
	st = store_stmt(s, STMT_CONTACT_UNDELIVERABLE, error_r);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	store_bind_text(st, 2, b->reply);
	store_bind_text(st, 3, b->rcpt);
	if (store_run(s, st, error_r, "contact undeliverable") == -1)
		return -1;
	return store_hold_mails(s, b->rcpt, now, error_r);
}
