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

/* Queues what is due at now; *queued_r counts the new mails.  0, or -1
   with *error_r (heap).  A mail that cannot be made is logged and
   skipped. */
int remind_run(struct store *s, const struct rules *r, const struct config *cfg,
	       time_t now, unsigned *queued_r, char **error_r);

/* Prints, tab-separated with a header, every mail the scheduler would
   queue now or later (local times), and writes nothing. */
int remind_print(struct store *s, const struct rules *r, time_t now, FILE *out,
		 char **error_r);

#endif
