/*
 * One intake pass: mailbox -> spool -> message -> classify -> store, a
 * batch of messages in one transaction (group commit), a message whose
 * handling was cut short in a batch alone.  Used by the daemon, by
 * `aanmeld run --once` and by the integration tests.
 */
#ifndef AANMELD_INTAKE_H
#define AANMELD_INTAKE_H

#include <signal.h>
#include <time.h>

#include "intake_one.h"

/* A batch: messages recorded in one commit, and held in memory at once
   (their raw bytes up to INTAKE_BATCH_BYTES, or one larger message). */
#define INTAKE_BATCH_COUNT 100
#define INTAKE_BATCH_BYTES (8u * 1024 * 1024)

/* Processes every message waiting in the inbox, stopping early when
   *stop becomes non-zero.  0; MAILBOX_UNREACHABLE with *error_r when the
   server cannot be reached (the mailbox said so already); -1 with
   *error_r when the mailbox or the database fails as a whole. */
int intake_run(struct intake *in, time_t now, volatile sig_atomic_t *stop,
	       struct intake_stats *stats, char **error_r);

#endif
