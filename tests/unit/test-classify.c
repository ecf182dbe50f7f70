/*
 * Unit tests for the classifier on the project's rules: the settings and
 * state the corpus does not vary (trusting Microsoft 365's unlabelled
 * Authentication-Results, the enrolment window and capacity) and which
 * verdicts are answered.
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
#include "classify.h"
#include "fixture.h"
#include "gemeenten.h"
#include "message.h"
#include "reason.h"
#include "rules.h"
#include "staff.h"
#include "util.h"

#define SUBJECT "Deelname praktijkproef GG & lokale inclusie"
#define M365_FAIL                                                              \
	"Authentication-Results: spf=fail (sender IP is 192.0.2.1) "           \
	"smtp.mailfrom=utrecht.nl; utrecht.nl; dkim=none; dmarc=fail "         \
	"action=quarantine header.from=utrecht.nl;compauth=fail "              \
	"reason=000\r\n"

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

/* The reasons of c as staff read them: from the codes as stored. */
static char *
dutch(const struct classification *c)
{
	char *codes = reason_list_encode(&c->codes), *nl;

	nl = staff_reason_text(c->reasons, codes);
	free(codes);
	return nl;
}

/* Staff read no English reason text: no literal piece of 10 bytes or
   more of any code's English text is in nl. */
static void
assert_no_english(const char *nl)
{
	for (size_t i = 0; i < REASON_COUNT; i++) {
		const char *p = reason_english_text((enum reason_code)i), *q;

		for (; *p != '\0'; p = *q != '\0' ? q + 2 : q) {
			char piece[256];
			size_t n;

			q = strstr(p, "%");
			if (q == NULL)
				q = p + strlen(p);
			n = (size_t)(q - p);
			if (n < 10 || n >= sizeof(piece))
				continue;
			memcpy(piece, p, n);
			piece[n] = '\0';
			if (strstr(nl, piece) != NULL)
				fail_msg("English in \"%s\": \"%s\"", nl,
					 piece);
		}
	}
}

/* c's reasons, rendered for staff, are all Dutch; the English stays
   the text of the codes. */
static void
check_texts(const struct classification *c)
{
	char *english = reason_list_english(&c->codes), *nl;

	assert_string_equal(c->reasons, english);
	free(english);
	if (c->verdict != VERDICT_REVIEW)
		return;
	nl = dutch(c);
	assert_no_english(nl);
	free(nl);
}

/* Classifies a mail with these headers before its From line, this From
   and Subject and the Message-ID <TAGn@example.org> at now into *c, and
   prints the verdict with row n.  The caller frees the message. */
static struct message *
classify_mail(const struct classify_settings *set,
	      const struct classify_state *st, const char *headers,
	      const char *from, const char *subject, const char *tag, size_t n,
	      const char *now, struct classification *c)
{
	struct message *m;
	char *raw;

	raw = xasprintf("%sFrom: Someone <%s>\r\nSubject: %s\r\n"
			"Message-ID: <%s%zu@example.org>\r\n\r\nbody\r\n",
			headers, from, subject, tag, n);
	m = message_parse(raw, strlen(raw));
	free(raw);
	classify(m, rules, set, st, fixture_at(now), c);
	print_message("%s row %zu: %s %s %d (%s)\n", tag, n,
		      verdict_name(c->verdict),
		      c->gemeente != NULL ? c->gemeente->code : "-", c->answer,
		      c->reasons);
	return m;
}

/* c has this verdict, municipality ("-" for none), answer and a reason
   holding the text reason, and its texts are as staff read them. */
static void
check_verdict(const struct classification *c, const char *verdict,
	      const char *code, bool answer, const char *reason)
{
	assert_string_equal(verdict_name(c->verdict), verdict);
	assert_string_equal(c->gemeente != NULL ? c->gemeente->code : "-",
			    code);
	assert_int_equal(c->answer, answer);
	assert_non_null(strstr(c->reasons, reason));
	check_texts(c);
}

struct row {
	const char *headers; /* before the From line */
	const char *from;
	const char *subject;
	bool trust_m365;
	const char *now;
	size_t confirmed;     /* places taken */
	const char *enrolled; /* one code already enrolled, or NULL */
	const char *verdict;
	const char *code; /* "-" for none */
	bool answer;
	const char *reason; /* a substring of the reasons */
};

static const struct row rows[] = {
	/* Microsoft 365 writes no authserv-id: believed only when told */
	{M365_FAIL, "a@utrecht.nl", SUBJECT, true, "2021-04-01 10:00", 0, NULL,
	 "review", "GM0344", false, "dmarc=fail"},
	{M365_FAIL, "a@utrecht.nl", SUBJECT, false, "2021-04-01 10:00", 0, NULL,
	 "enrol", "GM0344", true, "no trusted Authentication-Results"},
	/* the enrolment window and the capacity */
	{"", "a@utrecht.nl", SUBJECT, false, "2021-02-28 23:59", 0, NULL,
	 "review", "GM0344", true, "enrolment opens on"},
	{"", "a@utrecht.nl", SUBJECT, false, "2021-03-01 00:00", 0, NULL,
	 "enrol", "GM0344", true, "place 1 of 5"},
	{"", "a@utrecht.nl", SUBJECT, false, "2021-04-12 23:59", 4, NULL,
	 "enrol", "GM0344", true, "place 5 of 5"},
	{"", "a@utrecht.nl", SUBJECT, false, "2021-04-12 23:59", 5, NULL,
	 "waitlist", "GM0344", true, "capacity 5 reached"},
	{"", "a@utrecht.nl", SUBJECT, false, "2021-04-13 00:00", 0, NULL,
	 "closed", "GM0344", true, "enrolment closed"},
	/* already enrolled wins over closed and full */
	{"", "b@utrecht.nl", SUBJECT, false, "2021-05-01 10:00", 5, "GM0344",
	 "duplicate", "GM0344", true, "already enrolled"},
	/* a reply to our own mail is never answered (no loop) */
	{"In-Reply-To: <aanmeld.0123456789abcdef@vng.nl>\r\n", "a@utrecht.nl",
	 "Re: " SUBJECT, false, "2021-04-01 10:00", 0, NULL, "review", "-",
	 false, "reply to one of our own mails"},
	/* our own address, and machines */
	{"", "GlobalGoals@VNG.nl", SUBJECT, false, "2021-04-01 10:00", 0, NULL,
	 "ignore", "-", false, "our own address"},
	{"", "noreply@utrecht.nl", SUBJECT, false, "2021-04-01 10:00", 0, NULL,
	 "ignore", "-", false, "a machine address"},
	{"Auto-Submitted: no\r\n", "a@utrecht.nl", SUBJECT, false,
	 "2021-04-01 10:00", 0, NULL, "enrol", "GM0344", true, "place 1"},
	/* a near miss from a municipality: a person decides, answered */
	{"", "a@utrecht.nl", "Vraag over de praktijkproef", false,
	 "2021-04-01 10:00", 0, NULL, "review", "GM0344", true,
	 "subject matches review rule"},
	/* withdrawal: only from the municipality that is enrolled */
	{"", "a@utrecht.nl", "Afmelding praktijkproef GG & lokale inclusie",
	 false, "2021-04-01 10:00", 0, "GM0344", "withdraw", "GM0344", false,
	 "withdrawal of Utrecht"},
	{"", "a@utrecht.nl", "Afmelding praktijkproef GG & lokale inclusie",
	 false, "2021-04-01 10:00", 0, "GM0363", "review", "GM0344", true,
	 "Utrecht is not enrolled"},
	{"", "a@gmail.com", "Afmelding praktijkproef GG & lokale inclusie",
	 false, "2021-04-01 10:00", 0, "GM0344", "review", "-", true,
	 "withdrawal request not from a known municipality"},
	/* a merge takes effect on its date: the day before, Weesp is
	   itself (and enrolment is closed by then); from it, Amsterdam */
	{"", "a@weesp.nl", SUBJECT, false, "2022-03-23 23:59", 0, "GM0363",
	 "closed", "GM0457", true, "enrolment closed"},
	{"", "a@weesp.nl", SUBJECT, false, "2022-03-24 00:00", 0, "GM0363",
	 "duplicate", "GM0363", true, "merged into GM0363"},
	/* and a planned one the same (gemeenten.tsv: Wijdemeren into
	   Hilversum on 1 January 2027) */
	{"", "a@wijdemeren.nl", SUBJECT, false, "2026-12-31 23:59", 0, "GM0402",
	 "closed", "GM1696", true, "municipality GM1696 Wijdemeren"},
	{"", "a@wijdemeren.nl", SUBJECT, false, "2027-01-01 00:00", 0, "GM0402",
	 "duplicate", "GM0402", true, "merged into GM0402"},
	/* the organiser's colleagues (senders.rules) */
	{"", "collega@vng.nl", "FW: " SUBJECT, false, "2021-04-01 10:00", 0,
	 NULL, "review", "-", true, "sends vng.nl to review"},
};

static void
test_rows(void **state)
{
	/* no authserv-id is trusted: these rows are about all but that
	   (test_authentication() trusts mx.vng.nl) */
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		const char *enrolled[1] = {r->enrolled};
		struct classify_state st = {
			.enrolled = enrolled,
			.n_enrolled = r->enrolled != NULL,
			.confirmed = r->confirmed,
		};
		struct classification c;
		struct message *m;

		set.trust_unlabelled_authres = r->trust_m365;
		m = classify_mail(&set, &st, r->headers, r->from, r->subject,
				  "t", i, r->now, &c);
		check_verdict(&c, r->verdict, r->code, r->answer, r->reason);
		classification_deinit(&c);
		message_free(m);
	}
}

/* What the store knows goes in; classify() alone decides: a
   municipality that withdrew before goes to a person, and so does a
   withdrawal that cannot be carried out (without an answer). */
static void
test_history(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};
	const char *enrolled[1] = {"GM0344"};
	struct classify_state st = {0};
	struct classification c;
	struct message *m;
	char *raw, *nl;

	raw = xasprintf("From: <a@utrecht.nl>\r\nSubject: %s\r\n"
			"Message-ID: <h1@example.org>\r\n\r\nbody\r\n",
			SUBJECT);
	m = message_parse(raw, strlen(raw));
	st.withdrawn_code = "GM0344";
	st.withdrawn_name = "Utrecht";
	classify(m, rules, &set, &st, fixture_at("2021-04-01 10:00"), &c);
	assert_int_equal(c.verdict, VERDICT_REVIEW);
	assert_int_equal(c.template, TEMPLATE_REVIEW);
	assert_true(c.answer);
	assert_non_null(strstr(c.reasons, "place 1 of 5; "));
	assert_non_null(strstr(c.reasons, "; Utrecht withdrew earlier: for "
					  "staff to decide"));
	assert_int_equal(c.codes.v[c.codes.n - 1].code,
			 REASON_WITHDREW_EARLIER);
	check_texts(&c);
	nl = dutch(&c);
	assert_string_equal(nl, "Utrecht heeft zich eerder afgemeld; een "
				"medewerker beslist of de gemeente weer "
				"meedoet");
	free(nl);
	classification_deinit(&c);
	/* another municipality's history changes nothing */
	st.withdrawn_code = "GM0363";
	classify(m, rules, &set, &st, fixture_at("2021-04-01 10:00"), &c);
	assert_int_equal(c.verdict, VERDICT_ENROL);
	classification_deinit(&c);
	message_free(m);
	free(raw);

	raw = xasprintf("From: <a@utrecht.nl>\r\nSubject: Afmelding "
			"praktijkproef GG & lokale inclusie\r\n"
			"Message-ID: <h2@example.org>\r\n\r\nbody\r\n");
	m = message_parse(raw, strlen(raw));
	memset(&st, 0, sizeof(st));
	st.enrolled = enrolled;
	st.n_enrolled = 1;
	st.withdraw_failed = "no such enrolment";
	classify(m, rules, &set, &st, fixture_at("2021-04-01 10:00"), &c);
	assert_int_equal(c.verdict, VERDICT_REVIEW);
	assert_false(c.answer);
	assert_non_null(strstr(c.reasons, "withdrawal of Utrecht; "));
	assert_non_null(strstr(c.reasons, "the withdrawal could not be "
					  "carried out (no such enrolment)"));
	check_texts(&c);
	classification_deinit(&c);
	message_free(m);
	free(raw);
}

static void
test_verdict_names(void **state)
{
	int v;

	for (v = 0; v < VERDICT_COUNT; v++)
		assert_int_equal(verdict_parse(verdict_name((enum verdict)v)),
				 v);
	assert_int_equal(verdict_parse("seen"), -1);
}

/* Attendance only from the attendee: an answer to an invitation counts
   when its From is the ATTENDEE it answers for (case and the mailto:
   scheme aside), whatever its Sender says. */
#define UID1 "aanmeld-f428d9aed722100e8efe65c3a8f32c5c-session-1@vng.nl"

static const struct calendar_row {
	const char *from;
	const char *sender;   /* or NULL */
	const char *attendee; /* as written after "ATTENDEE;PARTSTAT=..:" */
	const char *verdict;
	const char *reason;
} calendar_rows[] = {
	{"a.meijer@utrecht.nl", NULL, "mailto:a.meijer@utrecht.nl",
	 "attendance", "calendar reply from a.meijer@utrecht.nl"},
	{"A.Meijer@Utrecht.NL", NULL, "mailto:a.meijer@utrecht.nl",
	 "attendance", "attendance: accepted session 1"},
	{"a.meijer@utrecht.nl", NULL, "MAILTO:A.MEIJER@UTRECHT.NL",
	 "attendance", "calendar reply from a.meijer@utrecht.nl"},
	/* Gmail sends as the calendar, Outlook a delegate's on behalf */
	{"a.meijer@utrecht.nl", "calendar-notification@google.com",
	 "mailto:a.meijer@utrecht.nl", "attendance",
	 "attendance: accepted session 1"},
	{"a.meijer@utrecht.nl", "secretariaat@utrecht.nl",
	 "mailto:a.meijer@utrecht.nl", "attendance",
	 "calendar reply from a.meijer@utrecht.nl"},
	/* anyone else answering for the attendee */
	{"mallory@example.net", NULL, "mailto:a.meijer@utrecht.nl", "ignore",
	 "calendar reply sent by mallory@example.net for a.meijer@utrecht.nl: "
	 "nothing recorded"},
	{"secretariaat@utrecht.nl", NULL, "mailto:a.meijer@utrecht.nl",
	 "ignore",
	 "calendar reply sent by secretariaat@utrecht.nl for "
	 "a.meijer@utrecht.nl: nothing recorded"},
	{"a.meijer@utrecht.nl.example.net", NULL, "mailto:a.meijer@utrecht.nl",
	 "ignore",
	 "sent by a.meijer@utrecht.nl.example.net for a.meijer@utrecht.nl"},
	{"mallory@example.net", "a.meijer@utrecht.nl",
	 "mailto:a.meijer@utrecht.nl", "ignore",
	 "sent by mallory@example.net for a.meijer@utrecht.nl"},
};

/* Classifies at 2021-04-02 10:00 an iTIP REPLY From from (the field's
   value) with these headers before it, in which attendee (ATTENDEE's
   value) accepts session 1 at SEQUENCE seq (DTSTAMP 2021-04-01 10:00Z),
   Message-ID <TAGn@example.org>, into *c, and prints the verdict with row
   n.  The caller frees the message. */
static struct message *
classify_reply(const struct classify_settings *set,
	       const struct classify_state *st, const char *headers,
	       const char *from, const char *attendee, const char *tag,
	       size_t n, unsigned seq, struct classification *c)
{
	struct message *m;
	char *raw;

	raw = xasprintf("%sFrom: %s\r\n"
			"Subject: Accepted: Sessie 1\r\n"
			"Message-ID: <%s%zu@example.org>\r\n"
			"MIME-Version: 1.0\r\n"
			"Content-Type: text/calendar; method=REPLY; "
			"charset=UTF-8\r\n\r\n"
			"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
			"PRODID:-//t//t//EN\r\n"
			"METHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:" UID1 "\r\n"
			"DTSTAMP:20210401T100000Z\r\nSEQUENCE:%u\r\n"
			"ATTENDEE;PARTSTAT=ACCEPTED:%s\r\n"
			"END:VEVENT\r\nEND:VCALENDAR\r\n",
			headers, from, tag, n, seq, attendee);
	m = message_parse(raw, strlen(raw));
	free(raw);
	classify(m, rules, set, st, fixture_at("2021-04-02 10:00"), c);
	print_message("%s row %zu: %s %s %d (%s)\n", tag, n,
		      verdict_name(c->verdict),
		      c->gemeente != NULL ? c->gemeente->code : "-", c->answer,
		      c->reasons);
	return m;
}

static void
test_calendar_rows(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	struct classify_state st = {0};
	size_t i;

	for (i = 0; i < nitems(calendar_rows); i++) {
		const struct calendar_row *r = &calendar_rows[i];
		const char *domain = strchr(r->from, '@') + 1;
		struct classification c;
		struct message *m;
		char *from, *headers;

		headers = xasprintf("Authentication-Results: mx.vng.nl; "
				    "spf=pass smtp.mailfrom=%s; dkim=pass "
				    "header.d=%s; dmarc=pass header.from=%s\r\n"
				    "%s%s%s",
				    domain, domain, domain,
				    r->sender != NULL ? "Sender: <" : "",
				    r->sender != NULL ? r->sender : "",
				    r->sender != NULL ? ">\r\n" : "");
		from = xasprintf("Someone <%s>", r->from);
		m = classify_reply(&set, &st, headers, from, r->attendee, "c",
				   i, 0, &c);
		assert_null(m->problem);
		assert_string_equal(verdict_name(c.verdict), r->verdict);
		assert_false(c.answer);
		assert_non_null(strstr(c.reasons, r->reason));
		check_texts(&c);
		if (c.verdict == VERDICT_ATTENDANCE) {
			assert_string_equal(c.reply.attendee,
					    "a.meijer@utrecht.nl");
			assert_int_equal(c.item, 1);
		} else
			assert_null(c.reply.attendee);
		classification_deinit(&c);
		message_free(m);
		free(headers);
		free(from);
	}
}

/* Authentication-Results of mx.vng.nl, the trusted server. */
#define AR_PASS(d)                                                             \
	"Authentication-Results: mx.vng.nl; dkim=pass header.d=" d             \
	"; spf=pass smtp.mailfrom=" d "; dmarc=pass header.from=" d "\r\n"
#define AR_FAIL(d)                                                             \
	"Authentication-Results: mx.vng.nl; dkim=none; spf=softfail "          \
	"smtp.mailfrom=" d "; dmarc=fail (p=reject) header.from=" d "\r\n"
#define AR_NONE(d)                                                             \
	"Authentication-Results: mx.vng.nl; spf=pass smtp.mailfrom=" d         \
	"; dmarc=none header.from=" d "\r\n"
#define WITHDRAW "Afmelding praktijkproef GG & lokale inclusie"
#define NOT_AUTHENTICATED                                                      \
	"no DMARC pass from the trusted server: the sender is not "            \
	"authenticated"

/* With a trusted server, only a sender it authenticated enrols, and only
   such a sender is answered (no backscatter to a forged one). */
static const struct auth_row {
	const char *headers; /* before the From line */
	const char *from;
	const char *subject;
	bool trust_m365;
	const char *enrolled; /* one code already enrolled, or NULL */
	const char *verdict;
	const char *code; /* "-" for none */
	bool answer;
	const char *reason; /* a substring of the reasons */
} auth_rows[] = {
	{AR_PASS("utrecht.nl"), "a@utrecht.nl", SUBJECT, false, NULL, "enrol",
	 "GM0344", true, "authentication: dmarc=pass spf=pass dkim=pass"},
	/* fail closed: no result, or none that authenticates */
	{"", "a@utrecht.nl", SUBJECT, false, NULL, "review", "GM0344", false,
	 NOT_AUTHENTICATED},
	{"", "a@utrecht.nl", SUBJECT, false, NULL, "review", "GM0344", false,
	 "no Authentication-Results from the trusted server"},
	{AR_NONE("utrecht.nl"), "a@utrecht.nl", SUBJECT, false, NULL, "review",
	 "GM0344", false, "no DMARC policy and no aligned DKIM"},
	/* a DKIM pass of a subdomain is not aligned, a parent's is */
	{"Authentication-Results: mx.vng.nl; dkim=pass "
	 "header.d=ggd.utrecht.nl; dmarc=none header.from=utrecht.nl\r\n",
	 "a@utrecht.nl", SUBJECT, false, NULL, "review", "GM0344", false,
	 NOT_AUTHENTICATED},
	{"Authentication-Results: mx.vng.nl; dkim=pass header.d=utrecht.nl; "
	 "dmarc=none header.from=ggd.utrecht.nl\r\n",
	 "a@ggd.utrecht.nl", SUBJECT, false, NULL, "enrol", "GM0344", true,
	 "DKIM pass for the From domain"},
	{AR_PASS("evil.example"), "a@utrecht.nl", SUBJECT, false, NULL,
	 "review", "GM0344", false, "not for the From domain"},
	/* what a sender writes is not believed */
	{"Authentication-Results: mx.vng.nl; spf=pass (mailfrom=x; "
	 "dmarc=pass header.from=utrecht.nl) smtp.mailfrom=x@evil.example\r\n",
	 "a@utrecht.nl", SUBJECT, false, NULL, "review", "GM0344", false,
	 NOT_AUTHENTICATED},
	{"Authentication-Results: evil.example; dmarc=pass "
	 "header.from=utrecht.nl\r\n",
	 "a@utrecht.nl", SUBJECT, false, NULL, "review", "GM0344", false,
	 NOT_AUTHENTICATED},
	/* a fail anywhere among the trusted wins */
	{AR_FAIL("utrecht.nl") AR_PASS("utrecht.nl"), "a@utrecht.nl", SUBJECT,
	 false, NULL, "review", "GM0344", false,
	 "dmarc=fail: the sender address may be forged"},
	{AR_PASS("utrecht.nl") AR_FAIL("utrecht.nl"), "a@utrecht.nl", SUBJECT,
	 false, NULL, "review", "GM0344", false,
	 "dmarc=fail: the sender address may be forged"},
	/* no municipality: answered only when authenticated */
	{AR_PASS("gmail.com"), "a@gmail.com", SUBJECT, false, NULL, "reject",
	 "-", true, "is not a municipality"},
	{AR_FAIL("gmail.com"), "a@gmail.com", SUBJECT, false, NULL, "review",
	 "-", false, "may be forged"},
	{"", "a@hotmail.com", SUBJECT, false, NULL, "reject", "-", false,
	 NOT_AUTHENTICATED},
	{AR_NONE("hotmail.com"), "a@hotmail.com", SUBJECT, false, NULL,
	 "reject", "-", false, NOT_AUTHENTICATED},
	/* a review is acknowledged only to the authenticated */
	{AR_PASS("utrecht.nl"), "a@utrecht.nl", "Vraag over de praktijkproef",
	 false, NULL, "review", "GM0344", true, "subject matches review rule"},
	{"", "a@utrecht.nl", "Vraag over de praktijkproef", false, NULL,
	 "review", "GM0344", false, NOT_AUTHENTICATED},
	/* duplicate and withdrawal need an authenticated sender too */
	{"", "b@utrecht.nl", SUBJECT, false, "GM0344", "review", "GM0344",
	 false, NOT_AUTHENTICATED},
	{AR_PASS("utrecht.nl"), "b@utrecht.nl", SUBJECT, false, "GM0344",
	 "duplicate", "GM0344", true, "already enrolled"},
	{"", "a@utrecht.nl", WITHDRAW, false, "GM0344", "review", "GM0344",
	 false, NOT_AUTHENTICATED},
	{AR_PASS("utrecht.nl"), "a@utrecht.nl", WITHDRAW, false, "GM0344",
	 "withdraw", "GM0344", false, "withdrawal of Utrecht"},
	/* a municipality's mail that no rule knows is for a person, and
	   gets the acknowledgement of review mail once authenticated;
	   anyone else's stays ignored */
	{"", "a@utrecht.nl", "Nieuwsbrief", false, NULL, "review", "GM0344",
	 false, "no rule matches: for a person"},
	{AR_PASS("utrecht.nl"), "a@utrecht.nl", "Vraag over sessie 3", false,
	 "GM0344", "review", "GM0344", true, "no rule matches: for a person"},
	{AR_PASS("example.org"), "x@example.org", "Nieuwsbrief", false, NULL,
	 "ignore", "-", false, "subject matches no rule"},
	/* Microsoft 365, trusted beside mx.vng.nl */
	{"Authentication-Results: spf=pass (sender IP is 40.107.6.1) "
	 "smtp.mailfrom=utrecht.nl; utrecht.nl; dkim=pass (signature was "
	 "verified) header.d=utrecht.nl;dmarc=pass action=none "
	 "header.from=utrecht.nl;compauth=pass reason=100\r\n",
	 "a@utrecht.nl", SUBJECT, true, NULL, "enrol", "GM0344", true,
	 "dmarc=pass"},
	{M365_FAIL, "a@utrecht.nl", SUBJECT, true, NULL, "review", "GM0344",
	 false, "may be forged"},
};

static void
test_authentication(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	size_t i;

	for (i = 0; i < nitems(auth_rows); i++) {
		const struct auth_row *r = &auth_rows[i];
		const char *enrolled[1] = {r->enrolled};
		struct classify_state st = {
			.enrolled = enrolled,
			.n_enrolled = r->enrolled != NULL,
		};
		struct classification c;
		struct message *m;

		set.trust_unlabelled_authres = r->trust_m365;
		m = classify_mail(&set, &st, r->headers, r->from, r->subject,
				  "a", i, "2021-04-01 10:00", &c);
		assert_null(m->problem);
		check_verdict(&c, r->verdict, r->code, r->answer, r->reason);
		if (strstr(c.reasons, NOT_AUTHENTICATED) != NULL) {
			/* and staff read it in Dutch */
			char *nl = dutch(&c);

			assert_non_null(
				strstr(nl, "de afzender is niet geverifieerd"));
			assert_null(strstr(nl, "authenticated"));
			free(nl);
		}
		classification_deinit(&c);
		message_free(m);
	}
}

/* A reply to an invitation counts only from an authenticated sender;
   without a trusted server it counts as before. */
static void
test_attendance_authentication(void **state)
{
	static const struct {
		const char *headers;
		const char *trusted_id;
		const char *verdict;
		const char *reason;
	} att_rows[] = {
		{AR_PASS("utrecht.nl"), "mx.vng.nl", "attendance",
		 "attendance: accepted session 1"},
		{"", "mx.vng.nl", "ignore",
		 NOT_AUTHENTICATED "; attendance not recorded"},
		{AR_NONE("utrecht.nl"), "mx.vng.nl", "ignore",
		 NOT_AUTHENTICATED "; attendance not recorded"},
		{AR_FAIL("utrecht.nl"), "mx.vng.nl", "ignore",
		 "dmarc=fail: the sender address may be forged; attendance "
		 "not recorded"},
		{"", NULL, "attendance", "no trusted Authentication-Results"},
	};
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};
	struct classify_state st = {0};
	size_t i;

	for (i = 0; i < nitems(att_rows); i++) {
		struct classification c;
		struct message *m;

		set.trusted_authserv_id = att_rows[i].trusted_id;
		m = classify_reply(&set, &st, att_rows[i].headers,
				   "<a.meijer@utrecht.nl>",
				   "mailto:a.meijer@utrecht.nl", "t", i, 0, &c);
		assert_null(m->problem);
		assert_string_equal(verdict_name(c.verdict),
				    att_rows[i].verdict);
		assert_false(c.answer);
		assert_non_null(strstr(c.reasons, att_rows[i].reason));
		if (c.verdict != VERDICT_ATTENDANCE) {
			char *nl = dutch(&c);

			assert_null(c.reply.attendee);
			assert_non_null(strstr(
				nl, "de aanwezigheid is niet vastgelegd"));
			free(nl);
		}
		classification_deinit(&c);
		message_free(m);
	}
}

/* Machines are machines: a bounce or an out-of-office reply is ignored
   before a parse problem or the subject rules are looked at, with or
   without a From; a message never parsed, or sent without a From by a
   person's device, still goes to a person. */
#define OURS "<aanmeld.0123456789abcdef@vng.nl>"
#define MTAIL                                                                  \
	"To: GlobalGoals@vng.nl\r\nDate: Tue, 16 Mar 2021 10:00:00 +0100\r\n"  \
	"Message-ID: <m@example.org>\r\n"

static const struct machine_row {
	const char *raw;
	const char *verdict;
	bool answer;
	const char *reason; /* a substring of the reasons */
	const char *dutch;  /* for review: a substring in Dutch, or NULL */
} machine_rows[] = {
	{"Subject: " SUBJECT "\r\n" MTAIL "\r\nfailed\r\n", "ignore", false,
	 "no From field at all", NULL},
	{"From: MAILER-DAEMON <>\r\nSubject: " SUBJECT "\r\n" MTAIL
	 "\r\nfailed\r\n",
	 "ignore", false, "null From address", NULL},
	{"From: Postmaster\r\nSubject: Niet bezorgd: " SUBJECT "\r\n" MTAIL
	 "\r\nfailed\r\n",
	 "ignore", false, "sender is Postmaster", NULL},
	{"From: post_master@vtext.example.com\r\nSubject: Re: " SUBJECT
	 "\r\nIn-Reply-To: <x@mail.utrecht.nl>\r\n" MTAIL "\r\nfailed\r\n",
	 "ignore", false, "sender is post_master", NULL},
	/* a bounce the parser refuses (an empty boundary) is still one */
	{"Return-Path: <>\r\nFrom: a@utrecht.nl\r\nSubject: " SUBJECT
	 "\r\n" MTAIL "Content-Type: multipart/report; boundary=\"\"\r\n"
	 "\r\nfailed\r\n",
	 "ignore", false, "null return path", NULL},
	/* Exchange's out-of-office reply without any auto-reply header */
	{"From: a@utrecht.nl\r\nSubject: Automatisch antwoord: " SUBJECT
	 "\r\n" MTAIL "\r\nIk ben afwezig.\r\n",
	 "ignore", false, "out-of-office reply", NULL},
	/* iCloud's vacation notice in reply to our confirmation */
	{"From: a@utrecht.nl\r\nSubject: Re: " SUBJECT "\r\nIn-Reply-To: " OURS
	 "\r\n" MTAIL "\r\nIk ben met vakantie tot 12 april.\r\n",
	 "ignore", false, "out-of-office reply to one of our mails", NULL},
	/* a person's reply to it, which quotes us */
	{"From: a@utrecht.nl\r\nSubject: Re: " SUBJECT "\r\nIn-Reply-To: " OURS
	 "\r\n" MTAIL "\r\nIk ben met vakantie tijdens sessie 3.\r\n"
	 "> Bedankt voor uw aanmelding\r\n",
	 "review", false, "reply to one of our own mails", NULL},
	{"From: a@utrecht.nl\r\nSubject: RE: " SUBJECT "\r\n" MTAIL
	 "\r\nWij doen mee.\r\n",
	 "enrol", true, "place 1 of 5", NULL},
	/* a scanner without a From: a person decides */
	{"Return-Path: <scanner@woerden.nl>\r\nSubject: " SUBJECT "\r\n" MTAIL
	 "\r\nscan\r\n",
	 "review", false, "no From field", NULL},
	/* a problem and only words of a machine: a person, with a hint */
	{"From: a@utrecht.nl\r\nFrom: a@utrecht.nl\r\nSubject: "
	 "Automatisch antwoord: " SUBJECT "\r\n" MTAIL "\r\nweg\r\n",
	 "review", false, "subject starts like an out-of-office reply",
	 "het onderwerp begint als een automatisch antwoord"},
};

static void
test_machines(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};
	struct classify_state st = {0};
	struct classification c;
	struct message *m;
	size_t i;

	for (i = 0; i < nitems(machine_rows); i++) {
		const struct machine_row *r = &machine_rows[i];

		m = message_parse(r->raw, strlen(r->raw));
		classify(m, rules, &set, &st, fixture_at("2021-04-01 10:00"),
			 &c);
		print_message("machine row %zu: %s %d (%s)\n", i,
			      verdict_name(c.verdict), c.answer, c.reasons);
		assert_string_equal(verdict_name(c.verdict), r->verdict);
		assert_int_equal(c.answer, r->answer);
		assert_non_null(strstr(c.reasons, r->reason));
		check_texts(&c);
		if (r->dutch != NULL) {
			char *nl = dutch(&c);

			assert_non_null(strstr(nl, r->dutch));
			assert_null(strstr(nl, "out-of-office"));
			free(nl);
		}
		classification_deinit(&c);
		message_free(m);
	}
	/* the parse crashed: no fields at all, yet no bounce */
	m = message_unparsed(reason_new(REASON_PARSER_DIED,
					"the parser stopped on this message"),
			     100);
	classify(m, rules, &set, &st, fixture_at("2021-04-01 10:00"), &c);
	assert_string_equal(verdict_name(c.verdict), "review");
	assert_false(c.answer);
	assert_non_null(strstr(c.reasons, "the parser stopped"));
	assert_int_equal(c.codes.n, 1);
	assert_int_equal(c.codes.v[0].code, REASON_PARSER_DIED);
	check_texts(&c);
	classification_deinit(&c);
	message_free(m);
}

/* What the store knows of the attendee of a reply goes in; classify()
   alone decides whether the answer is recorded: a contact's, at a
   SEQUENCE no higher than the one we sent, for the municipality it is a
   contact of.  The reply answers session 1 at SEQUENCE 1, DTSTAMP
   2021-04-01 10:00Z. */
static void
test_attendee(void **state)
{
	static const struct {
		struct classify_attendee in;
		bool looked_up; /* else st.attendee stays NULL */
		const char *headers;
		const char *verdict;
		const char *code;
		const char *reason; /* the last one: nothing after auth */
		const char *dutch;  /* or NULL: none of its own */
	} attendee_rows[] = {
		/* not looked up yet: the first look */
		{{NULL, 0, NULL, 0, 0},
		 false,
		 "",
		 "attendance",
		 "-",
		 "no trusted Authentication-Results",
		 NULL},
		/* no contact of an enrolled municipality */
		{{NULL, 0, NULL, 0, 0},
		 true,
		 "",
		 "ignore",
		 "-",
		 "a.meijer@utrecht.nl is no contact of an enrolled "
		 "municipality: nothing recorded",
		 "a.meijer@utrecht.nl is geen contactpersoon van een "
		 "aangemelde gemeente; er is niets vastgelegd"},
		/* above the SEQUENCE we sent: answers nothing of ours */
		{{"GM0344", 0, NULL, 0, 0},
		 true,
		 "",
		 "ignore",
		 "-",
		 "calendar reply from a.meijer@utrecht.nl for session 1 with "
		 "SEQUENCE 1, above the 0 we sent: nothing recorded",
		 "a.meijer@utrecht.nl antwoordde voor session 1 op een "
		 "uitnodiging die wij niet verstuurd hebben; er is niets "
		 "vastgelegd"},
		/* ok: at the SEQUENCE sent, and below it */
		{{"GM0344", 1, NULL, 0, 0},
		 true,
		 "",
		 "attendance",
		 "GM0344",
		 "no trusted Authentication-Results",
		 NULL},
		{{"GM0344", 3, NULL, 0, 0},
		 true,
		 "",
		 "attendance",
		 "GM0344",
		 "no trusted Authentication-Results",
		 NULL},
		/* a contact of another municipality than its domain's: that
		   one's answer */
		{{"GM0193", 1, NULL, 0, 0},
		 true,
		 "",
		 "attendance",
		 "GM0193",
		 "no trusted Authentication-Results",
		 NULL},
		/* an older answer than the one recorded: recorded, it changes
		   nothing; an earlier recorded one gets no such reason */
		{{"GM0344", 2, "declined", 2, 0},
		 true,
		 "",
		 "attendance",
		 "GM0344",
		 "a later answer (declined) is recorded: this one changes "
		 "nothing",
		 NULL},
		{{"GM0344", 1, "declined", 1, 1617271201},
		 true,
		 "",
		 "attendance",
		 "GM0344",
		 "a later answer (declined) is recorded: this one changes "
		 "nothing",
		 NULL},
		{{"GM0344", 1, "declined", 1, 1617271200},
		 true,
		 "",
		 "attendance",
		 "GM0344",
		 "no trusted Authentication-Results",
		 NULL},
		{{"GM0344", 1, "declined", 0, 1617271300},
		 true,
		 "",
		 "attendance",
		 "GM0344",
		 "no trusted Authentication-Results",
		 NULL},
		/* a forged one is not used, whatever the store knows */
		{{"GM0344", 1, NULL, 0, 0},
		 true,
		 AR_FAIL("utrecht.nl"),
		 "ignore",
		 "-",
		 "attendance not recorded",
		 NULL},
	};
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};
	size_t i;

	for (i = 0; i < nitems(attendee_rows); i++) {
		struct classify_state st = {0};
		struct classification c;
		struct message *m;
		const char *last;

		if (attendee_rows[i].looked_up)
			st.attendee = &attendee_rows[i].in;
		set.trusted_authserv_id = attendee_rows[i].headers[0] != '\0'
						  ? "mx.vng.nl"
						  : NULL;
		m = classify_reply(&set, &st, attendee_rows[i].headers,
				   "<a.meijer@utrecht.nl>",
				   "mailto:a.meijer@utrecht.nl", "a", i, 1, &c);
		assert_string_equal(verdict_name(c.verdict),
				    attendee_rows[i].verdict);
		assert_string_equal(c.gemeente != NULL ? c.gemeente->code : "-",
				    attendee_rows[i].code);
		assert_false(c.answer);
		assert_int_equal(c.template, TEMPLATE_COUNT);
		last = strrchr(c.reasons, ';');
		assert_non_null(last);
		assert_string_equal(last + 2, attendee_rows[i].reason);
		check_texts(&c);
		if (attendee_rows[i].dutch != NULL) {
			char *nl = dutch(&c);

			assert_non_null(strstr(nl, attendee_rows[i].dutch));
			free(nl);
		}
		if (c.verdict == VERDICT_ATTENDANCE) {
			/* what attendance_build() records */
			assert_string_equal(c.reply.attendee,
					    "a.meijer@utrecht.nl");
			assert_int_equal(c.reply.sequence, 1);
			assert_int_equal(c.item, 1);
			assert_int_equal(c.replied_at, 1617271200);
		} else
			assert_null(c.reply.attendee);
		classification_deinit(&c);
		message_free(m);
	}
}

/* A sink of message_attachment_parse(): a copy of the bytes in the
   struct buf ctx. */
static int
copy_bytes(void *ctx, const char *bytes, size_t n)
{
	return buf_add(ctx, bytes, n);
}

/* A participant's text: by attachment or by a deliver rule, only from a
   contact of a confirmed municipality (the state's participant). */
#define ATTACHED(name, type)                                                   \
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "                 \
	"boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"        \
	"Hierbij onze tekst.\r\n--b\r\nContent-Type: " type                    \
	"\r\nContent-Disposition: attachment; filename=\"" name "\"\r\n"       \
	"Content-Transfer-Encoding: base64\r\n\r\nVGVrc3Q=\r\n--b--\r\n"

static const struct delivery_row {
	const char *from;
	const char *subject;
	const char *participant; /* the state's, or NULL */
	bool attached;
	const char *attachment_type;
	const char *in_reply_to; /* or NULL */
	const char *verdict;
	const char *code;
	bool answer;
	const char *reason;
} delivery_rows[] = {
	/* an attachment from a participant, whatever the subject */
	{"a.meijer@utrecht.nl", "Onze bijdrage", "GM0344", true,
	 "application/pdf", NULL, "deliver", "GM0344", true,
	 "delivery of Utrecht with 1 attachment(s)"},
	/* the same as a reply to our reminder: not a reply for review */
	{"a.meijer@utrecht.nl",
	 "RE: Herinnering: Opleveren tekst (best practice)", "GM0344", true,
	 "application/vnd.openxmlformats-officedocument."
	 "wordprocessingml.document",
	 "<reminder:GM0344:x@aanmeld.invalid>", "deliver", "GM0344", true,
	 "delivery of Utrecht"},
	/* a deliver rule, no attachment */
	{"a.meijer@utrecht.nl", "Tekst praktijkproef GG & lokale inclusie",
	 "GM0344", false, NULL, NULL, "deliver", "GM0344", true,
	 "subject matches deliver rule"},
	/* a near miss with an attachment from a participant */
	{"a.meijer@utrecht.nl", "Vraag over de praktijkproef", "GM0344", true,
	 "application/pdf", NULL, "deliver", "GM0344", true, "delivery of"},
	/* a deliver rule from no participant: for a person */
	{"j.jansen@almere.nl", "Opleveren tekst (best practice)", NULL, false,
	 NULL, NULL, "review", "GM0034", true, "is no contact of a confirmed"},
	/* an attachment from no participant: a municipality's mail that no
	   rule knows, for a person */
	{"j.jansen@almere.nl", "Onze bijdrage", NULL, true, "application/pdf",
	 NULL, "review", "GM0034", true, "no rule matches: for a person"},
	/* an enrolment with an attachment stays one */
	{"a.meijer@utrecht.nl", "Deelname praktijkproef GG & lokale inclusie",
	 "GM0344", true, "application/pdf", NULL, "duplicate", "GM0344", true,
	 "already enrolled"},
	/* a withdrawal with a letter attached stays one */
	{"a.meijer@utrecht.nl", "Afmelding praktijkproef GG & lokale inclusie",
	 "GM0344", true, "application/pdf", NULL, "withdraw", "GM0344", false,
	 "withdrawal of Utrecht"},
	/* an S/MIME signature or a calendar is no attachment: mail that no
	   rule knows, for a person */
	{"a.meijer@utrecht.nl", "Onze bijdrage", "GM0344", true,
	 "application/pkcs7-signature", NULL, "review", "GM0344", true,
	 "no rule matches: for a person"},
};

static void
test_deliveries(void **state)
{
	const struct classify_settings set = {"GlobalGoals@VNG.nl",
					      "aanmeld.invalid", NULL, false};
	const char *enrolled[] = {"GM0344"};
	struct classification c;
	struct message *m;
	struct buf bytes;
	char *raw, *headers;
	size_t i;

	for (i = 0; i < nitems(delivery_rows); i++) {
		const struct delivery_row *r = &delivery_rows[i];
		struct classify_state st = {
			.enrolled = enrolled,
			.n_enrolled = 1,
			.confirmed = 1,
			.participant = r->participant,
		};

		headers = xasprintf("In-Reply-To: %s\r\n",
				    r->in_reply_to != NULL ? r->in_reply_to
							   : "<x@example.org>");
		raw = xasprintf("%sFrom: <%s>\r\nSubject: %s\r\nMessage-ID: "
				"<d%zu@example.org>\r\n%s",
				r->in_reply_to != NULL ? headers : "", r->from,
				r->subject, i,
				r->attached ? ""
					    : "\r\nHierbij onze tekst.\r\n");
		free(headers);
		if (r->attached) {
			char *mime = xasprintf(
				"%s" ATTACHED("../../etc/tekst.pdf", "%s"), raw,
				r->attachment_type);

			free(raw);
			raw = mime;
		}
		m = message_parse(raw, strlen(raw));
		assert_null(m->problem);
		classify(m, rules, &set, &st, fixture_at("2021-08-01 10:00"),
			 &c);
		print_message("delivery row %zu: %s %s (%s)\n", i,
			      verdict_name(c.verdict),
			      c.gemeente != NULL ? c.gemeente->code : "-",
			      c.reasons);
		check_verdict(&c, r->verdict, r->code, r->answer, r->reason);
		if (c.verdict == VERDICT_DELIVER) {
			assert_int_equal(c.template, TEMPLATE_DELIVERED);
			assert_int_equal(m->n_attachments, r->attached ? 1 : 0);
		}
		if (r->attached &&
		    strcmp(r->attachment_type, "application/pdf") == 0) {
			/* the name as the sender wrote it, the bytes decoded */
			assert_int_equal(m->n_attachments, 1);
			assert_string_equal(m->attachments[0].name,
					    "../../etc/tekst.pdf");
			assert_int_equal(m->attachments[0].len, 5);
			buf_init(&bytes, 64);
			assert_int_equal(message_attachment_parse(
						 raw, strlen(raw), strlen(raw),
						 m->attachments[0].part,
						 copy_bytes, &bytes),
					 0);
			assert_int_equal(bytes.len, 5);
			assert_memory_equal(bytes.data, "Tekst", 5);
			buf_deinit(&bytes);
		}
		free(raw);
		classification_deinit(&c);
		message_free(m);
	}
}

/* Odd shapes of a participant's text: an empty file is for a person (a
   failed upload, never confirmed); an answer to an invitation with the
   text attached keeps the text (the answer is not recorded), and from
   anyone else stays an answer.  Past [deadline] max_deliveries_per_day
   (5 by default) within 24 hours a version is for a person. */
static const struct delivery_edge {
	const char *participant;
	bool calendar;
	const char *data; /* base64 of the file */
	unsigned today;	  /* deliveries in the 24 hours before */
	const char *verdict;
	const char *reason;
} delivery_edges[] = {
	{"GM0344", false, "", 0, "review", "1 empty attachment(s)"},
	{"GM0344", false, "VGVrc3Q=", 0, "deliver", "delivery of Utrecht"},
	{"GM0344", true, "VGVrc3Q=", 0, "deliver", "attendance not recorded"},
	{NULL, true, "VGVrc3Q=", 0, "attendance", "attendance: accepted"},
	{"GM0344", false, "VGVrc3Q=", 4, "deliver", "delivery of Utrecht"},
	{"GM0344", false, "VGVrc3Q=", 5, "review",
	 "Utrecht delivered 5 times in 24 hours"},
};

static void
test_delivery_edges(void **state)
{
	const struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					      NULL, false};
	const char *enrolled[] = {"GM0344"};
	struct classification c;
	struct message *m;
	char *raw;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(delivery_edges); i++) {
		const struct delivery_edge *r = &delivery_edges[i];
		struct classify_state st = {
			.enrolled = enrolled,
			.n_enrolled = 1,
			.confirmed = 1,
			.participant = r->participant,
			.deliveries_today = r->today,
		};

		raw = xasprintf(
			"From: <a.meijer@utrecht.nl>\r\nSubject: %s\r\n"
			"Message-ID: <e%zu@example.org>\r\nMIME-Version: 1.0"
			"\r\nContent-Type: multipart/mixed; boundary=\"b\""
			"\r\n\r\n%s--b\r\nContent-Type: application/pdf\r\n"
			"Content-Disposition: attachment; filename=\"t.pdf\""
			"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
			"--b--\r\n",
			r->calendar ? "Geaccepteerd: Sessie 1" : "Onze tekst",
			i,
			r->calendar
				? "--b\r\nContent-Type: text/calendar; "
				  "method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\n"
				  "VERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
				  "METHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:" UID1
				  "\r\nDTSTAMP:20210401T100000Z\r\n"
				  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:"
				  "a.meijer@utrecht.nl\r\nEND:VEVENT\r\n"
				  "END:VCALENDAR\r\n"
				: "",
			r->data);
		m = message_parse(raw, strlen(raw));
		free(raw);
		assert_null(m->problem);
		assert_int_equal(m->n_attachments, 1);
		classify(m, rules, &set, &st, fixture_at("2021-08-01 10:00"),
			 &c);
		print_message("edge %zu: %s (%s)\n", i, verdict_name(c.verdict),
			      c.reasons);
		assert_string_equal(verdict_name(c.verdict), r->verdict);
		assert_non_null(strstr(c.reasons, r->reason));
		classification_deinit(&c);
		message_free(m);
	}
}

/* Mail no subject rule knows (judge_unmatched()): a person's words from a
   municipality or a contact go to review with the review acknowledgement;
   a municipality's machines (a newsletter, an out-of-office) and anyone
   else stay ignored, and a lookalike domain suggests no municipality. */
static const struct {
	const char *headers; /* before the From line */
	const char *from, *subject, *body;
	bool contact;
	const char *verdict, *code;
	bool answer;
	const char *reason;
} unmatched_rows[] = {
	{"", "a@utrecht.nl", "Vraag over sessie 3", "Hoe laat begint het?",
	 false, "review", "GM0344", true, "no rule matches"},
	/* a subdomain is the municipality's */
	{"", "a@mail.utrecht.nl", "Vraag over sessie 3", "Hoe laat?", false,
	 "review", "GM0344", true, "no rule matches"},
	/* an empty subject */
	{"", "a@utrecht.nl", "", "Zie bijlage.", false, "review", "GM0344",
	 true, "no rule matches"},
	/* a shared service organisation: for a person, no one suggested */
	{"", "a@bar-organisatie.nl", "Vraag over sessie 3", "Hoe laat?", false,
	 "review", "-", true, "no rule matches"},
	/* a lookalike is no municipality: nothing suggested, not read */
	{"", "a@utrecht-gemeente.nl", "Vraag over sessie 3", "Hoe laat?", false,
	 "ignore", "-", false, "subject matches no rule"},
	/* a contact writing from a personal address is still read */
	{"", "jan.jansen@gmail.com", "Vraag over sessie 3", "Hoe laat?", true,
	 "review", "-", true, "no rule matches"},
	{"", "jan.jansen@gmail.com", "Vraag over sessie 3", "Hoe laat?", false,
	 "ignore", "-", false, "subject matches no rule"},
	/* the municipality's newsletter */
	{"List-Id: Nieuwsbrief <nieuws.utrecht.nl>\r\n", "nieuws@utrecht.nl",
	 "Nieuwsbrief april", "Het nieuws.", false, "ignore", "-", false,
	 "mailing list"},
	/* a bulk sender's, with only List-Unsubscribe (RFC 8058) */
	{"List-Unsubscribe: <https://utrecht.example/afmelden?u=1>\r\n"
	 "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
	 "nieuwsbrief@mailing.utrecht.nl", "Nieuwsbrief april", "Het nieuws.",
	 false, "ignore", "-", false, "mailing list"},
	{"Precedence: bulk\r\n", "communicatie@utrecht.nl", "Nieuwsbrief april",
	 "Het nieuws.", false, "ignore", "-", false, "Precedence"},
	/* out-of-office notices without Auto-Submitted */
	{"X-Autoreply: yes\r\n", "a@utrecht.nl", "Uw bericht",
	 "Ik ben afwezig tot 20 april.", false, "ignore", "-", false,
	 "auto-reply"},
	{"", "a@utrecht.nl", "Afwezigheidsmelding",
	 "Ik ben afwezig tot 20 april.", false, "ignore", "-", false,
	 "out-of-office"},
	{"", "a@utrecht.nl", "Uw bericht",
	 "Afwezigheidsmelding\r\n\r\nIk ben afwezig tot 20 april.", false,
	 "ignore", "-", false, "out-of-office"},
	{"", "a@utrecht.nl", "Uw bericht",
	 "Automatisch antwoord: ik ben afwezig tot 20 april.", false, "ignore",
	 "-", false, "out-of-office"},
	/* a person's words that open the same way are read */
	{"", "a@utrecht.nl", "Sessie 3",
	 "Ik ben met vakantie tijdens sessie 3; kan een collega komen?", false,
	 "review", "GM0344", true, "no rule matches"},
	{"", "a@utrecht.nl", "Sessie 3",
	 "Afwezig tijdens sessie 3: kan een collega komen?", false, "review",
	 "GM0344", true, "no rule matches"},
};

static void
test_unmatched(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl", NULL,
					false};

	(void)state;
	for (size_t i = 0; i < nitems(unmatched_rows); i++) {
		struct classify_state st = {0};
		struct classification c;
		struct message *m;
		char *raw;

		st.contact = unmatched_rows[i].contact;
		raw = xasprintf(
			"%sFrom: Someone <%s>\r\nSubject: %s\r\n"
			"Message-ID: <u%zu@example.org>\r\n\r\n%s\r\n",
			unmatched_rows[i].headers, unmatched_rows[i].from,
			unmatched_rows[i].subject, i, unmatched_rows[i].body);
		m = message_parse(raw, strlen(raw));
		free(raw);
		classify(m, rules, &set, &st, fixture_at("2021-04-01 10:00"),
			 &c);
		print_message("u row %zu: %s %s %d (%s)\n", i,
			      verdict_name(c.verdict),
			      c.gemeente != NULL ? c.gemeente->code : "-",
			      c.answer, c.reasons);
		check_verdict(&c, unmatched_rows[i].verdict,
			      unmatched_rows[i].code, unmatched_rows[i].answer,
			      unmatched_rows[i].reason);
		classification_deinit(&c);
		message_free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_unmatched),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_machines),
		cmocka_unit_test(test_calendar_rows),
		cmocka_unit_test(test_authentication),
		cmocka_unit_test(test_attendance_authentication),
		cmocka_unit_test(test_attendee),
		cmocka_unit_test(test_deliveries),
		cmocka_unit_test(test_delivery_edges),
	};

	/* programme times are Amsterdam's, whatever the machine's zone */
	setenv("TZ", "Europe/Amsterdam", 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
