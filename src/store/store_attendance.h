/*
 * Attendance: the answers to our calendar invitations, per contact and
 * programme item (store_sql.c, migration "attendance").  The latest
 * answer wins: the higher SEQUENCE (the event's revision answered), then
 * the later DTSTAMP, then the later arrival.
 *
 * Errors come back as -1 with *error_r (heap), as in store.h.
 */
#ifndef AANMELD_STORE_ATTENDANCE_H
#define AANMELD_STORE_ATTENDANCE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

struct store_attendance {
	const char *address; /* the attendee, lower-case */
	const char *item;    /* "session-2", "deadline", "congress" */
	unsigned session;    /* 2; 0 for the deadline and the congress */
	const char *status;  /* "accepted", "declined" or "tentative" */
	unsigned sequence;
	time_t replied_at; /* DTSTAMP, or the arrival when it has none */
	time_t received_at;
	const char *message_id; /* of the reply; may be NULL */
};

/* The municipality codes address is a contact of, oldest first (heap
   array of heap strings, free with util_free_strv; *n_r may be 0). */
int store_attendance_codes(struct store *s, const char *address,
			   char ***codes_r, size_t *n_r, char **error_r);

/* The answer recorded for code, address and item: 1 with *status_r
   (heap), *sequence_r and *replied_at_r; 0 when there is none. */
int store_attendance_current(struct store *s, const char *code,
			     const char *address, const char *item,
			     char **status_r, unsigned *sequence_r,
			     time_t *replied_at_r, char **error_r);

/*
 * The highest SEQUENCE our calendars carried of session to address as a
 * contact of code: the session's stored SEQUENCE (programme_items) in
 * code's enrolment round, as schedule_sequence() makes it; 0 for the
 * deadline and the congress (session 0), which only the confirmation's
 * PUBLISH carries, at SEQUENCE 0.  An answer above it answers nothing we
 * sent.  1 with *sequence_r; 0 when address is no contact of code.
 */
int store_attendance_sent(struct store *s, const char *code,
			  const char *address, unsigned session,
			  unsigned *sequence_r, char **error_r);

/* Records a for every municipality its address is a contact of, unless
   a later answer is recorded.  Runs inside store_record_message()'s
   transaction; message is the reply's row. */
int store_attendance_record(struct store *s, const struct store_attendance *a,
			    int64_t message, char **error_r);

/* One contact of an enrolment, for list and export. */
struct store_attendance_contact {
	char *code;
	char *name;   /* the municipality */
	char *status; /* confirmed, waitlist, withdrawn */
	time_t enrolled_at;
	char *address;	    /* NULL for an enrolment without contacts */
	char *contact_name; /* may be NULL */
	size_t place;	    /* on the waiting list; 0 when not waiting */
	/* its municipality's text ([deadline] deliverable): when the latest
	   version came (0: none yet), and how many versions */
	time_t delivered_at;
	unsigned deliveries;
	/* when a mail to the contact came back (0: never): it gets no
	   more mail */
	time_t undeliverable_at;
};

/* One recorded answer. */
struct store_attendance_answer {
	char *code;
	char *address;
	char *item;
	char *status;
	time_t replied_at;
};

/* Every contact of every enrolment, in order of enrolment (the waiting
   list last), then of the contact's addition. */
int store_attendance_contacts(struct store *s,
			      struct store_attendance_contact **rows_r,
			      size_t *n_r, char **error_r);
void store_attendance_contacts_free(struct store_attendance_contact *rows,
				    size_t n);
/* Every recorded answer. */
int store_attendance_answers(struct store *s,
			     struct store_attendance_answer **rows_r,
			     size_t *n_r, char **error_r);
void store_attendance_answers_free(struct store_attendance_answer *rows,
				   size_t n);

#endif
