/*
 * Staff add a contact to an enrolment, or remove one (aanmeld contact):
 * each change in one transaction with an audit row.  A contact added
 * gets its invitations from the scheduler, which the contacts trigger
 * tells of the change; a contact removed gets no more mail: what is
 * still queued for it as a contact of the municipality is cancelled, and
 * the CANCELs of the sessions in its calendar (planned by the caller,
 * contact.c) are queued in the same transaction.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_CONTACT_H
#define AANMELD_STORE_CONTACT_H

#include <stddef.h>
#include <time.h>

struct outmail;
struct store;

/* Adds addr as a contact of code, which must be enrolled (confirmed or
   on the waiting list); detail goes into the audit row.  0, or -1 with
   *error_r: not enrolled, withdrawn, a contact already. */
int store_contact_add(struct store *s, const char *code, const char *addr,
		      const char *actor, const char *detail, time_t now,
		      char **error_r);
/* Removes addr as a contact of code: cancels its mails still queued for
   code, queues mails (its CANCELs), deletes it.  0, or -1 with *error_r:
   no such contact, or its last one (a withdrawal ends that). */
int store_contact_remove(struct store *s, const char *code, const char *addr,
			 const char *actor, const char *detail,
			 const struct outmail *mails, size_t n_mails,
			 time_t now, char **error_r);
/* Whether mail to addr came back (a bounce marked the contact
   undeliverable): 1 when it did, 0 when not, -1 with *error_r. */
int store_contact_undeliverable(struct store *s, const char *addr,
				char **error_r);
/* Clears the undeliverable mark of addr, a contact of code (a bounce
   set it, store_outbox_bounce(), wherever addr is a contact, and so it
   is cleared): mail to it goes out again.  Mail held while it was
   marked stays unsent.  detail goes into the audit row.  0, or -1 with
   *error_r: no such contact, or it is not marked. */
int store_contact_clear_undeliverable(struct store *s, const char *code,
				      const char *addr, const char *actor,
				      const char *detail, time_t now,
				      char **error_r);

#endif
