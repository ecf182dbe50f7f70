/*
 * The database (SQLite, WAL, synchronous=FULL): the connection, its
 * migrations and its durability.  Only the store's files include
 * sqlite3.h.  Every write of a journey step is one BEGIN IMMEDIATE
 * transaction in one of the store's rooms; statements are prepared once
 * per connection and run with bound parameters only.  The schema evolves
 * by migrations numbered with PRAGMA user_version; a file newer than this
 * code is refused.
 *
 * The rooms, each with its own header: store_intake.h (recording a
 * message), store_outbox.h and store_actions.h (the queues),
 * store_report.h, store_review.h, store_programme.h,
 * store_attendance.h, store_staff.h, store_privacy.h.
 *
 * Errors come back as -1 with *error_r: a heap string the caller frees.
 */
#ifndef AANMELD_STORE_H
#define AANMELD_STORE_H

#include <stdbool.h>

/* How long a writer waits for another connection's lock. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store;

/* What a message or a decision enrols; shared by store_intake.h and
   store_review.h. */
enum store_enrol {
	STORE_ENROL_NONE, /* no enrolment row */
	STORE_ENROL_CONFIRMED,
	STORE_ENROL_WAITLIST,
	STORE_ENROL_CONTACT, /* only add the sender as a contact */
};

/* The rooms' read-only listings call fn for each row, with the column
   values as strings (NULL for NULL); borrowed for the call only. */
typedef void store_row_fn(void *ctx, int ncols, const char *const *values,
			  const char *const *names);

/* Opens (and creates or migrates, unless readonly) the database. */
int store_open(const char *path, bool readonly, struct store **store_r,
	       char **error_r);
/* Closes and NULLs *store; NULL is fine. */
void store_close(struct store **store);

/*
 * Group durability for an intake pass.  After store_relax() each commit
 * is still atomic, and survives a crash of the process, but reaches the
 * disk only at store_sync(), which makes all of them durable at once.
 * Nothing may leave the house (no answer sent, no message moved) on the
 * strength of a commit before store_sync() has returned.
 */
int store_relax(struct store *s, char **error_r);
int store_sync(struct store *s, char **error_r);

/*
 * Group commit: intake records a batch of messages in one transaction.
 * Every write of the store inside it (a message recorded, a move queued)
 * is a savepoint of the group, so one message that fails is undone
 * alone.  store_group_open() is false when SQLite ended the group under
 * it (a full disk): then nothing more may be written in it.
 */
int store_group_begin(struct store *s, char **error_r);
int store_group_commit(struct store *s, char **error_r);
void store_group_rollback(struct store *s);
bool store_group_open(struct store *s);
/* Commits since the store was opened. */
unsigned long store_commits(const struct store *s);

/* Copies the database to path (a new file), consistent as of now. */
int store_copy(struct store *s, const char *path, char **error_r);

#endif
