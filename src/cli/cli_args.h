/*
 * The command line of aanmeld: the global options (-c, --now, --help,
 * --version) before or after the command, the command's own arguments
 * in their order.  Pure: it reads argv and prints nothing.
 */
#ifndef AANMELD_CLI_ARGS_H
#define AANMELD_CLI_ARGS_H

#include <stdbool.h>

struct cli_args {
	const char *conf; /* -c, --config; NULL: the default */
	const char *now;  /* --now */
	bool help;	  /* -h or --help before the command */
	bool version;	  /* --version anywhere */
	const char *bad;  /* after an error: the argument at fault */
	/* The command and its arguments (argv[0] is the command's name),
	   NULL-terminated; borrows the strings of argv, the array is heap
	   (cli_args_deinit()).  argc 0: no command given. */
	int argc;
	char **argv;
};

/*
 * Splits argv (argv[0] the program).  After the command a global option
 * is still one, except -h/--help, which is the command's, and all after
 * "--", which is the command's too.  0, or -1 with *error_r (static
 * text) and a->bad for an unknown option before the command or an
 * option without its value.  Call cli_args_deinit() in
 * either case.
 */
int cli_args_parse(struct cli_args *a, int argc, char **argv,
		   const char **error_r);
void cli_args_deinit(struct cli_args *a);

#endif
