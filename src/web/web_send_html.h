/*
 * The HTML of the page that mails a group (/versturen): the form, and
 * the preview with its recipients and the button that sends.  Dutch,
 * without script.  Pure: the data comes in as arguments.  Each appends
 * a whole document to b: 0, or -1 at b's limit.
 */
#ifndef AANMELD_WEB_SEND_HTML_H
#define AANMELD_WEB_SEND_HTML_H

#include <stdbool.h>

struct buf;
struct programme;
struct schedule_contact;
struct send_group;

/* What the form holds: the session's and what staff wrote (NULL:
   empty), which the page shows as typed. */
struct web_send_form {
	const char *user, *csrf;
	const struct programme *programme; /* its sessions */
	const char *to, *subject, *text;   /* "confirmed", ... */
};

struct web_send_page {
	struct web_send_form form;
	const char *notice;  /* what happened, Dutch; may be NULL */
	bool refused;	     /* the notice says why nothing happened */
	const char *details; /* the refusal in English (folded); NULL */
};

struct web_send_preview {
	struct web_send_form form;
	const struct send_group *g;
	/* the mail as first gets it (NULL: the group is empty) */
	const struct schedule_contact *first;
	const char *subject, *body;
	const char *check; /* the hash the send button carries */
};

int web_send_html_form(struct buf *b, const struct web_send_page *v);
int web_send_html_preview(struct buf *b, const struct web_send_preview *v);

#endif
