/*
 * The HTML of the municipalities' page (GET /gemeenten) and of the
 * question before a withdrawal (GET /gemeenten/CODE/terugtrekken), in
 * Dutch, without script.  Pure: the data comes in as arguments.  Each
 * appends a whole document to b: 0, or -1 at b's limit.
 */
#ifndef AANMELD_WEB_PROGRAMME_HTML_H
#define AANMELD_WEB_PROGRAMME_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct export_table;

/* The municipalities page. */
struct web_programme_list {
	const char *user, *csrf; /* the session's */
	long capacity;		 /* the programme's places */
	/* the contacts of every enrolment with their answers, in order of
	   enrolment (export_table_init() over store_attendance_contacts()) */
	const struct export_table *table;
	const char *notice; /* what happened, Dutch (escaped); may be NULL */
	bool refused;	    /* the notice says why nothing happened */
};

int web_programme_html_list(struct buf *b, const struct web_programme_list *v);

/* What withdrawing code would do (roster_plan_withdraw()). */
struct web_programme_confirm {
	const char *user, *csrf;
	const char *code, *name;
	bool confirmed;	     /* it holds a place (else: waiting) */
	const char *promote; /* who gets the place; NULL: nobody */
	const char *promote_name;
	size_t mails; /* the mails the withdrawal queues */
};

int web_programme_html_confirm(struct buf *b,
			       const struct web_programme_confirm *v);

#endif
