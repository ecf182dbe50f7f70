#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_actions.h"
#include "store_attendance.h"
#include "store_intake.h"
#include "store_internal.h"
#include "store_outbox.h"
#include "store_programme.h"
#include "store_write.h"
#include "util.h"

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
store_contact_known(struct store *s, const char *addr, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_CONTACT_KNOWN, error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, addr);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, "contact lookup");
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

int
store_deliveries_since(struct store *s, const char *code, time_t since,
		       unsigned *count_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_DELIVERIES_SINCE, error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*count_r = (unsigned)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, error_r, "deliveries since");
	return 0;
}

int
store_participant(struct store *s, const char *addr, char **code_r,
		  char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PARTICIPANT, error_r);
	int rc;

	*code_r = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, addr);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*code_r = store_column_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, error_r, "participant lookup");
	return rc == SQLITE_ROW ? 1 : 0;
}

/* A delivery and its files, for message id. */
static int
insert_delivery(struct store *s, const struct store_delivery *d, int64_t id,
		time_t at, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_INSERT_DELIVERY, error_r);
	int64_t delivery;
	size_t i;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, d->code);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)at);
	if (store_run(s, st, error_r, "insert delivery") == -1)
		return -1;
	delivery = sqlite3_last_insert_rowid(s->db);
	for (i = 0; i < d->n_files; i++) {
		st = store_stmt(s, STMT_INSERT_DELIVERY_FILE, error_r);
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, delivery);
		store_bind_text(st, 2, d->files[i].name);
		store_bind_text(st, 3, d->files[i].path);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)d->files[i].size);
		if (store_run(s, st, error_r, "insert delivery file") == -1)
			return -1;
	}
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
	if (r->delivery != NULL &&
	    insert_delivery(s, r->delivery, id, r->received_at, error_r) == -1)
		return -1;
	if (r->bounce != NULL &&
	    store_outbox_bounce(s, r->bounce, r->received_at, error_r) == -1)
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
	if (store_begin(s, error_r) == -1)
		return -1;
	if (insert_message(s, r, id_r, error_r) == -1 ||
	    record_effects(s, r, *id_r, error_r) == -1 ||
	    store_commit(s, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
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
	if (store_run_unsynced(s, st, error_r, "attempt") == -1)
		return -1;
	return store_attempt_count(s, mailbox, msgkey, count_r, error_r);
}

int
store_attempt_count(struct store *s, const char *mailbox, const char *msgkey,
		    unsigned *count_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_ATTEMPT_COUNT, error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, mailbox);
	store_bind_text(st, 2, msgkey);
	rc = sqlite3_step(st);
	*count_r = rc == SQLITE_ROW ? (unsigned)sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, error_r, "attempt count");
	return 0;
}

int
store_attempts_mark(struct store *s, const char *mailbox,
		    const char *const *msgkeys, size_t n, time_t now,
		    char **error_r)
{
	sqlite3_stmt *st;
	size_t i;

	if (store_begin(s, error_r) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		st = store_stmt(s, STMT_ATTEMPT_BEGIN, error_r);
		if (st == NULL)
			break;
		store_bind_text(st, 1, mailbox);
		store_bind_text(st, 2, msgkeys[i]);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
		if (store_run(s, st, error_r, "attempt") == -1)
			break;
	}
	if (i < n || store_commit(s, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
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
store_place_for(struct store *s, const char *mailbox, const char *msgkey,
		int64_t message, size_t *place_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_PLACE_FOR, error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, mailbox);
	store_bind_text(st, 2, msgkey);
	sqlite3_bind_int64(st, 3, message);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*place_r = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, error_r, "place on the waiting list");
	return 0;
}
