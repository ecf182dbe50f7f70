/*
 * The scheduler: which reminders, updated invitations and cancellations
 * are due.  Pure: it takes the programme, the contacts of the enrolled
 * municipalities, what the store knows of each session, and now, and
 * returns mails with unique keys; it never touches the database, the
 * clock or the network.  The caller queues each mail whose key is not in
 * the outbox yet, so running it twice, or after a crash, sends nothing
 * twice.
 *
 * The rules:
 * - only confirmed municipalities get anything (not the waiting list,
 *   not a withdrawn one);
 * - a reminder is due from its moment (programme_offset_before) until the
 *   item starts; of the reminders of one item only the latest due one is
 *   sent, so a daemon that was down sends one reminder, not a pile, and
 *   nothing after the session has begun;
 * - the deadline's reminders go only to municipalities that have not
 *   delivered their text (schedule_contact.delivered);
 * - a reminder whose moment lay before the contact got its invitations
 *   (it enrolled, was promoted or was added later) is never sent;
 * - a contact gets an invitation to each session still to come that its
 *   calendar does not hold (a contact added later, a session added), and
 *   only a contact whose calendar holds a session (struct schedule_sent)
 *   gets its update (REQUEST, the store's SEQUENCE) when its time, title
 *   or link changed, or its CANCEL when it was removed, while it is still
 *   to come;
 * - a contact that declined a session gets no reminder of it;
 * - when a session changed or was removed after a contact got its
 *   invitations, it gets the programme overview anew, once per change,
 *   while a session is still to come.
 *
 * Moments are local time in the programme's zone (TZ, set by
 * programme_load): "7d before 13:30" is 13:30 local, summer time or not.
 * The reminders of the text deadline fall at SCHEDULE_DEADLINE_HOUR local
 * time, days before the deadline's date.
 */
#ifndef AANMELD_SCHEDULE_H
#define AANMELD_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "programme.h"

#define SCHEDULE_DEADLINE_HOUR 9

enum schedule_status {
	SCHEDULE_CONFIRMED,
	SCHEDULE_WAITLIST,
	SCHEDULE_WITHDRAWN,
};

/* What the store knows of one session for one contact: what its
   calendar holds, and whether it declined. */
struct schedule_sent {
	unsigned number;
	unsigned sequence; /* the stored SEQUENCE of the version sent */
	bool invited;	   /* an invitation (or update) was queued */
	bool cancelled;	   /* and then a CANCEL */
	bool declined;	   /* its latest answer is "declined" */
};

/* One contact of an enrolled municipality.  Borrowed strings. */
struct schedule_contact {
	const char *code;	  /* CBS code, "GM0344" */
	const char *municipality; /* its name */
	const char *addr;
	const char *name; /* may be NULL */
	enum schedule_status status;
	time_t since;	/* when it got its invitations: the later of the
			   contact's addition and the confirmation */
	unsigned round; /* 1; 2 after a withdrawal and a new enrolment, ...;
			   0 counts as 1 */
	bool delivered; /* its municipality delivered its text: no
			   reminders of the deadline */
	const struct schedule_sent *sent; /* per session, in this round; n_sent
					     of them, borrowed */
	size_t n_sent;
};

/* What the store knows of a session since it was first seen. */
struct schedule_item {
	unsigned number;
	unsigned sequence; /* SEQUENCE of the last version sent */
	time_t changed_at; /* when that version was first seen */
	bool removed;	   /* gone from programme.conf */
	time_t start;	   /* of the stored version */
};

enum schedule_kind {
	SCHEDULE_REMINDER_SESSION,
	SCHEDULE_REMINDER_DEADLINE,
	SCHEDULE_UPDATE,    /* REQUEST with the new SEQUENCE */
	SCHEDULE_CANCEL,    /* the session was removed: CANCEL */
	SCHEDULE_INVITE,    /* a session its calendar does not hold yet */
	SCHEDULE_PROGRAMME, /* the programme changed: the overview anew */
};

struct schedule_mail {
	enum schedule_kind kind;
	const struct schedule_contact *to; /* one of the caller's */
	unsigned number;		   /* the session; 0: the deadline */
	unsigned sequence; /* UPDATE, CANCEL; PROGRAMME: its PUBLISH's */
	time_t at;	   /* when it is (or was) due */
	char offset[16];   /* reminders: "7d" */
	char *key; /* unique, heap: "reminder:<code>:<addr>:session-<n>:7d",
		      "reminder:<code>:<addr>:deadline:14d",
		      "invitation:<code>:<addr>:<n>" (a first one),
		      "invitation:<code>:<addr>:<n>:<seq>",
		      "cancel:<code>:<addr>:<n>:<seq>",
		      "programme:<code>:<addr>:<changed_at>" (addr lower
		      case),
		      each with ":r<round>" from round 2 on */
};

/*
 * The outbox key of a mail to a contact: "what:code:token[:tail]" (the
 * address's addrhash_token(), so the key names nobody after forget or
 * the purge), and ":r<round>" from the second enrolment round on, so a
 * municipality that withdrew and enrolled again gets its mails anew.
 * Heap, caller frees.
 */
char *schedule_key(const char *what, const char *code, const char *addr,
		   unsigned round, const char *tail);

/*
 * The SEQUENCE a contact's calendar gets of an item whose stored version
 * is sequence: two more per round, so the invitation of a new enrolment
 * is later than the CANCEL (sequence + 1) of the withdrawal before it,
 * for the same UID.
 */
unsigned schedule_sequence(unsigned sequence, unsigned round);

/* What c's calendar holds of session number, or NULL: nothing. */
const struct schedule_sent *schedule_sent_of(const struct schedule_contact *c,
					     unsigned number);

/* The SEQUENCE of the programme overview (PUBLISH) as the store knows
   the sessions: the sum of theirs, so it grows with every change. */
unsigned schedule_programme_sequence(const struct schedule_item *items,
				     size_t n);

/* The stored SEQUENCE of session number; 0 when the store has none. */
unsigned schedule_item_sequence(const struct schedule_item *items, size_t n,
				unsigned number);

/*
 * The mails due at now, in the order of the contacts, then the items.
 * *mails_r is a heap array (free with schedule_free()), NULL when *n_r is
 * 0.
 */
void schedule_due(const struct programme *p,
		  const struct schedule_contact *contacts, size_t n_contacts,
		  const struct schedule_item *items, size_t n_items, time_t now,
		  struct schedule_mail **mails_r, size_t *n_r);

/*
 * Every reminder from now on (for aanmeld remind --dry-run): those due
 * now and every later one, by moment, then key.
 */
void schedule_plan(const struct programme *p,
		   const struct schedule_contact *contacts, size_t n_contacts,
		   time_t now, struct schedule_mail **mails_r, size_t *n_r);

void schedule_free(struct schedule_mail *mails, size_t n);

/*
 * The first reminder moment of any item after after, or 0 when none is
 * left.  Between two moments schedule_due() of the same contacts and
 * items only loses mails (an item begins), never gains one: a caller that
 * queued everything due at t need not ask again before the first moment
 * after t, unless its contacts, items or programme change.
 */
time_t schedule_next_moment(const struct programme *p, time_t after);

/*
 * A 64-bit hash (FNV-1a) of everything of p that schedule_due() and
 * schedule_next_moment() read: the sessions, the deadline, the reminders
 * and the time zone.  Equal programmes hash equal; a reloaded programme
 * that differs almost surely does not.
 */
uint64_t schedule_programme_hash(const struct programme *p);

/* "reminder-session", "reminder-deadline", "update", "cancel",
   "invitation", "programme". */
const char *schedule_kind_name(enum schedule_kind kind);

/* The moment of the deadline's reminder o; the deadline's end is the end
   of its day. */
time_t schedule_deadline_moment(const struct programme *p,
				const struct programme_offset *o);
time_t schedule_deadline_end(const struct programme *p);

#endif
