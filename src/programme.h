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
	struct programme_item congress; /* title NULL when absent */
};

/* Returns NULL after appending "file:line: message" lines to errors. */
struct programme *programme_load(const char *path, struct buf *errors);
void programme_free(struct programme *p);

/* The sessions, deadline and congress as Dutch text, one line each, for
   the {{programme}} placeholder.  Heap string, caller frees. */
char *programme_format(const struct programme *p);
/* A Dutch date like "dinsdag 13 april 2021" (local time). */
void programme_format_date(time_t t, char *buf, size_t size);

#endif
