/*
 * iTIP REPLY (RFC 5546 §3.2.3) read with libical 3.0: RFC 5545 syntax,
 * RFC 6047 iMIP as the transport (the caller found the MIME part).
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "itip_reply.h"
#include "util.h"

const char itip_reply_counter[] = "calendar METHOD is COUNTER";

static const char *const partstat_names[] = {
	"accepted",
	"declined",
	"tentative",
	"other",
};

const char *
itip_partstat_name(enum itip_partstat s)
{
	return partstat_names[s];
}

void
itip_reply_deinit(struct itip_reply *r)
{
	free(r->uid);
	free(r->attendee);
	free(r->partstat_text);
	memset(r, 0, sizeof(*r));
}

/* The addr-spec of a "mailto:" calendar address, lower-case; NULL if it
   is none we could write to or compare. */
static char *
mailto_addr(const char *cal_address)
{
	const char *a = cal_address, *at;
	size_t i, len;

	if (a == NULL || strncasecmp(a, "mailto:", 7) != 0)
		return NULL;
	a += 7;
	len = strlen(a);
	at = strchr(a, '@');
	if (len == 0 || len > ITIP_REPLY_ADDR_MAX || at == NULL || at == a ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c <= ' ' || c >= 0x7f || strchr("<>()[]\\,;:\"", c) != NULL)
			return NULL;
	}
	return util_lowercase(xstrdup(a));
}

static enum itip_partstat
partstat_of(icalparameter_partstat ps)
{
	switch (ps) {
	case ICAL_PARTSTAT_ACCEPTED:
		return ITIP_ACCEPTED;
	case ICAL_PARTSTAT_DECLINED:
		return ITIP_DECLINED;
	case ICAL_PARTSTAT_TENTATIVE:
		return ITIP_TENTATIVE;
	default:
		return ITIP_OTHER;
	}
}

/* The one ATTENDEE of ev and its PARTSTAT. */
static int
read_attendee(icalcomponent *ev, struct itip_reply *out, const char **error_r)
{
	icalproperty *att, *next;
	icalparameter *ps;
	const char *text;

	att = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	if (att == NULL) {
		*error_r = "no ATTENDEE";
		return -1;
	}
	next = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY);
	if (next != NULL) {
		/* RFC 5546 §3.2.3: a REPLY speaks for one attendee */
		*error_r = "more than one ATTENDEE";
		return -1;
	}
	out->attendee = mailto_addr(icalproperty_get_attendee(att));
	if (out->attendee == NULL) {
		*error_r = "ATTENDEE is no mailto: address";
		return -1;
	}
	ps = icalproperty_get_first_parameter(att, ICAL_PARTSTAT_PARAMETER);
	if (ps == NULL) {
		*error_r = "ATTENDEE without PARTSTAT";
		return -1;
	}
	out->partstat = partstat_of(icalparameter_get_partstat(ps));
	text = icalparameter_get_xvalue(ps);
	if (text == NULL)
		text = icalparameter_enum_to_string(
			(int)icalparameter_get_partstat(ps));
	out->partstat_text = xstrdup(text != NULL ? text : "?");
	for (char *p = out->partstat_text; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f)
			*p = '?';
	}
	return 0;
}

/* The VEVENT of a REPLY: UID, SEQUENCE, DTSTAMP and the attendee. */
static int
read_event(icalcomponent *cal, struct itip_reply *out, const char **error_r)
{
	icalcomponent *ev;
	struct icaltimetype stamp;
	const char *uid;
	int seq;

	ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	if (ev == NULL) {
		*error_r = "no VEVENT";
		return -1;
	}
	uid = icalcomponent_get_uid(ev);
	if (uid == NULL || uid[0] == '\0') {
		*error_r = "VEVENT without UID";
		return -1;
	}
	if (strlen(uid) > ITIP_REPLY_UID_MAX) {
		*error_r = "UID too long";
		return -1;
	}
	out->uid = xstrdup(uid);
	seq = icalcomponent_get_sequence(ev);
	out->sequence = seq > 0 ? (unsigned)seq : 0;
	stamp = icalcomponent_get_dtstamp(ev);
	if (!icaltime_is_null_time(stamp) && icaltime_is_valid_time(stamp))
		out->dtstamp = icaltime_as_timet_with_zone(
			stamp, icaltimezone_get_utc_timezone());
	return read_attendee(ev, out, error_r);
}

int
itip_reply_parse(const char *text, size_t len, struct itip_reply *out,
		 const char **error_r)
{
	icalcomponent *cal;
	icalproperty_method method;
	char *copy;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > ITIP_REPLY_SIZE_MAX) {
		*error_r = "calendar too large";
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		*error_r = "calendar holds a NUL byte";
		return -1;
	}
	copy = xstrndup(text, len);
	/* a parse error must come back to us, never abort the daemon */
	icalerror_set_errors_are_fatal(0);
	cal = icalparser_parse_string(copy);
	free(copy);
	icalerror_clear_errno();
	if (cal == NULL) {
		*error_r = "no calendar object";
		return -1;
	}
	if (icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		icalcomponent_free(cal);
		*error_r = "no VCALENDAR";
		return -1;
	}
	method = icalcomponent_get_method(cal);
	if (method == ICAL_METHOD_NONE || method == ICAL_METHOD_X) {
		icalcomponent_free(cal);
		*error_r = "calendar without METHOD";
		return 0;
	}
	if (method != ICAL_METHOD_REPLY) {
		icalcomponent_free(cal);
		*error_r = method == ICAL_METHOD_COUNTER
				   ? itip_reply_counter
				   : "calendar METHOD is not REPLY";
		return 0;
	}
	rc = read_event(cal, out, error_r);
	icalcomponent_free(cal);
	if (rc == -1) {
		itip_reply_deinit(out);
		return -1;
	}
	return 1;
}
