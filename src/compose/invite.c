#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "calendar.h"
#include "compose.h"
#include "config.h"
#include "invite.h"
#include "message.h"
#include "nldate.h"
#include "programme.h"
#include "rules.h"
#include "schedule.h"
#include "template.h"
#include "util.h"

char *
invite_key(const char *code, const char *addr, unsigned session, unsigned round)
{
	char tail[16];

	snprintf(tail, sizeof(tail), "%u", session);
	return schedule_key("invitation", code, addr, round, tail);
}

void
invite_attach(struct compose_mail *m)
{
	m->attachment = m->calendar;
	m->attachment_name = "invite.ics";
	m->attachment_type = "application/ics";
}

/* The session's text from invitation.txt.  Heap strings. */
static void
render(const struct rules *r, const struct programme_item *s, char **subject_r,
       char **body_r)
{
	const struct programme *p = r->programme;
	const struct template *t =
		template_get(r->templates, TEMPLATE_INVITATION);
	char date[64], time[32];

	nldate_format(s->start, date, sizeof(date));
	/* a session always ends after it starts (programme.c) */
	nldate_format_hours(s->start, s->end, time, sizeof(time));
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"session_title", s->title},
			{"session_date", date},
			{"session_time", time},
			{"session_link", s->link},
			{"session_description", s->description},
		};

		template_common_vars(vars, p);

		*subject_r = template_render(t->subject, vars, nitems(vars));
		*body_r = template_render(t->body, vars, nitems(vars));
	}
}

static int
build_one(const struct message *msg, const struct invite_for *f,
	  const struct programme_item *s, const struct rules *r,
	  const struct config *cfg, time_t now, struct outmail *out,
	  char **error_r)
{
	/* a first enrolment starts at 0; a new one after a withdrawal
	   comes after the CANCEL its calendar got */
	unsigned sequence =
		f->round > 1
			? schedule_sequence(schedule_item_sequence(f->items,
								   f->n_items,
								   s->number),
					    f->round)
			: 0;

	struct compose_mail m;
	const char *err = NULL;
	char *subject, *body, *ics;
	size_t len;

	memset(out, 0, sizeof(*out));
	ics = calendar_request(r->programme, s, msg->from_addr, msg->from_name,
			       cfg->message_id_domain, sequence, now, &err);
	if (ics == NULL) {
		*error_r = xasprintf("invitation for session %u: %s", s->number,
				     err);
		return -1;
	}
	render(r, s, &subject, &body);
	outmail_init(out,
		     invite_key(f->code, msg->from_addr, s->number, f->round),
		     template_name(TEMPLATE_INVITATION), cfg);
	answer_mail_init(&m, msg, r, out->message_id, now);
	m.subject = subject;
	m.auto_submitted = "auto-generated";
	m.body = body;
	m.calendar = ics;
	m.calendar_method = "REQUEST";
	invite_attach(&m);
	out->raw = compose_message(&m, &len, &err);
	free(subject);
	free(body);
	free(ics);
	if (out->raw == NULL) {
		*error_r = xasprintf("invitation for session %u: %s", s->number,
				     err);
		outmail_deinit(out);
		return -1;
	}
	out->len = len;
	out->rcpt = xstrdup(msg->from_addr);
	outmail_set_session(out, f->code, f->round, s->number, false);
	return 0;
}

int
invite_build(const struct message *msg, const struct invite_for *f,
	     const struct rules *r, const struct config *cfg, time_t now,
	     struct outmail_list *out, char **error_r)
{
	const struct programme *p = r->programme;
	struct outmail_list mails;
	struct outmail m;
	size_t i;

	if (msg->from_addr == NULL || !compose_addr_is_safe(msg->from_addr)) {
		*error_r = xstrdup("sender address cannot be invited safely");
		return -1;
	}
	/* all or none */
	outmail_list_init(&mails);
	for (i = 0; i < p->n_sessions; i++) {
		/* only what is still to come */
		if (p->sessions[i].start <= now)
			continue;
		if (build_one(msg, f, &p->sessions[i], r, cfg, now, &m,
			      error_r) == -1) {
			outmail_list_deinit(&mails);
			return -1;
		}
		outmail_list_add(&mails, &m);
	}
	for (i = 0; i < mails.n; i++)
		outmail_list_add(out, &mails.mails[i]);
	outmail_list_deinit(&mails);
	return 0;
}
