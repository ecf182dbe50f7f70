/*
 * aanmeld contact add|remove CODE ADDRESS: staff give an enrolled
 * municipality another contact, or take one away.
 *
 * A contact added to a confirmed municipality takes part as the first
 * one does: the scheduler's next pass sends it the invitations of the
 * sessions still to come (not of past ones), and from then on the
 * reminders, updates and cancellations; on the waiting list it gets
 * them once the municipality is promoted.  A contact removed gets no
 * more mail as the municipality's contact: what is still queued for it
 * is cancelled, and each session still to come in its calendar gets a
 * CANCEL, so its calendar is clean.  The last contact is not removed: a
 * withdrawal ends the enrolment.
 */
#ifndef AANMELD_CONTACT_H
#define AANMELD_CONTACT_H

#include <stdbool.h>
#include <time.h>

struct config;
struct outmail_list;
struct rules;
struct store;

/* Whether addr may be a contact: one plain mailbox (name@domain) that
   is safe in a header.  The other functions refuse any other. */
bool contact_address_valid(const char *addr);

/* Adds addr to code's contacts on actor's behalf.  0, or -1 with
   *error_r (heap): a code of no municipality, an address that is no
   plain mailbox, not enrolled, a contact already. */
int contact_add(struct store *s, const struct rules *r, const char *code,
		const char *addr, const char *actor, time_t now,
		char **error_r);
/* Takes the mark a bounce set off addr, a contact of code (the
   mailbox works again): the reminders and updates still to come go to
   it again; what was held while it was marked stays unsent.  0, or -1
   with *error_r (heap): no such contact, or not marked. */
int contact_clear_bounce(struct store *s, const struct rules *r,
			 const char *code, const char *addr, const char *actor,
			 time_t now, char **error_r);
/* The CANCELs contact_remove() would queue for addr, a contact of
   code, appended to mails (the caller's): one per session still to
   come when code holds a place, none on the waiting list.  Writes
   nothing.  0, or -1 with *error_r (heap). */
int contact_cancels(struct store *s, const struct rules *r,
		    const struct config *cfg, const char *code,
		    const char *addr, time_t now, struct outmail_list *mails,
		    char **error_r);
/* Removes addr from code's contacts, with the CANCELs; *cancels_r
   counts them.  0, or -1 with *error_r (heap). */
int contact_remove(struct store *s, const struct rules *r,
		   const struct config *cfg, const char *code, const char *addr,
		   const char *actor, time_t now, unsigned *cancels_r,
		   char **error_r);

#endif
