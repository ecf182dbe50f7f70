/*
 * The review commands of aanmeld: approve, reject, dismiss and history.
 * A decision goes through review_decide(), as one from a decision folder
 * does, and queues the move of the message too, so the mailbox and the
 * database agree.  Exit codes a script can rely on are below.
 */
#ifndef AANMELD_CLI_REVIEW_H
#define AANMELD_CLI_REVIEW_H

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

#endif
