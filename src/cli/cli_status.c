#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli_status.h"
#include "config.h"
#include "countdown.h"
#include "escape.h"
#include "programme.h"
#include "rules.h"
#include "runtime.h"
#include "staff_cycle.h"
#include "store_intake.h"
#include "store_outbox.h"
#include "store_staff.h"
#include "util.h"

static const char usage[] =
	"usage: aanmeld status\n"
	"\n"
	"The daemon's health: the last successful poll of the mailbox, the\n"
	"last cycle, the backlog, the outbox, the open review items, the\n"
	"places taken and the waiting list, the staff mail, a refused\n"
	"login and the last errors, a retry countdown once.  Whether the\n"
	"daemon runs is judged by its last pass against [mailbox]\n"
	"poll_interval.\n"
	"\n"
	"Exit status: 0 healthy; 1 when the last successful poll is\n"
	"[staff] warn_after minutes old or older (or there was none), when\n"
	"mail failed, while a server refuses the login, when the last\n"
	"pass could not use a folder, or when the\n"
	"database cannot be read; 2 wrong usage.\n";

/* "2021-04-01 10:00 (5 min ago)" or "never". */
static void
print_when(const char *label, time_t t, time_t now)
{
	char when[32];
	long long ago = (long long)(now - t);

	printf("%-13s ", label); /* "failing since:" fills the column */
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

/* The kept errors, newest first; a run of one retry countdown is one
   row, the newest, with the count of them all (countdown.h). */
struct errors {
	char *at[STAFF_ERRORS_KEPT + 1];
	char *text[STAFF_ERRORS_KEPT + 1];
	unsigned long count[STAFF_ERRORS_KEPT + 1];
	unsigned n;
};

static void
collect_error(void *ctx, int n, const char *const *values,
	      const char *const *names)
{
	struct errors *e = ctx;
	const char *text;
	unsigned i;

	(void)names;
	if (n < 3 || values[2] == NULL)
		return;
	text = values[2];
	for (i = 0; i < e->n; i++) {
		if (countdown_same(e->text[i], text))
			break;
	}
	if (i == e->n) {
		if (e->n == nitems(e->text))
			return;
		e->at[i] = xstrdup(values[0] != NULL ? values[0] : "-");
		e->text[i] = xstrdup(text);
		e->count[i] = 0;
		e->n++;
	}
	e->count[i] += values[1] != NULL ? strtoul(values[1], NULL, 10) : 1;
}

/* Prints and frees them; an error may quote the mail it is about. */
static void
print_errors(struct errors *e)
{
	unsigned i;

	for (i = 0; i < e->n; i++) {
		fputs("  ", stdout);
		escape_fputs(e->at[i], ESCAPE_LINE, stdout);
		printf("  %lux  ", e->count[i]);
		escape_fputs(e->text[i], ESCAPE_LINE, stdout);
		putchar('\n');
		free(e->at[i]);
		free(e->text[i]);
	}
	if (e->n == 0)
		printf("  (none)\n");
	e->n = 0;
}

/* Whether the daemon runs, from its last pass: it passes at least every
   poll_interval (IDLE included), so two of them without one, and a
   minute's grace for a slow pass, say it stopped.  The pid file would
   not do: the service runs without one. */
static void
print_daemon(const struct config *c, time_t last_cycle, time_t now)
{
	long long ago = (long long)(now - last_cycle);
	long long every = (long long)c->poll_interval;

	printf("%-14s", "daemon:");
	if (last_cycle == 0)
		printf("has not run yet\n");
	else if (cli_status_running(c, last_cycle, now))
		printf("running (a pass every %lld s, the last %lld s ago)\n",
		       every, ago < 0 ? 0 : ago);
	else
		printf("not running? no pass for %lld min (one is due every "
		       "%lld s)\n",
		       ago / 60, every);
}

/* The places taken of the capacity, and the waiting list.  0 or -1. */
static int
print_places(struct runtime *rt, char **error_r)
{
	char **codes = NULL;
	size_t n = 0, confirmed = 0;
	long capacity = rt->rules->programme->capacity;

	if (store_enrolled(rt->store, &codes, &n, &confirmed, error_r) == -1)
		return -1;
	util_free_strv(codes, n);
	printf("%-14s%zu taken", "places:", confirmed);
	if (capacity > 0)
		printf(" of %ld", capacity);
	printf(", %zu on the waiting list\n", n - confirmed);
	return 0;
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

/* --- logins a server refused (refusal.h): one line each */

struct refusals {
	unsigned n;
	struct buf lines; /* one line each, as status prints them */
};

static void
add_refusal(void *ctx, int n, const char *const *values,
	    const char *const *names)
{
	struct refusals *r = ctx;

	(void)names;
	if (n != 5)
		return;
	r->n++;
	(void)buf_addf(&r->lines,
		       "%-14slogin refused by %s as %s since %s; next try at "
		       "%s\n",
		       strcmp(values[0], "imap") == 0 ? "mailbox:" : "sending:",
		       values[1], values[2], values[3], values[4]);
}

/* The refusals: how many in *n_r, their lines in *lines_r (heap).  0, or
   -1 with *error_r. */
static int
refusals(struct store *s, unsigned *n_r, char **lines_r, char **error_r)
{
	struct refusals r = {0};
	int rc;

	buf_init(&r.lines, 64 * 1024);
	rc = store_staff_refusals(s, add_refusal, &r, error_r);
	*n_r = r.n;
	*lines_r = buf_steal(&r.lines);
	return rc;
}

/* --- */

/* The folder state, apart from the rest: the newest error about a folder
   (made, moved to or looked at) in the last pass, or NULL (heap). */
static char *
folder_problem(struct store *s, const struct config *c,
	       const struct store_staff_state *st)
{
	time_t since = st->last_cycle - (time_t)c->poll_interval - 60;
	char *text = NULL, *err = NULL;

	if (st->last_cycle != 0 &&
	    staff_cycle_folder_problem(s, since, &text, &err) == -1)
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
cli_status_load(struct store *s, const struct config *c, time_t now,
		struct cli_status *h, char **error_r)
{
	time_t warn = (time_t)c->staff_warn_after * 60;

	memset(h, 0, sizeof(*h));
	if (store_staff_state(s, &h->st, error_r) == -1 ||
	    store_outbox_counts(s, &h->queued, &h->failed, error_r) == -1 ||
	    store_staff_counts(s, &h->reviews, &h->moves, error_r) == -1 ||
	    refusals(s, &h->refused, &h->refusal_lines, error_r) == -1)
		return -1;
	h->stale = h->st.last_poll_ok == 0 || now - h->st.last_poll_ok >= warn;
	h->folders = folder_problem(s, c, &h->st);
	return 0;
}

bool
cli_status_problem(const struct cli_status *h)
{
	return h->stale || h->failed > 0 || h->refused > 0 ||
	       h->folders != NULL;
}

bool
cli_status_running(const struct config *c, time_t last_cycle, time_t now)
{
	return last_cycle != 0 && (long long)(now - last_cycle) <=
					  2 * (long long)c->poll_interval + 60;
}

void
cli_status_deinit(struct cli_status *h)
{
	free(h->folders);
	free(h->refusal_lines);
	memset(h, 0, sizeof(*h));
}

static void
print_health(const struct cli_status *h, time_t now)
{
	if (!cli_status_problem(h)) {
		printf("%-14s%s\n", "health:", "ok");
		return;
	}
	printf("%-14sPROBLEM:", "health:");
	if (h->st.last_poll_ok == 0)
		printf(" no successful poll yet;");
	else if (h->stale)
		printf(" no successful poll for %lld min;",
		       (long long)(now - h->st.last_poll_ok) / 60);
	if (h->failed > 0)
		printf(" %u mail%s failed (aanmeld outbox);", h->failed,
		       h->failed == 1 ? "" : "s");
	if (h->refused > 0)
		printf(" a login was refused;");
	if (h->folders != NULL)
		printf(" a folder is unusable;");
	putchar('\n');
}

/* Everything after the health line.  0, or -1 with *error_r. */
static int
print_details(struct runtime *rt, const struct cli_status *h, time_t now,
	      char **error_r)
{
	const struct config *c = rt->config;
	struct errors errors = {.n = 0};
	int rc;

	fputs(h->refusal_lines, stdout);
	if (h->refused > 0)
		printf("%-14sfixed the password? aanmeld check --connect "
		       "clears the hold\n",
		       "");
	print_daemon(c, h->st.last_cycle, now);
	print_when("last poll:", h->st.last_poll_ok, now);
	if (h->st.down_since != 0)
		print_when("failing since:", h->st.down_since, now);
	print_when("last cycle:", h->st.last_cycle, now);
	printf("%-14s%u left in the inbox by the last pass, %u moves "
	       "waiting\n",
	       "backlog:", h->st.backlog, h->moves);
	printf("%-14s%u queued, %u failed\n", "outbox:", h->queued, h->failed);
	printf("%-14s%u open items\n", "review:", h->reviews);
	if (print_places(rt, error_r) == -1)
		return -1;
	print_staff(c, &h->st);
	print_folders(h->folders);
	printf("recent errors:\n");
	rc = store_staff_errors(rt->store, collect_error, &errors, error_r);
	print_errors(&errors);
	return rc;
}

int
cli_status_run(struct runtime *rt, int argc, char **argv)
{
	time_t now = util_clock();
	struct cli_status h;
	char *err = NULL;
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
	rc = cli_status_load(rt->store, rt->config, now, &h, &err);
	if (rc == 0) {
		print_health(&h, now);
		rc = print_details(rt, &h, now, &err);
	}
	if (rc == -1) {
		fprintf(stderr, "status: %s\n", err);
		free(err);
	}
	rc = rc == -1 || cli_status_problem(&h) ? 1 : 0;
	cli_status_deinit(&h);
	return rc;
}
