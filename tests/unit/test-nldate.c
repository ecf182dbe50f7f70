/*
 * Dutch dates and time ranges (nldate.c) in Amsterdam's time: the edges
 * of months and years, summer time, and buffers too small.
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

#include "fixture.h"
#include "nldate.h"
#include "util.h"

static void
test_month(void **state)
{
	(void)state;
	assert_string_equal(nldate_month(0), "januari");
	assert_string_equal(nldate_month(2), "maart");
	assert_string_equal(nldate_month(7), "augustus");
	assert_string_equal(nldate_month(11), "december");
	assert_null(nldate_month(-1));
	assert_null(nldate_month(12));
}

static void
test_dates(void **state)
{
	/* local midnight and the last minute before it, at the edges */
	const struct {
		time_t t;
		const char *date, *day, *when;
	} rows[] = {
		{fixture_utc(2020, 12, 31, 22, 59, 0),
		 "donderdag 31 december 2020", "31 december 2020",
		 "31 december 2020, 23.59 uur"},
		{fixture_utc(2020, 12, 31, 23, 0, 0), "vrijdag 1 januari 2021",
		 "1 januari 2021", "1 januari 2021, 00.00 uur"},
		{fixture_utc(2021, 1, 31, 22, 59, 0), "zondag 31 januari 2021",
		 "31 januari 2021", "31 januari 2021, 23.59 uur"},
		{fixture_utc(2021, 1, 31, 23, 0, 0), "maandag 1 februari 2021",
		 "1 februari 2021", "1 februari 2021, 00.00 uur"},
		/* a leap day, in winter time */
		{fixture_utc(2024, 2, 29, 9, 5, 0),
		 "donderdag 29 februari 2024", "29 februari 2024",
		 "29 februari 2024, 10.05 uur"},
		/* summer time: two hours ahead of UTC */
		{fixture_utc(2021, 4, 30, 22, 0, 0), "zaterdag 1 mei 2021",
		 "1 mei 2021", "1 mei 2021, 00.00 uur"},
		{fixture_utc(2021, 10, 31, 22, 59, 0), "zondag 31 oktober 2021",
		 "31 oktober 2021", "31 oktober 2021, 23.59 uur"},
		{fixture_utc(2021, 11, 30, 23, 0, 0),
		 "woensdag 1 december 2021", "1 december 2021",
		 "1 december 2021, 00.00 uur"},
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(rows); i++) {
		nldate_format(rows[i].t, buf, sizeof(buf));
		assert_string_equal(buf, rows[i].date);
		nldate_format_day(rows[i].t, buf, sizeof(buf));
		assert_string_equal(buf, rows[i].day);
		nldate_format_when(rows[i].t, buf, sizeof(buf));
		assert_string_equal(buf, rows[i].when);
		/* the weekday, the date and the time: "<date> om <time>" */
		nldate_format_moment(rows[i].t, buf, sizeof(buf));
		assert_int_equal(
			strncmp(buf, rows[i].date, strlen(rows[i].date)), 0);
		assert_int_equal(strncmp(buf + strlen(rows[i].date), " om ", 4),
				 0);
		assert_string_equal(buf + strlen(rows[i].date) + 4,
				    strchr(rows[i].when, ',') + 2);
	}
	/* the brief's example: a session's start */
	nldate_format_moment(fixture_utc(2021, 4, 29, 11, 30, 0), buf,
			     sizeof(buf));
	assert_string_equal(buf, "donderdag 29 april 2021 om 13.30 uur");
}

static void
test_hours(void **state)
{
	const struct {
		time_t start, end;
		const char *want;
	} rows[] = {
		{fixture_utc(2021, 4, 13, 11, 30, 0),
		 fixture_utc(2021, 4, 13, 13, 0, 0), "13.30-15.00 uur"},
		/* winter time, single-digit hours padded */
		{fixture_utc(2021, 1, 5, 8, 5, 0),
		 fixture_utc(2021, 1, 5, 8, 6, 0), "09.05-09.06 uur"},
		/* until midnight and past it */
		{fixture_utc(2021, 6, 1, 20, 0, 0),
		 fixture_utc(2021, 6, 1, 22, 0, 0), "22.00-00.00 uur"},
		/* a moment (a deadline) or a range backwards: none */
		{fixture_utc(2021, 4, 13, 11, 30, 0),
		 fixture_utc(2021, 4, 13, 11, 30, 0), ""},
		{fixture_utc(2021, 4, 13, 11, 30, 0),
		 fixture_utc(2021, 4, 13, 11, 29, 0), ""},
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(rows); i++) {
		memset(buf, 'x', sizeof(buf));
		nldate_format_hours(rows[i].start, rows[i].end, buf,
				    sizeof(buf));
		assert_string_equal(buf, rows[i].want);
	}
}

static void
test_small_buffer(void **state)
{
	time_t t = fixture_utc(2021, 4, 13, 11, 30, 0);
	char buf[16];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	nldate_format(t, buf, 8);
	assert_string_equal(buf, "dinsdag");
	assert_int_equal(buf[8], 'x');
	memset(buf, 'x', sizeof(buf));
	nldate_format_when(t, buf, 5);
	assert_string_equal(buf, "13 a");
	assert_int_equal(buf[5], 'x');
	memset(buf, 'x', sizeof(buf));
	nldate_format_hours(t, t + 3600, buf, 6);
	assert_string_equal(buf, "13.30");
	assert_int_equal(buf[6], 'x');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_month),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_hours),
		cmocka_unit_test(test_small_buffer),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
