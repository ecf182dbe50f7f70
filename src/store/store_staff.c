#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_internal.h"
#include "store_sql.h"
#include "store_staff.h"
#include "store_write.h"
#include "util.h"

static time_t
column_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? 0
		       : (time_t)sqlite3_column_int64(st, i);
}

static void
bind_time(sqlite3_stmt *st, int i, time_t t)
{
	if (t == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, (sqlite3_int64)t);
}

/* Runs sql (one int64 parameter, or none when arg is 0 and sql has none)
   and calls fn for each row. */
static int
each_row(struct store *s, const char *sql, int64_t arg, store_row_fn *fn,
	 void *ctx, char **error_r)
{
	sqlite3_stmt *st = store_prepare(s, sql, error_r);
	int rc;

	if (st == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, arg);
	rc = store_rows(s, st, fn, ctx, error_r, "staff report");
	sqlite3_finalize(st);
	return rc;
}

int
store_staff_state(struct store *s, struct store_staff_state *out,
		  char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT last_cycle, last_poll_ok, down_since, warned_at,"
		" backlog, summary_period, summary_sent_at, summary_review_id"
		" FROM daemon_state WHERE id = 1",
		error_r);
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *p = sqlite3_column_text(st, 5);

		out->last_cycle = column_time(st, 0);
		out->last_poll_ok = column_time(st, 1);
		out->down_since = column_time(st, 2);
		out->warned_at = column_time(st, 3);
		out->backlog = (unsigned)sqlite3_column_int(st, 4);
		if (p != NULL)
			util_strlcpy(out->summary_period, (const char *)p,
				     sizeof(out->summary_period));
		out->summary_sent_at = column_time(st, 6);
		out->summary_review_id = sqlite3_column_int64(st, 7);
	} else {
		store_fail(s, error_r, "daemon state");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_staff_poll(struct store *s, bool ok, unsigned backlog, time_t now,
		 char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"UPDATE daemon_state SET last_cycle = ?1, backlog = ?2,"
		" last_poll_ok = CASE WHEN ?3 THEN ?1 ELSE last_poll_ok END,"
		" down_since = CASE WHEN ?3 THEN NULL"
		" ELSE COALESCE(down_since, ?1) END WHERE id = 1",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int(st, 2, (int)backlog);
	sqlite3_bind_int(st, 3, ok ? 1 : 0);
	rc = store_run(s, st, error_r, "daemon state");
	sqlite3_finalize(st);
	return rc;
}

int
store_staff_error(struct store *s, const char *text, const char *codes,
		  time_t now, char **error_r)
{
	sqlite3_stmt *ins = NULL, *del = NULL;
	int rc = -1;

	if (store_begin(s, error_r) == -1)
		return -1;
	ins = store_prepare(
		s,
		"INSERT INTO daemon_errors (text, first_at, last_at,"
		" count, reason_codes) VALUES (?1, ?2, ?2, 1, ?3)"
		" ON CONFLICT (text) DO UPDATE SET last_at = ?2,"
		" count = count + 1, reason_codes = ?3",
		error_r);
	if (ins == NULL)
		goto out;
	store_bind_text(ins, 1, text);
	store_bind_text(ins, 3, codes);
	sqlite3_bind_int64(ins, 2, (sqlite3_int64)now);
	if (store_run(s, ins, error_r, "daemon error") == -1)
		goto out;
	del = store_prepare(s,
			    "DELETE FROM daemon_errors WHERE rowid NOT IN"
			    " (SELECT rowid FROM daemon_errors"
			    " ORDER BY last_at DESC, rowid DESC LIMIT ?1)",
			    error_r);
	if (del == NULL)
		goto out;
	sqlite3_bind_int(del, 1, STAFF_ERRORS_KEPT);
	if (store_run(s, del, error_r, "daemon errors") == -1)
		goto out;
	rc = store_commit(s, error_r);
out:
	if (rc == -1)
		store_rollback(s);
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
	return rc;
}

int
store_staff_last_error(struct store *s, char **text_r, char **codes_r,
		       char **error_r)
{
	sqlite3_stmt *st =
		store_prepare(s,
			      "SELECT text, reason_codes FROM daemon_errors"
			      " ORDER BY last_at DESC, rowid DESC LIMIT 1",
			      error_r);
	int rc;

	*text_r = NULL;
	*codes_r = NULL;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*text_r = store_column_dup(st, 0);
		*codes_r = store_column_dup(st, 1);
	} else if (rc != SQLITE_DONE)
		store_fail(s, error_r, "daemon errors");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_staff_errors(struct store *s, store_row_fn *fn, void *ctx, char **error_r)
{
	return each_row(s,
			"SELECT datetime(last_at, 'unixepoch', 'localtime')"
			" AS at, count, text, reason_codes FROM daemon_errors"
			" ORDER BY last_at DESC, rowid DESC",
			0, fn, ctx, error_r);
}

int
store_staff_news(struct store *s, int64_t review_id, time_t since, bool *news_r,
		 char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT EXISTS (SELECT 1 FROM review_items WHERE id > ?1)"
		" OR EXISTS (SELECT 1 FROM enrolments WHERE enrolled_at > ?2)"
		" OR EXISTS (SELECT 1 FROM audit WHERE at > ?2"
		" AND what IN ('withdraw', 'promote'))"
		" OR EXISTS (SELECT 1 FROM attendance WHERE received_at > ?2)"
		" OR EXISTS (SELECT 1 FROM deliveries WHERE received_at > ?2)"
		" OR EXISTS (SELECT 1 FROM outbox WHERE bounced_at > ?2)",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, review_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	rc = sqlite3_step(st);
	*news_r = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	if (rc != SQLITE_ROW)
		store_fail(s, error_r, "staff news");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void
review_row(void *row, sqlite3_stmt *st)
{
	struct staff_review *v = row;

	v->id = sqlite3_column_int64(st, 0);
	v->message = sqlite3_column_int64(st, 1);
	v->created_at = column_time(st, 2);
	v->sender = store_column_dup(st, 3);
	v->subject = store_column_dup(st, 4);
	v->suggested = store_column_dup(st, 5);
	v->reason = store_column_dup(st, 6);
	v->reason_codes = store_column_dup(st, 7);
}

static int
load_reviews(struct store *s, struct staff_summary *out, char **error_r)
{
	/* a failed mail's item is listed with the failed mail */
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT r.id, r.message, r.created_at, m.from_addr, m.subject,"
		" r.suggested, r.reason, r.reason_codes FROM review_items r"
		" LEFT JOIN messages m ON m.id = r.message"
		" WHERE r.status = 'open' AND r.outbox IS NULL"
		" ORDER BY r.created_at, r.id",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	rc = store_collect(s, st, &out->reviews, &out->n_reviews,
			   sizeof(*out->reviews), review_row, error_r,
			   "review items");
	sqlite3_finalize(st);
	return rc;
}

static void
enrolment_row(void *row, sqlite3_stmt *st)
{
	struct staff_enrolment *e = row;

	e->code = store_column_dup(st, 0);
	e->name = store_column_dup(st, 1);
	e->status = store_column_dup(st, 2);
	e->enrolled_at = column_time(st, 3);
	e->contact = store_column_dup(st, 4);
	e->place = (size_t)sqlite3_column_int64(st, 5);
}

static int
load_enrolments(struct store *s, const char *where, time_t since,
		struct staff_enrolment **rows_r, size_t *n_r, char **error_r)
{
	char *sql = xasprintf(
		"SELECT e.code, e.name, e.status, e.enrolled_at,"
		" (SELECT c.address FROM contacts c WHERE c.code = e.code"
		" ORDER BY c.added_at, c.id LIMIT 1), " STORE_PLACE_SQL(
			"e") " FROM enrolments e WHERE %s ORDER BY e.arrival",
		where);
	sqlite3_stmt *st = store_prepare(s, sql, error_r);
	int rc;

	free(sql);
	if (st == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	rc = store_collect(s, st, rows_r, n_r, sizeof(**rows_r), enrolment_row,
			   error_r, "enrolments");
	sqlite3_finalize(st);
	return rc;
}

static void
failed_row(void *row, sqlite3_stmt *st)
{
	struct staff_failed *f = row;

	f->id = sqlite3_column_int64(st, 0);
	f->kind = store_column_dup(st, 1);
	f->rcpt = store_column_dup(st, 2);
	f->error = store_column_dup(st, 3);
	f->created_at = column_time(st, 4);
}

static int
load_failed(struct store *s, struct staff_summary *out, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT id, kind, rcpt, last_error, created_at FROM outbox"
		" WHERE status = 'failed' AND cancelled_at IS NULL"
		" ORDER BY id",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	rc = store_collect(s, st, &out->failed, &out->n_failed,
			   sizeof(*out->failed), failed_row, error_r,
			   "failed mail");
	sqlite3_finalize(st);
	return rc;
}

static void
event_row(void *row, sqlite3_stmt *st)
{
	struct staff_event *e = row;

	e->at = column_time(st, 0);
	e->code = store_column_dup(st, 1);
	e->name = store_column_dup(st, 2);
	e->status = store_column_dup(st, 3);
	e->session = (long)sqlite3_column_int64(st, 4);
}

/* News since: the audit's withdrawals or promotions (what), or with
   what NULL the answers to invitations.  A withdrawal by mail also has
   the daemon's verdict row (actor aanmeldd): only the act counts. */
static int
load_events(struct store *s, time_t since, const char *what,
	    struct staff_event **rows_r, size_t *n_r, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		what != NULL
			? "SELECT a.at, a.gemeente, e.name, NULL, 0 FROM audit "
			  "a"
			  " LEFT JOIN enrolments e ON e.code = a.gemeente"
			  " WHERE a.at > ?1 AND a.what = ?2"
			  " AND a.actor <> 'aanmeldd' ORDER BY a.at, a.id"
			: "SELECT a.received_at, a.code, e.name, a.status,"
			  " COALESCE(a.session, 0) FROM attendance a"
			  " LEFT JOIN enrolments e ON e.code = a.code"
			  " WHERE a.received_at > ?1"
			  " ORDER BY a.received_at, a.code",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	if (what != NULL)
		store_bind_text(st, 2, what);
	rc = store_collect(s, st, rows_r, n_r, sizeof(**rows_r), event_row,
			   error_r, "staff news");
	sqlite3_finalize(st);
	return rc;
}

static void
delivery_row(void *row, sqlite3_stmt *st)
{
	struct staff_delivery *d = row;

	d->at = column_time(st, 0);
	d->code = store_column_dup(st, 1);
	d->name = store_column_dup(st, 2);
	d->version = (unsigned)sqlite3_column_int64(st, 3);
	d->files = store_column_dup(st, 4);
}

/* The texts delivered since, each with its version (the municipality's
   deliveries up to it) and its files' names; and the confirmed
   municipalities without any. */
static int
load_deliveries(struct store *s, time_t since, struct staff_summary *out,
		char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT d.received_at, d.code, e.name,"
		" (SELECT count(*) FROM deliveries v WHERE v.code = d.code"
		" AND v.id <= d.id),"
		" (SELECT group_concat(name, ', ') FROM (SELECT f.name"
		" FROM delivery_files f WHERE f.delivery = d.id"
		" ORDER BY f.id))"
		" FROM deliveries d LEFT JOIN enrolments e ON e.code = d.code"
		" WHERE d.received_at > ?1 ORDER BY d.received_at, d.id",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	rc = store_collect(s, st, &out->deliveries, &out->n_deliveries,
			   sizeof(*out->deliveries), delivery_row, error_r,
			   "deliveries");
	sqlite3_finalize(st);
	if (rc == -1)
		return -1;
	st = store_prepare(s,
			   "SELECT NULL, e.code, e.name, NULL, 0"
			   " FROM enrolments e WHERE e.status = 'confirmed'"
			   " AND NOT EXISTS (SELECT 1 FROM deliveries d"
			   " WHERE d.code = e.code) ORDER BY e.arrival",
			   error_r);
	if (st == NULL)
		return -1;
	rc = store_collect(s, st, &out->undelivered, &out->n_undelivered,
			   sizeof(*out->undelivered), event_row, error_r,
			   "deliveries");
	sqlite3_finalize(st);
	return rc;
}

static void
bounce_row(void *row, sqlite3_stmt *st)
{
	struct staff_bounce *b = row;

	b->at = column_time(st, 0);
	b->kind = store_column_dup(st, 1);
	b->rcpt = store_column_dup(st, 2);
	b->code = store_column_dup(st, 3);
	b->name = store_column_dup(st, 4);
	b->reply = store_column_dup(st, 5);
}

/* Our mails that came back since, with the municipality whose contact
   the address is. */
static int
load_bounces(struct store *s, time_t since, struct staff_summary *out,
	     char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT o.bounced_at, o.kind, o.rcpt, c.code, e.name, o.bounce"
		" FROM outbox o LEFT JOIN contacts c ON c.id ="
		" (SELECT id FROM contacts WHERE address = o.rcpt"
		" COLLATE NOCASE ORDER BY added_at, id LIMIT 1)"
		" LEFT JOIN enrolments e ON e.code = c.code"
		" WHERE o.bounced_at > ?1 ORDER BY o.bounced_at, o.id",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	rc = store_collect(s, st, &out->bounces, &out->n_bounces,
			   sizeof(*out->bounces), bounce_row, error_r,
			   "bounces");
	sqlite3_finalize(st);
	return rc;
}

static int
load_numbers(struct store *s, struct staff_summary *out, char **error_r)
{
	int64_t v[2];

	if (store_query_ints(s,
			     "SELECT (SELECT count(*) FROM enrolments"
			     " WHERE status = 'confirmed'),"
			     " (SELECT COALESCE(MAX(id), 0) FROM review_items)",
			     v, 2, error_r, "staff numbers") == -1)
		return -1;
	out->confirmed = (size_t)v[0];
	out->last_review = v[1];
	return 0;
}

int
store_staff_summary(struct store *s, time_t since, struct staff_summary *out,
		    char **error_r)
{
	memset(out, 0, sizeof(*out));
	out->since = since;
	/* one read transaction: the parts agree with each other */
	if (store_exec(s, "BEGIN", error_r) == -1)
		return -1;
	if (load_reviews(s, out, error_r) == -1 ||
	    load_enrolments(s,
			    "e.enrolled_at > ?1 AND e.status IN"
			    " ('confirmed', 'waitlist')",
			    since, &out->enrolled, &out->n_enrolled,
			    error_r) == -1 ||
	    load_enrolments(s, "e.status = 'waitlist'", 0, &out->waitlist,
			    &out->n_waitlist, error_r) == -1 ||
	    load_failed(s, out, error_r) == -1 ||
	    load_events(s, since, "withdraw", &out->withdrawn,
			&out->n_withdrawn, error_r) == -1 ||
	    load_events(s, since, "promote", &out->promoted, &out->n_promoted,
			error_r) == -1 ||
	    load_events(s, since, NULL, &out->answers, &out->n_answers,
			error_r) == -1 ||
	    load_deliveries(s, since, out, error_r) == -1 ||
	    load_bounces(s, since, out, error_r) == -1 ||
	    load_numbers(s, out, error_r) == -1) {
		store_rollback(s);
		staff_summary_deinit(out);
		return -1;
	}
	return store_commit(s, error_r);
}

/* Queues mail (when not NULL) and runs the state updates st and then
   more (NULL: none) in one transaction; finalizes both (st NULL: its
   preparation failed). */
static int
mail_and_states(struct store *s, const struct outmail *mail, sqlite3_stmt *st,
		sqlite3_stmt *more, time_t now, char **error_r,
		const char *what)
{
	int rc = -1;

	if (st == NULL || store_begin(s, error_r) == -1) {
		sqlite3_finalize(st);
		sqlite3_finalize(more);
		return -1;
	}
	if ((mail == NULL || store_queue_mails(s, mail, 1, 0, now, error_r,
					       "staff mail") == 0) &&
	    store_run(s, st, error_r, what) == 0 &&
	    (more == NULL || store_run(s, more, error_r, what) == 0))
		rc = store_commit(s, error_r);
	if (rc == -1)
		store_rollback(s);
	sqlite3_finalize(st);
	sqlite3_finalize(more);
	return rc;
}

static int
mail_and_state(struct store *s, const struct outmail *mail, sqlite3_stmt *st,
	       time_t now, char **error_r, const char *what)
{
	return mail_and_states(s, mail, st, NULL, now, error_r, what);
}

int
store_staff_summary_done(struct store *s, const char *period,
			 const struct outmail *mail, int64_t review_id,
			 time_t now, char **error_r)
{
	sqlite3_stmt *st =
		store_prepare(s,
			      "UPDATE daemon_state SET summary_period = ?1,"
			      " summary_sent_at = CASE WHEN ?2 THEN ?3"
			      " ELSE summary_sent_at END,"
			      " summary_review_id = CASE WHEN ?2 THEN ?4"
			      " ELSE summary_review_id END WHERE id = 1",
			      error_r);

	if (st != NULL) {
		store_bind_text(st, 1, period);
		sqlite3_bind_int(st, 2, mail != NULL);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
		sqlite3_bind_int64(st, 4, review_id);
	}
	return mail_and_state(s, mail, st, now, error_r, "summary state");
}

int
store_staff_warned(struct store *s, const struct outmail *mail,
		   time_t warned_at, time_t now, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s, "UPDATE daemon_state SET warned_at = ?1 WHERE id = 1",
		error_r);

	if (st != NULL)
		bind_time(st, 1, warned_at);
	return mail_and_state(s, mail, st, now, error_r, "warning state");
}

void
store_staff_refusal_deinit(struct store_staff_refusal *r)
{
	free(r->host);
	free(r->user);
	memset(r, 0, sizeof(*r));
}

int
store_staff_refusal(struct store *s, const char *service,
		    struct store_staff_refusal *r, bool *found_r,
		    char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT host, user, since, next_try FROM login_refused"
		" WHERE service = ?1",
		error_r);
	int rc;

	memset(r, 0, sizeof(*r));
	*found_r = false;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, service);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->host = store_column_dup(st, 0);
		r->user = store_column_dup(st, 1);
		r->since = column_time(st, 2);
		r->next_try = column_time(st, 3);
		*found_r = true;
	} else if (rc != SQLITE_DONE) {
		store_fail(s, error_r, "login refusals");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_staff_refused(struct store *s, const char *service, const char *host,
		    const char *user, time_t next_try,
		    const struct outmail *mail, bool outage, time_t now,
		    char **error_r)
{
	sqlite3_stmt *st, *warned = NULL;

	st = store_prepare(
		s,
		"INSERT INTO login_refused (service, host, user, since,"
		" next_try) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (service)"
		" DO UPDATE SET host = ?2, user = ?3, next_try = ?5",
		error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, service);
	store_bind_text(st, 2, host);
	store_bind_text(st, 3, user);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)next_try);
	if (outage) {
		warned = store_prepare(s,
				       "UPDATE daemon_state SET warned_at ="
				       " COALESCE(warned_at, ?1) WHERE id = 1",
				       error_r);
		if (warned == NULL) {
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_bind_int64(warned, 1, (sqlite3_int64)now);
	}
	return mail_and_states(s, mail, st, warned, now, error_r,
			       "login refusal");
}

int
store_staff_login_ok(struct store *s, const char *service,
		     const struct outmail *mail, time_t now, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s, "DELETE FROM login_refused WHERE service = ?1", error_r);

	if (st != NULL)
		store_bind_text(st, 1, service);
	return mail_and_state(s, mail, st, now, error_r, "login refusal");
}

int
store_staff_refusals(struct store *s, store_row_fn *fn, void *ctx,
		     char **error_r)
{
	return each_row(s,
			"SELECT service, host, user,"
			" strftime('%Y-%m-%d %H:%M', since, 'unixepoch',"
			" 'localtime') AS since,"
			" strftime('%Y-%m-%d %H:%M', next_try, 'unixepoch',"
			" 'localtime') AS next_try"
			" FROM login_refused ORDER BY service",
			0, fn, ctx, error_r);
}

int
store_staff_counts(struct store *s, unsigned *reviews_r, unsigned *moves_r,
		   char **error_r)
{
	int64_t v[2] = {0, 0};
	int rc;

	rc = store_query_ints(s,
			      "SELECT (SELECT count(*) FROM review_items"
			      " WHERE status = 'open'),"
			      " (SELECT count(*) FROM actions"
			      " WHERE status = 'queued')",
			      v, 2, error_r, "status counts");
	*reviews_r = (unsigned)v[0];
	*moves_r = (unsigned)v[1];
	return rc;
}

int
store_staff_review_for(struct store *s, int64_t id, store_row_fn *fn, void *ctx,
		       char **error_r)
{
	return each_row(s,
			"SELECT id, status,"
			" datetime(created_at, 'unixepoch', 'localtime')"
			" AS created_at, decision, decided_by,"
			" datetime(decided_at, 'unixepoch', 'localtime')"
			" AS decided_at, reason, reason_codes FROM review_items"
			" WHERE message = ?1 ORDER BY id",
			id, fn, ctx, error_r);
}

int
store_staff_sent_for(struct store *s, int64_t id, store_row_fn *fn, void *ctx,
		     char **error_r)
{
	return each_row(s,
			"SELECT id, kind, rcpt, status, attempts,"
			" datetime(created_at, 'unixepoch', 'localtime')"
			" AS created_at,"
			" datetime(sent_at, 'unixepoch', 'localtime')"
			" AS sent_at, message_id, last_error FROM outbox"
			" WHERE message = ?1 ORDER BY id",
			id, fn, ctx, error_r);
}
