#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cycle.h"
#include "log.h"
#include "mailbox.h"
#include "remind.h"
#include "review.h"
#include "review_folders.h"
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
		staff_cycle_error(rt->store, util_clock(), "folders: %s", err);
	}
	free(err);
}

int
cycle_run(struct runtime *rt, volatile sig_atomic_t *stop,
	  struct cycle_stats *stats)
{
	struct intake in;
	char *err = NULL;
	int rc;

	memset(stats, 0, sizeof(*stats));
	intake_init(&in, rt->config, rt->rules, rt->store, rt->mailbox);
	rc = intake_run(&in, util_clock(), stop, &stats->intake, &err);
	if (rc == -1)
		log_warnx("intake: %s", err);
	else if (rc == MAILBOX_UNREACHABLE)
		log_debug("intake waits: %s", err); /* said by the mailbox */
	if (rc != 0) /* kept for aanmeld status and the staff's warning */
		staff_cycle_error(rt->store, util_clock(), "intake: %s",
				  err != NULL ? err : "failed");
	free(err);
	err = NULL;
	if (rc == 0)
		review_cycle(rt, stop, &stats->review);
	/* nothing leaves on the strength of a record not yet on disk */
	if (store_sync(rt->store, &err) == -1) {
		log_warnx("database: %s: not sending or moving", err);
		staff_cycle_error(rt->store, util_clock(), "database: %s", err);
		free(err);
		return -1;
	}
	/* reminders, updated and cancelled invitations that are due */
	if (remind_run(rt->store, rt->rules, rt->config, util_clock(),
		       &stats->reminders, &err) == -1) {
		log_warnx("scheduler: %s", err);
		staff_cycle_error(rt->store, util_clock(), "scheduler: %s",
				  err);
		free(err);
		err = NULL;
	}
	/* before the outbox, which sends what it queues */
	staff_cycle_run(rt->store, rt->config, rt->rules, rc,
			stats->intake.failed, util_clock());
	/* the outbox works even when the mailbox does not */
	runtime_renew_smtp_token(rt);
	if (outbox_run(rt->store, rt->smtp, util_clock(),
		       (time_t)rt->config->retry_hours * 3600, &stats->outbox,
		       &err) == -1) {
		log_warnx("outbox: %s", err);
		staff_cycle_error(rt->store, util_clock(), "outbox: %s", err);
		rc = -1;
	}
	free(err);
	err = NULL;
	/* no move before intake has made its copies durable */
	if (rc != -1 && actions_run(rt->store, rt->mailbox, util_clock(),
				    &stats->actions, &err) == -1) {
		log_warnx("mailbox actions: %s", err);
		staff_cycle_error(rt->store, util_clock(),
				  "mailbox actions: %s", err);
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
