/*
 * The scheduler's pass in the daemon's cycle: records changes of the
 * programme (store_programme_sync), asks schedule_due() what is due, and
 * queues every mail whose key is not in the outbox yet, in one
 * transaction.  And its dry run for aanmeld remind --dry-run.
 */
#ifndef AANMELD_REMIND_H
#define AANMELD_REMIND_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

struct config;
struct rules;
struct store;

/* What a pass looked at. */
enum remind_scope {
	REMIND_NONE,	/* nothing changed or fell due: nothing */
	REMIND_CHANGED, /* the municipalities whose enrolment or contacts
			   changed */
	REMIND_ALL,	/* every contact: the programme changed, a moment
			   fell due, or the first pass */
};

struct remind_stats {
	enum remind_scope scope;
	size_t contacts; /* looked at */
	unsigned queued; /* new mails */
};

/*
 * Queues what is due at now, looking only at what changed or fell due
 * since the last pass that queued everything (the store keeps how far
 * that was, and which municipalities changed since): the same mails as
 * a look at every contact, which the first pass, a changed programme, a
 * moment falling due and a clock set back still make.  0, or -1 with
 * *error_r (heap).  A mail that cannot be made is logged and skipped,
 * and the next pass looks again.
 */
int remind_run(struct store *s, const struct rules *r, const struct config *cfg,
	       time_t now, struct remind_stats *stats_r, char **error_r);

/* Prints, tab-separated with a header, every mail the scheduler would
   queue now or later (local times), and writes nothing. */
int remind_print(struct store *s, const struct rules *r, time_t now, FILE *out,
		 char **error_r);

#endif
