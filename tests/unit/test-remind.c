/*
 * Unit tests for the scheduler's pass (remind.c) on a real SQLite file
 * and the project's programme: a pass with nothing changed and nothing
 * due looks at no contact; a new contact, a new enrolment or a
 * withdrawal makes it look at that municipality only; a moment falling
 * due, a changed programme and a clock set back make it look at
 * everything; and each queues exactly the mails due.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "addrhash.h"
#include "buf.h"
#include "config.h"
#include "fixture.h"
#include "programme.h"
#include "remind.h"
#include "rules.h"
#include "store_programme.h"
#include "util.h"

#define J "j.jansen@utrecht.nl"
#define P "p.pieters@zwolle.nl"
#define S "a.smit@utrecht.nl"
#define V "m.visser@amsterdam.nl"

struct ctx {
	struct fixture_db *f;
	struct rules *r;
	struct config *cfg;
	long long last; /* the highest outbox id seen */
};

/* The keys of the outbox rows after the last seen, space-separated in
   the order queued (heap), and remembers the last. */
static char *
new_keys(struct ctx *c)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct buf b;
	bool first = true;

	buf_init(&b, 65536);
	assert_int_equal(sqlite3_open(c->f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT id, key FROM outbox"
					    " WHERE id > ?1 ORDER BY id",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, c->last);
	while (sqlite3_step(st) == SQLITE_ROW) {
		c->last = sqlite3_column_int64(st, 0);
		(void)buf_addf(&b, "%s%s", first ? "" : " ",
			       (const char *)sqlite3_column_text(st, 1));
		first = false;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf_steal(&b);
}

/* The number of space-separated words of s. */
static unsigned
words(const char *s)
{
	unsigned n = s[0] != '\0';

	for (; *s != '\0'; s++)
		n += *s == ' ';
	return n;
}

/* One pass at now: its scope, the contacts it looked at, and the keys
   it queued. */
static void
pass(struct ctx *c, time_t now, enum remind_scope scope, size_t contacts,
     const char *keys)
{
	struct remind_stats st;
	char *err = NULL, *got, *want;

	assert_int_equal(remind_run(c->f->s, c->r, c->cfg, now, &st, &err), 0);
	assert_null(err);
	got = new_keys(c);
	want = addrhash_key_scrub(keys); /* a token for each address */
	assert_string_equal(got, want);
	free(want);
	assert_int_equal(st.scope, scope);
	assert_int_equal(st.contacts, contacts);
	assert_int_equal(st.queued, words(keys));
	free(got);
}

/* The number of changes not yet looked at. */
static long long
changes(struct ctx *c)
{
	return fixture_query(c->f->path, "SELECT count(*) FROM"
					 " schedule_changes");
}

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));
	struct buf errors;

	if (fixture_db_setup((void **)&c->f) == -1)
		return -1;
	c->r = fixture_rules();
	buf_init(&errors, 65536);
	c->cfg = config_load(NULL, &errors);
	buf_deinit(&errors);
	if (c->r == NULL || c->cfg == NULL)
		return -1;
	config_derive(c->cfg, c->r->programme->address);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;
	void *f = c->f;

	config_free(c->cfg);
	rules_free(c->r);
	fixture_db_teardown(&f);
	free(c);
	return 0;
}

/* municipality code, name, enrolled at (seconds), one contact, whose
   calendar holds the five sessions (the invitations of its enrolment) */
static void
enrol(struct ctx *c, const char *code, const char *name, time_t at,
      const char *addr)
{
	char *sql = xasprintf(
		"INSERT INTO enrolments (code, name, status, enrolled_at)"
		" VALUES ('%s', '%s', 'confirmed', %lld);"
		"INSERT INTO contacts (code, address, added_at)"
		" VALUES ('%s', '%s', %lld);"
		"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1"
		" FROM n WHERE x < 5) INSERT INTO contact_items (code,"
		" address, round, number, sequence, at)"
		" SELECT '%s', '%s', 1, x, 0, %lld FROM n",
		code, name, (long long)at, code, addr, (long long)at, code,
		addr, (long long)at);

	fixture_exec(c->f->path, sql);
	free(sql);
}

static void
test_changed_or_due(void **state)
{
	struct ctx *c = *state;
	struct programme *p = c->r->programme;
	/* session 1 is 13 April 13:30 local: reminders 6 and 12 April */
	time_t t1 = fixture_utc(2021, 4, 7, 8, 0, 0),
	       t2 = fixture_utc(2021, 4, 8, 8, 0, 0),
	       t3 = fixture_utc(2021, 4, 12, 11, 30, 0);
	struct store_change w = {"GM0193", NULL, "cli:test", NULL, NULL, 0};
	char *err = NULL, *sql;

	enrol(c, "GM0344", "Utrecht", fixture_utc(2021, 3, 15, 9, 0, 0), J);
	enrol(c, "GM0193", "Zwolle", fixture_utc(2021, 3, 16, 9, 0, 0), P);
	assert_true(changes(c) > 0);
	/* the first pass looks at everything */
	pass(c, t1, REMIND_ALL, 2,
	     "reminder:GM0344:" J ":session-1:7d"
	     " reminder:GM0193:" P ":session-1:7d");
	assert_int_equal(changes(c), 0);
	/* nothing changed, nothing fell due: nothing looked at */
	pass(c, t1, REMIND_NONE, 0, "");
	pass(c, t2, REMIND_NONE, 0, "");

	/* a contact added (known since before the 7d moment): Utrecht's
	   two contacts looked at, and the new one's invitations and
	   reminder queued */
	sql = xasprintf("INSERT INTO contacts (code, address, added_at)"
			" VALUES ('GM0344', '" S "', %lld)",
			(long long)fixture_utc(2021, 3, 20, 9, 0, 0));
	fixture_exec(c->f->path, sql);
	free(sql);
	pass(c, t2, REMIND_CHANGED, 2,
	     "invitation:GM0344:" S ":1 invitation:GM0344:" S ":2"
	     " invitation:GM0344:" S ":3 invitation:GM0344:" S ":4"
	     " invitation:GM0344:" S ":5 reminder:GM0344:" S ":session-1:7d");
	assert_int_equal(fixture_query(c->f->path,
				       "SELECT count(*) FROM contact_items"
				       " WHERE address = '" S "'"),
			 5);
	pass(c, t2, REMIND_NONE, 0, "");

	/* a new enrolment after the 7d moment: looked at, nothing due */
	enrol(c, "GM0363", "Amsterdam", t2, V);
	pass(c, t2, REMIND_CHANGED, 1, "");
	/* a withdrawal: looked at, nothing due */
	assert_int_equal(store_programme_change(c->f->s, &w, t2, &err), 0);
	pass(c, t2, REMIND_CHANGED, 1, "");
	pass(c, t2, REMIND_NONE, 0, "");

	/* the 1d moment falls due: everything, and not Zwolle */
	pass(c, t3 - 1, REMIND_NONE, 0, "");
	pass(c, t3, REMIND_ALL, 4,
	     "reminder:GM0344:" J ":session-1:1d"
	     " reminder:GM0344:" S ":session-1:1d"
	     " reminder:GM0363:" V ":session-1:1d");
	pass(c, t3, REMIND_NONE, 0, "");

	/* the programme reloaded with session 3 an hour later: updates to
	   everyone invited before the change, and the overview anew */
	p->sessions[2].start += 3600;
	p->sessions[2].end += 3600;
	pass(c, t3, REMIND_ALL, 4,
	     "invitation:GM0344:" J ":3:1 programme:GM0344:" J ":1618227000"
	     " invitation:GM0344:" S ":3:1 programme:GM0344:" S ":1618227000"
	     " invitation:GM0363:" V ":3:1 programme:GM0363:" V ":1618227000");
	pass(c, t3, REMIND_NONE, 0, "");
	/* a clock set back: everything again, all queued already */
	pass(c, t2, REMIND_ALL, 4, "");
	pass(c, t2, REMIND_NONE, 0, "");
}

/* A mail that cannot be made is tried again on the next pass, as it
   was before the scheduler kept its state. */
static void
test_failed_tried_again(void **state)
{
	struct ctx *c = *state;
	time_t t1 = fixture_utc(2021, 4, 7, 8, 0, 0);

	enrol(c, "GM0344", "Utrecht", fixture_utc(2021, 3, 15, 9, 0, 0),
	      "a@b.nl' || char(13, 10) || 'Bcc: x@y.nl");
	pass(c, t1, REMIND_ALL, 1, "");
	pass(c, t1, REMIND_ALL, 1, "");
	fixture_exec(c->f->path, "UPDATE contacts SET address = '" J "';"
				 "UPDATE contact_items SET address = '" J "'");
	pass(c, t1, REMIND_ALL, 1, "reminder:GM0344:" J ":session-1:7d");
	pass(c, t1, REMIND_NONE, 0, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changed_or_due, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_tried_again, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
