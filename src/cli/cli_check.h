/*
 * aanmeld check [--connect]: what was loaded, the database, the server
 * settings and, with --connect, a login to each server (no mail moved or
 * sent).
 */
#ifndef AANMELD_CLI_CHECK_H
#define AANMELD_CLI_CHECK_H

struct runtime;

/* Prints the report and "ok" or "failed"; returns the exit code: 0, 1
   on a problem, 2 for wrong usage. */
int cli_check_run(struct runtime *rt, int argc, char **argv);

#endif
