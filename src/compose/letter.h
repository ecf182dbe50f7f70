/*
 * The mails the programme sends by itself to a contact of an enrolled
 * municipality, not in answer to a message: reminders, updated and
 * cancelled invitations, the confirmation of a withdrawal, and the
 * confirmation and invitations of a municipality promoted from the
 * waiting list.  Pure, like answer.c: the caller passes the time and
 * stores the mail.  Each is composed from its template in rules/templates
 * with Auto-Submitted: auto-generated, and a Message-ID derived from its
 * key, so the same mail has the same id every time.
 */
#ifndef AANMELD_LETTER_H
#define AANMELD_LETTER_H

#include <stddef.h>
#include <time.h>

#include "template.h"

struct config;
struct outmail;
struct outmail_list;
struct programme;
struct programme_item;
struct rules;
struct schedule_contact;
struct schedule_item;

struct letter {
	enum template_kind kind;
	const struct schedule_contact *to;
	/* the item it is about, one of p's (sessions, deadline); NULL for
	   a withdrawal or a confirmation */
	const struct programme_item *item;
	const struct programme *p; /* the programme item belongs to */
	unsigned sequence; /* REQUEST: its SEQUENCE; CANCEL: the last one
			      sent (the CANCEL carries one more); promoted
			      and programme: the overview's PUBLISH */
	const char *key;   /* the outbox key */
	time_t date;	   /* the Date header and the DTSTAMP */
	/* the mail it answers (a withdrawal by mail), or NULL: its
	   Message-ID and References, which thread the letter to it */
	const char *in_reply_to, *references;
	/* an update: the time item had before (0: unknown, the same) */
	time_t previous_start, previous_end;
};

/* Builds l into *out (kind, key, rcpt, Message-ID, envelope sender,
   raw).  0, or -1 with *error_r (heap) when no safe mail can be made;
   then *out is empty. */
int letter_build(const struct letter *l, const struct rules *r,
		 const struct config *cfg, struct outmail *out, char **error_r);

/* The CANCEL of every session still to come (start after now) that c's
   calendar holds, added to the end of out; items (n_items) give the
   SEQUENCE each was last sent with.  0, or -1 with *error_r (heap) at
   the first that cannot be made; the ones before it stay in out. */
int letter_cancels(const struct schedule_contact *c,
		   const struct schedule_item *items, size_t n_items,
		   const struct rules *r, const struct config *cfg, time_t now,
		   struct outmail_list *out, char **error_r);

#endif
