#include "autoconf.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_review.h"
#include "cli_rows.h"
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

int
cli_review_decide(const struct review *r, enum review_decision d, int64_t item,
		  const char *code, bool silent, const char *actor, bool dutch,
		  char **decided_by_r, char **error_r)
{
	struct review_request q;

	memset(&q, 0, sizeof(q));
	q.item = item;
	q.decision = d;
	q.code = code;
	q.silent = silent;
	q.dutch = dutch;
	q.actor = actor;
	q.now = util_clock();
	return review_decide(r, &q, decided_by_r, error_r);
}

static int
decide(struct runtime *rt, const char *cmd, enum review_decision d, int64_t id,
       const char *code, bool silent)
{
	struct review r;
	char *by = NULL, *err = NULL, *who = actor();
	int rc;

	if (runtime_open_store(rt, false) == -1) {
		free(who);
		return CLI_ERROR;
	}
	r.config = rt->config;
	r.rules = rt->rules;
	r.store = rt->store;
	rc = cli_review_decide(&r, d, id, code, silent, who, false, &by, &err);
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

int
cli_review_history_load(struct store *s, const char *code, int64_t id,
			struct cli_rows *rows, char **error_r)
{
	struct store_review_item it;
	int rc;

	if (id > 0) {
		rc = store_review_get(s, id, &it, error_r);
		store_review_item_deinit(&it);
		if (rc <= 0)
			return rc;
	}
	if (store_review_history(s, code, id, cli_rows_add, rows, error_r) ==
	    -1)
		return -1;
	return 1;
}

int
cli_review_history(struct runtime *rt, int argc, char **argv)
{
	struct cli_rows rows = {NULL, 0};
	const struct cli_row *row;
	const char *code = NULL;
	char *err = NULL;
	int64_t id = 0;
	size_t i, j, n;
	int rc;

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
	rc = cli_review_history_load(rt->store, code, id, &rows, &err);
	if (rc == 0) {
		fprintf(stderr, "history: no review item %lld\n",
			(long long)id);
		return CLI_NOT_FOUND;
	}
	if (rc == -1) {
		fprintf(stderr, "history: %s\n", err);
		free(err);
		cli_rows_deinit(&rows);
		return CLI_ERROR;
	}
	for (i = 0; i < rows.n; i++) {
		row = &rows.v[i];
		/* the reasons' codes are for the pages: the detail says
		   the same in English */
		n = row->n;
		if (n > 0 && strcmp(row->names[n - 1], "reason_codes") == 0)
			n--;
		for (j = 0; i == 0 && j < n; j++)
			printf("%s%s", row->names[j], j + 1 < n ? "\t" : "\n");
		for (j = 0; j < n; j++) {
			/* one line per event, whatever the detail holds */
			escape_fputs(row->values[j] != NULL ? row->values[j]
							    : "-",
				     ESCAPE_LINE, stdout);
			putchar(j + 1 < n ? '\t' : '\n');
		}
	}
	if (rows.n == 0)
		printf("(none)\n");
	cli_rows_deinit(&rows);
	return CLI_OK;
}
