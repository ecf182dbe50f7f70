#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "config.h"
#include "gemeenten.h"
#include "intake.h"
#include "invite.h"
#include "log.h"
#include "mailaddr.h"
#include "message.h"
#include "message_worker.h"
#include "outmail.h"
#include "programme.h"
#include "reason.h"
#include "review.h"
#include "rules.h"
#include "spool.h"
#include "store_programme.h"
#include "store_intake.h"
#include "store_review.h"
#include "util.h"

static const char *const decision_names[REVIEW_DECISION_COUNT] = {
	[REVIEW_APPROVE] = "approve",
	[REVIEW_REJECT] = "reject",
	[REVIEW_DISMISS] = "dismiss",
};

const char *
review_decision_name(enum review_decision d)
{
	return decision_names[d];
}

int
review_decision_parse(const char *name)
{
	return util_name_index(decision_names, nitems(decision_names), name);
}

void
review_outcome(enum review_decision d, const char *code, bool silent,
	       long capacity, const struct store_review_state *state,
	       struct review_outcome *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->verdict = VERDICT_IGNORE;
	out->enrol = STORE_ENROL_NONE;
	if (d == REVIEW_REJECT) {
		out->verdict = VERDICT_REJECT;
		out->answer = !silent;
		out->template = TEMPLATE_REJECT;
		return;
	}
	if (d != REVIEW_APPROVE)
		return;
	out->answer = true;
	for (i = 0; i < state->n_enrolled; i++) {
		if (strcmp(state->enrolled[i], code) == 0) {
			/* enrolled already: the sender becomes a contact */
			out->verdict = VERDICT_DUPLICATE;
			out->enrol = STORE_ENROL_CONTACT;
			out->template = TEMPLATE_DUPLICATE;
			return;
		}
	}
	if (capacity > 0 && state->confirmed >= (size_t)capacity) {
		out->verdict = VERDICT_WAITLIST;
		out->enrol = STORE_ENROL_WAITLIST;
		out->template = TEMPLATE_WAITLIST;
		out->position = state->place > 0 ? state->place
						 : state->n_enrolled -
							   state->confirmed + 1;
		return;
	}
	out->verdict = VERDICT_ENROL;
	out->enrol = STORE_ENROL_CONFIRMED;
	out->template = TEMPLATE_CONFIRM;
}

const char *
review_folder(const struct config *config, enum verdict v)
{
	return intake_folder(config, v);
}

/* What the builder needs, and what it made (freed by the caller). */
struct build {
	const struct review *r;
	const struct review_request *q;
	const struct message *msg;
	const char *sha;
	const struct gemeente *gemeente; /* approve */
	bool failed_mail;		 /* an item about a mail that failed */
	bool close;			 /* a bounce or a COUNTER: no effect */
	struct outmail_list mails;	 /* the answer, then the invitations */
	char *detail;
};

/* The invitations of an approved enrolment in its round; a failure to
   make them is logged and leaves them out, as in intake. */
static int
invitations(struct build *b, unsigned round, char **error_r)
{
	struct invite_for f = {b->gemeente->code, round, NULL, 0};
	struct schedule_item *items = NULL;
	char *err = NULL;

	if (round > 1 && store_programme_items(b->r->store, &items, &f.n_items,
					       error_r) == -1)
		return -1;
	f.items = items;
	if (invite_build(b->msg, &f, b->r->rules, b->r->config, b->q->now,
			 &b->mails, &err) == -1) {
		log_warnx("no invitations for %s: %s", b->msg->from_addr, err);
		free(err);
	}
	free(items);
	return 0;
}

/* Called inside the decision's transaction. */
static int
build(void *ctx, const struct store_review_state *state,
      struct store_review_effects *e, char **error_r)
{
	struct build *b = ctx;
	const struct review *r = b->r;
	struct review_outcome o;
	struct classification c;
	struct outmail answer;
	char *key, *err = NULL;
	unsigned round = 1;

	if (b->close) {
		/* nothing to enrol and no one to answer: a machine's
		   report (RFC 3834) or a calendar's counter-proposal */
		memset(&o, 0, sizeof(o));
		o.verdict = VERDICT_IGNORE;
		o.enrol = STORE_ENROL_NONE;
	} else {
		review_outcome(b->q->decision,
			       b->gemeente != NULL ? b->gemeente->code : "",
			       b->q->silent, r->rules->programme->capacity,
			       state, &o);
	}
	memset(&c, 0, sizeof(c));
	c.verdict = o.verdict;
	c.gemeente = b->gemeente;
	c.answer = o.answer;
	c.template = o.template;
	/* the review answer had answer:<sha>: the decision's is its own */
	key = xasprintf("%s.%s", b->sha, review_decision_name(b->q->decision));
	if (o.answer &&
	    answer_build(b->msg, key, &c, r->rules, r->config, o.position,
			 b->q->now, &answer, &err) == -1) {
		*error_r =
			xasprintf("cannot answer %s: %s",
				  b->msg->from_addr != NULL ? b->msg->from_addr
							    : "the sender",
				  err);
		free(err);
		free(key);
		return -1;
	}
	free(key);
	if (o.answer)
		outmail_list_add(&b->mails, &answer);
	/* a municipality that withdrew enrols anew (a new round) */
	if ((o.verdict == VERDICT_ENROL || o.verdict == VERDICT_WAITLIST) &&
	    store_programme_next_round(r->store, b->gemeente->code, &round,
				       error_r) == -1)
		return -1;
	if (o.verdict == VERDICT_ENROL && invitations(b, round, error_r) == -1)
		return -1;
	b->detail = xasprintf("%s%s%s%s%s", verdict_name(o.verdict),
			      b->gemeente != NULL ? " " : "",
			      b->gemeente != NULL ? b->gemeente->code : "",
			      round > 1 ? ", enrolled again" : "",
			      o.answer ? "" : ", no answer");
	e->verdict = verdict_name(o.verdict);
	e->enrol = o.enrol;
	e->gemeente_code = b->gemeente != NULL ? b->gemeente->code : NULL;
	e->gemeente_name = b->gemeente != NULL ? b->gemeente->name : NULL;
	e->from_addr = b->msg->from_addr;
	e->from_name = b->msg->from_name;
	e->mails = b->mails.mails;
	e->n_mails = b->mails.n;
	e->folder = review_folder(r->config, o.verdict);
	e->detail = b->detail;
	if (b->failed_mail) {
		/* the message was decided long ago: it stays as it is */
		e->verdict = NULL;
		e->folder = NULL;
	}
	if (b->close)
		e->verdict = NULL; /* a bounce stays one */
	return 0;
}

/* The message of an item, parsed from its raw copy; NULL with *error_r. */
static struct message *
load_message(const struct store_review_item *it, const char *spool_dir,
	     char **error_r)
{
	struct message *msg;
	const char *err;
	char *data, *path;
	size_t len;

	if (it->spool_path == NULL) {
		*error_r = xasprintf("review item %lld has no message",
				     (long long)it->id);
		return NULL;
	}
	path = spool_resolve(spool_dir, it->spool_path);
	if (path == NULL) {
		*error_r = xasprintf("%s: not in the spool %s", it->spool_path,
				     spool_dir);
		return NULL;
	}
	data = util_read_file(path, MESSAGE_SIZE_MAX + 1, &len, &err);
	if (data == NULL) {
		*error_r = xasprintf("%s: %s", path, err);
		free(path);
		return NULL;
	}
	free(path);
	msg = message_worker_parse(data, len, len);
	free(data);
	return msg;
}

/* Approving without a municipality: the item stays open, with why. */
static int
send_back(const struct review *r, const struct review_request *q,
	  char **error_r)
{
	struct store_review_decision d = {q->item,    "approve", q->actor,
					  q->mailbox, q->msgkey, q->now};
	const char *url = r->config->web_url;
	size_t len = url != NULL ? strlen(url) : 0;
	char *note;

	/* staff with the pages choose there; the operator with a command */
	while (len > 0 && url[len - 1] == '/')
		len--;
	if (url != NULL)
		note = xasprintf("goedkeuren kan niet: geen gemeente bekend "
				 "(kies er een op %.*s/beoordelen/%lld)",
				 (int)len, url, (long long)q->item);
	else
		note = xstrdup("goedkeuren kan niet: geen gemeente bekend "
			       "(kies er een met aanmeld approve ID --gemeente "
			       "CODE)");
	if (store_review_return(r->store, &d, note, r->config->folder_review,
				error_r) == -1) {
		free(note);
		return -1;
	}
	*error_r = note;
	return REVIEW_NO_MUNICIPALITY;
}

/* The municipality an approval enrols, its successor if it merged;
   -1 with *error_r if gemeenten.tsv has no such code. */
static int
approved_municipality(const struct review *r, const char *code, time_t now,
		      const struct gemeente **g_r, char **error_r)
{
	const struct gemeente *g = gemeenten_by_code(r->rules->gemeenten, code);

	if (g == NULL) {
		*error_r =
			xasprintf("no municipality %s in gemeenten.tsv", code);
		return -1;
	}
	/* a merged municipality enrols its successor, from the merge's
	   date on */
	*g_r = gemeenten_at(g, now);
	return 0;
}

/* Only dismiss applies to an item about a failed mail or about no
   message; -1 with *error_r if q is another decision on one. */
static int
decision_applies(const struct review_request *q,
		 const struct store_review_item *it, char **error_r)
{
	if (q->decision != REVIEW_DISMISS && it->outbox > 0) {
		*error_r = xasprintf("review item %lld is about a failed mail: "
				     "aanmeld retry %lld sends it again; only "
				     "dismiss applies",
				     (long long)q->item, (long long)it->outbox);
		return -1;
	}
	if (q->decision != REVIEW_DISMISS && it->message <= 0) {
		*error_r = xasprintf("review item %lld is about no message: "
				     "only dismiss applies",
				     (long long)q->item);
		return -1;
	}
	return 0;
}

/* The message an item is about, or a stand-in for an item about none;
   NULL with *error_r. */
static struct message *
item_message(const struct store_review_item *it, const char *spool_dir,
	     char **error_r)
{
	if (it->message > 0)
		return load_message(it, spool_dir, error_r);
	return message_unparsed(reason_new(REASON_NO_MESSAGE), 0);
}

/* What an item is about, from its coded reasons. */
enum item_kind { KIND_ENROLMENT, KIND_BOUNCE, KIND_COUNTER, KIND_QUESTION };

static bool
has_code(const struct store_review_item *it, const char *name)
{
	char *needle;
	bool found;

	if (it->reason_codes == NULL)
		return false;
	needle = xasprintf("[\"%s\"", name);
	found = strstr(it->reason_codes, needle) != NULL;
	free(needle);
	return found;
}

static enum item_kind
item_kind(const struct store_review_item *it)
{
	if (it->outbox > 0 || it->message <= 0)
		return KIND_ENROLMENT; /* decision_applies() says what */
	if ((it->verdict != NULL && strcmp(it->verdict, "bounce") == 0) ||
	    has_code(it, "bounced") || has_code(it, "bounced-no-reply") ||
	    has_code(it, "bounce-transient") || has_code(it, "bounce-refused"))
		return KIND_BOUNCE;
	if (has_code(it, "calendar-counter"))
		return KIND_COUNTER;
	if (has_code(it, "no-intent"))
		return KIND_QUESTION;
	return KIND_ENROLMENT;
}

/* A decision that cannot mean what it says: from the command line it
   is refused (English, *error_r); from a decision folder the item goes
   back to Beoordelen with note_nl for staff. */
static int
refuse(const struct review *r, const struct review_request *q,
       const struct store_review_decision *d, const char *note_nl,
       char *english, char **error_r)
{
	if (q->msgkey != NULL) {
		struct store_review_decision back = *d;

		if (store_review_return(r->store, &back, note_nl,
					r->config->folder_review,
					error_r) == -1) {
			free(english);
			return -1;
		}
	}
	if (q->dutch) {
		free(english);
		english = xstrdup(note_nl);
	}
	*error_r = english;
	return REVIEW_REFUSED;
}

/* Approving a question enrols its sender's municipality: only a person
   of a municipality, and only one not enrolled yet (else the approval
   would send a second enrolment letter); 0 when it may go on. */
static int
question_approvable(const struct review *r, const struct review_request *q,
		    const struct store_review_item *it,
		    const struct store_review_decision *d,
		    const struct gemeente *g, char **error_r)
{
	const char *domain =
		it->from_addr != NULL ? mailaddr_domain(it->from_addr) : NULL;
	const char *matched;
	char **codes = NULL;
	size_t i, n = 0, confirmed = 0;
	bool enrolled = false;

	if (domain == NULL ||
	    gemeenten_by_domain(r->rules->gemeenten, domain, &matched) == NULL)
		return refuse(
			r, q, d,
			"goedkeuren kan niet: deze vraag komt niet van een "
			"gemeente; beantwoord de vraag zelf en zet het "
			"bericht daarna in Negeren",
			xasprintf("review item %lld is a question from %s, "
				  "not from a municipality: approve enrols "
				  "no one; answer it yourself, then aanmeld "
				  "dismiss %lld",
				  (long long)q->item,
				  it->from_addr != NULL ? it->from_addr
							: "no sender",
				  (long long)q->item),
			error_r);
	if (store_enrolled(r->store, &codes, &n, &confirmed, error_r) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(codes[i], g->code) == 0)
			enrolled = true;
	util_free_strv(codes, n);
	if (enrolled)
		return refuse(
			r, q, d,
			"goedkeuren kan niet: dit is een vraag en de "
			"gemeente is al aangemeld; beantwoord de vraag zelf "
			"en zet het bericht daarna in Negeren",
			xasprintf("review item %lld is a question and %s is "
				  "enrolled already: approve would send it "
				  "another enrolment letter; answer it "
				  "yourself, then aanmeld dismiss %lld",
				  (long long)q->item, g->code,
				  (long long)q->item),
			error_r);
	return 0;
}

/* review_decide_item() once d says where the message is. */
static int
decide_at(const struct review *r, const struct review_request *q,
	  const struct store_review_item *it,
	  const struct store_review_decision *d, char **decided_by_r,
	  char **error_r)
{
	const char *code = q->code != NULL ? q->code : it->suggested;
	enum item_kind kind = item_kind(it);
	struct build b;
	int rc;

	if (kind == KIND_BOUNCE || kind == KIND_COUNTER)
		code = NULL; /* nothing to enrol: every decision closes it */
	else if (q->decision == REVIEW_APPROVE && code == NULL) {
		struct review_request back = *q;

		back.mailbox = d->mailbox;
		back.msgkey = d->msgkey;
		return send_back(r, &back, error_r);
	}
	memset(&b, 0, sizeof(b));
	outmail_list_init(&b.mails);
	b.r = r;
	b.q = q;
	b.sha = it->sha256;
	b.failed_mail = it->outbox > 0;
	b.close = kind == KIND_BOUNCE || kind == KIND_COUNTER;
	if (!b.close && q->decision == REVIEW_APPROVE &&
	    approved_municipality(r, code, q->now, &b.gemeente, error_r) == -1)
		return -1;
	if (kind == KIND_QUESTION && q->decision == REVIEW_APPROVE) {
		rc = question_approvable(r, q, it, d, b.gemeente, error_r);
		if (rc != 0)
			return rc;
	}
	if (decision_applies(q, it, error_r) == -1)
		return -1;
	b.msg = item_message(it, r->config->spool_dir, error_r);
	if (b.msg == NULL)
		return -1;
	rc = store_review_decide(r->store, d, build, &b, decided_by_r, error_r);
	if (rc == 1)
		log_info("review item %lld: %s by %s (%s)", (long long)q->item,
			 d->decision, q->actor, b.detail);
	outmail_list_deinit(&b.mails);
	free(b.detail);
	message_free((struct message *)b.msg);
	if (rc == 1 && b.close)
		*error_r = xstrdup(
			kind == KIND_BOUNCE
				? "a bounce: closed without mail or enrolment; "
				  "the contact stays marked undeliverable "
				  "(aanmeld contact clear-bounce CODE ADDRESS "
				  "takes the mark off)"
				: "a counter-proposal: closed without mail; "
				  "answer it yourself if the time should "
				  "change");
	if (rc == 1)
		return b.close ? REVIEW_CLOSED : REVIEW_APPLIED;
	return rc;
}

int
review_decide_item(const struct review *r, const struct review_request *q,
		   const struct store_review_item *it, char **decided_by_r,
		   char **error_r)
{
	struct store_review_decision d = {
		q->item,   review_decision_name(q->decision),
		q->actor,  q->mailbox,
		q->msgkey, q->now};
	char *where = NULL;
	int rc;

	if (q->msgkey == NULL && it->sha256 != NULL) {
		/* the command line: the message is in Beoordelen (or on
		   its way there), under a key only its bytes find */
		where = xasprintf("sha:%s", it->sha256);
		d.mailbox = r->config->folder_review;
		d.msgkey = where;
	}
	rc = decide_at(r, q, it, &d, decided_by_r, error_r);
	free(where);
	return rc;
}

int
review_decide(const struct review *r, const struct review_request *q,
	      char **decided_by_r, char **error_r)
{
	struct store_review_item it;
	int rc;

	*decided_by_r = NULL;
	rc = store_review_get(r->store, q->item, &it, error_r);
	if (rc <= 0)
		return rc == 0 ? REVIEW_NOT_FOUND : -1;
	if (strcmp(it.status, "open") != 0) {
		/* said early; the transaction checks again */
		*decided_by_r =
			xstrdup(it.decided_by != NULL ? it.decided_by : "?");
		rc = REVIEW_ALREADY;
	} else {
		rc = review_decide_item(r, q, &it, decided_by_r, error_r);
	}
	store_review_item_deinit(&it);
	return rc;
}
