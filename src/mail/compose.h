/*
 * Outgoing mail: the only place that writes message headers.
 *
 * RFC 5322 (message format), RFC 2045-2047 (MIME, quoted-printable bodies,
 * encoded words for non-ASCII header text), RFC 3834 (Auto-Submitted and
 * threading of automatic responses).
 *
 * Everything that came from an incoming message (a display name, a
 * References value) is untrusted: CR, LF and NUL never reach a header, and
 * non-ASCII text is RFC 2047 encoded.  Addresses and message ids must be
 * plain ASCII addr-specs; anything else is refused with an error.
 */
#ifndef AANMELD_COMPOSE_H
#define AANMELD_COMPOSE_H

#include <stddef.h>
#include <time.h>

/* Longest References header we copy from a parent (RFC 5322 lines are
   folded, but an attacker could send megabytes): older ids are dropped. */
#define COMPOSE_REFERENCES_MAX 2048

struct compose_mail {
	const char *from_name;	/* UTF-8 display name, or NULL */
	const char *from_addr;	/* ASCII addr-spec */
	const char *to_name;	/* untrusted UTF-8 display name, or NULL */
	const char *to_addr;	/* ASCII addr-spec */
	const char *subject;	/* UTF-8 */
	const char *message_id; /* without angle brackets */
	const char
		*in_reply_to; /* the parent's Message-ID without <>, or NULL */
	const char *references;	    /* the parent's References value, or NULL */
	const char *auto_submitted; /* "auto-replied" or "auto-generated" */
	time_t date;
	const char *body; /* UTF-8 text; LF or CRLF line ends */
	/* iMIP (RFC 6047): an invitation.  When set, the body becomes
	   multipart/alternative: the text part, then this VCALENDAR as
	   text/calendar; charset=UTF-8; method=<calendar_method>, so that
	   Outlook, Gmail and Apple Mail show it as an invitation. */
	const char *calendar;	     /* VCALENDAR text (CRLF), or NULL */
	const char *calendar_method; /* "REQUEST", "CANCEL", ... (must match
					the text's METHOD) */
	/* An attachment (e.g. the whole programme as METHOD:PUBLISH .ics): the
	   message becomes multipart/mixed: the text (or the alternative
	   above), then this file. */
	const char *attachment;	     /* file content, or NULL */
	const char *attachment_name; /* ASCII file name, e.g. "programma.ics" */
	const char *attachment_type; /* e.g. "text/calendar; charset=UTF-8;
					method=PUBLISH" */
};

/* Longest body, calendar or attachment, in bytes before encoding. */
#define COMPOSE_PART_MAX (1024 * 1024)
/* Longest attachment_name and attachment_type; the name is letters,
   digits, '.', '-' and '_' and does not start with a dot. */
#define COMPOSE_ATTACHMENT_NAME_MAX 64
#define COMPOSE_ATTACHMENT_TYPE_MAX 128
/* Longest calendar_method, a word of ASCII letters (RFC 5546 section 1.4
   has at most 14: DECLINECOUNTER). */
#define COMPOSE_CALENDAR_METHOD_MAX 32

/*
 * Untrusted header text longer than 8 KiB is cut (on a character
 * boundary); a body, calendar or attachment over COMPOSE_PART_MAX is
 * refused, and so is a message that would pass 4 MiB.
 *
 * Builds a complete message (CRLF line ends): Date, From, To, Subject,
 * Message-ID, In-Reply-To and References (when the parent had a
 * Message-ID), Auto-Submitted, X-Auto-Response-Suppress: All,
 * MIME-Version, and then the body:
 *
 * - text only: Content-Type text/plain; charset=UTF-8 and
 *   Content-Transfer-Encoding: quoted-printable;
 * - with calendar: multipart/alternative of that text part and a
 *   "text/calendar; charset=UTF-8; method=<calendar_method>" part;
 * - with attachment: multipart/mixed of the text part (or the
 *   alternative) and the file, with attachment_type plus name="..." and
 *   Content-Disposition: attachment; filename="...".
 *
 * The calendar and the attachment are NUL-terminated and sent byte for
 * byte as base64 (lines of 76); the caller makes sure they are what their
 * type says (e.g. valid UTF-8).  The boundaries derive from message_id,
 * so the same mail gives the same bytes every time.
 *
 * Returns a heap string the caller frees and its length in *len_r (which
 * may be NULL), or NULL with a static *error_r: "unsafe address", "unsafe
 * message id", "unknown Auto-Submitted value", "unsafe calendar method"
 * (NULL, not letters, or too long), "calendar method mismatch" (the
 * calendar's first METHOD property differs), "unsafe attachment name",
 * "unsafe attachment type" (not "type/subtype" optionally followed by
 * "; parameters" in printable ASCII without quotes, backslashes or
 * parentheses), "date out of range" or "message too large".  A body
 * without a final line break gets one.
 */
char *compose_message(const struct compose_mail *m, size_t *len_r,
		      const char **error_r);

/*
 * Returns "Name: value" folded at 78 columns without the final CRLF (heap,
 * caller frees).  CR, LF, TAB and NUL in value become spaces; a value with
 * non-ASCII bytes or "=?" is written as RFC 2047 B-encoded UTF-8 words of
 * at most 75 characters that never split a UTF-8 sequence.
 */
char *compose_header_text(const char *name, const char *value);

/* Returns "Name <addr>" as a header value (heap), encoding the name per
   RFC 2047 when needed or quoting it; NULL when addr is unsafe. */
char *compose_mailbox(const char *name, const char *addr);

/*
 * A stable Message-ID (without <>) for the outgoing mail identified by key
 * (e.g. "confirm:42"): "aanmeld." + the first 32 hex digits of
 * SHA-256(key) + "@" + domain.  Heap string, caller frees.
 */
char *compose_message_id(const char *key, const char *domain);

/* True if id (without <>) is one of ours for domain: local part starts
   with "aanmeld." and the domain matches, case-insensitively. */
int compose_is_our_message_id(const char *id, const char *domain);

/* True if addr is a plain ASCII addr-spec (local@domain) without white
   space, CR, LF, NUL, angle brackets or quotes. */
int compose_addr_is_safe(const char *addr);

#endif
