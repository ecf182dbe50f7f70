#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "buf.h"
#include "classify.h"
#include "compose.h"
#include "gemeenten.h"
#include "itip_reply.h"
#include "mailaddr.h"
#include "message.h"
#include "programme.h"
#include "rules.h"
#include "util.h"

#define REASONS_MAX 4096

static const char *const verdict_names[VERDICT_COUNT] = {
	"enrol",  "waitlist", "closed",	    "duplicate", "reject",
	"review", "ignore",   "attendance", "withdraw",
};

struct judge {
	const struct message *msg;
	const struct rules *rules;
	const struct classify_settings *set;
	struct buf reasons;
	const struct gemeente *gemeente;
	bool quiet;		 /* a reply to our own mail: never answered */
	struct itip_reply reply; /* an answer to an invitation */
	unsigned item;		 /* the item it answers */
};

const char *
verdict_name(enum verdict v)
{
	return verdict_names[v];
}

int
verdict_parse(const char *name)
{
	size_t i;

	for (i = 0; i < VERDICT_COUNT; i++) {
		if (strcmp(name, verdict_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

static void reason(struct judge *j, const char *fmt, ...) ATTR_PRINTF(2, 3);

static void
reason(struct judge *j, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (j->reasons.len > 0)
		(void)buf_adds(&j->reasons, "; ");
	(void)buf_adds(&j->reasons, text);
}

/* RFC 3834 and friends: mail that a machine sent, never answered. */
static bool
is_machine_mail(struct judge *j)
{
	const struct message *m = j->msg;

	if (m->auto_submitted != NULL &&
	    strncasecmp(m->auto_submitted, "no", 2) != 0) {
		reason(j, "Auto-Submitted: %s", m->auto_submitted);
		return true;
	}
	if (m->return_path != NULL && m->return_path[0] == '\0') {
		reason(j, "null return path (a bounce or notification)");
		return true;
	}
	if (m->from_addr != NULL && mailaddr_is_machine(m->from_addr)) {
		reason(j, "sender is %s, a machine address", m->from_addr);
		return true;
	}
	if (m->content_type != NULL &&
	    strcmp(m->content_type, "multipart/report") == 0) {
		reason(j, "delivery report (multipart/report)");
		return true;
	}
	if (m->list_id != NULL) {
		reason(j, "mailing list (%s)", m->list_id);
		return true;
	}
	if (m->precedence != NULL && (strcasecmp(m->precedence, "bulk") == 0 ||
				      strcasecmp(m->precedence, "list") == 0 ||
				      strcasecmp(m->precedence, "junk") == 0)) {
		reason(j, "Precedence: %s", m->precedence);
		return true;
	}
	if (m->autoreply_header != NULL) {
		reason(j, "auto-reply header %s", m->autoreply_header);
		return true;
	}
	if (m->from_addr != NULL && j->set->own_address != NULL &&
	    strcasecmp(m->from_addr, j->set->own_address) == 0) {
		reason(j, "sent from our own address");
		return true;
	}
	if (m->calendar_reply) {
		reason(j, "calendar reply to an invitation");
		return true;
	}
	return false;
}

/* True if a message id in list ("<a> <b>") is one of ours. */
static bool
refers_to_us(const char *list, const char *domain)
{
	const char *p = list, *open, *close;
	bool ours = false;

	while (!ours && p != NULL) {
		open = strchr(p, '<');
		if (open == NULL)
			break;
		close = strchr(open, '>');
		if (close == NULL)
			break;
		{
			char *id =
				xstrndup(open + 1, (size_t)(close - open - 1));

			ours = compose_is_our_message_id(id, domain);
			free(id);
		}
		p = close + 1;
	}
	return ours;
}

/* The one Authentication-Results header we believe, parsed; NULL if
   none is trusted. */
static bool
trusted_authres(struct judge *j, struct authres *ar)
{
	const char *id = j->set->trusted_authserv_id;
	size_t i;

	for (i = 0; i < j->msg->n_authres; i++) {
		if (authres_parse(j->msg->authres[i], ar) == -1 &&
		    ar->authserv_id[0] == '\0')
			continue;
		if (i == 0 && ar->authserv_id[0] == '\0' &&
		    j->set->trust_unlabelled_authres)
			return true;
		if (id != NULL && id[0] != '\0' &&
		    strcasecmp(ar->authserv_id, id) == 0)
			return true;
	}
	return false;
}

/* Records the authentication results; true if DMARC failed. */
static bool
dmarc_failed(struct judge *j)
{
	struct authres ar;

	if (!trusted_authres(j, &ar)) {
		reason(j, "no trusted Authentication-Results");
		return false;
	}
	reason(j, "authentication: dmarc=%s spf=%s dkim=%s",
	       ar.dmarc[0] != '\0' ? ar.dmarc : "none",
	       ar.spf[0] != '\0' ? ar.spf : "none",
	       ar.dkim[0] != '\0' ? ar.dkim : "none");
	return strcmp(ar.dmarc, "fail") == 0;
}

/* The operator's word on a domain (senders.rules), as judge_sender()
   returns it. */
static enum verdict
judge_by_rule(struct judge *j, const struct sender_rule *rule,
	      const char *domain)
{
	switch (rule->action) {
	case SENDER_ALLOW:
		j->gemeente = rule->gemeente;
		reason(j,
		       "sender domain %s is municipality %s %s "
		       "(senders.rules:%u)",
		       domain, rule->gemeente->code, rule->gemeente->name,
		       rule->line);
		return VERDICT_ENROL;
	case SENDER_DENY:
		reason(j,
		       "sender domain %s is not a municipality "
		       "(denied by senders.rules:%u)",
		       domain, rule->line);
		return VERDICT_REJECT;
	default:
		reason(j, "senders.rules:%u sends %s to review", rule->line,
		       domain);
		return VERDICT_REVIEW;
	}
}

/* A domain that is no municipality: a shared service organisation, a
   lookalike, or a display name that claims one go to a person. */
static enum verdict
judge_outsider(struct judge *j, const char *domain)
{
	const struct gemeenten *g = j->rules->gemeenten;
	const struct shared_org *shared;
	const struct gemeente *m;
	const char *like;

	shared = gemeenten_shared_by_domain(g, domain);
	if (shared != NULL) {
		reason(j,
		       "sender domain %s is a shared service organisation "
		       "(%s) for %s",
		       domain, shared->organisation, shared->member_names);
		return VERDICT_REVIEW;
	}
	m = gemeenten_lookalike(g, domain, &like);
	if (m != NULL) {
		j->gemeente = m->merged ? m->successor : m;
		reason(j,
		       "sender domain %s looks like %s (%s %s) but is not "
		       "on the list",
		       domain, like, m->code, m->name);
		return VERDICT_REVIEW;
	}
	m = j->msg->from_name == NULL ? NULL
				      : gemeenten_claimed(g, j->msg->from_name);
	if (m != NULL) {
		j->gemeente = m;
		reason(j,
		       "display name claims municipality %s (%s) but the "
		       "address %s is not municipal",
		       m->name, m->code, j->msg->from_addr);
		return VERDICT_REVIEW;
	}
	reason(j, "sender domain %s is not a municipality", domain);
	return VERDICT_REJECT;
}

/* Who does the sender speak for?  Returns ENROL (a municipality, in
   j->gemeente), REJECT, or REVIEW (with a hint in j->gemeente). */
static enum verdict
judge_sender(struct judge *j)
{
	const char *domain = mailaddr_domain(j->msg->from_addr), *matched;
	const struct sender_rule *rule;
	const struct gemeente *m;

	if (domain == NULL) {
		/* message_parse() already refuses these; keep it safe here */
		reason(j, "sender address %s has no usable domain",
		       j->msg->from_addr);
		return VERDICT_REVIEW;
	}
	rule = rules_sender(j->rules, domain);
	if (rule != NULL)
		return judge_by_rule(j, rule, domain);
	m = gemeenten_by_domain(j->rules->gemeenten, domain, &matched);
	if (m == NULL)
		return judge_outsider(j, domain);
	if (m->merged) {
		j->gemeente = m->successor;
		reason(j,
		       "sender domain %s belonged to %s (%s), merged into "
		       "%s %s on %s",
		       domain, m->name, m->code, m->successor->code,
		       m->successor->name,
		       m->merged_on != NULL ? m->merged_on : "?");
		return VERDICT_ENROL;
	}
	j->gemeente = m;
	if (strcmp(matched, domain) != 0)
		reason(j, "sender domain %s (under %s) is municipality %s %s",
		       domain, matched, m->code, m->name);
	else
		reason(j, "sender domain %s is municipality %s %s", domain,
		       m->code, m->name);
	return VERDICT_ENROL;
}

/* Enrolled already, closed, full, or a place: for a known municipality. */
static enum verdict
judge_state(struct judge *j, const struct classify_state *st, time_t now)
{
	const struct programme *p = j->rules->programme;
	char when[64];
	size_t i;

	for (i = 0; i < st->n_enrolled; i++) {
		if (strcmp(st->enrolled[i], j->gemeente->code) == 0) {
			reason(j, "%s is already enrolled", j->gemeente->name);
			return VERDICT_DUPLICATE;
		}
	}
	if (p->opens != 0 && now < p->opens) {
		reason(j, "enrolment opens on %s: for staff to decide",
		       util_format_time(p->opens, when, sizeof(when)));
		return VERDICT_REVIEW;
	}
	if (now > p->closes) {
		reason(j, "enrolment closed on %s",
		       util_format_time(p->closes, when, sizeof(when)));
		return VERDICT_CLOSED;
	}
	if (st->confirmed >= (size_t)p->capacity) {
		reason(j, "capacity %ld reached", p->capacity);
		return VERDICT_WAITLIST;
	}
	reason(j, "place %zu of %ld", st->confirmed + 1, p->capacity);
	return VERDICT_ENROL;
}

/* An answer to one of our invitations (iTIP REPLY): attendance, or
   ignore with the reason it cannot be recorded; never answered, never a
   review.  VERDICT_COUNT for a calendar that is no answer (an enrolment
   with an .ics attached is judged as any mail). */
static enum verdict
judge_calendar(struct judge *j)
{
	const struct message *m = j->msg;
	const char *err = "no calendar part";
	char name[32];
	int rc = -1;

	if (m->calendar != NULL)
		rc = itip_reply_parse(m->calendar, strlen(m->calendar),
				      &j->reply, &err);
	if (rc != 1 && !m->calendar_reply)
		return VERDICT_COUNT;
	if (rc == 0) {
		/* COUNTER (a new time proposed) and the like */
		reason(j,
		       "calendar reply that is no answer to record (%s): "
		       "nothing recorded",
		       err);
		return VERDICT_IGNORE;
	}
	if (rc == -1) {
		reason(j,
		       "calendar reply to an invitation, unreadable (%s): "
		       "nothing recorded",
		       err);
		return VERDICT_IGNORE;
	}
	j->item = itip_reply_item(j->rules->programme, j->reply.uid,
				  j->set->message_id_domain);
	if (j->item == 0) {
		reason(j,
		       "calendar reply from %s to an event that is not in the "
		       "programme (UID %s): nothing recorded",
		       j->reply.attendee, j->reply.uid);
		return VERDICT_IGNORE;
	}
	itip_reply_item_name(j->item, false, name, sizeof(name));
	if (j->reply.partstat == ITIP_OTHER) {
		reason(j,
		       "calendar reply from %s for %s with PARTSTAT=%s: "
		       "nothing recorded",
		       j->reply.attendee, name, j->reply.partstat_text);
		return VERDICT_IGNORE;
	}
	if (m->from_addr != NULL &&
	    strcasecmp(m->from_addr, j->reply.attendee) != 0)
		reason(j, "calendar reply sent by %s for %s", m->from_addr,
		       j->reply.attendee);
	else
		reason(j, "calendar reply from %s", j->reply.attendee);
	reason(j, "attendance: %s %s", itip_partstat_name(j->reply.partstat),
	       name);
	return VERDICT_ATTENDANCE;
}

/* A withdrawal counts only from the municipality that is enrolled. */
static enum verdict
judge_withdrawal(struct judge *j, const struct classify_state *st,
		 enum verdict v)
{
	size_t i;

	if (v != VERDICT_ENROL) {
		reason(j, "withdrawal request not from a known municipality: "
			  "for staff to handle");
		return VERDICT_REVIEW;
	}
	for (i = 0; i < st->n_enrolled; i++) {
		if (strcmp(st->enrolled[i], j->gemeente->code) == 0) {
			reason(j, "withdrawal of %s", j->gemeente->name);
			return VERDICT_WITHDRAW;
		}
	}
	reason(j,
	       "withdrawal request, but %s is not enrolled: for staff to "
	       "handle",
	       j->gemeente->name);
	return VERDICT_REVIEW;
}

/* The verdict before authentication is looked at. */
static enum verdict
judge(struct judge *j, const struct classify_state *st, time_t now)
{
	const struct message *m = j->msg;
	const struct subject_rule *rule = NULL;
	char *err = NULL;
	enum verdict v;

	if (m->problem != NULL) {
		reason(j, "%s", m->problem);
		return VERDICT_REVIEW;
	}
	if (m->calendar != NULL || m->calendar_reply) {
		v = judge_calendar(j);
		if (v != VERDICT_COUNT)
			return v;
	}
	if (is_machine_mail(j))
		return VERDICT_IGNORE;
	if ((m->in_reply_to != NULL &&
	     refers_to_us(m->in_reply_to, j->set->message_id_domain)) ||
	    (m->references != NULL &&
	     refers_to_us(m->references, j->set->message_id_domain))) {
		reason(j, "reply to one of our own mails");
		j->quiet = true;
		return VERDICT_REVIEW;
	}
	switch (rules_match_subject(
		j->rules, m->subject == NULL ? "" : m->subject, &rule, &err)) {
	case -1:
		reason(j, "%s", err);
		free(err);
		return VERDICT_REVIEW;
	case 0:
		reason(j, "subject matches no rule");
		return VERDICT_IGNORE;
	default:
		break;
	}
	reason(j, "subject matches %s rule (subject.rules:%u)",
	       rules_action_name(rule->action), rule->line);
	if (rule->action == RULE_IGNORE)
		return VERDICT_IGNORE;
	v = judge_sender(j);
	if (rule->action == RULE_WITHDRAW)
		return judge_withdrawal(j, st, v);
	if (rule->action == RULE_REVIEW || v != VERDICT_ENROL)
		return rule->action == RULE_REVIEW ? VERDICT_REVIEW : v;
	return judge_state(j, st, now);
}

static const enum template_kind answers[VERDICT_COUNT] = {
	[VERDICT_ENROL] = TEMPLATE_CONFIRM,
	[VERDICT_WAITLIST] = TEMPLATE_WAITLIST,
	[VERDICT_CLOSED] = TEMPLATE_CLOSED,
	[VERDICT_DUPLICATE] = TEMPLATE_DUPLICATE,
	[VERDICT_REJECT] = TEMPLATE_REJECT,
	[VERDICT_REVIEW] = TEMPLATE_REVIEW,
	[VERDICT_IGNORE] = TEMPLATE_COUNT,
	[VERDICT_ATTENDANCE] = TEMPLATE_COUNT,
	[VERDICT_WITHDRAW] = TEMPLATE_COUNT, /* withdrawn.txt, by roster.c */
};

void
classify(const struct message *msg, const struct rules *rules,
	 const struct classify_settings *settings,
	 const struct classify_state *state, time_t now,
	 struct classification *out)
{
	struct judge j;
	enum verdict v;
	bool forged = false;

	memset(&j, 0, sizeof(j));
	j.msg = msg;
	j.rules = rules;
	j.set = settings;
	buf_init(&j.reasons, REASONS_MAX);
	v = judge(&j, state, now);
	forged = msg->problem == NULL && dmarc_failed(&j);
	if (forged && v == VERDICT_ATTENDANCE) {
		/* replies never go to review: forged, it is just not used */
		reason(&j, "dmarc=fail: the sender address may be forged; "
			   "attendance not recorded");
		v = VERDICT_IGNORE;
	} else if (forged && v != VERDICT_IGNORE) {
		reason(&j, "dmarc=fail: the sender address may be forged");
		v = VERDICT_REVIEW;
	}
	memset(out, 0, sizeof(*out));
	out->verdict = v;
	out->gemeente = j.gemeente;
	out->reasons = buf_steal(&j.reasons);
	out->template = answers[v];
	if (v == VERDICT_ATTENDANCE) {
		out->reply = j.reply;
		out->item = j.item;
	} else
		itip_reply_deinit(&j.reply);
	/* never answer a machine, a possibly forged sender, mail we could
	   not read, or a reply to our own answer (that would loop) */
	out->answer = v != VERDICT_IGNORE && v != VERDICT_ATTENDANCE &&
		      v != VERDICT_WITHDRAW && !forged && !j.quiet &&
		      msg->problem == NULL;
}

void
classification_deinit(struct classification *c)
{
	free(c->reasons);
	c->reasons = NULL;
	itip_reply_deinit(&c->reply);
}
