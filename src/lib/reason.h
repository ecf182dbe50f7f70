/*
 * Why a message got its verdict, as data: a code and its arguments.  One
 * table (reason.c) holds each code's English text (logs, the CLI, the
 * stored reasons column) and its Dutch text for staff, so that no other
 * module writes reason prose and staff never read a translation guessed
 * back from English.  Pure: no I/O.
 *
 * Adding a code: a line in enum reason_code below (before REASON_COUNT,
 * under its module's heading) and its row in reason.c's table: a name
 * for the stored encoding (never reused), the number of arguments, the
 * English and the Dutch text (%1..%6), and QUIET when it only says why
 * a mail was fine.  test-reason fails on a code without Dutch.
 */
#ifndef AANMELD_REASON_H
#define AANMELD_REASON_H

#include <stdbool.h>
#include <stddef.h>

/* The most arguments a code takes (REASON_MERGED). */
#define REASON_ARGS 6
/* Longest argument kept: a longer one (attacker text, at most) is cut on
   a character boundary and ends in "...", so a reason always shows that
   its argument was there, and a list encodes to far less than
   REASON_ENCODED_MAX. */
#define REASON_ARG_MAX 1024
/* Longest encoded list reason_list_decode() accepts. */
#define REASON_ENCODED_MAX (1024 * 1024)

enum reason_code {
	/* classify.c: authentication */
	REASON_AUTH_UNTRUSTED,
	REASON_AUTH_RESULTS,
	REASON_AUTH_FORGED,
	REASON_AUTH_NONE,
	REASON_ATTENDANCE_NOT_RECORDED,
	/* classify.c: who the sender speaks for */
	REASON_SENDER_RULE_ALLOW,
	REASON_SENDER_RULE_DENY,
	REASON_SENDER_RULE_REVIEW,
	REASON_SHARED_ORG,
	REASON_LOOKALIKE,
	REASON_NAME_CLAIM,
	REASON_NOT_MUNICIPALITY,
	REASON_NO_DOMAIN,
	REASON_MERGED,
	REASON_SUBDOMAIN,
	REASON_MUNICIPALITY,
	/* classify.c: the state of the enrolment */
	REASON_ENROLLED_ALREADY,
	REASON_NOT_OPEN,
	REASON_CLOSED,
	REASON_FULL,
	REASON_PLACE,
	REASON_WITHDREW_EARLIER,
	/* classify.c: answers to invitations */
	REASON_CAL_NO_ANSWER,
	REASON_CAL_UNREADABLE,
	REASON_CAL_UNKNOWN_EVENT,
	REASON_CAL_PARTSTAT,
	REASON_CAL_WRONG_SENDER,
	REASON_CAL_REPLY,
	REASON_CAL_COUNTER,
	REASON_ATTENDANCE,
	/* classify.c: withdrawals */
	REASON_WITHDRAW_UNKNOWN,
	REASON_WITHDRAWAL,
	REASON_WITHDRAW_NOT_ENROLLED,
	REASON_WITHDRAW_FAILED,
	/* classify.c: the subject */
	REASON_REPLY_TO_US,
	REASON_SUBJECT_RULE_FAILED,
	REASON_SUBJECT_NO_RULE,
	REASON_SUBJECT_RULE,
	REASON_SUBJECT_REVIEW,
	/* machine.c */
	REASON_NO_FROM_AT_ALL,
	REASON_AUTO_SUBMITTED,
	REASON_NULL_RETURN_PATH,
	REASON_MACHINE_SENDER,
	REASON_NULL_FROM,
	REASON_DELIVERY_REPORT,
	REASON_AUTOREPLY_HEADER,
	REASON_AWAY_SUBJECT,
	REASON_AWAY_BODY,
	REASON_MAILING_LIST,
	REASON_PRECEDENCE,
	REASON_OWN_ADDRESS,
	REASON_INVITE_REPLY,
	REASON_SUBJECT_AWAY,
	REASON_SUBJECT_BOUNCE,
	/* message.c, message_body.c, message_worker.c: the mail itself */
	REASON_BARE_CR,
	REASON_CONTINUATION_FIRST,
	REASON_MALFORMED_LINE,
	REASON_MIXED_LINE_ENDS,
	REASON_BAD_BOUNDARY,
	REASON_NESTING_SCAN,
	REASON_FROM_ADDRESSES,
	REASON_HEADER_UNPARSABLE,
	REASON_NO_FROM,
	REASON_FROM_MISMATCH,
	REASON_FROM_FIELDS,
	REASON_FROM_NOT_ONE,
	REASON_FROM_INVALID,
	REASON_TOO_BIG,
	REASON_HEADER_TOO_BIG,
	REASON_NUL_HEADER,
	REASON_TOO_MANY_FIELDS,
	REASON_MIME_UNPARSABLE,
	REASON_MIME_TOO_DEEP,
	REASON_MIME_TOO_MANY,
	REASON_PARSER_DIED,
	/* intake.c: past INTAKE_ATTEMPTS_MAX */
	REASON_QUARANTINE,
	/* attendance.c */
	REASON_ATT_NO_CONTACT,
	REASON_ATT_SEQUENCE,
	REASON_ATT_SUPERSEDED,
	/* store: a mail that could not be delivered */
	REASON_MAIL_FAILED,
	/* review.c: an item about no message */
	REASON_NO_MESSAGE,
	/* classify.c: a participant's text ([deadline] deliverable) */
	REASON_DELIVERY,
	REASON_DELIVERY_NOT_PARTICIPANT,
	REASON_DELIVERY_TOO_LARGE,
	/* classify.c: a person's mail that no rule understands */
	REASON_NO_INTENT,
	/* classify.c: a bounce of our own mail (bounce.h) */
	REASON_BOUNCED,
	REASON_BOUNCED_NO_REPLY,
	REASON_BOUNCE_DELAYED,
	REASON_BOUNCE_NOT_OURS,
	REASON_BOUNCE_WRONG_RCPT,
	/* cycle.c, actions.c: the daemon's own trouble (staff warning) */
	REASON_OP_MAILBOX,
	REASON_OP_SMTP,
	REASON_OP_FOLDER,
	REASON_OP_MOVES,
	REASON_OP_DATABASE,
	REASON_OP_SCHEDULE,
	REASON_OP_UNKNOWN, /* a kept error from before the codes */
	REASON_DELIVERY_EMPTY,
	/* classify.c: a mail of ours given up on after a temporary failure */
	REASON_BOUNCE_TRANSIENT,
	REASON_BOUNCE_REFUSED,
	/* classify.c: past [deadline] max_deliveries_per_day */
	REASON_DELIVERY_LIMIT,
	REASON_COUNT
};

/* One reason; it owns its arguments (NULL past the code's count). */
struct reason {
	enum reason_code code;
	char *arg[REASON_ARGS];
};

/* Reasons in the order they were found; owns them. */
struct reason_list {
	struct reason *v;
	size_t n;
};

/* The code's name in the stored encoding ("lookalike"), its number of
   arguments, its English and Dutch texts (%1 to %6 stand for the
   arguments; every code has both).  Static strings.  reason_quiet():
   the code only says why a mail was fine, and staff lists leave it out
   beside others. */
const char *reason_name(enum reason_code code);
size_t reason_nargs(enum reason_code code);
const char *reason_english_text(enum reason_code code);
const char *reason_dutch_text(enum reason_code code);
bool reason_quiet(enum reason_code code);
/* The code called name, or -1. */
int reason_parse_name(const char *name);

/* Fills *r with code and copies of its reason_nargs(code) arguments,
   given as const char * (NULL stands for "").  Release with
   reason_deinit(). */
void reason_set(struct reason *r, enum reason_code code, ...);
/* The same as a heap object, released with reason_free(). */
struct reason *reason_new(enum reason_code code, ...);
void reason_copy(struct reason *dst, const struct reason *src);
void reason_deinit(struct reason *r);
void reason_free(struct reason *r);

/* The English or Dutch text of r, arguments filled in.  Heap, caller
   frees. */
char *reason_english(const struct reason *r);
char *reason_dutch(const struct reason *r);

/* Appends a reason with code and its arguments, as reason_set(). */
void reason_list_add(struct reason_list *l, enum reason_code code, ...);
/* Appends a copy of r. */
void reason_list_add_copy(struct reason_list *l, const struct reason *r);
void reason_list_deinit(struct reason_list *l);

/* The English texts joined by "; " ("" for none).  Heap. */
char *reason_list_english(const struct reason_list *l);
/* The Dutch texts for staff joined by "; ", the quiet ones left out
   unless all are.  Never English.  Heap. */
char *reason_list_dutch(const struct reason_list *l);

/* The list as stored beside its English text: JSON, an array of arrays
   of the code's name and its arguments.  Heap. */
char *reason_list_encode(const struct reason_list *l);
/* Fills *l from text; -1 (and *l empty) when it is not such a list or
   names an unknown code. */
int reason_list_decode(const char *text, struct reason_list *l);

#endif
