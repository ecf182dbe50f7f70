/*
 * The store's side of privacy (AVG/GDPR): erasing personal data when the
 * retention period is over or when a person asks, and showing what is
 * held about one person.  Addresses are compared without case.
 *
 * Personal data here: a message's sender, name, subject, Message-ID,
 * reasons and raw copy; the files of a delivered text and their names;
 * contact rows; the text and recipient of outgoing mail; the notes of
 * review items; the audit detail of a message.  A report that mail to a
 * person came back (reason codes "bounce..." naming the address) is that
 * person's message; any other row whose words name the address (reasons,
 * notes, the text of a staff summary) loses those words on forget.
 * What stays: verdicts, dates, municipalities with their enrolments and
 * the fact (and date) of a delivery (a municipality is no person), so
 * the counts of the programme survive.
 */
#ifndef AANMELD_STORE_PRIVACY_H
#define AANMELD_STORE_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "store.h"

struct store_privacy_counts {
	unsigned messages;   /* messages whose personal columns were blanked */
	unsigned contacts;   /* contact rows deleted */
	unsigned outbox;     /* outgoing mails whose text was cleared */
	unsigned review;     /* review items whose notes were removed */
	unsigned attendance; /* answers to invitations deleted */
	unsigned delivery_files; /* names of delivered files deleted */
};

/*
 * The raw copies (spool paths) of the person's messages (bounces of mail
 * to them too), or of every message when address is NULL, that the
 * database still names; and the Message-IDs of the mail sent to the
 * person or whose text names them (address NULL: of every sent or
 * failed mail), which name the file transport's copies.  Both
 * heap string vectors (util_free_strv).  0 or -1 with *error_r.
 */
int store_privacy_files(struct store *s, const char *address, char ***paths_r,
			size_t *n_paths_r, char ***mids_r, size_t *n_mids_r,
			char **error_r);

/*
 * The delivered files (paths relative to the spool) of the person's
 * texts, or of every text when address is NULL, that the database still
 * names.  Heap string vector (util_free_strv).  0 or -1 with *error_r.
 */
int store_privacy_delivery_files(struct store *s, const char *address,
				 char ***paths_r, size_t *n_r, char **error_r);

/*
 * Erases in one transaction: address NULL is the retention purge (every
 * message, contact and review note; the text of mail sent or failed,
 * never of mail still queued); an address is one person (their messages,
 * contacts, review notes and all mail to them; mail still queued to them
 * fails with "forgotten"; counted with them, the rows of others that
 * name the address).  Rows already blank are not counted, so a
 * second run counts zero.  With something erased an audit row records
 * the counts, never the address.  dry_run counts and rolls back.
 * 0 or -1 with *error_r (heap).
 */
int store_privacy_erase(struct store *s, const char *address, bool dry_run,
			time_t now, struct store_privacy_counts *n_r,
			char **error_r);

/* Sections of store_privacy_export(), in order. */
extern const char *const store_privacy_sections[];
extern const size_t store_privacy_n_sections;

/* Calls fn for each row the section holds about address (values may be
   NULL).  Borrowed strings, valid during the call.  0 or -1. */
int store_privacy_export(struct store *s, const char *section,
			 const char *address, store_row_fn *fn, void *ctx,
			 char **error_r);

#endif
