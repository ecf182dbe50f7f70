/*
 * The command line's programme commands: aanmeld remind [--dry-run],
 * aanmeld withdraw CODE, aanmeld promote [--force] [CODE].  Each gets
 * the loaded runtime and its own arguments (argv[0] is the command) and
 * returns the exit status.
 */
#ifndef AANMELD_CLI_PROGRAMME_H
#define AANMELD_CLI_PROGRAMME_H

struct runtime;

int cli_programme_remind(struct runtime *rt, int argc, char **argv);
int cli_programme_withdraw(struct runtime *rt, int argc, char **argv);
int cli_programme_promote(struct runtime *rt, int argc, char **argv);

#endif
