#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "attendance.h"
#include "classify.h"
#include "config.h"
#include "gemeenten.h"
#include "intake_one.h"
#include "invite.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "message_worker.h"
#include "outmail.h"
#include "programme.h"
#include "reason.h"
#include "roster.h"
#include "rules.h"
#include "spool.h"
#include "store.h"
#include "store_actions.h"
#include "store_intake.h"
#include "store_outbox.h"
#include "store_programme.h"
#include "util.h"

/* We read a little more than the parse limit, so an oversize message is
   still seen (and sent to review) rather than refused by the read. */
#define INTAKE_READ_MAX (MESSAGE_SIZE_MAX + 1)

void
intake_init(struct intake *in, const struct config *config,
	    const struct rules *rules, struct store *store,
	    struct mailbox *mailbox)
{
	memset(in, 0, sizeof(*in));
	in->config = config;
	in->rules = rules;
	in->store = store;
	in->mailbox = mailbox;
	in->settings.own_address = rules->programme->address;
	in->settings.message_id_domain = config->message_id_domain;
	in->settings.trusted_authserv_id = config->trusted_authserv_id;
	in->settings.trust_unlabelled_authres =
		config->trust_unlabelled_authres;
}

const char *
intake_folder(const struct config *config, enum verdict v)
{
	switch (v) {
	case VERDICT_REVIEW:
	case VERDICT_BOUNCE:
		return config->folder_review;
	case VERDICT_REJECT:
		return config->folder_rejected;
	case VERDICT_IGNORE:
		return config->folder_ignored;
	default:
		return config->folder_processed;
	}
}

static enum store_enrol
enrol_kind(enum verdict v)
{
	switch (v) {
	case VERDICT_ENROL:
		return STORE_ENROL_CONFIRMED;
	case VERDICT_WAITLIST:
		return STORE_ENROL_WAITLIST;
	case VERDICT_DUPLICATE:
		return STORE_ENROL_CONTACT;
	default:
		return STORE_ENROL_NONE;
	}
}

/* Adds the answer to mails unless the sender's daily limit (its address
   without case or "+tag") or the hourly cap on answers to non-municipal
   addresses is reached: mail from forged senders must not turn the desk
   into a source of backscatter.  The mail is recorded either way. */
static int
prepare_answer(struct intake *in, const struct message *msg, const char *sha,
	       struct classification *c, size_t position, time_t now,
	       struct outmail_list *mails, char **error_r)
{
	bool outsider = answer_to_outsider(in->rules, msg->from_addr);
	struct outmail a;
	unsigned count;
	char *err = NULL;

	if (store_answers_since(in->store, msg->from_addr, now - 24 * 3600,
				&count, error_r) == -1)
		return -1;
	if (count >= in->config->max_replies_per_day) {
		log_warnx("not answering %s: %u answers in the last day",
			  msg->from_addr, count);
		return 0;
	}
	if (outsider) {
		if (store_outsider_answers_since(in->store, now - 3600, &count,
						 error_r) == -1)
			return -1;
		if (count >= in->config->max_outsider_replies_per_hour) {
			log_warnx("not answering %s: %u answers to "
				  "non-municipal addresses in the last hour",
				  msg->from_addr, count);
			return 0;
		}
	}
	if (answer_build(msg, sha, c, in->rules, in->config, position, now, &a,
			 &err) == -1) {
		log_warnx("not answering %s: %s", msg->from_addr, err);
		free(err);
		return 0;
	}
	a.outsider = outsider;
	outmail_list_add(mails, &a);
	return 0;
}

/* Adds the calendar invitations of a confirmed enrolment to mails; a
   failure is logged and leaves them out (staff can send them later). */
static void
prepare_invitations(struct intake *in, const struct message *msg,
		    const char *code, time_t now, struct outmail_list *mails)
{
	/* a municipality that withdrew goes to review (judge_message):
	   here it is always the first round */
	const struct invite_for f = {code, 1, NULL, 0};
	char *err = NULL;

	if (invite_build(msg, &f, in->rules, in->config, now, mails, &err) ==
	    -1) {
		log_warnx("no invitations for %s: %s", msg->from_addr, err);
		free(err);
	}
}

/* Whether c ignores msg only because no rule knows its subject. */
static bool
no_rule(const struct classification *c)
{
	if (c->verdict != VERDICT_IGNORE)
		return false;
	for (size_t i = 0; i < c->codes.n; i++) {
		if (c->codes.v[i].code == REASON_SUBJECT_NO_RULE)
			return true;
	}
	return false;
}

/* What the store knows that classify() needs after a first look: is
   the sender of mail no rule knows a contact (then a person reads it),
   and which mail of ours does a bounce return (its row in
   bounce->outbox, its recipient in *rcpt_r, heap).  c is classified
   again when it knows more.  0 or -1. */
static int
judge_people(struct intake *in, const struct message *msg,
	     struct classify_state *st, time_t now, struct classification *c,
	     struct store_bounce *bounce, char **rcpt_r, char **error_r)
{
	struct classify_bounce b = {false, NULL};
	int rc;

	if (no_rule(c) && msg->from_addr != NULL) {
		rc = store_contact_known(in->store, msg->from_addr, error_r);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			st->contact = true;
			classification_deinit(c);
			classify(msg, in->rules, &in->settings, st, now, c);
			st->contact = false;
		}
	}
	if (c->verdict != VERDICT_BOUNCE)
		return 0;
	rc = store_outbox_by_message_id(in->store, msg->bounce_id,
					&bounce->outbox, rcpt_r, error_r);
	if (rc == -1)
		return -1;
	b.found = rc == 1;
	b.rcpt = *rcpt_r;
	st->bounce = &b;
	classification_deinit(c);
	classify(msg, in->rules, &in->settings, st, now, c);
	st->bounce = NULL;
	if (c->verdict == VERDICT_BOUNCE) {
		bounce->rcpt = *rcpt_r;
		bounce->reply =
			msg->bounce_diagnostic != NULL ? msg->bounce_diagnostic
			: msg->bounce_status != NULL   ? msg->bounce_status
						       : "";
		log_warnx("mail %s to %s came back: the address is marked "
			  "undeliverable",
			  msg->bounce_id, bounce->rcpt);
	} else {
		log_info("bounce of %s: not one of our mails (%s)",
			 msg->bounce_id, c->reasons);
	}
	return 0;
}

/* The verdict on msg: classify() with what the store knows.  That the
   municipality withdrew before, that its withdrawal cannot be carried
   out, and who the attendee of a calendar reply is to us, are inputs to
   it, found after a first look at who wrote: it alone decides.  The plan
   of a withdrawal goes into plan.  0 or -1. */
static int
judge_message(struct intake *in, const struct message *msg,
	      struct classify_state *st, time_t now, struct classification *c,
	      struct roster_plan *plan, char **error_r)
{
	char *status = NULL, *name = NULL, *err = NULL;
	struct attendance_facts facts;
	int rc = 0;

	classify(msg, in->rules, &in->settings, st, now, c);
	if ((c->verdict == VERDICT_ENROL || c->verdict == VERDICT_WAITLIST) &&
	    c->gemeente != NULL)
		rc = store_programme_enrolment(in->store, c->gemeente->code,
					       &status, &name, error_r);
	if (rc == 1 && strcmp(status, "withdrawn") == 0) {
		st->withdrawn_code = c->gemeente->code;
		st->withdrawn_name = name;
		classification_deinit(c);
		classify(msg, in->rules, &in->settings, st, now, c);
		st->withdrawn_code = st->withdrawn_name = NULL;
	}
	free(status);
	free(name);
	if (rc != -1 && c->verdict == VERDICT_ATTENDANCE) {
		rc = attendance_lookup(in->store, c, &facts, error_r);
		if (rc == 0) {
			st->attendee = &facts.facts;
			classification_deinit(c);
			classify(msg, in->rules, &in->settings, st, now, c);
			st->attendee = NULL;
		}
		attendance_facts_deinit(&facts);
	}
	if (rc == -1) {
		classification_deinit(c);
		return -1;
	}
	if (c->verdict == VERDICT_WITHDRAW &&
	    roster_plan_withdraw(in->store, in->rules, in->config,
				 c->gemeente->code, "mailbox", msg, now, plan,
				 &err) != 0) {
		/* a person finishes it */
		log_warnx("withdrawal of %s: %s", c->gemeente->code, err);
		st->withdraw_failed = err;
		classification_deinit(c);
		classify(msg, in->rules, &in->settings, st, now, c);
		st->withdraw_failed = NULL;
		free(err);
	}
	return 0;
}

/* The mails that go with the record: the answer first, then the
   invitations of a confirmed enrolment.  0 or -1. */
static int
prepare_mails(struct intake *in, const struct message *msg, const char *sha,
	      struct classification *c, size_t position, time_t now,
	      struct outmail_list *mails, char **error_r)
{
	if (c->answer && prepare_answer(in, msg, sha, c, position, now, mails,
					error_r) == -1)
		return -1;
	if (c->verdict == VERDICT_ENROL)
		prepare_invitations(in, msg, c->gemeente->code, now, mails);
	return 0;
}

/* Fills in rec from the message and its verdict, all but the reason
   codes, the mails and the change; att holds an attendance row. */
static void
describe_record(struct intake *in, const char *key, const struct message *msg,
		const char *sha, const char *spool_path, time_t now,
		const struct classification *c, struct attendance *att,
		struct store_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	if (c->verdict == VERDICT_ATTENDANCE) {
		attendance_build(msg, c, now, att);
		rec->attendance = &att->rec;
	}
	rec->mailbox = in->mailbox->name;
	rec->msgkey = key;
	rec->message_id = msg->message_id;
	rec->sha256 = sha;
	rec->spool_path = spool_path;
	rec->from_addr = msg->from_addr;
	rec->from_name = msg->from_name;
	rec->subject = msg->subject;
	rec->received_at = now;
	rec->verdict = verdict_name(c->verdict);
	rec->reasons = c->reasons;
	rec->gemeente_code = c->gemeente != NULL ? c->gemeente->code : NULL;
	rec->gemeente_name = c->gemeente != NULL ? c->gemeente->name : NULL;
	rec->enrol = enrol_kind(c->verdict);
	rec->review =
		c->verdict == VERDICT_REVIEW || c->verdict == VERDICT_BOUNCE;
	rec->folder = intake_folder(in->config, c->verdict);
}

static void
log_recorded(const char *key, const struct message *msg,
	     const struct classification *c)
{
	log_info("message %s <%s> from %s: %s%s%s (%s)", key,
		 msg->message_id != NULL ? msg->message_id : "",
		 msg->from_addr != NULL ? msg->from_addr : "?",
		 verdict_name(c->verdict), c->gemeente != NULL ? " " : "",
		 c->gemeente != NULL ? c->gemeente->code : "", c->reasons);
}

/* Keeps intake's list of the enrolled up to date after a record (rc:
   its verdict or -1): a place taken is added, a withdrawal (which may
   promote) or a failure makes it read again. */
static void
note_enrolled(struct intake *in, int rc, const struct store_record *rec)
{
	size_t i;

	if (!in->enrolled.valid)
		return;
	if (rc < 0 || rec->change != NULL) {
		intake_forget_enrolled(in);
		return;
	}
	if (rec->enrol != STORE_ENROL_CONFIRMED &&
	    rec->enrol != STORE_ENROL_WAITLIST)
		return; /* a contact more, or none */
	for (i = 0; i < in->enrolled.n; i++) {
		if (strcmp(in->enrolled.codes[i], rec->gemeente_code) == 0) {
			/* not a new place after all: ask the store */
			intake_forget_enrolled(in);
			return;
		}
	}
	in->enrolled.codes =
		xreallocarray(in->enrolled.codes, in->enrolled.n + 1,
			      sizeof(*in->enrolled.codes));
	in->enrolled.codes[in->enrolled.n++] = xstrdup(rec->gemeente_code);
	if (rec->enrol == STORE_ENROL_CONFIRMED)
		in->enrolled.confirmed++;
}

/* A delivery's files, kept in the spool under deliveries/<code>/ with
   names of our own (the sender's only made safe, spool_safe_name()),
   made durable before the record that names them. */
struct kept_files {
	struct store_delivery_file *files;
	char **names, **paths;
	size_t n;
};

/* Deletes the files of k again: the record that would name them failed
   (a retry writes them anew under the same names). */
static void
kept_files_remove(struct intake *in, const struct kept_files *k)
{
	char *path;
	size_t i;

	for (i = 0; i < k->n; i++) {
		path = xasprintf("%s/%s", in->config->spool_dir, k->paths[i]);
		(void)unlink(path);
		free(path);
	}
}

static void
kept_files_free(struct kept_files *k)
{
	util_free_strv(k->names, k->n);
	util_free_strv(k->paths, k->n);
	free(k->files);
	memset(k, 0, sizeof(*k));
}

/* Writes the attachments of it for code into k, each read from the
   raw message by the parser worker only now, one at a time: only a
   delivery needs their bytes.  0 or -1. */
static int
keep_files(struct intake *in, const struct intake_item *it, const char *code,
	   struct kept_files *k, char **error_r)
{
	const struct message *msg = it->msg;
	char safe[SPOOL_SAFE_NAME_MAX + 1], *rel_dir, *dir, *bytes;
	size_t i, len;
	int rc = 0;

	memset(k, 0, sizeof(*k));
	if (msg->n_attachments == 0)
		return 0;
	/* a code from gemeenten.tsv, but a path is no place for surprises */
	if (strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
	    strlen(code)) {
		*error_r = xasprintf("unexpected municipality code %s", code);
		return -1;
	}
	rel_dir = xasprintf("deliveries/%s", code);
	dir = xasprintf("%s/%s", in->config->spool_dir, rel_dir);
	rc = spool_mkdir(dir, error_r);
	k->files = xcalloc(msg->n_attachments, sizeof(*k->files));
	k->names = xcalloc(msg->n_attachments, sizeof(*k->names));
	k->paths = xcalloc(msg->n_attachments, sizeof(*k->paths));
	for (i = 0; i < msg->n_attachments && rc == 0; i++) {
		const struct message_attachment *a = &msg->attachments[i];
		char *name;

		if (message_worker_attachment(it->data, it->len, it->size,
					      a->part, &bytes, &len,
					      error_r) == -1) {
			rc = -1;
			break;
		}
		if (len != a->len) {
			*error_r =
				xasprintf("the attachment in part %u has %zu "
					  "bytes, not %zu, read again",
					  a->part, len, a->len);
			free(bytes);
			rc = -1;
			break;
		}
		spool_safe_name(a->name, safe);
		/* the message's and the part's: two versions never collide */
		name = xasprintf("%.12s-%zu-%s", it->sha, i + 1, safe);
		rc = spool_write(dir, name, bytes, len, NULL, error_r);
		free(bytes);
		if (rc == -1) {
			free(name);
			break;
		}
		k->names[k->n] = xstrdup(safe);
		k->paths[k->n] = xasprintf("%s/%s", rel_dir, name);
		k->files[k->n].name = k->names[k->n];
		k->files[k->n].path = k->paths[k->n];
		k->files[k->n].size = a->len;
		k->n++;
		free(name);
	}
	free(rel_dir);
	free(dir);
	return rc;
}

/* Who the sender is a participant for, when a delivery is possible,
   and how often it delivered in the 24 hours before now. */
static int
find_participant(struct intake *in, const struct message *msg, time_t now,
		 char **code_r, unsigned *today_r, char **error_r)
{
	*code_r = NULL;
	*today_r = 0;
	if (in->rules->programme->deliverable == NULL || msg->from_addr == NULL)
		return 0;
	if (store_participant(in->store, msg->from_addr, code_r, error_r) == -1)
		return -1;
	if (*code_r != NULL &&
	    store_deliveries_since(in->store, *code_r, now - 24 * 60 * 60,
				   today_r, error_r) == -1) {
		free(*code_r);
		*code_r = NULL;
		return -1;
	}
	return 0;
}

/* Classifies and records one new message; returns its verdict or -1. */
static int
decide(struct intake *in, const struct intake_item *it, time_t now,
       char **error_r)
{
	const char *key = it->key, *sha = it->sha, *spool_path = it->spool_path;
	const struct message *msg = it->msg;
	struct store_record rec;
	struct classify_state st;
	struct classification c;
	struct outmail_list mails;
	struct attendance att;
	struct roster_plan plan;
	struct store_delivery delivery;
	struct kept_files kept;
	struct store_bounce bounce;
	char **codes, *codes_text, *participant, *bounce_rcpt = NULL;
	size_t n, confirmed, place;
	int64_t id;
	int rc;

	if (!in->enrolled.valid) {
		if (store_enrolled(in->store, &in->enrolled.codes,
				   &in->enrolled.n, &in->enrolled.confirmed,
				   error_r) == -1)
			return -1;
		in->enrolled.valid = true;
	}
	codes = in->enrolled.codes;
	n = in->enrolled.n;
	confirmed = in->enrolled.confirmed;
	memset(&st, 0, sizeof(st));
	st.enrolled = (const char *const *)codes;
	st.n_enrolled = n;
	st.confirmed = confirmed;
	if (find_participant(in, msg, now, &participant, &st.deliveries_today,
			     error_r) == -1)
		return -1;
	st.participant = participant;
	memset(&plan, 0, sizeof(plan));
	memset(&kept, 0, sizeof(kept));
	memset(&bounce, 0, sizeof(bounce));
	if (judge_message(in, msg, &st, now, &c, &plan, error_r) == -1) {
		roster_plan_free(&plan);
		free(participant);
		return -1;
	}
	if (judge_people(in, msg, &st, now, &c, &bounce, &bounce_rcpt,
			 error_r) == -1) {
		classification_deinit(&c);
		roster_plan_free(&plan);
		free(bounce_rcpt);
		free(participant);
		return -1;
	}
	free(participant);
	st.participant = NULL;
	describe_record(in, key, msg, sha, spool_path, now, &c, &att, &rec);
	rec.reason_codes = codes_text = reason_list_encode(&c.codes);
	outmail_list_init(&mails);
	/* the place by arrival: a message retried late keeps its own */
	place = n - confirmed + 1;
	rc = c.verdict == VERDICT_WAITLIST
		     ? store_place_for(in->store, in->mailbox->name, key, 0,
				       &place, error_r)
		     : 0;
	if (rc == 0)
		rc = prepare_mails(in, msg, sha, &c, place, now, &mails,
				   error_r);
	rec.mails = mails.mails;
	rec.n_mails = mails.n;
	/* the withdrawal, its mails and a promotion: one commit */
	if (rc == 0 && c.verdict == VERDICT_WITHDRAW)
		rec.change = &plan.change;
	if (rc == 0 && c.verdict == VERDICT_DELIVER) {
		rc = keep_files(in, it, c.gemeente->code, &kept, error_r);
		delivery.code = c.gemeente->code;
		delivery.files = kept.files;
		delivery.n_files = kept.n;
		rec.delivery = &delivery;
	}
	if (c.verdict == VERDICT_BOUNCE)
		rec.bounce = &bounce;
	if (rc == 0)
		rc = store_record_message(in->store, &rec, &id, error_r);
	if (rc == -1)
		kept_files_remove(in, &kept);
	if (rc == 0) {
		log_recorded(key, msg, &c);
		rc = (int)c.verdict;
	}
	note_enrolled(in, rc, &rec);
	outmail_list_deinit(&mails);
	roster_plan_free(&plan);
	kept_files_free(&kept);
	free(codes_text);
	free(bounce_rcpt);
	classification_deinit(&c);
	return rc;
}

/* The message parsed, or past INTAKE_ATTEMPTS_MAX attempts (this one
   counted) a message for a person, not parsed again. */
static struct message *
parse_or_quarantine(const struct intake_item *it, unsigned attempts)
{
	struct message *msg;
	char n[24];
	char *why;

	if (attempts <= INTAKE_ATTEMPTS_MAX)
		return message_worker_parse(it->data, it->len, it->size);
	snprintf(n, sizeof(n), "%u", attempts - 1);
	msg = message_unparsed(reason_new(REASON_QUARANTINE, n), it->size);
	why = reason_english(msg->problem);
	log_warnx("message %s: %s", it->key, why);
	free(why);
	return msg;
}

/* Parses a message after committing one more attempt at it, so that a
   message that crashes the daemon is counted (a group counted it for
   the whole batch already: counted).  NULL on a database error. */
static struct message *
parse_counted(struct intake *in, const struct intake_item *it, bool counted,
	      time_t now, unsigned *attempts_r, char **error_r)
{
	*attempts_r = it->attempts + 1;
	if (!counted &&
	    store_attempt_begin(in->store, in->mailbox->name, it->key, now,
				attempts_r, error_r) == -1)
		return NULL;
	return parse_or_quarantine(it, *attempts_r);
}

/* Keeps the raw copy of a message in the spool, named by its sha, and
   says where in *spool_path_r (heap, relative to the spool).  0 or -1. */
static int
keep_raw_copy(struct intake *in, const char *sha, const char *data, size_t len,
	      char **spool_path_r, char **error_r)
{
	char *spool_dir, *name;
	int rc = 0;

	spool_dir = xasprintf("%s/mail", in->config->spool_dir);
	name = xasprintf("%s.eml", sha);
	/* once a pass, not once a message */
	if (!in->spool_made)
		rc = spool_mkdir(spool_dir, error_r);
	in->spool_made = rc == 0;
	/* synced once per pass, before any message leaves the inbox
	   (intake_run): until then the inbox holds the original, and a
	   message found again after a crash is put here again */
	if (rc == 0)
		rc = spool_put(spool_dir, name, data, len, NULL, error_r);
	/* the database names it relative to the spool (spool.h) */
	if (rc == 0)
		*spool_path_r = xasprintf("mail/%s", name);
	free(spool_dir);
	free(name);
	return rc;
}

/* A message seen before (refetch, restart, a copy), recorded as message
   id with verdict: only tidy up, by moving it where its verdict says. */
static int
tidy_known(struct intake *in, const char *key, int64_t id, const char *verdict,
	   time_t now, struct intake_stats *stats, char **error_r)
{
	int v;

	log_info("message %s is known as message %lld: no-op", key,
		 (long long)id);
	stats->known++;
	v = verdict_parse(verdict);
	return store_requeue_move(
		in->store, id, in->mailbox->name, key,
		intake_folder(in->config,
			      v == -1 ? VERDICT_REVIEW : (enum verdict)v),
		now, error_r);
}

int
intake_take(struct intake *in, const char *key, struct intake_item *it,
	    char **error_r)
{
	enum mailbox_result r;

	memset(it, 0, sizeof(*it));
	it->key = key;
	r = mailbox_fetch(in->mailbox, key, INTAKE_READ_MAX, &it->data,
			  &it->len, &it->size, error_r);
	if (r != MAILBOX_OK)
		return r == MAILBOX_GONE || r == MAILBOX_UNREACHABLE
			       ? (int)r
			       : MAILBOX_ERROR;
	spool_sha256(it->data, it->len, it->sha);
	return MAILBOX_OK;
}

int
intake_keep(struct intake *in, struct intake_item *it, char **error_r)
{
	return keep_raw_copy(in, it->sha, it->data, it->len, &it->spool_path,
			     error_r);
}

void
intake_forget_enrolled(struct intake *in)
{
	if (in->enrolled.valid)
		util_free_strv(in->enrolled.codes, in->enrolled.n);
	memset(&in->enrolled, 0, sizeof(in->enrolled));
}

void
intake_item_deinit(struct intake_item *it)
{
	message_free(it->msg);
	free(it->data);
	free(it->spool_path);
	it->msg = NULL;
	it->data = it->spool_path = NULL;
}

int
intake_parse(struct intake *in, struct intake_item *it, bool counted,
	     time_t now, char **error_r)
{
	unsigned attempts;

	it->msg = parse_counted(in, it, counted, now, &attempts, error_r);
	return it->msg == NULL ? -1 : 0;
}

int
intake_judge(struct intake *in, struct intake_item *it, bool counted,
	     time_t now, struct intake_stats *stats, char **error_r)
{
	char *verdict = NULL;
	int64_t id;
	int rc;

	/* alone, outside a group: others may have written meanwhile */
	if (!counted)
		intake_forget_enrolled(in);
	rc = store_message_known(in->store, in->mailbox->name, it->key,
				 it->msg->message_id, it->sha, &id, &verdict,
				 error_r);
	if (rc == 1) {
		rc = tidy_known(in, it->key, id, verdict, now, stats, error_r);
		/* the attempts at it are history */
		if (rc == 0)
			rc = store_attempt_end(in->store, in->mailbox->name,
					       it->key, error_r);
	} else if (rc == 0) {
		/* the record ends the attempts in the same commit */
		rc = decide(in, it, now, error_r);
		if (rc >= 0) {
			stats->recorded++;
			stats->verdicts[rc]++;
			rc = 1;
		}
	}
	free(verdict);
	return rc;
}
