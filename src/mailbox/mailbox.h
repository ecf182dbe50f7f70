/*
 * Where mail comes from: the front door to the mailbox.  The backends
 * (maildir.c, the embedded default, and imap.c) implement struct
 * mailbox_ops in mailbox_backend.h; everyone else calls the functions
 * below and never an op.  Messages are named by a key that stays the same
 * while the message sits in its folder.
 *
 * Every operation answers an enum mailbox_result:
 *   MAILBOX_OK           done; out-parameters are set.
 *   MAILBOX_GONE         the key names nothing there (any more): moved or
 *                        expunged meanwhile, or never one of ours.  Not an
 *                        error; skip it and go on.
 *   MAILBOX_ERROR        this item failed; *error_r says why.  The next
 *                        item may work.
 *   MAILBOX_UNREACHABLE  the server cannot be reached: nothing was done
 *                        and nothing else will work now; *error_r says
 *                        why.  End the pass and try again later.
 *   MAILBOX_TIMEOUT      mailbox_wait() only: no new mail before the
 *                        time was up or *stop was set.
 * Ownership, the same for every operation: strings and arrays passed in
 * are borrowed for the call.  *error_r is set (heap, the caller frees it)
 * exactly when the answer is MAILBOX_ERROR or MAILBOX_UNREACHABLE, and
 * left alone otherwise.  A key array (*keys_r, *n_r) is a heap array of
 * heap strings, freed with util_free_strv(keys, n); set only with
 * MAILBOX_OK.  Message data (*data_r) is heap, NUL-terminated for
 * convenience, owned by the caller; set only with MAILBOX_OK.
 * An operation the backend lacks answers MAILBOX_ERROR with a text that
 * says so, unless its comment says otherwise.
 */
#ifndef AANMELD_MAILBOX_H
#define AANMELD_MAILBOX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailbox_backend.h"

struct mailbox {
	const struct mailbox_ops *ops; /* only mailbox.c calls these */
	void *h;
	char *name; /* "INBOX": the mailbox column in the database */
};

/* Opens the mailbox of set->type; NULL with *error_r (heap). */
struct mailbox *mailbox_open(const struct mailbox_settings *set,
			     char **error_r);
/* Closes and NULLs *mb; NULL is fine. */
void mailbox_close(struct mailbox **mb);

/* The given keys of folder in mb seen as a mailbox named folder, for
   intake of mail staff put there by hand: list gives the keys, fetch and
   move work in folder.  Borrows mb, folder and keys until
   mailbox_close(); NULL with *error_r when mb has no folders. */
struct mailbox *mailbox_view_open(struct mailbox *mb, const char *folder,
				  char *const *keys, size_t n, char **error_r);

/* True when mb keeps a position (mailbox_resume(), mailbox_position()):
   then intake saves it in the database. */
bool mailbox_has_position(const struct mailbox *mb);
/* True when mb has decision folders (mailbox_folder_*). */
bool mailbox_has_folders(const struct mailbox *mb);
/* True when mb moves a set of messages in one command. */
bool mailbox_has_move_set(const struct mailbox *mb);

/* Where mailbox_list() starts: validity and last come from the database
   (0 0 the first time); list then gives only messages after last, or all
   of them when the mailbox's validity is no longer the same.  Nothing
   for a backend that keeps no position (Maildir). */
void mailbox_resume(struct mailbox *mb, uint32_t validity, uint32_t last);
/* The validity and position to save once key and every message listed
   before it are processed: OK, or GONE when there is none to save (the
   backend keeps none, or key is not one of its own). */
enum mailbox_result mailbox_position(struct mailbox *mb, const char *key,
				     uint32_t *validity_r, uint32_t *last_r);
/* The keys of the messages waiting in the inbox, oldest first.  OK,
   ERROR, UNREACHABLE. */
enum mailbox_result mailbox_list(struct mailbox *mb, char ***keys_r,
				 size_t *n_r, char **error_r);
/* Reads a message, or its first max bytes when larger, without changing
   its state (never marks it read); a backend may give only the header of
   a message larger than max.  *size_r is the whole message's size.  OK,
   GONE, ERROR, UNREACHABLE. */
enum mailbox_result mailbox_fetch(struct mailbox *mb, const char *key,
				  size_t max, char **data_r, size_t *len_r,
				  size_t *size_r, char **error_r);
/* Moves the message to folder, creating the folder when missing.  OK,
   GONE (no longer in the inbox), ERROR, UNREACHABLE. */
enum mailbox_result mailbox_move(struct mailbox *mb, const char *key,
				 const char *folder, char **error_r);
/* Moves n messages to folder in one go; keys no longer in the inbox are
   skipped.  OK, ERROR (then move them one by one; also when the backend
   cannot, see mailbox_has_move_set()), UNREACHABLE. */
enum mailbox_result mailbox_move_set(struct mailbox *mb,
				     const char *const *keys, size_t n,
				     const char *folder, char **error_r);

/* Staff's decision folders ("Beoordelen/Goedkeuren", '/' between
   levels).  folder_list gives the keys of the messages in folder, oldest
   first; a folder that does not exist is empty, and an empty folder is
   cheap to look at.  The keys stay valid for folder_fetch and
   folder_move of that folder while the message stays there.  Answers as
   mailbox_list(), mailbox_fetch() and mailbox_move(). */
enum mailbox_result mailbox_folder_list(struct mailbox *mb, const char *folder,
					char ***keys_r, size_t *n_r,
					char **error_r);
enum mailbox_result mailbox_folder_fetch(struct mailbox *mb, const char *folder,
					 const char *key, size_t max,
					 char **data_r, size_t *len_r,
					 size_t *size_r, char **error_r);
enum mailbox_result mailbox_folder_move(struct mailbox *mb, const char *folder,
					const char *key, const char *dest,
					char **error_r);
/* Creates folder unless it exists.  OK, ERROR, UNREACHABLE. */
enum mailbox_result mailbox_folder_create(struct mailbox *mb,
					  const char *folder, char **error_r);
/* The mailbox's own name of the logical folder (*name_r, heap: the
   server's namespace prefix and delimiter, modified UTF-7) and whether it
   is there: OK it exists, GONE it does not (*name_r set with both),
   ERROR (a name this mailbox cannot have, or no folders), UNREACHABLE. */
enum mailbox_result mailbox_folder_lookup(struct mailbox *mb,
					  const char *folder, char **name_r,
					  char **error_r);

/* True when the last MAILBOX_UNREACHABLE came from a login the server
   refused (NO to LOGIN or AUTHENTICATE, or the token endpoint refusing
   the client), not from the network: a person must fix the password or
   secret, and trying again soon only risks locking the account. */
bool mailbox_refused(const struct mailbox *mb);

/* Waits up to timeout seconds for new mail, returning early when *stop
   becomes non-zero.  OK: new mail (or maybe: look); TIMEOUT: none, or
   *stop; ERROR. */
enum mailbox_result mailbox_wait(struct mailbox *mb, int timeout,
				 volatile sig_atomic_t *stop, char **error_r);

#endif
