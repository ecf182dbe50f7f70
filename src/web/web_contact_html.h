/*
 * The HTML of the contacts' controls on /gemeenten and of the question
 * before removing one (web_contact.h), in Dutch, without script.  Pure:
 * the data comes in as arguments.  Each returns 0, or -1 at b's limit.
 */
#ifndef AANMELD_WEB_CONTACT_HTML_H
#define AANMELD_WEB_CONTACT_HTML_H

#include <stddef.h>

struct buf;
struct store_attendance_contact;

/* The form that adds a contact to code, with the session's csrf. */
int web_contact_html_add(struct buf *b, const char *csrf, const char *code);
/* The buttons of contact c, for a cell of its row: remove (asked
   first), and, when its mail came back, mail it again. */
int web_contact_html_buttons(struct buf *b, const char *csrf,
			     const struct store_attendance_contact *c);

/* What removing address from code would do (contact_cancels()). */
struct web_contact_confirm {
	const char *user, *csrf;
	const char *code, *name, *address;
	size_t cancels; /* the CANCELs it queues */
};

/* The question before the removal: a whole document. */
int web_contact_html_confirm(struct buf *b,
			     const struct web_contact_confirm *v);

#endif
