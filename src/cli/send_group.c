#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "compose.h"
#include "config.h"
#include "nldate.h"
#include "outmail.h"
#include "programme.h"
#include "schedule.h"
#include "send_group.h"
#include "store_attendance.h"
#include "store_contact.h"
#include "store_programme.h"
#include "template.h"
#include "util.h"

const char *const send_group_vars[] = {
	"event",	 "organiser",	 "organiser_name",
	"event_address", "municipality", "sender",
	"programme",	 "capacity",	 "closing_date",
};
const size_t send_group_n_vars = nitems(send_group_vars);

void
send_group_render(const struct send_group *g, const struct schedule_contact *c,
		  char **subject_r, char **body_r)
{
	const struct programme *p = g->programme;
	char capacity[32], closing[64], *programme;

	snprintf(capacity, sizeof(capacity), "%ld", p->capacity);
	nldate_format(p->closes, closing, sizeof(closing));
	programme = programme_format(p);
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"municipality",
						  c->municipality},
			{"sender", c->addr},
			{"programme", programme},
			{"capacity", capacity},
			{"closing_date", closing},
		};

		template_common_vars(vars, p);
		*subject_r = template_render(g->t->subject, vars, nitems(vars));
		*body_r = template_render(g->t->body, vars, nitems(vars));
	}
	free(programme);
}

/* The mail for contact c into *out.  0, or -1 with *error_r. */
static int
build(const struct send_group *g, const struct schedule_contact *c, char *key,
      struct outmail *out, char **error_r)
{
	char *subject, *body;
	struct compose_mail m;
	const char *err;
	size_t n;

	send_group_render(g, c, &subject, &body);
	outmail_init(out, key, "send", g->config);
	memset(&m, 0, sizeof(m));
	m.from_name = g->programme->organiser_name;
	m.from_addr = g->programme->address;
	m.to_name = c->name;
	m.to_addr = c->addr;
	m.message_id = out->message_id;
	m.subject = subject;
	m.body = body;
	m.auto_submitted = "auto-generated";
	m.date = util_clock();
	out->raw = compose_message(&m, &n, &err);
	free(subject);
	free(body);
	if (out->raw == NULL) {
		*error_r = xasprintf("cannot compose the mail for %s: %s",
				     c->code, err);
		outmail_deinit(out);
		return -1;
	}
	out->len = n;
	out->rcpt = xstrdup(c->addr);
	return 0;
}

/* What happened before to the mail of key, as a state; -1 with
 *error_r. */
static int
before(struct store *s, const struct schedule_contact *c, const char *key,
       enum send_group_state *state, char **error_r)
{
	char *status = NULL;
	int q;

	/* mail to it came back: the daemon would only hold it */
	q = store_contact_undeliverable(s, c->addr, error_r);
	if (q != 0) {
		*state = SEND_GROUP_CAME_BACK;
		return q == -1 ? -1 : 0;
	}
	q = store_programme_queued_status(s, key, &status, error_r);
	if (q == -1)
		return -1;
	*state = SEND_GROUP_NEW;
	/* queued is not yet sent: the daemon sends it */
	if (q == 1 && strcmp(status, "queued") == 0)
		*state = SEND_GROUP_QUEUED_BEFORE;
	else if (q == 1 && strcmp(status, "failed") == 0)
		*state = SEND_GROUP_FAILED_BEFORE;
	else if (q == 1)
		*state = SEND_GROUP_SENT_BEFORE;
	free(status);
	return 0;
}

static void
count(struct send_group *g, enum send_group_state state)
{
	switch (state) {
	case SEND_GROUP_NEW:
		g->fresh++;
		break;
	case SEND_GROUP_QUEUED_BEFORE:
		g->waiting++;
		break;
	case SEND_GROUP_SENT_BEFORE:
		g->known++;
		break;
	case SEND_GROUP_FAILED_BEFORE:
		g->failed++;
		break;
	case SEND_GROUP_CAME_BACK:
		g->back++;
		break;
	}
}

/* Looks at each contact of the group and with queue builds its mail
   into mails.  0, or -1 with *error_r. */
static int
plan(struct send_group *g, struct store *s, bool queue,
     const struct store_attendance_answer *answers, size_t n_answers,
     struct outmail_list *mails, const char **codes, char **error_r)
{
	const struct schedule_contact *c;
	char *text = xasprintf("%s\n\n%s", g->t->subject, g->t->body), *key;
	enum send_group_state state;
	struct outmail one;
	size_t i;
	int rc = 0;

	g->rows = xcalloc(g->n_contacts + 1, sizeof(*g->rows));
	for (i = 0; i < g->n_contacts && rc == 0; i++) {
		c = &g->contacts[i];
		if (!audience_includes(&g->to, c, answers, n_answers))
			continue;
		key = audience_key(text, strlen(text), c->code, c->addr);
		rc = before(s, c, key, &state, error_r);
		if (rc == 0) {
			g->rows[g->n].c = c;
			g->rows[g->n++].state = state;
			count(g, state);
		}
		if (rc == 0 && queue && state == SEND_GROUP_NEW) {
			/* build() takes key */
			rc = build(g, c, key, &one, error_r);
			if (rc == 0) {
				codes[mails->n] = c->code;
				outmail_list_add(mails, &one);
			}
			continue;
		}
		free(key);
	}
	free(text);
	return rc;
}

int
send_group_run(struct send_group *g, struct store *s, bool queue,
	       const char *actor, char **error_r)
{
	struct store_attendance_answer *answers = NULL;
	struct outmail_list mails;
	const char **codes;
	size_t n_answers = 0;
	char *detail;
	int rc;

	if (store_programme_contacts(s, &g->contacts, &g->n_contacts,
				     error_r) == -1)
		return -1;
	if (store_attendance_answers(s, &answers, &n_answers, error_r) == -1)
		return -1;
	outmail_list_init(&mails);
	codes = xcalloc(g->n_contacts + 1, sizeof(*codes));
	rc = plan(g, s, queue, answers, n_answers, &mails, codes, error_r);
	if (rc == 0 && queue && g->agree != NULL && !g->agree(g, g->agree_cls))
		g->stopped = true;
	if (rc == 0 && !g->stopped && mails.n > 0) {
		detail = xasprintf("template %s (%.16s)", g->name,
				   mails.mails[0].key + 5);
		rc = store_programme_queue_audited(
			s, mails.mails, codes, mails.n, util_clock(), actor,
			"send", detail, &g->queued, error_r);
		free(detail);
	}
	free(codes);
	outmail_list_deinit(&mails);
	store_attendance_answers_free(answers, n_answers);
	return rc;
}

void
send_group_free(struct send_group *g)
{
	store_programme_contacts_free(g->contacts, g->n_contacts);
	free(g->rows);
	g->contacts = NULL;
	g->rows = NULL;
	g->n_contacts = g->n = 0;
}
