/*
 * Unit tests for the scheduler (schedule.c) on the project's programme:
 * reminders at the right local hour across the change to summer time, a
 * municipality that enrols late or is on the waiting list or withdrew,
 * keys that stay the same between runs, nothing after the session began,
 * updates and cancellations of changed and removed sessions.
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
#include <libetpan/libetpan.h>

#include "addrhash.h"
#include "answer.h"
#include "buf.h"
#include "config.h"
#include "fixture.h"
#include "invite.h"
#include "letter.h"
#include "message.h"
#include "outmail.h"
#include "programme.h"
#include "rules.h"
#include "schedule.h"
#include "util.h"

/* Keys carry a token, not the address (addrhash.h): want is written
   with the address for the reader and scrubbed before the compare. */
static void
key_eq(const char *got, const char *want)
{
	char *w = addrhash_key_scrub(want);

	assert_string_equal(got, w);
	free(w);
}

static struct programme *prog;

static struct schedule_contact
contact(enum schedule_status status, time_t since)
{
	struct schedule_contact c = {"GM0344",
				     "Utrecht",
				     "J.Jansen@Utrecht.nl",
				     "J. Jansen",
				     status,
				     since,
				     1,
				     false,
				     NULL,
				     0};

	return c;
}

/* The keys due at now, space-separated (heap). */
static char *
due_keys(const struct schedule_contact *c, size_t n,
	 const struct schedule_item *items, size_t n_items, time_t now)
{
	struct schedule_mail *m;
	struct buf b;
	size_t k, i;

	schedule_due(prog, c, n, items, n_items, now, &m, &k);
	buf_init(&b, 65536);
	for (i = 0; i < k; i++)
		(void)buf_addf(&b, "%s%s", i > 0 ? " " : "", m[i].key);
	schedule_free(m, k);
	return buf_steal(&b);
}

static void
expect_due(const struct schedule_contact *c, time_t now, const char *want)
{
	char *got = due_keys(c, 1, NULL, 0, now), *w = addrhash_key_scrub(want);

	if (strcmp(got, w) != 0)
		fail_msg("at %lld: expected '%s', got '%s'", (long long)now, w,
			 got);
	free(got);
	free(w);
}

#define K "reminder:GM0344:j.jansen@utrecht.nl:"

/* A municipality that delivered its text gets no reminder of the
   deadline, in the plan neither; its sessions' reminders stay. */
static void
test_delivered(void **state)
{
	struct schedule_contact c = contact(SCHEDULE_CONFIRMED, 0);
	struct schedule_mail *m;
	size_t n, i;

	(void)state;
	expect_due(&c, fixture_utc(2021, 8, 1, 7, 0, 0), K "deadline:14d");
	c.delivered = true;
	expect_due(&c, fixture_utc(2021, 8, 1, 7, 0, 0), "");
	expect_due(&c, fixture_utc(2021, 8, 12, 7, 0, 0), "");
	expect_due(&c, fixture_utc(2021, 9, 9, 11, 30, 0), K "session-5:7d");
	schedule_plan(prog, &c, 1, fixture_utc(2021, 7, 1, 0, 0, 0), &m, &n);
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		assert_int_not_equal(m[i].kind, SCHEDULE_REMINDER_DEADLINE);
	schedule_free(m, n);
}

/* The SEQUENCE of the text/calendar part (base64) of an invitation. */
static int
sequence_of(const char *raw)
{
	const char *p = strstr(raw, "method=REQUEST"), *end;
	char *ics, *s;
	size_t at = 0, len;
	int seq;

	assert_non_null(p);
	p = strstr(p, "\r\n\r\n");
	assert_non_null(p);
	p += 4;
	end = strstr(p, "\r\n--");
	assert_non_null(end);
	assert_int_equal(mailmime_base64_body_parse(p, (size_t)(end - p), &at,
						    &ics, &len),
			 MAILIMF_NO_ERROR);
	s = xstrndup(ics, len);
	mmap_string_unref(ics);
	assert_non_null(strstr(s, "\r\nSEQUENCE:"));
	seq = atoi(strstr(s, "\r\nSEQUENCE:") + 11);
	free(s);
	return seq;
}

/* 13 April 13:30 CEST: 7 days before is 6 April 13:30 CEST = 11:30Z,
   though the enrolment (and the daemon's start) was in winter time. */
static void
test_dst(void **state)
{
	struct schedule_contact c =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 3, 15, 9, 0, 0));
	struct schedule_mail *m;
	size_t n;

	(void)state;
	expect_due(&c, fixture_utc(2021, 3, 28, 0, 59, 0), "");
	expect_due(&c, fixture_utc(2021, 4, 6, 11, 29, 0), "");
	expect_due(&c, fixture_utc(2021, 4, 6, 11, 30, 0), K "session-1:7d");
	schedule_due(prog, &c, 1, NULL, 0, fixture_utc(2021, 4, 6, 11, 30, 0),
		     &m, &n);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].kind, SCHEDULE_REMINDER_SESSION);
	assert_int_equal(m[0].number, 1);
	assert_int_equal(m[0].at, fixture_utc(2021, 4, 6, 11, 30, 0));
	assert_string_equal(m[0].offset, "7d");
	schedule_free(m, n);
	/* the text deadline: 14 days before 15 August, at 09:00 local */
	expect_due(&c, fixture_utc(2021, 8, 1, 6, 59, 0), "");
	expect_due(&c, fixture_utc(2021, 8, 1, 7, 0, 0), K "deadline:14d");
	expect_due(&c, fixture_utc(2021, 8, 12, 7, 0, 0), K "deadline:3d");
	/* the plan from the start: 5 sessions and the deadline, two each,
	   in order of their moment */
	schedule_plan(prog, &c, 1, fixture_utc(2021, 3, 15, 9, 0, 0), &m, &n);
	assert_int_equal(n, 12);
	key_eq(m[0].key, K "session-1:7d");
	assert_int_equal(m[0].at, fixture_utc(2021, 4, 6, 11, 30, 0));
	key_eq(m[9].key, K "deadline:3d");
	assert_int_equal(m[9].at, fixture_utc(2021, 8, 12, 7, 0, 0));
	key_eq(m[11].key, K "session-5:1d");
	schedule_free(m, n);
}

/* Enrolled on 20 April: nothing for session 1, and not the reminder of a
   moment already past when it came. */
static void
test_enrol_late(void **state)
{
	struct schedule_contact c =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 4, 20, 8, 0, 0));
	struct schedule_contact later =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 4, 25, 8, 0, 0));
	struct schedule_mail *m;
	size_t n;

	(void)state;
	expect_due(&c, fixture_utc(2021, 4, 20, 8, 1, 0), "");
	expect_due(&c, fixture_utc(2021, 4, 22, 11, 30, 0), K "session-2:7d");
	expect_due(&later, fixture_utc(2021, 4, 25, 8, 1, 0), "");
	expect_due(&later, fixture_utc(2021, 4, 28, 11, 29, 0), "");
	expect_due(&later, fixture_utc(2021, 4, 28, 11, 30, 0),
		   K "session-2:1d");
	schedule_plan(prog, &later, 1, fixture_utc(2021, 4, 25, 8, 0, 0), &m,
		      &n);
	assert_int_equal(n, 9);
	key_eq(m[0].key, K "session-2:1d");
	schedule_free(m, n);
}

/* Only a confirmed municipality gets anything. */
static void
test_withdrawn(void **state)
{
	struct schedule_item moved = {3, 1, fixture_utc(2021, 4, 23, 8, 0, 0),
				      false,
				      fixture_utc(2021, 5, 27, 11, 30, 0)};
	enum schedule_status st[] = {SCHEDULE_WITHDRAWN, SCHEDULE_WAITLIST};
	struct schedule_mail *m;
	size_t i, n;
	char *keys;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct schedule_contact c =
			contact(st[i], fixture_utc(2021, 3, 15, 9, 0, 0));

		expect_due(&c, fixture_utc(2021, 4, 6, 11, 30, 0), "");
		expect_due(&c, fixture_utc(2021, 8, 1, 7, 0, 0), "");
		keys = due_keys(&c, 1, &moved, 1,
				fixture_utc(2021, 4, 23, 9, 0, 0));
		key_eq(keys, "");
		free(keys);
		schedule_plan(prog, &c, 1, fixture_utc(2021, 3, 15, 9, 0, 0),
			      &m, &n);
		assert_int_equal(n, 0);
		schedule_free(m, n);
	}
}

/* The same mail has the same key in every run, so the outbox holds it
   once; a later reminder of the item supersedes an earlier one, and none
   comes once the session has begun. */
static void
test_idempotent_keys(void **state)
{
	struct schedule_contact c =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 3, 15, 9, 0, 0));
	char *a, *b;

	(void)state;
	a = due_keys(&c, 1, NULL, 0, fixture_utc(2021, 4, 6, 11, 30, 0));
	b = due_keys(&c, 1, NULL, 0, fixture_utc(2021, 4, 8, 18, 0, 0));
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* down from before the first reminder until after the second: one
	   reminder, the latest */
	expect_due(&c, fixture_utc(2021, 4, 13, 10, 0, 0), K "session-1:1d");
	/* session 1 began at 11:30Z: nothing late */
	expect_due(&c, fixture_utc(2021, 4, 13, 11, 30, 0), "");
	expect_due(&c, fixture_utc(2021, 4, 14, 9, 0, 0), "");
	/* two contacts, two keys */
	{
		struct schedule_contact two[2] = {
			contact(SCHEDULE_CONFIRMED,
				fixture_utc(2021, 3, 15, 9, 0, 0)),
			contact(SCHEDULE_CONFIRMED,
				fixture_utc(2021, 3, 15, 9, 0, 0)),
		};

		two[1].addr = "collega@utrecht.nl";
		a = due_keys(two, 2, NULL, 0,
			     fixture_utc(2021, 4, 6, 11, 30, 0));
		key_eq(a, K "session-1:7d "
			    "reminder:GM0344:collega@utrecht.nl:"
			    "session-1:7d");
		free(a);
	}
}

/* A changed session: an update to each calendar that holds an older
   version, until it starts; a removed one: a CANCEL to each that holds
   it; a contact added later: the invitations its calendar lacks, never
   an update or a CANCEL of what it never got. */
static void
test_changes(void **state)
{
	time_t changed = fixture_utc(2021, 4, 23, 8, 0, 0);
	struct schedule_item moved = {3, 1, changed, false,
				      fixture_utc(2021, 5, 27, 11, 30, 0)};
	struct schedule_item removed = {4, 2, changed, true,
					fixture_utc(2021, 6, 24, 11, 30, 0)};
	struct schedule_item same = {2, 0, fixture_utc(2021, 3, 1, 0, 0, 0),
				     false,
				     fixture_utc(2021, 4, 29, 11, 30, 0)};
	struct schedule_item items[3] = {same, moved, removed};
	/* invited at enrolment: 2, 3 and 4 as they were */
	const struct schedule_sent held[3] = {{2, 0, true, false, false},
					      {3, 0, true, false, false},
					      {4, 1, true, false, false}};
	/* invited after the change: 3 as it is now */
	const struct schedule_sent now_held[2] = {{2, 0, true, false, false},
						  {3, 1, true, false, false}};
	struct schedule_contact before =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 3, 15, 9, 0, 0));
	struct schedule_contact after =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 4, 23, 9, 0, 0));
	struct schedule_contact added =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 4, 23, 9, 0, 0));
	char *keys;

	(void)state;
	before.sent = held;
	before.n_sent = 3;
	after.sent = now_held;
	after.n_sent = 2;
	keys = due_keys(&before, 1, items, 3,
			fixture_utc(2021, 4, 23, 9, 30, 0));
	/* and the overview anew, once for the changes after it got it */
	key_eq(keys, "invitation:GM0344:j.jansen@utrecht.nl:3:1 "
		     "cancel:GM0344:j.jansen@utrecht.nl:4:2 "
		     "programme:GM0344:j.jansen@utrecht.nl:1619164800 " K
		     "session-2:7d");
	free(keys);
	keys = due_keys(&after, 1, items, 3,
			fixture_utc(2021, 4, 23, 9, 30, 0));
	key_eq(keys, "");
	free(keys);
	/* a contact added after the change, whose calendar holds nothing:
	   the sessions still to come, no CANCEL of the removed one */
	{
		struct schedule_mail *m;
		size_t k;

		schedule_due(prog, &added, 1, items, 3,
			     fixture_utc(2021, 4, 23, 9, 30, 0), &m, &k);
		assert_int_equal(k, 2);
		assert_int_equal(m[0].kind, SCHEDULE_INVITE);
		key_eq(m[0].key, "invitation:GM0344:j.jansen@utrecht.nl:2");
		assert_int_equal(m[0].sequence, 0);
		key_eq(m[1].key, "invitation:GM0344:j.jansen@utrecht.nl:3");
		assert_int_equal(m[1].sequence, 1);
		schedule_free(m, k);
	}
	/* once session 2 has begun: only session 3 */
	keys = due_keys(&added, 1, items, 3,
			fixture_utc(2021, 4, 29, 11, 30, 0));
	key_eq(keys, "invitation:GM0344:j.jansen@utrecht.nl:3");
	free(keys);
	/* the same contact in its second round: keys of their own, and
	   SEQUENCE two above the store's */
	before.round = 2;
	{
		struct schedule_mail *m;
		size_t k;

		schedule_due(prog, &before, 1, items, 3,
			     fixture_utc(2021, 4, 23, 9, 30, 0), &m, &k);
		assert_int_equal(k, 4);
		key_eq(m[0].key,
		       "invitation:GM0344:j.jansen@utrecht.nl:3:1:r2");
		assert_int_equal(m[0].sequence, 3);
		key_eq(m[1].key, "cancel:GM0344:j.jansen@utrecht.nl:4:2:r2");
		assert_int_equal(m[1].sequence, 4);
		/* the overview's PUBLISH: the sum of the sessions' */
		assert_int_equal(m[2].kind, SCHEDULE_PROGRAMME);
		assert_int_equal(m[2].sequence, 3);
		key_eq(m[3].key, K "session-2:7d:r2");
		schedule_free(m, k);
	}
	before.round = 1;
	/* after the removed session's time: no CANCEL any more */
	keys = due_keys(&before, 1, &removed, 1,
			fixture_utc(2021, 6, 24, 11, 30, 0));
	key_eq(keys, "");
	free(keys);
}

/* A CANCEL sent: no second one; the session back in the programme: a
   REQUEST anew.  A session declined: no reminder of it, the others as
   ever. */
static void
test_cancelled_and_declined(void **state)
{
	struct schedule_item gone = {4, 2, fixture_utc(2021, 4, 23, 8, 0, 0),
				     true, fixture_utc(2021, 6, 24, 11, 30, 0)};
	struct schedule_item back = {4, 3, fixture_utc(2021, 5, 1, 8, 0, 0),
				     false,
				     fixture_utc(2021, 6, 24, 11, 30, 0)};
	const struct schedule_sent cancelled[1] = {{4, 2, true, true, false}};
	const struct schedule_sent declined[2] = {{1, 0, true, false, true},
						  {2, 0, true, false, false}};
	struct schedule_contact c =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 3, 15, 9, 0, 0));
	char *keys;

	(void)state;
	c.sent = cancelled;
	c.n_sent = 1;
	/* (the overview it got after the change, and no reminder from
	   before it came) */
	c.since = fixture_utc(2021, 4, 23, 9, 0, 0);
	keys = due_keys(&c, 1, &gone, 1, fixture_utc(2021, 4, 23, 9, 30, 0));
	assert_string_equal(keys, "");
	free(keys);
	c.since = fixture_utc(2021, 5, 1, 8, 30, 0);
	keys = due_keys(&c, 1, &back, 1, fixture_utc(2021, 5, 1, 9, 0, 0));
	key_eq(keys, "invitation:GM0344:j.jansen@utrecht.nl:4:3");
	free(keys);
	c.since = fixture_utc(2021, 3, 15, 9, 0, 0);
	/* declined session 1: its reminders are never due, nor planned */
	c.sent = declined;
	c.n_sent = 2;
	expect_due(&c, fixture_utc(2021, 4, 6, 11, 30, 0), "");
	expect_due(&c, fixture_utc(2021, 4, 22, 11, 30, 0), K "session-2:7d");
	{
		struct schedule_mail *m;
		size_t k, i;

		schedule_plan(prog, &c, 1, fixture_utc(2021, 3, 15, 9, 0, 0),
			      &m, &k);
		for (i = 0; i < k; i++)
			assert_int_not_equal(m[i].number, 1);
		assert_int_equal(k, 10); /* 4 sessions and the deadline */
		schedule_free(m, k);
	}
}

/* Invitations at enrolment only for sessions still to come; a reminder
   as composed: Dutch subject, Auto-Submitted, Date at its moment. */
static void
test_mails(void **state)
{
	static const char raw[] = "From: J. Jansen <j.jansen@utrecht.nl>\r\n"
				  "Subject: Deelname praktijkproef GG & lokale "
				  "inclusie\r\n"
				  "Message-ID: <e1@utrecht.nl>\r\n\r\nbody\r\n";
	struct schedule_contact c =
		contact(SCHEDULE_CONFIRMED, fixture_utc(2021, 3, 15, 9, 0, 0));
	struct rules *r;
	struct config *cfg;
	struct message *m;
	const struct invite_for first = {"GM0344", 1, NULL, 0};
	struct schedule_item moved = {3, 1, fixture_utc(2021, 4, 23, 8, 0, 0),
				      false, fixture_utc(2021, 6, 3, 8, 0, 0)};
	const struct invite_for again = {"GM0344", 2, &moved, 1};
	struct outmail_list inv;
	struct outmail a;
	struct letter l;
	struct buf errors;
	char *err = NULL;
	size_t i;

	(void)state;
	outmail_list_init(&inv);
	buf_init(&errors, 65536);
	r = rules_load(TOP_SRCDIR "/rules", &errors);
	cfg = config_load(NULL, &errors);
	assert_non_null(r);
	assert_non_null(cfg);
	config_derive(cfg, r->programme->address);
	m = message_parse(raw, strlen(raw));
	assert_int_equal(invite_build(m, &first, r, cfg,
				      fixture_utc(2021, 4, 1, 8, 0, 0), &inv,
				      &err),
			 0);
	assert_int_equal(inv.n, 5);
	outmail_list_deinit(&inv);
	/* 20 April: session 1 (13 April) is past */
	assert_int_equal(invite_build(m, &first, r, cfg,
				      fixture_utc(2021, 4, 20, 8, 0, 0), &inv,
				      &err),
			 0);
	assert_int_equal(inv.n, 4);
	for (i = 0; i < inv.n; i++)
		assert_null(strstr(inv.mails[i].key, ":1"));
	key_eq(inv.mails[0].key, "invitation:GM0344:j.jansen@utrecht.nl:2");
	assert_int_equal(sequence_of(inv.mails[0].raw), 0);
	/* the calendar inline for calendars, and once more as invite.ics
	   for mail programs that only import an attachment */
	assert_non_null(strstr(inv.mails[0].raw,
			       "Content-Type: text/calendar; charset=UTF-8; "
			       "method=REQUEST"));
	assert_non_null(strstr(inv.mails[0].raw,
			       "Content-Disposition: attachment; "
			       "filename=\"invite.ics\""));
	/* the session it holds, for the store to note per contact */
	assert_string_equal(inv.mails[0].session.code, "GM0344");
	assert_int_equal(inv.mails[0].session.number, 2);
	assert_false(inv.mails[0].session.cancel);
	outmail_list_deinit(&inv);
	/* enrolled again after a withdrawal: keys of round 2, and each
	   SEQUENCE two above the stored one, later than the CANCEL (+1) */
	assert_int_equal(invite_build(m, &again, r, cfg,
				      fixture_utc(2021, 4, 28, 8, 0, 0), &inv,
				      &err),
			 0);
	assert_int_equal(inv.n, 4);
	key_eq(inv.mails[0].key, "invitation:GM0344:j.jansen@utrecht.nl:2:r2");
	assert_int_equal(sequence_of(inv.mails[0].raw), 2);
	key_eq(inv.mails[1].key, "invitation:GM0344:j.jansen@utrecht.nl:3:r2");
	assert_int_equal(sequence_of(inv.mails[1].raw), 3);
	outmail_list_deinit(&inv);

	memset(&l, 0, sizeof(l));
	l.kind = TEMPLATE_REMINDER_SESSION;
	l.to = &c;
	l.item = &r->programme->sessions[0];
	l.key = K "session-1:7d";
	l.date = fixture_utc(2021, 4, 6, 11, 30, 0);
	assert_int_equal(letter_build(&l, r, cfg, &a, &err), 0);
	assert_string_equal(a.kind, "reminder-session");
	assert_string_equal(a.rcpt, "J.Jansen@Utrecht.nl");
	assert_non_null(
		strstr(a.raw, "\r\nAuto-Submitted: auto-generated\r\n"));
	/* the first header */
	assert_non_null(
		strstr(a.raw, "Date: Tue, 06 Apr 2021 13:30:00 +0200\r\n"));
	assert_ptr_equal(strstr(a.raw, "Date: "), a.raw);
	assert_non_null(strstr(a.raw, "\r\nSubject: Herinnering: Sessie 1"));
	outmail_deinit(&a);
	/* an address that cannot go into a header: an error, no mail */
	c.addr = "a@b.nl\r\nBcc: x@y.nl";
	assert_int_equal(letter_build(&l, r, cfg, &a, &err), -1);
	assert_non_null(err);
	free(err);
	message_free(m);
	config_free(cfg);
	rules_free(r);
	buf_deinit(&errors);
}

/* The moments a pass must not sleep through: the first after a time,
   across items, and none after the last. */
static void
test_next_moment(void **state)
{
	time_t first = fixture_local(2021, 4, 6, 13, 30);

	(void)state;
	assert_int_equal(schedule_next_moment(prog, 0), first);
	assert_int_equal(schedule_next_moment(prog, first - 1), first);
	/* the moment itself is due at it: the next one is the 1d */
	assert_int_equal(schedule_next_moment(prog, first),
			 fixture_local(2021, 4, 12, 13, 30));
	/* after session 4's last: the deadline's 14d at 09:00 */
	assert_int_equal(
		schedule_next_moment(prog, fixture_local(2021, 6, 23, 13, 30)),
		fixture_local(2021, 8, 1, 9, 0));
	/* session 5's 1d is the last */
	assert_int_equal(
		schedule_next_moment(prog, fixture_local(2021, 9, 15, 13, 29)),
		fixture_local(2021, 9, 15, 13, 30));
	assert_int_equal(
		schedule_next_moment(prog, fixture_local(2021, 9, 15, 13, 30)),
		0);
}

/* What the schedule reads changes the hash; a copy hashes the same. */
static void
test_programme_hash(void **state)
{
	struct programme *p = fixture_programme();
	uint64_t h = schedule_programme_hash(prog);
	char *title;

	(void)state;
	assert_true(schedule_programme_hash(p) == h);
	p->sessions[2].start += 3600;
	assert_true(schedule_programme_hash(p) != h);
	p->sessions[2].start -= 3600;
	p->session_reminders[1].unit = 'h';
	assert_true(schedule_programme_hash(p) != h);
	p->session_reminders[1].unit = 'd';
	assert_true(schedule_programme_hash(p) == h);
	title = p->sessions[0].link;
	p->sessions[0].link = NULL;
	assert_true(schedule_programme_hash(p) != h);
	p->sessions[0].link = title;
	p->n_sessions--;
	assert_true(schedule_programme_hash(p) != h);
	p->n_sessions++;
	assert_true(schedule_programme_hash(p) == h);
	programme_free(p);
}

/* A key names nobody: the address becomes a token, the same for any
   case of it, and an old key scrubbed is the key built now. */
static void
test_key_token(void **state)
{
	char *a = schedule_key("invitation", "GM0344", "J.Jansen@Utrecht.nl", 2,
			       "3"),
	     *b = schedule_key("invitation", "GM0344", "j.jansen@utrecht.nl", 2,
			       "3"),
	     *old = addrhash_key_scrub(
		     "invitation:GM0344:j.jansen@utrecht.nl:3:r2"),
	     *none = addrhash_key_scrub("summary:2021-04-01");

	(void)state;
	assert_string_equal(a, b);
	assert_string_equal(a, old);
	assert_null(strstr(a, "@"));
	assert_null(strstr(a, "jansen"));
	assert_int_equal(strlen(a), strlen("invitation:GM0344::3:r2") +
					    ADDRHASH_TOKEN_LEN);
	assert_string_equal(none, "summary:2021-04-01");
	free(a);
	free(b);
	free(old);
	free(none);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_token),
		cmocka_unit_test(test_dst),
		cmocka_unit_test(test_enrol_late),
		cmocka_unit_test(test_withdrawn),
		cmocka_unit_test(test_delivered),
		cmocka_unit_test(test_idempotent_keys),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_cancelled_and_declined),
		cmocka_unit_test(test_mails),
		cmocka_unit_test(test_next_moment),
		cmocka_unit_test(test_programme_hash),
	};
	struct buf errors;
	int rc;

	buf_init(&errors, 65536);
	prog = programme_load(TOP_SRCDIR "/rules/programme.conf", &errors);
	if (prog == NULL) {
		fputs(buf_str(&errors), stderr);
		return 1;
	}
	buf_deinit(&errors);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	programme_free(prog);
	return rc;
}
