/*
 * For the store's own modules only (store.c and store_*.c): the
 * connection and the small helpers every query uses.  Nothing outside
 * the store includes this or sqlite3.h.  It includes no header of the
 * store but store_sql.h, so that no room depends back on another
 * through it.
 *
 * store.c prepares the statements of store_sql.h once per connection;
 * a module with queries that run rarely (a command, a daily report)
 * prepares them with store_prepare() and finalizes them itself.
 */
#ifndef AANMELD_STORE_INTERNAL_H
#define AANMELD_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "store_sql.h"

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmts[STMT_COUNT];
	bool readonly;
	bool relaxed;	       /* between store_relax() and store_sync() */
	unsigned depth;	       /* open store_begin()s: 0, 1 or savepoints */
	unsigned long commits; /* since store_open() */
};

/* -1 with *error_r = "what: <sqlite's message>". */
int store_fail(struct store *s, char **error_r, const char *what);
int store_exec(struct store *s, const char *sql, char **error_r);
/* The prepared statement for id, reset and with no bindings. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt id, char **error_r);
/* A statement of the caller's own; sqlite3_finalize() it.  NULL on error. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql, char **error_r);
/* Binds text, or NULL for a NULL pointer. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Steps a statement that returns no rows, and resets it. */
int store_run(struct store *s, sqlite3_stmt *st, char **error_r,
	      const char *what);
/* The text of column i as a heap string, NULL for NULL. */
char *store_column_dup(sqlite3_stmt *st, int i);

/* Steps st to its end, calling fn (a store_row_fn of store.h, spelt
   out so that this header needs no store.h) with each row's columns as
   text (up to 32); neither resets nor finalizes st.  what names it in
   errors. */
int store_rows(struct store *s, sqlite3_stmt *st,
	       void (*fn)(void *ctx, int ncols, const char *const *values,
			  const char *const *names),
	       void *ctx, char **error_r, const char *what);
/* Sets one element of an array from the current row of st. */
typedef void store_fill_fn(void *row, sqlite3_stmt *st);
/* Steps st to its end, appending an element of size bytes a row to the
   array whose address is rows_r (a T ** with *n_r elements), set by
   fill.  On error the rows read so far stay there for the caller to
   free.  Neither resets nor finalizes st. */
int store_collect(struct store *s, sqlite3_stmt *st, void *rows_r, size_t *n_r,
		  size_t size, store_fill_fn *fill, char **error_r,
		  const char *what);
/* Steps st to its end, collecting column 0 as heap strings (NULL for
   NULL) into *v_r and *n_r; on error nothing is kept.  Neither resets
   nor finalizes st. */
int store_strings(struct store *s, sqlite3_stmt *st, char ***v_r, size_t *n_r,
		  char **error_r, const char *what);
/* store_strings() of sql with ?1 = text; *v_r and *n_r are NULL and 0
   on error. */
int store_strings_of(struct store *s, const char *sql, const char *text,
		     char ***v_r, size_t *n_r, char **error_r,
		     const char *what);
/* Runs sql, a query of one row, reading its first n columns as
   integers into v (0s when there is no row, which is an error). */
int store_query_ints(struct store *s, const char *sql, int64_t *v, size_t n,
		     char **error_r, const char *what);

/* A write transaction (BEGIN IMMEDIATE), committed or rolled back; a
   savepoint when one is open already (intake's group). */
int store_begin(struct store *s, char **error_r);
int store_commit(struct store *s, char **error_r);
void store_rollback(struct store *s);
/* Calls fn for each of n ids in one transaction. */
int store_each_id(struct store *s, const int64_t *ids, size_t n, time_t now,
		  int (*fn)(struct store *, int64_t, time_t, char **),
		  char **error_r);
/* Runs st (as store_run()) without an fsync of its own: for the
   attempt counters, which guard against a crash of the process. */
int store_run_unsynced(struct store *s, sqlite3_stmt *st, char **error_r,
		       const char *what);

#endif
