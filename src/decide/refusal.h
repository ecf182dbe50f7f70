/*
 * A login a server refused: the password, the client secret or the
 * account is wrong (IMAP NO to LOGIN or AUTHENTICATE, SMTP 535, an
 * OAuth2 invalid_client).  Trying again at the pace of a network error
 * only locks the account (Active Directory, Microsoft 365), so the desk
 * waits a long interval between logins and tells staff at once.  Pure:
 * the caller passes the time and keeps the state (store_staff.h).
 */
#ifndef AANMELD_REFUSAL_H
#define AANMELD_REFUSAL_H

#include <stdbool.h>
#include <time.h>

struct rules;

/* The default of [mailbox] and [smtp] login_retry, in minutes. */
#define REFUSAL_RETRY_MINUTES 30

/* When to log in again after a login refused at failed_at. */
time_t refusal_next_try(time_t failed_at, unsigned retry_minutes);
/* True when a login may be tried at now: nothing is held (next_try 0)
   or next_try has come. */
bool refusal_due(time_t next_try, time_t now);
/* The time before which no login is tried at now, 0 when one may be:
   next_try, but never more than retry_minutes after now, so that a clock
   set back does not stretch the hold. */
time_t refusal_held_until(time_t next_try, time_t now, unsigned retry_minutes);

/* The host of a URL scheme://[user@]host[:port][/...] (an IPv6 host
   without its brackets), for the texts; heap, caller frees. */
char *refusal_host(const char *url);

/* The warning to staff, in Dutch: host refused the login as user of the
   mailbox (imap true) or of the outgoing mail server, since since; the
   desk tries again every retry_minutes.  Heap strings, caller frees. */
void refusal_warning_render(const struct rules *r, bool imap, const char *host,
			    const char *user, time_t since,
			    unsigned retry_minutes, char **subject_r,
			    char **body_r);

#endif
