/*
 * Unit tests for the rules loader: the project's subject rules against
 * the subjects people really send (tests/data/subjects.tsv), broken rule
 * folders reported as file:line, and the PCRE2 match limit.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "fixture.h"
#include "rules.h"
#include "util.h"

static struct rules *
load(const char *dir, struct buf *errors)
{
	buf_init(errors, 1024 * 1024);
	return rules_load(dir, errors);
}

static void
test_subjects(void **state)
{
	struct buf errors;
	struct rules *r = load(TOP_SRCDIR "/rules", &errors);
	const char *err;
	char *data, *cursor, *line;
	size_t len, n = 0;

	assert_non_null(r);
	data = util_read_file(TOP_SRCDIR "/tests/data/subjects.tsv",
			      1024 * 1024, &len, &err);
	assert_non_null(data);
	cursor = data;
	for (;;) {
		const struct subject_rule *rule = NULL;
		char *tab, *merr = NULL;
		const char *got;
		int rc;

		line = util_next_line(&cursor);
		if (line == NULL)
			break;
		tab = strchr(line, '\t');
		if (line[0] == '#' || tab == NULL)
			continue;
		*tab = '\0';
		rc = rules_match_subject(r, tab + 1, &rule, &merr);
		assert_int_not_equal(rc, -1);
		got = rc == 1 ? rules_action_name(rule->action) : "ignore";
		if (strcmp(got, line) != 0)
			fail_msg("'%s': expected %s, got %s", tab + 1, line,
				 got);
		n++;
	}
	assert_true(n >= 40);
	free(data);
	rules_free(r);
	buf_deinit(&errors);
}

/* A copy of the project's rules in a temporary folder. */
static char *
copy_rules(void)
{
	return fixture_copy_dir("test-rules", "rules");
}

static size_t
count_lines(const char *path)
{
	const char *err;
	size_t len, n = 0;
	char *data = util_read_file(path, 1 << 24, &len, &err), *p;

	assert_non_null(data);
	for (p = data; *p != '\0'; p++)
		n += *p == '\n';
	free(data);
	return n;
}

static void
test_broken(void **state)
{
	static const struct {
		const char *file;
		const char *text;
		const char *error; /* after "dir/file:line: " */
	} rows[] = {
		{"subject.rules", "enrol (unclosed\n", "pattern error"},
		{"subject.rules", "accept x\n", "unknown action 'accept'"},
		{"senders.rules", "allow example.nl GM9999\n",
		 "allow needs a known municipality code"},
		{"senders.rules", "deny a@b.nl\n", "expected a domain"},
		{"programme.conf", "[session 9]\nstart = 2021-04-31 13:30\n",
		 "start: '2021-04-31 13:30' is not a time"},
		{"programme.conf", "[event]\ncolour = blue\n",
		 "unknown key 'colour'"},
		{"templates/confirm.txt", "{{foo}}\n",
		 "unknown placeholder {{foo}}"},
		{"gemeenten.tsv", "GM9998\tX\tY\tx.nl\tcurrent\t\t\n",
		 "expected 8 fields"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *dir = copy_rules(), *path, *want;
		struct buf errors;
		size_t line;

		path = xasprintf("%s/%s", dir, rows[i].file);
		fixture_put(dir, rows[i].file, "a", rows[i].text);
		line = count_lines(path);
		assert_null(load(dir, &errors));
		/* the error names the file and the line it is on */
		want = xasprintf("%s:%zu: %s", path, line, rows[i].error);
		if (strstr(buf_str(&errors), want) == NULL)
			fail_msg("expected '%s' in:\n%s", want,
				 buf_str(&errors));
		free(want);
		free(path);
		buf_deinit(&errors);
		fixture_remove_dir(dir);
	}
}

static void
test_every_error_reported(void **state)
{
	char *dir = copy_rules();
	struct buf errors;

	fixture_put(dir, "subject.rules", "a", "bogus x\n");
	fixture_put(dir, "senders.rules", "a", "bogus x.nl\n");
	fixture_put(dir, "templates/reject.txt", "a", "{{nope}}\n");
	assert_null(load(dir, &errors));
	assert_non_null(strstr(buf_str(&errors), "subject.rules:"));
	assert_non_null(strstr(buf_str(&errors), "senders.rules:"));
	assert_non_null(strstr(buf_str(&errors), "reject.txt:"));
	buf_deinit(&errors);
	fixture_remove_dir(dir);
}

static void
test_match_limit(void **state)
{
	char *dir = copy_rules(), *path, *err = NULL;
	const struct subject_rule *rule;
	struct buf errors;
	struct rules *r;
	FILE *fp;

	/* catastrophic backtracking: the limit stops it */
	path = xasprintf("%s/subject.rules", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("# one rule\nreview ^(a+)+$\n", fp);
	fclose(fp);
	r = load(dir, &errors);
	assert_non_null(r);
	assert_int_equal(rules_match_subject(r,
					     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
					     "aaaaaaaaaaaaaaaab",
					     &rule, &err),
			 -1);
	assert_non_null(strstr(err, "subject.rules:2"));
	free(err);
	assert_int_equal(rules_match_subject(r, "aaaa", &rule, &err), 1);
	rules_free(r);
	free(path);
	buf_deinit(&errors);
	fixture_remove_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_match_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
