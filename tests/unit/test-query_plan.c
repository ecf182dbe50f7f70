/*
 * The statements run once per message or per cycle find their rows through
 * an index: a SCAN of a table that grows with the mail would make intake
 * slower with every message the database holds.  The SQL is the store's
 * own (store_sql[]), planned on a migrated database.
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
#include <sqlite3.h>

#include "fixture.h"
#include "store_sql.h"
#include "util.h"

/* Tables whose rows come with the mail (or with time). */
static const char *const growing[] = {
	"actions",    "attempts",   "attendance",     "audit",
	"contacts",   "messages",   "outbox",	      "review_items",
	"enrolments", "deliveries", "delivery_files",
};

/* The statements of every message and every cycle. */
static const enum store_stmt hot[] = {
	STMT_MESSAGE_KNOWN,
	STMT_ANSWERS_SINCE,
	STMT_OUTSIDER_ANSWERS_SINCE,
	STMT_INSERT_ACTION,
	STMT_ACTIONS_DUE,
	STMT_ACTION_DONE,
	STMT_ACTION_FAILED,
	STMT_OUTBOX_DUE,
	STMT_OUTBOX_CLAIM,
	STMT_OUTBOX_SENT,
	STMT_OUTBOX_SENT_UNCLAIMED,
	STMT_OUTBOX_RETRY,
	STMT_OUTBOX_REQUEUE,
	STMT_OUTBOX_RCPT,
	STMT_REVIEW_FOR_OUTBOX,
	STMT_ATTEMPT_BEGIN,
	STMT_ATTEMPT_COUNT,
	STMT_ATTEMPT_END,
	STMT_POSITION_GET,
	STMT_POSITION_SET,
	STMT_INSERT_OUTBOX,
	STMT_INSERT_MESSAGE,
	STMT_OUTBOX_KEY,
	STMT_SCHEDULE_STATE,
	STMT_SCHEDULE_CHANGED,
	STMT_SCHEDULE_EVALUATED,
	STMT_SCHEDULE_FORGET,
	STMT_PARTICIPANT,
	STMT_INSERT_DELIVERY,
	STMT_INSERT_DELIVERY_FILE,
	STMT_DELIVERIES_SINCE,
	STMT_OUTBOX_BY_MESSAGE_ID,
	STMT_OUTBOX_BOUNCED,
	STMT_CONTACT_UNDELIVERABLE,
	STMT_OUTBOX_HOLD,
	STMT_CONTACT_KNOWN,
	STMT_PLACE_FOR,
	STMT_CONTACT_ITEM,
	STMT_CONTACT_SENT,
};

/* Whether a plan line ("SCAN outbox", "SCAN a USING INDEX ...") reads
   all of a growing table. */
static int
scans_growing(const char *detail)
{
	size_t i, n;

	if (strncmp(detail, "SCAN ", 5) != 0)
		return 0;
	for (i = 0; i < sizeof(growing) / sizeof(growing[0]); i++) {
		n = strlen(growing[i]);
		if (strncmp(detail + 5, growing[i], n) == 0 &&
		    (detail[5 + n] == '\0' || detail[5 + n] == ' '))
			return 1;
	}
	return 0;
}

/* The number of plan lines of sql that scan a growing table, each
   printed. */
static unsigned
scans(sqlite3 *db, const char *sql)
{
	char *explain = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	unsigned n = 0;
	const char *detail;

	assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		detail = (const char *)sqlite3_column_text(st, 3);
		if (detail != NULL && scans_growing(detail)) {
			fprintf(stderr, "%s\n  -> %s\n", sql, detail);
			n++;
		}
	}
	sqlite3_finalize(st);
	free(explain);
	return n;
}

static void
test_hot_statements_search(void **state)
{
	struct fixture_db *f = *state;
	sqlite3 *db;
	unsigned n = 0;
	size_t i;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	for (i = 0; i < sizeof(hot) / sizeof(hot[0]); i++)
		n += scans(db, store_sql[hot[i]]);
	sqlite3_close(db);
	assert_int_equal(n, 0);
}

/* The check itself sees a scan. */
static void
test_scan_seen(void **state)
{
	struct fixture_db *f = *state;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(scans(db, "SELECT count(*) FROM outbox"
				   " WHERE last_error = 'x'"),
			 1);
	sqlite3_close(db);
	assert_false(scans_growing("SCAN outboxes"));
	assert_false(scans_growing("SEARCH outbox USING INDEX outbox_due"));
	assert_true(scans_growing("SCAN actions USING INDEX x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hot_statements_search,
						fixture_db_setup,
						fixture_db_teardown),
		cmocka_unit_test_setup_teardown(
			test_scan_seen, fixture_db_setup, fixture_db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
