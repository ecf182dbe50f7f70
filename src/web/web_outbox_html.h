/*
 * The HTML of the outbox page (GET /uitgaand), in Dutch, without
 * script.  Pure: the data comes in as arguments.  Appends a whole
 * document to b: 0, or -1 at b's limit.
 */
#ifndef AANMELD_WEB_OUTBOX_HTML_H
#define AANMELD_WEB_OUTBOX_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct store_outbox_item;

struct web_outbox_list {
	const char *user, *csrf; /* the session's */
	/* the mails, newest first (store_outbox_list()), with the subject
	   of each (subjects[i], decoded; NULL: unknown) */
	const struct store_outbox_item *rows;
	const char *const *subjects;
	size_t n;
	bool more;	    /* older mails are left out */
	const char *notice; /* what happened, Dutch (escaped); may be NULL */
	bool refused;	    /* the notice says why nothing happened */
};

/* The Dutch word for a state as store_outbox_status() names it. */
const char *web_outbox_html_state(const char *state);

int web_outbox_html_list(struct buf *b, const struct web_outbox_list *v);

#endif
