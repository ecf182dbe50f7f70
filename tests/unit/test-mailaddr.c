/*
 * Unit tests for addresses and domains: the domain part, subdomains on a
 * label boundary, machine senders, and the capped edit distance the
 * lookalike check uses, up to, at and past MAILADDR_DOMAIN_MAX.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailaddr.h"
#include "util.h"

/* A domain of exactly len bytes: "xxx...x.nl". */
static char *
domain_of_length(size_t len)
{
	char *s = xmalloc(len + 1);

	assert_true(len >= 4);
	memset(s, 'x', len - 3);
	memcpy(s + len - 3, ".nl", 4);
	return s;
}

static void
test_domain(void **state)
{
	static const struct {
		const char *addr;
		const char *domain; /* NULL: none */
	} rows[] = {
		{"jan@utrecht.nl", "utrecht.nl"},
		{"Jan.de.Vries@Utrecht.NL", "Utrecht.NL"},
		{"\"a@b\"@zwolle.nl", "zwolle.nl"}, /* the last '@' */
		{"@zwolle.nl", "zwolle.nl"},
		{"jan@", NULL},
		{"jan", NULL},
		{"", NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *d = mailaddr_domain(rows[i].addr);

		if (rows[i].domain == NULL) {
			assert_null(d);
			continue;
		}
		assert_non_null(d);
		assert_string_equal(d, rows[i].domain);
		/* borrowed: it points into addr */
		assert_ptr_equal(d, strrchr(rows[i].addr, '@') + 1);
	}
	assert_null(mailaddr_domain(NULL));
}

static void
test_domain_limit(void **state)
{
	static const struct {
		size_t len;
		bool ok;
	} rows[] = {
		{MAILADDR_DOMAIN_MAX - 1, true},
		{MAILADDR_DOMAIN_MAX, true},
		{MAILADDR_DOMAIN_MAX + 1, false},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *d = domain_of_length(rows[i].len);
		char *addr = xasprintf("jan@%s", d);
		const char *got = mailaddr_domain(addr);

		if (rows[i].ok) {
			assert_non_null(got);
			assert_string_equal(got, d);
		} else {
			assert_null(got);
		}
		free(addr);
		free(d);
	}
}

static void
test_within(void **state)
{
	static const struct {
		const char *domain;
		const char *parent;
		bool within;
	} rows[] = {
		{"utrecht.nl", "utrecht.nl", true},
		{"mail.utrecht.nl", "utrecht.nl", true},
		{"a.b.mail.utrecht.nl", "utrecht.nl", true},
		{"UTRECHT.NL", "utrecht.nl", true},
		{"Mail.Utrecht.nl", "UTRECHT.nl", true},
		{"evilutrecht.nl", "utrecht.nl", false},
		{"mail.evilutrecht.nl", "utrecht.nl", false},
		{"mail-utrecht.nl", "utrecht.nl", false},
		{"utrecht.nl.evil.com", "utrecht.nl", false},
		{"utrecht.nl", "mail.utrecht.nl", false},
		{"nl", "utrecht.nl", false},
		{"trecht.nl", "utrecht.nl", false},
		{"utrecht.nl", "", false},
		{"", "utrecht.nl", false},
		{"", "", false},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (mailaddr_domain_within(rows[i].domain, rows[i].parent) !=
		    rows[i].within)
			fail_msg("'%s' within '%s': expected %s",
				 rows[i].domain, rows[i].parent,
				 rows[i].within ? "true" : "false");
	}
}

static void
test_machine(void **state)
{
	static const struct {
		const char *addr;
		bool machine;
	} rows[] = {
		{"MAILER-DAEMON@mx.utrecht.nl", true},
		{"mailer-daemon@x.nl", true},
		{"postmaster@utrecht.nl", true},
		{"no-reply@utrecht.nl", true},
		{"noreply@utrecht.nl", true},
		{"NoReply@Utrecht.nl", true},
		{"do-not-reply@x.nl", true},
		{"donotreply@x.nl", true},
		{"bounce@x.nl", true},
		{"bounces@x.nl", true},
		{"mailer-daemon", true}, /* a bare local part */
		{"jan@utrecht.nl", false},
		{"reply@x.nl", false},
		{"postmaster2@x.nl", false},
		{"noreply.gemeente@x.nl", false},
		{"jan.noreply@x.nl", false},
		{"jan@noreply.nl", false}, /* the domain does not count */
		{"", false},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (mailaddr_is_machine(rows[i].addr) != rows[i].machine)
			fail_msg("'%s': expected %s", rows[i].addr,
				 rows[i].machine ? "machine" : "person");
	}
}

static void
test_distance(void **state)
{
	static const struct {
		const char *a;
		const char *b;
		size_t limit;
		size_t want;
	} rows[] = {
		{"", "", 2, 0},
		{"abc", "abc", 2, 0},
		{"utrecht.nl", "UTRECHT.NL", 1, 0},  /* case does not count */
		{"utrecht.nl", "utrech.nl", 1, 1},   /* deletion */
		{"utrecht.nl", "utrechtt.nl", 1, 1}, /* insertion */
		{"utrecht.nl", "utrecjt.nl", 1, 1},  /* substitution */
		{"ab", "ba", 2, 2},		     /* no transpositions */
		{"flaw", "lawn", 2, 2},
		{"kitten", "sitting", 5, 3},
		/* the cap: limit-1, limit, limit+1 of the real distance */
		{"kitten", "sitting", 4, 3},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3},
		{"kitten", "sitting", 1, 2},
		{"kitten", "sitting", 0, 1},
		/* a length difference above the limit is capped at once */
		{"abc", "", 3, 3},
		{"abc", "", 1, 2},
		{"", "abcdef", 2, 3},
		{"zwolle.nl", "gmail.com", 1, 2},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t got =
			mailaddr_distance(rows[i].a, rows[i].b, rows[i].limit);

		if (got != rows[i].want)
			fail_msg("'%s' '%s' limit %zu: expected %zu, got %zu",
				 rows[i].a, rows[i].b, rows[i].limit,
				 rows[i].want, got);
		/* symmetric */
		assert_int_equal(
			mailaddr_distance(rows[i].b, rows[i].a, rows[i].limit),
			got);
	}
}

static void
test_distance_limit(void **state)
{
	static const struct {
		size_t len;
		size_t same;	/* distance to itself, limit 1 */
		size_t one_off; /* to a copy with one letter changed */
	} rows[] = {
		{MAILADDR_DOMAIN_MAX - 1, 0, 1},
		{MAILADDR_DOMAIN_MAX, 0, 1},
		/* longer than any domain: not looked at, capped */
		{MAILADDR_DOMAIN_MAX + 1, 2, 2},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *a = domain_of_length(rows[i].len);
		char *b = xstrdup(a);

		b[0] = 'y';
		assert_int_equal(mailaddr_distance(a, a, 1), rows[i].same);
		assert_int_equal(mailaddr_distance(a, b, 1), rows[i].one_off);
		/* against a short name: capped by the length difference */
		assert_int_equal(mailaddr_distance(a, "utrecht.nl", 1), 2);
		free(a);
		free(b);
	}
}

/* The one shape that may enrol: a dot-atom, one '@', LDH labels. */
static void
test_valid(void **state)
{
	static const struct {
		const char *addr;
		bool valid;
	} rows[] = {
		{"jan@amsterdam.nl", true},
		{"j.de.vries@gemeente.utrecht.nl", true},
		{"jan+aanmelding@amsterdam.nl", true},
		{"o'brien@s-hertogenbosch.nl", true},
		{"x@a1.nl", true},
		{"jan@evil.example@amsterdam.nl", false},
		{"\"evil@x\"@amsterdam.nl", false},
		{"\"jan\"@amsterdam.nl", false},
		{"jan@amsterdam", false},
		{"jan@-amsterdam.nl", false},
		{"jan@amsterdam-.nl", false},
		{"jan@amsterdam..nl", false},
		{"jan@.amsterdam.nl", false},
		{"jan@amsterdam.nl.", false},
		{".jan@amsterdam.nl", false},
		{"jan.@amsterdam.nl", false},
		{"j..an@amsterdam.nl", false},
		{"jan@[1.2.3.4]", false},
		{"j\xc3\xa4n@amsterdam.nl", false},
		{"jan@amst\xc3\xa9rdam.nl", false},
		{"jan amsterdam.nl", false},
		{"@amsterdam.nl", false},
		{"jan@", false},
		{"", false},
		{"Foo<foo@bar.nl", false},
		{"jan@ams_terdam.nl", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (mailaddr_valid(rows[i].addr) != rows[i].valid)
			fail_msg("%s: expected %s", rows[i].addr,
				 rows[i].valid ? "valid" : "invalid");
	}
	assert_false(mailaddr_valid(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_domain_limit),
		cmocka_unit_test(test_within),
		cmocka_unit_test(test_machine),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_distance_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
