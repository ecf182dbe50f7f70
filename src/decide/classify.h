/*
 * The verdict on one message: a pure function of the parsed message, the
 * rules, what the store knows (struct classify_state) and the time, with
 * its reasons as codes (reason.h) and in words.  It never touches the
 * database, the network or the clock.
 *
 * RFC 3834 decides which mail is from a machine and is never answered;
 * RFC 8601/7489 which Authentication-Results may be believed.
 */
#ifndef AANMELD_CLASSIFY_H
#define AANMELD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "itip_reply.h"
#include "reason.h"
#include "template.h"

struct gemeente;
struct message;
struct rules;

enum verdict {
	VERDICT_ENROL,	    /* confirmed place */
	VERDICT_WAITLIST,   /* full: on the waiting list */
	VERDICT_CLOSED,	    /* after the enrolment closing time */
	VERDICT_DUPLICATE,  /* the municipality is already enrolled */
	VERDICT_REJECT,	    /* not a municipality */
	VERDICT_REVIEW,	    /* a person must decide */
	VERDICT_IGNORE,	    /* machine or unrelated mail: no answer */
	VERDICT_ATTENDANCE, /* an answer to an invitation: recorded, no
			       answer */
	VERDICT_WITHDRAW,   /* an enrolled municipality withdraws */
	VERDICT_DELIVER,    /* a participant delivers its text */
	VERDICT_BOUNCE,	    /* a mail of ours came back: the contact is
			       marked, staff are told, no answer */
	VERDICT_COUNT
};

struct classify_settings {
	const char *own_address;	 /* the event's address */
	const char *message_id_domain;	 /* domain of our Message-IDs */
	const char *trusted_authserv_id; /* NULL or "": trust no header */
	bool trust_unlabelled_authres;	 /* Microsoft 365 writes no id */
};

/* What the store knows of the attendee of an answer to an invitation
   (VERDICT_ATTENDANCE), found after a first classify() from the reply's
   ATTENDEE and UID (attendance_lookup()). */
struct classify_attendee {
	/* its first municipality as a contact, or NULL: no contact of an
	   enrolled municipality */
	const char *code;
	/* the highest SEQUENCE we sent of the item to it, as a contact of
	   any of its municipalities */
	unsigned sent;
	/* the answer recorded for code and the item, or NULL for none */
	const char *recorded;
	unsigned recorded_sequence;
	time_t recorded_at;
};

/* What the store knows of the mail a bounce returns (VERDICT_BOUNCE),
   found by its Message-ID after a first classify(). */
struct classify_bounce {
	bool found;	  /* the outbox holds a mail with that Message-ID */
	const char *rcpt; /* and it was sent to rcpt */
};

struct classify_state {
	const char *const *enrolled; /* codes enrolled or waitlisted */
	size_t n_enrolled;
	size_t confirmed; /* confirmed places taken */
	/* the municipality of the message withdrew before (its code and
	   name as enrolled), or NULL: a new enrolment is for staff */
	const char *withdrawn_code, *withdrawn_name;
	/* why a withdrawal could not be carried out, or NULL */
	const char *withdraw_failed;
	/* what the store knows of the attendee of a reply, or NULL before
	   it is looked up: then an answer stays VERDICT_ATTENDANCE */
	const struct classify_attendee *attendee;
	/* the confirmed municipality (its code) the sender is a contact
	   of, or NULL: its mail with an attachment, or matching a deliver
	   rule, is a delivery ([deadline] deliverable) */
	const char *participant;
	/* deliveries of participant in the 24 hours before now: from
	   [deadline] max_deliveries_per_day on, a delivery is for a
	   person */
	unsigned deliveries_today;
	/* the sender is a contact of a municipality: its mail is read by
	   a person even when no rule knows what it is about */
	bool contact;
	/* what the store knows of the mail a bounce returns, or NULL
	   before it is looked up: then a bounce of a Message-ID of ours
	   stays VERDICT_BOUNCE */
	const struct classify_bounce *bounce;
};

struct classification {
	enum verdict verdict;
	/* the municipality; for review the suggested one, or NULL */
	const struct gemeente *gemeente;
	char *reasons;		  /* codes in English, "; "-separated, heap */
	struct reason_list codes; /* the reasons as data */
	bool answer;		  /* send the verdict's template */
	enum template_kind template;
	/* VERDICT_ATTENDANCE: the reply (owned) and the item it answers
	   (a session number, PROGRAMME_DEADLINE or PROGRAMME_CONGRESS) */
	struct itip_reply reply;
	unsigned item;
	/* and when it was answered: its DTSTAMP, or now for a reply
	   without one or from the future (it would outrank every later
	   answer) */
	time_t replied_at;
};

/* Fills *out; release it with classification_deinit(). */
void classify(const struct message *msg, const struct rules *rules,
	      const struct classify_settings *settings,
	      const struct classify_state *state, time_t now,
	      struct classification *out);
void classification_deinit(struct classification *c);

const char *verdict_name(enum verdict v);
/* The verdict called name, or -1. */
int verdict_parse(const char *name);

#endif
