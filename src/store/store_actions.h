/*
 * The mailbox actions queue: moves of recorded messages to a folder
 * (Verwerkt, Beoordelen, ...), queued by intake and by review decisions
 * and applied by actions.c.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_ACTIONS_H
#define AANMELD_STORE_ACTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

/* One move to apply; owns its strings (store_action_rows_free()). */
struct store_action_row {
	int64_t id;
	char *mailbox;
	char *msgkey;
	char *folder;
};

/* Queues a move of a recorded message, unless one is already queued;
   inside the caller's transaction when there is one. */
int store_requeue_move(struct store *s, int64_t message_row,
		       const char *mailbox, const char *msgkey,
		       const char *folder, time_t now, char **error_r);

/* The moves waiting, at most max (heap array). */
int store_actions_due(struct store *s, size_t max,
		      struct store_action_row **rows_r, size_t *n_r,
		      char **error_r);
void store_action_rows_free(struct store_action_row *rows, size_t n);
/* With error NULL the move is done and its row deleted; otherwise it is
   tried again on the next pass, up to STORE_ACTION_ATTEMPTS times, and
   then failed (the row kept). */
#define STORE_ACTION_ATTEMPTS 5
int store_action_done(struct store *s, int64_t id, time_t now,
		      const char *error, char **error_r);
/* Marks n moves done (deleted) in one transaction. */
int store_actions_done(struct store *s, const int64_t *ids, size_t n,
		       time_t now, char **error_r);

#endif
