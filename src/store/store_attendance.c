#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "schedule.h"
#include "store.h"
#include "store_attendance.h"
#include "store_internal.h"
#include "store_sql.h"
#include "util.h"

int
store_attendance_codes(struct store *s, const char *address, char ***codes_r,
		       size_t *n_r, char **error_r)
{
	return store_strings_of(s,
				"SELECT code FROM contacts WHERE address = ?1"
				" COLLATE NOCASE ORDER BY added_at, id",
				address, codes_r, n_r, error_r,
				"attendance contact");
}

int
store_attendance_current(struct store *s, const char *code, const char *address,
			 const char *item, char **status_r,
			 unsigned *sequence_r, time_t *replied_at_r,
			 char **error_r)
{
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(s,
			   "SELECT status, sequence, replied_at FROM attendance"
			   " WHERE code = ?1 AND address = ?2 AND item = ?3",
			   error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, address);
	store_bind_text(st, 3, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*status_r = store_column_dup(st, 0);
		*sequence_r = (unsigned)sqlite3_column_int64(st, 1);
		*replied_at_r = (time_t)sqlite3_column_int64(st, 2);
		sqlite3_finalize(st);
		return 1;
	}
	if (rc != SQLITE_DONE)
		store_fail(s, error_r, "attendance lookup");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_attendance_sent(struct store *s, const char *code, const char *address,
		      unsigned session, unsigned *sequence_r, char **error_r)
{
	sqlite3_stmt *st;
	unsigned round, sequence;
	int rc;

	st = store_prepare(s,
			   "SELECT e.round, coalesce((SELECT sequence FROM"
			   " programme_items WHERE number = ?3), 0)"
			   " FROM contacts c JOIN enrolments e"
			   " ON e.code = c.code WHERE c.code = ?1"
			   " AND c.address = ?2 COLLATE NOCASE",
			   error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, address);
	sqlite3_bind_int64(st, 3, session);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		round = (unsigned)sqlite3_column_int64(st, 0);
		sequence = (unsigned)sqlite3_column_int64(st, 1);
		*sequence_r =
			session > 0 ? schedule_sequence(sequence, round) : 0;
		sqlite3_finalize(st);
		return 1;
	}
	if (rc != SQLITE_DONE)
		store_fail(s, error_r, "sent sequence");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_attendance_record(struct store *s, const struct store_attendance *a,
			int64_t message, char **error_r)
{
	sqlite3_stmt *st;
	int rc;

	/* "WHERE true": an upsert after a SELECT needs a WHERE (SQLite's
	   grammar); the later answer wins, an equal one by arrival */
	st = store_prepare(
		s,
		"INSERT INTO attendance (code, address, item, session, status,"
		" sequence, replied_at, received_at, message_id, message)"
		" SELECT code, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM contacts"
		" WHERE address = ?1 COLLATE NOCASE AND true"
		" ON CONFLICT (code, address, item) DO UPDATE SET"
		" status = excluded.status, sequence = excluded.sequence,"
		" replied_at = excluded.replied_at,"
		" received_at = excluded.received_at,"
		" message_id = excluded.message_id, message = excluded.message"
		" WHERE excluded.sequence > attendance.sequence OR"
		" (excluded.sequence = attendance.sequence AND"
		" excluded.replied_at >= attendance.replied_at)",
		error_r);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, a->address);
	store_bind_text(st, 2, a->item);
	if (a->session > 0)
		sqlite3_bind_int64(st, 3, a->session);
	else
		sqlite3_bind_null(st, 3);
	store_bind_text(st, 4, a->status);
	sqlite3_bind_int64(st, 5, a->sequence);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)a->replied_at);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)a->received_at);
	store_bind_text(st, 8, a->message_id);
	sqlite3_bind_int64(st, 9, message);
	rc = store_run(s, st, error_r, "record attendance");
	sqlite3_finalize(st);
	return rc;
}

static void
contact_row(void *row, sqlite3_stmt *st)
{
	struct store_attendance_contact *r = row;

	r->code = store_column_dup(st, 0);
	r->name = store_column_dup(st, 1);
	r->status = store_column_dup(st, 2);
	r->enrolled_at = (time_t)sqlite3_column_int64(st, 3);
	r->address = store_column_dup(st, 4);
	r->contact_name = store_column_dup(st, 5);
	r->place = (size_t)sqlite3_column_int64(st, 6);
	r->delivered_at = (time_t)sqlite3_column_int64(st, 7);
	r->deliveries = (unsigned)sqlite3_column_int(st, 8);
	r->undeliverable_at = (time_t)sqlite3_column_int64(st, 9);
}

int
store_attendance_contacts(struct store *s,
			  struct store_attendance_contact **rows_r, size_t *n_r,
			  char **error_r)
{
	struct store_attendance_contact *rows = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	st = store_prepare(
		s,
		"SELECT e.code, e.name, e.status, e.enrolled_at, c.address,"
		" c.name, " STORE_PLACE_SQL(
			"e") ", (SELECT max(received_at) FROM deliveries d"
			     " WHERE d.code = e.code), (SELECT count(*) FROM"
			     " deliveries d WHERE d.code = e.code),"
			     " c.undeliverable_at FROM enrolments e"
			     " LEFT JOIN contacts c ON c.code = e.code"
			     " ORDER BY e.status = 'waitlist', e.arrival, "
			     "c.added_at, c.id",
		error_r);
	if (st == NULL)
		return -1;
	rc = store_collect(s, st, &rows, &n, sizeof(*rows), contact_row,
			   error_r, "contacts");
	sqlite3_finalize(st);
	if (rc == -1) {
		store_attendance_contacts_free(rows, n);
		return -1;
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void
store_attendance_contacts_free(struct store_attendance_contact *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].code);
		free(rows[i].name);
		free(rows[i].status);
		free(rows[i].address);
		free(rows[i].contact_name);
	}
	free(rows);
}

static void
answer_row(void *row, sqlite3_stmt *st)
{
	struct store_attendance_answer *r = row;

	r->code = store_column_dup(st, 0);
	r->address = store_column_dup(st, 1);
	r->item = store_column_dup(st, 2);
	r->status = store_column_dup(st, 3);
	r->replied_at = (time_t)sqlite3_column_int64(st, 4);
}

int
store_attendance_answers(struct store *s,
			 struct store_attendance_answer **rows_r, size_t *n_r,
			 char **error_r)
{
	struct store_attendance_answer *rows = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	st = store_prepare(s,
			   "SELECT code, address, item, status, replied_at"
			   " FROM attendance ORDER BY code, address, item",
			   error_r);
	if (st == NULL)
		return -1;
	rc = store_collect(s, st, &rows, &n, sizeof(*rows), answer_row, error_r,
			   "attendance");
	sqlite3_finalize(st);
	if (rc == -1) {
		store_attendance_answers_free(rows, n);
		return -1;
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void
store_attendance_answers_free(struct store_attendance_answer *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].code);
		free(rows[i].address);
		free(rows[i].item);
		free(rows[i].status);
	}
	free(rows);
}
