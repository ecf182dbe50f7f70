/*
 * iCalendar invitations: RFC 5545 (iCalendar), RFC 5546 (iTIP: REQUEST,
 * CANCEL, PUBLISH), RFC 6047 (iMIP), RFC 6868 (parameter values), built
 * with libical 3.0.
 */
#include "autoconf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libical/ical.h>

#include "calendar.h"
#include "compose.h"
#include "log.h"
#include "message.h"
#include "programme_item.h"
#include "util.h"

#define PRODID "-//" PACKAGE_NAME "//" PACKAGE_NAME " " PACKAGE_VERSION "//NL"
#define ALARM_BEFORE (15 * 60)

/* What the events of one calendar object share. */
struct cal {
	const struct programme *p;
	const char *uid_domain;
	icaltimezone *zone; /* NULL: times are written in UTC */
	time_t now;
	unsigned sequence;
	bool overview; /* PUBLISH: the overview's own UIDs */
};

/* Which UID number item has in p; 0 when it is not one of p's. */
static unsigned
item_number(const struct programme *p, const struct programme_item *it)
{
	size_t i;

	if (it == NULL)
		return 0;
	if (it == &p->deadline)
		return p->deadline.title != NULL ? PROGRAMME_DEADLINE : 0;
	if (it == &p->congress)
		return p->congress.title != NULL ? PROGRAMME_CONGRESS : 0;
	for (i = 0; i < p->n_sessions; i++) {
		if (it == &p->sessions[i])
			return it->number;
	}
	return 0;
}

/* The length of the C1 control (U+0080 to U+009F, with NEL) or line or
   paragraph separator (U+2028, U+2029) at s, or 0: some parsers, like
   Python's str.splitlines(), break lines there. */
static size_t
line_break(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
		return 3;
	return 0;
}

/* See CALENDAR_NAME_MAX.  Heap string, or NULL when nothing is left. */
static char *
clean_name(const char *s)
{
	char *u, *out;
	size_t i, o = 0;
	bool space = true; /* no leading spaces */

	if (s == NULL)
		return NULL;
	u = message_clean_utf8(s, strlen(s));
	out = xmalloc(strlen(u) * 2 + 1);
	for (i = 0; u[i] != '\0'; i++) {
		unsigned char c = (unsigned char)u[i];
		size_t skip = line_break(u + i);

		if (c < 0x20 || c == 0x7f || c == ' ' || skip > 0) {
			if (!space)
				out[o++] = ' ';
			space = true;
			if (skip > 0)
				i += skip - 1;
			continue;
		}
		out[o++] = c == '"' ? '\'' : (char)c;
		/* libical 3.0 decodes RFC 6868's ^n, ^' and ^^ but does not
		   encode a caret: do it where a reader would decode one */
		if (c == '^' && u[i + 1] != '\0' &&
		    strchr("n'^\"", u[i + 1]) != NULL)
			out[o++] = '^';
		space = false;
	}
	if (o > CALENDAR_NAME_MAX) {
		/* back to the start of the character that crosses the limit */
		o = CALENDAR_NAME_MAX;
		while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80)
			o--;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	free(u);
	if (o == 0) {
		free(out);
		return NULL;
	}
	return out;
}

static icaltimetype
utc_time(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0,
					     icaltimezone_get_utc_timezone());
}

/* Wall-clock time (or date) in zone, floating: libical 3.0 marks the
   result of icaltime_from_timet_with_zone() as UTC, which is wrong. */
static icaltimetype
local_time(time_t t, int is_date, icaltimezone *zone)
{
	icaltimetype tt;

	tt = icaltime_from_timet_with_zone(
		t, is_date,
		zone != NULL ? zone : icaltimezone_get_utc_timezone());
	tt.zone = NULL;
	return tt;
}

/* Makes the RRULE of observance obs (if any) run on without UNTIL. */
static void
drop_until(icalcomponent *obs)
{
	icalproperty *prop;
	struct icalrecurrencetype r;

	prop = icalcomponent_get_first_property(obs, ICAL_RRULE_PROPERTY);
	if (prop == NULL)
		return;
	r = icalproperty_get_rrule(prop);
	r.until = icaltime_null_time();
	icalproperty_set_rrule(prop, r);
}

/*
 * The VTIMEZONE for times from..until.  libical's copy of the database
 * holds the zone's whole history (with offsets like +001932) and
 * rules cut off in 2037; Outlook expects what it writes itself: one
 * STANDARD and one DAYLIGHT rule without UNTIL.  So the history before
 * `from' is cut with libical's Outlook-compatible truncation, rules that
 * start after `until' are dropped, and if that leaves one rule of each
 * kind, their UNTIL goes too: it lies after every time we write.
 */
static icalcomponent *
zone_new(const struct cal *c, time_t from, time_t until)
{
	icalcomponent *vtz, *obs, *next;
	icaltimetype last = local_time(until, 0, c->zone), starts;
	icalproperty *prop;
	int n_std = 0, n_dst = 0;

	vtz = icalcomponent_new_clone(icaltimezone_get_component(c->zone));
	icaltimezone_truncate_vtimezone(vtz, utc_time(from),
					icaltime_null_time(), 1);
	for (obs = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
	     obs != NULL; obs = next) {
		next = icalcomponent_get_next_component(vtz,
							ICAL_ANY_COMPONENT);
		prop = icalcomponent_get_first_property(obs,
							ICAL_DTSTART_PROPERTY);
		starts = prop != NULL ? icalproperty_get_dtstart(prop) : last;
		if (icaltime_compare(starts, last) > 0) {
			icalcomponent_remove_component(vtz, obs);
			icalcomponent_free(obs);
		} else if (icalcomponent_isa(obs) == ICAL_XSTANDARD_COMPONENT) {
			n_std++;
		} else if (icalcomponent_isa(obs) == ICAL_XDAYLIGHT_COMPONENT) {
			n_dst++;
		}
	}
	if (n_std <= 1 && n_dst <= 1) {
		for (obs = icalcomponent_get_first_component(
			     vtz, ICAL_ANY_COMPONENT);
		     obs != NULL; obs = icalcomponent_get_next_component(
					  vtz, ICAL_ANY_COMPONENT))
			drop_until(obs);
	}
	/* the name people know, not libical's "/freeassociation..." one */
	prop = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
	if (prop != NULL)
		icalproperty_set_tzid(prop, c->p->timezone);
	return vtz;
}

/* DTSTART or DTEND (kind) at t, in the zone with its TZID, or in UTC. */
static icalproperty *
time_prop(const struct cal *c, icalproperty_kind kind, time_t t)
{
	icaltimetype tt;
	icalproperty *prop;

	tt = c->zone != NULL ? local_time(t, 0, c->zone) : utc_time(t);
	if (kind == ICAL_DTSTART_PROPERTY)
		prop = icalproperty_new_dtstart(tt);
	else
		prop = icalproperty_new_dtend(tt);
	if (c->zone != NULL)
		icalproperty_add_parameter(
			prop, icalparameter_new_tzid(c->p->timezone));
	return prop;
}

/* An all-day event on the date of it->start, where it is held. */
static void
add_day(const struct cal *c, icalcomponent *ev, const struct programme_item *it)
{
	icaltimetype day = local_time(it->start, 1, c->zone);

	icalcomponent_add_property(ev, icalproperty_new_dtstart(day));
	icaltime_adjust(&day, 1, 0, 0, 0);
	icalcomponent_add_property(ev, icalproperty_new_dtend(day));
}

static icalproperty *
person(icalproperty *prop, const char *name)
{
	char *cn = clean_name(name);

	if (cn != NULL)
		icalproperty_add_parameter(prop, icalparameter_new_cn(cn));
	free(cn);
	return prop;
}

static icalcomponent *
alarm_new(const struct programme_item *it)
{
	icalcomponent *alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
	struct icaltriggertype trigger;

	memset(&trigger, 0, sizeof(trigger));
	trigger.time = icaltime_null_time();
	trigger.duration = icaldurationtype_from_int(-ALARM_BEFORE);
	icalcomponent_add_property(
		alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
	icalcomponent_add_property(alarm,
				   icalproperty_new_description(it->title));
	return alarm;
}

/* The VEVENT for item number `number', without ATTENDEE and STATUS. */
static icalcomponent *
event_new(const struct cal *c, const struct programme_item *it, unsigned number)
{
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	char *uid = c->overview
			    ? programme_item_overview_uid(c->p, number,
							  c->uid_domain)
			    : programme_item_uid(c->p, number, c->uid_domain);
	char *text, *mailto;
	bool all_day = it->end <= it->start;

	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev,
				   icalproperty_new_dtstamp(utc_time(c->now)));
	icalcomponent_add_property(
		ev, icalproperty_new_sequence(c->sequence > INT_MAX
						      ? INT_MAX
						      : (int)c->sequence));
	if (all_day)
		add_day(c, ev, it);
	else {
		icalcomponent_add_property(
			ev, time_prop(c, ICAL_DTSTART_PROPERTY, it->start));
		icalcomponent_add_property(
			ev, time_prop(c, ICAL_DTEND_PROPERTY, it->end));
	}
	icalcomponent_add_property(ev, icalproperty_new_summary(it->title));
	/* the link in the text too: not every client shows URL */
	if (it->description != NULL && it->link != NULL)
		text = xasprintf("%s\n\nOnline deelnemen: %s", it->description,
				 it->link);
	else if (it->link != NULL)
		text = xasprintf("Online deelnemen: %s", it->link);
	else
		text = it->description != NULL ? xstrdup(it->description)
					       : NULL;
	if (text != NULL)
		icalcomponent_add_property(ev,
					   icalproperty_new_description(text));
	if (it->link != NULL) {
		icalcomponent_add_property(ev,
					   icalproperty_new_location(it->link));
		icalcomponent_add_property(ev, icalproperty_new_url(it->link));
	}
	mailto = xasprintf("mailto:%s", c->p->address);
	icalcomponent_add_property(ev,
				   person(icalproperty_new_organizer(mailto),
					  c->p->organiser_name));
	/* a deadline is a reminder, not time that is taken */
	icalcomponent_add_property(
		ev, icalproperty_new_transp(all_day ? ICAL_TRANSP_TRANSPARENT
						    : ICAL_TRANSP_OPAQUE));
	free(mailto);
	free(text);
	free(uid);
	return ev;
}

static icalcomponent *
vcalendar_new(icalproperty_method method)
{
	icalcomponent *vcal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);

	icalcomponent_add_property(vcal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(vcal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(vcal,
				   icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(vcal, icalproperty_new_method(method));
	return vcal;
}

/* Checks what every object needs and fills c; 0 or -1 with *error_r. */
static int
cal_init(struct cal *c, const struct programme *p, const char *uid_domain,
	 unsigned sequence, time_t now, const char **error_r)
{
	icaltimezone *zone = NULL;

	memset(c, 0, sizeof(*c));
	if (p->address == NULL || !compose_addr_is_safe(p->address)) {
		*error_r = "unsafe organiser address";
		return -1;
	}
	uid_domain = programme_uid_domain(p, uid_domain);
	if (uid_domain == NULL) {
		*error_r = "unsafe uid domain";
		return -1;
	}
	if (p->timezone != NULL)
		zone = icaltimezone_get_builtin_timezone(p->timezone);
	/* UTC (and only UTC) comes without a VTIMEZONE */
	if (zone != NULL && icaltimezone_get_component(zone) == NULL)
		zone = NULL;
	c->p = p;
	c->uid_domain = uid_domain;
	c->zone = zone;
	c->now = now;
	c->sequence = sequence;
	return 0;
}

/* The text of vcal, which is freed. */
static char *
finish(icalcomponent *vcal)
{
	char *s = icalcomponent_as_ical_string_r(vcal);
	char *text;

	icalcomponent_free(vcal);
	if (s == NULL)
		fatalx("out of memory"); /* the only way libical fails here */
	text = xstrdup(s);
	icalmemory_free_buffer(s);
	return text;
}

/* REQUEST or CANCEL for one attendee. */
static char *
invitation(const struct programme *p, const struct programme_item *it,
	   const char *attendee_addr, const char *attendee_name,
	   const char *uid_domain, unsigned sequence, time_t now,
	   icalproperty_method method, const char **error_r)
{
	icalcomponent *vcal, *ev;
	icalproperty *att;
	unsigned number;
	struct cal c;
	char *mailto;

	if (attendee_addr == NULL || !compose_addr_is_safe(attendee_addr)) {
		*error_r = "unsafe attendee address";
		return NULL;
	}
	if (cal_init(&c, p, uid_domain, sequence, now, error_r) == -1)
		return NULL;
	number = item_number(p, it);
	if (number == 0) {
		*error_r = "item not in programme";
		return NULL;
	}
	vcal = vcalendar_new(method);
	if (c.zone != NULL && it->end > it->start)
		icalcomponent_add_component(vcal,
					    zone_new(&c, it->start, it->end));
	ev = event_new(&c, it, number);
	mailto = xasprintf("mailto:%s", attendee_addr);
	att = person(icalproperty_new_attendee(mailto), attendee_name);
	free(mailto);
	icalproperty_add_parameter(
		att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
	if (method == ICAL_METHOD_REQUEST) {
		icalproperty_add_parameter(
			att,
			icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(
			att, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	icalcomponent_add_property(ev, att);
	icalcomponent_add_property(
		ev, icalproperty_new_status(method == ICAL_METHOD_CANCEL
						    ? ICAL_STATUS_CANCELLED
						    : ICAL_STATUS_CONFIRMED));
	if (method == ICAL_METHOD_REQUEST && it->end > it->start)
		icalcomponent_add_component(ev, alarm_new(it));
	icalcomponent_add_component(vcal, ev);
	return finish(vcal);
}

char *
calendar_request(const struct programme *p, const struct programme_item *item,
		 const char *attendee_addr, const char *attendee_name,
		 const char *uid_domain, unsigned sequence, time_t now,
		 const char **error_r)
{
	return invitation(p, item, attendee_addr, attendee_name, uid_domain,
			  sequence, now, ICAL_METHOD_REQUEST, error_r);
}

char *
calendar_cancel(const struct programme *p, const struct programme_item *item,
		const char *attendee_addr, const char *attendee_name,
		const char *uid_domain, unsigned last_sequence, time_t now,
		const char **error_r)
{
	/* a CANCEL must outrank the REQUEST it withdraws (RFC 5546 2.1.4) */
	return invitation(p, item, attendee_addr, attendee_name, uid_domain,
			  last_sequence + 1, now, ICAL_METHOD_CANCEL, error_r);
}

char *
calendar_publish(const struct programme *p, const char *uid_domain,
		 unsigned sequence, time_t now, const char **error_r)
{
	const struct programme_item *items[PROGRAMME_SESSIONS_MAX + 2];
	unsigned numbers[PROGRAMME_SESSIONS_MAX + 2];
	icalcomponent *vcal, *ev;
	icalproperty *name;
	time_t from = 0, until = 0;
	bool timed = false;
	size_t i, n = 0;
	struct cal c;

	if (cal_init(&c, p, uid_domain, sequence, now, error_r) == -1)
		return NULL;
	c.overview = true;
	for (i = 0; i < p->n_sessions; i++) {
		numbers[n] = p->sessions[i].number;
		items[n++] = &p->sessions[i];
	}
	if (p->deadline.title != NULL) {
		numbers[n] = PROGRAMME_DEADLINE;
		items[n++] = &p->deadline;
	}
	if (p->congress.title != NULL) {
		numbers[n] = PROGRAMME_CONGRESS;
		items[n++] = &p->congress;
	}
	if (n == 0) {
		*error_r = "empty programme"; /* RFC 5545 wants a component */
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (items[i]->end <= items[i]->start)
			continue;
		if (!timed || items[i]->start < from)
			from = items[i]->start;
		if (!timed || items[i]->end > until)
			until = items[i]->end;
		timed = true;
	}
	vcal = vcalendar_new(ICAL_METHOD_PUBLISH);
	/* the name Apple and Google give an imported calendar */
	if (p->name != NULL) {
		/* libical escapes backslashes and newlines in X- values */
		name = icalproperty_new_x(p->name);
		icalproperty_set_x_name(name, "X-WR-CALNAME");
		icalcomponent_add_property(vcal, name);
	}
	if (c.zone != NULL && timed)
		icalcomponent_add_component(vcal, zone_new(&c, from, until));
	for (i = 0; i < n; i++) {
		ev = event_new(&c, items[i], numbers[i]);
		icalcomponent_add_property(
			ev, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
		if (items[i]->end > items[i]->start)
			icalcomponent_add_component(ev, alarm_new(items[i]));
		icalcomponent_add_component(vcal, ev);
	}
	return finish(vcal);
}
