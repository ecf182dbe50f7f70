#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cycle.h"
#include "log.h"
#include "mailbox.h"
#include "oauth2.h"
#include "refusal.h"
#include "remind.h"
#include "review.h"
#include "review_folders.h"
#include "reason.h"
#include "runtime.h"
#include "staff_cycle.h"
#include "store.h"
#include "util.h"

/* Staff's decision folders: created once, then looked at every cycle. */
static void
review_cycle(struct runtime *rt, volatile sig_atomic_t *stop,
	     struct review_stats *stats)
{
	struct review r = {rt->config, rt->rules, rt->store};
	char *err = NULL;
	int rc = 0;

	if (!rt->review_folders) {
		rc = review_folders_create(rt->config, rt->mailbox, &err);
		rt->review_folders = rc == 0;
		if (rc == -1) /* a folder that cannot be made fails the pass */
			stats->failed++;
	}
	if (rc == 0)
		rc = review_folders_run(&r, rt->mailbox, util_clock(), stop,
					stats, &err);
	if (rc == -1) {
		log_warnx("review folders: %s", err);
		staff_cycle_error(rt->store, util_clock(), REASON_OP_FOLDER,
				  rt->config->folder_review, "folders: %s",
				  err);
	}
	free(err);
}

/* Who refused the login: the server as the user, or the OAuth2 token
   endpoint (token) the client id.  l->host is heap. */
static void
login_of(const struct config *c, bool imap, bool token, struct staff_login *l)
{
	l->service = imap ? "imap" : "smtp";
	l->retry = imap ? c->imap_login_retry : c->smtp_login_retry;
	l->host = refusal_host(token  ? c->oauth2_token_url
			       : imap ? c->imap_url
				      : c->smtp_url);
	l->user = token	 ? c->oauth2_client_id
		  : imap ? c->imap_user
			 : c->smtp_user;
	if (l->user == NULL)
		l->user = "(none)";
}

/* After a login of the mailbox (imap) or the transport: refused (by the
   token endpoint: token), or worked (ok), or neither (not tried, or the
   network failed). */
static void
login_done(struct runtime *rt, bool imap, bool refused, bool token, bool ok)
{
	struct staff_login l;

	if (refused) {
		login_of(rt->config, imap, token, &l);
		staff_cycle_refused(rt->store, rt->config, rt->rules, &l,
				    util_clock());
		free((char *)l.host);
	} else if (ok) {
		staff_cycle_login_ok(rt->store, rt->config, rt->rules,
				     imap ? "imap" : "smtp", util_clock());
	}
}

/* Intake, unless a refused login holds the mailbox: then
   MAILBOX_UNREACHABLE without a login, and stats->mailbox_held. */
static int
intake_cycle(struct runtime *rt, volatile sig_atomic_t *stop,
	     struct cycle_stats *stats)
{
	struct intake in;
	char *err = NULL;
	int rc;

	if (staff_cycle_held(rt->store, "imap", rt->config->imap_login_retry,
			     util_clock()) != 0) {
		stats->mailbox_held = true;
		return MAILBOX_UNREACHABLE;
	}
	intake_init(&in, rt->config, rt->rules, rt->store, rt->mailbox);
	rc = intake_run(&in, util_clock(), stop, &stats->intake, &err);
	if (rc == -1)
		log_warnx("intake: %s", err);
	else if (rc == MAILBOX_UNREACHABLE)
		log_debug("intake waits: %s", err); /* said by the mailbox */
	if (rc != 0) /* kept for aanmeld status and the staff's warning */
		staff_cycle_error(rt->store, util_clock(), REASON_OP_MAILBOX,
				  NULL, "intake: %s",
				  err != NULL ? err : "failed");
	free(err);
	stats->mailbox_held =
		rc == MAILBOX_UNREACHABLE && mailbox_refused(rt->mailbox);
	login_done(rt, true, stats->mailbox_held,
		   rt->oauth2 != NULL && oauth2_refused(rt->oauth2), rc == 0);
	return rc;
}

/* The outbox, unless a refused login holds the transport.  0 or -1. */
static int
outbox_cycle(struct runtime *rt, struct outbox_stats *stats)
{
	char *err = NULL;
	int renewed, rc = 0;

	if (staff_cycle_held(rt->store, "smtp", rt->config->smtp_login_retry,
			     util_clock()) != 0)
		return 0;
	/* the outbox works even when the mailbox does not */
	renewed = runtime_renew_smtp_token(rt);
	if (renewed == 1) {
		login_done(rt, false, true, true, false);
		return 0;
	}
	if (rt->smtp_token_missing)
		return 0; /* no token yet: the mail waits, said in the log */
	if (outbox_run(rt->store, rt->smtp, util_clock(),
		       (time_t)rt->config->retry_hours * 3600, stats,
		       &err) == -1) {
		log_warnx("outbox: %s", err);
		staff_cycle_error(rt->store, util_clock(), REASON_OP_SMTP, NULL,
				  "outbox: %s", err);
		rc = -1;
	}
	free(err);
	login_done(rt, false, stats->refused, false, stats->sent > 0);
	return rc;
}

int
cycle_run(struct runtime *rt, volatile sig_atomic_t *stop,
	  struct cycle_stats *stats)
{
	struct remind_stats reminders;
	char *err = NULL;
	int rc;

	memset(stats, 0, sizeof(*stats));
	rc = intake_cycle(rt, stop, stats);
	if (rc == 0)
		review_cycle(rt, stop, &stats->review);
	/* nothing leaves on the strength of a record not yet on disk */
	if (store_sync(rt->store, &err) == -1) {
		log_warnx("database: %s: not sending or moving", err);
		staff_cycle_error(rt->store, util_clock(), REASON_OP_DATABASE,
				  NULL, "database: %s", err);
		free(err);
		return -1;
	}
	/* reminders, updated and cancelled invitations that are due */
	if (remind_run(rt->store, rt->rules, rt->config, util_clock(),
		       &reminders, &err) == -1) {
		log_warnx("scheduler: %s", err);
		staff_cycle_error(rt->store, util_clock(), REASON_OP_SCHEDULE,
				  NULL, "scheduler: %s", err);
		free(err);
		err = NULL;
	}
	stats->reminders = reminders.queued;
	/* before the outbox, which sends what it queues */
	staff_cycle_run(rt->store, rt->config, rt->rules, rc,
			stats->intake.failed, util_clock());
	if (outbox_cycle(rt, &stats->outbox) == -1)
		rc = -1;
	/* no move before intake has made its copies durable, and no login
	   that was refused */
	if (rc != -1 && !stats->mailbox_held &&
	    actions_run(rt->store, rt->mailbox, util_clock(), &stats->actions,
			&err) == -1) {
		log_warnx("mailbox actions: %s", err);
		staff_cycle_error(rt->store, util_clock(), REASON_OP_MOVES,
				  NULL, "mailbox actions: %s", err);
		rc = -1;
	}
	free(err);
	return rc;
}

unsigned
cycle_failed(const struct cycle_stats *s)
{
	return s->intake.failed + s->review.failed + s->actions.failed;
}

void
cycle_log(const struct cycle_stats *s)
{
	if (s->intake.recorded + s->intake.known + cycle_failed(s) +
		    s->outbox.sent + s->outbox.deferred + s->outbox.failed +
		    s->actions.moved ==
	    0)
		return;
	log_info("cycle: %u new, %u known, %u failed; mail %u sent, "
		 "%u deferred, %u failed; %u moved",
		 s->intake.recorded, s->intake.known, cycle_failed(s),
		 s->outbox.sent, s->outbox.deferred, s->outbox.failed,
		 s->actions.moved);
}
