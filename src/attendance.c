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

int
attendance_resolve(struct store *s, const struct rules *rules,
		   const struct message *msg, struct classification *c,
		   time_t now, struct attendance *out, char **error_r)
{
	char **codes = NULL, *why;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_attendance_codes(s, c->reply.attendee, &codes, &n, error_r) ==
	    -1)
		return -1;
	if (n == 0) {
		why = xasprintf("%s is no contact of an enrolled "
				"municipality: nothing recorded",
				c->reply.attendee);
		add_reason(c, why);
		free(why);
		c->verdict = VERDICT_IGNORE;
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
	/* a reply without DTSTAMP is as late as its arrival */
	out->rec.replied_at = c->reply.dtstamp != 0 ? c->reply.dtstamp : now;
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
