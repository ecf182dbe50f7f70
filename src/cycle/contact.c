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

bool
contact_address_valid(const char *addr)
{
	return mailaddr_valid(addr) && compose_addr_is_safe(addr);
}

/* addr in lower case when it is one plain mailbox, else NULL with
 *error_r. */
static char *
address(const char *addr, char **error_r)
{
	if (!contact_address_valid(addr)) {
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

/* contact_cancels() for g and lower, an address in lower case. */
static int
cancels(struct store *s, const struct rules *r, const struct config *cfg,
	const struct gemeente *g, const char *lower, time_t now,
	struct outmail_list *mails, char **error_r)
{
	struct schedule_contact *contacts = NULL;
	struct schedule_item *items = NULL;
	size_t n_contacts = 0, n_items = 0, i;
	int rc;

	rc = store_programme_contacts_of(s, g->code, &contacts, &n_contacts,
					 error_r);
	if (rc == 0)
		rc = store_programme_items(s, &items, &n_items, error_r);
	for (i = 0; rc == 0 && i < n_contacts; i++) {
		/* a withdrawn municipality's calendars are cleaned already;
		   store_contact_remove() refuses it */
		if (strcasecmp(contacts[i].addr, lower) == 0 &&
		    contacts[i].status == SCHEDULE_CONFIRMED)
			rc = letter_cancels(&contacts[i], items, n_items, r,
					    cfg, now, mails, error_r);
	}
	store_programme_contacts_free(contacts, n_contacts);
	free(items);
	return rc;
}

int
contact_cancels(struct store *s, const struct rules *r,
		const struct config *cfg, const char *code, const char *addr,
		time_t now, struct outmail_list *mails, char **error_r)
{
	const struct gemeente *g = municipality(r, code, error_r);
	char *lower = g != NULL ? address(addr, error_r) : NULL;
	int rc;

	if (lower == NULL)
		return -1;
	rc = cancels(s, r, cfg, g, lower, now, mails, error_r);
	free(lower);
	return rc;
}

int
contact_remove(struct store *s, const struct rules *r, const struct config *cfg,
	       const char *code, const char *addr, const char *actor,
	       time_t now, unsigned *cancels_r, char **error_r)
{
	const struct gemeente *g = municipality(r, code, error_r);
	char *lower = g != NULL ? address(addr, error_r) : NULL, *detail;
	struct outmail_list mails;
	int rc;

	*cancels_r = 0;
	if (lower == NULL)
		return -1;
	outmail_list_init(&mails);
	rc = cancels(s, r, cfg, g, lower, now, &mails, error_r);
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
	free(lower);
	return rc;
}
