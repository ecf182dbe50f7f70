/*
 * Who takes part: a municipality withdraws (by mail or aanmeld withdraw),
 * and the first on the waiting list is promoted (automatically when a
 * confirmed place comes free, or by aanmeld promote).  This module plans
 * such a change: the status updates and every mail they cause, so that
 * the store applies all of it in one transaction with an audit row
 * (store_programme_apply, store_programme_change).
 *
 * A withdrawal of a confirmed municipality: a CANCEL of each session
 * still to come to each of its contacts, withdrawn.txt to each contact,
 * and, when that frees a place, the promotion of the first on the
 * waiting list (oldest enrolment).  A withdrawal from the waiting list:
 * only withdrawn.txt.  A promotion: confirm.txt and an invitation to each
 * session still to come, to each contact.
 */
#ifndef AANMELD_ROSTER_H
#define AANMELD_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "outmail.h"
#include "store_programme.h"

struct config;
struct message;
struct rules;
struct store;

/* Why a plan was refused: what the programme's state does not allow,
   as opposed to a store or mail error (ROSTER_NOT_REFUSED). */
enum roster_refusal {
	ROSTER_NOT_REFUSED,
	ROSTER_NOT_ENROLLED,
	ROSTER_WITHDRAWN,   /* withdraw: withdrawn already */
	ROSTER_NOT_WAITING, /* promote: not on the waiting list */
	ROSTER_NO_WAITING,  /* promote: the waiting list is empty */
	ROSTER_FULL,	    /* promote: no place free, and no force */
};

struct roster_plan {
	struct store_change change; /* points into the fields below */
	char *withdraw;
	char *promote;
	char *detail;
	struct outmail_list mails;
	/* after -1 (the plan freed), why it was refused */
	enum roster_refusal refused;
};

/* Plans the withdrawal of code by actor; msg is the withdrawal mail
   (NULL from the command line), to which the confirmation to its sender
   is threaded.  0, or -1 with *error_r (heap): code not enrolled, or a
   mail that cannot be made. */
int roster_plan_withdraw(struct store *s, const struct rules *r,
			 const struct config *cfg, const char *code,
			 const char *actor, const struct message *msg,
			 time_t now, struct roster_plan *plan, char **error_r);
/* Plans the promotion of code (NULL: the first on the waiting list).
   Without force a full programme (capacity) is an error. */
int roster_plan_promote(struct store *s, const struct rules *r,
			const struct config *cfg, const char *code,
			const char *actor, bool force, time_t now,
			struct roster_plan *plan, char **error_r);
void roster_plan_free(struct roster_plan *plan);

#endif
