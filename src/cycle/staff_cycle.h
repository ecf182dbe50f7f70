/*
 * Telling staff, once per cycle of the daemon (cycle_run): records
 * whether the mailbox could be read, queues the one warning of an outage
 * and the note that it is over, and the summary when its period has come
 * (staff.h decides, store_staff.h remembers).  The mails are outbox rows
 * with a unique key, queued with the state in one transaction, so a
 * re-run or a crash never sends two; the outbox sends them in the same
 * cycle, over SMTP alone, which works while the mailbox does not.
 */
#ifndef AANMELD_STAFF_CYCLE_H
#define AANMELD_STAFF_CYCLE_H

#include <time.h>

#include "defs.h"

struct config;
struct rules;
struct store;

/* After intake: intake_rc is intake_run()'s result (0: the poll
   worked), backlog the messages it left in the inbox.  Problems are
   logged and never stop the cycle. */
void staff_cycle_run(struct store *s, const struct config *c,
		     const struct rules *r, int intake_rc, unsigned backlog,
		     time_t now);
/* The newest kept error about a folder ("folder ...", "folders: ...")
   since since: 1 with *text_r (heap), 0 when none, -1 with *error_r.
   For aanmeld status and the staff warning of an unusable folder. */
int staff_cycle_folder_problem(struct store *s, time_t since, char **text_r,
			       char **error_r);
/* Keeps an error the cycle logs, for `aanmeld status` and the warning
   (cleaned by staff_error_clean()).  Failing to keep it is only logged
   at debug level: the database may be what failed. */
void staff_cycle_error(struct store *s, time_t now, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

#endif
