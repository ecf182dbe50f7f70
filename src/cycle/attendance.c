#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "classify.h"
#include "itip_reply.h"
#include "message.h"
#include "programme.h"
#include "programme_item.h"
#include "store_attendance.h"
#include "util.h"

/* The session of an item; 0 for the deadline and the congress. */
static unsigned
item_session(unsigned item)
{
	return item <= PROGRAMME_SESSIONS_MAX ? item : 0;
}

/* The highest SEQUENCE sent of the item to the attendee as a contact of
   any of its municipalities: one calendar, whichever invited it. */
static int
sent_sequence(struct store *s, const struct classification *c,
	      char *const *codes, size_t n, unsigned *sequence_r,
	      char **error_r)
{
	unsigned seq;
	size_t i;
	int rc;

	*sequence_r = 0;
	for (i = 0; i < n; i++) {
		rc = store_attendance_sent(s, codes[i], c->reply.attendee,
					   item_session(c->item), &seq,
					   error_r);
		if (rc == -1)
			return -1;
		if (rc == 1 && seq > *sequence_r)
			*sequence_r = seq;
	}
	return 0;
}

int
attendance_lookup(struct store *s, const struct classification *c,
		  struct attendance_facts *out, char **error_r)
{
	char **codes = NULL, item[32];
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_attendance_codes(s, c->reply.attendee, &codes, &n, error_r) ==
	    -1)
		return -1;
	if (n == 0)
		return 0;
	if (sent_sequence(s, c, codes, n, &out->facts.sent, error_r) == -1) {
		util_free_strv(codes, n);
		return -1;
	}
	out->code = xstrdup(codes[0]);
	out->facts.code = out->code;
	util_free_strv(codes, n);
	programme_item_name(c->item, true, item, sizeof(item));
	rc = store_attendance_current(s, out->code, c->reply.attendee, item,
				      &out->recorded,
				      &out->facts.recorded_sequence,
				      &out->facts.recorded_at, error_r);
	if (rc == -1)
		return -1;
	out->facts.recorded = rc == 1 ? out->recorded : NULL;
	return 0;
}

void
attendance_facts_deinit(struct attendance_facts *f)
{
	free(f->code);
	free(f->recorded);
	memset(f, 0, sizeof(*f));
}

void
attendance_build(const struct message *msg, const struct classification *c,
		 time_t now, struct attendance *out)
{
	memset(out, 0, sizeof(*out));
	programme_item_name(c->item, true, out->item, sizeof(out->item));
	out->rec.address = c->reply.attendee;
	out->rec.item = out->item;
	out->rec.session = item_session(c->item);
	out->rec.status = itip_partstat_name(c->reply.partstat);
	out->rec.sequence = c->reply.sequence;
	out->rec.replied_at = c->replied_at;
	out->rec.received_at = now;
	out->rec.message_id = msg->message_id;
}
