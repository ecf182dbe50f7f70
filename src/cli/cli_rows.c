#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "cli_rows.h"
#include "util.h"

void
cli_rows_add(void *ctx, int n, const char *const *values,
	     const char *const *names)
{
	struct cli_rows *rows = ctx;
	struct cli_row *row;
	size_t i;

	rows->v = xreallocarray(rows->v, rows->n + 1, sizeof(*rows->v));
	row = &rows->v[rows->n++];
	row->n = n > 0 ? (size_t)n : 0;
	row->names = xcalloc(row->n + 1, sizeof(*row->names));
	row->values = xcalloc(row->n + 1, sizeof(*row->values));
	for (i = 0; i < row->n; i++) {
		row->names[i] = xstrdup(names[i]);
		row->values[i] = values[i] != NULL ? xstrdup(values[i]) : NULL;
	}
}

const char *
cli_rows_value(const struct cli_row *row, const char *name)
{
	size_t i;

	for (i = 0; i < row->n; i++) {
		if (strcmp(row->names[i], name) == 0)
			return row->values[i];
	}
	return NULL;
}

void
cli_rows_deinit(struct cli_rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++) {
		util_free_strv(rows->v[i].names, rows->v[i].n);
		util_free_strv(rows->v[i].values, rows->v[i].n);
	}
	free(rows->v);
	rows->v = NULL;
	rows->n = 0;
}
