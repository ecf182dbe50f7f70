#include "autoconf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "calendar.h"
#include "classify.h"
#include "compose.h"
#include "config.h"
#include "gemeenten.h"
#include "mailaddr.h"
#include "message.h"
#include "nldate.h"
#include "outmail.h"
#include "programme.h"
#include "rules.h"
#include "template.h"
#include "util.h"

/* Only a municipality we are sure of is named back to the sender, and
   only its own words (its display name, its threading) go back to it:
   the reject and review answers may go to a forged address. */
static bool
sure_municipality(const struct classification *c)
{
	return c->gemeente != NULL && c->verdict != VERDICT_REVIEW &&
	       c->verdict != VERDICT_REJECT;
}

/* Fills the template's placeholders; the texts are heap, caller frees.
   Nothing the sender wrote is among them (template.c). */
static void
render(const struct message *msg, const struct classification *c,
       const struct rules *r, size_t position, time_t now, char **subject_r,
       char **body_r)
{
	const struct programme *p = r->programme;
	const struct template *t = template_get(r->templates, c->template);
	char capacity[32], pos[32], closing[64], received[64], *programme;
	const char *deliverable =
		p->deliverable != NULL ? p->deliverable : "uw tekst";
	bool named = sure_municipality(c);

	snprintf(capacity, sizeof(capacity), "%ld", p->capacity);
	snprintf(pos, sizeof(pos), "%zu", position);
	nldate_format(p->closes, closing, sizeof(closing));
	/* our clock, not the sender's Date header */
	nldate_format_moment(now, received, sizeof(received));
	programme = programme_format(p);
	{
		struct template_var vars[] = {
			[TEMPLATE_COMMON_VARS] = {"municipality",
						  named ? c->gemeente->name
							: ""},
			{"sender", msg->from_addr},
			{"received_date", received},
			{"programme", programme},
			{"capacity", capacity},
			{"position", pos},
			{"closing_date", closing},
			{"deliverable", deliverable},
		};

		template_common_vars(vars, p);

		*subject_r = template_render(t->subject, vars, nitems(vars));
		*body_r = template_render(t->body, vars, nitems(vars));
	}
	free(programme);
}

bool
answer_to_outsider(const struct rules *r, const char *addr)
{
	const char *domain = addr != NULL ? mailaddr_domain(addr) : NULL;
	const struct sender_rule *rule;
	const char *matched;

	if (domain == NULL || domain[0] == '\0')
		return true;
	rule = rules_sender(r, domain);
	if (rule != NULL)
		return rule->action != SENDER_ALLOW;
	return gemeenten_by_domain(r->gemeenten, domain, &matched) == NULL;
}

void
answer_mail_init(struct compose_mail *m, const struct message *msg,
		 const struct rules *r, const char *message_id, time_t now)
{
	memset(m, 0, sizeof(*m));
	m->from_name = r->programme->organiser_name;
	m->from_addr = r->programme->address;
	m->to_name = msg->from_name;
	m->to_addr = msg->from_addr;
	m->message_id = message_id;
	/* a strange incoming id is left out rather than escaped */
	if (msg->message_id != NULL && compose_addr_is_safe(msg->message_id))
		m->in_reply_to = msg->message_id;
	/* RFC 5322 3.6.4: without References, the parent's In-Reply-To
	   stands in for them */
	m->references =
		msg->references != NULL ? msg->references : msg->in_reply_to;
	m->date = now;
}

int
answer_build(const struct message *msg, const char *sha256,
	     const struct classification *c, const struct rules *r,
	     const struct config *cfg, size_t position, time_t now,
	     struct outmail *out, char **error_r)
{
	struct compose_mail m;
	char *subject, *body, *ics = NULL;
	const char *err;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (msg->from_addr == NULL || !compose_addr_is_safe(msg->from_addr)) {
		*error_r = xasprintf("sender address cannot be answered "
				     "safely");
		return -1;
	}
	render(msg, c, r, position, now, &subject, &body);
	outmail_init(out, xasprintf("answer:%s", sha256),
		     template_name(c->template), cfg);
	answer_mail_init(&m, msg, r, out->message_id, now);
	if (!sure_municipality(c)) {
		/* the address alone; In-Reply-To (an id, checked) still
		   threads the answer */
		m.to_name = NULL;
		m.references = NULL;
	}
	m.subject = subject;
	m.auto_submitted = "auto-replied";
	m.body = body;
	/* the whole programme for calendars that ignore invitations */
	if (c->template == TEMPLATE_CONFIRM) {
		ics = calendar_publish(r->programme, cfg->message_id_domain, 0,
				       now, &err);
		if (ics == NULL) {
			*error_r =
				xasprintf("cannot make programma.ics: %s", err);
			free(subject);
			free(body);
			outmail_deinit(out);
			return -1;
		}
		m.attachment = ics;
		m.attachment_name = "programma.ics";
		m.attachment_type = "text/calendar; charset=UTF-8; "
				    "method=PUBLISH";
	}
	out->raw = compose_message(&m, &n, &err);
	free(subject);
	free(body);
	free(ics);
	if (out->raw == NULL) {
		*error_r = xasprintf("cannot compose the answer: %s", err);
		outmail_deinit(out);
		return -1;
	}
	out->len = n;
	out->rcpt = xstrdup(msg->from_addr);
	return 0;
}
