/*
 * Unit tests for who a domain speaks for, on the project's municipality
 * list: subdomains, merged municipalities, shared service organisations,
 * lookalikes (and what must not look alike) and claimed display names.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "gemeenten.h"
#include "util.h"

static struct gemeenten *g;

static int
setup(void **state)
{
	struct buf errors;

	buf_init(&errors, 65536);
	g = gemeenten_load(TOP_SRCDIR "/rules/gemeenten.tsv",
			   TOP_SRCDIR "/rules/shared-domains.tsv", &errors);
	buf_deinit(&errors);
	return g == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	gemeenten_free(g);
	return 0;
}

static const char *
code(const struct gemeente *m)
{
	return m == NULL ? "-" : m->code;
}

static void
test_by_domain(void **state)
{
	static const struct {
		const char *domain;
		const char *code;
	} rows[] = {
		{"utrecht.nl", "GM0344"},
		{"mail.utrecht.nl", "GM0344"},
		{"UTRECHT.NL", "GM0344"},
		{"a.b.c.zwolle.nl", "GM0193"},
		{"evilutrecht.nl", "-"},
		{"utrecht.nl.evil.com", "-"},
		{"nl", "-"},
		{"gmail.com", "-"},
		{"heerhugowaard.nl", "GM0398"},
	};
	const char *matched;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(
			code(gemeenten_by_domain(g, rows[i].domain, &matched)),
			rows[i].code);
	assert_true(gemeenten_by_code(g, "GM0398")->merged);
	assert_string_equal(gemeenten_by_code(g, "GM0398")->successor->code,
			    "GM1980");
	assert_null(gemeenten_by_code(g, "GM0398")->successor->successor);
	assert_true(gemeenten_count(g) >= 342);
}

static void
test_shared(void **state)
{
	const struct shared_org *s;

	s = gemeenten_shared_by_domain(g, "mail.servicepunt71.nl");
	assert_non_null(s);
	assert_int_equal(s->n_members, 4);
	assert_null(gemeenten_shared_by_domain(g, "utrecht.nl"));
}

static void
test_lookalike(void **state)
{
	static const struct {
		const char *domain;
		const char *code;
	} rows[] = {
		{"utrecht-gemeente.nl", "GM0344"},
		{"gemeente-utrecht.nl", "GM0344"},
		{"gemeenteutrecht.com", "GM0344"},
		{"utrecht.nl.evil.com", "GM0344"},
		{"utrech.nl", "GM0344"}, /* one letter away */
		{"nijmengen.nl", "GM0268"},
		{"gmail.com", "-"},
		{"rijksoverheid.nl", "-"},
		{"hotmail.com", "-"},
		{"minbzk.nl", "-"},
	};
	const char *like;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(
			code(gemeenten_lookalike(g, rows[i].domain, &like)),
			rows[i].code);
}

static void
test_claimed(void **state)
{
	static const struct {
		const char *name;
		const char *code;
	} rows[] = {
		{"Gemeente Utrecht", "GM0344"},
		{"gemeente utrechtse heuvelrug", "GM1581"},
		{"Utrecht", "GM0344"},
		{"Jan Jansen", "-"},
		{"Jan Jansen | Gemeente Zwolle", "GM0193"},
		{"Gemeente Heerhugowaard", "GM1980"}, /* its successor */
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(code(gemeenten_claimed(g, rows[i].name)),
				    rows[i].code);
}

/* A member code too short to be one (found by fuzzing the rules: the
   loader wrote past its end) is an error with the file and line. */
static void
test_shared_short_code(void **state)
{
	static const char rows[] =
		"domain\torganisation\tmember_codes\tmember_names\tkind\t"
		"source\tconfidence\n"
		"x.nl\tX\tg,GM0344\tUtrecht\tshared\tnone\tlow\n";
	char path[] = "/tmp/aanmeld-shared.XXXXXX";
	struct gemeenten *bad;
	struct buf errors;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, rows, sizeof(rows) - 1),
			 (ssize_t)(sizeof(rows) - 1));
	close(fd);
	buf_init(&errors, 65536);
	bad = gemeenten_load(TOP_SRCDIR "/rules/gemeenten.tsv", path, &errors);
	unlink(path);
	assert_null(bad);
	assert_non_null(strstr(buf_str(&errors), ":2: unknown municipality "
						 "code g"));
	buf_deinit(&errors);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_domain),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_shared_short_code),
		cmocka_unit_test(test_lookalike),
		cmocka_unit_test(test_claimed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
