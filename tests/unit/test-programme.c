/*
 * Unit tests for the programme: the project's programme.conf in its own
 * time zone, the Dutch text of the programme and its dates, and broken
 * files reported as file:line, with the session number limit.
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
#include "fixture.h"
#include "nldate.h"
#include "programme.h"
#include "util.h"

/* A small valid programme of 9 lines; rows append to it. */
#define BASE                                                                   \
	"[event]\n"                                                            \
	"name = proef\n"                                                       \
	"address = GlobalGoals@VNG.nl\n"                                       \
	"capacity = 5\n"                                                       \
	"enrolment_closes = 2021-04-12 23:59\n"                                \
	"[session 1]\n"                                                        \
	"title = S1\n"                                                         \
	"start = 2021-04-13 13:30\n"                                           \
	"end = 2021-04-13 15:30\n"

struct fixture {
	char dir[64];
	char *path;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	util_strlcpy(f->dir, "/tmp/test-programme-XXXXXX", sizeof(f->dir));
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->path = xasprintf("%s/programme.conf", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	remove(f->path);
	remove(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static struct programme *
load_text(struct fixture *f, const char *text, struct buf *errors)
{
	write_text(f->path, text);
	buf_init(errors, 65536);
	return programme_load(f->path, errors);
}

static void
test_project(void **state)
{
	static const struct {
		unsigned number;
		int day, month;
	} sessions[] = {
		{1, 13, 4}, {2, 29, 4}, {3, 27, 5}, {4, 24, 6}, {5, 16, 9},
	};
	struct programme *p = fixture_programme();
	size_t i;

	assert_string_equal(p->timezone, "Europe/Amsterdam");
	/* loading made it the process's zone */
	assert_string_equal(getenv("TZ"), "Europe/Amsterdam");
	assert_string_equal(p->address, "GlobalGoals@VNG.nl");
	assert_string_equal(p->organiser, "VNG");
	assert_int_equal(p->capacity, 5);
	/* the fixture does not say: the default */
	assert_int_equal(p->max_deliveries_per_day, 5);
	/* CET (+1) on 1 March, CEST (+2) from 28 March */
	assert_int_equal(p->opens, fixture_utc(2021, 2, 28, 23, 0, 0));
	assert_int_equal(p->closes, fixture_utc(2021, 4, 12, 21, 59, 0));
	assert_int_equal(p->n_sessions, 5);
	for (i = 0; i < p->n_sessions; i++) {
		const struct programme_item *s = &p->sessions[i];

		/* 13:30-15:30 in Amsterdam is 11:30-13:30 UTC */
		assert_int_equal(s->number, sessions[i].number);
		assert_int_equal(s->start,
				 fixture_utc(2021, sessions[i].month,
					     sessions[i].day, 11, 30, 0));
		assert_int_equal(s->end,
				 fixture_utc(2021, sessions[i].month,
					     sessions[i].day, 13, 30, 0));
		assert_non_null(s->title);
		assert_non_null(s->link);
	}
	/* a date alone is the start of that day; start == end */
	assert_non_null(p->deadline.title);
	assert_int_equal(p->deadline.start, fixture_utc(2021, 8, 14, 22, 0, 0));
	assert_int_equal(p->deadline.end, p->deadline.start);
	assert_int_equal(p->congress.start, fixture_utc(2021, 10, 7, 8, 0, 0));
	assert_int_equal(p->congress.end, fixture_utc(2021, 10, 7, 14, 0, 0));
	programme_free(p);
	programme_free(NULL);
}

static void
test_format(void **state)
{
	/* in date order: the deadline falls between sessions 4 and 5 */
	static const char want[] =
		"- dinsdag 13 april 2021, 13.30-15.30 uur: Sessie 1: "
		"introductie en ambities\n"
		"- donderdag 29 april 2021, 13.30-15.30 uur: Sessie 2: "
		"inspiratie van buitenlandse gemeenten\n"
		"- donderdag 27 mei 2021, 13.30-15.30 uur: Sessie 3: "
		"werksessie\n"
		"- donderdag 24 juni 2021, 13.30-15.30 uur: Sessie 4: "
		"werksessie\n"
		"- zondag 15 augustus 2021, Opleveren tekst (best practice)\n"
		"- donderdag 16 september 2021, 13.30-15.30 uur: Sessie 5: "
		"teksten afronden en prototype handreiking\n"
		"- donderdag 7 oktober 2021, 10.00-16.00 uur: Slotcongres "
		"Iedereen Doet Mee!\n";
	struct programme *p = fixture_programme();
	char *text = programme_format(p);

	assert_string_equal(text, want);
	free(text);
	programme_free(p);
}

static void
test_format_date(void **state)
{
	/* every month and every day of the week, in Amsterdam's time */
	const struct {
		time_t t;
		const char *want;
	} rows[] = {
		{fixture_utc(2021, 4, 13, 11, 30, 0), "dinsdag 13 april 2021"},
		{fixture_utc(2020, 12, 31, 23, 0, 0), "vrijdag 1 januari 2021"},
		{fixture_utc(2020, 12, 31, 22, 59, 0),
		 "donderdag 31 december 2020"},
		/* 22:30 UTC is already the next day in Amsterdam */
		{fixture_utc(2021, 4, 12, 22, 30, 0), "dinsdag 13 april 2021"},
		{fixture_utc(2021, 2, 28, 12, 0, 0), "zondag 28 februari 2021"},
		{fixture_utc(2021, 3, 1, 12, 0, 0), "maandag 1 maart 2021"},
		{fixture_utc(2021, 5, 27, 12, 0, 0), "donderdag 27 mei 2021"},
		{fixture_utc(2021, 6, 30, 12, 0, 0), "woensdag 30 juni 2021"},
		{fixture_utc(2021, 7, 3, 12, 0, 0), "zaterdag 3 juli 2021"},
		{fixture_utc(2021, 8, 15, 12, 0, 0), "zondag 15 augustus 2021"},
		{fixture_utc(2021, 9, 17, 12, 0, 0),
		 "vrijdag 17 september 2021"},
		{fixture_utc(2021, 10, 7, 12, 0, 0),
		 "donderdag 7 oktober 2021"},
		{fixture_utc(2021, 11, 1, 12, 0, 0), "maandag 1 november 2021"},
		{fixture_utc(2021, 12, 1, 12, 0, 0),
		 "woensdag 1 december 2021"},
	};
	struct programme *p = fixture_programme();
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nldate_format(rows[i].t, buf, sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("%lld: expected '%s', got '%s'",
				 (long long)rows[i].t, rows[i].want, buf);
	}
	/* the first session's own date */
	nldate_format(p->sessions[0].start, buf, sizeof(buf));
	assert_string_equal(buf, "dinsdag 13 april 2021");
	/* a small buffer is cut, never overrun */
	memset(buf, 'x', sizeof(buf));
	nldate_format(p->sessions[0].start, buf, 8);
	assert_string_equal(buf, "dinsdag");
	assert_int_equal(buf[8], 'x');
	programme_free(p);
}

static void
test_sorted(void **state)
{
	struct fixture *f = *state;
	struct programme *p;
	struct buf errors;

	p = load_text(f,
		      BASE "[session 3]\ntitle = S3\nstart = 2021-05-03 10:00\n"
			   "end = 2021-05-03 11:00\n"
			   "[session 2]\ntitle = S2\nstart = 2021-05-02 10:00\n"
			   "end = 2021-05-02 11:00\n",
		      &errors);
	assert_non_null(p);
	assert_int_equal(p->n_sessions, 3);
	assert_int_equal(p->sessions[0].number, 1);
	assert_int_equal(p->sessions[1].number, 2);
	assert_string_equal(p->sessions[1].title, "S2");
	assert_int_equal(p->sessions[2].number, 3);
	/* without organiser_name or organiser: a neutral signature */
	assert_string_equal(p->organiser_name, "de organisatie");
	assert_null(p->deadline.title);
	assert_null(p->congress.title);
	programme_free(p);
	buf_deinit(&errors);
}

static void
test_session_limit(void **state)
{
	static const struct {
		unsigned number;
		bool ok;
	} rows[] = {
		{PROGRAMME_SESSIONS_MAX - 1, true},
		{PROGRAMME_SESSIONS_MAX, true},
		{PROGRAMME_SESSIONS_MAX + 1, false},
		{0, false},
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *text = xasprintf(BASE "[session %u]\ntitle = S\n"
					    "start = 2021-05-01 10:00\n"
					    "end = 2021-05-01 11:00\n",
				       rows[i].number);
		char *want = xasprintf("%s:11: [session %u]: session number "
				       "too %s",
				       f->path, rows[i].number,
				       rows[i].number == 0 ? "small" : "large");
		struct programme *p;
		struct buf errors;

		p = load_text(f, text, &errors);
		if (rows[i].ok) {
			if (p == NULL)
				fail_msg("%s", buf_str(&errors));
			assert_int_equal(p->n_sessions, 2);
			assert_int_equal(p->sessions[1].number, rows[i].number);
		} else {
			assert_null(p);
			if (strstr(buf_str(&errors), want) == NULL)
				fail_msg("expected '%s' in:\n%s", want,
					 buf_str(&errors));
		}
		programme_free(p);
		free(want);
		free(text);
		buf_deinit(&errors);
	}
}

static void
test_every_session(void **state)
{
	struct fixture *f = *state;
	struct programme *p;
	struct buf text, errors;
	unsigned n;

	/* the table filled: every number from 1 to the limit */
	buf_init(&text, 1 << 20);
	assert_int_equal(buf_adds(&text, BASE), 0);
	for (n = PROGRAMME_SESSIONS_MAX; n >= 2; n--)
		assert_int_equal(buf_addf(&text,
					  "[session %u]\ntitle = S%u\n"
					  "start = 2021-05-01 10:00\n"
					  "end = 2021-05-01 11:00\n",
					  n, n),
				 0);
	p = load_text(f, buf_str(&text), &errors);
	if (p == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_int_equal(p->n_sessions, PROGRAMME_SESSIONS_MAX);
	for (n = 0; n < PROGRAMME_SESSIONS_MAX; n++)
		assert_int_equal(p->sessions[n].number, n + 1);
	programme_free(p);
	buf_deinit(&errors);
	buf_deinit(&text);
}

static void
test_broken(void **state)
{
	static const struct {
		const char *text;  /* appended to BASE */
		const char *error; /* after "path:" */
	} rows[] = {
		{"[session 2]\ntitle = S2\nstart = 2021-04-31 13:30\n",
		 "12: start: '2021-04-31 13:30' is not a time"},
		{"[session 1]\nend = 15:30\n",
		 "11: end: '15:30' is not a time"},
		{"[deadline]\ntitle = D\ndate = 15-08-2021\n",
		 "12: date: '15-08-2021' is not a time"},
		{"[event]\nenrolment_opens = morgen\n",
		 "11: enrolment_opens: 'morgen' is not a time"},
		{"[session 2]\ncolour = blue\n", "11: unknown key 'colour'"},
		{"[event]\ncolour = blue\n", "11: unknown key 'colour'"},
		{"[sessie 2]\ntitle = S2\n", "11: unknown section [sessie 2]"},
		{"[session two]\ntitle = S2\n",
		 "11: [session two]: session number invalid"},
		{"[event]\ncapacity = many\n", "11: capacity: invalid"},
		{"[event]\ncapacity = 0\n", "11: capacity: too small"},
		{"[event]\ncapacity = 100001\n", "11: capacity: too large"},
		{"[deadline]\nmax_deliveries_per_day = 0\n",
		 "11: max_deliveries_per_day: too small"},
		{"[deadline]\nmax_deliveries_per_day = veel\n",
		 "11: max_deliveries_per_day: invalid"},
		{"this is no ini line\n", "10: syntax error"},
		/* [reminders] */
		{"[reminders]\nsession = 7x\n",
		 "11: session: '7x' is not an offset like 7d or 12h"},
		{"[reminders]\nsession = 7d d\n",
		 "11: session: 'd' is not an offset"},
		{"[reminders]\ndeadline = 0d\n",
		 "11: deadline: '0d' is not an offset"},
		{"[reminders]\ndeadline = -3d\n",
		 "11: deadline: '-3d' is not an offset"},
		{"[reminders]\nsession = 366d\n",
		 "11: session: '366d' is not an offset like 7d or 12h (1 to "
		 "365)"},
		{"[reminders]\nsession = 1d 24h\n",
		 "11: session: the same offset twice"},
		{"[reminders]\nsession = 1d 2d 3d 4d 5d 6d 7d 8d 9d\n",
		 "11: session: more than 8 reminders"},
		{"[reminders]\ncongress = 1d\n", "11: unknown key 'congress'"},
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *text = xasprintf(BASE "%s", rows[i].text);
		char *want = xasprintf("%s:%s", f->path, rows[i].error);
		struct buf errors;

		assert_null(load_text(f, text, &errors));
		if (strstr(buf_str(&errors), want) == NULL)
			fail_msg("expected '%s' in:\n%s", want,
				 buf_str(&errors));
		free(want);
		free(text);
		buf_deinit(&errors);
	}
}

/* The reminder offsets: defaults, a file's own (sorted, largest first),
   "none", and the moments across the change to summer time. */
static void
test_reminders(void **state)
{
	struct fixture *f = *state;
	struct programme *p;
	struct buf errors;
	char s[16];

	p = load_text(f, BASE, &errors);
	assert_non_null(p);
	assert_int_equal(p->n_session_reminders, 2);
	programme_offset_format(&p->session_reminders[0], s, sizeof(s));
	assert_string_equal(s, "7d");
	programme_offset_format(&p->session_reminders[1], s, sizeof(s));
	assert_string_equal(s, "1d");
	assert_int_equal(p->n_deadline_reminders, 2);
	programme_offset_format(&p->deadline_reminders[0], s, sizeof(s));
	assert_string_equal(s, "14d");
	programme_offset_format(&p->deadline_reminders[1], s, sizeof(s));
	assert_string_equal(s, "3d");
	/* 7 days before 13 April 13:30 CEST: 6 April 13:30 CEST (11:30Z);
	   14 days before: 30 March, still summer time; 16 days before: 28
	   March 13:30, the day of the change, 11:30Z; 17 days: 27 March
	   13:30 CET, 12:30Z */
	{
		struct programme_offset d7 = {7, 'd'}, d16 = {16, 'd'};
		struct programme_offset d17 = {17, 'd'}, h12 = {12, 'h'};

		assert_int_equal(
			programme_offset_before(p->sessions[0].start, &d7),
			fixture_utc(2021, 4, 6, 11, 30, 0));
		assert_int_equal(
			programme_offset_before(p->sessions[0].start, &d16),
			fixture_utc(2021, 3, 28, 11, 30, 0));
		assert_int_equal(
			programme_offset_before(p->sessions[0].start, &d17),
			fixture_utc(2021, 3, 27, 12, 30, 0));
		assert_int_equal(
			programme_offset_before(p->sessions[0].start, &h12),
			fixture_utc(2021, 4, 12, 23, 30, 0));
	}
	programme_free(p);
	buf_deinit(&errors);

	p = load_text(f,
		      BASE "[reminders]\nsession = 2h 1d, 3d\n"
			   "deadline = none\n",
		      &errors);
	assert_non_null(p);
	assert_int_equal(p->n_session_reminders, 3);
	programme_offset_format(&p->session_reminders[0], s, sizeof(s));
	assert_string_equal(s, "3d");
	programme_offset_format(&p->session_reminders[2], s, sizeof(s));
	assert_string_equal(s, "2h");
	assert_int_equal(p->n_deadline_reminders, 0);
	programme_free(p);
	buf_deinit(&errors);
}

static void
test_incomplete(void **state)
{
	static const struct {
		const char *text;
		const char *error;
	} rows[] = {
		{"[event]\nname = x\n",
		 "[event] needs name, address, capacity and enrolment_closes"},
		{BASE "[session 2]\nstart = 2021-05-01 10:00\n"
		      "end = 2021-05-01 11:00\n",
		 "[session 2] needs a title, a start and an end after the "
		 "start"},
		{BASE "[session 2]\ntitle = S2\nstart = 2021-05-01 10:00\n",
		 "[session 2] needs a title"},
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf errors;
		const char *at;

		assert_null(load_text(f, rows[i].text, &errors));
		/* "path: message", or "path:line: message" */
		at = strstr(buf_str(&errors), rows[i].error);
		if (at == NULL ||
		    strncmp(buf_str(&errors), f->path, strlen(f->path)) != 0)
			fail_msg("expected '%s: %s' in:\n%s", f->path,
				 rows[i].error, buf_str(&errors));
		buf_deinit(&errors);
	}
}

/*
 * A session that ends before (or as) it starts is an error on a line of
 * the file: programme.h promises "file:line: message", and the organiser
 * has to find which [session N] to fix.  Either the section's line or the
 * end's line will do.
 */
static void
test_end_before_start(void **state)
{
	static const char *const ends[] = {
		"2021-05-01 09:59", /* before the start */
		"2021-05-01 10:00", /* at the start */
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		char *text = xasprintf(BASE "[session 2]\ntitle = S2\n"
					    "start = 2021-05-01 10:00\n"
					    "end = %s\n",
				       ends[i]);
		char at10[128], at13[128], got[512];
		struct programme *p;
		struct buf errors;
		bool found;

		snprintf(at10, sizeof(at10), "%s:10: ", f->path);
		snprintf(at13, sizeof(at13), "%s:13: ", f->path);
		p = load_text(f, text, &errors);
		found = strstr(buf_str(&errors), at10) != NULL ||
			strstr(buf_str(&errors), at13) != NULL;
		util_strlcpy(got, buf_str(&errors), sizeof(got));
		programme_free(p);
		free(text);
		buf_deinit(&errors);
		/* everything freed first: a failure leaks nothing */
		assert_null(p);
		if (!found)
			fail_msg("end %s: expected '%s' or '%s' in:\n%s",
				 ends[i], at10, at13, got);
	}
}

static void
test_every_error_reported(void **state)
{
	static const char *const want[] = {
		":11: unknown key 'colour'",
		":13: start: 'gisteren' is not a time",
		":15: capacity: invalid",
	};
	struct fixture *f = *state;
	struct buf errors;
	size_t i;

	assert_null(load_text(f,
			      BASE "[session 2]\ncolour = blue\ntitle = S2\n"
				   "start = gisteren\n[event]\n"
				   "capacity = veel\n",
			      &errors));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strstr(buf_str(&errors), want[i]) == NULL)
			fail_msg("expected '%s' in:\n%s", want[i],
				 buf_str(&errors));
	}
	buf_deinit(&errors);
}

static void
test_missing_file(void **state)
{
	struct fixture *f = *state;
	struct buf errors;
	char *want;

	buf_init(&errors, 4096);
	assert_null(programme_load(f->path, &errors));
	want = xasprintf("%s: ", f->path);
	assert_non_null(strstr(buf_str(&errors), want));
	free(want);
	buf_deinit(&errors);
}

static void
test_timezone(void **state)
{
	/* enrolment_closes = 2021-04-12 23:59 in each zone */
	const struct {
		const char *zone;
		time_t closes;
	} rows[] = {
		{"UTC", fixture_utc(2021, 4, 12, 23, 59, 0)},
		{"America/New_York",
		 fixture_utc(2021, 4, 13, 3, 59, 0)}, /* EDT */
		{"Europe/Amsterdam",
		 fixture_utc(2021, 4, 12, 21, 59, 0)}, /* CEST */
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		/* the zone counts wherever it is written in [event] */
		char *text = xasprintf(BASE "[event]\ntimezone = %s\n",
				       rows[i].zone);
		struct programme *p;
		struct buf errors;

		p = load_text(f, text, &errors);
		assert_non_null(p);
		assert_string_equal(p->timezone, rows[i].zone);
		assert_string_equal(getenv("TZ"), rows[i].zone);
		assert_int_equal(p->closes, rows[i].closes);
		programme_free(p);
		free(text);
		buf_deinit(&errors);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_project),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_date),
		cmocka_unit_test_setup_teardown(test_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_every_session, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminders, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_incomplete, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_end_before_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_every_error_reported,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timezone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
