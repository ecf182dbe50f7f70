#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "classify.h"
#include "gemeenten.h"
#include "programme.h"
#include "itip_reply.h"
#include "message.h"
#include "rules.h"
#include "store_attendance.h"
#include "util.h"

/* Adds "; text" to the reasons of c. */
static void
add_reason(struct classification *c, const char *text)
{
	char *r = xasprintf("%s; %s", c->reasons, text);

	free(c->reasons);
	c->reasons = r;
}

/* The reason when an answer at least as late as this one is recorded. */
static char *
superseded(struct store *s, const struct attendance *a, char **error_r,
	   int *rc_r)
{
	char *status = NULL, *why = NULL;
	unsigned seq;
	time_t at;

	*rc_r = store_attendance_current(s, a->code, a->rec.address, a->item,
					 &status, &seq, &at, error_r);
	if (*rc_r == 1 && (seq > a->rec.sequence ||
			   (seq == a->rec.sequence && at > a->rec.replied_at)))
		why = xasprintf("a later answer (%s) is recorded: this one "
				"changes nothing",
				status);
	free(status);
	return why;
}

/* The highest SEQUENCE sent of the item to the attendee as a contact of
   any of its municipalities: one calendar, whichever invited it. */
static int
sent_sequence(struct store *s, const struct classification *c,
	      char *const *codes, size_t n, unsigned *sequence_r,
	      char **error_r)
{
	unsigned session = c->item <= PROGRAMME_SESSIONS_MAX ? c->item : 0;
	unsigned seq;
	size_t i;
	int rc;

	*sequence_r = 0;
	for (i = 0; i < n; i++) {
		rc = store_attendance_sent(s, codes[i], c->reply.attendee,
					   session, &seq, error_r);
		if (rc == -1)
			return -1;
		if (rc == 1 && seq > *sequence_r)
			*sequence_r = seq;
	}
	return 0;
}

/* c becomes an ignored message with the reason why. */
static void
ignore(struct classification *c, char *why)
{
	add_reason(c, why);
	free(why);
	c->verdict = VERDICT_IGNORE;
	c->gemeente = NULL;
}

int
attendance_resolve(struct store *s, const struct rules *rules,
		   const struct message *msg, struct classification *c,
		   time_t now, struct attendance *out, char **error_r)
{
	char **codes = NULL, *why, name[32];
	unsigned sent;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_attendance_codes(s, c->reply.attendee, &codes, &n, error_r) ==
	    -1)
		return -1;
	if (n == 0) {
		ignore(c, xasprintf("%s is no contact of an enrolled "
				    "municipality: nothing recorded",
				    c->reply.attendee));
		return 0;
	}
	if (sent_sequence(s, c, codes, n, &sent, error_r) == -1) {
		util_free_strv(codes, n);
		return -1;
	}
	if (c->reply.sequence > sent) {
		/* no invitation of ours carried it: recorded, it would
		   outrank every later answer to what we did send */
		util_free_strv(codes, n);
		itip_reply_item_name(c->item, false, name, sizeof(name));
		ignore(c, xasprintf("calendar reply from %s for %s with "
				    "SEQUENCE %u, above the %u we sent: "
				    "nothing recorded",
				    c->reply.attendee, name, c->reply.sequence,
				    sent));
		return 0;
	}
	out->code = xstrdup(codes[0]);
	util_free_strv(codes, n);
	itip_reply_item_name(c->item, true, out->item, sizeof(out->item));
	out->rec.address = c->reply.attendee;
	out->rec.item = out->item;
	out->rec.session = c->item <= PROGRAMME_SESSIONS_MAX ? c->item : 0;
	out->rec.status = itip_partstat_name(c->reply.partstat);
	out->rec.sequence = c->reply.sequence;
	/* a reply without DTSTAMP is as late as its arrival, and one from
	   the future no later: it would outrank every later answer */
	out->rec.replied_at = c->reply.dtstamp != 0 && c->reply.dtstamp < now
				      ? c->reply.dtstamp
				      : now;
	out->rec.received_at = now;
	out->rec.message_id = msg->message_id;
	c->gemeente = gemeenten_by_code(rules->gemeenten, out->code);
	why = superseded(s, out, error_r, &rc);
	if (rc == -1)
		return -1;
	if (why != NULL) {
		add_reason(c, why);
		free(why);
	}
	return 1;
}

void
attendance_deinit(struct attendance *a)
{
	free(a->code);
	a->code = NULL;
}
