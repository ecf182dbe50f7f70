/*
 * The decision folders: staff drag a message from Beoordelen into
 * Beoordelen/Goedkeuren, /Afwijzen or /Negeren, and every cycle applies
 * what lies there through review_decide_item(), then moves the message
 * to the folder of its outcome.  A message never seen before is taken
 * in as new mail first.
 */
#ifndef AANMELD_REVIEW_FOLDERS_H
#define AANMELD_REVIEW_FOLDERS_H

#include <signal.h>
#include <time.h>

struct config;
struct mailbox;
struct review;

struct review_stats {
	unsigned applied;
	unsigned already;  /* decided before: the message only moves */
	unsigned returned; /* back to Beoordelen */
	unsigned new_mail; /* unknown messages processed as new mail */
	unsigned failed;
};

/* Creates the decision folders (and Beoordelen).  0 or -1 / the
   mailbox's code with *error_r. */
int review_folders_create(const struct config *config, struct mailbox *mb,
			  char **error_r);
/* Looks at every decision folder once and applies what staff put there.
   0, -1 with *error_r, MAILBOX_UNREACHABLE. */
int review_folders_run(const struct review *r, struct mailbox *mb, time_t now,
		       volatile sig_atomic_t *stop, struct review_stats *stats,
		       char **error_r);

#endif
