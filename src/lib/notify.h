/*
 * The daemon's side of the service manager's notify protocol
 * (sd_notify(3), systemd.service(5) Type=notify): start-up done, a status
 * line, stopping, reloading, and the watchdog's keep-alive.
 *
 * Every call is a no-op when the daemon was not started by systemd
 * (NOTIFY_SOCKET unset), and a failure to notify is never an error for
 * the daemon: it is logged at debug level and otherwise ignored.
 */
#ifndef AANMELD_NOTIFY_H
#define AANMELD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "defs.h"

/* Longest STATUS text sent; longer text is cut off. */
#define NOTIFY_STATUS_MAX 256

/* READY=1: start-up is done.  systemctl start returns, and units ordered
   after aanmeldd start, only once this has been sent. */
void notify_ready(void);

/* STATUS=<text>: the one line systemctl status shows.  Control characters
   in the text (a server's error message may hold CR or LF, which would
   start a new field of the protocol) become spaces. */
void notify_status(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* STOPPING=1: shutting down; send it once the main loop has seen the
   stop flag (SIGTERM, SIGINT), before closing the database. */
void notify_stopping(void);

/* RELOADING=1 with MONOTONIC_USEC (which systemd 253 and later want
   beside it): a reload (SIGHUP) has begun.  Follow it with
   notify_reloaded() whether the reload worked or not. */
void notify_reloading(void);
/* READY=1 again: the reload is over. */
void notify_reloaded(void);

/* The watchdog's period in microseconds (WatchdogSec=), or 0 when there
   is no watchdog for this process.  Periods above UINT_MAX microseconds
   (about 71 minutes) are returned as UINT_MAX: feeding a watchdog more
   often than needed is harmless.  Call notify_watchdog() at least every
   half period. */
unsigned notify_watchdog_usec(void);
/* WATCHDOG=1: the keep-alive; systemd kills and restarts a daemon whose
   keep-alives stop for a whole period. */
void notify_watchdog(void);

/*
 * Formats the STATUS text from plain numbers, into buf (size bytes, cut
 * off when short; size 0 writes nothing):
 *
 *   "last poll 12:03:05 (3 s ago), backlog 0, outbox 2 queued, 0 failed"
 *   "mailbox unreachable since 12:01:00, outbox 2 queued, 0 failed"
 *
 * When mailbox_ok, since is the time of the last look into the mailbox
 * ("no poll yet" when 0), and its age is given in s below 2 minutes, in
 * min below 2 hours, else in h.  Otherwise since is when the mailbox was
 * first found unreachable in the current outage (0: unknown, left out).
 * Times a day or more from now are shown with their date.  backlog
 * counts messages still waiting in the inbox.  Local time (TZ); pure
 * apart from that.
 */
void notify_format_status(char *buf, size_t size, time_t since, time_t now,
			  unsigned backlog, unsigned outbox_queued,
			  unsigned outbox_failed, bool mailbox_ok);

#endif
