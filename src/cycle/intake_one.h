/*
 * One message of intake: taken from the mailbox and kept in the spool
 * (intake_take), then parsed, classified and recorded with what it
 * causes (intake_judge).  intake.c runs them over a pass, a batch of
 * messages in one transaction.
 */
#ifndef AANMELD_INTAKE_ONE_H
#define AANMELD_INTAKE_ONE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "classify.h"

struct config;
struct mailbox;
struct message;
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
	bool spool_made; /* the spool's mail folder exists */
	/* the enrolments as a group of messages changes them: read once
	   a group, as no one else writes while it is open */
	struct {
		char **codes;
		size_t n, confirmed;
		bool valid;
	} enrolled;
};

struct intake_stats {
	unsigned recorded; /* recorded for the first time */
	unsigned known;	   /* seen before: no-op */
	unsigned failed;   /* left in the inbox for the next pass */
	unsigned verdicts[VERDICT_COUNT];
};

/* A message taken from the mailbox, not yet judged. */
struct intake_item {
	const char *key; /* the mailbox's, borrowed */
	char *data;	 /* the raw bytes, up to the read limit */
	size_t len;
	size_t size; /* as the mailbox says: may be more than len */
	char sha[65];
	char *spool_path;    /* its raw copy */
	unsigned attempts;   /* counted before this one */
	struct message *msg; /* parsed (intake_parse) */
};

/* Fills in->settings from the config and the programme. */
void intake_init(struct intake *in, const struct config *config,
		 const struct rules *rules, struct store *store,
		 struct mailbox *mailbox);

/* The folder for a verdict (from the config). */
const char *intake_folder(const struct config *config, enum verdict v);

/* Fetches key into it: MAILBOX_OK, or MAILBOX_GONE, MAILBOX_ERROR or
   MAILBOX_UNREACHABLE with *error_r (it then holds nothing). */
int intake_take(struct intake *in, const char *key, struct intake_item *it,
		char **error_r);
/* Keeps its raw copy in the spool (it->spool_path): before it is
   judged, as nothing is decided before the copy is on disk.  0 or -1.
   Safe in a thread of its own while another item is judged. */
int intake_keep(struct intake *in, struct intake_item *it, char **error_r);
void intake_item_deinit(struct intake_item *it);
/* Forgets what intake read of the enrolments: at the start and the end
   of a group, when others may have changed them. */
void intake_forget_enrolled(struct intake *in);

/* Parses it (it->msg), counting one more attempt at it in a commit of
   its own unless the caller counted it already (counted); past
   INTAKE_ATTEMPTS_MAX attempts it is not parsed but set aside for a
   person.  Outside the group's transaction: a parse may take long, and
   staff's commands must not wait for it.  0, or -1 with *error_r. */
int intake_parse(struct intake *in, struct intake_item *it, bool counted,
		 time_t now, char **error_r);

/* Classifies and records the parsed it (or only queues its move when it
   is known).  1 recorded, 0 known, -1 failed with *error_r. */
int intake_judge(struct intake *in, struct intake_item *it, bool counted,
		 time_t now, struct intake_stats *stats, char **error_r);

#endif
