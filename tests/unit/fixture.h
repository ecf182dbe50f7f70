/*
 * What many unit tests set up the same way: calendar times, the rules in
 * the source tree, a database or a Maildir in a temporary folder, files
 * in it, and a parsed message's problem in English.
 */
#ifndef AANMELD_FIXTURE_H
#define AANMELD_FIXTURE_H

#include <stddef.h>
#include <time.h>

struct mailbox;
struct message;
struct programme;
struct rules;
struct store;

/* Seconds of a calendar time in UTC. */
time_t fixture_utc(int y, int mo, int d, int h, int mi, int s);
/* Seconds of a local calendar time (TZ), summer time found by mktime. */
time_t fixture_local(int y, int mo, int d, int h, int mi);
/* Seconds of a time as util_parse_time reads it; fails the test when it
   does not parse. */
time_t fixture_at(const char *when);
/* The rules in TOP_SRCDIR/rules (loading them sets TZ to the
   programme's zone); NULL, with the errors on stderr, when they do not
   load. */
struct rules *fixture_rules(void);
/* The project's programme (TOP_SRCDIR/rules/programme.conf); fails the
   test when it does not load.  The caller frees it (programme_free). */
struct programme *fixture_programme(void);
/* A copy of TOP_SRCDIR/<from> (a folder, with everything in it) in a new
   /tmp/<name>-XXXXXX, to change for one test; fails the test when it
   cannot.  Heap: pass it to fixture_remove_dir(). */
char *fixture_copy_dir(const char *name, const char *from);
/* Removes dir and everything in it (fails the test when it cannot),
   and frees dir. */
void fixture_remove_dir(char *dir);
/* The problem of m in English, or NULL for none; valid until the next
   call. */
const char *fixture_problem(const struct message *m);
/* Writes text into dir/name, opened with fopen's mode ("w" or "a");
   fails the test when it cannot. */
void fixture_put(const char *dir, const char *name, const char *mode,
		 const char *text);
/* Makes /tmp/<name>-XXXXXX into dir (size bytes) and opens the Maildir
   mailbox there; fails the test when it cannot.  Close it with
   mailbox_close() and remove dir with testdir_remove(). */
struct mailbox *fixture_maildir(char *dir, size_t size, const char *name);
/* Makes /tmp/<name>-XXXXXX into dir (size bytes) and opens a new
   database aanmeld.db in it: *path and *s.  0, or -1 with the reason on
   stderr. */
int fixture_store_open(char *dir, size_t size, const char *name, char **path,
		       struct store **s);
/* Closes *s, removes dir (fails the test when it cannot) and frees
   path. */
void fixture_store_close(const char *dir, char *path, struct store **s);
/* A new database in a temporary folder, for one test. */
struct fixture_db {
	char dir[64];
	char *path; /* dir/aanmeld.db */
	struct store *s;
};

/* cmocka setup and teardown: *state is a struct fixture_db with an
   empty database in /tmp/<the test program's name>-XXXXXX. */
int fixture_db_setup(void **state);
int fixture_db_teardown(void **state);
/* The integer in the first row and column of sql, asked through a
   connection of its own to the database at path. */
long long fixture_query(const char *path, const char *sql);
/* Runs sql through a connection of its own; fails the test when it fails. */
void fixture_exec(const char *path, const char *sql);

#endif
