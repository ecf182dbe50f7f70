/*
 * Unit tests for the retention cut-off: the end of the programme (its
 * last item, with or without a congress) plus whole months in the
 * programme's time zone, with days the later month lacks and a change of
 * summer time in between.
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
#include "fixture.h"
#include "programme.h"
#include "retention.h"
#include "util.h"

static void
test_programme_end(void **state)
{
	struct programme *p;
	struct buf errors;

	(void)state;
	buf_init(&errors, 4096);
	p = programme_load(TOP_SRCDIR "/rules/programme.conf", &errors);
	assert_non_null(p);
	/* the congress of 7 October 2021 ends at 16:00 summer time */
	assert_int_equal(retention_programme_end(p),
			 fixture_utc(2021, 10, 7, 14, 0, 0));
	/* twelve months on, again summer time */
	assert_int_equal(retention_cutoff(retention_programme_end(p), 12),
			 fixture_utc(2022, 10, 7, 14, 0, 0));
	programme_free(p);
	buf_deinit(&errors);
}

/* Without a congress the last session ends the programme, not the
   first or the order in the file. */
static void
test_end_without_congress(void **state)
{
	char dir[] = "/tmp/test-retention-XXXXXX", *path;
	struct programme *p;
	struct buf errors;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/programme.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[event]\nname = proef\naddress = GlobalGoals@VNG.nl\n"
	      "capacity = 5\nenrolment_closes = 2021-04-12 23:59\n"
	      "[session 2]\ntitle = S2\nstart = 2021-05-27 13:30\n"
	      "end = 2021-05-27 15:30\n"
	      "[session 1]\ntitle = S1\nstart = 2021-04-13 13:30\n"
	      "end = 2021-04-13 15:30\n"
	      "[deadline]\ntitle = Teksten\ndate = 2021-05-01\n",
	      f);
	fclose(f);
	buf_init(&errors, 4096);
	p = programme_load(path, &errors);
	if (p == NULL)
		print_message("%s", buf_str(&errors));
	assert_non_null(p);
	assert_int_equal(retention_programme_end(p),
			 fixture_local(2021, 5, 27, 15, 30));
	programme_free(p);
	buf_deinit(&errors);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void
test_whole_months(void **state)
{
	(void)state;
	assert_int_equal(retention_cutoff(fixture_local(2021, 10, 7, 16, 0), 0),
			 fixture_local(2021, 10, 7, 16, 0));
	assert_int_equal(retention_cutoff(fixture_local(2021, 10, 7, 16, 0), 1),
			 fixture_local(2021, 11, 7, 16, 0));
	/* over the turn of the year */
	assert_int_equal(retention_cutoff(fixture_local(2021, 10, 7, 16, 0), 3),
			 fixture_local(2022, 1, 7, 16, 0));
	assert_int_equal(
		retention_cutoff(fixture_local(2021, 10, 7, 16, 0), 27),
		fixture_local(2024, 1, 7, 16, 0));
}

/* A day the later month lacks becomes its last day, never a day of the
   month after. */
static void
test_month_end(void **state)
{
	(void)state;
	assert_int_equal(retention_cutoff(fixture_local(2021, 8, 31, 10, 0), 1),
			 fixture_local(2021, 9, 30, 10, 0));
	assert_int_equal(retention_cutoff(fixture_local(2021, 1, 31, 10, 0), 1),
			 fixture_local(2021, 2, 28, 10, 0));
	/* a leap year */
	assert_int_equal(retention_cutoff(fixture_local(2020, 1, 31, 10, 0), 1),
			 fixture_local(2020, 2, 29, 10, 0));
	assert_int_equal(
		retention_cutoff(fixture_local(2020, 2, 29, 10, 0), 12),
		fixture_local(2021, 2, 28, 10, 0));
	assert_int_equal(
		retention_cutoff(fixture_local(2020, 2, 29, 10, 0), 48),
		fixture_local(2024, 2, 29, 10, 0));
	/* 1900 was no leap year, 2000 was */
	assert_int_equal(
		retention_cutoff(fixture_local(1999, 12, 31, 10, 0), 2),
		fixture_local(2000, 2, 29, 10, 0));
	assert_int_equal(
		retention_cutoff(fixture_local(2021, 12, 31, 23, 59), 2),
		fixture_local(2022, 2, 28, 23, 59));
	/* the 30th stays the 30th where it exists */
	assert_int_equal(retention_cutoff(fixture_local(2021, 9, 30, 10, 0), 1),
			 fixture_local(2021, 10, 30, 10, 0));
}

/* The same local time of day across a change of summer time: the
   distance is not a whole number of days of 24 hours. */
static void
test_summer_time(void **state)
{
	(void)state;
	/* 12:00 CET is 11:00 UTC; 12:00 CEST a month later is 10:00 UTC */
	assert_int_equal(
		retention_cutoff(fixture_utc(2021, 3, 27, 11, 0, 0), 1),
		fixture_utc(2021, 4, 27, 10, 0, 0));
	assert_int_equal(
		retention_cutoff(fixture_utc(2021, 10, 7, 14, 0, 0), 2),
		fixture_utc(2021, 12, 7, 15, 0, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_programme_end),
		cmocka_unit_test(test_end_without_congress),
		cmocka_unit_test(test_whole_months),
		cmocka_unit_test(test_month_end),
		cmocka_unit_test(test_summer_time),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
