/*
 * An incoming message, parsed into the fields the classifier needs.
 *
 * RFC 5322 (headers), RFC 2045-2047 (MIME, encoded words), RFC 2231
 * (parameter values), RFC 3834 (automatic responses), RFC 8601
 * (Authentication-Results).  The MIME work is done by libetpan; this file
 * guards against what libetpan 1.9.4 gets wrong on hostile input (see
 * message.c) and enforces the limits below before libetpan sees the data.
 *
 * Parsing never fails: a message that is over a limit or cannot be parsed
 * comes back with `problem` set, which the classifier turns into a review.
 */
#ifndef AANMELD_MESSAGE_H
#define AANMELD_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

struct reason;

/* The largest message we parse at all (bigger ones go to review). */
#define MESSAGE_SIZE_MAX (25u * 1024 * 1024)
/* The header block, from the first byte to the empty line. */
#define MESSAGE_HEADER_MAX (256u * 1024)
/* Header fields in the top-level header block. */
#define MESSAGE_FIELDS_MAX 1000
/* multipart and message/rfc822 parameters anywhere in the raw message:
   libetpan recurses once per level, so this bounds its stack use. */
#define MESSAGE_NESTING_SCAN_MAX 64
/* MIME tree depth and leaf count after parsing. */
#define MESSAGE_MIME_DEPTH_MAX 10
#define MESSAGE_MIME_PARTS_MAX 200
/* Authentication-Results fields kept, topmost first. */
#define MESSAGE_AUTHRES_MAX 16
/* Decoded text body kept for staff (the rest is cut). */
#define MESSAGE_BODY_MAX (256u * 1024)
/* Attachments kept (a participant's text): at most this many, each at
   most this size decoded; the others are only counted. */
#define MESSAGE_ATTACHMENTS_MAX 8
#define MESSAGE_ATTACHMENT_MAX (10u * 1024 * 1024)
/* Longest file name kept of an attachment, in bytes of UTF-8. */
#define MESSAGE_ATTACHMENT_NAME_MAX 255

/* A file attached to a message: a part with Content-Disposition
   attachment, or an application part with a file name; not a
   calendar, not a signature (S/MIME, OpenPGP), not an inline image.
   Only what is known of it: its bytes are read on request, by part
   (message_attachment_parse()), as only a delivery keeps them. */
struct message_attachment {
	char *name;    /* as the sender named it, cleaned UTF-8 (never NULL;
			  may be "" and may hold "/", ".." and the like) */
	char *type;    /* "type/subtype", lower case */
	size_t len;    /* its size decoded */
	unsigned part; /* where it is: the leaf part it is, counted from 1
			  in the order the parse walks the MIME tree */
};

struct message {
	/* Header values, decoded to valid UTF-8, unfolded; NULL if absent.
	   Every field is carried across the parser process by
	   message_worker.c: a new field is added there too. */
	char *from_addr;      /* lower-case addr-spec of the first From */
	char *from_name;      /* its display name */
	char *from_raw;	      /* the first From field as written, decoded */
	unsigned from_fields; /* From fields in the header (0: none) */
	char *sender_addr;    /* Sender: addr-spec */
	char *reply_to_addr;  /* first Reply-To addr-spec */
	char *to;	      /* To: as decoded text */
	char *subject;
	char *message_id;  /* without <> */
	char *date;	   /* as written */
	char *in_reply_to; /* raw, ids with <> */
	char *references;  /* raw, ids with <> */
	char *auto_submitted;
	char *precedence;
	char *list_id;		/* List-Id, or the first other List-* value */
	char *return_path;	/* "" for Return-Path: <> */
	char *autoreply_header; /* name of an X-Autoreply style header */
	char *authres[MESSAGE_AUTHRES_MAX]; /* Authentication-Results, topmost
					       first, unfolded */
	size_t n_authres;
	/* Received fields above each Authentication-Results, and in all:
	   where our border MTA's own header ends (authres_judge()) */
	unsigned authres_zone[MESSAGE_AUTHRES_MAX];
	unsigned received;

	char *content_type;  /* top-level "type/subtype", lower-case */
	bool calendar_reply; /* a text/calendar part with method=REPLY,
				COUNTER or DECLINECOUNTER */
	char *calendar;	     /* the first text/calendar or application/ics
				part, decoded to UTF-8, or NULL */
	char *body;	     /* text/plain, else text/html stripped */
	bool body_html;	     /* body is the text of an HTML part: the mail
				has no text/plain one */
	struct message_attachment *attachments; /* heap, n_attachments */
	size_t n_attachments;
	/* attachments left out: past MESSAGE_ATTACHMENTS_MAX or over
	   MESSAGE_ATTACHMENT_MAX */
	unsigned attachments_dropped;
	/* A returned message (bounce.h), all NULL when there is none: its
	   Message-ID without <>, and what the report says of it.  For a
	   bounce without a delivery-status part, rcpt, action and status
	   are NULL and text is the explanation a person would read. */
	char *bounce_id;
	char *bounce_rcpt;	 /* Final-Recipient addr-spec, lower-case */
	char *bounce_action;	 /* Action: "failed", "delayed", ... */
	char *bounce_status;	 /* Status: "5.1.1" */
	char *bounce_diagnostic; /* Diagnostic-Code, or the server's reply */
	char *bounce_text;	 /* the explanation before the returned
				    headers, cut at BOUNCE_TEXT_MAX */

	struct reason *problem; /* why it needs a person, or NULL */
	size_t size;		/* raw size in bytes */
};

/*
 * Parses len bytes (they need not be NUL-terminated and may contain NULs).
 * Always returns a message; the caller frees it with message_free().
 * The input is not referenced after the call returns.
 */
struct message *message_parse(const char *data, size_t len);
/* The same for the first len bytes of a message of size bytes (a
   mailbox may give only the header of a message that is too large). */
struct message *message_parse_sized(const char *data, size_t len, size_t size);
/* The header only: the body is not looked at (content_type, body and
   calendar stay NULL).  For a message whose full parse crashed. */
struct message *message_parse_header(const char *data, size_t len, size_t size);
/* A message that is not parsed at all, only marked with problem (e.g.
   one that crashed the daemon before), which it takes over.  Free with
   message_free(). */
struct message *message_unparsed(struct reason *problem, size_t size);
void message_free(struct message *msg);

/*
 * The decoded bytes of the attachment in leaf part part (struct
 * message_attachment.part) of the message that message_parse_sized()
 * gets from the same data, len and size: the same checks and limits,
 * the same decoding.  Passes them to sink once (n bytes, may hold NULs;
 * valid only during the call) and returns what sink returns; -1 without
 * calling it when that part is no attachment, or one over
 * MESSAGE_ATTACHMENT_MAX.  part must be one that message_parse_sized()
 * listed: the count of MESSAGE_ATTACHMENTS_MAX is not made again.
 */
int message_attachment_parse(
	const char *data, size_t len, size_t size, unsigned part,
	int (*sink)(void *ctx, const char *bytes, size_t n), void *ctx);

/* Copies s, replacing invalid UTF-8 with U+FFFD and control characters
   other than TAB, CR and LF with spaces.  Heap string, caller frees. */
char *message_clean_utf8(const char *s, size_t len);

/* What message_body_parse() is asked for besides the message: the
   bytes of one attachment (message_attachment_parse()). */
struct message_want {
	unsigned part; /* the leaf part; 0: none */
	int (*sink)(void *ctx, const char *bytes, size_t n);
	void *ctx;
	int rc; /* the sink's answer; -1 while it is not called */
};

/*
 * The body half of the parse, in message_body.c: walks libetpan's MIME
 * tree for the text body, the top-level content type and calendar
 * replies, and checks it against MESSAGE_MIME_DEPTH_MAX and
 * MESSAGE_MIME_PARTS_MAX.  Only message.c calls it, after its raw
 * pre-scan said libetpan may parse.  Fills msg->content_type, msg->body
 * and msg->calendar_reply, or sets msg->problem; with want (may be NULL)
 * it decodes only the attachment asked for, and gives it to its sink.
 * data is not referenced after the call.  Declared here, not in a header
 * of its own, so that message_body.c depends on message.h and not the
 * other way round.
 */
void message_body_parse(struct message *msg, const char *data, size_t len,
			struct message_want *want);

#endif
