/*
 * One outgoing mail, as every builder makes it (the answer to a message,
 * invitations, letters, reminders, mails to staff) and as the outbox
 * stores it, field for field.  The outbox key and the Message-ID derived
 * from it are stable, so a re-run can never queue a second copy and a
 * resend carries the same id.
 */
#ifndef AANMELD_OUTMAIL_H
#define AANMELD_OUTMAIL_H

#include <stdbool.h>
#include <stddef.h>

struct config;

/* Every string is the mail's own (heap, freed by outmail_deinit()),
   except kind, which is static. */
struct outmail {
	char *key;	  /* unique in the outbox */
	const char *kind; /* the template's name: "confirm", "reminder" */
	char *message_id; /* derived from key */
	char *from;	  /* envelope sender; NULL: none configured */
	char *rcpt;
	char *raw; /* the composed mail, len bytes */
	size_t len;
	bool outsider; /* to an address of no municipality (the hourly cap) */
	/* an invitation, its update or its CANCEL: the session its
	   calendar now holds (or no longer), which the store notes per
	   contact when it queues the mail (store_write.c); number 0: none */
	struct outmail_session {
		char *code; /* the municipality rcpt is a contact of */
		unsigned round;
		unsigned number;
		bool cancel;
	} session;
};

/* Marks m as what rcpt's calendar now holds of session number (cancel:
   no longer) as a contact of code in round. */
void outmail_set_session(struct outmail *m, const char *code, unsigned round,
			 unsigned number, bool cancel);

/* Starts *m: takes key (heap), derives the Message-ID from it in cfg's
   message_id_domain and copies cfg's envelope sender.  The builder sets
   rcpt, raw and len once the mail is composed. */
void outmail_init(struct outmail *m, char *key, const char *kind,
		  const struct config *cfg);
/* Frees m's strings and empties it; an empty m is fine. */
void outmail_deinit(struct outmail *m);

/* The mails one step queues together, in the order they are stored. */
struct outmail_list {
	struct outmail *mails; /* heap, n of them */
	size_t n;
};

void outmail_list_init(struct outmail_list *l);
/* Moves *m to the end of l: l owns its strings now, *m is left empty. */
void outmail_list_add(struct outmail_list *l, struct outmail *m);
/* Frees every mail and the array; l is left empty. */
void outmail_list_deinit(struct outmail_list *l);

#endif
