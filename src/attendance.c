#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "classify.h"
#include "gemeenten.h"
#include "programme.h"
#include "reason.h"
#include "itip_reply.h"
#include "message.h"
#include "rules.h"
#include "store_attendance.h"
#include "util.h"

/* Adds why to the reasons of c (moved: why is left empty). */
static void
add_reason(struct classification *c, struct reason *why)
{
	char *text = reason_english(why), *r;

	r = xasprintf("%s; %s", c->reasons, text);
	free(text);
	free(c->reasons);
	c->reasons = r;
	c->codes.v =
		xreallocarray(c->codes.v, c->codes.n + 1, sizeof(*c->codes.v));
	c->codes.v[c->codes.n++] = *why;
	memset(why, 0, sizeof(*why));
}

/* The reason when an answer at least as late as this one is recorded
   (false: none). */
static bool
superseded(struct store *s, const struct attendance *a, struct reason *why,
	   char **error_r, int *rc_r)
{
	char *status = NULL;
	bool later = false;
	unsigned seq;
	time_t at;

	*rc_r = store_attendance_current(s, a->code, a->rec.address, a->item,
					 &status, &seq, &at, error_r);
	later = *rc_r == 1 &&
		(seq > a->rec.sequence ||
		 (seq == a->rec.sequence && at > a->rec.replied_at));
	if (later)
		reason_set(why, REASON_ATT_SUPERSEDED, status);
	free(status);
	return later;
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
ignore(struct classification *c, struct reason *why)
{
	add_reason(c, why);
	c->verdict = VERDICT_IGNORE;
	c->gemeente = NULL;
}

int
attendance_resolve(struct store *s, const struct rules *rules,
		   const struct message *msg, struct classification *c,
		   time_t now, struct attendance *out, char **error_r)
{
	char **codes = NULL, name[32], n1[24], n2[24];
	struct reason why;
	unsigned sent;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_attendance_codes(s, c->reply.attendee, &codes, &n, error_r) ==
	    -1)
		return -1;
	if (n == 0) {
		reason_set(&why, REASON_ATT_NO_CONTACT, c->reply.attendee);
		ignore(c, &why);
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
		snprintf(n1, sizeof(n1), "%u", c->reply.sequence);
		snprintf(n2, sizeof(n2), "%u", sent);
		reason_set(&why, REASON_ATT_SEQUENCE, c->reply.attendee, name,
			   n1, n2);
		ignore(c, &why);
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
	if (superseded(s, out, &why, error_r, &rc))
		add_reason(c, &why);
	if (rc == -1)
		return -1;
	return 1;
}

void
attendance_deinit(struct attendance *a)
{
	free(a->code);
	a->code = NULL;
}
