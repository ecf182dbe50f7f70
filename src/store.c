#include "autoconf.h"

#include <unistd.h>

#include <fcntl.h>

#include <errno.h>

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "reason.h"
#include "store.h"
#include "store_attendance.h"
#include "store_internal.h"
#include "store_programme.h"
#include "store_sql.h"
#include "util.h"

int
store_fail(struct store *s, char **error_r, const char *what)
{
	*error_r = xasprintf("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

int
store_exec(struct store *s, const char *sql, char **error_r)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*error_r = xasprintf("%s", msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id, char **error_r)
{
	if (s->stmts[id] == NULL &&
	    sqlite3_prepare_v2(s->db, store_sql[id], -1, &s->stmts[id], NULL) !=
		    SQLITE_OK) {
		store_fail(s, error_r, "prepare");
		return NULL;
	}
	sqlite3_reset(s->stmts[id]);
	sqlite3_clear_bindings(s->stmts[id]);
	return s->stmts[id];
}

static int
migrate(struct store *s, char **error_r)
{
	sqlite3_stmt *st;
	int version;
	size_t i;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail(s, error_r, "user_version");
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > (int)store_n_migrations) {
		*error_r = xasprintf("database schema %d is newer than this "
				     "program's %zu",
				     version, store_n_migrations);
		return -1;
	}
	for (i = (size_t)version; i < store_n_migrations; i++) {
		char *sql;

		if (s->readonly) {
			*error_r = xasprintf("database schema %d needs a "
					     "migration; run the daemon once",
					     version);
			return -1;
		}
		sql = xasprintf("BEGIN IMMEDIATE; %s PRAGMA user_version = %zu;"
				" COMMIT;",
				store_migrations[i], i + 1);
		if (store_exec(s, sql, error_r) == -1) {
			free(sql);
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		free(sql);
	}
	return 0;
}

int
store_open(const char *path, bool readonly, struct store **store_r,
	   char **error_r)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int flags = readonly ? SQLITE_OPEN_READONLY
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	s->readonly = readonly;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		*error_r = xasprintf("%s: %s", path,
				     s->db != NULL ? sqlite3_errmsg(s->db)
						   : "cannot open");
		store_close(&s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	if ((!readonly &&
	     store_exec(s, "PRAGMA journal_mode=WAL", error_r) == -1) ||
	    store_exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
		       error_r) == -1 ||
	    migrate(s, error_r) == -1) {
		char *e = xasprintf("%s: %s", path, *error_r);

		free(*error_r);
		*error_r = e;
		store_close(&s);
		return -1;
	}
	*store_r = s;
	return 0;
}

void
store_close(struct store **sp)
{
	struct store *s = *sp;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	free(s);
	*sp = NULL;
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

sqlite3_stmt *
store_prepare(struct store *s, const char *sql, char **error_r)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_fail(s, error_r, "prepare");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int
store_begin(struct store *s, char **error_r)
{
	return store_exec(s, "BEGIN IMMEDIATE", error_r);
}

int
store_commit(struct store *s, char **error_r)
{
	return store_exec(s, "COMMIT", error_r);
}

void
store_rollback(struct store *s)
{
	(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_run(struct store *s, sqlite3_stmt *st, char **error_r, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, error_r, what);
	return 0;
}

/* Runs st without an fsync of its own: for the attempt counters, which
   guard against a crash of the process, and the page cache survives
   that.  The next synced commit makes it durable too. */
static int
run_unsynced(struct store *s, sqlite3_stmt *st, char **error_r,
	     const char *what)
{
	int rc;

	if (s->relaxed)
		return store_run(s, st, error_r, what);
	if (store_exec(s, "PRAGMA synchronous=NORMAL", error_r) == -1) {
		sqlite3_reset(st);
		return -1;
	}
	rc = store_run(s, st, error_r, what);
	/* back to full durability, whatever happened */
	if (sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) !=
		    SQLITE_OK &&
	    rc == 0)
		return store_fail(s, error_r, "synchronous");
	return rc;
}

char *
store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v == NULL ? NULL : xstrdup((const char *)v);
}

int
store_rows(struct store *s, sqlite3_stmt *st, store_row_fn *fn, void *ctx,
	   char **error_r, const char *what)
{
	const char *values[32], *names[32];
	int rc, n = sqlite3_column_count(st);

	if (n > 32)
		n = 32;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			values[i] = (const char *)sqlite3_column_text(st, i);
			names[i] = sqlite3_column_name(st, i);
		}
		fn(ctx, n, values, names);
	}
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, what);
}

int
store_collect(struct store *s, sqlite3_stmt *st, void *rows_r, size_t *n_r,
	      size_t size, store_fill_fn *fill, char **error_r,
	      const char *what)
{
	char *rows;
	int rc;

	/* rows_r is the address of the caller's typed array pointer */
	memcpy(&rows, rows_r, sizeof(rows));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *row;

		rows = xreallocarray(rows, *n_r + 1, size);
		row = rows + *n_r * size;
		memset(row, 0, size);
		fill(row, st);
		(*n_r)++;
	}
	memcpy(rows_r, &rows, sizeof(rows));
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, what);
}

int
store_strings(struct store *s, sqlite3_stmt *st, char ***v_r, size_t *n_r,
	      char **error_r, const char *what)
{
	char **v = NULL;
	size_t n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = store_column_dup(st, 0);
	}
	if (rc != SQLITE_DONE) {
		util_free_strv(v, n);
		return store_fail(s, error_r, what);
	}
	*v_r = v;
	*n_r = n;
	return 0;
}

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
		if (store_run(s, st, error_r, "insert outbox") == -1)
			return -1;
	}
	return 0;
}

int
store_queue_mails(struct store *s, const struct outmail *mails, size_t n,
		  int64_t message, time_t at, char **error_r, const char *what)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;

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
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_message_known(struct store *s, const char *mailbox, const char *msgkey,
		    const char *message_id, const char *sha256, int64_t *id_r,
		    char **verdict_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_MESSAGE_KNOWN, error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, mailbox);
	store_bind_text(st, 2, msgkey);
	store_bind_text(st, 3, message_id);
	store_bind_text(st, 4, sha256);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id_r = sqlite3_column_int64(st, 0);
		*verdict_r = store_column_dup(st, 1);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, "message lookup");
}

int
store_enrolled(struct store *s, char ***codes_r, size_t *n_r,
	       size_t *confirmed_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ENROLLED, error_r);
	char **codes = NULL;
	size_t n = 0, confirmed = 0;
	int rc;

	if (st == NULL)
		return -1;
	for (;;) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		codes = xreallocarray(codes, n + 1, sizeof(*codes));
		codes[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		if (strcmp((const char *)sqlite3_column_text(st, 1),
			   "confirmed") == 0)
			confirmed++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		util_free_strv(codes, n);
		return store_fail(s, error_r, "enrolments");
	}
	*codes_r = codes;
	*n_r = n;
	*confirmed_r = confirmed;
	return 0;
}

int
store_answers_since(struct store *s, const char *rcpt, time_t since,
		    unsigned *count_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ANSWERS_SINCE, error_r);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, rcpt);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, error_r, "answer count");
	}
	*count_r = (unsigned)sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
store_outsider_answers_since(struct store *s, time_t since, unsigned *count_r,
			     char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTSIDER_ANSWERS_SINCE, error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count_r = (unsigned)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, error_r, "outsider answers");
	return 0;
}

static int
insert_message(struct store *s, const struct store_record *r, int64_t *id_r,
	       char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INSERT_MESSAGE, error_r);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, r->mailbox);
	store_bind_text(st, 2, r->msgkey);
	store_bind_text(st, 3, r->message_id);
	store_bind_text(st, 4, r->sha256);
	store_bind_text(st, 5, r->spool_path);
	store_bind_text(st, 6, r->from_addr);
	store_bind_text(st, 7, r->from_name);
	store_bind_text(st, 8, r->subject);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)r->received_at);
	store_bind_text(st, 10, r->verdict);
	store_bind_text(st, 11, r->reasons);
	store_bind_text(st, 12, r->gemeente_code);
	store_bind_text(st, 13, r->reason_codes);
	if (store_run(s, st, error_r, "insert message") == -1)
		return -1;
	*id_r = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
record_effects(struct store *s, const struct store_record *r, int64_t id,
	       char **error_r)
{
	sqlite3_stmt *st;

	if (r->enrol != STORE_ENROL_NONE) {
		const struct store_enrol_row e = {
			r->enrol,     r->gemeente_code, r->gemeente_name,
			r->from_addr, r->from_name,	r->received_at,
			id,
		};

		if (store_enrol(s, &e, error_r) == -1)
			return -1;
	}
	if (r->review) {
		st = store_stmt(s, STMT_INSERT_REVIEW, error_r);
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		store_bind_text(st, 2, r->reasons);
		store_bind_text(st, 3, r->gemeente_code);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)r->received_at);
		store_bind_text(st, 5, r->reason_codes);
		if (store_run(s, st, error_r, "insert review item") == -1)
			return -1;
	}
	if (store_insert_mails(s, r->mails, r->n_mails, id, r->received_at,
			       error_r) == -1)
		return -1;
	if (r->change != NULL &&
	    store_programme_apply(s, r->change, id, r->received_at, error_r) ==
		    -1)
		return -1;
	if (r->folder != NULL &&
	    store_requeue_move(s, id, r->mailbox, r->msgkey, r->folder,
			       r->received_at, error_r) == -1)
		return -1;
	if (r->attendance != NULL &&
	    store_attendance_record(s, r->attendance, id, error_r) == -1)
		return -1;
	/* recorded: the attempts at it are history, in the same commit */
	st = store_stmt(s, STMT_ATTEMPT_END, error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, r->mailbox);
	store_bind_text(st, 2, r->msgkey);
	if (store_run(s, st, error_r, "attempt end") == -1)
		return -1;
	return store_audit(s, r->received_at, "aanmeldd", r->verdict, id,
			   r->gemeente_code, r->reasons, error_r);
}

int
store_record_message(struct store *s, const struct store_record *r,
		     int64_t *id_r, char **error_r)
{
	if (store_exec(s, "BEGIN IMMEDIATE", error_r) == -1)
		return -1;
	if (insert_message(s, r, id_r, error_r) == -1 ||
	    record_effects(s, r, *id_r, error_r) == -1 ||
	    store_exec(s, "COMMIT", error_r) == -1) {
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

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

int
store_attempt_begin(struct store *s, const char *mailbox, const char *msgkey,
		    time_t now, unsigned *count_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ATTEMPT_BEGIN, error_r);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, mailbox);
	store_bind_text(st, 2, msgkey);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	if (run_unsynced(s, st, error_r, "attempt") == -1)
		return -1;
	st = store_stmt(s, STMT_ATTEMPT_COUNT, error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, mailbox);
	store_bind_text(st, 2, msgkey);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(s, error_r, "attempt count");
	}
	*count_r = (unsigned)sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
store_attempt_end(struct store *s, const char *mailbox, const char *msgkey,
		  char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ATTEMPT_END, error_r);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, mailbox);
	store_bind_text(st, 2, msgkey);
	return store_run(s, st, error_r, "attempt end");
}

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

int
store_outbox_sent(struct store *s, int64_t id, time_t now, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_SENT, error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, id);
	return store_run(s, st, error_r, "outbox sent");
}

int
store_outbox_claim(struct store *s, int64_t id, time_t now, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_CLAIM, error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, id);
	return run_unsynced(s, st, error_r, "outbox claim");
}

int
store_outbox_requeue(struct store *s, int64_t id, time_t now, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_REQUEUE, error_r);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, id);
	if (store_run(s, st, error_r, "outbox requeue") == -1)
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

	if (store_exec(s, "BEGIN IMMEDIATE", error_r) == -1)
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
	if (store_exec(s, "COMMIT", error_r) == 0)
		return 0;
rollback:
	(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
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
	store_bind_text(st, 1, "done");
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	store_bind_text(st, 3, NULL);
	sqlite3_bind_int64(st, 4, id);
	return store_run(s, st, error_r, "action done");
}

int
store_relax(struct store *s, char **error_r)
{
	if (store_exec(s, "PRAGMA synchronous=NORMAL", error_r) == -1)
		return -1;
	s->relaxed = true;
	return 0;
}

int
store_sync(struct store *s, char **error_r)
{
	const char *db = sqlite3_db_filename(s->db, "main");
	char *wal;
	int fd, rc = 0;

	s->relaxed = false;
	if (store_exec(s, "PRAGMA synchronous=FULL", error_r) == -1)
		return -1;
	if (db == NULL || db[0] == '\0')
		return 0; /* in memory */
	/* every commit since store_relax() is in the WAL: one fdatasync
	   makes them all durable (a checkpoint synced what it moved) */
	wal = xasprintf("%s-wal", db);
	fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno != ENOENT)
		rc = -1;
	if (fd != -1) {
		if (fdatasync(fd) == -1)
			rc = -1;
		close(fd);
	}
	if (rc == -1)
		*error_r = xasprintf("%s: %s", wal, strerror(errno));
	free(wal);
	return rc;
}

int
store_copy(struct store *s, const char *path, char **error_r)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "VACUUM INTO ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, error_r, "copy");
	store_bind_text(st, 1, path);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, "copy");
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

int
store_last_message(struct store *s, int64_t *id_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_LAST_MESSAGE, error_r);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	*id_r = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, error_r, "last message");
}

/* Calls fn for each of n ids in one transaction. */
static int
for_each_id(struct store *s, const int64_t *ids, size_t n, time_t now,
	    int (*fn)(struct store *, int64_t, time_t, char **), char **error_r)
{
	size_t i;

	if (store_exec(s, "BEGIN IMMEDIATE", error_r) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (fn(s, ids[i], now, error_r) == -1) {
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return store_exec(s, "COMMIT", error_r);
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
	return for_each_id(s, ids, n, now, action_done_ok, error_r);
}

int
store_outbox_sent_many(struct store *s, const int64_t *ids, size_t n,
		       time_t now, char **error_r)
{
	return for_each_id(s, ids, n, now, store_outbox_sent, error_r);
}

int
store_mailbox_position(struct store *s, const char *mailbox,
		       uint32_t *validity_r, uint32_t *last_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_POSITION_GET, error_r);
	int rc;

	if (st == NULL)
		return -1;
	*validity_r = 0;
	*last_r = 0;
	store_bind_text(st, 1, mailbox);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*validity_r = (uint32_t)sqlite3_column_int64(st, 0);
		*last_r = (uint32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, error_r, "mailbox position");
	return 0;
}

int
store_set_mailbox_position(struct store *s, const char *mailbox,
			   uint32_t validity, uint32_t last, time_t now,
			   char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_POSITION_SET, error_r);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, mailbox);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)validity);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)last);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	return store_run(s, st, error_r, "mailbox position");
}

int
store_report(struct store *s, const char *name, const char *arg,
	     store_row_fn *fn, void *ctx, char **error_r)
{
	enum store_stmt id;
	sqlite3_stmt *st;
	int rc;

	if (store_report_stmt(name, &id) == -1) {
		*error_r = xasprintf("unknown report '%s'", name);
		return -1;
	}
	st = store_stmt(s, id, error_r);
	if (st == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		store_bind_text(st, 1, arg);
	rc = store_rows(s, st, fn, ctx, error_r, name);
	sqlite3_reset(st);
	return rc;
}
