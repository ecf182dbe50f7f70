#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_actor.h"
#include "cli_contact.h"
#include "contact.h"
#include "runtime.h"
#include "util.h"

int
cli_contact_run(struct runtime *rt, int argc, char **argv)
{
	bool add = argc == 4 && strcmp(argv[1], "add") == 0;
	char *err = NULL, *who;
	unsigned cancels = 0;
	int rc;

	if (argc != 4 || (!add && strcmp(argv[1], "remove") != 0)) {
		fprintf(stderr, "usage: aanmeld contact add|remove CODE "
				"ADDRESS\n");
		return 2;
	}
	if (runtime_open_store(rt, false) == -1)
		return 1;
	who = cli_actor();
	if (add)
		rc = contact_add(rt->store, rt->rules, argv[2], argv[3], who,
				 util_clock(), &err);
	else
		rc = contact_remove(rt->store, rt->rules, rt->config, argv[2],
				    argv[3], who, util_clock(), &cancels, &err);
	free(who);
	if (rc == -1) {
		fprintf(stderr, "contact %s: %s\n", argv[1], err);
		free(err);
		return 1;
	}
	if (add)
		printf("%s added to %s; the daemon sends its invitations on "
		       "its next run\n",
		       argv[3], argv[2]);
	else
		printf("%s removed from %s; %u cancellations queued\n", argv[3],
		       argv[2], cancels);
	return 0;
}
