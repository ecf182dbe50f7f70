/*
 * Unit tests for the answers to our invitations: the four real-shaped
 * samples (Outlook accept and decline, Gmail accept and tentative) found
 * in their MIME structure and read with libical, the programme item their
 * UID names, calendars that are malformed, have no METHOD or another
 * one, the limits (size, UID, address) at limit-1, limit and limit+1,
 * the SEQUENCE as read, and the verdict the classifier gives each
 * (attendance, never answered, never a review).
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

#include "buf.h"
#include "calendar.h"
#include "classify.h"
#include "fixture.h"
#include "itip_reply.h"
#include "message.h"
#include "programme.h"
#include "programme_item.h"
#include "reason.h"
#include "rules.h"
#include "util.h"

#define SAMPLES TOP_SRCDIR "/tests/data/attendance/"
#define UID1 "aanmeld-f428d9aed722100e8efe65c3a8f32c5c-session-1@vng.nl"

static struct rules *rules;

static int
setup(void **state)
{
	rules = fixture_rules();
	return rules == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	rules_free(rules);
	return 0;
}

static struct message *
load(const char *name)
{
	char *path = xasprintf("%s%s", SAMPLES, name), *data;
	struct message *m;
	const char *err;
	size_t len;

	data = util_read_file(path, MESSAGE_SIZE_MAX, &len, &err);
	if (data == NULL)
		fail_msg("%s: %s", path, err);
	m = message_parse(data, len);
	free(data);
	free(path);
	return m;
}

static const struct sample {
	const char *file;
	const char *attendee;
	enum itip_partstat partstat;
	unsigned item;
	int y, mo, d, h, mi, s; /* DTSTAMP */
	const char *reason;
} samples[] = {
	{"outlook-accept-nl.eml", "a.meijer@utrecht.nl", ITIP_ACCEPTED, 1, 2021,
	 4, 1, 8, 15, 12, "attendance: accepted session 1"},
	{"outlook-decline-en.eml", "a.meijer@utrecht.nl", ITIP_DECLINED, 2,
	 2021, 4, 1, 8, 29, 40, "attendance: declined session 2"},
	{"gmail-accept-en.eml", "k.bakker@zwolle.nl", ITIP_ACCEPTED, 3, 2021, 4,
	 1, 9, 41, 27, "attendance: accepted session 3"},
	{"gmail-tentative-nl.eml", "k.bakker@zwolle.nl", ITIP_TENTATIVE, 4,
	 2021, 4, 1, 9, 58, 3, "attendance: tentative session 4"},
};

static void
test_samples(void **state)
{
	size_t i;

	for (i = 0; i < nitems(samples); i++) {
		const struct sample *s = &samples[i];
		struct message *m = load(s->file);
		struct itip_reply r;
		const char *err = NULL;

		print_message("%s\n", s->file);
		assert_null(m->problem);
		assert_true(m->calendar_reply);
		assert_non_null(m->calendar);
		assert_int_equal(itip_reply_parse(m->calendar,
						  strlen(m->calendar), &r,
						  &err),
				 1);
		assert_string_equal(r.attendee, s->attendee);
		assert_int_equal(r.partstat, s->partstat);
		assert_int_equal(r.sequence, 0);
		assert_int_equal(r.dtstamp, fixture_utc(s->y, s->mo, s->d, s->h,
							s->mi, s->s));
		assert_int_equal(programme_item_by_uid(rules->programme, r.uid,
						       "vng.nl"),
				 s->item);
		/* the body staff read is the text part, not the calendar */
		assert_null(strstr(m->body, "BEGIN:VCALENDAR"));
		itip_reply_deinit(&r);
		message_free(m);
	}
}

static void
test_classify_samples(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	struct classify_state st = {0};
	size_t i;

	for (i = 0; i < nitems(samples); i++) {
		struct message *m = load(samples[i].file);
		struct classification c;

		classify(m, rules, &set, &st, fixture_utc(2021, 4, 2, 8, 0, 0),
			 &c);
		print_message("%s: %s (%s)\n", samples[i].file,
			      verdict_name(c.verdict), c.reasons);
		assert_int_equal(c.verdict, VERDICT_ATTENDANCE);
		assert_false(c.answer);
		assert_non_null(strstr(c.reasons, samples[i].reason));
		assert_int_equal(c.item, samples[i].item);
		assert_string_equal(c.reply.attendee, samples[i].attendee);
		classification_deinit(&c);
		message_free(m);
	}
}

/* A reply whose sender fails DMARC is not used, and still no review. */
static void
test_classify_forged(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	struct classify_state st = {0};
	struct message *m = load("outlook-accept-nl.eml");
	struct classification c;
	char *p;

	/* the trusted header says fail instead of pass */
	p = strstr(m->authres[0], "dmarc=pass");
	assert_non_null(p);
	memcpy(p, "dmarc=fail", 10);
	classify(m, rules, &set, &st, fixture_utc(2021, 4, 2, 8, 0, 0), &c);
	assert_int_equal(c.verdict, VERDICT_IGNORE);
	assert_false(c.answer);
	assert_non_null(strstr(c.reasons, "attendance not recorded"));
	classification_deinit(&c);
	message_free(m);
}

/* A calendar of the given body lines, CRLF. */
static char *
cal(const char *method, const char *event)
{
	return xasprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//"
			 "EN\r\n%s%sBEGIN:VEVENT\r\n%sEND:VEVENT\r\n"
			 "END:VCALENDAR\r\n",
			 method != NULL ? method : "",
			 method != NULL ? "\r\n" : "", event);
}

#define EVENT_OK                                                               \
	"UID:" UID1 "\r\nDTSTAMP:20210401T100000Z\r\nSEQUENCE:2\r\n"           \
	"ATTENDEE;PARTSTAT=DECLINED:MAILTO:Jan@Ede.NL\r\n"

static const struct bad {
	const char *method;
	const char *event;
	int rc;
	const char *error;
} bad[] = {
	{"METHOD:REPLY", EVENT_OK, 1, NULL},
	{NULL, EVENT_OK, 0, "calendar without METHOD"},
	{"METHOD:REQUEST", EVENT_OK, 0, "calendar METHOD is not REPLY"},
	{"METHOD:COUNTER", EVENT_OK, 0, "calendar METHOD is COUNTER"},
	{"METHOD:REPLY",
	 "DTSTAMP:20210401T100000Z\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.nl"
	 "\r\n",
	 -1, "VEVENT without UID"},
	{"METHOD:REPLY", "UID:x\r\n", -1, "no ATTENDEE"},
	{"METHOD:REPLY",
	 "UID:x\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.nl\r\n"
	 "ATTENDEE;PARTSTAT=DECLINED:mailto:c@d.nl\r\n",
	 -1, "more than one ATTENDEE"},
	{"METHOD:REPLY", "UID:x\r\nATTENDEE:mailto:a@b.nl\r\n", -1,
	 "ATTENDEE without PARTSTAT"},
	{"METHOD:REPLY", "UID:x\r\nATTENDEE;PARTSTAT=ACCEPTED:a@b.nl\r\n", -1,
	 "ATTENDEE is no mailto: address"},
	{"METHOD:REPLY",
	 "UID:x\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b@c.nl\r\n", -1,
	 "ATTENDEE is no mailto: address"},
	{"METHOD:REPLY",
	 "UID:x\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:<a@b.nl>\r\n", -1,
	 "ATTENDEE is no mailto: address"},
};

static void
test_calendars(void **state)
{
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		char *text = cal(bad[i].method, bad[i].event);
		struct itip_reply r;
		const char *err = NULL;
		int rc = itip_reply_parse(text, strlen(text), &r, &err);

		print_message("row %zu: %d %s\n", i, rc, err ? err : "");
		assert_int_equal(rc, bad[i].rc);
		if (bad[i].error != NULL)
			assert_string_equal(err, bad[i].error);
		if (rc == 1) {
			assert_string_equal(r.attendee, "jan@ede.nl");
			assert_int_equal(r.partstat, ITIP_DECLINED);
			assert_int_equal(r.sequence, 2);
			assert_int_equal(r.dtstamp,
					 fixture_utc(2021, 4, 1, 10, 0, 0));
		} else {
			assert_null(r.uid);
			assert_null(r.attendee);
		}
		itip_reply_deinit(&r);
		free(text);
	}
}

/* SEQUENCE as the attendance check compares it with the one we sent. */
static void
test_sequence(void **state)
{
	static const struct {
		const char *line; /* the SEQUENCE line, or "" */
		unsigned sequence;
	} rows[] = {
		{"", 0},
		{"SEQUENCE:0\r\n", 0},
		{"SEQUENCE:1\r\n", 1},
		{"SEQUENCE:7\r\n", 7},
		{"sequence:3\r\n", 3},
		{"SEQUENCE:-5\r\n", 0},
		{"SEQUENCE:2147483647\r\n", 2147483647u},
		{"SEQUENCE:abc\r\n", 0},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		char *ev = xasprintf("UID:" UID1 "\r\n%sATTENDEE;PARTSTAT="
				     "ACCEPTED:mailto:a@utrecht.nl\r\n",
				     rows[i].line);
		char *text = cal("METHOD:REPLY", ev);
		struct itip_reply r;
		const char *err = NULL;

		assert_int_equal(itip_reply_parse(text, strlen(text), &r, &err),
				 1);
		print_message("row %zu: %u\n", i, r.sequence);
		assert_int_equal(r.sequence, rows[i].sequence);
		itip_reply_deinit(&r);
		free(text);
		free(ev);
	}
}

static void
test_not_a_calendar(void **state)
{
	static const char *const junk[] = {
		"",
		"hello",
		"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n",
		"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
		"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n",
		"\xff\xfe\x00garbage",
	};
	size_t i;

	for (i = 0; i < nitems(junk); i++) {
		struct itip_reply r;
		const char *err = NULL;
		size_t len = i == nitems(junk) - 1 ? 10 : strlen(junk[i]);

		assert_int_equal(itip_reply_parse(junk[i], len, &r, &err), -1);
		assert_non_null(err);
		print_message("junk %zu: %s\n", i, err);
		itip_reply_deinit(&r);
	}
}

/* ITIP_REPLY_SIZE_MAX: a valid reply padded with a long COMMENT. */
static char *
padded(size_t size)
{
	const char *head = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
			   "UID:" UID1 "\r\n"
			   "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@utrecht.nl\r\n"
			   "COMMENT:";
	const char *tail = "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	size_t fixed = strlen(head) + strlen(tail), i, at;
	char *s = xmalloc(size + 1);

	assert_true(size > fixed + 10);
	memcpy(s, head, strlen(head));
	at = strlen(head);
	/* folded lines of 74 octets, so the text stays valid iCalendar */
	for (i = 0; at < size - strlen(tail); i++) {
		if (i > 0 && i % 72 == 0 && at + 3 < size - strlen(tail)) {
			memcpy(s + at, "\r\n ", 3);
			at += 3;
		} else
			s[at++] = 'x';
	}
	memcpy(s + at, tail, strlen(tail));
	s[size] = '\0';
	return s;
}

static void
test_size_limit(void **state)
{
	size_t sizes[] = {ITIP_REPLY_SIZE_MAX - 1, ITIP_REPLY_SIZE_MAX,
			  ITIP_REPLY_SIZE_MAX + 1};
	int want[] = {1, 1, -1};
	size_t i;

	for (i = 0; i < nitems(sizes); i++) {
		char *s = padded(sizes[i]);
		struct itip_reply r;
		const char *err = NULL;

		assert_int_equal(strlen(s), sizes[i]);
		assert_int_equal(itip_reply_parse(s, sizes[i], &r, &err),
				 want[i]);
		if (want[i] == -1)
			assert_string_equal(err, "calendar too large");
		itip_reply_deinit(&r);
		free(s);
	}
}

/* A reply with a UID of uid_len and an attendee address of addr_len
   octets. */
static int
parse_sized(size_t uid_len, size_t addr_len, const char **err)
{
	char *uid = xmalloc(uid_len + 1), *local, *text;
	const char *domain = "@utrecht.nl";
	struct itip_reply r;
	int rc;

	memset(uid, 'u', uid_len);
	uid[uid_len] = '\0';
	assert_true(addr_len > strlen(domain));
	local = xmalloc(addr_len - strlen(domain) + 1);
	memset(local, 'a', addr_len - strlen(domain));
	local[addr_len - strlen(domain)] = '\0';
	/* libical folds nothing on input: long lines are fine unfolded */
	text = xasprintf("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
			 "UID:%s\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:%s%s\r\n"
			 "END:VEVENT\r\nEND:VCALENDAR\r\n",
			 uid, local, domain);
	rc = itip_reply_parse(text, strlen(text), &r, err);
	if (rc == 1) {
		assert_int_equal(strlen(r.uid), uid_len);
		assert_int_equal(strlen(r.attendee), addr_len);
	}
	itip_reply_deinit(&r);
	free(text);
	free(local);
	free(uid);
	return rc;
}

static void
test_field_limits(void **state)
{
	const char *err = NULL;

	assert_int_equal(parse_sized(ITIP_REPLY_UID_MAX - 1, 20, &err), 1);
	assert_int_equal(parse_sized(ITIP_REPLY_UID_MAX, 20, &err), 1);
	assert_int_equal(parse_sized(ITIP_REPLY_UID_MAX + 1, 20, &err), -1);
	assert_string_equal(err, "UID too long");
	assert_int_equal(parse_sized(10, ITIP_REPLY_ADDR_MAX - 1, &err), 1);
	assert_int_equal(parse_sized(10, ITIP_REPLY_ADDR_MAX, &err), 1);
	assert_int_equal(parse_sized(10, ITIP_REPLY_ADDR_MAX + 1, &err), -1);
	assert_string_equal(err, "ATTENDEE is no mailto: address");
}

static void
test_items(void **state)
{
	const struct programme *p = rules->programme;
	unsigned n;

	for (n = 1; n <= p->n_sessions; n++) {
		char *uid = programme_item_uid(p, n, "vng.nl");

		assert_int_equal(programme_item_by_uid(p, uid, "vng.nl"), n);
		/* some clients upper-case what they echo */
		util_lowercase(uid);
		for (char *c = uid; *c != '\0'; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		assert_int_equal(programme_item_by_uid(p, uid, "vng.nl"), n);
		/* our UIDs for another domain are not this programme's */
		assert_int_equal(programme_item_by_uid(p, uid, "example.org"),
				 0);
		free(uid);
	}
	{
		char *d = programme_item_uid(p, PROGRAMME_DEADLINE, NULL);
		char *c = programme_item_uid(p, PROGRAMME_CONGRESS, NULL);

		assert_int_equal(programme_item_by_uid(p, d, NULL),
				 PROGRAMME_DEADLINE);
		assert_int_equal(programme_item_by_uid(p, c, NULL),
				 PROGRAMME_CONGRESS);
		free(d);
		free(c);
	}
	/* a wrong UID: the Outlook sample of the corpus, and near misses */
	assert_int_equal(
		programme_item_by_uid(p,
				      "aanmeld.session-1.praktijkproef-gg@"
				      "vng.nl",
				      "vng.nl"),
		0);
	assert_int_equal(programme_item_by_uid(p, UID1 "x", "vng.nl"), 0);
	assert_int_equal(programme_item_by_uid(
				 p,
				 "aanmeld-f428d9aed722100e8efe65c3a8f32c5c-"
				 "session-99@vng.nl",
				 "vng.nl"),
			 0);
	assert_int_equal(programme_item_by_uid(p, "", "vng.nl"), 0);
}

/* A reply the classifier cannot use is ignored with the reason, never
   answered and never a review. */
static void
test_classify_unusable(void **state)
{
	static const struct {
		const char *ics;
		const char *reason;
	} rows[] = {
		{"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:"
		 "other@example.org\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:"
		 "a@utrecht.nl\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		 "not in the programme (UID other@example.org)"},
		{"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:" UID1
		 "\r\nATTENDEE;PARTSTAT=DELEGATED:mailto:a@utrecht.nl\r\n"
		 "END:VEVENT\r\nEND:VCALENDAR\r\n",
		 "PARTSTAT=DELEGATED"},
		{"garbage\r\n", "unreadable (no calendar object)"},
		{"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"
		 "END:VCALENDAR\r\n",
		 "no answer to record (calendar without METHOD)"},
		{"BEGIN:VCALENDAR\r\nMETHOD:DECLINECOUNTER\r\nBEGIN:"
		 "VEVENT\r\nUID:" UID1
		 "\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@utrecht.nl\r\n"
		 "END:VEVENT\r\nEND:VCALENDAR\r\n",
		 "no answer to record (calendar METHOD is not REPLY)"},
	};
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	struct classify_state st = {0};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		struct classification c;
		struct message *m;
		char *raw;

		raw = xasprintf(
			"From: a@utrecht.nl\r\nSubject: Accepted: x\r\n"
			"MIME-Version: 1.0\r\nContent-Type: text/calendar; "
			"method=REPLY; charset=UTF-8\r\n\r\n%s",
			rows[i].ics);
		m = message_parse(raw, strlen(raw));
		classify(m, rules, &set, &st, fixture_utc(2021, 4, 2, 8, 0, 0),
			 &c);
		print_message("row %zu: %s (%s)\n", i, verdict_name(c.verdict),
			      c.reasons);
		assert_int_equal(c.verdict, VERDICT_IGNORE);
		assert_false(c.answer);
		assert_non_null(strstr(c.reasons, rows[i].reason));
		assert_non_null(strstr(c.reasons, "calendar reply"));
		classification_deinit(&c);
		message_free(m);
		free(raw);
	}
}

/* A COUNTER (another time proposed) is for a person to answer: review,
   with the Dutch reason staff read. */
static void
test_classify_counter(void **state)
{
	static const char raw[] =
		"From: a@utrecht.nl\r\nSubject: Nieuwe tijd voorgesteld: x\r\n"
		"MIME-Version: 1.0\r\nContent-Type: text/calendar; "
		"method=COUNTER; charset=UTF-8\r\n\r\n"
		"BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VEVENT\r\nUID:" UID1
		"\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@utrecht.nl\r\n"
		"DTSTART:20210413T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	struct classify_state st = {0};
	struct classification c;
	struct message *m;
	char *dutch;

	(void)state;
	m = message_parse(raw, strlen(raw));
	classify(m, rules, &set, &st, fixture_utc(2021, 4, 2, 8, 0, 0), &c);
	assert_int_equal(c.verdict, VERDICT_REVIEW);
	assert_non_null(strstr(c.reasons, "proposes another time (COUNTER)"));
	dutch = reason_list_dutch(&c.codes);
	assert_non_null(strstr(dutch, "a@utrecht.nl stelt een ander tijdstip "
				      "voor een bijeenkomst voor"));
	free(dutch);
	classification_deinit(&c);
	message_free(m);
}

/* An enrolment with a calendar of its own attached (a REQUEST) is judged
   as any enrolment. */
static void
test_enrolment_with_ics(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	struct classify_state st = {0};
	struct classification c;
	struct message *m;
	const char *raw =
		"Authentication-Results: mx.vng.nl; spf=pass "
		"smtp.mailfrom=utrecht.nl; dkim=pass header.d=utrecht.nl; "
		"dmarc=pass header.from=utrecht.nl\r\n"
		"From: a@utrecht.nl\r\nSubject: Deelname praktijkproef GG & "
		"lokale inclusie\r\nMIME-Version: 1.0\r\nContent-Type: "
		"multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: "
		"text/plain\r\n\r\nGraag.\r\n--b\r\nContent-Type: "
		"text/calendar;"
		" method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n"
		"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		"--b--\r\n";

	m = message_parse(raw, strlen(raw));
	classify(m, rules, &set, &st, fixture_utc(2021, 4, 1, 8, 0, 0), &c);
	assert_int_equal(c.verdict, VERDICT_ENROL);
	assert_true(c.answer);
	classification_deinit(&c);
	message_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_classify_samples),
		cmocka_unit_test(test_classify_forged),
		cmocka_unit_test(test_calendars),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_not_a_calendar),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_field_limits),
		cmocka_unit_test(test_items),
		cmocka_unit_test(test_classify_unusable),
		cmocka_unit_test(test_classify_counter),
		cmocka_unit_test(test_enrolment_with_ics),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
