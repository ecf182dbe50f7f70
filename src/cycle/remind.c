#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "letter.h"
#include "log.h"
#include "outmail.h"
#include "programme.h"
#include "remind.h"
#include "rules.h"
#include "schedule.h"
#include "store_programme.h"
#include "util.h"

static void
item_deinit(struct programme_item *it)
{
	free(it->title);
	free(it->description);
	free(it->link);
}

/* The letter for one scheduled mail into *out.  0, or -1 (logged). */
static int
build(struct store *s, const struct rules *r, const struct config *cfg,
      const struct schedule_mail *m, time_t now, struct outmail *out)
{
	struct programme *copy = NULL;
	struct letter l;
	char *err = NULL;
	int rc;

	memset(&l, 0, sizeof(l));
	l.to = m->to;
	l.key = m->key;
	l.p = r->programme;
	l.sequence = m->sequence;
	switch (m->kind) {
	case SCHEDULE_REMINDER_SESSION:
		l.kind = TEMPLATE_REMINDER_SESSION;
		l.item = programme_session(r->programme, m->number);
		l.date = m->at; /* Date: the moment it was due */
		break;
	case SCHEDULE_REMINDER_DEADLINE:
		l.kind = TEMPLATE_REMINDER_DEADLINE;
		l.item = &r->programme->deadline;
		l.date = m->at;
		break;
	case SCHEDULE_PROGRAMME:
		l.kind = TEMPLATE_PROGRAMME;
		l.date = now;
		break;
	case SCHEDULE_INVITE:
		l.kind = TEMPLATE_INVITATION;
		l.item = programme_session(r->programme, m->number);
		l.date = now;
		break;
	case SCHEDULE_UPDATE:
		l.kind = TEMPLATE_INVITATION_UPDATE;
		l.item = programme_session(r->programme, m->number);
		l.date = now;
		/* the letter says what it was; unknown: as it is */
		if (store_programme_previous(s, m->number, &l.previous_start,
					     &l.previous_end, &err) == -1) {
			log_warnx("%s: %s", m->key, err);
			free(err);
			return -1;
		}
		break;
	case SCHEDULE_CANCEL:
		/* the session is gone from the file: the version sent */
		copy = xmalloc(sizeof(*copy));
		*copy = *r->programme;
		copy->n_sessions = 1;
		if (store_programme_removed_item(
			    s, m->number, &copy->sessions[0], &err) == -1) {
			log_warnx("%s: %s", m->key, err);
			free(err);
			free(copy);
			return -1;
		}
		l.kind = TEMPLATE_INVITATION_CANCEL;
		l.p = copy;
		l.item = &copy->sessions[0];
		l.sequence = m->sequence - 1;
		l.date = now;
		break;
	}
	rc = letter_build(&l, r, cfg, out, &err);
	if (rc == -1) {
		log_warnx("not sending %s: %s", m->key, err);
		free(err);
	}
	if (copy != NULL) {
		item_deinit(&copy->sessions[0]);
		free(copy);
	}
	return rc;
}

/* What is due at now for the municipalities changed up to last, or
   (last 0) for every one, after the programme is synced with the
   store's view of the sessions (all: the changed ones take the
   programme as last synced). */
static int
due(struct store *s, const struct rules *r, time_t now, bool commit,
    int64_t last, struct schedule_contact **contacts_r, size_t *n_contacts_r,
    struct schedule_mail **mails_r, size_t *n_r, char **error_r)
{
	struct schedule_item *items = NULL;
	size_t n_items = 0;
	unsigned changed = 0;
	int rc;

	if (last == 0)
		rc = store_programme_sync(s, r->programme, now, commit, &items,
					  &n_items, &changed, error_r);
	else
		rc = store_programme_items(s, &items, &n_items, error_r);
	if (rc == -1)
		return -1;
	if (changed > 0 && commit)
		log_info("programme: %u session(s) changed", changed);
	if (last == 0)
		rc = store_programme_contacts(s, contacts_r, n_contacts_r,
					      error_r);
	else
		rc = store_programme_changed_contacts(s, last, contacts_r,
						      n_contacts_r, error_r);
	if (rc == -1) {
		free(items);
		return -1;
	}
	schedule_due(r->programme, *contacts_r, *n_contacts_r, items, n_items,
		     now, mails_r, n_r);
	free(items);
	return 0;
}

/* Everything, when the programme changed, a moment fell due or the
   clock went back; else the changed municipalities, if any. */
static enum remind_scope
scope(const struct store_schedule_state *st, uint64_t hash, time_t now)
{
	if (!st->evaluated || st->programme_hash != hash ||
	    now < st->evaluated_at ||
	    (st->next_moment != 0 && now >= st->next_moment))
		return REMIND_ALL;
	return st->last_change > 0 ? REMIND_CHANGED : REMIND_NONE;
}

/* Queues the mails whose keys are not queued yet; *failed_r counts
   those that could not be made. */
static int
queue(struct store *s, const struct rules *r, const struct config *cfg,
      const struct schedule_mail *mails, size_t n, time_t now,
      unsigned *queued_r, unsigned *failed_r, char **error_r)
{
	struct outmail_list letters;
	struct outmail letter;
	size_t i;
	int rc = 0;

	outmail_list_init(&letters);
	for (i = 0; i < n && rc == 0; i++) {
		rc = store_programme_queued(s, mails[i].key, error_r);
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc == -1)
			continue;
		if (build(s, r, cfg, &mails[i], now, &letter) == -1) {
			(*failed_r)++;
			continue;
		}
		outmail_list_add(&letters, &letter);
		log_info("queued %s", mails[i].key);
	}
	if (rc == 0 && letters.n > 0)
		rc = store_programme_queue(s, letters.mails, letters.n, now,
					   error_r);
	if (rc == 0)
		*queued_r = (unsigned)letters.n;
	outmail_list_deinit(&letters);
	return rc;
}

int
remind_run(struct store *s, const struct rules *r, const struct config *cfg,
	   time_t now, struct remind_stats *stats_r, char **error_r)
{
	struct schedule_contact *contacts = NULL;
	struct schedule_mail *mails = NULL;
	struct store_schedule_state st;
	uint64_t hash = schedule_programme_hash(r->programme);
	size_t n_contacts = 0, n = 0;
	unsigned failed = 0;
	int rc;

	memset(stats_r, 0, sizeof(*stats_r));
	if (store_programme_state(s, &st, error_r) == -1)
		return -1;
	stats_r->scope = scope(&st, hash, now);
	if (stats_r->scope == REMIND_NONE) {
		log_debug("scheduler: nothing changed or fell due");
		return 0;
	}
	rc = due(s, r, now, true,
		 stats_r->scope == REMIND_ALL ? 0 : st.last_change, &contacts,
		 &n_contacts, &mails, &n, error_r);
	if (rc == -1)
		return -1;
	stats_r->contacts = n_contacts;
	rc = queue(s, r, cfg, mails, n, now, &stats_r->queued, &failed,
		   error_r);
	/* a mail not made is tried again next pass, as everything is */
	if (rc == 0 && failed == 0) {
		st.evaluated = true;
		st.evaluated_at = now;
		st.next_moment = schedule_next_moment(r->programme, now);
		st.programme_hash = hash;
		rc = store_programme_evaluated(s, &st, error_r);
	}
	log_debug("scheduler: %s, %zu contact(s), %u queued",
		  stats_r->scope == REMIND_ALL ? "all" : "changed", n_contacts,
		  stats_r->queued);
	schedule_free(mails, n);
	store_programme_contacts_free(contacts, n_contacts);
	return rc;
}

static void
print_one(FILE *out, const struct schedule_mail *m, const char *state)
{
	char when[32], item[32];

	util_format_time(m->at, when, sizeof(when));
	if (m->number == 0)
		snprintf(item, sizeof(item), "deadline");
	else
		snprintf(item, sizeof(item), "session %u", m->number);
	fprintf(out, "%s\t%s\t%s\t%s %s\t%s\t%s\n", when,
		schedule_kind_name(m->kind), state, m->to->code,
		m->to->municipality, m->to->addr, item);
}

int
remind_print(struct store *s, const struct rules *r, time_t now, FILE *out,
	     char **error_r)
{
	struct schedule_contact *contacts = NULL;
	struct schedule_mail *mails = NULL, *plan = NULL;
	size_t n_contacts = 0, n = 0, n_plan = 0, i;
	int rc = 0, q;

	if (due(s, r, now, false, 0, &contacts, &n_contacts, &mails, &n,
		error_r) == -1)
		return -1;
	schedule_plan(r->programme, contacts, n_contacts, now, &plan, &n_plan);
	fprintf(out, "when\tkind\tstate\tmunicipality\tcontact\titem\n");
	for (i = 0; i < n && rc == 0; i++) {
		q = store_programme_queued(s, mails[i].key, error_r);
		if (q == -1)
			rc = -1;
		else if (q == 0 && mails[i].kind != SCHEDULE_REMINDER_SESSION &&
			 mails[i].kind != SCHEDULE_REMINDER_DEADLINE)
			print_one(out, &mails[i], "due now");
	}
	/* the plan holds the reminders due now and every later one */
	for (i = 0; i < n_plan && rc == 0; i++) {
		q = store_programme_queued(s, plan[i].key, error_r);
		if (q == -1)
			rc = -1;
		else if (q == 0)
			print_one(out, &plan[i],
				  plan[i].at <= now ? "due now" : "planned");
	}
	schedule_free(plan, n_plan);
	schedule_free(mails, n);
	store_programme_contacts_free(contacts, n_contacts);
	return rc;
}
