#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "buf.h"
#include "fixture.h"
#include "mailbox.h"
#include "message.h"
#include "programme.h"
#include "reason.h"
#include "rules.h"
#include "store.h"
#include "testdir.h"
#include "util.h"

/* tm holding that date and time, the rest zero */
static struct tm
broken_down(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return tm;
}

time_t
fixture_utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = broken_down(y, mo, d, h, mi, s);

	return timegm(&tm);
}

time_t
fixture_local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = broken_down(y, mo, d, h, mi, 0);

	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
fixture_at(const char *when)
{
	time_t t;

	assert_int_equal(util_parse_time(when, &t), 0);
	return t;
}

struct rules *
fixture_rules(void)
{
	struct buf errors;
	struct rules *rules;

	buf_init(&errors, 1024 * 1024);
	rules = rules_load(TOP_SRCDIR "/rules", &errors);
	if (rules == NULL)
		fprintf(stderr, "%s", buf_str(&errors));
	buf_deinit(&errors);
	return rules;
}

struct programme *
fixture_programme(void)
{
	struct programme *p;
	struct buf errors;

	buf_init(&errors, 65536);
	p = programme_load(TOP_SRCDIR "/rules/programme.conf", &errors);
	if (p == NULL)
		fail_msg("%s", buf_str(&errors));
	buf_deinit(&errors);
	return p;
}

char *
fixture_copy_dir(const char *name, const char *from)
{
	char *dir = xasprintf("/tmp/%s-XXXXXX", name), *cmd;

	assert_non_null(mkdtemp(dir));
	cmd = xasprintf("cp -r '%s/%s/.' '%s/'", TOP_SRCDIR, from, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return dir;
}

void
fixture_remove_dir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

const char *
fixture_problem(const struct message *m)
{
	static char *text;

	free(text);
	text = m->problem != NULL ? reason_english(m->problem) : NULL;
	return text;
}

void
fixture_put(const char *dir, const char *name, const char *mode,
	    const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, mode);

	assert_non_null(fp);
	assert_int_not_equal(fputs(text, fp), EOF);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

struct mailbox *
fixture_maildir(char *dir, size_t size, const char *name)
{
	struct mailbox_settings set;
	struct mailbox *mb;
	char *err = NULL;

	assert_int_equal(testdir_make(dir, size, name, false, NULL), 0);
	memset(&set, 0, sizeof(set));
	set.type = "maildir";
	set.maildir = dir;
	mb = mailbox_open(&set, &err);
	if (mb == NULL)
		fail_msg("mailbox_open: %s", err);
	return mb;
}

int
fixture_store_open(char *dir, size_t size, const char *name, char **path,
		   struct store **s)
{
	char *err = NULL;

	if (testdir_make(dir, size, name, false, NULL) == -1)
		return -1;
	*path = xasprintf("%s/aanmeld.db", dir);
	if (store_open(*path, false, s, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

void
fixture_store_close(const char *dir, char *path, struct store **s)
{
	store_close(s);
	assert_int_equal(testdir_remove(dir), 0);
	free(path);
}

int
fixture_db_setup(void **state)
{
	struct fixture_db *f = xcalloc(1, sizeof(*f));

	*state = f;
	return fixture_store_open(f->dir, sizeof(f->dir),
				  program_invocation_short_name, &f->path,
				  &f->s);
}

int
fixture_db_teardown(void **state)
{
	struct fixture_db *f = *state;

	fixture_store_close(f->dir, f->path, &f->s);
	free(f);
	return 0;
}

long long
fixture_query(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

void
fixture_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}
