#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outmail.h"
#include "programme.h"
#include "store.h"
#include "store_internal.h"
#include "store_programme.h"
#include "store_write.h"
#include "util.h"

/* Whether the contact's municipality delivered its text: the
   deadline's reminders stop (schedule.h). */
#define DELIVERED " EXISTS (SELECT 1 FROM deliveries d WHERE d.code = e.code)"

static void
contact_row(void *row, sqlite3_stmt *st)
{
	const char *status = (const char *)sqlite3_column_text(st, 4);
	struct schedule_contact *one = row;

	one->code = store_column_dup(st, 0);
	one->municipality = store_column_dup(st, 1);
	one->addr = store_column_dup(st, 2);
	one->name = store_column_dup(st, 3);
	one->status = strcmp(status, "confirmed") == 0	? SCHEDULE_CONFIRMED
		      : strcmp(status, "waitlist") == 0 ? SCHEDULE_WAITLIST
							: SCHEDULE_WITHDRAWN;
	one->since = (time_t)sqlite3_column_int64(st, 5);
	one->round = (unsigned)sqlite3_column_int(st, 6);
	one->delivered = sqlite3_column_int(st, 7) != 0;
	one->undeliverable = sqlite3_column_int(st, 8) != 0;
}

/* Merges one row of STMT_CONTACT_SENT into c's sessions. */
static void
sent_row(struct schedule_contact *c, sqlite3_stmt *st)
{
	unsigned number = (unsigned)sqlite3_column_int(st, 0);
	struct schedule_sent *one =
		(struct schedule_sent *)schedule_sent_of(c, number);

	if (one == NULL) {
		one = xreallocarray((void *)c->sent, c->n_sent + 1,
				    sizeof(*one));
		c->sent = one;
		one += c->n_sent++;
		memset(one, 0, sizeof(*one));
		one->number = number;
	}
	if (sqlite3_column_int(st, 3) != 0) {
		one->invited = true;
		one->sequence = (unsigned)sqlite3_column_int(st, 1);
		one->cancelled = sqlite3_column_int(st, 2) != 0;
	}
	if (sqlite3_column_int(st, 4) != 0)
		one->declined = true;
}

/* What each contact's calendar holds, and what it declined. */
static int
read_sent(struct store *s, struct schedule_contact *c, size_t n, char **error_r)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE;

	for (i = 0; i < n && rc == SQLITE_DONE; i++) {
		st = store_stmt(s, STMT_CONTACT_SENT, error_r);
		if (st == NULL)
			return -1;
		store_bind_text(st, 1, c[i].code);
		store_bind_text(st, 2, c[i].addr);
		sqlite3_bind_int(st, 3, c[i].round > 1 ? (int)c[i].round : 1);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			sent_row(&c[i], st);
		if (rc != SQLITE_DONE)
			store_fail(s, error_r, "contact items");
		sqlite3_reset(st);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The contacts of every enrolled municipality, or of code's alone. */
static int
read_contacts(struct store *s, const char *code,
	      struct schedule_contact **contacts_r, size_t *n_r, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		code == NULL
			? "SELECT e.code, e.name, c.address, c.name, e.status,"
			  " max(c.added_at, COALESCE(e.confirmed_at,"
			  " e.enrolled_at)), e.round," DELIVERED
			  ", c.undeliverable_at IS NOT NULL"
			  " FROM contacts c"
			  " JOIN enrolments e ON e.code = c.code"
			  " ORDER BY e.arrival, c.added_at, c.id"
			: "SELECT e.code, e.name, c.address, c.name, e.status,"
			  " max(c.added_at, COALESCE(e.confirmed_at,"
			  " e.enrolled_at)), e.round," DELIVERED
			  ", c.undeliverable_at IS NOT NULL"
			  " FROM contacts c"
			  " JOIN enrolments e ON e.code = c.code"
			  " WHERE c.code = ?1 ORDER BY c.added_at, c.id",
		error_r);
	struct schedule_contact *c = NULL;
	size_t n = 0;
	int rc;

	if (st == NULL)
		return -1;
	if (code != NULL)
		store_bind_text(st, 1, code);
	rc = store_collect(s, st, &c, &n, sizeof(*c), contact_row, error_r,
			   "contacts");
	sqlite3_finalize(st);
	if (rc == 0)
		rc = read_sent(s, c, n, error_r);
	if (rc == -1) {
		store_programme_contacts_free(c, n);
		return -1;
	}
	*contacts_r = c;
	*n_r = n;
	return 0;
}

int
store_programme_contacts(struct store *s, struct schedule_contact **contacts_r,
			 size_t *n_r, char **error_r)
{
	return read_contacts(s, NULL, contacts_r, n_r, error_r);
}

int
store_programme_contacts_of(struct store *s, const char *code,
			    struct schedule_contact **contacts_r, size_t *n_r,
			    char **error_r)
{
	return read_contacts(s, code, contacts_r, n_r, error_r);
}

void
store_programme_contacts_free(struct schedule_contact *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)c[i].code);
		free((char *)c[i].municipality);
		free((char *)c[i].addr);
		free((char *)c[i].name);
		free((void *)c[i].sent);
	}
	free(c);
}

/* What a participant's calendar shows of a session. */
static char *
fingerprint(const struct programme_item *it)
{
	return xasprintf("%s\n%lld\n%lld\n%s", it->title, (long long)it->start,
			 (long long)it->end, it->link != NULL ? it->link : "");
}

static void
item_row(void *row, sqlite3_stmt *st)
{
	struct schedule_item *it = row;

	it->number = (unsigned)sqlite3_column_int(st, 0);
	it->sequence = (unsigned)sqlite3_column_int(st, 1);
	it->changed_at = (time_t)sqlite3_column_int64(st, 2);
	it->removed = sqlite3_column_int(st, 3) != 0;
	it->start = (time_t)sqlite3_column_int64(st, 4);
}

/* The sessions' states, into *items_r. */
static int
read_items(struct store *s, struct schedule_item **items_r, size_t *n_r,
	   char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT number, sequence, changed_at, removed, start"
		" FROM programme_items ORDER BY number",
		error_r);
	struct schedule_item *items = NULL;
	size_t n = 0;
	int rc;

	if (st == NULL)
		return -1;
	rc = store_collect(s, st, &items, &n, sizeof(*items), item_row, error_r,
			   "programme items");
	sqlite3_finalize(st);
	if (rc == -1) {
		free(items);
		return -1;
	}
	*items_r = items;
	*n_r = n;
	return 0;
}

static int
write_item(struct store *s, const struct programme_item *it, const char *fp,
	   unsigned sequence, time_t now, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"INSERT INTO programme_items (number, fingerprint, sequence,"
		" changed_at, removed, title, description, link, start, end)"
		" VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT (number) DO UPDATE SET fingerprint = ?2,"
		" sequence = ?3, changed_at = ?4, removed = 0, title = ?5,"
		" description = ?6, link = ?7, start = ?8, end = ?9,"
		" previous_start = programme_items.start,"
		" previous_end = programme_items.end",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int(st, 1, (int)it->number);
	store_bind_text(st, 2, fp);
	sqlite3_bind_int(st, 3, (int)sequence);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	store_bind_text(st, 5, it->title);
	store_bind_text(st, 6, it->description);
	store_bind_text(st, 7, it->link);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)it->start);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)it->end);
	rc = store_run(s, st, error_r, "programme item");
	sqlite3_finalize(st);
	return rc;
}

/* Compares one session with its row; counts a change in *changed. */
static int
sync_one(struct store *s, const struct programme_item *it, bool first,
	 time_t now, unsigned *changed, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT fingerprint, sequence, removed FROM programme_items"
		" WHERE number = ?1",
		error_r);
	char *fp = fingerprint(it), *old = NULL, detail[64];
	unsigned seq = 0;
	bool removed = false, found;
	int rc = 0;

	if (st == NULL) {
		free(fp);
		return -1;
	}
	sqlite3_bind_int(st, 1, (int)it->number);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		old = store_column_dup(st, 0);
		seq = (unsigned)sqlite3_column_int(st, 1);
		removed = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_finalize(st);
	snprintf(detail, sizeof(detail), "session %u", it->number);
	if (!found) {
		rc = write_item(s, it, fp, 0, now, error_r);
		if (rc == 0 && !first) {
			(*changed)++;
			rc = store_audit(s, now, "aanmeldd", "session added", 0,
					 NULL, detail, error_r);
		}
	} else if (removed || strcmp(old, fp) != 0) {
		snprintf(detail, sizeof(detail), "session %u, sequence %u",
			 it->number, seq + 1);
		rc = write_item(s, it, fp, seq + 1, now, error_r);
		if (rc == 0)
			rc = store_audit(s, now, "aanmeldd", "session changed",
					 0, NULL, detail, error_r);
		(*changed)++;
	}
	free(old);
	free(fp);
	return rc;
}

/* Marks sessions gone from p removed. */
static int
sync_removed(struct store *s, const struct programme *p, time_t now,
	     unsigned *changed, char **error_r)
{
	struct schedule_item *items;
	size_t n, i, j;
	int rc = 0;

	if (read_items(s, &items, &n, error_r) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		char detail[64];
		sqlite3_stmt *st;

		for (j = 0; j < p->n_sessions; j++) {
			if (p->sessions[j].number == items[i].number)
				break;
		}
		if (j < p->n_sessions || items[i].removed)
			continue;
		st = store_prepare(s,
				   "UPDATE programme_items SET removed = 1,"
				   " sequence = sequence + 1, changed_at = ?1"
				   " WHERE number = ?2",
				   error_r);
		if (st == NULL) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
		sqlite3_bind_int(st, 2, (int)items[i].number);
		rc = store_run(s, st, error_r, "remove programme item");
		sqlite3_finalize(st);
		snprintf(detail, sizeof(detail), "session %u", items[i].number);
		if (rc == 0)
			rc = store_audit(s, now, "aanmeldd", "session removed",
					 0, NULL, detail, error_r);
		(*changed)++;
	}
	free(items);
	return rc;
}

int
store_programme_sync(struct store *s, const struct programme *p, time_t now,
		     bool commit, struct schedule_item **items_r, size_t *n_r,
		     unsigned *changed_r, char **error_r)
{
	struct schedule_item *items;
	size_t n, i;
	int rc = 0;

	*changed_r = 0;
	if (store_begin(s, error_r) == -1)
		return -1;
	if (read_items(s, &items, &n, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	free(items);
	for (i = 0; i < p->n_sessions && rc == 0; i++)
		rc = sync_one(s, &p->sessions[i], n == 0, now, changed_r,
			      error_r);
	if (rc == 0)
		rc = sync_removed(s, p, now, changed_r, error_r);
	/* nothing changed: no commit, no fsync, every cycle; a dry run
	   sees the changes and forgets them */
	if (rc == 0 && (!commit || (*changed_r == 0 && n > 0))) {
		rc = read_items(s, items_r, n_r, error_r);
		store_rollback(s);
		return rc;
	}
	if (rc == 0)
		rc = store_commit(s, error_r);
	if (rc == -1) {
		store_rollback(s);
		return -1;
	}
	return read_items(s, items_r, n_r, error_r);
}

int
store_programme_items(struct store *s, struct schedule_item **items_r,
		      size_t *n_r, char **error_r)
{
	return read_items(s, items_r, n_r, error_r);
}

/* Prepares sql, binds number to its ?1 and takes the first step: the
   statement (the caller reads and finalizes it) with the step's result
   in *rc_r, or NULL with *error_r. */
static sqlite3_stmt *
item_step(struct store *s, const char *sql, unsigned number, int *rc_r,
	  char **error_r)
{
	sqlite3_stmt *st = store_prepare(s, sql, error_r);

	if (st == NULL)
		return NULL;
	sqlite3_bind_int(st, 1, (int)number);
	*rc_r = sqlite3_step(st);
	return st;
}

int
store_programme_removed_item(struct store *s, unsigned number,
			     struct programme_item *it, char **error_r)
{
	int rc;
	sqlite3_stmt *st =
		item_step(s,
			  "SELECT title, description, link, start, end"
			  " FROM programme_items WHERE number = ?1",
			  number, &rc, error_r);

	if (st == NULL)
		return -1;
	if (rc == SQLITE_ROW) {
		memset(it, 0, sizeof(*it));
		it->number = number;
		it->title = store_column_dup(st, 0);
		it->description = store_column_dup(st, 1);
		it->link = store_column_dup(st, 2);
		it->start = (time_t)sqlite3_column_int64(st, 3);
		it->end = (time_t)sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, error_r, "removed programme item");
	return 0;
}

int
store_programme_previous(struct store *s, unsigned number, time_t *start_r,
			 time_t *end_r, char **error_r)
{
	int rc;
	sqlite3_stmt *st = item_step(
		s,
		"SELECT previous_start, previous_end FROM programme_items"
		" WHERE number = ?1 AND previous_start IS NOT NULL"
		" AND previous_end IS NOT NULL",
		number, &rc, error_r);

	if (st == NULL)
		return -1;
	if (rc == SQLITE_ROW) {
		*start_r = (time_t)sqlite3_column_int64(st, 0);
		*end_r = (time_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, error_r, "previous version");
	return rc == SQLITE_ROW ? 1 : 0;
}

int
store_programme_state(struct store *s, struct store_schedule_state *state,
		      char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_SCHEDULE_STATE, error_r);
	int rc;

	if (st == NULL)
		return -1;
	memset(state, 0, sizeof(*state));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		state->evaluated = sqlite3_column_type(st, 0) != SQLITE_NULL &&
				   sqlite3_column_type(st, 2) != SQLITE_NULL;
		state->evaluated_at = (time_t)sqlite3_column_int64(st, 0);
		state->next_moment = (time_t)sqlite3_column_int64(st, 1);
		state->programme_hash = (uint64_t)sqlite3_column_int64(st, 2);
		state->last_change = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	/* no row: a database that lost it is evaluated in full, always */
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? 0
		       : store_fail(s, error_r, "schedule state");
}

int
store_programme_changed_contacts(struct store *s, int64_t last,
				 struct schedule_contact **contacts_r,
				 size_t *n_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_SCHEDULE_CHANGED, error_r);
	struct schedule_contact *c = NULL;
	size_t n = 0;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)last);
	rc = store_collect(s, st, &c, &n, sizeof(*c), contact_row, error_r,
			   "changed contacts");
	sqlite3_reset(st);
	if (rc == 0)
		rc = read_sent(s, c, n, error_r);
	if (rc == -1) {
		store_programme_contacts_free(c, n);
		return -1;
	}
	*contacts_r = c;
	*n_r = n;
	return 0;
}

int
store_programme_evaluated(struct store *s,
			  const struct store_schedule_state *state,
			  char **error_r)
{
	sqlite3_stmt *st;

	if (store_begin(s, error_r) == -1)
		return -1;
	st = store_stmt(s, STMT_SCHEDULE_EVALUATED, error_r);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)state->evaluated_at);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)state->next_moment);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)state->programme_hash);
	}
	if (st == NULL || store_run(s, st, error_r, "schedule state") == -1)
		goto fail;
	st = store_stmt(s, STMT_SCHEDULE_FORGET, error_r);
	if (st != NULL)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)state->last_change);
	if (st == NULL || store_run(s, st, error_r, "schedule changes") == -1 ||
	    store_commit(s, error_r) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

int
store_programme_queued_status(struct store *s, const char *key, char **status_r,
			      char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_OUTBOX_KEY, error_r);
	int rc;

	*status_r = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*status_r = store_column_dup(st, 0);
	else if (rc != SQLITE_DONE)
		store_fail(s, error_r, "outbox key");
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_programme_queued(struct store *s, const char *key, char **error_r)
{
	char *status;
	int rc = store_programme_queued_status(s, key, &status, error_r);

	free(status);
	return rc;
}

int
store_programme_queue(struct store *s, const struct outmail *mails, size_t n,
		      time_t now, char **error_r)
{
	if (n == 0)
		return 0;
	if (store_begin(s, error_r) == -1)
		return -1;
	if (store_queue_mails(s, mails, n, 0, now, error_r, "queue mail") ==
		    -1 ||
	    store_commit(s, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
store_programme_queue_audited(struct store *s, const struct outmail *mails,
			      const char *const *codes, size_t n, time_t now,
			      const char *actor, const char *what,
			      const char *detail, unsigned *queued_r,
			      char **error_r)
{
	size_t i;
	int rc = 0;

	*queued_r = 0;
	if (n == 0)
		return 0;
	if (store_begin(s, error_r) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		unsigned added = 0;

		rc = store_queue_mails_counted(s, &mails[i], 1, 0, now, &added,
					       error_r, "queue mail");
		/* a key queued before is that mail, sent once */
		if (rc == 0 && added == 0)
			continue;
		if (rc == 0)
			rc = store_audit(s, now, actor, what, 0, codes[i],
					 detail, error_r);
		if (rc == 0)
			(*queued_r)++;
	}
	if (rc == -1 || store_commit(s, error_r) == -1) {
		store_rollback(s);
		*queued_r = 0;
		return -1;
	}
	return 0;
}

/* The first row's two text columns, and finalizes st: 1 found, 0 no
   row, -1 error. */
static int
read_pair(struct store *s, sqlite3_stmt *st, char **a_r, char **b_r,
	  char **error_r, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*a_r = store_column_dup(st, 0);
		*b_r = store_column_dup(st, 1);
	} else if (rc != SQLITE_DONE) {
		store_fail(s, error_r, what);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_programme_enrolment(struct store *s, const char *code, char **status_r,
			  char **name_r, char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s, "SELECT status, name FROM enrolments WHERE code = ?1",
		error_r);

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	return read_pair(s, st, status_r, name_r, error_r, "enrolment");
}

int
store_programme_next_round(struct store *s, const char *code, unsigned *round_r,
			   char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT round + (status = 'withdrawn') FROM enrolments"
		" WHERE code = ?1",
		error_r);
	int rc;

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	*round_r = rc == SQLITE_ROW ? (unsigned)sqlite3_column_int(st, 0) : 1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? 0
		       : store_fail(s, error_r, "enrolment round");
}

int
store_programme_first_waiting(struct store *s, char **code_r, char **name_r,
			      char **error_r)
{
	sqlite3_stmt *st = store_prepare(
		s,
		"SELECT code, name FROM enrolments WHERE status = 'waitlist'"
		" ORDER BY arrival LIMIT 1",
		error_r);

	if (st == NULL)
		return -1;
	return read_pair(s, st, code_r, name_r, error_r, "waiting list");
}

int
store_programme_confirmed(struct store *s, size_t *n_r, char **error_r)
{
	int64_t n;

	if (store_query_ints(s,
			     "SELECT count(*) FROM enrolments"
			     " WHERE status = 'confirmed'",
			     &n, 1, error_r, "confirmed") == -1)
		return -1;
	*n_r = (size_t)n;
	return 0;
}

/* Sets code's status when it is one of from; 0 done, -1 when not. */
static int
set_status(struct store *s, const char *code, const char *status,
	   const char *from_sql, time_t now, char **error_r)
{
	char *sql = xasprintf("UPDATE enrolments SET status = ?1, confirmed_at"
			      " = CASE WHEN ?1 = 'confirmed' THEN ?2 ELSE"
			      " confirmed_at END WHERE code = ?3 AND status"
			      " IN (%s)",
			      from_sql);
	sqlite3_stmt *st = store_prepare(s, sql, error_r);
	int rc;

	free(sql);
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	store_bind_text(st, 3, code);
	rc = store_run(s, st, error_r, "enrolment status");
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_changes(s->db) != 1) {
		*error_r = xasprintf("%s: not %s", code,
				     strcmp(status, "confirmed") == 0
					     ? "on the waiting list"
					     : "enrolled");
		return -1;
	}
	return rc;
}

int
store_programme_apply(struct store *s, const struct store_change *c,
		      int64_t message, time_t now, char **error_r)
{
	if (c->withdraw != NULL &&
	    (set_status(s, c->withdraw, "withdrawn", "'confirmed', 'waitlist'",
			now, error_r) == -1 ||
	     store_audit(s, now, c->actor, "withdraw", message, c->withdraw,
			 c->detail, error_r) == -1))
		return -1;
	if (c->promote != NULL &&
	    (set_status(s, c->promote, "confirmed", "'waitlist'", now,
			error_r) == -1 ||
	     store_audit(s, now, c->actor, "promote", message, c->promote,
			 c->detail, error_r) == -1))
		return -1;
	return store_queue_mails(s, c->mails, c->n_mails, message, now, error_r,
				 "queue mail");
}

int
store_programme_change(struct store *s, const struct store_change *c,
		       time_t now, char **error_r)
{
	if (store_begin(s, error_r) == -1)
		return -1;
	if (store_programme_apply(s, c, 0, now, error_r) == -1 ||
	    store_commit(s, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}
