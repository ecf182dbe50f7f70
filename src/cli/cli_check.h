/*
 * aanmeld check [--connect]: what was loaded, the database, the server
 * settings and, with --connect, a login to each server (no mail moved or
 * sent).
 */
#ifndef AANMELD_CLI_CHECK_H
#define AANMELD_CLI_CHECK_H

struct buf;
struct gemeenten;
struct programme;
struct runtime;

/* Prints the report and "ok" or "failed"; returns the exit code: 0, 1
   on a problem, 2 for wrong usage. */
int cli_check_run(struct runtime *rt, int argc, char **argv);

/* The merges in g that take effect within p (from enrolment_opens, or its
   first item, to the congress, or its last item), one "merge: " line
   each into out, and a "warning: " line for each planned merge whose
   date falls before the programme ends.  Returns the warnings'
   count. */
unsigned cli_check_merges(const struct gemeenten *g, const struct programme *p,
			  struct buf *out);

#endif
