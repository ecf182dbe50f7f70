/*
 * The mailbox-action worker: moves recorded messages to the folder of
 * their outcome (Verwerkt, Beoordelen, Afgewezen, Genegeerd).  Moves are
 * rows committed with the verdict, so a crash between the commit and the
 * move is finished on the next pass.
 */
#ifndef AANMELD_ACTIONS_H
#define AANMELD_ACTIONS_H

#include <time.h>

struct mailbox;
struct store;

#define ACTIONS_BATCH 500

struct actions_stats {
	unsigned moved;
	unsigned gone; /* no longer in the inbox: nothing to do */
	unsigned failed;
};

int actions_run(struct store *s, struct mailbox *mb, time_t now,
		struct actions_stats *stats, char **error_r);

#endif
