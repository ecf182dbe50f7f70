/*
 * Is this mail from a machine?  Bounces, out-of-office replies, reports
 * and list mail are never answered and never reviewed (RFC 3834 section
 * 2: do not answer an automatic response).
 *
 * RFC 3834 (Auto-Submitted, Precedence), RFC 5321 section 4.5.5 (the
 * null reverse-path of a bounce), RFC 3464 and RFC 6522 (delivery status
 * notifications in multipart/report), RFC 2369 and RFC 2919 (List-*),
 * RFC 5546 (calendar replies).  Many bounces and vacation notices carry
 * none of these headers (Exchange's "Automatisch antwoord:", Lotus
 * Notes' "AUTO:", bounces from "MAILER-DAEMON <>" or with no From at
 * all), so the From field as written, the start of the subject and, in
 * a reply to one of our own mails, the start of the body count too.  The
 * phrases are tables in machine.c.
 */
#ifndef AANMELD_MACHINE_H
#define AANMELD_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

struct message;
struct reason;

enum machine {
	MACHINE_NO, /* nothing says a machine wrote it */
	/* its words or its route say so (a list, Precedence, our own
	   address, a calendar reply, a bounce or out-of-office subject, a
	   vacation notice): a person may still be behind it */
	MACHINE_LIKELY,
	/* its envelope says so: no From field and no person's return
	   path, a null return path, a From of "<>" or of a machine
	   (mailer-daemon, postmaster), Auto-Submitted, an auto-reply
	   header, multipart/report */
	MACHINE_CERTAIN,
};

/*
 * How sure it is that msg comes from a machine.  For MACHINE_LIKELY and
 * MACHINE_CERTAIN *why is set to the reason (header values in it cut
 * short); release it with reason_deinit() whatever is returned.  A
 * missing From makes it certain only where other header fields were read
 * and no person's return path stands behind it: a message never parsed
 * (message_unparsed()) is no bounce, and neither is a scanner's mail
 * without a From.
 *
 * own_address is the event's address and message_id_domain the domain of
 * our Message-IDs; either may be NULL.  Pure: it only reads msg.
 */
enum machine machine_mail(const struct message *msg, const char *own_address,
			  const char *message_id_domain, struct reason *why);

/* The out-of-office title a body opens with ("Afwezigheidsmelding",
   "Automatisch antwoord", "Out of Office") when it quotes no mail, or
   NULL; a static string.  Only a title counts: a person may well write
   "Ik ben met vakantie tijdens sessie 3". */
const char *machine_away_body(const char *body, const char *own_address);

/* True if In-Reply-To or References of msg names one of our Message-IDs
   (compose_is_our_message_id()) for message_id_domain. */
bool machine_replies_to_us(const struct message *msg,
			   const char *message_id_domain);

#endif
