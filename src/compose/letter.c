#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "compose.h"
#include "config.h"
#include "invite.h"
#include "letter.h"
#include "nldate.h"
#include "outmail.h"
#include "programme.h"
#include "rules.h"
#include "schedule.h"
#include "template.h"
#include "util.h"

static void
render(const struct letter *l, const struct rules *r, char **subject_r,
       char **body_r)
{
	const struct programme *p = r->programme;
	const struct programme_item *it = l->item;
	const struct template *t = template_get(r->templates, l->kind);
	char date[64] = "", time[32] = "", capacity[32], closing[64];
	char was_date[64] = "", was_time[32] = "";
	char *programme = programme_format(p);

	if (it != NULL) {
		time_t from =
			l->previous_start != 0 ? l->previous_start : it->start;
		time_t to = l->previous_start != 0 ? l->previous_end : it->end;

		nldate_format(it->start, date, sizeof(date));
		nldate_format_hours(it->start, it->end, time, sizeof(time));
		nldate_format(from, was_date, sizeof(was_date));
		nldate_format_hours(from, to, was_time, sizeof(was_time));
	}
	snprintf(capacity, sizeof(capacity), "%ld", p->capacity);
	nldate_format(p->closes, closing, sizeof(closing));
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"municipality",
						  l->to->municipality},
			{"sender", l->to->addr},
			{"programme", programme},
			{"capacity", capacity},
			{"closing_date", closing},
			{"session_title", it != NULL ? it->title : NULL},
			{"session_date", date},
			{"session_time", time},
			{"session_link", it != NULL ? it->link : NULL},
			{"session_description",
			 it != NULL ? it->description : NULL},
			{"previous_date", was_date},
			{"previous_time", was_time},
		};

		template_common_vars(vars, p);

		*subject_r = template_render(t->subject, vars, nitems(vars));
		*body_r = template_render(t->body, vars, nitems(vars));
	}
	free(programme);
}

int
letter_build(const struct letter *l, const struct rules *r,
	     const struct config *cfg, struct outmail *out, char **error_r)
{
	const struct programme *p = l->p != NULL ? l->p : r->programme;
	struct compose_mail m;
	const char *err = NULL, *method = NULL;
	char *subject, *body, *ics = NULL, *overview = NULL;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!compose_addr_is_safe(l->to->addr)) {
		*error_r = xasprintf("%s: address cannot be written safely",
				     l->to->addr);
		return -1;
	}
	if (l->kind == TEMPLATE_INVITATION ||
	    l->kind == TEMPLATE_INVITATION_UPDATE) {
		method = "REQUEST";
		ics = calendar_request(p, l->item, l->to->addr, l->to->name,
				       cfg->message_id_domain, l->sequence,
				       l->date, &err);
	} else if (l->kind == TEMPLATE_INVITATION_CANCEL) {
		method = "CANCEL";
		ics = calendar_cancel(p, l->item, l->to->addr, l->to->name,
				      cfg->message_id_domain, l->sequence,
				      l->date, &err);
	}
	if (l->kind == TEMPLATE_PROMOTED || l->kind == TEMPLATE_PROGRAMME) {
		/* the whole programme for calendars that ignore
		   invitations */
		overview = calendar_publish(p, cfg->message_id_domain,
					    l->sequence, l->date, &err);
		if (overview == NULL) {
			*error_r = xasprintf("programma.ics for %s: %s",
					     l->to->addr, err);
			return -1;
		}
	}
	if (method != NULL && ics == NULL) {
		*error_r = xasprintf("%s for %s: %s", template_name(l->kind),
				     l->to->addr, err);
		return -1;
	}
	render(l, r, &subject, &body);
	outmail_init(out, xstrdup(l->key), template_name(l->kind), cfg);
	memset(&m, 0, sizeof(m));
	m.from_name = r->programme->organiser_name;
	m.from_addr = r->programme->address;
	m.to_name = l->to->name;
	m.to_addr = l->to->addr;
	m.message_id = out->message_id;
	m.date = l->date;
	/* a strange incoming id is left out rather than escaped */
	if (l->in_reply_to != NULL && compose_addr_is_safe(l->in_reply_to)) {
		m.in_reply_to = l->in_reply_to;
		m.references = l->references;
	}
	m.subject = subject;
	m.auto_submitted = "auto-generated";
	m.body = body;
	m.calendar = ics;
	m.calendar_method = method;
	if (ics != NULL)
		invite_attach(&m);
	if (overview != NULL) {
		m.attachment = overview;
		m.attachment_name = "programma.ics";
		m.attachment_type = "text/calendar; charset=UTF-8; "
				    "method=PUBLISH";
	}
	out->raw = compose_message(&m, &len, &err);
	free(subject);
	free(body);
	free(ics);
	free(overview);
	if (out->raw == NULL) {
		*error_r = xasprintf("%s for %s: %s", template_name(l->kind),
				     l->to->addr, err);
		outmail_deinit(out);
		return -1;
	}
	out->len = len;
	out->rcpt = xstrdup(l->to->addr);
	if (method != NULL)
		outmail_set_session(out, l->to->code, l->to->round,
				    l->item->number,
				    l->kind == TEMPLATE_INVITATION_CANCEL);
	return 0;
}

int
letter_cancels(const struct schedule_contact *c,
	       const struct schedule_item *items, size_t n_items,
	       const struct rules *r, const struct config *cfg, time_t now,
	       struct outmail_list *out, char **error_r)
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

		/* past, or not in its calendar */
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
