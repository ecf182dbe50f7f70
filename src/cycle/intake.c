#include "autoconf.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "intake.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "message_worker.h"
#include "spool.h"
#include "store.h"
#include "store_intake.h"
#include "util.h"

/* A message of the batch: what taking it gave, and what it came to,
   kept in order until the batch is committed (the position saved for
   the next pass depends on it). */
struct slot {
	struct intake_item it;
	int taken;   /* intake_take()'s answer */
	char *error; /* why taking it failed */
	enum { OPEN, SETTLED, FAILED } out;
	char *keep_error; /* the keeper's: why the raw copy failed */
};

/*
 * The raw copies of a batch are written by a thread of their own, the
 * keeper, in order, while the messages before them are judged: a new
 * file costs about as much as judging a message, and the second core
 * has little else to do.  A message is judged only after its copy is
 * written (wait_kept): nothing is decided before it is on disk.
 */
struct batch {
	struct slot slots[INTAKE_BATCH_COUNT];
	size_t n;
	struct intake *in;
	pthread_t keeper;
	pthread_mutex_t lock;
	pthread_cond_t kept_more;
	size_t kept; /* under lock: the copies of slots [0, kept) are done */
	/* a group's marks failed: what follows waits for the next pass,
	   or it would take its arrival (store_attempts_mark()) first */
	bool unmarked;
};

/* Where the pass stands: the last key before the first failure, so
   that a failed message is listed again. */
struct progress {
	const char *settled;
	bool failed;
};

static void
batch_clear(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		intake_item_deinit(&b->slots[i].it);
		free(b->slots[i].error);
		free(b->slots[i].keep_error);
	}
	b->n = 0;
	b->kept = 0;
}

/* The keeper: writes the raw copies of the batch, in order. */
static void *
keep_all(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct slot *s = &b->slots[i];
		char *err = NULL;

		if (s->taken == MAILBOX_OK &&
		    intake_keep(b->in, &s->it, &err) == -1)
			s->keep_error = err;
		pthread_mutex_lock(&b->lock);
		b->kept = i + 1;
		pthread_cond_signal(&b->kept_more);
		pthread_mutex_unlock(&b->lock);
	}
	return NULL;
}

/* Starts the keeper; 0, or -1 when no thread could be made (then the
   copies are written here and now). */
static int
keeper_start(struct batch *b)
{
	if (pthread_create(&b->keeper, NULL, keep_all, b) == 0)
		return 0;
	keep_all(b);
	return -1;
}

/* Waits until the raw copy of slot i is written, or failed. */
static void
wait_kept(struct batch *b, size_t i)
{
	pthread_mutex_lock(&b->lock);
	while (b->kept <= i)
		pthread_cond_wait(&b->kept_more, &b->lock);
	pthread_mutex_unlock(&b->lock);
}

/* Takes the messages from keys[*next] on into b, as many as a batch
   holds.  0, or MAILBOX_UNREACHABLE with *error_r: the rest waits for
   the server, b holds what came before. */
static int
gather(struct intake *in, char **keys, size_t n, size_t *next, struct batch *b,
       volatile sig_atomic_t *stop, char **error_r)
{
	size_t bytes = 0;

	while (*next < n && b->n < INTAKE_BATCH_COUNT &&
	       bytes < INTAKE_BATCH_BYTES && !*stop) {
		struct slot *s = &b->slots[b->n];
		char *err = NULL;

		memset(s, 0, sizeof(*s));
		s->taken = intake_take(in, keys[*next], &s->it, &err);
		if (s->taken == MAILBOX_UNREACHABLE) {
			*error_r = err;
			return MAILBOX_UNREACHABLE;
		}
		(*next)++;
		b->n++;
		if (s->taken == MAILBOX_OK &&
		    store_attempt_count(in->store, in->mailbox->name, s->it.key,
					&s->it.attempts, &err) == -1) {
			intake_item_deinit(&s->it);
			s->taken = MAILBOX_ERROR;
		}
		s->error = err;
		bytes += s->it.len;
	}
	return 0;
}

/* Cut short before (the daemon stopped in its batch, or it failed): it
   is handled alone, each attempt at it counted in a commit of its own,
   so that a message that stops the daemon is found out. */
static bool
suspect(const struct slot *s)
{
	return s->taken == MAILBOX_OK && s->it.attempts > 0;
}

/* Makes slot i ready to be judged: parsed, outside any transaction,
   while the keeper writes the raw copies.  false, with the slot FAILED
   or SETTLED (gone), when it is not to be judged. */
static bool
prepare_slot(struct intake *in, struct batch *b, size_t i, bool counted,
	     time_t now)
{
	struct slot *s = &b->slots[i];
	char *err = NULL;

	if (s->taken != MAILBOX_OK) {
		s->out = s->taken == MAILBOX_ERROR ? FAILED : SETTLED;
	} else if (intake_parse(in, &s->it, counted, now, &err) == -1) {
		s->error = err;
		s->out = FAILED;
	} else {
		return true;
	}
	if (s->out == FAILED)
		log_warnx("message %s: %s", s->it.key, s->error);
	return false;
}

/* Judges the prepared slot i once its raw copy is written: nothing is
   decided before it is on disk. */
static void
judge_slot(struct intake *in, struct batch *b, size_t i, bool counted,
	   time_t now, struct intake_stats *stats)
{
	struct slot *s = &b->slots[i];
	char *err = NULL;

	wait_kept(b, i);
	if (s->keep_error != NULL) {
		s->error = s->keep_error;
		s->keep_error = NULL;
		s->out = FAILED;
	} else if (intake_judge(in, &s->it, counted, now, stats, &err) == -1) {
		s->error = err;
		s->out = FAILED;
	} else {
		s->out = SETTLED;
	}
	if (s->out == FAILED)
		log_warnx("message %s: %s", s->it.key, s->error);
	message_free(s->it.msg);
	s->it.msg = NULL;
}

/* The group's transaction is lost: every message it held stays in the
   inbox, and is handled alone on the next pass. */
static void
group_failed(struct batch *b, size_t from, size_t to, char *err)
{
	size_t i;

	log_warnx("intake: %zu messages not recorded, left in the inbox: %s",
		  to - from, err);
	free(err);
	for (i = from; i < to; i++) {
		if (b->slots[i].out != FAILED &&
		    b->slots[i].taken == MAILBOX_OK)
			b->slots[i].out = FAILED;
	}
}

static void
stats_add(struct intake_stats *to, const struct intake_stats *from)
{
	size_t v;

	to->recorded += from->recorded;
	to->known += from->known;
	for (v = 0; v < VERDICT_COUNT; v++)
		to->verdicts[v] += from->verdicts[v];
}

/* Marks the messages of slots [from, to) (none a suspect) as attempted,
   in one commit: a crash inside the group makes each of them a suspect
   on the next pass.  How many were marked, or -1 with *error_r. */
static int
group_mark(struct intake *in, struct batch *b, size_t from, size_t to,
	   time_t now, char **error_r)
{
	const char *keys[INTAKE_BATCH_COUNT];
	size_t i, n = 0;

	for (i = from; i < to; i++) {
		if (b->slots[i].taken == MAILBOX_OK)
			keys[n++] = b->slots[i].it.key;
	}
	if (n == 0)
		return 0;
	if (store_attempts_mark(in->store, in->mailbox->name, keys, n, now,
				error_r) == -1)
		return -1;
	return (int)n;
}

/* Slots [from, to), none a suspect, judged in one transaction: the
   group commit.  Each message's record is a savepoint of it. */
static void
group_run(struct intake *in, struct batch *b, size_t from, size_t to,
	  time_t now, volatile sig_atomic_t *stop, struct intake_stats *stats)
{
	bool ready[INTAKE_BATCH_COUNT];
	struct intake_stats got;
	char *err = NULL;
	size_t i, end;
	int marked;

	marked = group_mark(in, b, from, to, now, &err);
	if (marked == -1) {
		/* the gone and failed ones settle as ever, the rest waits */
		for (i = from; i < to; i++) {
			if (b->slots[i].taken != MAILBOX_OK)
				(void)prepare_slot(in, b, i, true, now);
		}
		group_failed(b, from, to, err);
		b->unmarked = true;
		return;
	}
	/* parsed before the group takes the write lock */
	for (end = from; end < to && !*stop; end++)
		ready[end - from] = prepare_slot(in, b, end, true, now);
	memset(&got, 0, sizeof(got));
	intake_forget_enrolled(in);
	if (marked > 0 && store_group_begin(in->store, &err) == -1) {
		group_failed(b, from, end, err);
		return;
	}
	for (i = from; i < end; i++) {
		if (marked > 0 && !store_group_open(in->store))
			break;
		if (ready[i - from])
			judge_slot(in, b, i, true, now, &got);
	}
	if (marked == 0) {
		stats_add(stats, &got);
		return;
	}
	/* a stop: the rest was never attempted */
	for (i = end; i < to && store_group_open(in->store); i++) {
		if (b->slots[i].taken == MAILBOX_OK)
			(void)store_attempt_end(in->store, in->mailbox->name,
						b->slots[i].it.key, &err);
		free(err);
		err = NULL;
	}
	if (!store_group_open(in->store) ||
	    store_group_commit(in->store, &err) == -1) {
		store_group_rollback(in->store);
		group_failed(b, from, end,
			     err != NULL ? err
					 : xstrdup("the transaction ended"));
		return;
	}
	stats_add(stats, &got);
}

/* Handles the batch in order: runs of fresh messages as one group, a
   suspect alone. */
static void
handle(struct intake *in, struct batch *b, time_t now,
       volatile sig_atomic_t *stop, struct intake_stats *stats)
{
	size_t i = 0, j;
	bool thread = keeper_start(b) == 0;

	while (i < b->n && !*stop && !b->unmarked) {
		if (suspect(&b->slots[i])) {
			if (prepare_slot(in, b, i, false, now))
				judge_slot(in, b, i, false, now, stats);
			i++;
			continue;
		}
		for (j = i; j < b->n && !suspect(&b->slots[j]); j++)
			;
		group_run(in, b, i, j, now, stop, stats);
		i = j;
	}
	/* a stop leaves copies that the next pass writes again */
	if (thread)
		pthread_join(b->keeper, NULL);
}

/* Counts the batch's failures and moves the position on. */
static void
settle(const struct batch *b, struct intake_stats *stats, struct progress *p)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->slots[i].out == FAILED) {
			stats->failed++;
			p->failed = true;
		} else if (b->slots[i].out == SETTLED && !p->failed) {
			p->settled = b->slots[i].it.key;
		}
	}
}

/* Takes keys in order, a batch at a time, until stop is set or the
   server is gone: 0 or MAILBOX_UNREACHABLE. */
static int
intake_keys(struct intake *in, char **keys, size_t n, time_t now,
	    volatile sig_atomic_t *stop, struct intake_stats *stats,
	    struct progress *p, char **error_r)
{
	struct batch *b = xcalloc(1, sizeof(*b));
	size_t next = 0;
	int rc = 0;

	b->in = in;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->kept_more, NULL);

	while (rc == 0 && next < n && !*stop && !b->unmarked) {
		rc = gather(in, keys, n, &next, b, stop, error_r);
		handle(in, b, now, stop, stats);
		settle(b, stats, p);
		batch_clear(b);
	}
	pthread_cond_destroy(&b->kept_more);
	pthread_mutex_destroy(&b->lock);
	free(b);
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
	struct progress p = {NULL, false};
	unsigned long commits = store_commits(in->store);
	char **keys;
	size_t n;
	int rc;

	if (resume_position(in, error_r) == -1)
		return -1;
	/* forked now, it carries none of the mail of the batches */
	message_worker_warm();
	rc = mailbox_list(in->mailbox, &keys, &n, error_r);
	if (rc != MAILBOX_OK)
		return rc == MAILBOX_UNREACHABLE ? MAILBOX_UNREACHABLE : -1;
	/* one disk sync for the pass, before anything leaves (end_pass) */
	if (store_relax(in->store, error_r) == -1) {
		util_free_strv(keys, n);
		return -1;
	}
	rc = intake_keys(in, keys, n, now, stop, stats, &p, error_r);
	intake_forget_enrolled(in);
	rc = end_pass(in, n, p.settled, now, rc, error_r);
	if (n > 0)
		log_debug("intake: %zu listed, %lu commits", n,
			  store_commits(in->store) - commits);
	util_free_strv(keys, n);
	return rc;
}
