/*
 * The outbox worker: takes the rows that are due, sends each, and marks
 * it sent or reschedules it.  A row is read, sent, then marked, so a
 * crash re-sends at most the one mail in flight, with the same Message-ID.
 */
#ifndef AANMELD_OUTBOX_H
#define AANMELD_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct smtp;
struct store;

/* Retry n (1, 2, ...) is due OUTBOX_RETRY_BASE * n^2 seconds after the
   row was queued; after max_age seconds ([smtp] retry_hours, by default
   OUTBOX_MAX_AGE) a row fails for good. */
#define OUTBOX_RETRY_BASE 60
#define OUTBOX_MAX_AGE (4 * 24 * 3600)
/* Rows taken per pass. */
#define OUTBOX_BATCH 100
/* After this many temporary failures in a row the rest of the batch
   waits for the next run: the server is likely down, and each try could
   cost a whole timeout. */
#define OUTBOX_TEMPFAILS_MAX 3

struct outbox_stats {
	unsigned sent;
	unsigned deferred;
	unsigned failed;
	bool refused; /* the server refused the login: the rest waits */
};

/* When retry number attempt of a row first queued at first_try is due;
   0 when the row is older than max_age seconds by then. */
time_t outbox_next_try(time_t first_try, unsigned attempt, time_t max_age);

/* Sends what is due at now, giving up on a row after max_age seconds.
   0, or -1 with *error_r on a database error (a failed send is not an
   error here: it is rescheduled). */
int outbox_run(struct store *s, struct smtp *t, time_t now, time_t max_age,
	       struct outbox_stats *stats, char **error_r);

#endif
