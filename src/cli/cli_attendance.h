/*
 * The command line's view of the enrolments with their contacts and
 * their answers to the invitations: `aanmeld list` and `aanmeld export`.
 * Exit codes: 0 done, 1 the database cannot be read or the output not
 * written, 2 wrong usage.
 */
#ifndef AANMELD_CLI_ATTENDANCE_H
#define AANMELD_CLI_ATTENDANCE_H

struct runtime;

/* aanmeld list [--csv] */
int cli_attendance_list(struct runtime *rt, int argc, char **argv);
/* aanmeld export --csv [--excel] */
int cli_attendance_export(struct runtime *rt, int argc, char **argv);

#endif
