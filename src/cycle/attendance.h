/*
 * The step around classify for an answer to an invitation
 * (VERDICT_ATTENDANCE).  The classifier reads the reply and finds its
 * programme item; only the database knows whether the attendee is a
 * contact of an enrolled municipality, the SEQUENCE we sent it and the
 * answer recorded already.  attendance_lookup() asks it, for a second
 * classify() to decide with; attendance_build() turns the verdict into
 * the row to record.  Nothing here changes a verdict.
 */
#ifndef AANMELD_ATTENDANCE_H
#define AANMELD_ATTENDANCE_H

#include <time.h>

#include "classify.h"
#include "store_attendance.h"

struct message;
struct store;

/* What attendance_lookup() finds; facts borrows code and recorded. */
struct attendance_facts {
	struct classify_attendee facts;
	char *code;	/* heap, or NULL: no contact */
	char *recorded; /* heap, or NULL: no answer recorded */
};

/*
 * For c->verdict == VERDICT_ATTENDANCE: what the store knows of the
 * reply's attendee and item, for classify_state.attendee.  0, or -1 on
 * a database error.  Release *out with attendance_facts_deinit()
 * whatever the result.
 */
int attendance_lookup(struct store *s, const struct classification *c,
		      struct attendance_facts *out, char **error_r);
void attendance_facts_deinit(struct attendance_facts *f);

/* The row attendance_build() fills in; its strings are borrowed from the
   classification and the message, or owned here (item). */
struct attendance {
	struct store_attendance rec;
	char item[32];
};

/* For c->verdict == VERDICT_ATTENDANCE, decided with the facts looked
   up: the row to record with the message, in the same transaction.
   Valid while c and msg are. */
void attendance_build(const struct message *msg, const struct classification *c,
		      time_t now, struct attendance *out);

#endif
