/*
 * Unit tests for the outbox: the retry schedule (base * attempt^2, then
 * give up), and the attempts a run of it counts on a real SQLite file.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "outbox.h"
#include "smtp.h"
#include "store_report.h"
#include "util.h"

static void
test_next_try(void **state)
{
	static const struct {
		unsigned attempt;
		time_t after; /* seconds after the first try; 0: give up */
	} rows[] = {
		{1, OUTBOX_RETRY_BASE},
		{2, 4 * OUTBOX_RETRY_BASE},
		{3, 9 * OUTBOX_RETRY_BASE},
		{10, 100 * OUTBOX_RETRY_BASE},
		{75, 5625 * OUTBOX_RETRY_BASE}, /* 3.9 days: still tried */
		{76, 0},			/* past four days */
		{1000, 0},
	};
	const time_t first = 1617264000;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		time_t next =
			outbox_next_try(first, rows[i].attempt, OUTBOX_MAX_AGE);

		assert_int_equal(
			next, rows[i].after == 0 ? 0 : first + rows[i].after);
	}
}

/* [smtp] retry_hours shortens (or stretches) the schedule's end */
static void
test_max_age(void **state)
{
	const time_t first = 1617264000, day = 24 * 3600;

	(void)state;
	/* 37 retries fit in one day (60 * 37^2 = 82140 s), 38 do not */
	assert_int_equal(outbox_next_try(first, 37, day), first + 60 * 37 * 37);
	assert_int_equal(outbox_next_try(first, 38, day), 0);
	assert_int_equal(outbox_next_try(first, 1, 59), 0);
	assert_int_equal(outbox_next_try(first, 1, 60), first + 60);
	/* a week: what fails after four days is still tried */
	assert_int_equal(outbox_next_try(first, 76, 7 * day),
			 first + 60 * 76 * 76);
}

/* The status column of aanmeld outbox's one row. */
static void
status_of(void *ctx, int n, const char *const *values, const char *const *names)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], "status") == 0)
			snprintf(ctx, 16, "%s", values[i]);
}

/* The file transport is never claimed, so the retry counts its attempts:
   a folder it cannot write to backs off, and is given up on in the end,
   as SMTP is. */
static void
test_file_tempfail_backs_off(void **state)
{
	const time_t t0 = 1617264000;
	struct outbox_stats stats = {0};
	struct store *s = NULL;
	struct smtp *t;
	char dir[64], status[16] = "", *db, *folder, *sql, *err = NULL;
	FILE *fp;

	(void)state;
	assert_int_equal(
		fixture_store_open(dir, sizeof(dir), "test-outbox", &db, &s),
		0);
	folder = xasprintf("%s/outbox", dir);
	t = smtp_file_new(folder, &err);
	assert_non_null(t);
	/* a file where the folder was: even root cannot write into it */
	assert_int_equal(rmdir(folder), 0);
	fp = fopen(folder, "w");
	assert_non_null(fp);
	fclose(fp);
	sql = xasprintf("INSERT INTO outbox (key, kind, message_id,"
			" envelope_from, rcpt, raw, created_at, next_try)"
			" VALUES ('confirm:GM0193', 'confirm', 'c1@vng.nl',"
			" 'globalgoals@vng.nl', 'griffie@zwolle.nl', 'x',"
			" %lld, %lld)",
			(long long)t0, (long long)t0);
	fixture_exec(db, sql);
	free(sql);

	/* attempt 1 fails: due again a minute after it was queued */
	assert_int_equal(outbox_run(s, t, t0, 300, &stats, &err), 0);
	assert_int_equal(stats.deferred, 1);
	assert_int_equal(
		fixture_query(db, "SELECT attempts * 100000 + next_try - "
				  "created_at FROM outbox WHERE status = "
				  "'queued' AND last_error LIKE '%outbox%'"),
		1 * 100000 + 60);
	assert_int_equal(
		store_report(s, "outbox", NULL, status_of, status, &err), 0);
	assert_string_equal(status, "retrying");
	/* not due yet: nothing tried */
	assert_int_equal(outbox_run(s, t, t0 + 59, 300, &stats, &err), 0);
	assert_int_equal(stats.deferred, 1);
	/* attempt 2: four minutes after */
	assert_int_equal(outbox_run(s, t, t0 + 60, 300, &stats, &err), 0);
	assert_int_equal(stats.deferred, 2);
	assert_int_equal(fixture_query(db, "SELECT attempts * 100000 + "
					   "next_try - created_at FROM outbox"),
			 2 * 100000 + 240);
	/* attempt 3 would be due after nine minutes, past max_age (300 s):
	   failed for good, and a person is told */
	assert_int_equal(outbox_run(s, t, t0 + 240, 300, &stats, &err), 0);
	assert_int_equal(stats.failed, 1);
	assert_int_equal(fixture_query(db, "SELECT count(*) FROM outbox WHERE"
					   " status = 'failed' AND attempts = 3"
					   " AND next_try IS NULL"),
			 1);
	assert_int_equal(fixture_query(db, "SELECT count(*) FROM review_items"
					   " WHERE reason LIKE 'mail to "
					   "griffie@zwolle.nl failed: %'"),
			 1);
	/* and it is not tried again */
	assert_int_equal(outbox_run(s, t, t0 + 3600, 300, &stats, &err), 0);
	assert_int_equal(stats.deferred + stats.failed + stats.sent, 3);
	smtp_close(&t);
	free(folder);
	fixture_store_close(dir, db, &s);
}

/* The file transport's mail that went out on its first try shows one
   attempt, as SMTP's claimed one does. */
static void
test_file_sent_counts(void **state)
{
	struct outbox_stats stats = {0};
	struct store *s = NULL;
	struct smtp *t;
	char dir[64], *db, *folder, *err = NULL;

	(void)state;
	assert_int_equal(
		fixture_store_open(dir, sizeof(dir), "test-outbox", &db, &s),
		0);
	folder = xasprintf("%s/outbox", dir);
	t = smtp_file_new(folder, &err);
	assert_non_null(t);
	fixture_exec(db, "INSERT INTO outbox (key, kind, message_id,"
			 " envelope_from, rcpt, raw, created_at, next_try)"
			 " VALUES ('confirm:GM0193', 'confirm', 'c1@vng.nl',"
			 " 'globalgoals@vng.nl', 'griffie@zwolle.nl', 'x',"
			 " 1617264000, 1617264000)");
	assert_int_equal(outbox_run(s, t, 1617264000, 300, &stats, &err), 0);
	assert_int_equal(stats.sent, 1);
	assert_int_equal(fixture_query(db, "SELECT count(*) FROM outbox WHERE"
					   " status = 'sent' AND attempts = 1"),
			 1);
	smtp_close(&t);
	free(folder);
	fixture_store_close(dir, db, &s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_try),
		cmocka_unit_test(test_max_age),
		cmocka_unit_test(test_file_tempfail_backs_off),
		cmocka_unit_test(test_file_sent_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
