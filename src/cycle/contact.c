#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose.h"
#include "contact.h"
#include "gemeenten.h"
#include "letter.h"
#include "mailaddr.h"
#include "outmail.h"
#include "programme.h"
#include "rules.h"
#include "schedule.h"
#include "store_contact.h"
#include "store_programme.h"
#include "util.h"

/* The municipality of code, or NULL with *error_r. */
static const struct gemeente *
municipality(const struct rules *r, const char *code, char **error_r)
{
	const struct gemeente *g = gemeenten_by_code(r->gemeenten, code);

	if (g == NULL)
		*error_r = xasprintf("%s is no municipality in gemeenten.tsv",
				     code);
	return g;
}

/* addr in lower case when it is one plain mailbox, else NULL with
 *error_r. */
static char *
address(const char *addr, char **error_r)
{
	if (!mailaddr_valid(addr) || !compose_addr_is_safe(addr)) {
		*error_r = xasprintf("%s is no plain e-mail address "
				     "(name@domain)",
				     addr);
		return NULL;
	}
	return util_lowercase(xstrdup(addr));
}

int
contact_add(struct store *s, const struct rules *r, const char *code,
	    const char *addr, const char *actor, time_t now, char **error_r)
{
	const struct gemeente *g = municipality(r, code, error_r);
	char *lower = g != NULL ? address(addr, error_r) : NULL, *detail;
	int rc;

	if (lower == NULL)
		return -1;
	detail = xasprintf("%s added to %s %s", lower, g->code, g->name);
	rc = store_contact_add(s, g->code, lower, actor, detail, now, error_r);
	free(detail);
	free(lower);
	return rc;
}

int
contact_clear_bounce(struct store *s, const struct rules *r, const char *code,
		     const char *addr, const char *actor, time_t now,
		     char **error_r)
{
	const struct gemeente *g = municipality(r, code, error_r);
	char *lower = g != NULL ? address(addr, error_r) : NULL, *detail;
	int rc;

	if (lower == NULL)
		return -1;
	detail = xasprintf("%s of %s %s deliverable again", lower, g->code,
			   g->name);
	rc = store_contact_clear_undeliverable(s, g->code, lower, actor, detail,
					       now, error_r);
	free(detail);
	free(lower);
	return rc;
}

/* The CANCEL of every session still to come that c's calendar holds. */
static int
cancels(const struct rules *r, const struct config *cfg,
	const struct schedule_contact *c, const struct schedule_item *items,
	size_t n_items, time_t now, struct outmail_list *out, char **error_r)
{
	const struct programme *p = r->programme;
	struct outmail m;
	struct letter l;
	size_t i;
	int rc = 0;

	for (i = 0; i < p->n_sessions && rc == 0; i++) {
		const struct programme_item *it = &p->sessions[i];
		const struct schedule_sent *sent =
			schedule_sent_of(c, it->number);
		unsigned seq =
			schedule_item_sequence(items, n_items, it->number);
		char tail[32];

		if (it->start <= now || sent == NULL || !sent->invited ||
		    sent->cancelled)
			continue;
		memset(&l, 0, sizeof(l));
		l.kind = TEMPLATE_INVITATION_CANCEL;
		l.to = c;
		l.item = it;
		l.p = p;
		l.sequence = schedule_sequence(seq, c->round);
		l.date = now;
		snprintf(tail, sizeof(tail), "%u:%u", it->number, seq + 1);
		l.key = schedule_key("cancel", c->code, c->addr, c->round,
				     tail);
		rc = letter_build(&l, r, cfg, &m, error_r);
		free((char *)l.key);
		if (rc == 0)
			outmail_list_add(out, &m);
	}
	return rc;
}

int
contact_remove(struct store *s, const struct rules *r, const struct config *cfg,
	       const char *code, const char *addr, const char *actor,
	       time_t now, unsigned *cancels_r, char **error_r)
{
	const struct gemeente *g = municipality(r, code, error_r);
	char *lower = g != NULL ? address(addr, error_r) : NULL, *detail;
	struct schedule_contact *contacts = NULL;
	struct schedule_item *items = NULL;
	size_t n_contacts = 0, n_items = 0, i;
	struct outmail_list mails;
	int rc;

	*cancels_r = 0;
	if (lower == NULL)
		return -1;
	outmail_list_init(&mails);
	rc = store_programme_contacts_of(s, g->code, &contacts, &n_contacts,
					 error_r);
	if (rc == 0)
		rc = store_programme_items(s, &items, &n_items, error_r);
	for (i = 0; rc == 0 && i < n_contacts; i++) {
		/* a withdrawn municipality's calendars are cleaned already;
		   store_contact_remove() refuses it */
		if (strcasecmp(contacts[i].addr, lower) == 0 &&
		    contacts[i].status == SCHEDULE_CONFIRMED)
			rc = cancels(r, cfg, &contacts[i], items, n_items, now,
				     &mails, error_r);
	}
	if (rc == 0) {
		detail = xasprintf("%s removed from %s %s", lower, g->code,
				   g->name);
		rc = store_contact_remove(s, g->code, lower, actor, detail,
					  mails.mails, mails.n, now, error_r);
		free(detail);
	}
	if (rc == 0)
		*cancels_r = (unsigned)mails.n;
	outmail_list_deinit(&mails);
	store_programme_contacts_free(contacts, n_contacts);
	free(items);
	free(lower);
	return rc;
}
