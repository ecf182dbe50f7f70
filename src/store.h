/*
 * The database (SQLite, WAL, synchronous=FULL): the only file that
 * includes sqlite3.h.  Every write of a journey step is one BEGIN
 * IMMEDIATE transaction here; statements are prepared once per connection
 * and run with bound parameters only.  The schema evolves by migrations
 * numbered with PRAGMA user_version; a file newer than this code is
 * refused.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_H
#define AANMELD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* How long a writer waits for another connection's lock. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct outmail;
struct store;
struct store_attendance;
struct store_change;

enum store_enrol {
	STORE_ENROL_NONE, /* no enrolment row */
	STORE_ENROL_CONFIRMED,
	STORE_ENROL_WAITLIST,
	STORE_ENROL_CONTACT, /* only add the sender as a contact */
};

/* Everything one incoming message causes, written in one transaction. */
struct store_record {
	const char *mailbox;	/* "INBOX" */
	const char *msgkey;	/* the mailbox's key (Maildir unique name) */
	const char *message_id; /* may be NULL */
	const char *sha256;	/* hex of the raw bytes */
	const char *spool_path;
	const char *from_addr; /* may be NULL */
	const char *from_name;
	const char *subject;
	time_t received_at;
	const char *verdict;
	const char *reasons;
	const char *reason_codes;  /* reason_list_encode(), or NULL */
	const char *gemeente_code; /* may be NULL */
	const char *gemeente_name;
	enum store_enrol enrol;
	bool review;	    /* open a review item */
	const char *folder; /* move the message there (NULL: leave it) */
	/* the mail it causes, stored as it is, in this order: the answer
	   (when one is sent), then the calendar invitations */
	const struct outmail *mails;
	size_t n_mails;
	/* an answer to an invitation to record (store_attendance.h) */
	const struct store_attendance *attendance;
	/* a withdrawal (and promotion) it causes, or NULL */
	const struct store_change *change;
};

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

struct store_action_row {
	int64_t id;
	char *mailbox;
	char *msgkey;
	char *folder;
};

/* Opens (and creates or migrates, unless readonly) the database. */
int store_open(const char *path, bool readonly, struct store **store_r,
	       char **error_r);
/* Closes and NULLs *store; NULL is fine. */
void store_close(struct store **store);

/* 1 if a message with this mailbox key, Message-ID or SHA-256 was already
   recorded (*id_r and *verdict_r, heap, set), 0 if not, -1 on error. */
int store_message_known(struct store *s, const char *mailbox,
			const char *msgkey, const char *message_id,
			const char *sha256, int64_t *id_r, char **verdict_r,
			char **error_r);
/* The codes enrolled (confirmed or waitlisted; heap array of heap
   strings, free with util_free_strv) and the confirmed count. */
int store_enrolled(struct store *s, char ***codes_r, size_t *n_r,
		   size_t *confirmed_r, char **error_r);
/* Answers queued to rcpt since the given time (for the daily limit), the
   address folded: case does not count, nor a "+tag" in the local part
   ("Jan+x@Example.NL" is jan@example.nl). */
int store_answers_since(struct store *s, const char *rcpt, time_t since,
			unsigned *count_r, char **error_r);
/* Answers to addresses of no municipality queued since the given time
   (for the hourly cap on them). */
int store_outsider_answers_since(struct store *s, time_t since,
				 unsigned *count_r, char **error_r);
/* Records everything in one transaction; *id_r gets the message row. */
int store_record_message(struct store *s, const struct store_record *r,
			 int64_t *id_r, char **error_r);
/* Queues a move of a recorded message, unless one is already queued. */
int store_requeue_move(struct store *s, int64_t message_row,
		       const char *mailbox, const char *msgkey,
		       const char *folder, time_t now, char **error_r);

/*
 * The poison-message breaker: store_attempt_begin() commits one more
 * attempt at a message before it is parsed and returns the count so far
 * (1 the first time); store_record_message() forgets it in the commit
 * that records the message, store_attempt_end() when it was known.  A message
 * that crashes the daemon is seen with a count above one on the next start.
 */
int store_attempt_begin(struct store *s, const char *mailbox,
			const char *msgkey, time_t now, unsigned *count_r,
			char **error_r);
int store_attempt_end(struct store *s, const char *mailbox, const char *msgkey,
		      char **error_r);

/* Outbox rows due at now, oldest first, at most max (heap array). */
int store_outbox_due(struct store *s, time_t now, size_t max,
		     struct store_outbox_row **rows_r, size_t *n_r,
		     char **error_r);
void store_outbox_rows_free(struct store_outbox_row *rows, size_t n);
/* Counts one more attempt at the row before it is sent, so that a mail
   whose sending crashes the daemon is not tried for ever; a crash
   between the claim and store_outbox_sent() sends it once more, with the
   same Message-ID. */
int store_outbox_claim(struct store *s, int64_t id, time_t now, char **error_r);
int store_outbox_sent(struct store *s, int64_t id, time_t now, char **error_r);
/* aanmeld retry: puts a failed (or waiting) row back in the queue, due
   now.  1 done, 0 no such row waiting or failed, -1 error. */
int store_outbox_requeue(struct store *s, int64_t id, time_t now,
			 char **error_r);
/* How many outgoing mails wait, and how many failed for good. */
int store_outbox_counts(struct store *s, unsigned *queued_r, unsigned *failed_r,
			char **error_r);
/* Marks n rows sent in one transaction. */
int store_outbox_sent_many(struct store *s, const int64_t *ids, size_t n,
			   time_t now, char **error_r);
/* After failed attempt number attempt (1, 2, ...; counted here too, as a
   transport that is not claimed never counts it): reschedules
   (next_try > 0) or fails the row for good (next_try == 0, which also
   opens a review item). */
int store_outbox_retry(struct store *s, int64_t id, unsigned attempt,
		       time_t next_try, const char *error, time_t now,
		       char **error_r);

int store_actions_due(struct store *s, size_t max,
		      struct store_action_row **rows_r, size_t *n_r,
		      char **error_r);
void store_action_rows_free(struct store_action_row *rows, size_t n);
/* With error NULL the move is done; otherwise it is tried again on the
   next pass, up to STORE_ACTION_ATTEMPTS times, and then failed. */
#define STORE_ACTION_ATTEMPTS 5
int store_action_done(struct store *s, int64_t id, time_t now,
		      const char *error, char **error_r);

/*
 * Group durability for an intake pass.  After store_relax() each commit
 * is still atomic, and survives a crash of the process, but reaches the
 * disk only at store_sync(), which makes all of them durable at once.
 * Nothing may leave the house (no answer sent, no message moved) on the
 * strength of a commit before store_sync() has returned.
 */
int store_relax(struct store *s, char **error_r);
int store_sync(struct store *s, char **error_r);

/* Copies the database to path (a new file), consistent as of now. */
int store_copy(struct store *s, const char *path, char **error_r);
/* The id of the newest message row (0 when there is none). */
int store_last_message(struct store *s, int64_t *id_r, char **error_r);

/* Marks n moves done in one transaction. */
int store_actions_done(struct store *s, const int64_t *ids, size_t n,
		       time_t now, char **error_r);

/* Where intake stands in a mailbox: UIDVALIDITY and the last UID whose
   message (and every one before it) is recorded; 0 0 when unknown. */
int store_mailbox_position(struct store *s, const char *mailbox,
			   uint32_t *validity_r, uint32_t *last_r,
			   char **error_r);
int store_set_mailbox_position(struct store *s, const char *mailbox,
			       uint32_t validity, uint32_t last, time_t now,
			       char **error_r);

/* Calls fn for each row of a read-only report query (see store_report.c
   for the names); fn gets the column values as strings (NULL for NULL). */
typedef void store_row_fn(void *ctx, int ncols, const char *const *values,
			  const char *const *names);
int store_report(struct store *s, const char *name, const char *arg,
		 store_row_fn *fn, void *ctx, char **error_r);

#endif
