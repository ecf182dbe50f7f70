/*
 * For the store's own modules only: the rows that several rooms write
 * inside their own transactions (intake, review decisions, the
 * programme, the staff, privacy): an enrolment with its contact, an
 * audit row, mails into the outbox.  Kept apart from the rooms so that
 * they all depend on it and it on none of them.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_WRITE_H
#define AANMELD_STORE_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct outmail;

/* An enrolment (confirmed or waitlist) and the sender as a contact. */
struct store_enrol_row {
	enum store_enrol enrol;
	const char *code, *name, *from_addr, *from_name;
	time_t at;
	int64_t message;
};
int store_enrol(struct store *s, const struct store_enrol_row *e,
		char **error_r);
/* An audit row; message 0 is none. */
int store_audit(struct store *s, time_t at, const char *actor, const char *what,
		int64_t message, const char *code, const char *detail,
		char **error_r);
/* Mails into the outbox, each a new row (a key already there is an
   error), for message. */
int store_insert_mails(struct store *s, const struct outmail *mails, size_t n,
		       int64_t message, time_t at, char **error_r);
/* Mails into the outbox, a key or Message-ID already there skipped;
   message 0 is none.  what names the insert in errors.  0 or -1; with
   added_r (may be NULL), how many were new. */
int store_queue_mails(struct store *s, const struct outmail *mails, size_t n,
		      int64_t message, time_t at, char **error_r,
		      const char *what);
int store_queue_mails_counted(struct store *s, const struct outmail *mails,
			      size_t n, int64_t message, time_t at,
			      unsigned *added_r, char **error_r,
			      const char *what);

/* The queued mails for rcpt are not sent when rcpt is a contact that is
   undeliverable (a mail to it came back): they stay, cancelled, with
   the reason in their error.  A no-op for any other address.  Run for
   every mail queued, so no writer sends to such an address. */
int store_hold_mails(struct store *s, const char *rcpt, time_t at,
		     char **error_r);

#endif
