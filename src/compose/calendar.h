/*
 * Calendar invitations for the programme: iCalendar objects (RFC 5545)
 * with an iTIP method (RFC 5546), to be mailed as iMIP (RFC 6047) in a
 * "text/calendar; method=..." part whose method matches the METHOD inside.
 *
 * - REQUEST invites one participant to one session (RSVP asked);
 * - CANCEL takes a withdrawn participant out of it again;
 * - PUBLISH is the whole programme (sessions, deadline, congress) as a
 *   file to import, with UIDs of its own for the sessions
 *   (programme_item_overview_uid()): an import must not replace the
 *   invitation a participant answered, with its attendees, by an event
 *   without them.
 *
 * Pure: no clock, and no I/O but libical's reading of the system's
 * time-zone database the first time a zone is used.  The caller passes
 * now, which becomes the DTSTAMP; everything else depends only on the
 * programme and the arguments.  Timed events are written in the programme's
 * time zone with a VTIMEZONE from libical's copy of the time-zone database, cut
 * down to one STANDARD and one DAYLIGHT rule where the zone allows (as Outlook
 * writes them); a zone libical does not know is written as UTC.  An item
 * whose end equals its start (the deadline) is an all-day event.
 *
 * The result has CRLF line ends and lines folded at 75 octets (never
 * inside a UTF-8 sequence); TEXT values are escaped by libical.  The
 * programme's text is trusted configuration; attendee names come from
 * mail and are cleaned (see CALENDAR_NAME_MAX).
 */
#ifndef AANMELD_CALENDAR_H
#define AANMELD_CALENDAR_H

#include <time.h>

#include "programme.h"
#include "programme_item.h"

/* An attendee name (CN) is cut to this many bytes, on a character
   boundary.  Before that, CR, LF and other control characters (C0 and
   C1) and U+2028/U+2029 become spaces, a double quote becomes an apostrophe (a
   parameter value cannot hold one, and few clients decode RFC 6868's ^'), a
   caret that a reader would decode is doubled, invalid UTF-8 becomes U+FFFD and
   runs of spaces collapse.  A name left empty gives no CN. */
#define CALENDAR_NAME_MAX 200

/*
 * METHOD:REQUEST for one item of p (one of p->sessions, or &p->congress
 * or &p->deadline: the pointer identifies it), inviting attendee_addr
 * (ASCII addr-spec) with display name attendee_name (untrusted UTF-8, or
 * NULL).  ORGANIZER is p->address with CN p->organiser_name: replies go
 * there.  sequence is 0 for the first invitation and must grow with every
 * change of the item that is sent again.  A timed item gets a display
 * alarm 15 minutes before it starts.
 *
 * Returns a heap string the caller frees, or NULL with a static *error_r:
 * "unsafe attendee address", "unsafe organiser address", "unsafe uid
 * domain" or "item not in programme".
 */
char *calendar_request(const struct programme *p,
		       const struct programme_item *item,
		       const char *attendee_addr, const char *attendee_name,
		       const char *uid_domain, unsigned sequence, time_t now,
		       const char **error_r);

/*
 * METHOD:CANCEL with STATUS:CANCELLED for the same item and attendee, for
 * a participant who withdrew: calendars remove the event.  last_sequence
 * is the SEQUENCE of the last REQUEST sent; the CANCEL carries one more.
 * Returns and errors as calendar_request().
 */
char *calendar_cancel(const struct programme *p,
		      const struct programme_item *item,
		      const char *attendee_addr, const char *attendee_name,
		      const char *uid_domain, unsigned last_sequence,
		      time_t now, const char **error_r);

/*
 * METHOD:PUBLISH with every session, the deadline (all day) and the
 * congress, when present, in that order; ORGANIZER but no ATTENDEE.  The
 * calendar is named after the event (X-WR-CALNAME).  sequence is written
 * on every event, as in calendar_request().
 *
 * Returns a heap string the caller frees, or NULL with a static *error_r:
 * "unsafe organiser address", "unsafe uid domain" or "empty programme".
 */
char *calendar_publish(const struct programme *p, const char *uid_domain,
		       unsigned sequence, time_t now, const char **error_r);

#endif
