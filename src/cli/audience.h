/*
 * Who gets a mail staff send themselves (aanmeld send): a group of the
 * contacts the store holds, and the outbox key that makes the mail go
 * once per contact and per text.  Pure: the caller reads the store.
 */
#ifndef AANMELD_AUDIENCE_H
#define AANMELD_AUDIENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "schedule.h"
#include "store_attendance.h"

enum audience_kind {
	AUDIENCE_CONFIRMED, /* contacts of confirmed municipalities */
	AUDIENCE_WAITLIST,  /* contacts of those on the waiting list */
	AUDIENCE_SESSION,   /* confirmed, less who declined session N */
};

struct audience {
	enum audience_kind kind;
	unsigned session; /* AUDIENCE_SESSION */
};

/* "confirmed", "waitlist" or "session:N" (N a session of p) into *a:
   0, or -1 with *error_r (static text). */
int audience_parse(const char *text, const struct programme *p,
		   struct audience *a, const char **error_r);

/*
 * Whether contact c is in the group: its municipality's status, and for
 * a session that it did not decline the session's invitation (answers:
 * every recorded answer; a contact that declined said it will not come,
 * so a mail about that session is not for it).
 */
bool audience_includes(const struct audience *a,
		       const struct schedule_contact *c,
		       const struct store_attendance_answer *answers,
		       size_t n_answers);

/*
 * The outbox key of text (the template's subject and body as written,
 * text_len bytes) to contact addr of code: "send:<16 hex of the text's
 * SHA-256>:<code>:<16 hex of the SHA-256 of addr in lower case>".  No
 * address in it; the same text to the same contact is the same key, so
 * a second run queues nothing, and a changed text is a new mail.  Heap.
 */
char *audience_key(const char *text, size_t text_len, const char *code,
		   const char *addr);

#endif
