/*
 * Staff decisions on review items, in the database.  A decision (from
 * the command line or from a decision folder) is one BEGIN IMMEDIATE
 * transaction that first checks the item is still open, so the same item
 * decided twice at once is applied once; then it writes the enrolment or
 * contact, the mails, the move of the message, the item's decision and
 * an audit row together.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_REVIEW_H
#define AANMELD_STORE_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

/* A review item with its message; every string heap, NULL for NULL. */
struct store_review_item {
	int64_t id;
	int64_t message; /* 0: an item without a message */
	int64_t outbox;	 /* a failed mail's item: its outbox row, else 0 */
	char *status;	 /* "open" or "decided" */
	char *reason;
	char *reason_codes; /* the reasons as coded (reason_list_encode()) */
	char *suggested;    /* the classifier's municipality code */
	char *note;	    /* why it is still open after a decision */
	char *decision;	    /* "approve", "reject", "dismiss" */
	char *decided_by;
	/* the message */
	char *mailbox;
	char *msgkey;
	char *message_id;
	char *sha256;
	char *spool_path;
	char *from_addr;
	char *verdict;
};

/* 1 and *it filled, 0 no such item, -1 error. */
int store_review_get(struct store *s, int64_t id, struct store_review_item *it,
		     char **error_r);
/* The newest review item of message row message: 1, 0 none, -1. */
int store_review_by_message(struct store *s, int64_t message,
			    struct store_review_item *it, char **error_r);
void store_review_item_deinit(struct store_review_item *it);

/* What the decision's builder sees, read inside the transaction. */
struct store_review_state {
	const char *const *enrolled; /* codes confirmed or waitlisted */
	size_t n_enrolled;
	size_t confirmed;
	/* the place on the waiting list the item's message takes, by its
	   arrival; 0 when it has none (after every one waiting) */
	size_t place;
};

/* What a decision causes; the builder owns every pointer, which must stay
   valid until store_review_decide() returns. */
struct store_review_effects {
	const char *verdict;	/* the message's from now on; NULL: unchanged */
	enum store_enrol enrol; /* STORE_ENROL_NONE: no enrolment */
	const char *gemeente_code; /* with enrol */
	const char *gemeente_name;
	const char *from_addr; /* the contact, with enrol */
	const char *from_name;
	const struct outmail *mails; /* answer and invitations */
	size_t n_mails;
	const char *folder; /* where the message goes; NULL: it stays */
	const char *detail; /* for the audit log */
};

/* Fills *out from the state; 0, or -1 with *error_r (the decision is
   then not applied). */
typedef int store_review_build_fn(void *ctx,
				  const struct store_review_state *state,
				  struct store_review_effects *out,
				  char **error_r);

struct store_review_decision {
	int64_t item;
	const char *decision; /* "approve", "reject", "dismiss" */
	const char *actor;    /* "mailbox", "cli:<user>" */
	/* where the message is now, for its move: a mailbox or folder and
	   its key there (or "sha:<hex>", found by its bytes) */
	const char *mailbox;
	const char *msgkey;
	time_t now;
};

/*
 * Applies d in one transaction, calling build inside it.  Returns 1 when
 * applied, 0 when the item was no longer open (*decided_by_r, heap, says
 * by whom; nothing written), -1 on error (nothing written).
 */
int store_review_decide(struct store *s, const struct store_review_decision *d,
			store_review_build_fn *build, void *ctx,
			char **decided_by_r, char **error_r);

/* Leaves the item open with note (why it could not be decided), moves
   the message from mailbox/msgkey to folder and logs it.  0 or -1. */
int store_review_return(struct store *s, const struct store_review_decision *d,
			const char *note, const char *folder, char **error_r);

/* Queues a move of message row message (from mailbox/msgkey) to folder;
   a move of it still waiting goes there too (the first to run moves it,
   the other finds it gone).  In the caller's transaction or alone. */
int store_review_move(struct store *s, int64_t message, const char *mailbox,
		      const char *msgkey, const char *folder, time_t now,
		      char **error_r);

/* The audit log, oldest first (in the order written: with --now each
   process's clock starts anew, so the times need not be in order):
   everything (code and item NULL / 0), a
   municipality's, or a review item's message's.  fn as store_report. */
int store_review_history(struct store *s, const char *code, int64_t item,
			 store_row_fn *fn, void *ctx, char **error_r);

#endif
