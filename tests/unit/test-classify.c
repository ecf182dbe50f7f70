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
#include "rules.h"
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
	/* the organiser's colleagues (senders.rules) */
	{"", "collega@vng.nl", "FW: " SUBJECT, false, "2021-04-01 10:00", 0,
	 NULL, "review", "-", true, "sends vng.nl to review"},
};

static void
test_rows(void **state)
{
	struct classify_settings set = {"globalgoals@vng.nl", "vng.nl",
					"mx.vng.nl", false};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		const char *enrolled[1] = {r->enrolled};
		struct classify_state st = {enrolled, r->enrolled != NULL,
					    r->confirmed};
		struct classification c;
		struct message *m;
		char *raw;

		raw = xasprintf(
			"%sFrom: Someone <%s>\r\nSubject: %s\r\n"
			"Message-ID: <t%zu@example.org>\r\n\r\nbody\r\n",
			r->headers, r->from, r->subject, i);
		m = message_parse(raw, strlen(raw));
		set.trust_unlabelled_authres = r->trust_m365;
		classify(m, rules, &set, &st, fixture_at(r->now), &c);
		print_message(
			"row %zu: %s %s (%s)\n", i, verdict_name(c.verdict),
			c.gemeente != NULL ? c.gemeente->code : "-", c.reasons);
		assert_string_equal(verdict_name(c.verdict), r->verdict);
		assert_string_equal(c.gemeente != NULL ? c.gemeente->code : "-",
				    r->code);
		assert_int_equal(c.answer, r->answer);
		assert_non_null(strstr(c.reasons, r->reason));
		classification_deinit(&c);
		message_free(m);
		free(raw);
	}
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_verdict_names),
	};

	/* programme times are Amsterdam's, whatever the machine's zone */
	setenv("TZ", "Europe/Amsterdam", 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
