/*
 * The SQL of store.c, kept apart so the schema reads as one piece:
 * migrations (applied in order, numbered by PRAGMA user_version), the
 * statements store.c prepares once per connection, and the named read-only
 * reports the command line shows.
 */
#ifndef AANMELD_STORE_SQL_H
#define AANMELD_STORE_SQL_H

#include <stddef.h>

enum store_stmt {
	STMT_MESSAGE_KNOWN,
	STMT_ENROLLED,
	STMT_ANSWERS_SINCE,
	STMT_OUTSIDER_ANSWERS_SINCE,
	STMT_INSERT_MESSAGE,
	STMT_INSERT_ENROLMENT,
	STMT_INSERT_CONTACT,
	STMT_INSERT_REVIEW,
	STMT_INSERT_OUTBOX,
	STMT_INSERT_ACTION,
	STMT_INSERT_AUDIT,
	STMT_OUTBOX_DUE,
	STMT_OUTBOX_CLAIM,
	STMT_OUTBOX_SENT,
	STMT_OUTBOX_SENT_UNCLAIMED,
	STMT_OUTBOX_RETRY,
	STMT_OUTBOX_REQUEUE,
	STMT_OUTBOX_RCPT,
	STMT_REVIEW_FOR_OUTBOX,
	STMT_ACTIONS_DUE,
	STMT_ACTION_DONE,
	STMT_REPORT_LIST,
	STMT_REPORT_QUEUE,
	STMT_REPORT_MESSAGE,
	STMT_REPORT_OUTBOX,
	STMT_REPORT_SENT_FOR,
	STMT_REPORT_MESSAGES,
	STMT_ATTEMPT_BEGIN,
	STMT_ATTEMPT_COUNT,
	STMT_ATTEMPT_END,
	STMT_REPORT_DECISIONS,
	STMT_LAST_MESSAGE,
	STMT_OUTBOX_COUNTS,
	STMT_POSITION_GET,
	STMT_POSITION_SET,
	STMT_ACTION_FAILED,
	STMT_OUTBOX_KEY,
	STMT_SCHEDULE_STATE,
	STMT_SCHEDULE_CHANGED,
	STMT_SCHEDULE_EVALUATED,
	STMT_SCHEDULE_FORGET,
	STMT_PARTICIPANT,
	STMT_INSERT_DELIVERY,
	STMT_INSERT_DELIVERY_FILE,
	STMT_CONTACT_ITEM,
	STMT_CONTACT_SENT,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	/* bounces (store_outbox_bounce()) and the contacts they mark */
	STMT_OUTBOX_BY_MESSAGE_ID,
	STMT_OUTBOX_BOUNCED,
	STMT_CONTACT_UNDELIVERABLE,
	STMT_OUTBOX_HOLD,
	STMT_CONTACT_KNOWN,
	STMT_PLACE_FOR,
	STMT_DELIVERIES_SINCE,
	STMT_COUNT
};

/* A row's state as staff see it.  'sending': claimed by the sender and
   not yet marked sent or failed (or the daemon stopped in between and
   sends it again); it can no longer be cancelled, since it may be out. */
#define STORE_OUTBOX_STATE_SQL                                                 \
	"CASE WHEN bounced_at IS NOT NULL THEN 'bounced'"                      \
	" WHEN cancelled_at IS NOT NULL THEN 'cancelled'"                      \
	" WHEN status = 'queued' AND claimed_at IS NOT NULL"                   \
	" THEN 'sending'"                                                      \
	" WHEN status = 'queued' AND attempts > 0 THEN 'retrying'"             \
	" ELSE status END"

/* The place on the waiting list of the enrolment e (an SQL alias):
   1 + the waiting ones that arrived before it; NULL when not waiting.
   The one number of the letters, aanmeld list, the export and the
   summary. */
#define STORE_PLACE_SQL(e)                                                     \
	"CASE WHEN " e ".status = 'waitlist' THEN (SELECT 1 + count(*)"        \
	" FROM enrolments w WHERE w.status = 'waitlist'"                       \
	" AND w.arrival < " e ".arrival) END"

extern const char *const store_migrations[];
extern const size_t store_n_migrations;
extern const char *const store_sql[STMT_COUNT];

/* The statement of report name ("list", "queue", "message", "outbox",
   "sent-for", "messages"); 0, or -1 when there is none. */
int store_report_stmt(const char *name, enum store_stmt *id_r);

#endif
