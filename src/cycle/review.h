/*
 * Staff decisions on review items: approve (enrol, or the waiting list,
 * with the confirmation and the invitations), reject (the polite answer
 * that the programme is for municipalities only) or dismiss (no answer).
 * Staff decide on the command line (aanmeld approve ID) or by moving a
 * message from Beoordelen to a decision folder (review_folders.h); both
 * end in one transaction, store_review_decide(), which applies a
 * decision once.
 */
#ifndef AANMELD_REVIEW_H
#define AANMELD_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "classify.h"
#include "store.h"

struct config;
struct rules;
struct store_review_item;
struct store_review_state;

enum review_decision {
	REVIEW_APPROVE,
	REVIEW_REJECT,
	REVIEW_DISMISS,
	REVIEW_DECISION_COUNT
};

/* "approve", "reject", "dismiss"; parse returns -1 for anything else. */
const char *review_decision_name(enum review_decision d);
int review_decision_parse(const char *name);

/* What a decision does, given what is enrolled: pure, so it is tested on
   its own. */
struct review_outcome {
	enum verdict verdict; /* ENROL, WAITLIST, DUPLICATE, REJECT, IGNORE */
	enum store_enrol enrol;
	bool answer;
	enum template_kind template;
	size_t position; /* on the waiting list */
};
void review_outcome(enum review_decision d, const char *code, bool silent,
		    long capacity, const struct store_review_state *state,
		    struct review_outcome *out);

/* The folder a decided message goes to (from the config). */
const char *review_folder(const struct config *config, enum verdict v);

struct review {
	const struct config *config;
	const struct rules *rules;
	struct store *store;
};

struct review_request {
	int64_t item;
	enum review_decision decision;
	const char *code; /* approve: the municipality; NULL: the suggested */
	bool silent;	  /* reject without an answer */
	bool dutch;	  /* a refusal's why in Dutch (a page), not English */
	const char *actor;
	/* where the message is now (its move starts there) */
	const char *mailbox;
	const char *msgkey;
	time_t now;
};

/* review_decide()'s results besides -1 */
#define REVIEW_ALREADY 0	 /* decided before: nothing done */
#define REVIEW_APPLIED 1	 /* done */
#define REVIEW_NO_MUNICIPALITY 2 /* approve without one: back to review */
#define REVIEW_NOT_FOUND 3	 /* no such item */
#define REVIEW_CLOSED 4		 /* a bounce or a COUNTER: closed, no mail */
#define REVIEW_REFUSED 5	 /* cannot mean that: refused, item open */

/* Applies q.  *decided_by_r (heap) with REVIEW_ALREADY; *error_r (heap)
   with -1, REVIEW_NO_MUNICIPALITY and REVIEW_REFUSED (why) and with
   REVIEW_CLOSED (what closing it left as it was). */
int review_decide(const struct review *r, const struct review_request *q,
		  char **decided_by_r, char **error_r);
/* review_decide() for an item read already and still open: the decision
   folders find it by its message. */
int review_decide_item(const struct review *r, const struct review_request *q,
		       const struct store_review_item *it, char **decided_by_r,
		       char **error_r);

#endif
