/*
 * refusal.c: when a refused login may be tried again, the host a URL
 * names, and the staff warning's text.
 */
#include "autoconf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "refusal.h"
#include "rules.h"

static void
test_next_try(void **state)
{
	static const struct {
		time_t failed_at;
		unsigned minutes;
		time_t want;
	} rows[] = {
		{1000, 30, 1000 + 1800},
		{1000, 1, 1060},
		{0, REFUSAL_RETRY_MINUTES, 1800},
		{1617264000, 24 * 60, 1617264000 + 86400},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(
			refusal_next_try(rows[i].failed_at, rows[i].minutes),
			rows[i].want);
}

static void
test_due(void **state)
{
	static const struct {
		time_t next_try, now;
		bool due;
	} rows[] = {
		{0, 1000, true},     /* nothing held */
		{2800, 1000, false}, /* held */
		{2800, 2799, false}, /* one second early */
		{2800, 2800, true},  /* on the minute */
		{2800, 5000, true},  /* later */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(refusal_due(rows[i].next_try, rows[i].now),
				 rows[i].due);
}

static void
test_held_until(void **state)
{
	static const struct {
		time_t next_try, now;
		unsigned minutes;
		time_t want;
	} rows[] = {
		{0, 1000, 30, 0},		/* nothing held */
		{2800, 2800, 30, 0},		/* due */
		{2800, 1000, 30, 2800},		/* held until next_try */
		{2800, 2799, 30, 2800},		/* one second early */
		{1000 + 86400, 1000, 30, 2800}, /* clock set back: capped */
		{1000 + 1801, 1000, 30, 2800},	/* one second too far */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(refusal_held_until(rows[i].next_try,
						    rows[i].now,
						    rows[i].minutes),
				 rows[i].want);
}

static void
test_host(void **state)
{
	static const struct {
		const char *url, *host;
	} rows[] = {
		{"imaps://imap.example.org/INBOX", "imap.example.org"},
		{"imaps://imap.example.org:993/INBOX", "imap.example.org"},
		{"smtp://localhost:587", "localhost"},
		{"smtps://[::1]:465", "::1"},
		{"https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
		 "login.microsoftonline.com"},
		{"http://user@127.0.0.1:8080/token", "127.0.0.1"},
		{"mail.example.org", "mail.example.org"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *host = refusal_host(rows[i].url);

		assert_string_equal(host, rows[i].host);
		free(host);
	}
}

static size_t
longest_line(const char *s)
{
	size_t max = 0, n;

	while (*s != '\0') {
		n = strcspn(s, "\n");
		if (n > max)
			max = n;
		s += n + (s[n] == '\n');
	}
	return max;
}

/* What the warning for the mailbox says, in this order of reading. */
static const char *const imap_says[] = {
	"Geachte collega,",
	"Sinds 1 april 2021, 10.00 uur",
	"weigert outlook.office365.com\nhet inloggen van de aanmeldbalie met "
	"het account\nglobalgoals@vng.nl (voor het lezen van de mailbox).",
	"wachtwoord of het geheim",
	"elke 30\nminuten opnieuw",
	"GlobalGoals@VNG.nl",
};

static void
test_warning(void **state)
{
	struct rules *r = fixture_rules();
	char *subject, *body;
	size_t i;

	(void)state;
	assert_non_null(r);
	refusal_warning_render(
		r, true, "outlook.office365.com", "globalgoals@vng.nl",
		fixture_at("2021-04-01 10:00"), 30, &subject, &body);
	assert_non_null(strstr(
		subject,
		"outlook.office365.com laat de aanmeldbalie niet inloggen"));
	for (i = 0; i < sizeof(imap_says) / sizeof(imap_says[0]); i++)
		if (strstr(body, imap_says[i]) == NULL)
			fail_msg("the warning lacks \"%s\":\n%s", imap_says[i],
				 body);
	assert_true(longest_line(body) <= 76);
	free(subject);
	free(body);
	refusal_warning_render(r, false, "smtp.example.org", "aanmeld",
			       fixture_at("2021-04-01 10:00"), 45, &subject,
			       &body);
	assert_non_null(
		strstr(body, "aanmeld (voor het versturen van e-mail)."));
	assert_non_null(strstr(body, "elke 45\n"));
	free(subject);
	free(body);
	rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_try),   cmocka_unit_test(test_due),
		cmocka_unit_test(test_held_until), cmocka_unit_test(test_host),
		cmocka_unit_test(test_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
