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
#include "intake.h"
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
				 c->gemeente->code, "mailbox", now, plan,
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
	rec->review = c->verdict == VERDICT_REVIEW;
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

/* Classifies and records one new message; returns its verdict or -1. */
static int
decide(struct intake *in, const char *key, const struct message *msg,
       const char *sha, const char *spool_path, time_t now, char **error_r)
{
	struct store_record rec;
	struct classify_state st;
	struct classification c;
	struct outmail_list mails;
	struct attendance att;
	struct roster_plan plan;
	char **codes, *codes_text;
	size_t n, confirmed;
	int64_t id;
	int rc;

	if (store_enrolled(in->store, &codes, &n, &confirmed, error_r) == -1)
		return -1;
	memset(&st, 0, sizeof(st));
	st.enrolled = (const char *const *)codes;
	st.n_enrolled = n;
	st.confirmed = confirmed;
	memset(&plan, 0, sizeof(plan));
	if (judge_message(in, msg, &st, now, &c, &plan, error_r) == -1) {
		roster_plan_free(&plan);
		util_free_strv(codes, n);
		return -1;
	}
	describe_record(in, key, msg, sha, spool_path, now, &c, &att, &rec);
	rec.reason_codes = codes_text = reason_list_encode(&c.codes);
	outmail_list_init(&mails);
	rc = prepare_mails(in, msg, sha, &c, n - confirmed + 1, now, &mails,
			   error_r);
	rec.mails = mails.mails;
	rec.n_mails = mails.n;
	/* the withdrawal, its mails and a promotion: one commit */
	if (rc == 0 && c.verdict == VERDICT_WITHDRAW)
		rec.change = &plan.change;
	if (rc == 0)
		rc = store_record_message(in->store, &rec, &id, error_r);
	if (rc == 0) {
		log_recorded(key, msg, &c);
		rc = (int)c.verdict;
	}
	outmail_list_deinit(&mails);
	roster_plan_free(&plan);
	free(codes_text);
	classification_deinit(&c);
	util_free_strv(codes, n);
	return rc;
}

/* Parses a message after committing one more attempt at it, so that a
   message that crashes the parser is counted; past INTAKE_ATTEMPTS_MAX
   it is not parsed again.  NULL on a database error. */
static struct message *
parse_counted(struct intake *in, const char *key, const char *data, size_t len,
	      size_t size, time_t now, unsigned *attempts, char **error_r)
{
	struct message *msg;
	char n[24];

	if (store_attempt_begin(in->store, in->mailbox->name, key, now,
				attempts, error_r) == -1)
		return NULL;
	if (*attempts <= INTAKE_ATTEMPTS_MAX)
		return message_worker_parse(data, len, size);
	snprintf(n, sizeof(n), "%u", *attempts - 1);
	msg = message_unparsed(reason_new(REASON_QUARANTINE, n), size);
	{
		char *why = reason_english(msg->problem);

		log_warnx("message %s: %s", key, why);
		free(why);
	}
	return msg;
}

/* Keeps the raw copy of a message in the spool, named by its sha, and
   says where in *spool_path_r (heap).  0 or -1. */
static int
keep_raw_copy(struct intake *in, const char *sha, const char *data, size_t len,
	      char **spool_path_r, char **error_r)
{
	char *spool_dir, *name;
	int rc;

	spool_dir = xasprintf("%s/mail", in->config->spool_dir);
	name = xasprintf("%s.eml", sha);
	rc = spool_mkdir(spool_dir, error_r);
	/* synced once per pass, before any message leaves the inbox
	   (intake_run): until then the inbox holds the original, and a
	   message found again after a crash is put here again */
	if (rc == 0)
		rc = spool_put(spool_dir, name, data, len, spool_path_r,
			       error_r);
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

/* One message: 1 recorded, 0 known or gone, -1 failed. */
static int
intake_one(struct intake *in, const char *key, time_t now,
	   struct intake_stats *stats, char **error_r)
{
	struct message *msg = NULL;
	char sha[65], *data = NULL, *spool_path = NULL;
	char *verdict = NULL;
	unsigned attempts = 0;
	size_t len, size;
	int64_t id;
	int rc;

	switch (mailbox_fetch(in->mailbox, key, INTAKE_READ_MAX, &data, &len,
			      &size, error_r)) {
	case MAILBOX_OK:
		break;
	case MAILBOX_GONE:
		return 0;
	case MAILBOX_UNREACHABLE:
		return MAILBOX_UNREACHABLE;
	default:
		return -1;
	}
	spool_sha256(data, len, sha);
	/* nothing is decided before the raw copy is safe on disk */
	rc = keep_raw_copy(in, sha, data, len, &spool_path, error_r);
	if (rc == 0)
		msg = parse_counted(in, key, data, len, size, now, &attempts,
				    error_r);
	if (msg == NULL)
		rc = -1;
	if (rc == 0) {
		rc = store_message_known(in->store, in->mailbox->name, key,
					 msg->message_id, sha, &id, &verdict,
					 error_r);
	}
	if (rc == 1) {
		rc = tidy_known(in, key, id, verdict, now, stats, error_r);
	} else if (rc == 0) {
		rc = decide(in, key, msg, sha, spool_path, now, error_r);
		if (rc >= 0) {
			stats->recorded++;
			stats->verdicts[rc]++;
			attempts = 0; /* ended in the same commit */
			rc = 1;
		}
	}
	if (rc >= 0 && attempts > 0 &&
	    store_attempt_end(in->store, in->mailbox->name, key, error_r) == -1)
		rc = -1;
	message_free(msg);
	free(data);
	free(spool_path);
	free(verdict);
	return rc;
}

static int
sync_spool(struct intake *in, char **error_r)
{
	char *dir = xasprintf("%s/mail", in->config->spool_dir);
	int rc = access(dir, F_OK) == 0 ? spool_sync(dir, error_r) : 0;

	free(dir);
	return rc;
}

/* Saves where intake stands: after settled, the last key before the
   first failure, so that a failed message is listed again. */
static int
save_position(struct intake *in, const char *settled, time_t now,
	      char **error_r)
{
	uint32_t validity, last;

	if (settled == NULL || mailbox_position(in->mailbox, settled, &validity,
						&last) != MAILBOX_OK)
		return 0;
	return store_set_mailbox_position(in->store, in->mailbox->name,
					  validity, last, now, error_r);
}

/* Has the mailbox list only what comes after the position saved by an
   earlier pass, where the backend keeps one.  0 or -1. */
static int
resume_position(struct intake *in, char **error_r)
{
	uint32_t validity, last;

	if (!mailbox_has_position(in->mailbox))
		return 0;
	if (store_mailbox_position(in->store, in->mailbox->name, &validity,
				   &last, error_r) == -1)
		return -1;
	mailbox_resume(in->mailbox, validity, last);
	return 0;
}

/* Takes keys in order until stop is set or the server is gone: 0 or
   MAILBOX_UNREACHABLE.  *settled_r is the last key before the first
   failure (or stays as it is). */
static int
intake_keys(struct intake *in, char **keys, size_t n, time_t now,
	    volatile sig_atomic_t *stop, struct intake_stats *stats,
	    const char **settled_r, char **error_r)
{
	bool failed = false;
	char *err = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !*stop && rc == 0; i++) {
		switch (intake_one(in, keys[i], now, stats, &err)) {
		case MAILBOX_UNREACHABLE:
			/* the rest waits for the server to come back */
			*error_r = err;
			err = NULL;
			rc = MAILBOX_UNREACHABLE;
			break;
		case -1:
			/* left in the inbox: the next pass tries again */
			log_warnx("message %s: %s", keys[i], err);
			stats->failed++;
			failed = true;
			break;
		default:
			if (!failed)
				*settled_r = keys[i];
		}
		free(err);
		err = NULL;
	}
	return rc;
}

/* An error at the end of a pass that ended with rc: the pass's error
   if it had none, else logged.  Takes err; returns the pass's rc. */
static int
end_error(int rc, char *err, char **error_r)
{
	if (rc == 0) {
		*error_r = err;
		return -1;
	}
	log_warnx("intake: %s", err);
	free(err);
	return rc;
}

/* Makes the pass durable and saves where it stands; returns rc, or -1
   if that fails. */
static int
end_pass(struct intake *in, size_t n, const char *settled, time_t now, int rc,
	 char **error_r)
{
	char *err = NULL;

	/* the copies and the records durable before the outbox and the
	   moves run: the inbox holds the originals until then */
	if ((n > 0 && sync_spool(in, &err) == -1) ||
	    store_sync(in->store, &err) == -1) {
		/* the moves must not run: the copies may not be durable */
		rc = end_error(rc, err, error_r);
		err = NULL;
	}
	if (save_position(in, settled, now, &err) == -1)
		rc = end_error(rc, err, error_r);
	return rc;
}

int
intake_run(struct intake *in, time_t now, volatile sig_atomic_t *stop,
	   struct intake_stats *stats, char **error_r)
{
	const char *settled = NULL;
	char **keys;
	size_t n;
	int rc;

	if (resume_position(in, error_r) == -1)
		return -1;
	rc = mailbox_list(in->mailbox, &keys, &n, error_r);
	if (rc != MAILBOX_OK)
		return rc == MAILBOX_UNREACHABLE ? MAILBOX_UNREACHABLE : -1;
	/* one disk sync for the pass, before anything leaves (end_pass) */
	if (store_relax(in->store, error_r) == -1) {
		util_free_strv(keys, n);
		return -1;
	}
	rc = intake_keys(in, keys, n, now, stop, stats, &settled, error_r);
	rc = end_pass(in, n, settled, now, rc, error_r);
	util_free_strv(keys, n);
	return rc;
}
