#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "util.h"

/* The option with a value at argv[*i], as "--name VALUE", "--name=VALUE",
   or "-c VALUE"/"-cVALUE" when short is set; advances *i past it.
   1 matched, 0 not this option, -1 its value is missing. */
static int
value_option(int argc, char **argv, int *i, const char *name, char short_opt,
	     const char **value_r)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);

	if (short_opt != '\0' && arg[0] == '-' && arg[1] == short_opt) {
		if (arg[2] != '\0') {
			*value_r = arg + 2;
			return 1;
		}
	} else if (strncmp(arg, "--", 2) == 0 &&
		   strncmp(arg + 2, name, len) == 0 &&
		   (arg[2 + len] == '=' || arg[2 + len] == '\0')) {
		if (arg[2 + len] == '=') {
			*value_r = arg + 3 + len;
			return 1;
		}
	} else {
		return 0;
	}
	if (*i + 1 >= argc)
		return -1;
	*value_r = argv[++*i];
	return 1;
}

/* A global option at argv[*i]: 1 taken, 0 not global, -1 no value. */
static int
global_option(struct cli_args *a, int argc, char **argv, int *i)
{
	int rc;

	if (strcmp(argv[*i], "--version") == 0) {
		a->version = true;
		return 1;
	}
	rc = value_option(argc, argv, i, "config", 'c', &a->conf);
	if (rc == 0)
		rc = value_option(argc, argv, i, "now", '\0', &a->now);
	return rc;
}

int
cli_args_parse(struct cli_args *a, int argc, char **argv,
	       const char **error_r)
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
		if (a->argc == 0 && (strcmp(argv[i], "-h") == 0 ||
				     strcmp(argv[i], "--help") == 0)) {
			a->help = true;
			continue;
		}
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
