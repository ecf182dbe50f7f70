/*
 * Unit tests for the store on a real SQLite file: migrations, the one
 * transaction per message, idempotent intake keys, the outbox and the
 * mailbox actions.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "outmail.h"
#include "store.h"
#include "store_actions.h"
#include "store_contact.h"
#include "store_intake.h"
#include "store_outbox.h"
#include "store_programme.h"
#include "store_sql.h"
#include "store_write.h"
#include "util.h"

/* One integer from the database file, through a second connection. */
static long long
query(struct fixture_db *f, const char *sql)
{
	return fixture_query(f->path, sql);
}

static long long
rows_everywhere(struct fixture_db *f)
{
	return query(f, "SELECT (SELECT count(*) FROM messages) +"
			" (SELECT count(*) FROM enrolments) +"
			" (SELECT count(*) FROM contacts) +"
			" (SELECT count(*) FROM review_items) +"
			" (SELECT count(*) FROM outbox) +"
			" (SELECT count(*) FROM actions) +"
			" (SELECT count(*) FROM audit)");
}

/* The answer a record() queues (heap, freed by record_free). */
static struct outmail *
answer_of(const struct store_record *r)
{
	return (struct outmail *)r->mails;
}

static struct store_record
record(const char *key, const char *msgid, const char *sha)
{
	struct outmail *a = xcalloc(1, sizeof(*a));
	struct store_record r;

	memset(&r, 0, sizeof(r));
	r.mailbox = "INBOX";
	r.msgkey = key;
	r.message_id = msgid;
	r.sha256 = sha;
	r.from_addr = "a@utrecht.nl";
	r.subject = "Deelname";
	r.received_at = 1617264000;
	r.verdict = "enrol";
	r.reasons = "because";
	r.gemeente_code = "GM0344";
	r.gemeente_name = "Utrecht";
	r.enrol = STORE_ENROL_CONFIRMED;
	a->key = xasprintf("answer:%s", sha);
	a->kind = "confirm";
	a->message_id = xasprintf("aanmeld.%s@vng.nl", sha);
	a->from = xstrdup("GlobalGoals@VNG.nl");
	a->rcpt = xstrdup("a@utrecht.nl");
	a->raw = xstrdup("Subject: x\r\n\r\nbody\r\n");
	a->len = strlen(a->raw);
	r.mails = a;
	r.n_mails = 1;
	r.folder = "Verwerkt";
	return r;
}

static void
record_free(struct store_record *r)
{
	outmail_deinit(answer_of(r));
	free(answer_of(r));
}

static void
test_migrations(void **state)
{
	struct fixture_db *f = *state;
	struct store *again = NULL;
	char *err = NULL;

	assert_int_equal(query(f, "PRAGMA user_version"),
			 (long long)store_n_migrations);
	assert_int_equal(store_open(f->path, false, &again, &err), 0);
	store_close(&again);
	assert_int_equal(store_open(f->path, true, &again, &err), 0);
	store_close(&again);
	assert_null(again);
}

/* A database from before arrival numbers: the migration numbers its
   enrolments in the order they had (enrolled_at, then code), and what
   comes after gets the next numbers. */
static void
test_arrival_backfill(void **state)
{
	struct fixture_db *f = *state;
	struct store *old = NULL;
	char *path = xasprintf("%s/old.db", f->dir), *sql, *err = NULL;
	size_t i, arrival = store_n_migrations;

	for (i = 0; i < store_n_migrations; i++) {
		if (strstr(store_migrations[i], "CREATE TABLE arrival_seq") !=
		    NULL)
			arrival = i;
	}
	assert_true(arrival < store_n_migrations);
	for (i = 0; i < arrival; i++)
		fixture_exec(path, store_migrations[i]);
	sql = xasprintf(
		"PRAGMA user_version = %zu;"
		"INSERT INTO enrolments (code, name, status, enrolled_at)"
		" VALUES ('GM0344', 'Utrecht', 'waitlist', 200),"
		" ('GM0034', 'Almere', 'waitlist', 200),"
		" ('GM0193', 'Zwolle', 'confirmed', 100);",
		arrival);
	fixture_exec(path, sql);
	free(sql);
	assert_int_equal(store_open(path, false, &old, &err), 0);
	assert_int_equal(fixture_query(path, "SELECT arrival FROM enrolments"
					     " WHERE code = 'GM0193'"),
			 1);
	assert_int_equal(fixture_query(path, "SELECT arrival FROM enrolments"
					     " WHERE code = 'GM0034'"),
			 2);
	assert_int_equal(fixture_query(path, "SELECT arrival FROM enrolments"
					     " WHERE code = 'GM0344'"),
			 3);
	/* a writer without a message's number gets the next */
	fixture_exec(path, "INSERT INTO enrolments (code, name, status,"
			   " enrolled_at) VALUES ('GM0014', 'Groningen',"
			   " 'waitlist', 50)");
	assert_int_equal(fixture_query(path, "SELECT arrival FROM enrolments"
					     " WHERE code = 'GM0014'"),
			 4);
	store_close(&old);
	free(path);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture_db *f = *state;
	struct store *s = NULL;
	char *err = NULL;

	fixture_exec(f->path, "PRAGMA user_version = 99");
	assert_int_equal(store_open(f->path, false, &s, &err), -1);
	assert_non_null(strstr(err, "newer than this program"));
	free(err);
}

static void
test_record_and_known(void **state)
{
	static const struct {
		const char *key;
		const char *msgid;
		const char *sha;
		int known;
	} rows[] = {
		{"k1", NULL, "sha-other", 1},	/* by mailbox key */
		{"k9", "m1@x", "sha-other", 1}, /* by Message-ID */
		{"k9", NULL, "sha1", 1},	/* by SHA-256 */
		{"k9", "m9@x", "sha9", 0},
	};
	struct fixture_db *f = *state;
	struct store_record r = record("k1", "m1@x", "sha1");
	char *err = NULL, *verdict = NULL;
	int64_t id;
	size_t i;

	assert_int_equal(store_record_message(f->s, &r, &id, &err), 0);
	assert_int_equal(query(f, "SELECT count(*) FROM enrolments WHERE "
				  "code = 'GM0344' AND status = 'confirmed'"),
			 1);
	assert_int_equal(query(f, "SELECT count(*) FROM contacts"), 1);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE "
				  "status = 'queued'"),
			 1);
	assert_int_equal(query(f, "SELECT count(*) FROM actions"), 1);
	assert_int_equal(query(f, "SELECT count(*) FROM audit"), 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int64_t got = 0;

		assert_int_equal(store_message_known(f->s, "INBOX", rows[i].key,
						     rows[i].msgid, rows[i].sha,
						     &got, &verdict, &err),
				 rows[i].known);
		if (rows[i].known) {
			assert_int_equal(got, id);
			assert_string_equal(verdict, "enrol");
			free(verdict);
		}
	}
	record_free(&r);
}

static void
test_all_or_nothing(void **state)
{
	struct fixture_db *f = *state;
	struct store_record a = record("k1", "m1@x", "sha1");
	struct store_record b = record("k2", "m2@x", "sha2");
	char *err = NULL;
	long long before;
	int64_t id;

	assert_int_equal(store_record_message(f->s, &a, &id, &err), 0);
	before = rows_everywhere(f);
	/* the same municipality enrolled twice breaks the primary key
	   after the message row is in: nothing of it may remain */
	assert_int_equal(store_record_message(f->s, &b, &id, &err), -1);
	assert_non_null(err);
	free(err);
	assert_int_equal(rows_everywhere(f), before);
	record_free(&a);
	record_free(&b);
}

static void
test_enrolled_and_answers(void **state)
{
	struct fixture_db *f = *state;
	struct store_record a = record("k1", "m1@x", "sha1");
	struct store_record b = record("k2", "m2@x", "sha2");
	char **codes, *err = NULL;
	size_t n, confirmed;
	unsigned count;
	int64_t id;

	b.gemeente_code = "GM0193";
	b.gemeente_name = "Zwolle";
	b.enrol = STORE_ENROL_WAITLIST;
	assert_int_equal(store_record_message(f->s, &a, &id, &err), 0);
	assert_int_equal(store_record_message(f->s, &b, &id, &err), 0);
	assert_int_equal(store_enrolled(f->s, &codes, &n, &confirmed, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(confirmed, 1);
	util_free_strv(codes, n);
	assert_int_equal(store_answers_since(f->s, "A@UTRECHT.NL",
					     1617264000 - 10, &count, &err),
			 0);
	assert_int_equal(count, 2);
	assert_int_equal(store_answers_since(f->s, "a@utrecht.nl",
					     1617264000 + 10, &count, &err),
			 0);
	assert_int_equal(count, 0);
	record_free(&a);
	record_free(&b);
}

/* Records a message answered with kind to rcpt at time at: no enrolment.
   Free with record_free. */
static void
answered(struct fixture_db *f, const char *name, const char *rcpt,
	 const char *kind, time_t at, bool outsider)
{
	char *key = xasprintf("k-%s", name), *msgid = xasprintf("%s@x", name);
	char *sha = xasprintf("sha-%s", name), *err = NULL;
	struct store_record r = record(key, msgid, sha);
	int64_t id;

	r.from_addr = rcpt;
	r.verdict = strcmp(kind, "review") == 0 ? "review" : "reject";
	r.gemeente_code = NULL;
	r.gemeente_name = NULL;
	r.enrol = STORE_ENROL_NONE;
	answer_of(&r)->kind = kind;
	free(answer_of(&r)->rcpt);
	answer_of(&r)->rcpt = xstrdup(rcpt);
	answer_of(&r)->outsider = outsider;
	r.received_at = at;
	if (store_record_message(f->s, &r, &id, &err) == -1)
		fail_msg("%s", err);
	record_free(&r);
	free(key);
	free(msgid);
	free(sha);
}

/* The daily limit counts an address without case and without a "+tag":
   a new tag or capital per mail does not make a new address; another
   user (or a '-' that is no tag) is another address. */
static void
test_answers_folded(void **state)
{
	static const struct {
		const char *rcpt;
		unsigned want;
	} rows[] = {
		{"jan@example.nl", 3},	   {"Jan+x@Example.NL", 3},
		{"JAN+Y+Z@EXAMPLE.NL", 3}, {"jan+@example.nl", 3},
		{"piet@example.nl", 1},	   {"piet+jan@example.nl", 1},
		{"jan-x@example.nl", 0},   {"janx@example.nl", 0},
		{"jan@example.org", 0},	   {"jan@example.nl.evil.example", 0},
		{"+jan@example.nl", 0},	   {"jan", 0},
	};
	struct fixture_db *f = *state;
	char *err = NULL;
	unsigned count;
	size_t i;

	answered(f, "a", "Jan+x@Example.NL", "reject", 1617264000, true);
	answered(f, "b", "jan@example.nl", "review", 1617264000, true);
	answered(f, "c", "jan+news@EXAMPLE.nl", "reject", 1617264000, true);
	answered(f, "d", "Piet+Jan@example.nl", "reject", 1617264000, true);
	/* invitations and reminders are no answers */
	answered(f, "e", "jan@example.nl", "invitation", 1617264000, true);
	answered(f, "g", "jan+x@example.nl", "reminder-session", 1617264000,
		 true);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(store_answers_since(f->s, rows[i].rcpt,
						     1617264000, &count, &err),
				 0);
		if (count != rows[i].want)
			fail_msg("%s: expected %u, got %u", rows[i].rcpt,
				 rows[i].want, count);
	}
	/* the window: from since on */
	assert_int_equal(store_answers_since(f->s, "jan@example.nl", 1617264001,
					     &count, &err),
			 0);
	assert_int_equal(count, 0);
	/* the folded key has an index of its own */
	assert_int_equal(query(f,
			       "SELECT count(*) FROM sqlite_master WHERE "
			       "type = 'index' AND name = 'outbox_rcpt_key'"),
			 1);
}

/* The hourly cap counts the answers marked as to an address of no
   municipality, since a time; other answers do not count. */
static void
test_outsider_answers(void **state)
{
	struct fixture_db *f = *state;
	const time_t now = 1617264000;
	char *err = NULL, name[32], rcpt[48];
	unsigned count;
	size_t i;

	/* an hour and a second ago: out of the window */
	answered(f, "old", "old@example.org", "reject", now - 3601, true);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "k%zu", i);
		snprintf(rcpt, sizeof(rcpt), "u%zu@example.org", i);
		/* every other one to a municipality */
		answered(f, name, rcpt, i % 2 == 0 ? "reject" : "review",
			 now - 3600 + (time_t)i, i % 2 == 0);
	}
	assert_int_equal(
		store_outsider_answers_since(f->s, now - 3600, &count, &err),
		0);
	assert_int_equal(count, 3);
	assert_int_equal(
		store_outsider_answers_since(f->s, now - 3601, &count, &err),
		0);
	assert_int_equal(count, 4);
	assert_int_equal(
		store_outsider_answers_since(f->s, now + 1, &count, &err), 0);
	assert_int_equal(count, 0);
}

/* A second enrolment of a municipality fails while it takes part, and
   replaces its row in a new round once it withdrew. */
static void
test_enrol_again(void **state)
{
	struct fixture_db *f = *state;
	struct store_record a = record("k1", "m1@x", "sha1");
	struct store_record b = record("k2", "m2@x", "sha2");
	struct store_record c = record("k3", "m3@x", "sha3");
	char *err = NULL;
	unsigned round;
	int64_t id;

	assert_int_equal(store_record_message(f->s, &a, &id, &err), 0);
	assert_int_equal(
		store_programme_next_round(f->s, "GM0344", &round, &err), 0);
	assert_int_equal(round, 1);
	assert_int_equal(
		store_programme_next_round(f->s, "GM0193", &round, &err), 0);
	assert_int_equal(round, 1);
	/* enrolled: a second enrolment is an error, and nothing of it
	   stays */
	assert_int_equal(store_record_message(f->s, &b, &id, &err), -1);
	assert_non_null(strstr(err, "GM0344 is enrolled already"));
	free(err);
	err = NULL;
	assert_int_equal(query(f, "SELECT count(*) FROM messages"), 1);
	/* withdrawn: the next enrolment is round 2, on the waiting list */
	fixture_exec(f->path, "UPDATE enrolments SET status = 'withdrawn',"
			      " confirmed_at = 5");
	assert_int_equal(
		store_programme_next_round(f->s, "GM0344", &round, &err), 0);
	assert_int_equal(round, 2);
	c.enrol = STORE_ENROL_WAITLIST;
	assert_int_equal(store_record_message(f->s, &c, &id, &err), 0);
	assert_int_equal(query(f, "SELECT round * 10 + (status = 'waitlist')"
				  " + (confirmed_at IS NULL) * 100"
				  " FROM enrolments WHERE code = 'GM0344'"),
			 121);
	assert_int_equal(query(f, "SELECT message FROM enrolments"), id);
	assert_int_equal(
		store_programme_next_round(f->s, "GM0344", &round, &err), 0);
	assert_int_equal(round, 2);
	record_free(&a);
	record_free(&b);
	record_free(&c);
}

static void
test_outbox(void **state)
{
	struct fixture_db *f = *state;
	struct store_record a = record("k1", "m1@x", "sha1");
	struct store_outbox_row *rows;
	char *err = NULL;
	size_t n;
	int64_t id;

	assert_int_equal(store_record_message(f->s, &a, &id, &err), 0);
	assert_int_equal(
		store_outbox_due(f->s, 1617264000, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].len, a.mails[0].len);
	assert_memory_equal(rows[0].raw, a.mails[0].raw, a.mails[0].len);
	assert_string_equal(rows[0].rcpt, "a@utrecht.nl");
	id = rows[0].id;
	store_outbox_rows_free(rows, n);
	/* each attempt is counted when the row is claimed */
	assert_int_equal(store_outbox_claim(f->s, id, 1617264000, &err), 1);
	/* rescheduled: not due before its next try */
	assert_int_equal(store_outbox_retry(f->s, id, 1, 1617264600,
					    "451 later", 1617264000, &err),
			 0);
	assert_int_equal(
		store_outbox_due(f->s, 1617264599, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 0);
	store_outbox_rows_free(rows, n);
	/* given up: failed, and a review item names it */
	assert_int_equal(store_outbox_claim(f->s, id, 1617264600, &err), 1);
	assert_int_equal(store_outbox_retry(f->s, id, 2, 0, "550 no such user",
					    1617264700, &err),
			 0);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE "
				  "status = 'failed' AND attempts = 2"),
			 1);
	assert_int_equal(query(f, "SELECT count(*) FROM review_items WHERE "
				  "reason LIKE '%550 no such user%'"),
			 1);
	assert_int_equal(
		store_outbox_due(f->s, 1717264000, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 0);
	store_outbox_rows_free(rows, n);
	/* aanmeld retry: due again at once; a sent row cannot be */
	assert_int_equal(store_outbox_requeue(f->s, id, 1617265000, &err), 1);
	assert_int_equal(
		store_outbox_due(f->s, 1617265000, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	store_outbox_rows_free(rows, n);
	assert_int_equal(store_outbox_sent(f->s, id, 1617265001, &err), 0);
	assert_int_equal(store_outbox_requeue(f->s, id, 1617265002, &err), 0);
	assert_int_equal(store_outbox_requeue(f->s, 999, 1617265002, &err), 0);
	assert_int_equal(
		store_outbox_due(f->s, 1717264000, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 0);
	store_outbox_rows_free(rows, n);
	record_free(&a);
}

static void
test_actions(void **state)
{
	struct fixture_db *f = *state;
	struct store_record a = record("k1", "m1@x", "sha1");
	struct store_action_row *rows;
	char *err = NULL;
	size_t n;
	int64_t id;

	assert_int_equal(store_record_message(f->s, &a, &id, &err), 0);
	/* a move already queued is not queued twice */
	assert_int_equal(store_requeue_move(f->s, id, "INBOX", "k1", "Verwerkt",
					    1, &err),
			 0);
	assert_int_equal(store_actions_due(f->s, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].folder, "Verwerkt");
	assert_int_equal(store_action_done(f->s, rows[0].id, 2, NULL, &err), 0);
	store_action_rows_free(rows, n);
	assert_int_equal(store_actions_due(f->s, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 0);
	store_action_rows_free(rows, n);
	/* a move done leaves no row behind */
	assert_int_equal(query(f, "SELECT count(*) FROM actions"), 0);
	/* once done, it may be queued again (the message came back) */
	assert_int_equal(store_requeue_move(f->s, id, "INBOX", "k1", "Verwerkt",
					    3, &err),
			 0);
	assert_int_equal(query(f, "SELECT count(*) FROM actions WHERE "
				  "status = 'queued'"),
			 1);
	record_free(&a);
}

static void
test_attempts(void **state)
{
	struct fixture_db *f = *state;
	char *err = NULL;
	unsigned count, i;

	for (i = 1; i <= 3; i++) {
		assert_int_equal(store_attempt_begin(f->s, "INBOX", "k", 5,
						     &count, &err),
				 0);
		assert_int_equal(count, i);
	}
	assert_int_equal(store_attempt_end(f->s, "INBOX", "k", &err), 0);
	assert_int_equal(
		store_attempt_begin(f->s, "INBOX", "k", 5, &count, &err), 0);
	assert_int_equal(count, 1);
}

/* Staff clear the mark a bounce left on an address: mail to it is no
   longer held, wherever it is a contact; the change is audited.  An
   address that is no contact of the municipality, or is not marked, is
   an error that changes nothing. */
static void
test_clear_undeliverable(void **state)
{
	struct fixture_db *f = *state;
	char *err = NULL;

	fixture_exec(f->path,
		     "INSERT INTO enrolments (code, name, status, enrolled_at)"
		     " VALUES ('GM0344', 'Utrecht', 'confirmed', 1),"
		     " ('GM0307', 'Amersfoort', 'confirmed', 2);"
		     "INSERT INTO contacts (code, address, added_at,"
		     " undeliverable_at, undeliverable) VALUES"
		     " ('GM0344', 'j.jansen@utrecht.nl', 1, 5, '550 unknown'),"
		     " ('GM0307', 'J.Jansen@utrecht.nl', 2, 5, '550 unknown'),"
		     " ('GM0344', 'griffie@utrecht.nl', 1, NULL, NULL);"
		     "INSERT INTO outbox (key, kind, message_id, envelope_from,"
		     " rcpt, raw, created_at, next_try) VALUES"
		     " ('k1', 'send', 'm1@vng.nl', 'b@vng.nl',"
		     " 'j.jansen@utrecht.nl', 'x', 10, 10),"
		     " ('k2', 'send', 'm2@vng.nl', 'b@vng.nl',"
		     " 'j.jansen@utrecht.nl', 'x', 20, 20);");
	/* marked: a mail queued for it is held */
	assert_int_equal(
		store_hold_mails(f->s, "j.jansen@utrecht.nl", 10, &err), 0);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox"
				  " WHERE status = 'queued'"),
			 0);

	/* not a contact of that municipality; not marked */
	assert_int_equal(store_contact_clear_undeliverable(
				 f->s, "GM0193", "j.jansen@utrecht.nl", "staff",
				 NULL, 30, &err),
			 -1);
	assert_string_equal(err, "j.jansen@utrecht.nl is no contact of "
				 "GM0193");
	free(err);
	err = NULL;
	assert_int_equal(store_contact_clear_undeliverable(
				 f->s, "GM0344", "griffie@utrecht.nl", "staff",
				 NULL, 30, &err),
			 -1);
	assert_string_equal(err, "griffie@utrecht.nl is not marked "
				 "undeliverable");
	free(err);
	err = NULL;
	assert_int_equal(query(f, "SELECT count(*) FROM contacts"
				  " WHERE undeliverable_at IS NOT NULL"),
			 2);

	/* cleared, in any case of the address, for both municipalities */
	assert_int_equal(store_contact_clear_undeliverable(
				 f->s, "GM0344", "J.JANSEN@utrecht.nl", "staff",
				 "mailbox restored", 30, &err),
			 0);
	assert_null(err);
	assert_int_equal(query(f, "SELECT count(*) FROM contacts"
				  " WHERE undeliverable_at IS NOT NULL"
				  " OR undeliverable IS NOT NULL"),
			 0);
	assert_int_equal(query(f, "SELECT count(*) FROM audit"
				  " WHERE what = 'contact deliverable'"
				  " AND gemeente = 'GM0344' AND at = 30"
				  " AND actor = 'staff'"),
			 1);
	/* mail held before stays unsent; new mail is no longer held */
	assert_int_equal(query(f, "SELECT count(*) FROM outbox"
				  " WHERE status = 'failed'"
				  " AND cancelled_at IS NOT NULL"),
			 2);
	fixture_exec(f->path,
		     "INSERT INTO outbox (key, kind, message_id, envelope_from,"
		     " rcpt, raw, created_at, next_try) VALUES"
		     " ('k3', 'send', 'm3@vng.nl', 'b@vng.nl',"
		     " 'j.jansen@utrecht.nl', 'x', 40, 40);");
	assert_int_equal(
		store_hold_mails(f->s, "j.jansen@utrecht.nl", 40, &err), 0);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox"
				  " WHERE status = 'queued'"),
			 1);
	/* a second time: not marked any more */
	assert_int_equal(store_contact_clear_undeliverable(
				 f->s, "GM0344", "j.jansen@utrecht.nl", "staff",
				 NULL, 50, &err),
			 -1);
	free(err);
}

/* A waiting mail staff cancel is never claimed, so never sent; a sent
   one cannot be cancelled. */
static void
test_outbox_cancel_waiting(void **state)
{
	struct fixture_db *f = *state;
	struct store_outbox_row *rows;
	char *err = NULL;
	size_t n;

	fixture_exec(f->path,
		     "INSERT INTO outbox (id, key, kind, message_id,"
		     " envelope_from, rcpt, raw, created_at, next_try, status)"
		     " VALUES (1, 'k1', 'confirm', 'm1@x', 'a@x', 'b@x', 'r',"
		     " 100, 100, 'queued'), (2, 'k2', 'confirm', 'm2@x', 'a@x',"
		     " 'b@x', 'r', 100, 100, 'sent')");
	assert_int_equal(store_outbox_due(f->s, 200, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	store_outbox_rows_free(rows, n);
	assert_int_equal(store_outbox_cancel(f->s, 1, "web:anna", 150, &err),
			 1);
	/* due before the cancel, claimed after it: not sent */
	assert_int_equal(store_outbox_claim(f->s, 1, 200, &err), 0);
	assert_int_equal(store_outbox_due(f->s, 200, 10, &rows, &n, &err), 0);
	assert_int_equal(n, 0);
	store_outbox_rows_free(rows, n);
	assert_int_equal(store_outbox_cancel(f->s, 2, "web:anna", 150, &err),
			 0);
	assert_int_equal(query(f,
			       "SELECT count(*) FROM outbox WHERE id = 2"
			       " AND status = 'sent' AND cancelled_at IS NULL"),
			 1);
}

/* A mail the sender has claimed may be on its way: cancelling it is
   refused until the attempt is over (a temporary failure). */
static void
test_outbox_cancel_in_flight(void **state)
{
	struct fixture_db *f = *state;
	char *err = NULL, *status = NULL;

	fixture_exec(f->path,
		     "INSERT INTO outbox (id, key, kind, message_id,"
		     " envelope_from, rcpt, raw, created_at, next_try, status)"
		     " VALUES (1, 'k1', 'confirm', 'm1@x', 'a@x', 'b@x', 'r',"
		     " 100, 100, 'queued')");
	assert_int_equal(store_outbox_claim(f->s, 1, 200, &err), 1);
	assert_int_equal(store_outbox_status(f->s, 1, &status, &err), 1);
	assert_string_equal(status, "sending");
	free(status);
	assert_int_equal(store_outbox_cancel(f->s, 1, "web:anna", 201, &err),
			 0);
	/* nor queued again, which would let a second sender claim it */
	assert_int_equal(store_outbox_requeue(f->s, 1, 201, &err), 0);
	assert_int_equal(query(f, "SELECT count(*) FROM outbox WHERE id = 1"
				  " AND cancelled_at IS NULL"),
			 1);
	/* the attempt failed for now: waiting again, so it can be */
	assert_int_equal(
		store_outbox_retry(f->s, 1, 1, 500, "451 later", 201, &err), 0);
	assert_int_equal(store_outbox_status(f->s, 1, &status, &err), 1);
	assert_string_equal(status, "retrying");
	free(status);
	assert_int_equal(store_outbox_cancel(f->s, 1, "web:anna", 202, &err),
			 1);
	/* sent: never cancelled afterwards */
	fixture_exec(f->path,
		     "INSERT INTO outbox (id, key, kind, message_id,"
		     " envelope_from, rcpt, raw, created_at, next_try, status)"
		     " VALUES (2, 'k2', 'confirm', 'm2@x', 'a@x', 'b@x', 'r',"
		     " 100, 100, 'queued')");
	assert_int_equal(store_outbox_claim(f->s, 2, 200, &err), 1);
	assert_int_equal(store_outbox_sent(f->s, 2, 201, &err), 0);
	assert_int_equal(store_outbox_cancel(f->s, 2, "web:anna", 202, &err),
			 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_migrations, fixture_db_setup, fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_arrival_backfill,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_record_and_known,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_enrolled_and_answers,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_answers_folded,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_outsider_answers,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_enrol_again,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_outbox, fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_cancel_waiting,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_cancel_in_flight,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_actions, fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_clear_undeliverable,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_attempts, fixture_db_setup,
						fixture_db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
