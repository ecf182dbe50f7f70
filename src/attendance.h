/*
 * The step between classify and store for an answer to an invitation
 * (VERDICT_ATTENDANCE): whose answer it is.  The classifier read the
 * reply and found its programme item; only the database knows whether
 * the attendee is a contact of an enrolled municipality and whether a
 * later answer is recorded already.  Never answered, never a review.
 */
#ifndef AANMELD_ATTENDANCE_H
#define AANMELD_ATTENDANCE_H

#include <time.h>

#include "store_attendance.h"

struct classification;
struct message;
struct rules;
struct store;

/* What attendance_resolve() fills in; its strings are borrowed from the
   classification and the message, or owned here (item). */
struct attendance {
	struct store_attendance rec;
	char item[32];
	char *code; /* the first municipality, heap */
};

/*
 * For c->verdict == VERDICT_ATTENDANCE, whose From classify() found to be
 * the attendee: looks the attendee up.  A known contact: *out holds the
 * row to record (with the message in the same transaction), c->gemeente
 * the municipality, and 1 is returned.  c becomes VERDICT_IGNORE with
 * the reason, and 0 is returned, when the attendee is no contact of a
 * municipality, or when the reply's SEQUENCE is above the highest we
 * sent of the item to it (store_attendance_sent()): such a reply answers
 * nothing of ours, and recorded it would outrank every later answer.  A
 * DTSTAMP after now counts as now, for the same reason.  An older answer
 * than the one recorded keeps VERDICT_ATTENDANCE with a reason saying so
 * (storing it changes nothing).  -1 on a database error.  Release *out
 * with attendance_deinit() whatever the result.
 */
int attendance_resolve(struct store *s, const struct rules *rules,
		       const struct message *msg, struct classification *c,
		       time_t now, struct attendance *out, char **error_r);
void attendance_deinit(struct attendance *a);

#endif
