/*
 * The review pages of aanmeld-web as HTML: the queue (/beoordelen), one
 * item with its message and the decision forms (/beoordelen/ID) and the
 * history (/geschiedenis).  Pure: web_review.c gathers, these render;
 * every stored text goes through web_html_escape().  A mail's HTML is
 * never shown: only the text the parser made of it, in <pre>.  Each
 * function appends a whole document; 0, or -1 at the buffer's limit.
 */
#ifndef AANMELD_WEB_REVIEW_HTML_H
#define AANMELD_WEB_REVIEW_HTML_H

#include <stddef.h>

struct buf;
struct cli_rows;
struct cli_show;
struct gemeente;
struct store_review_item;

/* The queue: the rows of report "queue" (store_report()), oldest
   first, each linking to its item's page. */
int web_review_html_queue(struct buf *b, const char *user, const char *csrf,
			  const struct cli_rows *rows);

/* What the item's page says above it, after a decision (a fixed set,
   so that no link can put words on the page). */
enum web_review_notice {
	WEB_REVIEW_NOTICE_NONE,
	WEB_REVIEW_NOTICE_DONE,	   /* applied: the decision is below */
	WEB_REVIEW_NOTICE_CLOSED,  /* a bounce or COUNTER, closed */
	WEB_REVIEW_NOTICE_ALREADY, /* decided before, by decided_by */
	WEB_REVIEW_NOTICE_REFUSED, /* not done: refusal says why */
};

struct web_review_item {
	const struct store_review_item *it;
	/* its message, or NULL for an item about none (a failed mail) */
	const struct cli_show *show;
	/* the municipalities in force, in the order to list them; the one
	   to select (its code), NULL: none, with an empty first choice */
	const struct gemeente *const *gemeenten;
	size_t n_gemeenten;
	const char *selected;
	enum web_review_notice notice;
	const char *refusal; /* Dutch, with WEB_REVIEW_NOTICE_REFUSED */
};

/* One item: its verdict and Dutch reasons, the suggested municipality,
   the message's headers, text and attachments, and the decision taken
   or, while open, the forms to take one (with the csrf token). */
int web_review_html_item(struct buf *b, const char *user, const char *csrf,
			 const struct web_review_item *v);

/* The history, newest first, from the rows `aanmeld history` gets
   (oldest first); filter: what it is limited to (Dutch), or NULL. */
int web_review_html_history(struct buf *b, const char *user, const char *csrf,
			    const char *filter, const struct cli_rows *rows);

#endif
