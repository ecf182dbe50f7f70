/*
 * One pass of the journey, as the daemon runs it at every wake-up and
 * `aanmeld run --once` runs it once: intake, the staff's decision
 * folders, the scheduler, staff notices, the outbox, then the mailbox
 * actions.  The wiring it runs on is runtime.h's.
 */
#ifndef AANMELD_CYCLE_H
#define AANMELD_CYCLE_H

#include <signal.h>
#include <stdbool.h>

#include "actions.h"
#include "intake.h"
#include "outbox.h"
#include "review_folders.h"

struct runtime;

struct cycle_stats {
	struct intake_stats intake;
	struct review_stats review;
	struct outbox_stats outbox;
	struct actions_stats actions;
	unsigned reminders; /* mails the scheduler queued */
	/* a refused login keeps the mailbox closed (refusal.h): the loop
	   waits without it */
	bool mailbox_held;
};

/* One pass over an opened runtime.  0; -1 after logging when the
   database fails; MAILBOX_UNREACHABLE when the mailbox's server could
   not be reached (the outbox ran all the same). */
int cycle_run(struct runtime *rt, volatile sig_atomic_t *stop,
	      struct cycle_stats *stats);
/* What failed in the pass: messages, moves, decisions and folders. */
unsigned cycle_failed(const struct cycle_stats *s);
/* Logs the pass's counts at info level; nothing for a pass that found,
   sent and failed nothing. */
void cycle_log(const struct cycle_stats *s);

#endif
