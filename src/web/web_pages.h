/*
 * The pages aanmeld-web renders, in Dutch, formal, without script:
 * each appends a whole document to a buffer.  Pure: the data comes in
 * as arguments.  0, or -1 at the buffer's limit.
 */
#ifndef AANMELD_WEB_PAGES_H
#define AANMELD_WEB_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;
struct cli_status;
struct programme;
struct store_attendance_contact;

/* The login form; failed, when not NULL, is said above it (Dutch). */
int web_pages_login(struct buf *b, const char *failed);

/* What the overview shows. */
struct web_pages_overview {
	const char *user, *csrf; /* logged in; the logout form's token */
	long capacity;		 /* the places; 0: no limit */
	/* the rows store_attendance_contacts() gives */
	const struct store_attendance_contact *rows;
	size_t n;
	/* the daemon's health as aanmeld status reads it; NULL when it
	   could not be read */
	const struct cli_status *health;
	bool running;		   /* cli_status_running() */
	const struct programme *p; /* the deadline and what is delivered */
	time_t now;
};

/* The overview: the places taken of capacity and the waiting list in
   order, the open review items, the failed mail, the texts delivered
   and not yet, and the daemon's health. */
int web_pages_overview(struct buf *b, const struct web_pages_overview *v);

/* A short page for an error: status line text in Dutch. */
int web_pages_error(struct buf *b, const char *title, const char *text);

#endif
