#include "autoconf.h"

#include <sqlite3.h>

#include "store.h"
#include "store_internal.h"
#include "store_report.h"
#include "store_sql.h"
#include "util.h"

int
store_report(struct store *s, const char *name, const char *arg,
	     store_row_fn *fn, void *ctx, char **error_r)
{
	enum store_stmt id;
	sqlite3_stmt *st;
	int rc;

	if (store_report_stmt(name, &id) == -1) {
		*error_r = xasprintf("unknown report '%s'", name);
		return -1;
	}
	st = store_stmt(s, id, error_r);
	if (st == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		store_bind_text(st, 1, arg);
	rc = store_rows(s, st, fn, ctx, error_r, name);
	sqlite3_reset(st);
	return rc;
}

int
store_last_message(struct store *s, int64_t *id_r, char **error_r)
{
	sqlite3_stmt *st = store_stmt(s, STMT_LAST_MESSAGE, error_r);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	*id_r = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, error_r, "last message");
}
