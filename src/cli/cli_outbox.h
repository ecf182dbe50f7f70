/*
 * Staff's two decisions on one outgoing mail, for aanmeld retry and
 * aanmeld outbox cancel and for aanmeld-web's outbox page alike: the
 * store's change and, when nothing changed, the row's state that says
 * why.  Each caller tells it in its own words.
 */
#ifndef AANMELD_CLI_OUTBOX_H
#define AANMELD_CLI_OUTBOX_H

#include <stdint.h>
#include <time.h>

struct store;

/* Puts failed (or waiting) mail id back in the queue, due now.  1 done;
   0 refused, with *status_r the row's state as store_outbox_status()
   gives it (heap; NULL: no such mail); -1 with *error_r (heap). */
int cli_outbox_retry(struct store *s, int64_t id, time_t now, char **status_r,
		     char **error_r);
/* Gives up failed or waiting mail id for good, the audit naming actor:
   it is never sent.  Returns as cli_outbox_retry(). */
int cli_outbox_cancel(struct store *s, int64_t id, const char *actor,
		      time_t now, char **status_r, char **error_r);

#endif
