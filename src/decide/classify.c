#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "bounce.h"
#include "classify.h"
#include "compose.h"
#include "gemeenten.h"
#include "itip_reply.h"
#include "machine.h"
#include "mailaddr.h"
#include "message.h"
#include "programme.h"
#include "programme_item.h"
#include "reason.h"
#include "rules.h"
#include "util.h"

static const char *const verdict_names[VERDICT_COUNT] = {
	"enrol",  "waitlist",	"closed",   "duplicate", "reject", "review",
	"ignore", "attendance", "withdraw", "deliver",	 "bounce",
};

struct judge {
	const struct message *msg;
	const struct rules *rules;
	const struct classify_settings *set;
	time_t now; /* whose the register is: merges take effect by date */
	struct reason_list reasons;
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
	return util_name_index(verdict_names, nitems(verdict_names), name);
}

/* A number as a reason's argument. */
#define NUM(buf, v) (snprintf((buf), sizeof(buf), "%ld", (long)(v)), (buf))

/* What the trusted server's Authentication-Results say about the
   sender, recorded in the reasons. */
static enum authres_outcome
judge_authres(struct judge *j)
{
	const struct message *m = j->msg;
	const char *domain;
	struct authres_summary s;
	enum authres_outcome o;

	domain = m->from_addr != NULL ? mailaddr_domain(m->from_addr) : NULL;
	o = authres_judge((const char *const *)m->authres, m->authres_zone,
			  m->n_authres, j->set->trusted_authserv_id,
			  j->set->trust_unlabelled_authres, domain, &s);
	if (o == AUTHRES_UNTRUSTED) {
		reason_list_add(&j->reasons, REASON_AUTH_UNTRUSTED);
		return o;
	}
	reason_list_add(&j->reasons, REASON_AUTH_RESULTS,
			s.dmarc[0] != '\0' ? s.dmarc : "none",
			s.spf[0] != '\0' ? s.spf : "none",
			s.dkim[0] != '\0' ? s.dkim : "none", s.detail);
	return o;
}

/* What authentication makes of verdict v.  A sender that may be forged,
   or that the trusted server did not authenticate, enrols, withdraws
   and answers for no one: a person looks.  Replies to invitations never
   go to review: unauthenticated, they are just not used. */
static enum verdict
judge_authenticated(struct judge *j, enum authres_outcome auth, enum verdict v)
{
	if (v == VERDICT_IGNORE)
		return v;
	/* a bounce is believed for what it returns (judge_bounce()), not
	   for its sender; a forged one goes to a person */
	if (v == VERDICT_BOUNCE && auth != AUTHRES_FAIL)
		return v;
	if (auth == AUTHRES_FAIL)
		reason_list_add(&j->reasons, REASON_AUTH_FORGED);
	else if (auth == AUTHRES_NONE)
		reason_list_add(&j->reasons, REASON_AUTH_NONE);
	else
		return v;
	if (v == VERDICT_ATTENDANCE) {
		reason_list_add(&j->reasons, REASON_ATTENDANCE_NOT_RECORDED);
		return VERDICT_IGNORE;
	}
	/* not authenticated, a reject stays one but is not answered
	   (classify()); a possibly forged one goes to a person */
	if (auth == AUTHRES_NONE && v == VERDICT_REJECT)
		return v;
	return VERDICT_REVIEW;
}

/* The operator's word on a domain (senders.rules), as judge_sender()
   returns it. */
static enum verdict
judge_by_rule(struct judge *j, const struct sender_rule *rule,
	      const char *domain)
{
	char line[24];

	switch (rule->action) {
	case SENDER_ALLOW:
		j->gemeente = rule->gemeente;
		reason_list_add(&j->reasons, REASON_SENDER_RULE_ALLOW, domain,
				rule->gemeente->code, rule->gemeente->name,
				NUM(line, rule->line));
		return VERDICT_ENROL;
	case SENDER_DENY:
		reason_list_add(&j->reasons, REASON_SENDER_RULE_DENY, domain,
				NUM(line, rule->line));
		return VERDICT_REJECT;
	default:
		reason_list_add(&j->reasons, REASON_SENDER_RULE_REVIEW,
				NUM(line, rule->line), domain);
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
		reason_list_add(&j->reasons, REASON_SHARED_ORG, domain,
				shared->organisation, shared->member_names);
		return VERDICT_REVIEW;
	}
	m = gemeenten_lookalike(g, domain, &like);
	if (m != NULL) {
		j->gemeente = gemeenten_at(m, j->now);
		reason_list_add(&j->reasons, REASON_LOOKALIKE, domain, like,
				m->code, m->name);
		return VERDICT_REVIEW;
	}
	m = j->msg->from_name == NULL ? NULL
				      : gemeenten_claimed(g, j->msg->from_name);
	if (m != NULL) {
		j->gemeente = gemeenten_at(m, j->now);
		reason_list_add(&j->reasons, REASON_NAME_CLAIM, m->name,
				m->code, j->msg->from_addr);
		return VERDICT_REVIEW;
	}
	reason_list_add(&j->reasons, REASON_NOT_MUNICIPALITY, domain);
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
		reason_list_add(&j->reasons, REASON_NO_DOMAIN,
				j->msg->from_addr);
		return VERDICT_REVIEW;
	}
	rule = rules_sender(j->rules, domain);
	if (rule != NULL)
		return judge_by_rule(j, rule, domain);
	m = gemeenten_by_domain(j->rules->gemeenten, domain, &matched);
	if (m == NULL)
		return judge_outsider(j, domain);
	if (gemeenten_at(m, j->now) != m) {
		/* from the merge's date on; before it m enrols itself */
		j->gemeente = gemeenten_at(m, j->now);
		reason_list_add(&j->reasons, REASON_MERGED, domain, m->name,
				m->code, j->gemeente->code, j->gemeente->name,
				m->merged_on != NULL ? m->merged_on : "?");
		return VERDICT_ENROL;
	}
	j->gemeente = m;
	if (strcmp(matched, domain) != 0)
		reason_list_add(&j->reasons, REASON_SUBDOMAIN, domain, matched,
				m->code, m->name);
	else
		reason_list_add(&j->reasons, REASON_MUNICIPALITY, domain,
				m->code, m->name);
	return VERDICT_ENROL;
}

/* Enrolled already, closed, full, or a place: for a known municipality. */
static enum verdict
judge_state(struct judge *j, const struct classify_state *st, time_t now)
{
	const struct programme *p = j->rules->programme;
	char when[64], n1[24], n2[24];
	size_t i;

	for (i = 0; i < st->n_enrolled; i++) {
		if (strcmp(st->enrolled[i], j->gemeente->code) == 0) {
			reason_list_add(&j->reasons, REASON_ENROLLED_ALREADY,
					j->gemeente->name);
			return VERDICT_DUPLICATE;
		}
	}
	if (p->opens != 0 && now < p->opens) {
		reason_list_add(&j->reasons, REASON_NOT_OPEN,
				util_format_time(p->opens, when, sizeof(when)));
		return VERDICT_REVIEW;
	}
	if (now > p->closes) {
		reason_list_add(
			&j->reasons, REASON_CLOSED,
			util_format_time(p->closes, when, sizeof(when)));
		return VERDICT_CLOSED;
	}
	if (st->confirmed >= (size_t)p->capacity) {
		reason_list_add(&j->reasons, REASON_FULL, NUM(n1, p->capacity));
		return VERDICT_WAITLIST;
	}
	reason_list_add(&j->reasons, REASON_PLACE, NUM(n1, st->confirmed + 1),
			NUM(n2, p->capacity));
	return VERDICT_ENROL;
}

/* An answer to one of our invitations (iTIP REPLY): attendance, or
   ignore with the reason it cannot be recorded; never answered.  A
   COUNTER (another time proposed) goes to review.  VERDICT_COUNT for a calendar
   that is no answer (an enrolment with an .ics attached is judged as any mail).
 */
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
	if (rc == 0 && err == itip_reply_counter) {
		/* a new time proposed: only a person can answer that */
		reason_list_add(&j->reasons, REASON_CAL_COUNTER,
				m->from_addr != NULL ? m->from_addr
						     : "no sender");
		return VERDICT_REVIEW;
	}
	if (rc == 0) {
		/* DECLINECOUNTER, a REQUEST and the like */
		reason_list_add(&j->reasons, REASON_CAL_NO_ANSWER, err);
		return VERDICT_IGNORE;
	}
	if (rc == -1) {
		reason_list_add(&j->reasons, REASON_CAL_UNREADABLE, err);
		return VERDICT_IGNORE;
	}
	j->item = programme_item_by_uid(j->rules->programme, j->reply.uid,
					j->set->message_id_domain);
	if (j->item == 0) {
		reason_list_add(&j->reasons, REASON_CAL_UNKNOWN_EVENT,
				j->reply.attendee, j->reply.uid);
		return VERDICT_IGNORE;
	}
	programme_item_name(j->item, false, name, sizeof(name));
	if (j->reply.partstat == ITIP_OTHER) {
		reason_list_add(&j->reasons, REASON_CAL_PARTSTAT,
				j->reply.attendee, name,
				j->reply.partstat_text);
		return VERDICT_IGNORE;
	}
	if (m->from_addr == NULL ||
	    strcasecmp(m->from_addr, j->reply.attendee) != 0) {
		/* only the attendee answers for itself: From is what is
		   authenticated, a Sender (Gmail's, a delegate's) is not */
		reason_list_add(&j->reasons, REASON_CAL_WRONG_SENDER,
				m->from_addr != NULL ? m->from_addr
						     : "no sender",
				j->reply.attendee);
		return VERDICT_IGNORE;
	}
	reason_list_add(&j->reasons, REASON_CAL_REPLY, j->reply.attendee);
	reason_list_add(&j->reasons, REASON_ATTENDANCE,
			itip_partstat_name(j->reply.partstat), name);
	return VERDICT_ATTENDANCE;
}

/* A withdrawal counts only from the municipality that is enrolled. */
static enum verdict
judge_withdrawal(struct judge *j, const struct classify_state *st,
		 enum verdict v)
{
	size_t i;

	if (v != VERDICT_ENROL) {
		reason_list_add(&j->reasons, REASON_WITHDRAW_UNKNOWN);
		return VERDICT_REVIEW;
	}
	for (i = 0; i < st->n_enrolled; i++) {
		if (strcmp(st->enrolled[i], j->gemeente->code) == 0) {
			reason_list_add(&j->reasons, REASON_WITHDRAWAL,
					j->gemeente->name);
			return VERDICT_WITHDRAW;
		}
	}
	reason_list_add(&j->reasons, REASON_WITHDRAW_NOT_ENROLLED,
			j->gemeente->name);
	return VERDICT_REVIEW;
}

/* The subject rule that matches, in *rule_r with its reason, and
   VERDICT_COUNT; the verdict if none matches or matching fails. */
static enum verdict
judge_subject(struct judge *j, const struct subject_rule **rule_r)
{
	const char *subject = j->msg->subject == NULL ? "" : j->msg->subject;
	const struct subject_rule *rule = NULL;
	char *err = NULL, line[24];

	switch (rules_match_subject(j->rules, subject, &rule, &err)) {
	case -1:
		reason_list_add(&j->reasons, REASON_SUBJECT_RULE_FAILED, err);
		free(err);
		return VERDICT_REVIEW;
	case 0:
		reason_list_add(&j->reasons, REASON_SUBJECT_NO_RULE);
		return VERDICT_IGNORE;
	default:
		break;
	}
	if (rule->action == RULE_REVIEW)
		reason_list_add(&j->reasons, REASON_SUBJECT_REVIEW,
				NUM(line, rule->line));
	else
		reason_list_add(&j->reasons, REASON_SUBJECT_RULE,
				rules_action_name(rule->action),
				NUM(line, rule->line));
	*rule_r = rule;
	return VERDICT_COUNT;
}

/* A participant's text ([deadline] deliverable): a deliver rule, or an
   attachment from a contact of a confirmed municipality (st->participant)
   where no enrol, withdraw or ignore rule says otherwise.  A deliver rule
   from anyone else is for a person.  VERDICT_COUNT when it is no
   delivery; its reasons are then left for judge_subject().  With
   any_subject (an answer to an invitation: the subject is our own) the
   subject rules are not asked. */
static enum verdict
judge_delivery(struct judge *j, const struct classify_state *st,
	       bool any_subject)
{
	const struct message *m = j->msg;
	const struct subject_rule *rule = NULL;
	char *err = NULL, n1[24], n2[24];
	unsigned empty = 0;
	size_t i;
	int rc = 0;

	if (j->rules->programme->deliverable == NULL)
		return VERDICT_COUNT;
	if (!any_subject)
		rc = rules_match_subject(j->rules,
					 m->subject == NULL ? "" : m->subject,
					 &rule, &err);
	free(err);
	if (rc == -1)
		return VERDICT_COUNT; /* judge_subject() says why */
	if (rc == 1 && rule->action != RULE_DELIVER &&
	    rule->action != RULE_REVIEW)
		return VERDICT_COUNT;
	if ((rc == 0 || rule->action != RULE_DELIVER) &&
	    (m->n_attachments == 0 || st->participant == NULL))
		return VERDICT_COUNT;
	if (rc == 1)
		reason_list_add(&j->reasons, REASON_SUBJECT_RULE,
				rules_action_name(rule->action),
				NUM(n1, rule->line));
	if (st->participant == NULL) {
		reason_list_add(&j->reasons, REASON_DELIVERY_NOT_PARTICIPANT,
				m->from_addr != NULL ? m->from_addr : "?");
		(void)judge_sender(j);
		return VERDICT_REVIEW;
	}
	j->gemeente = gemeenten_by_code(j->rules->gemeenten, st->participant);
	if (j->gemeente == NULL)
		return VERDICT_COUNT; /* no longer in gemeenten.tsv */
	reason_list_add(&j->reasons, REASON_DELIVERY, j->gemeente->name,
			NUM(n2, m->n_attachments));
	if (m->attachments_dropped > 0) {
		snprintf(n1, sizeof(n1), "%u", MESSAGE_ATTACHMENTS_MAX);
		snprintf(n2, sizeof(n2), "%u", MESSAGE_ATTACHMENT_MAX);
		reason_list_add(&j->reasons, REASON_DELIVERY_TOO_LARGE, n1, n2);
		return VERDICT_REVIEW;
	}
	/* an empty file is a failed upload, not a text to confirm */
	for (i = 0; i < m->n_attachments; i++)
		empty += m->attachments[i].len == 0;
	if (empty > 0) {
		reason_list_add(&j->reasons, REASON_DELIVERY_EMPTY,
				NUM(n1, empty));
		return VERDICT_REVIEW;
	}
	/* one participant must not fill the spool with versions */
	if (st->deliveries_today >=
	    j->rules->programme->max_deliveries_per_day) {
		reason_list_add(&j->reasons, REASON_DELIVERY_LIMIT,
				j->gemeente->name,
				NUM(n1, st->deliveries_today));
		return VERDICT_REVIEW;
	}
	return VERDICT_DELIVER;
}

/* A machine's mail that returns a message: a bounce, rather than a
   notice that quotes one.  It has a report, or it says that a delivery
   failed or is delayed (an automatic answer returns our mail too) and
   has no sender, a mailer daemon's, or a server's reply quoted. */
static bool
is_bounce(const struct message *m)
{
	if (m->bounce_id == NULL)
		return false;
	if (m->bounce_rcpt != NULL)
		return true;
	if (m->bounce_status == NULL && m->bounce_action == NULL &&
	    !bounce_says_failed(m->bounce_text) &&
	    !bounce_says_failed(m->subject))
		return false;
	return m->from_addr == NULL || mailaddr_is_machine(m->from_addr) ||
	       m->bounce_diagnostic != NULL;
}

/* Whether an enhanced status code (RFC 3463) is about the address: its
   subject is addressing (X.1.x), the mailbox (X.2.x), routing to it
   (X.4.x) or not given (X.0.x).  The mail system (X.3.x), protocol
   (X.5.x), content (X.6.x) and policy (X.7.x: a block list, DMARC)
   refuse the mail, and the address may well work. */
static bool
about_address(const char *status)
{
	return status[0] == '\0' || status[1] != '.' ||
	       strchr("0124", status[2]) != NULL;
}

/* A bounce of one of our mails: VERDICT_BOUNCE, or VERDICT_IGNORE with
   the reason it is not one to record (why added), VERDICT_REVIEW (never
   answered) for a temporary failure given up on or a refusal that is
   not about the address, or VERDICT_COUNT for mail that is no bounce.  A forged
   bounce must not let an outsider mark a contact: the returned Message-ID is
   one we made and sent (st->bounce), to the recipient the bounce names. */
static enum verdict
judge_bounce(struct judge *j, const struct classify_state *st,
	     const struct reason *why)
{
	const struct message *m = j->msg;
	const struct classify_bounce *b = st->bounce;
	const char *named;

	if (!is_bounce(m))
		return VERDICT_COUNT;
	j->quiet = true;
	if (m->bounce_action != NULL &&
	    strcmp(m->bounce_action, "failed") != 0) {
		reason_list_add_copy(&j->reasons, why);
		reason_list_add(&j->reasons, REASON_BOUNCE_DELAYED,
				m->bounce_rcpt != NULL ? m->bounce_rcpt : "?",
				m->bounce_action);
		return VERDICT_IGNORE;
	}
	if (!compose_is_our_message_id(m->bounce_id,
				       j->set->message_id_domain) ||
	    (b != NULL && !b->found)) {
		reason_list_add_copy(&j->reasons, why);
		reason_list_add(&j->reasons, REASON_BOUNCE_NOT_OURS,
				m->bounce_id);
		return VERDICT_IGNORE;
	}
	if (b == NULL)
		return VERDICT_BOUNCE; /* the caller looks it up */
	named = m->bounce_rcpt;
	if (named == NULL && m->bounce_text != NULL &&
	    bounce_text_names(m->bounce_text, b->rcpt))
		named = b->rcpt;
	if (named == NULL || strcasecmp(named, b->rcpt) != 0) {
		reason_list_add(&j->reasons, REASON_BOUNCE_WRONG_RCPT,
				named != NULL ? named : "no recipient",
				b->rcpt);
		return VERDICT_IGNORE;
	}
	if (m->bounce_status != NULL && m->bounce_status[0] == '4') {
		/* the server gave up on a 4.x.x (unreachable for days, a full
		   mailbox): the address was never refused, so it is not
		   marked; a person decides whether to send again */
		reason_list_add(&j->reasons, REASON_BOUNCE_TRANSIENT, b->rcpt,
				m->bounce_diagnostic != NULL
					? m->bounce_diagnostic
					: m->bounce_status);
		return VERDICT_REVIEW;
	}
	if (m->bounce_status != NULL && !about_address(m->bounce_status)) {
		/* a policy (a block list, our DMARC), the content or the
		   size was refused, not the address */
		reason_list_add(&j->reasons, REASON_BOUNCE_REFUSED, b->rcpt,
				m->bounce_diagnostic != NULL
					? m->bounce_diagnostic
					: m->bounce_status);
		return VERDICT_REVIEW;
	}
	if (m->bounce_diagnostic != NULL || m->bounce_status != NULL)
		reason_list_add(&j->reasons, REASON_BOUNCED, b->rcpt,
				m->bounce_diagnostic != NULL
					? m->bounce_diagnostic
					: m->bounce_status);
	else
		reason_list_add(&j->reasons, REASON_BOUNCED_NO_REPLY, b->rcpt);
	return VERDICT_BOUNCE;
}

/* Mail no subject rule knows: a person's words to us when a contact or a
   municipality wrote it, read by a person (with a hint of the
   municipality); from anyone else, or worded as an out-of-office
   notice, it stays ignored. */
static enum verdict
judge_unmatched(struct judge *j, const struct classify_state *st)
{
	const struct gemeenten *g = j->rules->gemeenten;
	const char *addr = j->msg->from_addr, *domain, *matched, *away;
	const struct sender_rule *rule;
	const struct gemeente *m = NULL;
	bool municipal;

	domain = addr != NULL ? mailaddr_domain(addr) : NULL;
	if (domain == NULL)
		return VERDICT_IGNORE;
	rule = rules_sender(j->rules, domain);
	if (rule != NULL && rule->action == SENDER_ALLOW)
		m = rule->gemeente;
	else if (rule == NULL)
		m = gemeenten_by_domain(g, domain, &matched);
	if (m != NULL && m->merged)
		m = m->successor;
	municipal =
		m != NULL ||
		(rule == NULL && gemeenten_shared_by_domain(g, domain) != NULL);
	if (!st->contact && !municipal)
		return VERDICT_IGNORE;
	/* an out-of-office notice with no header that says so (nor a
	   reference to our mail): a machine's, not for a person */
	away = machine_away_body(j->msg->body, j->set->own_address);
	if (away != NULL) {
		reason_list_add(&j->reasons, REASON_AWAY_BODY, away);
		return VERDICT_IGNORE;
	}
	j->gemeente = m;
	reason_list_add(&j->reasons, REASON_NO_INTENT, addr);
	return VERDICT_REVIEW;
}

/* An answer to an invitation that carries a participant's text: the
   text counts and the answer is not recorded (one verdict a message,
   and a lost text costs more).  VERDICT_COUNT for any other mail. */
static enum verdict
judge_answer_with_text(struct judge *j, const struct classify_state *st,
		       enum machine machine)
{
	enum verdict v;

	/* a calendar reply alone makes a mail MACHINE_LIKELY */
	if (machine == MACHINE_CERTAIN || st->participant == NULL ||
	    j->msg->n_attachments == 0)
		return VERDICT_COUNT;
	v = judge_delivery(j, st, true);
	if (v != VERDICT_COUNT)
		reason_list_add(&j->reasons, REASON_ATTENDANCE_NOT_RECORDED);
	return v;
}

/* The verdict before authentication is looked at. */
static enum verdict
judge(struct judge *j, const struct classify_state *st, time_t now)
{
	const struct message *m = j->msg;
	const struct subject_rule *rule = NULL;
	struct reason why;
	enum machine machine;
	enum verdict v;

	machine = machine_mail(m, j->set->own_address,
			       j->set->message_id_domain, &why);
	if (machine == MACHINE_CERTAIN ||
	    (machine == MACHINE_LIKELY && m->problem == NULL)) {
		v = judge_bounce(j, st, &why);
		if (v != VERDICT_COUNT) {
			reason_deinit(&why);
			return v;
		}
	}
	if (m->problem != NULL) {
		/* a bounce without a From is a machine's, not a problem */
		if (machine == MACHINE_CERTAIN) {
			reason_list_add_copy(&j->reasons, &why);
			reason_deinit(&why);
			return VERDICT_IGNORE;
		}
		reason_list_add_copy(&j->reasons, m->problem);
		if (machine == MACHINE_LIKELY)
			reason_list_add_copy(&j->reasons, &why);
		reason_deinit(&why);
		return VERDICT_REVIEW;
	}
	if (m->calendar != NULL || m->calendar_reply) {
		v = judge_calendar(j);
		if (v != VERDICT_COUNT) {
			enum verdict text =
				judge_answer_with_text(j, st, machine);

			reason_deinit(&why);
			return text != VERDICT_COUNT ? text : v;
		}
	}
	if (machine != MACHINE_NO) {
		reason_list_add_copy(&j->reasons, &why);
		reason_deinit(&why);
		return VERDICT_IGNORE;
	}
	reason_deinit(&why);
	/* before a reply to us: the text often answers our reminder */
	v = judge_delivery(j, st, false);
	if (v != VERDICT_COUNT)
		return v;
	if (machine_replies_to_us(m, j->set->message_id_domain)) {
		reason_list_add(&j->reasons, REASON_REPLY_TO_US);
		j->quiet = true;
		return VERDICT_REVIEW;
	}
	v = judge_subject(j, &rule);
	if (v == VERDICT_IGNORE && rule == NULL)
		return judge_unmatched(j, st);
	if (v != VERDICT_COUNT)
		return v;
	if (rule->action == RULE_IGNORE)
		return VERDICT_IGNORE;
	v = judge_sender(j);
	if (rule->action == RULE_WITHDRAW)
		return judge_withdrawal(j, st, v);
	if (rule->action == RULE_DELIVER)
		return VERDICT_REVIEW; /* no deliverable in programme.conf */
	if (rule->action == RULE_REVIEW || v != VERDICT_ENROL)
		return rule->action == RULE_REVIEW ? VERDICT_REVIEW : v;
	return judge_state(j, st, now);
}

/* What the history adds to an authenticated verdict v: a municipality
   that withdrew and enrols again is for a person to let back in (an
   approval enrols it in a new round); a withdrawal that cannot be
   carried out is finished by a person, without an answer. */
static enum verdict
judge_history(struct judge *j, const struct classify_state *st, enum verdict v)
{
	if ((v == VERDICT_ENROL || v == VERDICT_WAITLIST) &&
	    st->withdrawn_code != NULL && j->gemeente != NULL &&
	    strcmp(st->withdrawn_code, j->gemeente->code) == 0) {
		reason_list_add(&j->reasons, REASON_WITHDREW_EARLIER,
				st->withdrawn_name != NULL ? st->withdrawn_name
							   : j->gemeente->name);
		return VERDICT_REVIEW;
	}
	if (v == VERDICT_WITHDRAW && st->withdraw_failed != NULL) {
		reason_list_add(&j->reasons, REASON_WITHDRAW_FAILED,
				st->withdraw_failed);
		j->quiet = true;
		return VERDICT_REVIEW;
	}
	return v;
}

/* Whose answer it is, as the store knows (st->attendee): a contact's, at
   a SEQUENCE no higher than the one we sent it.  A reply to nothing we
   sent answers nothing of ours, and recorded it would outrank every
   later answer.  One older than the answer recorded is still recorded
   (it changes nothing), with a reason saying so. */
static enum verdict
judge_attendee(struct judge *j, const struct classify_state *st,
	       time_t replied_at, enum verdict v)
{
	const struct classify_attendee *a = st->attendee;
	char name[32], n1[24], n2[24];

	if (v != VERDICT_ATTENDANCE || a == NULL)
		return v;
	if (a->code == NULL) {
		reason_list_add(&j->reasons, REASON_ATT_NO_CONTACT,
				j->reply.attendee);
		return VERDICT_IGNORE;
	}
	if (j->reply.sequence > a->sent) {
		programme_item_name(j->item, false, name, sizeof(name));
		snprintf(n1, sizeof(n1), "%u", j->reply.sequence);
		snprintf(n2, sizeof(n2), "%u", a->sent);
		reason_list_add(&j->reasons, REASON_ATT_SEQUENCE,
				j->reply.attendee, name, n1, n2);
		return VERDICT_IGNORE;
	}
	j->gemeente = gemeenten_by_code(j->rules->gemeenten, a->code);
	if (a->recorded != NULL &&
	    (a->recorded_sequence > j->reply.sequence ||
	     (a->recorded_sequence == j->reply.sequence &&
	      a->recorded_at > replied_at)))
		reason_list_add(&j->reasons, REASON_ATT_SUPERSEDED,
				a->recorded);
	return v;
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
	[VERDICT_DELIVER] = TEMPLATE_DELIVERED,
	[VERDICT_BOUNCE] = TEMPLATE_COUNT,
};

void
classify(const struct message *msg, const struct rules *rules,
	 const struct classify_settings *settings,
	 const struct classify_state *state, time_t now,
	 struct classification *out)
{
	struct judge j;
	enum verdict v;
	enum authres_outcome auth = AUTHRES_UNTRUSTED;
	time_t replied_at;

	memset(&j, 0, sizeof(j));
	j.msg = msg;
	j.rules = rules;
	j.set = settings;
	j.now = now;
	v = judge(&j, state, now);
	if (msg->problem == NULL) {
		auth = judge_authres(&j);
		v = judge_authenticated(&j, auth, v);
	}
	v = judge_history(&j, state, v);
	/* a reply without DTSTAMP is as late as its arrival, and one from
	   the future no later: it would outrank every later answer */
	replied_at = j.reply.dtstamp != 0 && j.reply.dtstamp < now
			     ? j.reply.dtstamp
			     : now;
	v = judge_attendee(&j, state, replied_at, v);
	memset(out, 0, sizeof(*out));
	out->verdict = v;
	out->gemeente = j.gemeente;
	out->reasons = reason_list_english(&j.reasons);
	out->codes = j.reasons;
	out->template = answers[v];
	if (v == VERDICT_ATTENDANCE) {
		out->reply = j.reply;
		out->item = j.item;
		out->replied_at = replied_at;
	} else
		itip_reply_deinit(&j.reply);
	/* never answer a machine, mail we could not read, a reply to our
	   own answer (that would loop), or, where a server is trusted, a
	   sender it did not authenticate (a forged sender gets no
	   backscatter) */
	out->answer = v != VERDICT_IGNORE && v != VERDICT_ATTENDANCE &&
		      v != VERDICT_WITHDRAW && v != VERDICT_BOUNCE &&
		      !j.quiet &&
		      (auth == AUTHRES_PASS || auth == AUTHRES_UNTRUSTED) &&
		      msg->problem == NULL;
}

void
classification_deinit(struct classification *c)
{
	free(c->reasons);
	c->reasons = NULL;
	reason_list_deinit(&c->codes);
	itip_reply_deinit(&c->reply);
}
