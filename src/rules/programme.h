/*
 * The event as data: rules/programme.conf (INI).  Sections: [event],
 * [session N] (N = 1, 2, ...), [deadline], [congress].  Times are local
 * to the programme's time zone, written "YYYY-MM-DD HH:MM".
 *
 * Loading makes the programme's time zone the process's local zone (TZ),
 * so that every later local-time computation uses the time-zone database
 * and never a fixed offset.
 */
#ifndef AANMELD_PROGRAMME_H
#define AANMELD_PROGRAMME_H

#include <stddef.h>
#include <time.h>

struct buf;

#define PROGRAMME_SESSIONS_MAX 50
/* Reminders per item ([reminders] session = 7d 1d). */
#define PROGRAMME_REMINDERS_MAX 8
/* An offset is at most this many days (or hours, 'h'). */
#define PROGRAMME_OFFSET_MAX 365
/* [deadline] max_deliveries_per_day when the file does not say */
#define PROGRAMME_DELIVERIES_PER_DAY 5

/* "7d": the same local time 7 calendar days before (across a change to or
   from summer time); "12h": 12 hours before. */
struct programme_offset {
	unsigned n;
	char unit; /* 'd' or 'h' */
};

struct programme_item {
	unsigned number; /* session number; 0 for deadline/congress */
	char *title;
	char *description; /* may be NULL */
	char *link;	   /* online meeting link, may be NULL */
	time_t start;
	time_t end;    /* == start for a deadline */
	unsigned line; /* of its end (or first key), for errors */
};

struct programme {
	char *name;
	char *organiser;
	char *organiser_name;
	char *address; /* the event's mail address */
	char *timezone;
	long capacity;
	time_t opens;
	time_t closes;
	struct programme_item sessions[PROGRAMME_SESSIONS_MAX];
	size_t n_sessions;		/* sorted by number */
	struct programme_item deadline; /* title NULL when absent */
	/* [deadline] deliverable: what a participant delivers by the
	   deadline, as it reads in a Dutch sentence ("uw tekst (best
	   practice)"); NULL: no mail is taken for a delivery */
	char *deliverable;
	/* [deadline] max_deliveries_per_day (default 5): more deliveries
	   of one municipality within 24 hours go to a person, so that no
	   participant fills the spool with versions */
	unsigned max_deliveries_per_day;
	struct programme_item congress; /* title NULL when absent */
	/* [reminders]: before each session (default 7d 1d) and before the
	   text deadline (default 14d 3d), largest first */
	struct programme_offset session_reminders[PROGRAMME_REMINDERS_MAX];
	size_t n_session_reminders;
	struct programme_offset deadline_reminders[PROGRAMME_REMINDERS_MAX];
	size_t n_deadline_reminders;
};

/* Returns NULL after appending "file:line: message" lines to errors. */
struct programme *programme_load(const char *path, struct buf *errors);
void programme_free(struct programme *p);
/* The session with that number, or NULL. */
const struct programme_item *programme_session(const struct programme *p,
					       unsigned number);

/* The moment of a reminder offset o before t, in local time. */
time_t programme_offset_before(time_t t, const struct programme_offset *o);
/* "7d" or "12h" into buf. */
void programme_offset_format(const struct programme_offset *o, char *buf,
			     size_t size);

/* The sessions, deadline and congress as Dutch text, one line each, for
   the {{programme}} placeholder.  Heap string, caller frees. */
char *programme_format(const struct programme *p);

#endif
