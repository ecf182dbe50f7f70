/*
 * The database side of telling staff and of `aanmeld status`: the one row
 * of daemon state (last poll, the outage and its warning, the last
 * summary), the last distinct errors, the rows a summary lists, and the
 * mails to staff queued with that state in one transaction.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_STAFF_H
#define AANMELD_STORE_STAFF_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "staff.h"
#include "store.h"

struct outmail;

/* Times are 0 when unknown. */
struct store_staff_state {
	time_t last_cycle;
	time_t last_poll_ok;
	time_t down_since; /* first failed poll since the last good one */
	time_t warned_at;  /* the warning of this outage was queued */
	unsigned backlog;  /* messages the last pass left in the inbox */
	char summary_period[STAFF_PERIOD_MAX]; /* "" before the first */
	time_t summary_sent_at;
	int64_t summary_review_id;
};

int store_staff_state(struct store *s, struct store_staff_state *st,
		      char **error_r);
/* Records a cycle's poll: ok or not, and the messages it left behind. */
int store_staff_poll(struct store *s, bool ok, unsigned backlog, time_t now,
		     char **error_r);
/* Keeps text (the English detail, cleaned by the caller) with codes
   (what failed, reason_list_encode()) as one of the last distinct
   errors, with its time; the oldest beyond STAFF_ERRORS_KEPT go. */
int store_staff_error(struct store *s, const char *text, const char *codes,
		      time_t now, char **error_r);
/* The newest error's text and codes (heap; NULL when there is none, or
   codes NULL in a row from before them). */
int store_staff_last_error(struct store *s, char **text_r, char **codes_r,
			   char **error_r);
/* The kept errors, newest first: last_at, count, text, reason_codes. */
int store_staff_errors(struct store *s, store_row_fn *fn, void *ctx,
		       char **error_r);

/* True when a review item above review_id, or after since an enrolment,
   a withdrawal or promotion, an answer to an invitation, a delivered
   text or a mail that came back exists: something for a summary. */
int store_staff_news(struct store *s, int64_t review_id, time_t since,
		     bool *news_r, char **error_r);
/* Fills out with what a summary lists (enrolments and the news: after
   since). */
int store_staff_summary(struct store *s, time_t since,
			struct staff_summary *out, char **error_r);

/* Decides period: with mail, queues it (a second one with the same key
   is ignored) and remembers it as the last summary, with review_id as
   the new mark; without, remembers the period only. */
int store_staff_summary_done(struct store *s, const char *period,
			     const struct outmail *mail, int64_t review_id,
			     time_t now, char **error_r);
/* Queues mail (NULL: none) and sets warned_at (0: the outage is over). */
int store_staff_warned(struct store *s, const struct outmail *mail,
		       time_t warned_at, time_t now, char **error_r);

/* A login refused by a server (login_refused), per service: "imap" for
   the mailbox, "smtp" for the outgoing mail (refusal.h). */
struct store_staff_refusal {
	char *host; /* heap, as are the others */
	char *user;
	time_t since;	 /* the first refusal since the last good login */
	time_t next_try; /* no login before then */
};
void store_staff_refusal_deinit(struct store_staff_refusal *r);
/* The refusal of service into *r, with *found_r false (and *r empty)
   when there is none. */
int store_staff_refusal(struct store *s, const char *service,
			struct store_staff_refusal *r, bool *found_r,
			char **error_r);
/* Records a refused login of service at now, held until next_try; with
   mail (the first refusal's warning), queues it in the same transaction
   and, with outage, sets warned_at unless set (the mailbox's outage is
   then warned of: no second warning, and the note when it is over). */
int store_staff_refused(struct store *s, const char *service, const char *host,
			const char *user, time_t next_try,
			const struct outmail *mail, bool outage, time_t now,
			char **error_r);
/* A login of service worked: forgets its refusal, queuing mail (NULL:
   none) in the same transaction. */
int store_staff_login_ok(struct store *s, const char *service,
			 const struct outmail *mail, time_t now,
			 char **error_r);
/* For status, each refusal: service, host, user, since, next_try. */
int store_staff_refusals(struct store *s, store_row_fn *fn, void *ctx,
			 char **error_r);

/* For status: open review items and mailbox moves still queued. */
int store_staff_counts(struct store *s, unsigned *reviews_r, unsigned *moves_r,
		       char **error_r);
/* For show: the review items of message id (id, status, created, reason,
   decision) and the mail sent for it with its times and error. */
int store_staff_review_for(struct store *s, int64_t id, store_row_fn *fn,
			   void *ctx, char **error_r);
int store_staff_sent_for(struct store *s, int64_t id, store_row_fn *fn,
			 void *ctx, char **error_r);

#endif
