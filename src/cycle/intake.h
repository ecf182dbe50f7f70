/*
 * One intake pass: mailbox -> spool -> message -> classify -> store, one
 * transaction per message.  Used by the daemon, by `aanmeld run --once`
 * and by the integration tests.
 */
#ifndef AANMELD_INTAKE_H
#define AANMELD_INTAKE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "classify.h"

struct config;
struct mailbox;
struct rules;
struct store;

/* Tries at one message before it goes to review unparsed: a message that
   stops the daemon while it is handled (the parser's crashes are already
   contained by message_worker.h) must not stop the desk. */
#define INTAKE_ATTEMPTS_MAX 3

struct intake {
	const struct config *config;
	const struct rules *rules;
	struct store *store;
	struct mailbox *mailbox;
	struct classify_settings settings;
};

struct intake_stats {
	unsigned recorded; /* recorded for the first time */
	unsigned known;	   /* seen before: no-op */
	unsigned failed;   /* left in the inbox for the next pass */
	unsigned verdicts[VERDICT_COUNT];
};

/* Fills in->settings from the config and the programme. */
void intake_init(struct intake *in, const struct config *config,
		 const struct rules *rules, struct store *store,
		 struct mailbox *mailbox);

/* Processes every message waiting in the inbox, stopping early when
   *stop becomes non-zero.  0; MAILBOX_UNREACHABLE with *error_r when the
   server cannot be reached (the mailbox said so already); -1 with
   *error_r when the mailbox or the database fails as a whole. */
int intake_run(struct intake *in, time_t now, volatile sig_atomic_t *stop,
	       struct intake_stats *stats, char **error_r);

/* The folder for a verdict (from the config). */
const char *intake_folder(const struct config *config, enum verdict v);

#endif
