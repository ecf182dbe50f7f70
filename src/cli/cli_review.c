#include "autoconf.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_review.h"
#include "config.h"
#include "escape.h"
#include "gemeenten.h"
#include "review.h"
#include "rules.h"
#include "runtime.h"
#include "store_review.h"
#include "util.h"

/* Who decides, for the audit log: "cli:<login>". */
static char *
actor(void)
{
	struct passwd *pw = getpwuid(getuid());

	return xasprintf("cli:%s", pw != NULL ? pw->pw_name : "?");
}

static int
parse_id(const char *cmd, const char *s, int64_t *id_r)
{
	const char *err;
	long long v;

	if (util_strtonum(s, 1, INT64_MAX, &v, &err) == -1) {
		fprintf(stderr,
			"%s: '%s' is not a review item id (see aanmeld "
			"queue)\n",
			cmd, s);
		return -1;
	}
	*id_r = v;
	return 0;
}

static int
decide(struct runtime *rt, const char *cmd, enum review_decision d, int64_t id,
       const char *code, bool silent)
{
	struct review r;
	struct review_request q;
	char *by = NULL, *err = NULL, *who = actor();
	int rc;

	if (runtime_open_store(rt, false) == -1) {
		free(who);
		return CLI_ERROR;
	}
	r.config = rt->config;
	r.rules = rt->rules;
	r.store = rt->store;
	memset(&q, 0, sizeof(q));
	q.item = id;
	q.decision = d;
	q.code = code;
	q.silent = silent;
	q.actor = who;
	q.now = util_clock();
	rc = review_decide(&r, &q, &by, &err);
	switch (rc) {
	case REVIEW_APPLIED:
		printf("review item %lld: %s done; the daemon sends the mail "
		       "and moves the message on its next run\n",
		       (long long)id, cmd);
		rc = CLI_OK;
		break;
	case REVIEW_CLOSED:
		printf("review item %lld: %s done: %s\n", (long long)id, cmd,
		       err);
		rc = CLI_OK;
		break;
	case REVIEW_REFUSED:
		fprintf(stderr, "%s: %s; nothing done\n", cmd, err);
		rc = CLI_USAGE;
		break;
	case REVIEW_ALREADY:
		fprintf(stderr,
			"%s: review item %lld is already decided (by "
			"%s); nothing done\n",
			cmd, (long long)id, by);
		rc = CLI_ALREADY;
		break;
	case REVIEW_NOT_FOUND:
		fprintf(stderr, "%s: no review item %lld (see aanmeld queue)\n",
			cmd, (long long)id);
		rc = CLI_NOT_FOUND;
		break;
	case REVIEW_NO_MUNICIPALITY:
		fprintf(stderr,
			"%s: review item %lld has no suggested "
			"municipality: give one with --gemeente CODE\n",
			cmd, (long long)id);
		rc = CLI_USAGE;
		break;
	default:
		fprintf(stderr, "%s: %s\n", cmd, err);
		rc = CLI_ERROR;
	}
	free(by);
	free(err);
	free(who);
	return rc;
}

int
cli_review_approve(struct runtime *rt, int argc, char **argv)
{
	const char *code = NULL;
	int64_t id;

	if (argc == 4 && strcmp(argv[2], "--gemeente") == 0)
		code = argv[3];
	else if (argc != 2) {
		fprintf(stderr,
			"usage: aanmeld approve ID [--gemeente CODE]\n");
		return CLI_USAGE;
	}
	if (parse_id(argv[0], argv[1], &id) == -1)
		return CLI_USAGE;
	if (code != NULL &&
	    gemeenten_by_code(rt->rules->gemeenten, code) == NULL) {
		fprintf(stderr,
			"approve: no municipality %s in %s/gemeenten.tsv\n",
			code, rt->rules->dir);
		return CLI_NOT_FOUND;
	}
	return decide(rt, "approve", REVIEW_APPROVE, id, code, false);
}

int
cli_review_reject(struct runtime *rt, int argc, char **argv)
{
	bool silent = argc == 3 && strcmp(argv[2], "--silent") == 0;
	int64_t id;

	if (argc != 2 && !silent) {
		fprintf(stderr, "usage: aanmeld reject ID [--silent]\n");
		return CLI_USAGE;
	}
	if (parse_id(argv[0], argv[1], &id) == -1)
		return CLI_USAGE;
	return decide(rt, "reject", REVIEW_REJECT, id, NULL, silent);
}

int
cli_review_dismiss(struct runtime *rt, int argc, char **argv)
{
	int64_t id;

	if (argc != 2) {
		fprintf(stderr, "usage: aanmeld dismiss ID\n");
		return CLI_USAGE;
	}
	if (parse_id(argv[0], argv[1], &id) == -1)
		return CLI_USAGE;
	return decide(rt, "dismiss", REVIEW_DISMISS, id, NULL, false);
}

static void
print_line(void *ctx, int n, const char *const *values,
	   const char *const *names)
{
	bool *header = ctx;
	int i;

	if (!*header) {
		for (i = 0; i < n; i++)
			printf("%s%s", names[i], i + 1 < n ? "\t" : "\n");
		*header = true;
	}
	for (i = 0; i < n; i++) {
		/* one line per event, whatever the detail holds */
		escape_fputs(values[i] != NULL ? values[i] : "-", ESCAPE_LINE,
			     stdout);
		putchar(i + 1 < n ? '\t' : '\n');
	}
}

int
cli_review_history(struct runtime *rt, int argc, char **argv)
{
	struct store_review_item it;
	const char *code = NULL;
	bool header = false;
	char *err = NULL;
	int64_t id = 0;
	int rc = 0;

	if (argc > 2) {
		fprintf(stderr, "usage: aanmeld history [CODE|ID]\n");
		return CLI_USAGE;
	}
	if (argc == 2 && argv[1][0] >= '0' && argv[1][0] <= '9') {
		if (parse_id("history", argv[1], &id) == -1)
			return CLI_USAGE;
	} else if (argc == 2) {
		code = argv[1];
		if (gemeenten_by_code(rt->rules->gemeenten, code) == NULL) {
			fprintf(stderr,
				"history: no municipality %s in "
				"%s/gemeenten.tsv\n",
				code, rt->rules->dir);
			return CLI_NOT_FOUND;
		}
	}
	if (runtime_open_store(rt, true) == -1)
		return CLI_ERROR;
	if (id > 0) {
		rc = store_review_get(rt->store, id, &it, &err);
		store_review_item_deinit(&it);
		if (rc == 0) {
			fprintf(stderr, "history: no review item %lld\n",
				(long long)id);
			return CLI_NOT_FOUND;
		}
	}
	if ((id > 0 && rc == -1) ||
	    store_review_history(rt->store, code, id, print_line, &header,
				 &err) == -1) {
		fprintf(stderr, "history: %s\n", err);
		free(err);
		return CLI_ERROR;
	}
	if (!header)
		printf("(none)\n");
	return CLI_OK;
}
