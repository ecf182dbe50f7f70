/*
 * The pages aanmeld-web renders, in Dutch, formal, without script:
 * each appends a whole document to a buffer.  Pure: the data comes in
 * as arguments.  0, or -1 at the buffer's limit.
 */
#ifndef AANMELD_WEB_PAGES_H
#define AANMELD_WEB_PAGES_H

#include <stddef.h>

struct buf;
struct store_attendance_contact;

/* The login form; failed, when not NULL, is said above it (Dutch). */
int web_pages_login(struct buf *b, const char *failed);

/* The overview: the places taken of capacity (0: no limit) and the
   waiting list in order, from the rows store_attendance_contacts()
   gives; user is logged in, csrf is the token of its logout form. */
int web_pages_overview(struct buf *b, const char *user, const char *csrf,
		       long capacity,
		       const struct store_attendance_contact *rows, size_t n);

/* A short page for an error: status line text in Dutch. */
int web_pages_error(struct buf *b, const char *title, const char *text);

#endif
