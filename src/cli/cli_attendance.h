/*
 * The command line's view of the enrolments with their contacts and
 * their answers to the invitations: `aanmeld list` and `aanmeld export`.
 * Exit codes: 0 done, 1 the database cannot be read or the output not
 * written, 2 wrong usage.
 */
#ifndef AANMELD_CLI_ATTENDANCE_H
#define AANMELD_CLI_ATTENDANCE_H

#include <stdbool.h>
#include <stddef.h>

struct programme;
struct runtime;
struct store;

/* aanmeld list [--csv] */
int cli_attendance_list(struct runtime *rt, int argc, char **argv);
/* aanmeld export --csv [--excel] */
int cli_attendance_export(struct runtime *rt, int argc, char **argv);
/* What aanmeld export --csv [--excel] writes, read from s over p: heap
   bytes, *len_r long (export_csv()); aanmeld-web's download is the same.
   NULL with *error_r (heap) when the database cannot be read or the
   output is too large. */
char *cli_attendance_csv(struct store *s, const struct programme *p, bool excel,
			 size_t *len_r, char **error_r);

#endif
