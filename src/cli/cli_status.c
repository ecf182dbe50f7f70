#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_status.h"
#include "config.h"
#include "escape.h"
#include "runtime.h"
#include "staff_cycle.h"
#include "store_outbox.h"
#include "store_staff.h"
#include "util.h"

static const char usage[] =
	"usage: aanmeld status\n"
	"\n"
	"The daemon's health: the last successful poll of the mailbox, the\n"
	"last cycle, the backlog, the outbox, the open review items, the\n"
	"staff mail and the last errors.\n"
	"\n"
	"Exit status: 0 healthy; 1 when the last successful poll is\n"
	"[staff] warn_after minutes old or older (or there was none), when\n"
	"mail failed, when the last pass could not use a folder, or when the\n"
	"database cannot be read; 2 wrong usage.\n";

/* "2021-04-01 10:00 (5 min ago)" or "never". */
static void
print_when(const char *label, time_t t, time_t now)
{
	char when[32];
	long long ago = (long long)(now - t);

	printf("%-14s", label);
	if (t == 0) {
		printf("never\n");
		return;
	}
	util_format_time(t, when, sizeof(when));
	if (ago < 0)
		printf("%s (in the future)\n", when);
	else if (ago < 120)
		printf("%s (%lld s ago)\n", when, ago);
	else if (ago < 2 * 3600)
		printf("%s (%lld min ago)\n", when, ago / 60);
	else if (ago < 2 * 86400)
		printf("%s (%lld h ago)\n", when, ago / 3600);
	else
		printf("%s (%lld days ago)\n", when, ago / 86400);
}

static void
print_error(void *ctx, int n, const char *const *values,
	    const char *const *names)
{
	(void)names;
	*(unsigned *)ctx += 1;
	if (n != 3)
		return;
	/* an error may quote the mail it is about */
	fputs("  ", stdout);
	escape_fputs(values[0] != NULL ? values[0] : "-", ESCAPE_LINE, stdout);
	fputs("  ", stdout);
	escape_fputs(values[1] != NULL ? values[1] : "?", ESCAPE_LINE, stdout);
	fputs("x  ", stdout);
	escape_fputs(values[2], ESCAPE_LINE, stdout);
	putchar('\n');
}

static void
print_staff(const struct config *c, const struct store_staff_state *st)
{
	char when[32];

	printf("%-14s", "staff:");
	if (c->staff_address == NULL) {
		printf("no mail ([staff] address not set)\n");
		return;
	}
	printf("%s, summary at %s", c->staff_address, c->staff_summary_at);
	if (st->summary_sent_at != 0)
		printf(", last sent %s", util_format_time(st->summary_sent_at,
							  when, sizeof(when)));
	if (st->warned_at != 0)
		printf(", warned of the mailbox at %s",
		       util_format_time(st->warned_at, when, sizeof(when)));
	putchar('\n');
}

/* The folder state, apart from the rest: the newest error about a folder
   (made, moved to or looked at) in the last pass, or NULL (heap). */
static char *
folder_problem(struct runtime *rt, const struct store_staff_state *st)
{
	time_t since = st->last_cycle - (time_t)rt->config->poll_interval - 60;
	char *text = NULL, *err = NULL;

	if (st->last_cycle != 0 &&
	    staff_cycle_folder_problem(rt->store, since, &text, &err) == -1)
		free(err);
	return text;
}

static void
print_folders(const char *problem)
{
	printf("%-14s", "folders:");
	if (problem == NULL) {
		printf("ok\n");
		return;
	}
	fputs("PROBLEM: ", stdout);
	escape_fputs(problem, ESCAPE_LINE, stdout);
	putchar('\n');
}

int
cli_status_run(struct runtime *rt, int argc, char **argv)
{
	const struct config *c = rt->config;
	struct store_staff_state st;
	unsigned queued, failed, reviews, moves, errors = 0;
	time_t now = util_clock(), warn = (time_t)c->staff_warn_after * 60;
	char *err = NULL, *folders;
	bool stale;
	int rc;

	if (argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (runtime_open_store(rt, true) == -1)
		return 1;
	if (store_staff_state(rt->store, &st, &err) == -1 ||
	    store_outbox_counts(rt->store, &queued, &failed, &err) == -1 ||
	    store_staff_counts(rt->store, &reviews, &moves, &err) == -1) {
		fprintf(stderr, "status: %s\n", err);
		free(err);
		return 1;
	}
	stale = st.last_poll_ok == 0 || now - st.last_poll_ok >= warn;
	folders = folder_problem(rt, &st);
	if (!stale && failed == 0 && folders == NULL) {
		printf("%-14s%s\n", "health:", "ok");
	} else {
		printf("%-14sPROBLEM:", "health:");
		if (st.last_poll_ok == 0)
			printf(" no successful poll yet;");
		else if (stale)
			printf(" no successful poll for %lld min;",
			       (long long)(now - st.last_poll_ok) / 60);
		if (failed > 0)
			printf(" %u mail%s failed (aanmeld outbox);", failed,
			       failed == 1 ? "" : "s");
		if (folders != NULL)
			printf(" a folder is unusable;");
		putchar('\n');
	}
	print_when("last poll:", st.last_poll_ok, now);
	if (st.down_since != 0)
		print_when("failing since:", st.down_since, now);
	print_when("last cycle:", st.last_cycle, now);
	printf("%-14s%u left in the inbox by the last pass, %u moves "
	       "waiting\n",
	       "backlog:", st.backlog, moves);
	printf("%-14s%u queued, %u failed\n", "outbox:", queued, failed);
	printf("%-14s%u open items\n", "review:", reviews);
	print_staff(c, &st);
	print_folders(folders);
	printf("recent errors:\n");
	if (store_staff_errors(rt->store, print_error, &errors, &err) == -1) {
		fprintf(stderr, "status: %s\n", err);
		free(err);
		free(folders);
		return 1;
	}
	if (errors == 0)
		printf("  (none)\n");
	rc = stale || failed > 0 || folders != NULL ? 1 : 0;
	free(folders);
	return rc;
}
