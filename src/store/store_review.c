#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_actions.h"
#include "store_intake.h"
#include "store_internal.h"
#include "store_review.h"
#include "store_write.h"
#include "util.h"

#define ITEM_COLUMNS                                                           \
	"SELECT r.id, COALESCE(r.message, 0), r.status, r.reason,"             \
	" r.suggested, r.note, r.decision, r.decided_by, m.mailbox,"           \
	" m.msgkey, m.message_id, m.sha256, m.spool_path, m.from_addr,"        \
	" m.verdict, COALESCE(r.outbox, 0), r.reason_codes"                    \
	" FROM review_items r"                                                 \
	" LEFT JOIN messages m"                                                \
	" ON m.id = r.message "

static int
read_item(struct store *s, const char *sql, int64_t arg,
	  struct store_review_item *it, char **error_r)
{
	sqlite3_stmt *st = store_prepare(s, sql, error_r);
	int rc;

	memset(it, 0, sizeof(*it));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, arg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		it->id = sqlite3_column_int64(st, 0);
		it->message = sqlite3_column_int64(st, 1);
		it->status = store_column_dup(st, 2);
		it->reason = store_column_dup(st, 3);
		it->suggested = store_column_dup(st, 4);
		it->note = store_column_dup(st, 5);
		it->decision = store_column_dup(st, 6);
		it->decided_by = store_column_dup(st, 7);
		it->mailbox = store_column_dup(st, 8);
		it->msgkey = store_column_dup(st, 9);
		it->message_id = store_column_dup(st, 10);
		it->sha256 = store_column_dup(st, 11);
		it->spool_path = store_column_dup(st, 12);
		it->from_addr = store_column_dup(st, 13);
		it->verdict = store_column_dup(st, 14);
		it->outbox = sqlite3_column_int64(st, 15);
		it->reason_codes = store_column_dup(st, 16);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(s, error_r, "review item");
}

int
store_review_get(struct store *s, int64_t id, struct store_review_item *it,
		 char **error_r)
{
	return read_item(s, ITEM_COLUMNS "WHERE r.id = ?1", id, it, error_r);
}

int
store_review_by_message(struct store *s, int64_t message,
			struct store_review_item *it, char **error_r)
{
	/* an outbox failure is an item of the message too, but not the
	   one about the message itself */
	return read_item(s,
			 ITEM_COLUMNS "WHERE r.message = ?1 AND r.outbox IS"
				      " NULL ORDER BY r.id DESC LIMIT 1",
			 message, it, error_r);
}

void
store_review_item_deinit(struct store_review_item *it)
{
	free(it->status);
	free(it->reason);
	free(it->reason_codes);
	free(it->suggested);
	free(it->note);
	free(it->decision);
	free(it->decided_by);
	free(it->mailbox);
	free(it->msgkey);
	free(it->message_id);
	free(it->sha256);
	free(it->spool_path);
	free(it->from_addr);
	free(it->verdict);
	memset(it, 0, sizeof(*it));
}

int
store_review_move(struct store *s, int64_t message, const char *mailbox,
		  const char *msgkey, const char *folder, time_t now,
		  char **error_r)
{
	sqlite3_stmt *st;

	/* a move still waiting (the message on its way to Beoordelen)
	   goes to the new folder too: whichever runs first moves it, the
	   other finds it gone */
	st = store_prepare(s,
			   "UPDATE actions SET folder = ?1 WHERE message = ?2"
			   " AND status = 'queued'",
			   error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, folder);
	sqlite3_bind_int64(st, 2, message);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, error_r, "redirect move");
	}
	sqlite3_finalize(st);
	return store_requeue_move(s, message, mailbox, msgkey, folder, now,
				  error_r);
}

/* 1 open, 0 decided (*by_r set), -1 error. */
static int
still_open(struct store *s, int64_t item, int64_t *message_r, char **by_r,
	   char **error_r)
{
	sqlite3_stmt *st = store_prepare(s,
					 "SELECT status, decided_by,"
					 " COALESCE(message, 0)"
					 " FROM review_items WHERE id = ?1",
					 error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, item);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			*error_r = xasprintf("no review item %lld",
					     (long long)item);
			return -1;
		}
		return store_fail(s, error_r, "review item");
	}
	*message_r = sqlite3_column_int64(st, 2);
	if (strcmp((const char *)sqlite3_column_text(st, 0), "open") == 0) {
		sqlite3_finalize(st);
		return 1;
	}
	*by_r = store_column_dup(st, 1);
	if (*by_r == NULL)
		*by_r = xstrdup("?");
	sqlite3_finalize(st);
	return 0;
}

static int
mark_decided(struct store *s, const struct store_review_decision *d,
	     const struct store_review_effects *e, int64_t message,
	     char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"UPDATE review_items SET status = 'decided', decided_at = ?1,"
		" decided_by = ?2, decision = ?3, note = NULL WHERE id = ?4",
		error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)d->now);
	store_bind_text(st, 2, d->actor);
	store_bind_text(st, 3, d->decision);
	sqlite3_bind_int64(st, 4, d->item);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, error_r, "decide item");
	}
	sqlite3_finalize(st);
	if (message <= 0 || e->verdict == NULL)
		return 0;
	/* the message's verdict is the decision's from now on: found
	   again (a rescan, a move back) it goes where it was decided */
	st = store_prepare(s,
			   "UPDATE messages SET verdict = ?1,"
			   " gemeente = COALESCE(?2, gemeente) WHERE id = ?3",
			   error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, e->verdict);
	store_bind_text(st, 2, e->gemeente_code);
	sqlite3_bind_int64(st, 3, message);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_fail(s, error_r, "message verdict");
	}
	sqlite3_finalize(st);
	return 0;
}

/* Everything of one decision, inside the transaction. */
static int
apply(struct store *s, const struct store_review_decision *d,
      store_review_build_fn *build, void *ctx, int64_t message, char **error_r)
{
	struct store_review_effects e;
	struct store_review_state state;
	char **codes = NULL;
	size_t n = 0, confirmed = 0;
	int rc;

	if (store_enrolled(s, &codes, &n, &confirmed, error_r) == -1)
		return -1;
	state.enrolled = (const char *const *)codes;
	state.n_enrolled = n;
	state.confirmed = confirmed;
	/* an approval takes its place by the message's arrival: the
	   time the review took is the desk's, not the sender's */
	state.place = 0;
	if (message > 0 && store_place_for(s, NULL, NULL, message, &state.place,
					   error_r) == -1) {
		util_free_strv(codes, n);
		return -1;
	}
	memset(&e, 0, sizeof(e));
	rc = build(ctx, &state, &e, error_r);
	util_free_strv(codes, n);
	if (rc == -1)
		return -1;
	if (e.enrol != STORE_ENROL_NONE) {
		const struct store_enrol_row row = {
			e.enrol,     e.gemeente_code, e.gemeente_name,
			e.from_addr, e.from_name,     d->now,
			message,
		};

		if (store_enrol(s, &row, error_r) == -1)
			return -1;
	}
	if (store_insert_mails(s, e.mails, e.n_mails, message, d->now,
			       error_r) == -1)
		return -1;
	if (message > 0 && e.folder != NULL && d->msgkey != NULL &&
	    store_review_move(s, message, d->mailbox, d->msgkey, e.folder,
			      d->now, error_r) == -1)
		return -1;
	if (mark_decided(s, d, &e, message, error_r) == -1)
		return -1;
	return store_audit(s, d->now, d->actor, d->decision, message,
			   e.gemeente_code, e.detail, error_r);
}

int
store_review_decide(struct store *s, const struct store_review_decision *d,
		    store_review_build_fn *build, void *ctx,
		    char **decided_by_r, char **error_r)
{
	int64_t message = 0;
	int rc;

	*decided_by_r = NULL;
	if (store_begin(s, error_r) == -1)
		return -1;
	/* the check and the writes under one lock: a second decision of
	   the same item waits here and then finds it decided */
	rc = still_open(s, d->item, &message, decided_by_r, error_r);
	if (rc == 1 && apply(s, d, build, ctx, message, error_r) == -1)
		rc = -1;
	if (rc == 1 && store_commit(s, error_r) == 0)
		return 1;
	store_rollback(s);
	return rc == 1 ? -1 : rc;
}

int
store_review_return(struct store *s, const struct store_review_decision *d,
		    const char *note, const char *folder, char **error_r)
{
	sqlite3_stmt *st;
	int64_t message = 0;
	char *by = NULL;
	int rc;

	if (store_begin(s, error_r) == -1)
		return -1;
	rc = still_open(s, d->item, &message, &by, error_r);
	free(by);
	if (rc != 1)
		goto fail;
	st = store_prepare(s, "UPDATE review_items SET note = ?1 WHERE id = ?2",
			   error_r);
	if (st == NULL)
		goto fail;
	store_bind_text(st, 1, note);
	sqlite3_bind_int64(st, 2, d->item);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fail(s, error_r, "review note");
		goto fail;
	}
	if (message > 0 && d->msgkey != NULL &&
	    store_review_move(s, message, d->mailbox, d->msgkey, folder, d->now,
			      error_r) == -1)
		goto fail;
	if (store_audit(s, d->now, d->actor, "returned", message, NULL, note,
			error_r) == -1 ||
	    store_commit(s, error_r) == -1)
		goto fail;
	return 0;
fail:
	if (rc == 0)
		*error_r = xasprintf("review item %lld is already decided",
				     (long long)d->item);
	store_rollback(s);
	return -1;
}

int
store_review_history(struct store *s, const char *code, int64_t item,
		     store_row_fn *fn, void *ctx, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT datetime(a.at, 'unixepoch', 'localtime') AS at,"
		" a.actor, a.what, a.message, a.gemeente, a.detail,"
		/* the intake's reasons as codes, for staff in Dutch */
		" CASE WHEN a.actor = 'aanmeldd' THEN (SELECT m.reason_codes"
		" FROM messages m WHERE m.id = a.message) END AS reason_codes"
		" FROM audit a WHERE (?1 IS NULL OR a.gemeente = ?1)"
		" AND (?2 = 0 OR a.message = (SELECT message FROM review_items"
		" WHERE id = ?2)) ORDER BY a.id",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	sqlite3_bind_int64(st, 2, item);
	rc = store_rows(s, st, fn, ctx, error_r, "history");
	sqlite3_finalize(st);
	return rc;
}
