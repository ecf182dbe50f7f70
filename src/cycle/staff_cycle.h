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
#include "reason.h"

struct config;
struct rules;
struct store;

/* After intake: intake_rc is intake_run()'s result (0: the poll
   worked), backlog the messages it left in the inbox.  Problems are
   logged and never stop the cycle. */
void staff_cycle_run(struct store *s, const struct config *c,
		     const struct rules *r, int intake_rc, unsigned backlog,
		     time_t now);
/* A login of one service, as the cycle tried it (refusal.h). */
struct staff_login {
	const char *service; /* "imap" (the mailbox) or "smtp" */
	const char *host;    /* the server, or the OAuth2 token endpoint */
	const char *user;    /* the account, or the OAuth2 client id */
	unsigned retry;	     /* minutes until the next try */
};
/* The time before which service must not log in again after a refused
   login, at most retry minutes after now; 0 when it may now.  A held
   pass logs it once.  A database error is logged and answers 0. */
time_t staff_cycle_held(struct store *s, const char *service, unsigned retry,
			time_t now);
/* The server refused l's login at now: held for l->retry minutes; the
   first refusal queues the warning at once.  For the mailbox that
   warning is the outage's: no second one, and the note when polling
   works again.  Problems are logged. */
void staff_cycle_refused(struct store *s, const struct config *c,
			 const struct rules *r, const struct staff_login *l,
			 time_t now);
/* A login of service worked at now: a refusal is forgotten, and for
   "smtp" staff get the note that it works again (the mailbox's comes
   with staff_cycle_run()).  Problems are logged. */
void staff_cycle_login_ok(struct store *s, const struct config *c,
			  const struct rules *r, const char *service,
			  time_t now);
/* The newest kept error about a folder ("folder ...", "folders: ...")
   since since: 1 with *text_r (heap), 0 when none, -1 with *error_r.
   For aanmeld status and the staff warning of an unusable folder. */
int staff_cycle_folder_problem(struct store *s, time_t since, char **text_r,
			       char **error_r);
/* Keeps an error the cycle logs: what failed as code (reason.h, with
   its one argument arg or NULL), which the staff warning tells in Dutch,
   and the English detail from fmt for `aanmeld status` (cleaned by
   staff_error_clean()).  Failing to keep it is only logged at debug
   level: the database may be what failed. */
void staff_cycle_error(struct store *s, time_t now, enum reason_code code,
		       const char *arg, const char *fmt, ...) ATTR_PRINTF(5, 6);

#endif
