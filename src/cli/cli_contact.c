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
	const char *verb = argc == 4 ? argv[1] : "";
	char *err = NULL, *who;
	unsigned cancels = 0;
	int rc;

	if (strcmp(verb, "add") != 0 && strcmp(verb, "remove") != 0 &&
	    strcmp(verb, "clear-bounce") != 0) {
		fprintf(stderr,
			"usage: aanmeld contact add|remove|clear-bounce "
			"CODE ADDRESS\n");
		return 2;
	}
	if (runtime_open_store(rt, false) == -1)
		return 1;
	who = cli_actor();
	if (strcmp(verb, "add") == 0)
		rc = contact_add(rt->store, rt->rules, argv[2], argv[3], who,
				 util_clock(), &err);
	else if (strcmp(verb, "clear-bounce") == 0)
		rc = contact_clear_bounce(rt->store, rt->rules, argv[2],
					  argv[3], who, util_clock(), &err);
	else
		rc = contact_remove(rt->store, rt->rules, rt->config, argv[2],
				    argv[3], who, util_clock(), &cancels, &err);
	free(who);
	if (rc == -1) {
		fprintf(stderr, "contact %s: %s\n", verb, err);
		free(err);
		return 1;
	}
	if (strcmp(verb, "add") == 0)
		printf("%s added to %s; the daemon sends its invitations on "
		       "its next run\n",
		       argv[3], argv[2]);
	else if (strcmp(verb, "clear-bounce") == 0)
		printf("%s of %s is deliverable again; mail held while it was "
		       "marked stays unsent\n",
		       argv[3], argv[2]);
	else
		printf("%s removed from %s; %u cancellations queued\n", argv[3],
		       argv[2], cancels);
	return 0;
}
