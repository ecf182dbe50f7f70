/*
 * The rows of a report kept in memory: what a store query gives to
 * store_row_fn, collected so that the command line prints them and
 * aanmeld-web shows them from the same gathering.
 */
#ifndef AANMELD_CLI_ROWS_H
#define AANMELD_CLI_ROWS_H

#include <stddef.h>

/* One row: its columns' names and values (heap; a value NULL for SQL
   NULL). */
struct cli_row {
	size_t n;
	char **names;
	char **values;
};

struct cli_rows {
	struct cli_row *v;
	size_t n;
};

/* A store_row_fn: appends the row to ctx, a struct cli_rows that
   starts zeroed. */
void cli_rows_add(void *ctx, int n, const char *const *values,
		  const char *const *names);
/* The value of column name in row (borrowed, valid while the rows
   live), or NULL when it is NULL or there is no such column. */
const char *cli_rows_value(const struct cli_row *row, const char *name);
/* Frees every row and leaves rows empty. */
void cli_rows_deinit(struct cli_rows *rows);

#endif
