#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "outbox.h"
#include "smtp.h"
#include "store_outbox.h"
#include "util.h"

time_t
outbox_next_try(time_t first_try, unsigned attempt, time_t max_age)
{
	time_t next = first_try + (time_t)OUTBOX_RETRY_BASE * attempt * attempt;

	return next - first_try > max_age ? 0 : next;
}

/* A mail that went out: marked at once, or on a transport that may
   send again added to *sent_r for mark_replayable(). */
static int
record_sent(struct store *s, const struct store_outbox_row *o, bool later,
	    time_t now, int64_t **sent_r, size_t *n_sent_r,
	    struct outbox_stats *stats, char **error_r)
{
	log_info("sent <%s> to %s", o->message_id, o->rcpt);
	stats->sent++;
	if (!later)
		return store_outbox_sent(s, o->id, now, error_r);
	*sent_r = xreallocarray(*sent_r, *n_sent_r + 1, sizeof(**sent_r));
	(*sent_r)[(*n_sent_r)++] = o->id;
	return 0;
}

/* A mail that did not go out: rescheduled, or given up (a permanent
   failure, or a temporary one past max_age). */
static int
record_failure(struct store *s, const struct store_outbox_row *o,
	       bool temporary, const char *err, time_t now, time_t max_age,
	       struct outbox_stats *stats, char **error_r)
{
	time_t next = 0;

	if (temporary) {
		next = outbox_next_try(o->created_at, o->attempts + 1, max_age);
		log_warnx("sending <%s> to %s failed, %s: %s", o->message_id,
			  o->rcpt, next == 0 ? "giving up" : "will retry", err);
	} else {
		log_warnx("sending <%s> to %s failed for good: %s",
			  o->message_id, o->rcpt, err);
	}
	if (next == 0)
		stats->failed++;
	else
		stats->deferred++;
	return store_outbox_retry(s, o->id, o->attempts + 1, next, err, now,
				  error_r);
}

/* A transport that may send again marks the batch at once, once it is
   durable; a crash before that only sends it again. */
static int
mark_replayable(struct store *s, struct smtp *t, const int64_t *sent,
		size_t n_sent, time_t now, char **error_r)
{
	if (n_sent == 0)
		return 0;
	if (smtp_flush(t, error_r) == -1 ||
	    store_outbox_sent_many(s, sent, n_sent, now, error_r) == -1)
		return -1;
	return 0;
}

/* One batch; *n_r rows were due, *sent_r of them went out. */
static int
outbox_batch(struct store *s, struct smtp *t, time_t now, time_t max_age,
	     struct outbox_stats *stats, size_t *n_r, unsigned *sent_r,
	     char **error_r)
{
	struct store_outbox_row *rows;
	bool later = smtp_replayable(t);
	int64_t *sent = NULL;
	size_t n, i, n_sent = 0;
	unsigned tempfails = 0; /* in a row */
	int rc = 0;

	*sent_r = stats->sent;
	if (store_outbox_due(s, now, OUTBOX_BATCH, &rows, &n, error_r) == -1)
		return -1;
	*n_r = n;
	for (i = 0; i < n && rc == 0 && tempfails < OUTBOX_TEMPFAILS_MAX &&
		    !stats->refused;
	     i++) {
		struct store_outbox_row *o = &rows[i];
		char *err = NULL;
		int claimed = 1;

		/* claimed, sent, marked: a crash sends at most this one mail
		   again (a replayable transport just writes it again) */
		if (!later)
			claimed = store_outbox_claim(s, o->id, now, error_r);
		if (claimed == -1) {
			rc = -1;
			break;
		}
		if (claimed == 0)
			continue; /* cancelled since it was due */
		switch (smtp_send(t, o->envelope_from, o->rcpt, o->message_id,
				  o->raw, o->len, &err)) {
		case SEND_OK:
			tempfails = 0;
			rc = record_sent(s, o, later, now, &sent, &n_sent,
					 stats, error_r);
			break;
		case SEND_TEMPFAIL:
			tempfails++;
			rc = record_failure(s, o, true, err, now, max_age,
					    stats, error_r);
			break;
		case SEND_PERMFAIL:
			rc = record_failure(s, o, false, err, now, max_age,
					    stats, error_r);
			break;
		case SEND_REFUSED:
			/* the login, not the mail: every other send would
			   try the refused login again */
			log_warnx("sending <%s> to %s: %s", o->message_id,
				  o->rcpt, err);
			stats->refused = true;
			rc = store_outbox_retry(s, o->id, o->attempts, now, err,
						now, error_r);
			break;
		}
		free(err);
	}
	store_outbox_rows_free(rows, n);
	if (rc == 0 && mark_replayable(s, t, sent, n_sent, now, error_r) == -1)
		rc = -1;
	free(sent);
	*sent_r = stats->sent - *sent_r;
	return rc;
}

int
outbox_run(struct store *s, struct smtp *t, time_t now, time_t max_age,
	   struct outbox_stats *stats, char **error_r)
{
	unsigned sent;
	size_t n;
	int rc;

	/* batch after batch while the server takes them: a backlog of
	   answers must not wait for the next mail to arrive */
	do {
		rc = outbox_batch(s, t, now, max_age, stats, &n, &sent,
				  error_r);
	} while (rc == 0 && n == OUTBOX_BATCH && sent > 0 && !stats->refused);
	return rc;
}
