/*
 * Staff change a municipality's contacts from GET /gemeenten, as
 * aanmeld contact add|remove|clear-bounce does (contact.h: the same
 * functions, one transaction, the audit naming web:<user>).  The
 * address is the form field adres:
 *   POST /gemeenten/CODE/contact-toevoegen    adds a contact; the
 *                                             scheduler's next pass
 *                                             invites it
 *   GET  /gemeenten/CODE/contact-verwijderen  asks first (?adres=),
 *                                             changes nothing
 *   POST /gemeenten/CODE/contact-verwijderen  removes it, with a CANCEL
 *                                             per session to come
 *   POST /gemeenten/CODE/contact-herstellen   mails it again after its
 *                                             mail came back
 * Each answers 303 to /gemeenten with what happened (?gedaan=, with
 * &adres=) or why nothing did (?fout=), each from a fixed list.
 */
#ifndef AANMELD_WEB_CONTACT_H
#define AANMELD_WEB_CONTACT_H

#include <stdbool.h>

struct export_table;
struct web_request;

int web_contact_add_post(struct web_request *r);
int web_contact_remove_get(struct web_request *r);
int web_contact_remove_post(struct web_request *r);
int web_contact_restore_post(struct web_request *r);

/* The Dutch notice r's address asks for about a contact of code (who:
   "Utrecht (GM0344)"), when the table t agrees: a link cannot say what
   did not happen.  Heap, or NULL when the address asks for none of
   these; *refused_r tells whether it says why nothing happened. */
char *web_contact_notice(struct web_request *r, const struct export_table *t,
			 const char *code, const char *who, bool *refused_r);

#endif
