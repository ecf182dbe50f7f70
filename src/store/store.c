#include "autoconf.h"

#include <unistd.h>

#include <fcntl.h>

#include <errno.h>

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "addrhash.h"
#include "store.h"
#include "store_internal.h"
#include "store_sql.h"
#include "util.h"

int
store_fail(struct store *s, char **error_r, const char *what)
{
	*error_r = xasprintf("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

int
store_exec(struct store *s, const char *sql, char **error_r)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*error_r = xasprintf("%s", msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id, char **error_r)
{
	if (s->stmts[id] == NULL &&
	    sqlite3_prepare_v2(s->db, store_sql[id], -1, &s->stmts[id], NULL) !=
		    SQLITE_OK) {
		store_fail(s, error_r, "prepare");
		return NULL;
	}
	sqlite3_reset(s->stmts[id]);
	sqlite3_clear_bindings(s->stmts[id]);
	return s->stmts[id];
}

static int
migrate(struct store *s, char **error_r)
{
	sqlite3_stmt *st;
	int version;
	size_t i;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_fail(s, error_r, "user_version");
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > (int)store_n_migrations) {
		*error_r = xasprintf("database schema %d is newer than this "
				     "program's %zu",
				     version, store_n_migrations);
		return -1;
	}
	for (i = (size_t)version; i < store_n_migrations; i++) {
		char *sql;

		if (s->readonly) {
			*error_r = xasprintf("database schema %d needs a "
					     "migration; run the daemon once",
					     version);
			return -1;
		}
		sql = xasprintf("BEGIN IMMEDIATE; %s PRAGMA user_version = %zu;"
				" COMMIT;",
				store_migrations[i], i + 1);
		if (store_exec(s, sql, error_r) == -1) {
			free(sql);
			(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		free(sql);
	}
	return 0;
}

/* aanmeld_key_scrub(key): addrhash_key_scrub() for the migration that
   takes the addresses out of the outbox keys. */
static void
key_scrub_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *key = sqlite3_value_text(argv[0]);
	char *scrubbed;

	(void)argc;
	if (key == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	scrubbed = addrhash_key_scrub((const char *)key);
	sqlite3_result_text(ctx, scrubbed, -1, free);
}

/* Counts every commit, for the pass's log line and the benchmarks. */
static int
count_commit(void *ctx)
{
	struct store *s = ctx;

	s->commits++;
	return 0; /* let it commit */
}

int
store_open(const char *path, bool readonly, struct store **store_r,
	   char **error_r)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int flags = readonly ? SQLITE_OPEN_READONLY
			     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	s->readonly = readonly;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		*error_r = xasprintf("%s: %s", path,
				     s->db != NULL ? sqlite3_errmsg(s->db)
						   : "cannot open");
		store_close(&s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_commit_hook(s->db, count_commit, s);
	if (sqlite3_create_function_v2(
		    s->db, "aanmeld_key_scrub", 1,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
		    NULL, key_scrub_fn, NULL, NULL, NULL) != SQLITE_OK) {
		*error_r = xasprintf("%s: %s", path, sqlite3_errmsg(s->db));
		store_close(&s);
		return -1;
	}
	if ((!readonly &&
	     store_exec(s, "PRAGMA journal_mode=WAL", error_r) == -1) ||
	    store_exec(s,
		       "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		       /* savepoints journal in memory, not in /var/tmp */
		       " PRAGMA temp_store=MEMORY",
		       error_r) == -1 ||
	    migrate(s, error_r) == -1) {
		char *e = xasprintf("%s: %s", path, *error_r);

		free(*error_r);
		*error_r = e;
		store_close(&s);
		return -1;
	}
	*store_r = s;
	return 0;
}

void
store_close(struct store **sp)
{
	struct store *s = *sp;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	free(s);
	*sp = NULL;
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

sqlite3_stmt *
store_prepare(struct store *s, const char *sql, char **error_r)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_fail(s, error_r, "prepare");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Inside a transaction already (intake's group), a step is a savepoint
   of it: its failure undoes that step alone. */
int
store_begin(struct store *s, char **error_r)
{
	if (s->depth > 0 && sqlite3_get_autocommit(s->db))
		s->depth = 0; /* ended by SQLite, or a commit not undone */
	if (s->depth > 0) {
		sqlite3_stmt *st = store_stmt(s, STMT_SAVEPOINT, error_r);

		if (st == NULL || store_run(s, st, error_r, "savepoint") == -1)
			return -1;
	} else if (store_exec(s, "BEGIN IMMEDIATE", error_r) == -1) {
		return -1;
	}
	s->depth++;
	return 0;
}

int
store_commit(struct store *s, char **error_r)
{
	sqlite3_stmt *st;

	if (s->depth > 1) {
		st = store_stmt(s, STMT_RELEASE, error_r);
		if (st == NULL || store_run(s, st, error_r, "release") == -1)
			return -1; /* still open: the caller rolls back */
	} else if (store_exec(s, "COMMIT", error_r) == -1) {
		return -1;
	}
	if (s->depth > 0)
		s->depth--;
	return 0;
}

void
store_rollback(struct store *s)
{
	if (s->depth > 1) {
		(void)sqlite3_exec(s->db, "ROLLBACK TO step; RELEASE step",
				   NULL, NULL, NULL);
		s->depth--;
		return;
	}
	(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->depth = 0;
}

int
store_group_begin(struct store *s, char **error_r)
{
	return store_begin(s, error_r);
}

int
store_group_commit(struct store *s, char **error_r)
{
	return store_commit(s, error_r);
}

void
store_group_rollback(struct store *s)
{
	store_rollback(s);
}

bool
store_group_open(struct store *s)
{
	/* an I/O error or a full disk may make SQLite end it under us */
	return s->depth > 0 && !sqlite3_get_autocommit(s->db);
}

unsigned long
store_commits(const struct store *s)
{
	return s->commits;
}

int
store_run(struct store *s, sqlite3_stmt *st, char **error_r, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, error_r, what);
	return 0;
}

/* Runs st without an fsync of its own: for the attempt counters, which
   guard against a crash of the process, and the page cache survives
   that.  The next synced commit makes it durable too. */
int
store_run_unsynced(struct store *s, sqlite3_stmt *st, char **error_r,
		   const char *what)
{
	int rc;

	if (s->relaxed)
		return store_run(s, st, error_r, what);
	if (store_exec(s, "PRAGMA synchronous=NORMAL", error_r) == -1) {
		sqlite3_reset(st);
		return -1;
	}
	rc = store_run(s, st, error_r, what);
	/* back to full durability, whatever happened */
	if (sqlite3_exec(s->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) !=
		    SQLITE_OK &&
	    rc == 0)
		return store_fail(s, error_r, "synchronous");
	return rc;
}

char *
store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v == NULL ? NULL : xstrdup((const char *)v);
}

int
store_rows(struct store *s, sqlite3_stmt *st,
	   void (*fn)(void *ctx, int ncols, const char *const *values,
		      const char *const *names),
	   void *ctx, char **error_r, const char *what)
{
	const char *values[32], *names[32];
	int rc, n = sqlite3_column_count(st);

	if (n > 32)
		n = 32;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			values[i] = (const char *)sqlite3_column_text(st, i);
			names[i] = sqlite3_column_name(st, i);
		}
		fn(ctx, n, values, names);
	}
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, what);
}

int
store_collect(struct store *s, sqlite3_stmt *st, void *rows_r, size_t *n_r,
	      size_t size, store_fill_fn *fill, char **error_r,
	      const char *what)
{
	char *rows;
	int rc;

	/* rows_r is the address of the caller's typed array pointer */
	memcpy(&rows, rows_r, sizeof(rows));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *row;

		rows = xreallocarray(rows, *n_r + 1, size);
		row = rows + *n_r * size;
		memset(row, 0, size);
		fill(row, st);
		(*n_r)++;
	}
	memcpy(rows_r, &rows, sizeof(rows));
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, what);
}

int
store_strings(struct store *s, sqlite3_stmt *st, char ***v_r, size_t *n_r,
	      char **error_r, const char *what)
{
	char **v = NULL;
	size_t n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = store_column_dup(st, 0);
	}
	if (rc != SQLITE_DONE) {
		util_free_strv(v, n);
		return store_fail(s, error_r, what);
	}
	*v_r = v;
	*n_r = n;
	return 0;
}

int
store_strings_of(struct store *s, const char *sql, const char *text,
		 char ***v_r, size_t *n_r, char **error_r, const char *what)
{
	sqlite3_stmt *st = store_prepare(s, sql, error_r);
	int rc = -1;

	*v_r = NULL;
	*n_r = 0;
	if (st != NULL) {
		store_bind_text(st, 1, text);
		rc = store_strings(s, st, v_r, n_r, error_r, what);
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_query_ints(struct store *s, const char *sql, int64_t *v, size_t n,
		 char **error_r, const char *what)
{
	sqlite3_stmt *st = store_prepare(s, sql, error_r);
	size_t i;
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	for (i = 0; i < n; i++)
		v[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, (int)i) : 0;
	if (rc != SQLITE_ROW)
		store_fail(s, error_r, what);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_each_id(struct store *s, const int64_t *ids, size_t n, time_t now,
	      int (*fn)(struct store *, int64_t, time_t, char **),
	      char **error_r)
{
	size_t i;

	if (store_begin(s, error_r) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (fn(s, ids[i], now, error_r) == -1) {
			store_rollback(s);
			return -1;
		}
	}
	if (store_commit(s, error_r) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
store_relax(struct store *s, char **error_r)
{
	if (store_exec(s, "PRAGMA synchronous=NORMAL", error_r) == -1)
		return -1;
	s->relaxed = true;
	return 0;
}

int
store_sync(struct store *s, char **error_r)
{
	const char *db = sqlite3_db_filename(s->db, "main");
	char *wal;
	int fd, rc = 0;

	s->relaxed = false;
	if (store_exec(s, "PRAGMA synchronous=FULL", error_r) == -1)
		return -1;
	if (db == NULL || db[0] == '\0')
		return 0; /* in memory */
	/* every commit since store_relax() is in the WAL: one fdatasync
	   makes them all durable (a checkpoint synced what it moved) */
	wal = xasprintf("%s-wal", db);
	fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno != ENOENT)
		rc = -1;
	if (fd != -1) {
		if (fdatasync(fd) == -1)
			rc = -1;
		close(fd);
	}
	if (rc == -1)
		*error_r = xasprintf("%s: %s", wal, strerror(errno));
	free(wal);
	return rc;
}

int
store_copy(struct store *s, const char *path, char **error_r)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "VACUUM INTO ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, error_r, "copy");
	store_bind_text(st, 1, path);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, error_r, "copy");
}
