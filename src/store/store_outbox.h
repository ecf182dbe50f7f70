/*
 * The outbox queue: the mails recorded by intake, the scheduler and the
 * staff, sent by outbox.c with retries; a row that fails for good opens
 * a review item.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_OUTBOX_H
#define AANMELD_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

/* One mail to send; owns its strings (store_outbox_rows_free()). */
struct store_outbox_row {
	int64_t id;
	char *message_id;
	char *envelope_from;
	char *rcpt;
	char *raw;
	size_t len;
	unsigned attempts;
	time_t created_at;
};

/* Outbox rows due at now, oldest first, at most max (heap array). */
int store_outbox_due(struct store *s, time_t now, size_t max,
		     struct store_outbox_row **rows_r, size_t *n_r,
		     char **error_r);
void store_outbox_rows_free(struct store_outbox_row *rows, size_t n);
/* Counts one more attempt at the row before it is sent, so that a mail
   whose sending crashes the daemon is not tried for ever; a crash
   between the claim and store_outbox_sent() sends it once more, with the
   same Message-ID.  1 claimed, 0 when the row waits no longer (staff
   cancelled it since it was due): it is not sent. */
int store_outbox_claim(struct store *s, int64_t id, time_t now, char **error_r);
int store_outbox_sent(struct store *s, int64_t id, time_t now, char **error_r);
/* aanmeld retry: puts a failed (or waiting) row back in the queue, due
   now.  1 done, 0 no such row waiting or failed, -1 error. */
int store_outbox_requeue(struct store *s, int64_t id, time_t now,
			 char **error_r);
/* aanmeld outbox cancel: a failed or waiting row is never sent nor
   counted as failed again; its open review item is closed and the audit
   names actor.  1 done, 0 no such failed or waiting row
   (store_outbox_status() says why), -1 error. */
int store_outbox_cancel(struct store *s, int64_t id, const char *actor,
			time_t now, char **error_r);
/* The state of row id as aanmeld outbox shows it ("queued", "retrying",
   "sent", "failed", "cancelled", "bounced") in *status_r (heap): 1, or 0 when
   there is no such row. */
int store_outbox_status(struct store *s, int64_t id, char **status_r,
			char **error_r);
/* One outgoing mail as staff see it (aanmeld outbox, aanmeld-web's
   outbox page); owns its strings. */
struct store_outbox_item {
	int64_t id;
	char *kind;
	char *rcpt;
	char *state; /* as store_outbox_status() names it */
	unsigned attempts;
	time_t created_at;
	time_t sent_at; /* 0: not sent */
	char *error;	/* the bounce's reply, else the last error; NULL */
	char *head;	/* the first STORE_OUTBOX_HEAD_MAX bytes of the mail */
	size_t head_len;
};

/* Enough of one of our mails for its header. */
#define STORE_OUTBOX_HEAD_MAX 8192

/* The newest max outgoing mails, newest first (heap array; free with
   store_outbox_items_free()); *more_r tells whether there are older. */
int store_outbox_list(struct store *s, size_t max,
		      struct store_outbox_item **rows_r, size_t *n_r,
		      int *more_r, char **error_r);
void store_outbox_items_free(struct store_outbox_item *rows, size_t n);
/* How many outgoing mails wait, and how many failed for good. */
int store_outbox_counts(struct store *s, unsigned *queued_r, unsigned *failed_r,
			char **error_r);
/* Marks n rows sent in one transaction, by a transport that never
   claims them (so each counts the try that worked). */
int store_outbox_sent_many(struct store *s, const int64_t *ids, size_t n,
			   time_t now, char **error_r);
/* After failed attempt number attempt (1, 2, ...; counted here too, as a
   transport that is not claimed never counts it): reschedules
   (next_try > 0) or fails the row for good (next_try == 0, which also
   opens a review item). */
int store_outbox_retry(struct store *s, int64_t id, unsigned attempt,
		       time_t next_try, const char *error, time_t now,
		       char **error_r);

/* A mail of ours that came back (bounce.h). */
struct store_bounce {
	int64_t outbox;	   /* its row */
	const char *rcpt;  /* the row's recipient */
	const char *reply; /* the remote server's reply, or "" */
};

/* The row that sent the mail with Message-ID id (without <>): 1 with
 *outbox_r and *rcpt_r (heap), 0 when there is none. */
int store_outbox_by_message_id(struct store *s, const char *id,
			       int64_t *outbox_r, char **rcpt_r,
			       char **error_r);
/* In the caller's transaction: the row becomes "bounced" with the
   reply, the contacts with its address undeliverable (the first reply
   kept), and what waits for that address is not sent
   (store_hold_mails()). */
int store_outbox_bounce(struct store *s, const struct store_bounce *b,
			time_t now, char **error_r);
#endif
