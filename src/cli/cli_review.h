/*
 * The review commands of aanmeld: approve, reject, dismiss and history.
 * A decision goes through review_decide(), as one from a decision folder
 * does, and queues the move of the message too, so the mailbox and the
 * database agree.  Exit codes a script can rely on are below.
 */
#ifndef AANMELD_CLI_REVIEW_H
#define AANMELD_CLI_REVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "review.h"

struct cli_rows;
struct runtime;

#define CLI_OK 0
#define CLI_ERROR 1	/* the database, the rules, the raw copy, ... */
#define CLI_USAGE 2	/* bad arguments */
#define CLI_ALREADY 3	/* the item was decided before: nothing done */
#define CLI_NOT_FOUND 4 /* no such review item or municipality code */

/* Each gets the command's own argc/argv (argv[0] is its name) and returns
   an exit code. */
int cli_review_approve(struct runtime *rt, int argc, char **argv);
int cli_review_reject(struct runtime *rt, int argc, char **argv);
int cli_review_dismiss(struct runtime *rt, int argc, char **argv);
int cli_review_history(struct runtime *rt, int argc, char **argv);

/* One decision as the command line and aanmeld-web make it: decision d
   on review item by actor ("cli:<login>", "web:<user>") now, through
   review_decide() on r's store (opened read-write), which queues the
   message's move from Beoordelen too.  code: approve's municipality
   (NULL: the suggested one), checked by the caller; dutch: a refusal's
   why in Dutch, for a page.  review_decide()'s result, with
   *decided_by_r and *error_r (heap) as it gives them. */
int cli_review_decide(const struct review *r, enum review_decision d,
		      int64_t item, const char *code, bool silent,
		      const char *actor, bool dutch, char **decided_by_r,
		      char **error_r);

/* The rows `aanmeld history` lists (at, actor, what, message,
   gemeente, detail; oldest first) into *rows (cli_rows_deinit()):
   every one, or those of municipality code, or of review item id's
   message (code NULL, id 0: no filter).  1, 0 when id names no review
   item, -1 with *error_r (heap). */
int cli_review_history_load(struct store *s, const char *code, int64_t id,
			    struct cli_rows *rows, char **error_r);

#endif
