/*
 * The store's side of the programme running itself: the contacts the
 * scheduler looks at, the state of each session (its last version sent
 * and its SEQUENCE), the mails the scheduler queues, and withdrawals and
 * promotions, each in one transaction with an audit row.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_PROGRAMME_H
#define AANMELD_STORE_PROGRAMME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "schedule.h"

struct programme;
struct store;
struct outmail;

/* A change of the roster, with the mails it causes. */
struct store_change {
	const char *withdraw; /* code to withdraw (confirmed or waitlisted) */
	const char *promote;  /* code to confirm from the waiting list */
	const char *actor;    /* audit: "mailbox", "cli:<user>" */
	const char *detail;   /* audit text, may be NULL */
	const struct outmail *mails; /* queued unless their key is */
	size_t n_mails;
};

/* Every contact of every enrolment, with heap strings; free with
   store_programme_contacts_free(). */
int store_programme_contacts(struct store *s,
			     struct schedule_contact **contacts_r, size_t *n_r,
			     char **error_r);
/* The same for one municipality (a withdrawal, a promotion). */
int store_programme_contacts_of(struct store *s, const char *code,
				struct schedule_contact **contacts_r,
				size_t *n_r, char **error_r);
void store_programme_contacts_free(struct schedule_contact *c, size_t n);

/* The start and end session number had before its last change: 1 with
 *start_r and *end_r, 0 when the store knows none. */
int store_programme_previous(struct store *s, unsigned number, time_t *start_r,
			     time_t *end_r, char **error_r);

/* How far the scheduler has evaluated the programme (remind.c). */
struct store_schedule_state {
	bool evaluated;		 /* false: never (or the state is lost) */
	time_t evaluated_at;	 /* the now of that evaluation */
	time_t next_moment;	 /* the first moment after it; 0: none */
	uint64_t programme_hash; /* schedule_programme_hash() then */
	int64_t last_change;	 /* the newest change noted; 0: none */
};

/* The state, and the newest change of an enrolment or its contacts. */
int store_programme_state(struct store *s, struct store_schedule_state *st,
			  char **error_r);
/* The contacts of the municipalities whose enrolment or contacts
   changed up to change last (as store_programme_contacts()). */
int store_programme_changed_contacts(struct store *s, int64_t last,
				     struct schedule_contact **contacts_r,
				     size_t *n_r, char **error_r);
/* Records an evaluation (evaluated, evaluated_at, next_moment,
   programme_hash) and forgets the changes up to last_change, in one
   transaction. */
int store_programme_evaluated(struct store *s,
			      const struct store_schedule_state *st,
			      char **error_r);

/*
 * Compares p's sessions with the versions last seen (one transaction):
 * a new session is recorded with SEQUENCE 0, a changed one (title,
 * start, end or link) gets SEQUENCE + 1 and changed_at now, one gone from
 * p is marked removed with SEQUENCE + 1 (its CANCEL's).  The first time
 * (an empty table) only records.  Then returns every session's state
 * (heap array, free()).  *changed_r counts the changes.  With commit
 * false (a dry run) nothing is written.
 */
int store_programme_sync(struct store *s, const struct programme *p, time_t now,
			 bool commit, struct schedule_item **items_r,
			 size_t *n_r, unsigned *changed_r, char **error_r);
/* The sessions' states as stored (heap array, free()). */
int store_programme_items(struct store *s, struct schedule_item **items_r,
			  size_t *n_r, char **error_r);
/* The stored version of a removed session, into it (heap strings). */
int store_programme_removed_item(struct store *s, unsigned number,
				 struct programme_item *it, char **error_r);

/* 1 when an outbox row has this key, 0 when not. */
int store_programme_queued(struct store *s, const char *key, char **error_r);
/* The same, with the row's status (queued, sent, failed) in *status_r
   (heap; NULL when there is none). */
int store_programme_queued_status(struct store *s, const char *key,
				  char **status_r, char **error_r);
/* Queues the mails (a key already queued is skipped), one transaction. */
int store_programme_queue(struct store *s, const struct outmail *mails,
			  size_t n, time_t now, char **error_r);
/* The same for mail staff send (aanmeld send), with an audit row what
   per mail queued: by actor, for municipality codes[i], with detail (no
   address in it).  *queued_r counts the mails new in the outbox. */
int store_programme_queue_audited(struct store *s, const struct outmail *mails,
				  const char *const *codes, size_t n,
				  time_t now, const char *actor,
				  const char *what, const char *detail,
				  unsigned *queued_r, char **error_r);

/* The enrolment of code: 1 with *status_r and *name_r (heap), 0 none. */
int store_programme_enrolment(struct store *s, const char *code,
			      char **status_r, char **name_r, char **error_r);
/* The round an enrolment of code now has: 1 when it has none, one more
   than its last when it withdrew, its own otherwise.  0, or -1. */
int store_programme_next_round(struct store *s, const char *code,
			       unsigned *round_r, char **error_r);
/* The first on the waiting list (oldest enrolled_at): 1 with *code_r,
 *name_r (heap), 0 when the list is empty. */
int store_programme_first_waiting(struct store *s, char **code_r, char **name_r,
				  char **error_r);
/* The number of confirmed enrolments. */
int store_programme_confirmed(struct store *s, size_t *n_r, char **error_r);

/* Applies c inside the caller's transaction (store_record_message). */
int store_programme_apply(struct store *s, const struct store_change *c,
			  int64_t message, time_t now, char **error_r);
/* Applies c in a transaction of its own (the command line). */
int store_programme_change(struct store *s, const struct store_change *c,
			   time_t now, char **error_r);

#endif
