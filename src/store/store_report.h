/*
 * Read-only reports for the command line and the daemon's log: the
 * named queries of store_sql.c, and the newest message row.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_REPORT_H
#define AANMELD_STORE_REPORT_H

#include <stdint.h>

#include "store.h"

/* Calls fn for each row of the report name ("list", "queue", "message",
   "outbox", "sent-for", "messages", "decisions"; see store_report_stmt()
   in store_sql.h); arg fills its one parameter, if it has one. */
int store_report(struct store *s, const char *name, const char *arg,
		 store_row_fn *fn, void *ctx, char **error_r);
/* The id of the newest message row (0 when there is none). */
int store_last_message(struct store *s, int64_t *id_r, char **error_r);

#endif
