#include "autoconf.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "util.h"

/* The global options; val is the short one, if any.  -h/--help counts
   before the command only (cli_args_parse()). */
static const struct option longopts[] = {
	{"config", required_argument, NULL, 'c'},
	{"now", required_argument, NULL, 0},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 0},
	{NULL, 0, NULL, 0},
};

/* Which of longopts argv[*i] is ("--name", "--name=VALUE", "-c",
   "-cVALUE"), with its value in *value_r (advancing *i past a separate
   one).  The option, NULL for none; *value_r NULL when one is missing. */
static const struct option *
match(int argc, char **argv, int *i, const char **value_r)
{
	const char *arg = argv[*i], *eq = NULL;
	const struct option *o;
	size_t len;

	for (o = longopts; o->name != NULL; o++) {
		len = strlen(o->name);
		if (o->val != 0 && arg[0] == '-' && arg[1] == o->val)
			eq = arg[2] != '\0' ? arg + 1 : arg + 2;
		else if (strncmp(arg, "--", 2) == 0 &&
			 strncmp(arg + 2, o->name, len) == 0 &&
			 (arg[2 + len] == '=' || arg[2 + len] == '\0'))
			eq = arg + 2 + len;
		else
			continue;
		if (o->has_arg == no_argument)
			return *eq == '\0' ? o : NULL;
		*value_r = *eq != '\0' ? eq + 1 : NULL;
		if (*value_r == NULL && *i + 1 < argc)
			*value_r = argv[++*i];
		return o;
	}
	return NULL;
}

/* A global option at argv[*i]: 1 taken, 0 not global, -1 no value. */
static int
global_option(struct cli_args *a, int argc, char **argv, int *i)
{
	const char *value = NULL;
	const struct option *o = match(argc, argv, i, &value);

	if (o == NULL || (o->val == 'h' && a->argc > 0))
		return 0;
	if (o->has_arg == required_argument && value == NULL)
		return -1;
	if (strcmp(o->name, "config") == 0)
		a->conf = value;
	else if (strcmp(o->name, "now") == 0)
		a->now = value;
	else if (strcmp(o->name, "version") == 0)
		a->version = true;
	else
		a->help = true;
	return 1;
}

int
cli_args_parse(struct cli_args *a, int argc, char **argv, const char **error_r)
{
	bool rest = false; /* after "--" */
	int i, rc;

	memset(a, 0, sizeof(*a));
	a->argv = xcalloc((size_t)argc + 1, sizeof(*a->argv));
	for (i = 1; i < argc; i++) {
		if (!rest && strcmp(argv[i], "--") == 0 && a->argc > 0) {
			rest = true;
			a->argv[a->argc++] = argv[i];
			continue;
		}
		rc = rest ? 0 : global_option(a, argc, argv, &i);
		if (rc == -1) {
			a->bad = argv[i];
			*error_r = "needs a value";
			return -1;
		}
		if (rc == 1)
			continue;
		if (a->argc == 0 && argv[i][0] == '-' && argv[i][1] != '\0') {
			a->bad = argv[i];
			*error_r = "is not an option";
			return -1;
		}
		a->argv[a->argc++] = argv[i];
	}
	return 0;
}

void
cli_args_deinit(struct cli_args *a)
{
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}
