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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "cli_check.h"
#include "gemeenten.h"
#include "programme.h"
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
		/* the one named: gemeenten_at() says who it is on a day */
		{"Gemeente Heerhugowaard", "GM0398"},
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

/* A local time "YYYY-MM-DD HH:MM" in the programme's zone. */
static time_t
at(const char *when)
{
	time_t t;

	assert_int_equal(util_parse_time(when, &t), 0);
	return t;
}

/* A merge takes effect on its date, by the local day: the day before,
   both are themselves; from it, the old one is its successor.  A
   planned merge (Wijdemeren into Hilversum) the same. */
static void
test_merge_dates(void **state)
{
	const struct gemeente *weesp = gemeenten_by_code(g, "GM0457");
	const struct gemeente *wijdemeren = gemeenten_by_code(g, "GM1696");
	const struct gemeente *hhw = gemeenten_claimed(g, "Gemeente "
							  "Heerhugowaard");

	(void)state;
	assert_false(weesp->planned);
	assert_string_equal(code(gemeenten_at(weesp, at("2022-03-23 23:59"))),
			    "GM0457");
	assert_false(gemeenten_merged_at(weesp, at("2022-03-23 23:59")));
	assert_string_equal(code(gemeenten_at(weesp, at("2022-03-24 00:00"))),
			    "GM0363");
	assert_true(gemeenten_merged_at(weesp, at("2022-03-24 00:00")));
	assert_true(wijdemeren->planned);
	assert_true(wijdemeren->merged);
	assert_string_equal(wijdemeren->merged_on, "2027-01-01");
	assert_string_equal(
		code(gemeenten_at(wijdemeren, at("2026-12-31 23:59"))),
		"GM1696");
	assert_string_equal(
		code(gemeenten_at(wijdemeren, at("2027-01-01 00:00"))),
		"GM0402");
	/* the successor stays itself */
	assert_string_equal(code(gemeenten_at(wijdemeren->successor,
					      at("2030-01-01 00:00"))),
			    "GM0402");
	assert_string_equal(code(gemeenten_at(hhw, at("2021-12-31 12:00"))),
			    "GM0398");
	assert_string_equal(code(gemeenten_at(hhw, at("2022-01-01 12:00"))),
			    "GM1980");
}

/* aanmeld check: the merges within a programme, and a warning for a
   planned one; none in the seed's 2021. */
static void
test_check_merges(void **state)
{
	struct programme p;
	struct buf out;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.opens = at("2026-03-01 00:00");
	p.closes = at("2026-04-12 23:59");
	p.congress.title = "Slotcongres";
	p.congress.start = at("2027-01-07 10:00");
	p.congress.end = at("2027-01-07 16:00");
	buf_init(&out, 65536);
	assert_int_equal(cli_check_merges(g, &p, &out), 1);
	assert_string_equal(
		buf_str(&out),
		"merge: Wijdemeren (GM1696) into Hilversum (GM0402) on "
		"2027-01-01 (planned), within the programme: before that day "
		"it enrols on its own, from it as Hilversum\n"
		"warning: the merge of Wijdemeren (GM1696) into Hilversum "
		"(GM0402) on 2027-01-01 is planned, not yet law: it takes "
		"effect on that date unless gemeenten.tsv says otherwise\n");
	buf_deinit(&out);
	/* ending the day before: outside, and nothing to warn of */
	p.congress.end = at("2026-12-31 23:59");
	buf_init(&out, 65536);
	assert_int_equal(cli_check_merges(g, &p, &out), 0);
	assert_string_equal(buf_str(&out), "");
	buf_deinit(&out);
	/* 2022: three done on 1 January and Weesp on 24 March */
	p.opens = at("2021-12-01 00:00");
	p.closes = at("2021-12-31 00:00");
	p.congress.end = at("2022-03-24 10:00");
	buf_init(&out, 65536);
	assert_int_equal(cli_check_merges(g, &p, &out), 0);
	assert_non_null(strstr(buf_str(&out),
			       "merge: Weesp (GM0457) into Amsterdam (GM0363) "
			       "on 2022-03-24, within the programme"));
	assert_non_null(strstr(buf_str(&out), "merge: Beemster (GM0370)"));
	assert_null(strstr(buf_str(&out), "Brielle")); /* 2023 */
	buf_deinit(&out);
}

/* A planned merge needs its date; a date is a date. */
static void
test_merge_rows(void **state)
{
	static const struct {
		const char *row, *error;
	} rows[] = {
		{"GM9001\tA\tP\ta.nl\tplanned\tGM9002\t\tx\n",
		 ":2: planned without merged_on"},
		{"GM9001\tA\tP\ta.nl\tmerged\tGM9002\t2027-13-01\tx\n",
		 ":2: bad merged_on '2027-13-01' (YYYY-MM-DD)"},
		{"GM9001\tA\tP\ta.nl\tplanned\t\t2027-01-01\tx\n",
		 ":2: planned without merged_into"},
		{"GM9001\tA\tP\ta.nl\tsoon\tGM9002\t2027-01-01\tx\n",
		 ":2: bad status 'soon'"},
	};
	char path[] = "/tmp/aanmeld-gemeenten.XXXXXX";

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *text = xasprintf("code\tname\tprovince\tdomains\tstatus"
				       "\tmerged_into\tmerged_on\tsource\n%s"
				       "GM9002\tB\tP\tb.nl\tcurrent\t\t\tx\n",
				       rows[i].row);
		struct gemeenten *bad;
		struct buf errors;
		int fd = mkstemp(path);

		assert_true(fd != -1);
		assert_int_equal(write(fd, text, strlen(text)),
				 (ssize_t)strlen(text));
		close(fd);
		buf_init(&errors, 65536);
		bad = gemeenten_load(
			path, TOP_SRCDIR "/rules/shared-domains.tsv", &errors);
		unlink(path);
		memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
		assert_null(bad);
		if (strstr(buf_str(&errors), rows[i].error) == NULL)
			fail_msg("%s: got %s", rows[i].error, buf_str(&errors));
		buf_deinit(&errors);
		free(text);
	}
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
		cmocka_unit_test(test_merge_dates),
		cmocka_unit_test(test_check_merges),
		cmocka_unit_test(test_merge_rows),
	};

	/* merges take effect by the programme's local day */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();

	return cmocka_run_group_tests(tests, setup, teardown);
}
