/*
 * Unit tests for aanmeld's command line (cli_args.h): the global options
 * before and after the command, in every spelling; -h/--help before the
 * command only; "--" ends them; an unknown option before the command or
 * a value missing is an error naming the argument.  And the retry
 * countdowns that aanmeld status shows as one line (countdown.h).
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

#include "cli_args.h"
#include "countdown.h"

#define PARSE(args, error, ...)                                                \
	parse(args, error, (char *[]){"aanmeld", __VA_ARGS__, NULL})

/* What each test parses into, and its error. */
static struct cli_args a;
static const char *err;

static int
parse(struct cli_args *args, const char **error, char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return cli_args_parse(args, argc, argv, error);
}

/* The command's arguments joined by spaces. */
static void
assert_rest(const struct cli_args *args, const char *want)
{
	char got[256] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < args->argc; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s",
					i > 0 ? " " : "", args->argv[i]);
	assert_string_equal(got, want);
	assert_null(args->argv[args->argc]);
}

static void
test_before_and_after(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&a, &err, "-c", "x.conf", "classify", "--now",
			       "2021-04-01 10:00", "f.eml"),
			 0);
	assert_string_equal(a.conf, "x.conf");
	assert_string_equal(a.now, "2021-04-01 10:00");
	assert_rest(&a, "classify f.eml");
	cli_args_deinit(&a);

	assert_int_equal(PARSE(&a, &err, "classify", "--empty", "f.eml",
			       "--config=y.conf", "-cz.conf", "--now=2021"),
			 0);
	assert_string_equal(a.conf, "z.conf");
	assert_string_equal(a.now, "2021");
	assert_rest(&a, "classify --empty f.eml");
	cli_args_deinit(&a);
}

static void
test_help_version_rest(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&a, &err, "--help"), 0);
	assert_true(a.help);
	assert_int_equal(a.argc, 0);
	cli_args_deinit(&a);
	assert_int_equal(PARSE(&a, &err, "status", "-h"), 0);
	assert_false(a.help);
	assert_rest(&a, "status -h");
	cli_args_deinit(&a);
	assert_int_equal(PARSE(&a, &err, "queue", "--version"), 0);
	assert_true(a.version);
	cli_args_deinit(&a);
	/* after "--" nothing is global */
	assert_int_equal(PARSE(&a, &err, "classify", "--", "-c", "--now"), 0);
	assert_null(a.conf);
	assert_null(a.now);
	assert_rest(&a, "classify -- -c --now");
	cli_args_deinit(&a);
	/* a command's own options pass */
	assert_int_equal(PARSE(&a, &err, "export", "--person", "a@b", "--json"),
			 0);
	assert_rest(&a, "export --person a@b --json");
	cli_args_deinit(&a);
}

static void
test_errors(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&a, &err, "--bogus", "queue"), -1);
	assert_string_equal(a.bad, "--bogus");
	assert_string_equal(err, "is not an option");
	cli_args_deinit(&a);
	assert_int_equal(PARSE(&a, &err, "-hx"), -1);
	assert_string_equal(a.bad, "-hx");
	cli_args_deinit(&a);
	assert_int_equal(PARSE(&a, &err, "queue", "-c"), -1);
	assert_string_equal(a.bad, "-c");
	assert_string_equal(err, "needs a value");
	cli_args_deinit(&a);
	assert_int_equal(PARSE(&a, &err, "--now"), -1);
	cli_args_deinit(&a);
	/* a prefix is not the option */
	assert_int_equal(PARSE(&a, &err, "--configx", "queue"), -1);
	assert_string_equal(a.bad, "--configx");
	cli_args_deinit(&a);
}

static void
test_countdown(void **state)
{
	(void)state;
	assert_true(countdown_same("imap: h unreachable, next try in 8 s",
				   "imap: h unreachable, next try in 16 s"));
	assert_true(countdown_same("x", "x"));
	assert_false(countdown_same("x", "y"));
	/* another host, another error */
	assert_false(countdown_same("imap: h unreachable, next try in 8 s",
				    "imap: g unreachable, next try in 8 s"));
	assert_false(countdown_same("next try in 8 s", "next try in 8 min"));
	assert_false(countdown_same("next try in 8 s", "next try in soon"));
	assert_false(countdown_same("message 12 failed", "message 13 failed"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_before_and_after),
	cmocka_unit_test(test_help_version_rest),
	cmocka_unit_test(test_errors),
	cmocka_unit_test(test_countdown),
};

int
main(void)
{
	return cmocka_run_group_tests(tests, NULL, NULL);
}
