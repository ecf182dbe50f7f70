/*
 * What a bounce says about the message it returns: the returned
 * Message-ID, and for a delivery status notification its recipient,
 * action, status and the remote server's reply.
 *
 * RFC 3464 (message/delivery-status: per-message and per-recipient
 * fields, Final-Recipient, Action, Status, Diagnostic-Code), RFC 6522
 * (multipart/report), RFC 3463 (enhanced status codes), RFC 5321
 * section 4.2 (reply codes).  Unstructured bounces (Exim's "Mail
 * delivery failed", Postfix without DSN, old Sendmail, Gmail) return the
 * original as message/rfc822, as text/rfc822-headers or quoted in the
 * text: for those only the returned Message-ID, the explanation and the
 * server's reply quoted in it are known.
 *
 * message_body.c feeds the parts it finds while it walks the MIME tree;
 * nothing here parses MIME or touches more than the text given.  Pure.
 */
#ifndef AANMELD_BOUNCE_H
#define AANMELD_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>

struct mailimf_fields;
struct message;

/* Longest explanation kept (message.h bounce_text), cut on a character
   boundary. */
#define BOUNCE_TEXT_MAX 4096
/* Longest value kept of one field (a Diagnostic-Code), cut the same way. */
#define BOUNCE_FIELD_MAX 512
/* Lines of a delivery-status part read; the rest is ignored. */
#define BOUNCE_REPORT_LINES 200

/* What the walk found; fields NULL until found, heap. */
struct bounce_scan {
	char *report;	/* the first message/delivery-status text */
	char *returned; /* the returned message's Message-ID, without <> */
};

void bounce_scan_init(struct bounce_scan *b);
void bounce_scan_deinit(struct bounce_scan *b);
/* A message/delivery-status part, decoded to UTF-8: the first is kept. */
void bounce_scan_report(struct bounce_scan *b, const char *text);
/* The header of a returned message (message/rfc822): its Message-ID, the
   first found is kept. */
void bounce_scan_returned(struct bounce_scan *b,
			  const struct mailimf_fields *fields);
/* A text/rfc822-headers part, decoded: read as a header block. */
void bounce_scan_headers(struct bounce_scan *b, const char *text);

/*
 * Sets msg's bounce fields from what the walk found and msg->body (set
 * before): nothing when no returned Message-ID was found, attached or
 * quoted in the body.  Takes what b holds.
 */
void bounce_scan_finish(struct bounce_scan *b, struct message *msg);

/* The first SMTP reply quoted in text ("550 5.1.1 <a@b>: unknown"), its
   line trimmed and cut at BOUNCE_FIELD_MAX, with its enhanced status code
   in *status_r when it has one: heap strings, or NULL for none. */
char *bounce_smtp_reply(const char *text, char **status_r);

/* True if text (or NULL) says in words that a delivery failed
   ("undeliverable", "user unknown", "onbestelbaar"). */
bool bounce_says_failed(const char *text);

/* True if text names addr as a whole address (not inside a longer one),
   case-insensitively. */
bool bounce_text_names(const char *text, const char *addr);

#endif
