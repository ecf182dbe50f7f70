/*
 * The answer to one incoming message: the template of its verdict filled
 * in and composed into a complete mail.  Pure: the caller passes the time
 * and stores the result with the verdict, in one transaction.
 */
#ifndef AANMELD_ANSWER_H
#define AANMELD_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct classification;
struct compose_mail;
struct config;
struct message;
struct outmail;
struct rules;

/*
 * Builds the answer for c (c->answer must be true) into *out: key
 * "answer:<sha256>", rcpt the judged From address, outsider false (the
 * caller judges it).  position is the place on the waiting list (for
 * the waitlist template).  0, or -1 with
 * *error_r (heap) when no safe mail can be made, e.g. for an address
 * that cannot go into a header.  An answer that may go to a forged
 * address (reject, review) quotes nothing the sender wrote: no subject,
 * no Date header, and no display name or References in its header.
 */
int answer_build(const struct message *msg, const char *sha256,
		 const struct classification *c, const struct rules *r,
		 const struct config *cfg, size_t position, time_t now,
		 struct outmail *out, char **error_r);

/* True if addr is no municipality's address, judged on its domain alone
   as classify() judges a sender (senders.rules, then gemeenten.tsv),
   whatever its display name or subject claim.  Answers to such
   addresses count against max_outsider_replies_per_hour. */
bool answer_to_outsider(const struct rules *r, const char *addr);

/* The parts every mail back to msg's sender shares: From (the event),
   To, Message-ID, threading to msg, and the date. */
void answer_mail_init(struct compose_mail *m, const struct message *msg,
		      const struct rules *r, const char *message_id,
		      time_t now);

#endif
