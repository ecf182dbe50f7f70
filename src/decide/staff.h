/*
 * Telling staff: when the daily summary is due, when the mailbox has been
 * unreachable long enough for a warning, and the Dutch texts of those
 * mails (rules/templates/staff-*.txt).  Pure: the caller passes the rows
 * and the time; staff_cycle.c does the reading, queueing and remembering.
 */
#ifndef AANMELD_STAFF_H
#define AANMELD_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct rules;

/* Longest error text kept for `aanmeld status`; longer text is cut. */
#define STAFF_ERROR_MAX 300
/* How many distinct errors are kept. */
#define STAFF_ERRORS_KEPT 5
/* Longest period key, "YYYY-MM-DD" and the NUL. */
#define STAFF_PERIOD_MAX 11
/* From this many days before the text deadline on, the summary names
   the municipalities whose text has not come in. */
#define STAFF_DELIVERY_WARN_DAYS 14
/* A remote server's reply to a mail that came back is cut at this many
   bytes in the summary (the whole reply is in aanmeld outbox). */
#define STAFF_BOUNCE_REPLY_MAX 160

/* An open review item, as the summary lists it (all strings may be
   NULL). */
struct staff_review {
	int64_t id;
	int64_t message;
	time_t created_at;
	char *sender;
	char *subject;
	char *suggested;    /* a CBS code */
	char *reason;	    /* as stored: English words joined by "; " */
	char *reason_codes; /* the same as data (reason.h), NULL in old rows */
};

/* An enrolment (confirmed or on the waiting list). */
struct staff_enrolment {
	char *code;
	char *name;
	char *status;
	char *contact; /* the first contact's address */
	time_t enrolled_at;
	size_t place; /* on the waiting list, as its letter says; 0 if not */
};

/* A mail that could not be delivered (outbox status failed). */
struct staff_failed {
	int64_t id;
	char *kind;
	char *rcpt;
	char *error;
	time_t created_at;
};

/* Something that happened since the previous summary, for a news
   section: when, the municipality, and for an answer to an invitation
   its status ("accepted", "declined", "tentative") and session (0: an
   item that is no session). */
struct staff_event {
	time_t at;
	char *code;
	char *name;
	char *status;
	long session;
};

/* A text delivered since the previous summary (deliveries, delivery_files):
   its version counts the municipality's deliveries up to this one. */
struct staff_delivery {
	time_t at;
	char *code;
	char *name;
	unsigned version;
	char *files; /* the kept files' names joined by ", "; NULL: none */
};

/* A mail of ours that came back since the previous summary: its kind,
   the address, the municipality it is a contact of (code and name NULL
   when it is none) and the remote server's reply. */
struct staff_bounce {
	time_t at;
	char *kind;
	char *rcpt;
	char *code;
	char *name;
	char *reply;
};

/* What a summary lists; the arrays are owned (staff_summary_deinit).
   A new news section: its array here, its loader in store_staff.c
   (store_staff_summary() and store_staff_news()), and its row in
   staff.c's news_sections[] table. */
struct staff_summary {
	time_t since; /* the previous summary, 0 for none */
	struct staff_review *reviews;
	size_t n_reviews;
	struct staff_enrolment *enrolled; /* new since the previous one */
	size_t n_enrolled;
	struct staff_enrolment *waitlist; /* in order */
	size_t n_waitlist;
	struct staff_failed *failed;
	size_t n_failed;
	struct staff_event *withdrawn; /* news since the previous one */
	size_t n_withdrawn;
	struct staff_event *promoted;
	size_t n_promoted;
	struct staff_event *answers; /* to invitations */
	size_t n_answers;
	struct staff_delivery *deliveries;
	size_t n_deliveries;
	/* confirmed municipalities without a delivery at all (code and
	   name); named from STAFF_DELIVERY_WARN_DAYS before the deadline */
	struct staff_event *undelivered;
	size_t n_undelivered;
	struct staff_bounce *bounces;
	size_t n_bounces;
	size_t confirmed;    /* places taken */
	int64_t last_review; /* highest review item id: the next mark */
};
void staff_summary_deinit(struct staff_summary *s);

/*
 * The period now falls in: the latest local time at_minute (minutes after
 * midnight) on a day whose number since 1970-01-01 is a multiple of
 * every_days, at or before now.  Writes its date "YYYY-MM-DD" (the key of
 * its summary) into key and returns 0; -1 when now is out of range.
 */
int staff_period(time_t now, unsigned at_minute, unsigned every_days,
		 char key[STAFF_PERIOD_MAX]);

enum staff_summary_step {
	STAFF_SUMMARY_WAIT,	/* this period was decided already */
	STAFF_SUMMARY_BASELINE, /* the first run: remember the period only */
	STAFF_SUMMARY_SKIP,	/* a new period with nothing new: none */
	STAFF_SUMMARY_SEND,	/* a new period with something new */
};
/* What to do in period, when last_period (NULL: none yet) was the last
   one decided and news says whether anything is new since the last
   summary sent.  Summaries go out in the first cycle of a period, so at
   summary_at when the daemon runs then; one that comes later in the
   period waits for the next.  A period before last_period (the clock
   set back) waits too. */
enum staff_summary_step staff_summary_step(const char *period,
					   const char *last_period, bool news);

enum staff_poll_step {
	STAFF_POLL_NONE,
	STAFF_POLL_WARN,      /* send the one warning of this outage */
	STAFF_POLL_RECOVERED, /* polling works again after a warning */
};
/* After a poll (ok or not) at now: last_ok is the last successful poll
   before it (0: never), down_since the first failed one since (0: none),
   warned_at when this outage's warning went out (0: not yet). */
enum staff_poll_step staff_poll_step(bool ok, time_t now, time_t last_ok,
				     time_t down_since, time_t warned_at,
				     time_t warn_after);
/* When the mailbox was last seen working, for the warning's text. */
time_t staff_down_since(time_t last_ok, time_t down_since);

/* The reason of a review item in Dutch for staff, from its codes
   (reason_list_encode()): the reasons that only say why a mail was fine
   left out.  Without codes (a row from before they were stored) a Dutch
   sentence saying so: stored, the English words, never reach staff.
   Heap string, caller frees. */
char *staff_reason_text(const char *stored, const char *codes);
/* What failed, from a kept error's codes, as a Dutch sentence without
   its full stop (REASON_OP_UNKNOWN's text without codes).  Heap. */
char *staff_error_text(const char *codes);

/* An error as status keeps it: control characters as spaces, a
   password in a URL ("scheme://user:secret@") masked, cut at
   STAFF_ERROR_MAX bytes on a character boundary.  Heap, caller frees. */
char *staff_error_clean(const char *text);

/*
 * The subject and body of the summary, from staff-summary.txt in r's
 * templates; review_folder is the mailbox's review folder (Beoordelen);
 * web_url, when not NULL, is aanmeld-web's address ([web] url): each
 * review item then gets its page's link, else the command that shows it.
 * Heap strings, caller frees.
 */
void staff_summary_render(const struct staff_summary *s, const struct rules *r,
			  const char *review_folder, const char *web_url,
			  time_t now, char **subject_r, char **body_r);
/* The warning (staff-warning.txt), telling what failed in Dutch from
   codes (the kept error's, may be NULL), and the all-clear
   (staff-recovered.txt). */
void staff_warning_render(const struct rules *r, time_t since,
			  const char *codes, char **subject_r, char **body_r);
void staff_recovered_render(const struct rules *r, time_t since, time_t now,
			    char **subject_r, char **body_r);

#endif
