/*
 * Unit tests for the calendar invitations: the project's programme.conf
 * as REQUEST, CANCEL and PUBLISH, parsed back with libical and checked
 * property by property (times converted with the VTIMEZONE we wrote, and
 * the iTIP rules checked with libical's icalrestriction_check), lines of
 * at most 75 octets with CRLF, hostile attendee names, time zones on both
 * sides of the equator, and a second parser (python3's icalendar) when the
 * machine has one.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <libical/ical.h>

#include "buf.h"
#include "calendar.h"
#include "fixture.h"
#include "message.h"
#include "programme.h"
#include "programme_item.h"
#include "util.h"

#define ZONE "Europe/Amsterdam"
#define ATTENDEE "info@s-hertogenbosch.nl"
#define ATTENDEE_NAME "Gemeente 's-Hertogenbosch"
#define LINE_OCTETS_MAX 75
#define PYTHON "/usr/bin/python3"

/* Two clocks: nothing but DTSTAMP may depend on them. */
#define NOW fixture_utc(2021, 3, 29, 8, 40, 0)
#define LATER fixture_utc(2021, 4, 2, 17, 5, 0)

/* A programme of one session of an hour from start, in zone. */
static struct programme *
one_session(const char *zone, time_t start)
{
	struct programme *p = xcalloc(1, sizeof(*p));

	p->name = xstrdup("proef");
	p->address = xstrdup("proef@example.nl");
	p->organiser_name = xstrdup("Proef");
	p->timezone = xstrdup(zone);
	p->n_sessions = 1;
	p->sessions[0].number = 1;
	p->sessions[0].title = xstrdup("S1");
	p->sessions[0].start = start;
	p->sessions[0].end = start + 3600;
	return p;
}

/* Fails unless every line ends in CRLF, has at most 75 octets and is
   valid UTF-8 by itself (a fold never splits a character). */
static void
check_lines(const char *text)
{
	const char *line = text, *end;
	size_t n = 1;

	assert_true(*text != '\0');
	for (; *line != '\0'; line = end + 2, n++) {
		size_t len;
		char *clean;

		end = strstr(line, "\r\n");
		if (end == NULL)
			fail_msg("line %zu has no CRLF: '%s'", n, line);
		len = (size_t)(end - line);
		if (memchr(line, '\n', len) != NULL ||
		    memchr(line, '\r', len) != NULL)
			fail_msg("line %zu has a bare CR or LF", n);
		if (len > LINE_OCTETS_MAX)
			fail_msg("line %zu has %zu octets: '%.*s'", n, len,
				 (int)len, line);
		clean = message_clean_utf8(line, len);
		if (strlen(clean) != len || memcmp(clean, line, len) != 0)
			fail_msg("line %zu is not UTF-8 by itself: '%.*s'", n,
				 (int)len, line);
		free(clean);
	}
}

/* X-LIC-ERROR properties that the parser or the restriction check left
   anywhere in c, each one printed. */
static int
count_errors(icalcomponent *c)
{
	icalproperty *prop;
	icalcomponent *sub;
	int n = 0;

	for (prop = icalcomponent_get_first_property(c,
						     ICAL_XLICERROR_PROPERTY);
	     prop != NULL; prop = icalcomponent_get_next_property(
				   c, ICAL_XLICERROR_PROPERTY)) {
		print_error("%s\n", icalproperty_get_xlicerror(prop));
		n++;
	}
	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	     sub != NULL;
	     sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += count_errors(sub);
	return n;
}

/* The text checked line by line, parsed, and checked against RFC 5546's
   table for its METHOD. */
static icalcomponent *
parse(const char *text)
{
	icalcomponent *vcal;

	assert_non_null(text);
	check_lines(text);
	vcal = icalparser_parse_string(text);
	assert_non_null(vcal);
	assert_int_equal(icalcomponent_isa(vcal), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(count_errors(vcal), 0);
	if (icalrestriction_check(vcal) != 1 || count_errors(vcal) != 0)
		fail_msg("iTIP restrictions violated:\n%s", text);
	return vcal;
}

static icalcomponent *
only_event(icalcomponent *vcal)
{
	assert_int_equal(
		icalcomponent_count_components(vcal, ICAL_VEVENT_COMPONENT), 1);
	return icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT);
}

static icalproperty *
only_prop(icalcomponent *c, icalproperty_kind kind)
{
	if (icalcomponent_count_properties(c, kind) != 1)
		fail_msg("%d %s properties",
			 icalcomponent_count_properties(c, kind),
			 icalproperty_kind_to_string(kind));
	return icalcomponent_get_first_property(c, kind);
}

/* A parameter's value (decoded), or NULL without the parameter. */
static const char *
param_text(icalproperty *prop, icalparameter_kind kind)
{
	icalparameter *par = icalproperty_get_first_parameter(prop, kind);
	const char *s;

	if (par == NULL)
		return NULL;
	s = icalparameter_get_xvalue(par);
	if (s != NULL)
		return s;
	/* an enumerated one (RSVP, ROLE...): "NAME=VALUE" */
	s = icalparameter_as_ical_string(par);
	assert_non_null(strchr(s, '='));
	return strchr(s, '=') + 1;
}

/*
 * The moment of a DTSTART or DTEND: through the VTIMEZONE in vcal that
 * its TZID names, which must exist (RFC 5545 3.6.5), or UTC.
 */
static time_t
prop_time(icalcomponent *vcal, icalproperty *prop)
{
	icaltimetype t = icalvalue_get_datetime(icalproperty_get_value(prop));
	icalparameter *tzid;
	icaltimezone *zone;

	tzid = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
	if (tzid == NULL) {
		assert_true(icaltime_is_utc(t));
		return icaltime_as_timet(t);
	}
	zone = icalcomponent_get_timezone(vcal, icalparameter_get_tzid(tzid));
	if (zone == NULL)
		fail_msg("no VTIMEZONE for TZID %s",
			 icalparameter_get_tzid(tzid));
	return icaltime_as_timet_with_zone(t, zone);
}

/* The text without its DTSTAMP lines (heap). */
static char *
without_dtstamp(const char *text)
{
	char *out = xstrdup(text), *line = out, *end;

	while (*line != '\0') {
		end = strstr(line, "\r\n");
		assert_non_null(end);
		if (strncmp(line, "DTSTAMP:", 8) == 0)
			memmove(line, end + 2, strlen(end + 2) + 1);
		else
			line = end + 2;
	}
	return out;
}

/* Checks the VTIMEZONE: TZID, and one rule of each kind without UNTIL,
   as Outlook writes it. */
static void
check_zone(icalcomponent *vcal, const char *tzid, int n_daylight)
{
	icalcomponent *vtz, *obs;

	assert_int_equal(
		icalcomponent_count_components(vcal, ICAL_VTIMEZONE_COMPONENT),
		1);
	vtz = icalcomponent_get_first_component(vcal, ICAL_VTIMEZONE_COMPONENT);
	assert_string_equal(
		icalproperty_get_tzid(only_prop(vtz, ICAL_TZID_PROPERTY)),
		tzid);
	assert_int_equal(
		icalcomponent_count_components(vtz, ICAL_XSTANDARD_COMPONENT),
		1);
	assert_int_equal(
		icalcomponent_count_components(vtz, ICAL_XDAYLIGHT_COMPONENT),
		n_daylight);
	for (obs = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
	     obs != NULL;
	     obs = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		icalproperty *rrule = icalcomponent_get_first_property(
			obs, ICAL_RRULE_PROPERTY);

		if (rrule != NULL)
			assert_true(icaltime_is_null_time(
				icalproperty_get_rrule(rrule).until));
	}
}

static void
test_request(void **state)
{
	struct programme *p = fixture_programme();
	const struct programme_item *s = &p->sessions[0];
	icalcomponent *vcal, *ev, *alarm;
	icalproperty *prop;
	const char *err = NULL;
	char *text, *uid;

	text = calendar_request(p, s, ATTENDEE, ATTENDEE_NAME, "vng.nl", 0, NOW,
				&err);
	assert_non_null(text);
	vcal = parse(text);
	assert_int_equal(icalcomponent_get_method(vcal), ICAL_METHOD_REQUEST);
	assert_string_equal(icalproperty_get_version(
				    only_prop(vcal, ICAL_VERSION_PROPERTY)),
			    "2.0");
	assert_non_null(strstr(
		icalproperty_get_prodid(only_prop(vcal, ICAL_PRODID_PROPERTY)),
		"aanmeld"));
	check_zone(vcal, ZONE, 1);

	ev = only_event(vcal);
	uid = programme_item_uid(p, 1, "vng.nl");
	assert_string_equal(icalcomponent_get_uid(ev), uid);
	assert_int_equal(icalcomponent_get_sequence(ev), 0);
	prop = only_prop(ev, ICAL_DTSTAMP_PROPERTY);
	assert_true(icaltime_is_utc(icalproperty_get_dtstamp(prop)));
	assert_int_equal(icaltime_as_timet(icalproperty_get_dtstamp(prop)),
			 NOW);

	/* 13:30-15:30 in Amsterdam (CEST) is 11:30-13:30 UTC */
	prop = only_prop(ev, ICAL_DTSTART_PROPERTY);
	assert_string_equal(param_text(prop, ICAL_TZID_PARAMETER), ZONE);
	assert_string_equal(icalproperty_get_value_as_string(prop),
			    "20210413T133000");
	assert_int_equal(prop_time(vcal, prop),
			 fixture_utc(2021, 4, 13, 11, 30, 0));
	prop = only_prop(ev, ICAL_DTEND_PROPERTY);
	assert_string_equal(param_text(prop, ICAL_TZID_PARAMETER), ZONE);
	assert_int_equal(prop_time(vcal, prop),
			 fixture_utc(2021, 4, 13, 13, 30, 0));

	assert_string_equal(icalcomponent_get_summary(ev), s->title);
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Sessie 1: introductie en ambities");
	/* the description, and the link for clients that show no URL */
	assert_non_null(
		strstr(icalcomponent_get_description(ev), s->description));
	assert_non_null(strstr(icalcomponent_get_description(ev), s->link));
	assert_string_equal(icalcomponent_get_location(ev), s->link);
	assert_string_equal(
		icalproperty_get_url(only_prop(ev, ICAL_URL_PROPERTY)),
		"https://vng.nl/praktijkproef-global-goals/sessie-1");

	prop = only_prop(ev, ICAL_ORGANIZER_PROPERTY);
	assert_string_equal(icalproperty_get_organizer(prop),
			    "mailto:GlobalGoals@VNG.nl");
	assert_string_equal(param_text(prop, ICAL_CN_PARAMETER),
			    "VNG, programma Global Goals");

	prop = only_prop(ev, ICAL_ATTENDEE_PROPERTY);
	assert_string_equal(icalproperty_get_attendee(prop),
			    "mailto:" ATTENDEE);
	assert_string_equal(param_text(prop, ICAL_CN_PARAMETER), ATTENDEE_NAME);
	assert_string_equal(param_text(prop, ICAL_RSVP_PARAMETER), "TRUE");
	assert_string_equal(param_text(prop, ICAL_PARTSTAT_PARAMETER),
			    "NEEDS-ACTION");
	assert_string_equal(param_text(prop, ICAL_ROLE_PARAMETER),
			    "REQ-PARTICIPANT");

	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	assert_int_equal(
		icalproperty_get_transp(only_prop(ev, ICAL_TRANSP_PROPERTY)),
		ICAL_TRANSP_OPAQUE);

	/* a display alarm a quarter of an hour before */
	assert_int_equal(
		icalcomponent_count_components(ev, ICAL_VALARM_COMPONENT), 1);
	alarm = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
	assert_int_equal(
		icalproperty_get_action(only_prop(alarm, ICAL_ACTION_PROPERTY)),
		ICAL_ACTION_DISPLAY);
	assert_int_equal(
		icaldurationtype_as_int(
			icalproperty_get_trigger(
				only_prop(alarm, ICAL_TRIGGER_PROPERTY))
				.duration),
		-15 * 60);

	icalcomponent_free(vcal);
	free(uid);
	free(text);
	programme_free(p);
}

static void
test_stable(void **state)
{
	struct programme *p = fixture_programme();
	const char *err = NULL;
	char *a, *b, *c, *a2, *b2;
	icalcomponent *va, *vb, *vc;

	/* only DTSTAMP follows the clock, and the process's TZ counts
	   for nothing */
	a = calendar_request(p, &p->sessions[0], ATTENDEE, NULL, NULL, 2, NOW,
			     &err);
	setenv("TZ", "America/New_York", 1);
	tzset();
	b = calendar_request(p, &p->sessions[0], ATTENDEE, NULL, NULL, 2, LATER,
			     &err);
	setenv("TZ", ZONE, 1);
	tzset();
	c = calendar_request(p, &p->sessions[1], ATTENDEE, NULL, NULL, 2, NOW,
			     &err);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_string_not_equal(a, b);
	a2 = without_dtstamp(a);
	b2 = without_dtstamp(b);
	assert_string_equal(a2, b2);

	va = parse(a);
	vb = parse(b);
	vc = parse(c);
	assert_string_equal(icalcomponent_get_uid(only_event(va)),
			    icalcomponent_get_uid(only_event(vb)));
	assert_string_not_equal(icalcomponent_get_uid(only_event(va)),
				icalcomponent_get_uid(only_event(vc)));
	assert_int_equal(icalcomponent_get_sequence(only_event(va)), 2);
	/* session 2 at its own time */
	assert_int_equal(
		prop_time(vc, only_prop(only_event(vc), ICAL_DTSTART_PROPERTY)),
		fixture_utc(2021, 4, 29, 11, 30, 0));

	icalcomponent_free(va);
	icalcomponent_free(vb);
	icalcomponent_free(vc);
	free(a);
	free(b);
	free(c);
	free(a2);
	free(b2);
	programme_free(p);
}

static void
test_uid(void **state)
{
	static const unsigned numbers[] = {
		1,
		2,
		3,
		PROGRAMME_SESSIONS_MAX,
		PROGRAMME_DEADLINE,
		PROGRAMME_CONGRESS,
	};
	static const char *const bad_domains[] = {
		"", "vng nl", "vng.nl\r\nX-A:b", "a@vng.nl", "<vng.nl>",
	};
	struct programme *p = fixture_programme();
	char *uids[nitems(numbers)];
	char *uid, *other;
	size_t i, j;

	for (i = 0; i < nitems(numbers); i++) {
		uids[i] = programme_item_uid(p, numbers[i], "vng.nl");
		assert_non_null(uids[i]);
		assert_true(util_has_suffix_ci(uids[i], "@vng.nl"));
		for (j = 0; j < i; j++)
			assert_string_not_equal(uids[i], uids[j]);
	}
	assert_non_null(strstr(uids[0], "-session-1@"));
	assert_non_null(strstr(uids[4], "-deadline@"));
	assert_non_null(strstr(uids[5], "-congress@"));

	/* without a domain: the programme's own, in lower case */
	uid = programme_item_uid(p, 1, NULL);
	assert_string_equal(uid, uids[0]);
	free(uid);
	uid = programme_item_uid(p, 1, "VNG.NL");
	assert_string_equal(uid, uids[0]);
	free(uid);

	/* the address in another case is the same mailbox */
	util_lowercase(p->address);
	uid = programme_item_uid(p, 1, "vng.nl");
	assert_string_equal(uid, uids[0]);
	free(uid);
	/* another event gives other UIDs */
	other = p->name;
	p->name = xstrdup("een ander evenement");
	uid = programme_item_uid(p, 1, "vng.nl");
	assert_string_not_equal(uid, uids[0]);
	free(uid);
	free(p->name);
	p->name = other;

	assert_null(programme_item_uid(p, 0, "vng.nl"));
	assert_null(programme_item_uid(p, PROGRAMME_CONGRESS + 1, "vng.nl"));
	for (i = 0; i < nitems(bad_domains); i++)
		assert_null(programme_item_uid(p, 1, bad_domains[i]));

	for (i = 0; i < nitems(numbers); i++)
		free(uids[i]);
	programme_free(p);
}

/* Builds one name: prefix, then a piece repeated n times. */
static char *
repeat(const char *prefix, const char *piece, size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	assert_int_equal(buf_adds(&b, prefix), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(buf_adds(&b, piece), 0);
	return buf_steal(&b);
}

static void
test_hostile_names(void **state)
{
	static const struct {
		const char *name;
		const char *cn; /* NULL: no CN */
	} rows[] = {
		{"Gemeente 's-Hertogenbosch", "Gemeente 's-Hertogenbosch"},
		{"Gemeente S\xc3\xba"
		 "dwest-Frysl\xc3\xa2n",
		 "Gemeente S\xc3\xba"
		 "dwest-Frysl\xc3\xa2n"},
		{"Evil\r\nATTENDEE:mailto:x@evil.example",
		 "Evil ATTENDEE:mailto:x@evil.example"},
		{"Evil\nEND:VEVENT\nBEGIN:VEVENT\nUID:x",
		 "Evil END:VEVENT BEGIN:VEVENT UID:x"},
		{"Evil\rX-A:b", "Evil X-A:b"},
		/* where Python's splitlines() breaks a line */
		{"Evil\xc2\x85X-A:b\xe2\x80\xa8X-B:c\xe2\x80\xa9X-C:d\x0b\x1cX-"
		 "D",
		 "Evil X-A:b X-B:c X-C:d X-D"},
		{"\xc2\x80\xc2\x9f\xc2\xa0", "\xc2\xa0"},
		{"\"Quoted\" name; with: colon, comma",
		 "'Quoted' name; with: colon, comma"},
		{"\"", "'"},
		{"caret ^ and ^' and ^n", "caret ^ and ^' and ^n"},
		{"^^ and ^\"", "^^ and ^'"},
		{"a^", "a^"},
		{"backslash \\ and \\n", "backslash \\ and \\n"},
		{"  tab\there  and \x7f  spaces  ", "tab here and spaces"},
		{"bad \xff\xfe utf8", "bad \xef\xbf\xbd\xef\xbf\xbd utf8"},
		{"\x01\x02", NULL},
		{"   ", NULL},
		{"", NULL},
		{NULL, NULL},
	};
	struct programme *p = fixture_programme();
	const char *err = NULL;
	int baseline = -1;
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		char *text = calendar_request(p, &p->sessions[0], ATTENDEE,
					      rows[i].name, NULL, 0, NOW, &err);
		icalcomponent *vcal = parse(text), *ev;
		icalproperty *att;
		const char *cn;
		int n;

		/* one VTIMEZONE and one VEVENT, with a fixed set of
		   properties: nothing got in */
		assert_int_equal(icalcomponent_count_components(
					 vcal, ICAL_ANY_COMPONENT),
				 2);
		ev = only_event(vcal);
		n = icalcomponent_count_properties(ev, ICAL_ANY_PROPERTY);
		if (baseline == -1)
			baseline = n;
		assert_int_equal(n, baseline);
		att = only_prop(ev, ICAL_ATTENDEE_PROPERTY);
		assert_string_equal(icalproperty_get_attendee(att),
				    "mailto:" ATTENDEE);
		assert_int_equal(icalproperty_count_parameters(att),
				 rows[i].cn != NULL ? 4 : 3);
		cn = param_text(att, ICAL_CN_PARAMETER);
		if (rows[i].cn == NULL)
			assert_null(cn);
		else if (cn == NULL || strcmp(cn, rows[i].cn) != 0)
			fail_msg("row %zu: expected CN '%s', got '%s'", i,
				 rows[i].cn, cn != NULL ? cn : "(none)");
		icalcomponent_free(vcal);
		free(text);
	}
	programme_free(p);
}

static void
test_long_names(void **state)
{
	/* cut at CALENDAR_NAME_MAX bytes, never inside a character */
	struct {
		char *name;
		char *cn;
	} rows[] = {
		{repeat("", "a", CALENDAR_NAME_MAX - 1),
		 repeat("", "a", CALENDAR_NAME_MAX - 1)},
		{repeat("", "a", CALENDAR_NAME_MAX),
		 repeat("", "a", CALENDAR_NAME_MAX)},
		{repeat("", "a", CALENDAR_NAME_MAX + 1),
		 repeat("", "a", CALENDAR_NAME_MAX)},
		{repeat("", "\xc3\xa9", CALENDAR_NAME_MAX),
		 repeat("", "\xc3\xa9", CALENDAR_NAME_MAX / 2)},
		{repeat("a", "\xc3\xa9", CALENDAR_NAME_MAX),
		 repeat("a", "\xc3\xa9", (CALENDAR_NAME_MAX - 1) / 2)},
		{repeat("", "\xe2\x82\xac", CALENDAR_NAME_MAX),
		 repeat("", "\xe2\x82\xac", CALENDAR_NAME_MAX / 3)},
		/* a space at the cut is not kept */
		{repeat(" ", "a ", CALENDAR_NAME_MAX),
		 repeat("", "a ", CALENDAR_NAME_MAX / 2)},
		{repeat("", "x\r\n", 10000), NULL},
	};
	struct programme *p = fixture_programme();
	const char *err = NULL;
	size_t i;

	/* the last two rows: "a a ..." and "x x ..." cut without the space
	   at the limit */
	rows[6].cn[strlen(rows[6].cn) - 1] = '\0';
	rows[7].cn = repeat("x", " x", (CALENDAR_NAME_MAX - 1) / 2);
	for (i = 0; i < nitems(rows); i++) {
		char *text = calendar_request(p, &p->sessions[0], ATTENDEE,
					      rows[i].name, NULL, 0, NOW, &err);
		icalcomponent *vcal = parse(text);
		icalproperty *att =
			only_prop(only_event(vcal), ICAL_ATTENDEE_PROPERTY);
		const char *cn = param_text(att, ICAL_CN_PARAMETER);

		assert_non_null(cn);
		assert_true(strlen(cn) <= CALENDAR_NAME_MAX);
		if (strcmp(cn, rows[i].cn) != 0)
			fail_msg("row %zu: expected CN '%s', got '%s'", i,
				 rows[i].cn, cn);
		icalcomponent_free(vcal);
		free(text);
		free(rows[i].name);
		free(rows[i].cn);
	}
	programme_free(p);
}

static void
test_refused(void **state)
{
	static const char *const addrs[] = {
		"",
		"a b@example.nl",
		"a@example.nl\r\nX-A:b",
		"<a@example.nl>",
		"\"a\"@example.nl",
		"a@example.nl>",
	};
	struct programme *p = fixture_programme();
	struct programme_item copy;
	const char *err;
	char *address;
	size_t i;

	for (i = 0; i < nitems(addrs); i++) {
		err = NULL;
		assert_null(calendar_request(p, &p->sessions[0], addrs[i], NULL,
					     NULL, 0, NOW, &err));
		assert_string_equal(err, "unsafe attendee address");
		err = NULL;
		assert_null(calendar_cancel(p, &p->sessions[0], addrs[i], NULL,
					    NULL, 0, NOW, &err));
		assert_string_equal(err, "unsafe attendee address");
	}
	err = NULL;
	assert_null(calendar_request(p, &p->sessions[0], NULL, NULL, NULL, 0,
				     NOW, &err));
	assert_string_equal(err, "unsafe attendee address");

	err = NULL;
	assert_null(calendar_request(p, &p->sessions[0], ATTENDEE, NULL,
				     "vng.nl\r\nX-A:b", 0, NOW, &err));
	assert_string_equal(err, "unsafe uid domain");
	err = NULL;
	assert_null(calendar_publish(p, "", 0, NOW, &err));
	assert_string_equal(err, "unsafe uid domain");

	/* the item is known by where it is, not by what it says */
	copy = p->sessions[0];
	err = NULL;
	assert_null(
		calendar_request(p, &copy, ATTENDEE, NULL, NULL, 0, NOW, &err));
	assert_string_equal(err, "item not in programme");
	err = NULL;
	assert_null(
		calendar_request(p, NULL, ATTENDEE, NULL, NULL, 0, NOW, &err));
	assert_string_equal(err, "item not in programme");

	address = p->address;
	p->address = xstrdup("GlobalGoals@VNG.nl\r\nX-A:b");
	err = NULL;
	assert_null(calendar_request(p, &p->sessions[0], ATTENDEE, NULL,
				     "vng.nl", 0, NOW, &err));
	assert_string_equal(err, "unsafe organiser address");
	err = NULL;
	assert_null(calendar_publish(p, "vng.nl", 0, NOW, &err));
	assert_string_equal(err, "unsafe organiser address");
	free(p->address);
	p->address = address;
	programme_free(p);
}

static void
test_cancel(void **state)
{
	struct programme *p = fixture_programme();
	icalcomponent *vcal, *ev;
	icalproperty *att;
	const char *err = NULL;
	char *text, *uid;

	text = calendar_cancel(p, &p->sessions[2], ATTENDEE, ATTENDEE_NAME,
			       NULL, 3, LATER, &err);
	vcal = parse(text);
	assert_int_equal(icalcomponent_get_method(vcal), ICAL_METHOD_CANCEL);
	check_zone(vcal, ZONE, 1);
	ev = only_event(vcal);
	uid = programme_item_uid(p, 3, NULL);
	assert_string_equal(icalcomponent_get_uid(ev), uid);
	/* one more than the last REQUEST */
	assert_int_equal(icalcomponent_get_sequence(ev), 4);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
	assert_int_equal(prop_time(vcal, only_prop(ev, ICAL_DTSTART_PROPERTY)),
			 fixture_utc(2021, 5, 27, 11, 30, 0));
	att = only_prop(ev, ICAL_ATTENDEE_PROPERTY);
	assert_string_equal(icalproperty_get_attendee(att), "mailto:" ATTENDEE);
	assert_null(param_text(att, ICAL_RSVP_PARAMETER));
	assert_int_equal(
		icalcomponent_count_components(ev, ICAL_VALARM_COMPONENT), 0);
	icalcomponent_free(vcal);
	free(uid);
	free(text);
	programme_free(p);
}

static void
test_publish(void **state)
{
	struct programme *p = fixture_programme();
	icalcomponent *vcal, *ev;
	icalproperty *prop;
	const char *err = NULL;
	char *text, *uid;
	size_t i, want;

	text = calendar_publish(p, NULL, 1, NOW, &err);
	vcal = parse(text);
	assert_int_equal(icalcomponent_get_method(vcal), ICAL_METHOD_PUBLISH);
	check_zone(vcal, ZONE, 1);
	assert_non_null(strstr(text, "\r\nX-WR-CALNAME:praktijkproef Global "
				     "Goals & lokale inclusie\r\n"));

	/* 5 sessions, the deadline and the congress */
	want = p->n_sessions + (p->deadline.title != NULL) +
	       (p->congress.title != NULL);
	assert_int_equal(want, 7);
	assert_int_equal(
		icalcomponent_count_components(vcal, ICAL_VEVENT_COMPONENT),
		want);
	ev = icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT);
	for (i = 0; i < p->n_sessions; i++) {
		const struct programme_item *s = &p->sessions[i];

		/* a UID of its own, not the invitation's: an import must
		   not replace the invitation a participant answered */
		uid = programme_item_overview_uid(p, s->number, NULL);
		assert_string_equal(icalcomponent_get_uid(ev), uid);
		assert_non_null(strstr(uid, "-programme-session-"));
		free(uid);
		uid = programme_item_uid(p, s->number, NULL);
		assert_string_not_equal(icalcomponent_get_uid(ev), uid);
		free(uid);
		assert_string_equal(icalcomponent_get_summary(ev), s->title);
		assert_int_equal(icalcomponent_get_sequence(ev), 1);
		assert_int_equal(
			prop_time(vcal, only_prop(ev, ICAL_DTSTART_PROPERTY)),
			s->start);
		assert_int_equal(
			prop_time(vcal, only_prop(ev, ICAL_DTEND_PROPERTY)),
			s->end);
		assert_string_equal(icalcomponent_get_location(ev), s->link);
		assert_non_null(only_prop(ev, ICAL_ORGANIZER_PROPERTY));
		assert_int_equal(icalcomponent_count_properties(
					 ev, ICAL_ATTENDEE_PROPERTY),
				 0);
		ev = icalcomponent_get_next_component(vcal,
						      ICAL_VEVENT_COMPONENT);
	}

	/* the deadline: all day on Sunday 15 August, free time */
	uid = programme_item_uid(p, PROGRAMME_DEADLINE, NULL);
	assert_string_equal(icalcomponent_get_uid(ev), uid);
	free(uid);
	assert_string_equal(icalcomponent_get_summary(ev), p->deadline.title);
	prop = only_prop(ev, ICAL_DTSTART_PROPERTY);
	assert_true(icalproperty_get_dtstart(prop).is_date);
	assert_string_equal(icalproperty_get_value_as_string(prop), "20210815");
	prop = only_prop(ev, ICAL_DTEND_PROPERTY);
	assert_true(icalproperty_get_dtend(prop).is_date);
	assert_string_equal(icalproperty_get_value_as_string(prop), "20210816");
	assert_int_equal(
		icalproperty_get_transp(only_prop(ev, ICAL_TRANSP_PROPERTY)),
		ICAL_TRANSP_TRANSPARENT);
	assert_int_equal(
		icalcomponent_count_components(ev, ICAL_VALARM_COMPONENT), 0);
	assert_int_equal(
		icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY), 0);

	/* the congress: 10:00-16:00 on 7 October */
	ev = icalcomponent_get_next_component(vcal, ICAL_VEVENT_COMPONENT);
	uid = programme_item_uid(p, PROGRAMME_CONGRESS, NULL);
	assert_string_equal(icalcomponent_get_uid(ev), uid);
	free(uid);
	assert_string_equal(icalcomponent_get_summary(ev), p->congress.title);
	assert_int_equal(prop_time(vcal, only_prop(ev, ICAL_DTSTART_PROPERTY)),
			 fixture_utc(2021, 10, 7, 8, 0, 0));
	assert_int_equal(prop_time(vcal, only_prop(ev, ICAL_DTEND_PROPERTY)),
			 fixture_utc(2021, 10, 7, 14, 0, 0));
	assert_int_equal(
		icalcomponent_count_properties(ev, ICAL_LOCATION_PROPERTY), 0);
	assert_int_equal(
		icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY), 0);

	/* and nowhere an attendee or an RSVP */
	assert_null(strstr(text, "ATTENDEE"));
	assert_null(strstr(text, "RSVP"));
	icalcomponent_free(vcal);
	free(text);

	/* a name that could break the line stays in X-WR-CALNAME */
	free(p->name);
	p->name = xstrdup("a, b; c\\d\nEND:VCALENDAR");
	text = calendar_publish(p, "vng.nl", 0, NOW, &err);
	vcal = parse(text);
	assert_string_equal(
		icalproperty_get_x(only_prop(vcal, ICAL_X_PROPERTY)), p->name);
	assert_int_equal(
		icalcomponent_count_components(vcal, ICAL_VEVENT_COMPONENT),
		want);
	icalcomponent_free(vcal);
	free(text);
	programme_free(p);
}

static void
test_publish_empty(void **state)
{
	struct programme *p =
		one_session(ZONE, fixture_utc(2021, 4, 13, 11, 30, 0));
	const char *err = NULL;
	icalcomponent *vcal;
	char *text;

	/* only a deadline: no timed event, so no VTIMEZONE */
	p->n_sessions = 0;
	p->deadline.title = p->sessions[0].title;
	p->sessions[0].title = NULL;
	p->deadline.start = p->deadline.end =
		fixture_utc(2021, 8, 14, 22, 0, 0);
	text = calendar_publish(p, NULL, 0, NOW, &err);
	vcal = parse(text);
	assert_int_equal(
		icalcomponent_count_components(vcal, ICAL_VTIMEZONE_COMPONENT),
		0);
	assert_int_equal(
		icalcomponent_count_components(vcal, ICAL_VEVENT_COMPONENT), 1);
	assert_non_null(strstr(text, "\r\nDTSTART;VALUE=DATE:20210815\r\n"));
	icalcomponent_free(vcal);
	free(text);

	free(p->deadline.title);
	p->deadline.title = NULL;
	err = NULL;
	assert_null(calendar_publish(p, NULL, 0, NOW, &err));
	assert_string_equal(err, "empty programme");
	programme_free(p);
}

static void
test_zones(void **state)
{
	static const struct {
		const char *zone;
		int y, mo, d, h, mi; /* UTC */
		const char *local;   /* DTSTART as written */
		int daylight;	     /* DAYLIGHT rules; -1: UTC, no zone */
	} rows[] = {
		{"Europe/Amsterdam", 2021, 1, 15, 13, 30, "20210115T143000", 1},
		{"Europe/Amsterdam", 2021, 7, 1, 11, 30, "20210701T133000", 1},
		/* just after the clocks went forward at 01:00 UTC */
		{"Europe/Amsterdam", 2021, 3, 28, 1, 30, "20210328T033000", 1},
		{"Europe/Amsterdam", 2021, 10, 31, 2, 0, "20211031T030000", 1},
		{"Europe/Amsterdam", 2030, 6, 1, 10, 0, "20300601T120000", 1},
		{"America/New_York", 2021, 1, 15, 15, 0, "20210115T100000", 1},
		{"America/New_York", 2021, 7, 1, 14, 0, "20210701T100000", 1},
		/* summer time in January on the other side of the equator */
		{"Australia/Sydney", 2021, 1, 15, 0, 0, "20210115T110000", 1},
		{"Australia/Sydney", 2021, 7, 1, 0, 0, "20210701T100000", 1},
		{"Asia/Tokyo", 2021, 4, 13, 11, 30, "20210413T203000", 0},
		{"UTC", 2021, 4, 13, 11, 30, "20210413T113000Z", -1},
		{"Mars/Olympus_Mons", 2021, 4, 13, 11, 30, "20210413T113000Z",
		 -1},
	};
	const char *err = NULL;
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		time_t t = fixture_utc(rows[i].y, rows[i].mo, rows[i].d,
				       rows[i].h, rows[i].mi, 0);
		struct programme *p = one_session(rows[i].zone, t);
		char *text = calendar_request(p, &p->sessions[0], ATTENDEE,
					      NULL, NULL, 0, NOW, &err);
		icalcomponent *vcal = parse(text);
		icalproperty *start =
			only_prop(only_event(vcal), ICAL_DTSTART_PROPERTY);
		const char *written = icalproperty_get_value_as_string(start);

		if (strcmp(written, rows[i].local) != 0)
			fail_msg("%s: expected %s, got %s", rows[i].zone,
				 rows[i].local, written);
		if (rows[i].daylight == -1) {
			assert_int_equal(
				icalcomponent_count_components(
					vcal, ICAL_VTIMEZONE_COMPONENT),
				0);
			assert_null(param_text(start, ICAL_TZID_PARAMETER));
		} else {
			check_zone(vcal, rows[i].zone, rows[i].daylight);
			assert_string_equal(
				param_text(start, ICAL_TZID_PARAMETER),
				rows[i].zone);
		}
		/* back through the VTIMEZONE we wrote */
		assert_int_equal(prop_time(vcal, start), t);
		assert_int_equal(
			prop_time(vcal, only_prop(only_event(vcal),
						  ICAL_DTEND_PROPERTY)),
			t + 3600);
		icalcomponent_free(vcal);
		free(text);
		programme_free(p);
	}
}

/* The text in a new temporary file; its name in path. */
static void
write_temp(char *path, size_t size, const char *text)
{
	FILE *fp;
	int fd;

	util_strlcpy(path, "/tmp/test-calendar-XXXXXX", size);
	fd = mkstemp(path);
	assert_true(fd != -1);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Python's icalendar reads the file, and what it finds must match. */
static const char python_check[] =
	"import sys, datetime\n"
	"from icalendar import Calendar\n"
	"path, method, events, start, cn = sys.argv[1:]\n"
	"cal = Calendar.from_ical(open(path, 'rb').read())\n"
	"assert str(cal['METHOD']) == method, cal['METHOD']\n"
	"assert len(cal.walk('VTIMEZONE')) == 1\n"
	"ev = cal.walk('VEVENT')\n"
	"assert len(ev) == int(events), len(ev)\n"
	"t = ev[0].decoded('DTSTART').astimezone(datetime.timezone.utc)\n"
	"assert t.strftime('%Y%m%dT%H%M%SZ') == start, t\n"
	"if cn != '-':\n"
	"    att = ev[0]['ATTENDEE']\n"
	"    assert not isinstance(att, list), att\n"
	"    assert att.params['CN'] == cn, att.params['CN']\n"
	"    assert str(att) == 'mailto:" ATTENDEE "', att\n";

static void
run_python(const char *text, const char *method, const char *events,
	   const char *cn)
{
	char path[64], *cmd, *q;
	size_t i, o = 0;
	int rc;

	/* cn between single quotes for the shell */
	q = xmalloc(strlen(cn) * 4 + 1);
	for (i = 0; cn[i] != '\0'; i++) {
		if (cn[i] == '\'') {
			memcpy(q + o, "'\\''", 4);
			o += 4;
		} else
			q[o++] = cn[i];
	}
	q[o] = '\0';
	write_temp(path, sizeof(path), text);
	cmd = xasprintf("%s -c \"$CALENDAR_CHECK\" %s %s %s 20210413T113000Z "
			"'%s'",
			PYTHON, path, method, events, q);
	rc = system(cmd);
	unlink(path);
	free(cmd);
	free(q);
	if (rc != 0)
		fail_msg("python icalendar rejected the %s:\n%s", method, text);
}

static void
test_second_parser(void **state)
{
	struct programme *p;
	const char *err = NULL;
	char *text;

	if (access(PYTHON, X_OK) != 0 ||
	    system(PYTHON " -c 'import icalendar' 2>/dev/null") != 0) {
		print_message("python3 icalendar is not installed\n");
		skip();
	}
	setenv("CALENDAR_CHECK", python_check, 1);
	p = fixture_programme();
	text = calendar_request(p, &p->sessions[0], ATTENDEE,
				"Evil\r\nATTENDEE:mailto:x@evil.example; "
				"\"a\"\xc2\x85X-A:b",
				NULL, 0, NOW, &err);
	run_python(text, "REQUEST", "1",
		   "Evil ATTENDEE:mailto:x@evil.example; 'a' X-A:b");
	free(text);
	text = calendar_request(p, &p->sessions[0], ATTENDEE,
				"Gemeente S\xc3\xba"
				"dwest-Frysl\xc3\xa2n",
				NULL, 0, NOW, &err);
	run_python(text, "REQUEST", "1",
		   "Gemeente S\xc3\xba"
		   "dwest-Frysl\xc3\xa2n");
	free(text);
	text = calendar_cancel(p, &p->sessions[0], ATTENDEE, NULL, NULL, 0, NOW,
			       &err);
	run_python(text, "CANCEL", "1", "-");
	free(text);
	text = calendar_publish(p, NULL, 0, NOW, &err);
	run_python(text, "PUBLISH", "7", "-");
	free(text);
	programme_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_uid),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_publish_empty),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_second_parser),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	/* libical keeps the zones it loaded until told otherwise */
	icaltimezone_free_builtin_timezones();
	return rc;
}
