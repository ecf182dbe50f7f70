/*
 * Answers to our calendar invitations: an iTIP REPLY (RFC 5546 §3.2.3)
 * as Outlook, Exchange and Gmail send it by iMIP (RFC 6047) when a
 * participant accepts, declines or tentatively accepts a session.
 *
 * Pure: libical parses the text; nothing here touches the database or
 * the clock.  The text is a whole calendar object, already transfer-
 * decoded to UTF-8 (message_body.c keeps it), so the parser takes it in
 * one piece rather than incrementally.
 */
#ifndef AANMELD_ITIP_REPLY_H
#define AANMELD_ITIP_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The largest calendar text parsed at all (a real REPLY is 1-4 KiB). */
#define ITIP_REPLY_SIZE_MAX (64u * 1024)
/* The longest attendee address accepted (RFC 5321 path limit). */
#define ITIP_REPLY_ADDR_MAX 254
/* The longest UID kept (ours are about 70 bytes). */
#define ITIP_REPLY_UID_MAX 255

enum itip_partstat {
	ITIP_ACCEPTED,
	ITIP_DECLINED,
	ITIP_TENTATIVE,
	ITIP_OTHER, /* NEEDS-ACTION, DELEGATED, ...: nothing to record */
};

struct itip_reply {
	char *uid;	/* of the event answered, heap */
	char *attendee; /* lower-case addr-spec of the one ATTENDEE, heap */
	char *partstat_text; /* PARTSTAT as written (ASCII), heap */
	enum itip_partstat partstat;
	/* SEQUENCE, 0 when absent or negative: the revision answered
	   (attendance.h ignores one above ours).  XXX libical reads it
	   without a range check: a value past INT_MAX comes back
	   wrapped */
	unsigned sequence;
	time_t dtstamp; /* DTSTAMP, 0 when absent */
};

/*
 * Parses len bytes of calendar text (need not be NUL-terminated).
 *   1  a REPLY: *out filled; release it with itip_reply_deinit();
 *   0  a calendar that is no REPLY (no METHOD, or REQUEST, COUNTER, ...):
 *      *error_r says which, *out is empty;
 *  -1  not usable: over ITIP_REPLY_SIZE_MAX, a NUL byte, no VCALENDAR,
 *      no VEVENT, no or a too long UID, not exactly one ATTENDEE, an
 *      ATTENDEE that is no mailto: address, no PARTSTAT; *error_r says
 *      which, *out is empty.
 * *error_r is a static string.
 */
int itip_reply_parse(const char *text, size_t len, struct itip_reply *out,
		     const char **error_r);
/* The *error_r of a COUNTER (RFC 5546 section 3.2.7: an attendee
   proposes another time), which a person answers: compare the
   pointer. */
extern const char itip_reply_counter[];
void itip_reply_deinit(struct itip_reply *r);

/* "accepted", "declined", "tentative" or "other". */
const char *itip_partstat_name(enum itip_partstat s);

#endif
