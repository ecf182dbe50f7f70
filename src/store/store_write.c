#include "autoconf.h"

#include <stdlib.h>

#include <sqlite3.h>

#include "outmail.h"
#include "store.h"
#include "store_internal.h"
#include "store_write.h"
#include "util.h"

int
store_enrol(struct store *s, const struct store_enrol_row *e, char **error_r)
{
	sqlite3_stmt *st;

	if (e->enrol == STORE_ENROL_CONFIRMED ||
	    e->enrol == STORE_ENROL_WAITLIST) {
		st = store_stmt(s, STMT_INSERT_ENROLMENT, error_r);
		if (st == NULL)
			return -1;
		store_bind_text(st, 1, e->code);
		store_bind_text(st, 2, e->name);
		store_bind_text(st, 3,
				e->enrol == STORE_ENROL_CONFIRMED ? "confirmed"
								  : "waitlist");
		sqlite3_bind_int64(st, 4, (sqlite3_int64)e->at);
		sqlite3_bind_int64(st, 5, e->message);
		if (store_run(s, st, error_r, "insert enrolment") == -1)
			return -1;
		/* a second enrolment only replaces a withdrawn one */
		if (sqlite3_changes(s->db) == 0) {
			*error_r = xasprintf("%s is enrolled already", e->code);
			return -1;
		}
	}
	st = store_stmt(s, STMT_INSERT_CONTACT, error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, e->code);
	store_bind_text(st, 2, e->from_addr);
	store_bind_text(st, 3, e->from_name);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)e->at);
	sqlite3_bind_int64(st, 5, e->message);
	return store_run(s, st, error_r, "insert contact");
}

int
store_audit(struct store *s, time_t at, const char *actor, const char *what,
	    int64_t message, const char *code, const char *detail,
	    char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INSERT_AUDIT, error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)at);
	store_bind_text(st, 2, actor);
	store_bind_text(st, 3, what);
	if (message > 0)
		sqlite3_bind_int64(st, 4, message);
	else
		sqlite3_bind_null(st, 4);
	store_bind_text(st, 5, code);
	store_bind_text(st, 6, detail);
	return store_run(s, st, error_r, "insert audit");
}

/* The columns of an outbox insert but the message (?2). */
static void
bind_mail(sqlite3_stmt *st, const struct outmail *m, time_t at)
{
	store_bind_text(st, 1, m->key);
	store_bind_text(st, 3, m->kind);
	store_bind_text(st, 4, m->message_id);
	store_bind_text(st, 5, m->from);
	store_bind_text(st, 6, m->rcpt);
	sqlite3_bind_blob(st, 7, m->raw, (int)m->len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)at);
	sqlite3_bind_int(st, 9, m->outsider);
}

/* Notes what m's recipient's calendar holds now, when m is an
   invitation, its update or its CANCEL. */
static int
note_session(struct store *s, const struct outmail *m, time_t at,
	     char **error_r)
{
	sqlite3_stmt *st;

	if (m->session.number == 0)
		return 0;
	st = store_stmt(s, STMT_CONTACT_ITEM, error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, m->session.code);
	store_bind_text(st, 2, m->rcpt);
	sqlite3_bind_int(st, 3, (int)m->session.round);
	sqlite3_bind_int(st, 4, (int)m->session.number);
	sqlite3_bind_int(st, 5, m->session.cancel);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)at);
	return store_run(s, st, error_r, "contact item");
}

int
store_insert_mails(struct store *s, const struct outmail *mails, size_t n,
		   int64_t message, time_t at, char **error_r)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = store_stmt(s, STMT_INSERT_OUTBOX, error_r);

		if (st == NULL)
			return -1;
		bind_mail(st, &mails[i], at);
		sqlite3_bind_int64(st, 2, message);
		if (store_run(s, st, error_r, "insert outbox") == -1 ||
		    note_session(s, &mails[i], at, error_r) == -1 ||
		    store_hold_mails(s, mails[i].rcpt, at, error_r) == -1)
			return -1;
	}
	return 0;
}

int
store_queue_mails(struct store *s, const struct outmail *mails, size_t n,
		  int64_t message, time_t at, char **error_r, const char *what)
{
	return store_queue_mails_counted(s, mails, n, message, at, NULL,
					 error_r, what);
}

int
store_queue_mails_counted(struct store *s, const struct outmail *mails,
			  size_t n, int64_t message, time_t at,
			  unsigned *added_r, char **error_r, const char *what)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

	if (added_r != NULL)
		*added_r = 0;
	if (n == 0)
		return 0;
	/* a key or Message-ID already queued is that mail, sent once */
	st = store_prepare(s,
			   "INSERT OR IGNORE INTO outbox (key, message, kind,"
			   " message_id, envelope_from, rcpt, raw, created_at,"
			   " next_try) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
			   " ?8)",
			   error_r);
	if (st == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		bind_mail(st, &mails[i], at);
		if (message > 0)
			sqlite3_bind_int64(st, 2, message);
		else
			sqlite3_bind_null(st, 2);
		rc = store_run(s, st, error_r, what);
		/* a key queued before is that mail, noted then; counted
		   before the notes and the hold check, whose statements
		   reset sqlite3_changes() */
		if (rc == 0 && sqlite3_changes(s->db) == 1) {
			if (added_r != NULL)
				(*added_r)++;
			rc = note_session(s, &mails[i], at, error_r);
		}
		if (rc == 0)
			rc = store_hold_mails(s, mails[i].rcpt, at, error_r);
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_hold_mails(struct store *s, const char *rcpt, time_t at, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_HOLD, error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)at);
	store_bind_text(st, 2, rcpt);
	return store_run(s, st, error_r, "outbox hold");
}
