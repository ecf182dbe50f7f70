/*
 * aanmeld status: the daemon's health for operators and monitoring, read
 * from the database (store_staff.h): the last successful poll, the last
 * cycle, the backlog, the outbox, the review queue and the last errors.
 * The reading is apart from the printing, so that aanmeld-web's
 * overview judges the health as status does.
 */
#ifndef AANMELD_CLI_STATUS_H
#define AANMELD_CLI_STATUS_H

#include <stdbool.h>
#include <time.h>

#include "store_staff.h"

struct config;
struct runtime;
struct store;

/* What status reports, read from the database. */
struct cli_status {
	struct store_staff_state st;
	unsigned queued, failed, reviews, moves, refused;
	bool stale;	     /* no successful poll for [staff] warn_after */
	char *folders;	     /* the last pass's folder error, heap or NULL */
	char *refusal_lines; /* the refused logins, one line each, heap */
};

/* Reads the health into *h (release with cli_status_deinit(), also
   after -1).  0, or -1 with *error_r (heap). */
int cli_status_load(struct store *s, const struct config *c, time_t now,
		    struct cli_status *h, char **error_r);
/* Whether status says PROBLEM: a stale poll, failed mail, a refused
   login or an unusable folder. */
bool cli_status_problem(const struct cli_status *h);
/* Whether the daemon runs, judged by its last pass (0: none) against
   [mailbox] poll_interval: a pass at least every interval, two missed
   and a minute's grace say it stopped. */
bool cli_status_running(const struct config *c, time_t last_cycle, time_t now);
void cli_status_deinit(struct cli_status *h);

/* Prints the status; returns the exit code: 0 healthy, 1 when the last
   successful poll is warn_after minutes old or older (or there was
   none), when mail failed, or when the database cannot be read; 2 for
   wrong usage. */
int cli_status_run(struct runtime *rt, int argc, char **argv);

#endif
