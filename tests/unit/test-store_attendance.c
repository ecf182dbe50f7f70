/*
 * Unit tests for the attendance table on a real SQLite file: an answer is
 * recorded for each municipality its address is a contact of and for no
 * stranger, in the message's own transaction; the latest answer wins by
 * SEQUENCE, then DTSTAMP, then arrival; the rows for list and export.
 * Whose answer counts (attendance_lookup(), then classify()): a
 * contact's, at a SEQUENCE no higher than the one we sent it, so that an
 * answer to nothing we sent neither records nor locks anything.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "attendance.h"
#include "calendar.h"
#include "classify.h"
#include "fixture.h"
#include "gemeenten.h"
#include "message.h"
#include "programme_item.h"
#include "rules.h"
#include "store.h"
#include "store_attendance.h"
#include "store_intake.h"
#include "util.h"

#define T0 1617264000 /* 2021-04-01 08:00Z */

/* The number of the test's next message (1, 2, ...): keys, digests and
   arrival times follow it. */
static unsigned
next_number(struct fixture_db *f)
{
	return (unsigned)fixture_query(f->path,
				       "SELECT count(*) FROM messages") +
	       1;
}

/* Records r as the test's message number n: in INBOX, with a key and a
   digest of its own; fails the test when it cannot. */
static void
record(struct fixture_db *f, struct store_record *r, unsigned n)
{
	char key[32], sha[65], *err = NULL;
	int64_t id;

	snprintf(key, sizeof(key), "m%u", n);
	snprintf(sha, sizeof(sha), "%064u", n);
	r->mailbox = "INBOX";
	r->msgkey = key;
	r->sha256 = sha;
	if (store_record_message(f->s, r, &id, &err) == -1)
		fail_msg("%s", err);
}

/* Records a message from addr; enrol: with that enrolment or contact. */
static void
message(struct fixture_db *f, const char *addr, const char *code,
	enum store_enrol enrol, const struct store_attendance *a)
{
	struct store_record r;
	unsigned n = next_number(f);

	memset(&r, 0, sizeof(r));
	r.from_addr = addr;
	r.received_at = T0 + n;
	r.verdict = a != NULL ? "attendance" : "enrol";
	r.reasons = "test";
	r.gemeente_code = code;
	r.gemeente_name = code;
	r.enrol = enrol;
	r.attendance = a;
	record(f, &r, n);
}

static const char *
current(struct fixture_db *f, const char *code, const char *addr,
	const char *item)
{
	static char status[32];
	char *s = NULL, *err = NULL;
	unsigned seq;
	time_t at;
	int rc;

	rc = store_attendance_current(f->s, code, addr, item, &s, &seq, &at,
				      &err);
	assert_int_not_equal(rc, -1);
	util_strlcpy(status, rc == 1 ? s : "-", sizeof(status));
	free(s);
	return status;
}

static void
answer(struct fixture_db *f, const char *addr, const char *status, unsigned seq,
       time_t stamp)
{
	struct store_attendance a = {addr, "session-1", 1,  status,
				     seq,  stamp,	T0, "id@x"};

	message(f, addr, NULL, STORE_ENROL_NONE, &a);
}

static void
test_latest_wins(void **state)
{
	/* each answer from the contact, then the one that counts */
	static const struct {
		unsigned seq;
		time_t stamp;
		const char *addr;
		const char *status;
		const char *current;
	} rows[] = {
		/* the address compares without its case */
		{0, T0 + 100, "A@Utrecht.NL", "accepted", "accepted"},
		/* an older DTSTAMP at the same SEQUENCE: no change */
		{0, T0 + 50, "a@utrecht.nl", "declined", "accepted"},
		/* a later one: replaces */
		{0, T0 + 200, "a@utrecht.nl", "tentative", "tentative"},
		/* the same stamp: the later arrival wins */
		{0, T0 + 200, "a@utrecht.nl", "declined", "declined"},
		/* a newer revision wins even with an older stamp */
		{1, T0 + 10, "a@utrecht.nl", "accepted", "accepted"},
		/* and an answer to an older revision loses to it */
		{0, T0 + 999, "a@utrecht.nl", "declined", "accepted"},
	};
	struct fixture_db *f = *state;
	size_t i;

	message(f, "a@utrecht.nl", "GM0344", STORE_ENROL_CONFIRMED, NULL);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		answer(f, rows[i].addr, rows[i].status, rows[i].seq,
		       rows[i].stamp);
		print_message("row %zu: %s\n", i, rows[i].status);
		assert_string_equal(
			current(f, "GM0344", "a@utrecht.nl", "session-1"),
			rows[i].current);
	}
}

static void
test_contacts(void **state)
{
	struct fixture_db *f = *state;
	struct store_attendance_contact *c;
	struct store_attendance_answer *a;
	char **codes, *err = NULL;
	size_t n, na;

	message(f, "a@utrecht.nl", "GM0344", STORE_ENROL_CONFIRMED, NULL);
	message(f, "k@zwolle.nl", "GM0193", STORE_ENROL_WAITLIST, NULL);
	/* a consultant who is a contact of both */
	message(f, "c@advies.nl", "GM0344", STORE_ENROL_CONTACT, NULL);
	message(f, "c@advies.nl", "GM0193", STORE_ENROL_CONTACT, NULL);
	assert_int_equal(
		store_attendance_codes(f->s, "C@advies.nl", &codes, &n, &err),
		0);
	assert_int_equal(n, 2);
	assert_string_equal(codes[0], "GM0344");
	util_free_strv(codes, n);
	assert_int_equal(store_attendance_codes(f->s, "x@amsterdam.nl", &codes,
						&n, &err),
			 0);
	assert_int_equal(n, 0);
	util_free_strv(codes, n);
	answer(f, "c@advies.nl", "accepted", 0, T0);
	answer(f, "x@amsterdam.nl", "accepted", 0, T0);
	assert_string_equal(current(f, "GM0344", "c@advies.nl", "session-1"),
			    "accepted");
	assert_string_equal(current(f, "GM0193", "c@advies.nl", "session-1"),
			    "accepted");
	assert_int_equal(store_attendance_answers(f->s, &a, &na, &err), 0);
	assert_int_equal(na, 2); /* nothing for the stranger */
	store_attendance_answers_free(a, na);
	assert_int_equal(store_attendance_contacts(f->s, &c, &n, &err), 0);
	/* confirmed first, the waiting list last; contacts in order */
	assert_int_equal(n, 4);
	assert_string_equal(c[0].address, "a@utrecht.nl");
	assert_string_equal(c[1].address, "c@advies.nl");
	assert_string_equal(c[2].code, "GM0193");
	assert_string_equal(c[2].status, "waitlist");
	assert_string_equal(c[2].address, "k@zwolle.nl");
	store_attendance_contacts_free(c, n);
}

/* Utrecht (round 1) and Zwolle (round 2, after a withdrawal), each with
   its contact, and a consultant who is a contact of both; session 1 was
   changed twice (SEQUENCE 2), session 2 never. */
static void
two_municipalities(struct fixture_db *f)
{
	message(f, "a@utrecht.nl", "GM0344", STORE_ENROL_CONFIRMED, NULL);
	message(f, "k@zwolle.nl", "GM0193", STORE_ENROL_CONFIRMED, NULL);
	message(f, "c@advies.nl", "GM0344", STORE_ENROL_CONTACT, NULL);
	message(f, "c@advies.nl", "GM0193", STORE_ENROL_CONTACT, NULL);
	fixture_exec(f->path, "UPDATE enrolments SET round = 2"
			      " WHERE code = 'GM0193'");
	fixture_exec(f->path,
		     "INSERT INTO programme_items (number, fingerprint,"
		     " sequence, changed_at, title, start, end) VALUES"
		     " (1, 'x', 2, 0, 'Sessie 1', 0, 0),"
		     " (2, 'y', 0, 0, 'Sessie 2', 0, 0)");
}

static void
test_sent(void **state)
{
	static const struct {
		const char *code;
		const char *addr;
		unsigned session;
		int rc;
		unsigned sequence;
	} rows[] = {
		{"GM0344", "a@utrecht.nl", 1, 1, 2},
		{"GM0344", "A@Utrecht.NL", 1, 1, 2},
		{"GM0344", "a@utrecht.nl", 2, 1, 0},
		/* a session the store has not seen: its first version */
		{"GM0344", "a@utrecht.nl", 3, 1, 0},
		/* the deadline and the congress: PUBLISH, SEQUENCE 0 */
		{"GM0344", "a@utrecht.nl", 0, 1, 0},
		/* round 2 comes after the CANCEL of round 1 */
		{"GM0193", "k@zwolle.nl", 1, 1, 4},
		{"GM0193", "k@zwolle.nl", 2, 1, 2},
		{"GM0193", "k@zwolle.nl", 0, 1, 0},
		{"GM0344", "c@advies.nl", 1, 1, 2},
		{"GM0193", "c@advies.nl", 1, 1, 4},
		/* a contact of another municipality, and a stranger */
		{"GM0193", "a@utrecht.nl", 1, 0, 0},
		{"GM0344", "k@zwolle.nl", 1, 0, 0},
		{"GM0344", "x@amsterdam.nl", 1, 0, 0},
		{"GM0363", "a@utrecht.nl", 1, 0, 0},
	};
	struct fixture_db *f = *state;
	char *err = NULL;
	size_t i;

	two_municipalities(f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned seq = 99;
		int rc = store_attendance_sent(f->s, rows[i].code, rows[i].addr,
					       rows[i].session, &seq, &err);

		print_message("row %zu: %s %s %u: %d %u\n", i, rows[i].code,
			      rows[i].addr, rows[i].session, rc, seq);
		assert_int_equal(rc, rows[i].rc);
		if (rc == 1)
			assert_int_equal(seq, rows[i].sequence);
	}
}

/* What intake makes of one reply: a first classify(), the facts looked
   up (attendance_lookup()), a second classify() that decides with them,
   and the message recorded with its answer when that says attendance;
   the verdict, the municipality, the reasons. */
struct resolved {
	int rc; /* 1: an answer was recorded with the message */
	const char *verdict;
	const char *code;
	char reasons[512];
};

/* An iTIP REPLY from attendee, without Authentication-Results (no
   trusted server: it counts as authenticated). */
static struct message *
reply(const struct rules *rules, const char *attendee, unsigned item,
      const char *status, unsigned seq, time_t stamp, unsigned n)
{
	char *uid = programme_item_uid(rules->programme, item, "vng.nl");
	char dtstamp[64] = "", partstat[16], *raw;
	struct message *m;
	struct tm tm;
	size_t i;

	assert_non_null(uid);
	if (stamp != 0) {
		gmtime_r(&stamp, &tm);
		strftime(dtstamp, sizeof(dtstamp), "DTSTAMP:%Y%m%dT%H%M%SZ\r\n",
			 &tm);
	}
	for (i = 0; status[i] != '\0' && i + 1 < sizeof(partstat); i++)
		partstat[i] = (char)(status[i] - 'a' + 'A');
	partstat[i] = '\0';
	raw = xasprintf("From: <%s>\r\nSubject: Accepted: x\r\n"
			"Message-ID: <reply%u@x>\r\nMIME-Version: 1.0\r\n"
			"Content-Type: text/calendar; method=REPLY; "
			"charset=UTF-8\r\n\r\n"
			"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
			"PRODID:-//t//t//EN\r\nMETHOD:REPLY\r\n"
			"BEGIN:VEVENT\r\nUID:%s\r\n%sSEQUENCE:%u\r\n"
			"ATTENDEE;PARTSTAT=%s:mailto:%s\r\nEND:VEVENT\r\n"
			"END:VCALENDAR\r\n",
			attendee, n, uid, dtstamp, seq, partstat, attendee);
	m = message_parse(raw, strlen(raw));
	free(raw);
	free(uid);
	return m;
}

static void
resolve(struct fixture_db *f, const struct rules *rules, const char *attendee,
	unsigned item, const char *status, unsigned seq, time_t stamp,
	time_t now, struct resolved *out)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};
	struct classify_state st = {0};
	struct store_record r;
	struct classification c;
	struct attendance_facts facts;
	struct attendance a;
	struct message *msg;
	char *err = NULL;
	unsigned n = next_number(f);

	msg = reply(rules, attendee, item, status, seq, stamp, n);
	classify(msg, rules, &set, &st, now, &c);
	assert_int_equal(c.verdict, VERDICT_ATTENDANCE);
	if (attendance_lookup(f->s, &c, &facts, &err) == -1)
		fail_msg("%s", err);
	st.attendee = &facts.facts;
	classification_deinit(&c);
	classify(msg, rules, &set, &st, now, &c);
	attendance_facts_deinit(&facts);
	out->rc = c.verdict == VERDICT_ATTENDANCE;
	out->verdict = verdict_name(c.verdict);
	out->code = c.gemeente != NULL ? c.gemeente->code : "-";
	util_strlcpy(out->reasons, c.reasons, sizeof(out->reasons));
	/* the message and its answer, in one transaction */
	memset(&r, 0, sizeof(r));
	r.message_id = msg->message_id;
	r.from_addr = msg->from_addr;
	r.received_at = now;
	r.verdict = out->verdict;
	r.reasons = c.reasons;
	if (out->rc == 1) {
		attendance_build(msg, &c, now, &a);
		r.attendance = &a.rec;
	}
	record(f, &r, n);
	classification_deinit(&c);
	message_free(msg);
}

static void
test_resolve(void **state)
{
	static const struct {
		const char *attendee;
		unsigned item;
		const char *status;
		unsigned seq;
		int rc;
		const char *verdict;
		const char *code;
		const char *reason;
		/* then the answer recorded for code, attendee and item */
		const char *current;
	} rows[] = {
		/* SEQUENCE lower than, equal to and above the one sent */
		{"a@utrecht.nl", 1, "accepted", 1, 1, "attendance", "GM0344",
		 "calendar reply", "accepted"},
		{"a@utrecht.nl", 1, "declined", 2, 1, "attendance", "GM0344",
		 "calendar reply", "declined"},
		{"a@utrecht.nl", 1, "accepted", 3, 0, "ignore", "-",
		 "calendar reply from a@utrecht.nl for session 1 with "
		 "SEQUENCE 3, above the 2 we sent: nothing recorded",
		 "declined"},
		{"a@utrecht.nl", 1, "accepted", 2147483647u, 0, "ignore", "-",
		 "SEQUENCE 2147483647, above the 2 we sent", "declined"},
		{"a@utrecht.nl", 2, "tentative", 0, 1, "attendance", "GM0344",
		 "calendar reply", "tentative"},
		{"a@utrecht.nl", 2, "accepted", 1, 0, "ignore", "-",
		 "for session 2 with SEQUENCE 1, above the 0 we sent",
		 "tentative"},
		{"a@utrecht.nl", PROGRAMME_DEADLINE, "accepted", 1, 0, "ignore",
		 "-", "for deadline with SEQUENCE 1, above the 0 we sent", "-"},
		{"a@utrecht.nl", PROGRAMME_CONGRESS, "accepted", 0, 1,
		 "attendance", "GM0344", "calendar reply", "accepted"},
		/* round 2: two more than the stored SEQUENCE */
		{"k@zwolle.nl", 1, "accepted", 4, 1, "attendance", "GM0193",
		 "calendar reply", "accepted"},
		{"k@zwolle.nl", 1, "declined", 5, 0, "ignore", "-",
		 "SEQUENCE 5, above the 4 we sent", "accepted"},
		/* one calendar for a contact of two: the higher SEQUENCE */
		{"c@advies.nl", 1, "accepted", 4, 1, "attendance", "GM0344",
		 "calendar reply", "accepted"},
		/* no contact */
		{"x@amsterdam.nl", 1, "accepted", 0, 0, "ignore", "-",
		 "x@amsterdam.nl is no contact of an enrolled municipality: "
		 "nothing recorded",
		 "-"},
	};
	struct fixture_db *f = *state;
	struct rules *rules = fixture_rules();
	size_t i;

	assert_non_null(rules);
	two_municipalities(f);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct resolved got;
		char item[32];
		const char *code = strcmp(rows[i].attendee, "k@zwolle.nl") == 0
					   ? "GM0193"
					   : "GM0344";

		resolve(f, rules, rows[i].attendee, rows[i].item,
			rows[i].status, rows[i].seq, T0 + 100 * (time_t)i,
			T0 + 3600, &got);
		print_message("row %zu: %d %s %s (%s)\n", i, got.rc,
			      got.verdict, got.code, got.reasons);
		assert_int_equal(got.rc, rows[i].rc);
		assert_string_equal(got.verdict, rows[i].verdict);
		assert_string_equal(got.code, rows[i].code);
		assert_non_null(strstr(got.reasons, rows[i].reason));
		programme_item_name(rows[i].item, true, item, sizeof(item));
		assert_string_equal(current(f, code, rows[i].attendee, item),
				    rows[i].current);
	}
	/* the consultant's answer went to both its municipalities */
	assert_string_equal(current(f, "GM0193", "c@advies.nl", "session-1"),
			    "accepted");
	/* nothing for the stranger, nothing from the ignored ones */
	assert_int_equal(fixture_query(f->path, "SELECT count(*) FROM"
						" attendance"),
			 6);
	assert_int_equal(fixture_query(f->path,
				       "SELECT count(*) FROM attendance a"
				       " JOIN messages m ON m.id = a.message"
				       " WHERE m.verdict <> 'attendance'"),
			 0);
	rules_free(rules);
}

/* An answer above what we sent would have outranked every later one;
   ignored, it locks nothing: the contact's own later answer counts. */
static void
test_no_lock(void **state)
{
	struct fixture_db *f = *state;
	struct rules *rules = fixture_rules();
	struct resolved got;

	assert_non_null(rules);
	two_municipalities(f);
	resolve(f, rules, "a@utrecht.nl", 2, "accepted", 0, T0, T0 + 60, &got);
	assert_int_equal(got.rc, 1);
	resolve(f, rules, "a@utrecht.nl", 2, "declined", 999, T0 + 10, T0 + 70,
		&got);
	assert_int_equal(got.rc, 0);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-2"),
			    "accepted");
	resolve(f, rules, "a@utrecht.nl", 2, "tentative", 0, T0 + 20, T0 + 80,
		&got);
	assert_int_equal(got.rc, 1);
	assert_string_equal(got.verdict, "attendance");
	assert_null(strstr(got.reasons, "later answer"));
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-2"),
			    "tentative");
	/* a DTSTAMP from the future counts as its arrival, so the next
	   answer still wins */
	resolve(f, rules, "a@utrecht.nl", 2, "declined", 0, T0 + 86400 * 365,
		T0 + 90, &got);
	assert_int_equal(got.rc, 1);
	assert_int_equal(fixture_query(f->path,
				       "SELECT replied_at FROM attendance"
				       " WHERE item = 'session-2'"),
			 T0 + 90);
	resolve(f, rules, "a@utrecht.nl", 2, "accepted", 0, T0 + 100, T0 + 100,
		&got);
	assert_int_equal(got.rc, 1);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-2"),
			    "accepted");
	rules_free(rules);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_latest_wins,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_contacts, fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_sent, fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_resolve, fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(test_no_lock, fixture_db_setup,
						fixture_db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
