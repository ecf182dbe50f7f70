/*
 * The store's side of intake: what is known of a message before it is
 * classified, the one transaction that records it with everything it
 * causes, the poison-message breaker, and where intake stands in each
 * mailbox.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_INTAKE_H
#define AANMELD_STORE_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct outmail;
struct store_attendance;
struct store_bounce;
struct store_change;

/* A file of a delivery, kept in the spool. */
struct store_delivery_file {
	const char *name; /* the safe name it is kept under */
	const char *path; /* relative to the spool */
	size_t size;
};

/* A participant's text ([deadline] deliverable): for code, with files. */
struct store_delivery {
	const char *code;
	const struct store_delivery_file *files;
	size_t n_files;
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
	/* a withdrawal (and promotion) it causes (store_programme.h), or
	   NULL */
	const struct store_change *change;
	/* a delivery it records, or NULL */
	const struct store_delivery *delivery;
	/* a mail of ours that came back (store_outbox.h), or NULL */
	const struct store_bounce *bounce;
};

/* 1 if addr (without case) is a contact of a municipality, 0 if not. */
int store_contact_known(struct store *s, const char *addr, char **error_r);
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
/* The deliveries of code received after since in *count_r: 0 or -1. */
int store_deliveries_since(struct store *s, const char *code, time_t since,
			   unsigned *count_r, char **error_r);
/* The code of the first confirmed municipality addr is a contact of
   (case folded) in *code_r (heap): 1; 0 when none (*code_r NULL). */
int store_participant(struct store *s, const char *addr, char **code_r,
		      char **error_r);
/* Records everything in one transaction; *id_r gets the message row. */
int store_record_message(struct store *s, const struct store_record *r,
			 int64_t *id_r, char **error_r);

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
/* The attempts counted at a message so far (0: none). */
int store_attempt_count(struct store *s, const char *mailbox,
			const char *msgkey, unsigned *count_r, char **error_r);
/* One attempt more at each of n messages, in one commit: intake's group
   marks its batch before it handles any of it (intake.c). */
int store_attempts_mark(struct store *s, const char *mailbox,
			const char *const *msgkeys, size_t n, time_t now,
			char **error_r);

/* Where intake stands in a mailbox: UIDVALIDITY and the last UID whose
   message (and every one before it) is recorded; 0 0 when unknown. */
int store_mailbox_position(struct store *s, const char *mailbox,
			   uint32_t *validity_r, uint32_t *last_r,
			   char **error_r);
int store_set_mailbox_position(struct store *s, const char *mailbox,
			       uint32_t validity, uint32_t last, time_t now,
			       char **error_r);

/* The place on the waiting list that a message takes (message: its id,
   or 0 when not recorded yet: then by the arrival intake gave mailbox
   and msgkey): 1 + the waiting enrolments that arrived before it. */
int store_place_for(struct store *s, const char *mailbox, const char *msgkey,
		    int64_t message, size_t *place_r, char **error_r);

#endif
