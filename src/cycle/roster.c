#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "invite.h"
#include "letter.h"
#include "message.h"
#include "outmail.h"
#include "programme.h"
#include "roster.h"
#include "rules.h"
#include "util.h"

/* Adds one letter to the plan. */
static int
add(struct roster_plan *plan, const struct letter *l, const struct rules *r,
    const struct config *cfg, char **error_r)
{
	struct outmail m;

	if (letter_build(l, r, cfg, &m, error_r) == -1)
		return -1;
	outmail_list_add(&plan->mails, &m);
	return 0;
}

/* Adds a letter of kind that is about no session (the withdrawal, the
   confirmation), keyed by tag; to the sender of msg (may be NULL)
   threaded to it. */
static int
add_notice(struct roster_plan *plan, enum template_kind kind, const char *tag,
	   const struct rules *r, const struct config *cfg,
	   const struct schedule_contact *c, const struct message *msg,
	   time_t now, char **error_r)
{
	struct letter l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.kind = kind;
	l.to = c;
	l.date = now;
	if (msg != NULL && msg->from_addr != NULL &&
	    strcasecmp(msg->from_addr, c->addr) == 0) {
		l.in_reply_to = msg->message_id;
		/* RFC 5322 3.6.4: without References, the parent's
		   In-Reply-To stands in for them */
		l.references = msg->references != NULL ? msg->references
						       : msg->in_reply_to;
	}
	l.key = schedule_key(tag, c->code, c->addr, c->round, NULL);
	rc = add(plan, &l, r, cfg, error_r);
	free((char *)l.key);
	return rc;
}

/* The letters of a withdrawal (confirmed: the CANCELs too). */
static int
withdrawal_letters(struct roster_plan *plan, const struct rules *r,
		   const struct config *cfg, const struct schedule_contact *c,
		   bool confirmed, const struct schedule_item *items,
		   size_t n_items, const struct message *msg, time_t now,
		   char **error_r)
{
	if (confirmed && letter_cancels(c, items, n_items, r, cfg, now,
					&plan->mails, error_r) == -1)
		return -1;
	return add_notice(plan, TEMPLATE_WITHDRAWN, "withdrawn", r, cfg, c, msg,
			  now, error_r);
}

/* The letters of a promotion: the confirmation, the invitations. */
static int
promotion_letters(struct roster_plan *plan, const struct rules *r,
		  const struct config *cfg, const struct schedule_contact *c,
		  const struct schedule_item *items, size_t n_items, time_t now,
		  char **error_r)
{
	const struct programme *p = r->programme;
	struct letter l;
	size_t i;
	int rc;

	rc = add_notice(plan, TEMPLATE_PROMOTED, "promoted", r, cfg, c, NULL,
			now, error_r);
	for (i = 0; i < p->n_sessions && rc == 0; i++) {
		const struct programme_item *it = &p->sessions[i];

		if (it->start <= now)
			continue;
		memset(&l, 0, sizeof(l));
		l.kind = TEMPLATE_INVITATION;
		l.to = c;
		l.item = it;
		l.p = p;
		l.sequence = schedule_sequence(
			schedule_item_sequence(items, n_items, it->number),
			c->round);
		l.date = now;
		l.key = invite_key(c->code, c->addr, it->number, c->round);
		rc = add(plan, &l, r, cfg, error_r);
		free((char *)l.key);
	}
	return rc;
}

/* Adds the promotion of code to the plan. */
static int
plan_promotion(const struct rules *r, const struct config *cfg,
	       const char *code, const struct schedule_contact *contacts,
	       size_t n_contacts, const struct schedule_item *items,
	       size_t n_items, time_t now, struct roster_plan *plan,
	       char **error_r)
{
	size_t i;

	plan->promote = xstrdup(code);
	for (i = 0; i < n_contacts; i++) {
		if (strcmp(contacts[i].code, code) == 0 &&
		    promotion_letters(plan, r, cfg, &contacts[i], items,
				      n_items, now, error_r) == -1)
			return -1;
	}
	return 0;
}

/* Ends building a plan: on rc -1 frees it and returns -1, else fills
   plan->change from what the plan holds and returns 0. */
static int
finish(struct roster_plan *plan, const char *actor, int rc)
{
	if (rc == -1) {
		enum roster_refusal why = plan->refused;

		roster_plan_free(plan);
		plan->refused = why;
		return -1;
	}
	plan->change.withdraw = plan->withdraw;
	plan->change.promote = plan->promote;
	plan->change.actor = actor;
	plan->change.detail = plan->detail;
	plan->change.mails = plan->mails.mails;
	plan->change.n_mails = plan->mails.n;
	return 0;
}

/* Reads what a plan for code needs: its contacts and the programme. */
static int
load(struct store *s, const char *code, struct schedule_contact **contacts,
     size_t *n_contacts, struct schedule_item **items, size_t *n_items,
     char **error_r)
{
	if (store_programme_contacts_of(s, code, contacts, n_contacts,
					error_r) == -1)
		return -1;
	if (store_programme_items(s, items, n_items, error_r) == -1) {
		store_programme_contacts_free(*contacts, *n_contacts);
		return -1;
	}
	return 0;
}

int
roster_plan_withdraw(struct store *s, const struct rules *r,
		     const struct config *cfg, const char *code,
		     const char *actor, const struct message *msg, time_t now,
		     struct roster_plan *plan, char **error_r)
{
	struct schedule_contact *contacts;
	struct schedule_item *items;
	size_t n_contacts, n_items, i, confirmed;
	char *status = NULL, *name = NULL, *next = NULL, *next_name = NULL;
	bool was_confirmed;
	int rc;

	memset(plan, 0, sizeof(*plan));
	rc = store_programme_enrolment(s, code, &status, &name, error_r);
	if (rc == 0) {
		*error_r = xasprintf("%s is not enrolled", code);
		plan->refused = ROSTER_NOT_ENROLLED;
	}
	if (rc == 1 && strcmp(status, "withdrawn") == 0) {
		*error_r = xasprintf("%s %s has withdrawn already", code, name);
		plan->refused = ROSTER_WITHDRAWN;
		rc = 0;
	}
	if (rc != 1) {
		free(status);
		free(name);
		return -1;
	}
	was_confirmed = strcmp(status, "confirmed") == 0;
	plan->withdraw = xstrdup(code);
	plan->detail = xasprintf("%s %s withdraws (%s)", code, name, status);
	free(status);
	free(name);
	if (load(s, code, &contacts, &n_contacts, &items, &n_items, error_r) ==
	    -1)
		return -1;
	rc = 0;
	for (i = 0; i < n_contacts && rc == 0; i++)
		rc = withdrawal_letters(plan, r, cfg, &contacts[i],
					was_confirmed, items, n_items, msg, now,
					error_r);
	store_programme_contacts_free(contacts, n_contacts);
	contacts = NULL;
	n_contacts = 0;
	/* a place comes free: the first on the waiting list takes it */
	if (rc == 0 && was_confirmed)
		rc = store_programme_confirmed(s, &confirmed, error_r);
	if (rc == 0 && was_confirmed &&
	    confirmed - 1 < (size_t)r->programme->capacity) {
		rc = store_programme_first_waiting(s, &next, &next_name,
						   error_r);
		if (rc == 1)
			rc = store_programme_contacts_of(s, next, &contacts,
							 &n_contacts, error_r);
		if (rc == 0 && next != NULL)
			rc = plan_promotion(r, cfg, next, contacts, n_contacts,
					    items, n_items, now, plan, error_r);
	}
	free(next);
	free(next_name);
	store_programme_contacts_free(contacts, n_contacts);
	free(items);
	return finish(plan, actor, rc);
}

int
roster_plan_promote(struct store *s, const struct rules *r,
		    const struct config *cfg, const char *code,
		    const char *actor, bool force, time_t now,
		    struct roster_plan *plan, char **error_r)
{
	struct schedule_contact *contacts;
	struct schedule_item *items;
	size_t n_contacts, n_items, confirmed;
	char *status = NULL, *name = NULL, *first = NULL;
	int rc;

	memset(plan, 0, sizeof(*plan));
	if (code == NULL) {
		rc = store_programme_first_waiting(s, &first, &name, error_r);
		if (rc == 0) {
			*error_r = xstrdup("the waiting list is empty");
			plan->refused = ROSTER_NO_WAITING;
		}
		if (rc != 1)
			return -1;
		code = first;
	} else {
		rc = store_programme_enrolment(s, code, &status, &name,
					       error_r);
		if (rc == 0) {
			*error_r = xasprintf("%s is not enrolled", code);
			plan->refused = ROSTER_NOT_ENROLLED;
		} else if (rc == 1 && strcmp(status, "waitlist") != 0) {
			*error_r = xasprintf("%s %s is %s, not on the waiting "
					     "list",
					     code, name, status);
			plan->refused = ROSTER_NOT_WAITING;
			rc = 0;
		}
		free(status);
		if (rc != 1) {
			free(name);
			return -1;
		}
	}
	rc = store_programme_confirmed(s, &confirmed, error_r);
	if (rc == 0 && !force && confirmed >= (size_t)r->programme->capacity) {
		*error_r = xasprintf("no place free (%zu of %ld taken); "
				     "--force promotes beyond the capacity",
				     confirmed, r->programme->capacity);
		plan->refused = ROSTER_FULL;
		rc = -1;
	}
	if (rc == 0)
		rc = load(s, code, &contacts, &n_contacts, &items, &n_items,
			  error_r);
	if (rc == 0) {
		plan->detail = xasprintf("%s %s promoted from the waiting "
					 "list%s",
					 code, name, force ? " (forced)" : "");
		rc = plan_promotion(r, cfg, code, contacts, n_contacts, items,
				    n_items, now, plan, error_r);
		store_programme_contacts_free(contacts, n_contacts);
		free(items);
	}
	free(first);
	free(name);
	return finish(plan, actor, rc);
}

void
roster_plan_free(struct roster_plan *plan)
{
	outmail_list_deinit(&plan->mails);
	free(plan->withdraw);
	free(plan->promote);
	free(plan->detail);
	memset(plan, 0, sizeof(*plan));
}
