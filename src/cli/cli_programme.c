#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_actor.h"
#include "cli_programme.h"
#include "config.h"
#include "remind.h"
#include "roster.h"
#include "rules.h"
#include "runtime.h"
#include "util.h"

int
cli_programme_remind(struct runtime *rt, int argc, char **argv)
{
	bool dry = argc == 2 && strcmp(argv[1], "--dry-run") == 0;
	struct remind_stats stats;
	char *err = NULL;
	int rc;

	if (argc > 2 || (argc == 2 && !dry)) {
		fprintf(stderr, "usage: aanmeld remind [--dry-run]\n");
		return 2;
	}
	/* read-write even for the dry run: it compares the programme with
	   the sessions' states in a transaction it rolls back */
	if (runtime_open_store(rt, false) == -1)
		return 1;
	if (dry)
		rc = remind_print(rt->store, rt->rules, util_clock(), stdout,
				  &err);
	else
		rc = remind_run(rt->store, rt->rules, rt->config, util_clock(),
				&stats, &err);
	if (rc == -1) {
		fprintf(stderr, "remind: %s\n", err);
		free(err);
		return 1;
	}
	if (!dry)
		printf("%u mails queued; the daemon sends them on its next "
		       "run\n",
		       stats.queued);
	return 0;
}

static int
apply(struct runtime *rt, struct roster_plan *plan, const char *what)
{
	char *err = NULL;

	if (store_programme_change(rt->store, &plan->change, util_clock(),
				   &err) == -1) {
		fprintf(stderr, "%s: %s\n", what, err);
		free(err);
		return 1;
	}
	if (plan->withdraw != NULL)
		printf("%s withdrawn\n", plan->withdraw);
	if (plan->promote != NULL)
		printf("%s promoted from the waiting list\n", plan->promote);
	printf("%zu mails queued; the daemon sends them on its next run\n",
	       plan->mails.n);
	return 0;
}

int
cli_programme_withdraw(struct runtime *rt, int argc, char **argv)
{
	struct roster_plan plan;
	char *err = NULL, *who;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: aanmeld withdraw CODE\n");
		return 2;
	}
	if (runtime_open_store(rt, false) == -1)
		return 1;
	who = cli_actor();
	if (roster_plan_withdraw(rt->store, rt->rules, rt->config, argv[1], who,
				 NULL, util_clock(), &plan, &err) == -1) {
		fprintf(stderr, "withdraw: %s\n", err);
		free(err);
		free(who);
		return 1;
	}
	rc = apply(rt, &plan, "withdraw");
	roster_plan_free(&plan);
	free(who);
	return rc;
}

int
cli_programme_promote(struct runtime *rt, int argc, char **argv)
{
	struct roster_plan plan;
	const char *code = NULL;
	char *err = NULL, *who;
	bool force = false;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (code == NULL && argv[i][0] != '-')
			code = argv[i];
		else {
			fprintf(stderr,
				"usage: aanmeld promote [--force] [CODE]\n");
			return 2;
		}
	}
	if (runtime_open_store(rt, false) == -1)
		return 1;
	who = cli_actor();
	if (roster_plan_promote(rt->store, rt->rules, rt->config, code, who,
				force, util_clock(), &plan, &err) == -1) {
		fprintf(stderr, "promote: %s\n", err);
		free(err);
		free(who);
		return 1;
	}
	rc = apply(rt, &plan, "promote");
	roster_plan_free(&plan);
	free(who);
	return rc;
}
