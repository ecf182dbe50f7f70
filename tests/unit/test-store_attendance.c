/*
 * Unit tests for the attendance table on a real SQLite file: an answer is
 * recorded for each municipality its address is a contact of and for no
 * stranger, in the message's own transaction; the latest answer wins by
 * SEQUENCE, then DTSTAMP, then arrival; the rows for list and export.
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

#include "fixture.h"
#include "store.h"
#include "store_attendance.h"
#include "util.h"

#define T0 1617264000 /* 2021-04-01 08:00Z */

struct fixture {
	char dir[64];
	char *path;
	struct store *s;
	unsigned n; /* messages recorded */
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	if (fixture_store_open(f->dir, sizeof(f->dir), "test-attendance",
			       &f->path, &f->s) == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_store_close(f->dir, f->path, &f->s);
	free(f);
	return 0;
}

/* Records a message from addr; enrol: with that enrolment or contact. */
static void
message(struct fixture *f, const char *addr, const char *code,
	enum store_enrol enrol, const struct store_attendance *a)
{
	struct store_record r;
	char key[32], sha[65];
	char *err = NULL;
	int64_t id;

	snprintf(key, sizeof(key), "m%u", ++f->n);
	snprintf(sha, sizeof(sha), "%064u", f->n);
	memset(&r, 0, sizeof(r));
	r.mailbox = "INBOX";
	r.msgkey = key;
	r.sha256 = sha;
	r.from_addr = addr;
	r.received_at = T0 + f->n;
	r.verdict = a != NULL ? "attendance" : "enrol";
	r.reasons = "test";
	r.gemeente_code = code;
	r.gemeente_name = code;
	r.enrol = enrol;
	r.attendance = a;
	if (store_record_message(f->s, &r, &id, &err) == -1)
		fail_msg("%s", err);
}

static const char *
current(struct fixture *f, const char *code, const char *addr, const char *item)
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
answer(struct fixture *f, const char *addr, const char *status, unsigned seq,
       time_t stamp)
{
	struct store_attendance a = {addr, "session-1", 1,  status,
				     seq,  stamp,	T0, "id@x"};

	message(f, addr, NULL, STORE_ENROL_NONE, &a);
}

static void
test_latest_wins(void **state)
{
	struct fixture *f = *state;

	message(f, "a@utrecht.nl", "GM0344", STORE_ENROL_CONFIRMED, NULL);
	answer(f, "A@Utrecht.NL", "accepted", 0, T0 + 100);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-1"),
			    "accepted");
	/* an older DTSTAMP at the same SEQUENCE: no change */
	answer(f, "a@utrecht.nl", "declined", 0, T0 + 50);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-1"),
			    "accepted");
	/* a later one: replaces */
	answer(f, "a@utrecht.nl", "tentative", 0, T0 + 200);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-1"),
			    "tentative");
	/* the same stamp: the later arrival wins */
	answer(f, "a@utrecht.nl", "declined", 0, T0 + 200);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-1"),
			    "declined");
	/* a newer revision of the event wins even with an older stamp */
	answer(f, "a@utrecht.nl", "accepted", 1, T0 + 10);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-1"),
			    "accepted");
	/* and an answer to an older revision loses to it */
	answer(f, "a@utrecht.nl", "declined", 0, T0 + 999);
	assert_string_equal(current(f, "GM0344", "a@utrecht.nl", "session-1"),
			    "accepted");
}

static void
test_contacts(void **state)
{
	struct fixture *f = *state;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_latest_wins, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_contacts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
