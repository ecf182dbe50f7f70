/*
 * The calendar invitations of a confirmed enrolment: one mail per
 * session (iMIP, RFC 6047), the Dutch text of invitation.txt beside the
 * session as text/calendar; method=REQUEST, so that Outlook, Gmail and
 * Apple Mail offer Accept and Decline.  Pure, like answer.c: the caller
 * stores the mails with the verdict, in one transaction.
 */
#ifndef AANMELD_INVITE_H
#define AANMELD_INVITE_H

#include <stddef.h>
#include <time.h>

#include "outmail.h"

struct config;
struct message;
struct rules;

struct schedule_item;

/* The key of the invitation for a session, stable for the municipality,
   the address and the enrolment round, so a re-run can never queue a
   second one: "invitation:<code>:<token>:<session>[:r<round>]".  Heap,
   caller frees. */
char *invite_key(const char *code, const char *addr, unsigned session,
		 unsigned round);

struct compose_mail;

/* Adds m's calendar once more as the attachment invite.ics, for mail
   programs that offer only an attachment to import (as Gmail sends
   it); the inline text/calendar part stays what calendars act on. */
void invite_attach(struct compose_mail *m);

/* Whom the invitations are for: the municipality, its enrolment round
   (1: the first; 0 counts as 1) and, from round 2 on, what the store
   knows of each session (for the SEQUENCE). */
struct invite_for {
	const char *code;
	unsigned round;
	const struct schedule_item *items;
	size_t n_items;
};

/*
 * One invitation per session still to come (start after now) for msg's sender,
 * who enrolled municipality f->code, added to the end of out (kind
 * "invitation").  0, or -1 with *error_r (heap) when no safe mail can be
 * made; then out is as it was.
 */
int invite_build(const struct message *msg, const struct invite_for *f,
		 const struct rules *r, const struct config *cfg, time_t now,
		 struct outmail_list *out, char **error_r);

#endif
