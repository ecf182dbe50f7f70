/*
 * Where mail comes from.  A backend implements struct mailbox_ops; the
 * embedded default is a Maildir (maildir.c).  Messages are named by a key
 * that stays the same while the message sits in the inbox.
 */
#ifndef AANMELD_MAILBOX_H
#define AANMELD_MAILBOX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the backends need from the configuration. */
struct mailbox_settings {
	const char *type;    /* "maildir" or "imap" */
	const char *maildir; /* Maildir: the folder */
	/* IMAP: imaps://host[:port]/MAILBOX, or imap:// with STARTTLS */
	const char *url;
	const char *user;
	const char *password; /* NULL with xoauth2 */
	bool tls_none;	      /* plain imap:// to a loopback host only */
	const char *ca_file;  /* NULL: the system trust store */
	unsigned timeout;     /* seconds, connect and every command */
	bool idle;	      /* use IDLE where the server has it */
	bool keep_in_inbox;   /* mark with a keyword instead of moving */
	/* xoauth2: an access token, a new one when renew is set (after a
	   rejected login).  NULL with *error_r on failure. */
	const char *(*token)(void *ctx, bool renew, char **error_r);
	void *token_ctx;
};

/* fetch() and move() when the server is down: nothing was done. */
#define MAILBOX_UNREACHABLE (-2)

struct mailbox_ops {
	const char *name;
	/* Opens the mailbox the settings name.  Returns a backend handle,
	   or NULL with *error_r (heap, caller frees).  A network backend
	   may connect later, in the first call that needs the server. */
	void *(*open)(const struct mailbox_settings *set, char **error_r);
	/* The inbox's name for the database ("INBOX"); owned by h. */
	const char *(*inbox)(void *h);
	/* Optional (NULL for Maildir): where list() starts.  validity and
	   last come from the database (0 0 the first time); list() then
	   returns only messages after last, or all of them when the
	   mailbox's validity is no longer the same. */
	void (*resume)(void *h, uint32_t validity, uint32_t last);
	/* Optional: the validity and position to save once key and every
	   message listed before it are processed.  0, or -1 for a key that
	   is not this backend's. */
	int (*position)(void *h, const char *key, uint32_t *validity_r,
			uint32_t *last_r);
	/* The keys of the messages waiting in the inbox, oldest first: a
	   heap array of heap strings the caller frees.  0, -1 on error,
	   MAILBOX_UNREACHABLE as for fetch. */
	int (*list)(void *h, char ***keys_r, size_t *n_r, char **error_r);
	/* Reads a message, or its first max bytes when it is larger,
	   without changing its state (never marks it read); a backend may
	   return only the header of a message larger than max.  *data_r is
	   heap (NUL-terminated for convenience), owned by the caller;
	   *size_r is the whole message's size.  Returns 1, 0 if it is gone,
	   -1 on error, MAILBOX_UNREACHABLE when the server cannot be
	   reached (try again later). */
	int (*fetch)(void *h, const char *key, size_t max, char **data_r,
		     size_t *len_r, size_t *size_r, char **error_r);
	/* Moves the message to folder, creating the folder when missing.
	   Returns 1 when moved, 0 when it is no longer in the inbox, -1 on
	   error, MAILBOX_UNREACHABLE as for fetch. */
	int (*move)(void *h, const char *key, const char *folder,
		    char **error_r);
	/* Optional: moves n messages to folder in one go.  1 when done
	   (keys no longer in the inbox are skipped), -1 on error (the
	   caller then moves them one by one), MAILBOX_UNREACHABLE. */
	int (*move_set)(void *h, const char *const *keys, size_t n,
			const char *folder, char **error_r);
	/* Optional: staff's decision folders ("Beoordelen/Goedkeuren",
	   '/' between levels).  folder_list gives the keys of the messages
	   in folder, oldest first, as list() does (a folder that does not
	   exist is empty, and an empty folder is cheap to look at); the
	   keys stay valid for folder_fetch and folder_move of that folder
	   while the message stays there.  Return values and ownership as
	   for list, fetch and move. */
	int (*folder_list)(void *h, const char *folder, char ***keys_r,
			   size_t *n_r, char **error_r);
	int (*folder_fetch)(void *h, const char *folder, const char *key,
			    size_t max, char **data_r, size_t *len_r,
			    size_t *size_r, char **error_r);
	int (*folder_move)(void *h, const char *folder, const char *key,
			   const char *dest, char **error_r);
	/* Optional: creates folder unless it exists.  0, -1, or
	   MAILBOX_UNREACHABLE. */
	int (*folder_create)(void *h, const char *folder, char **error_r);
	/* Waits up to timeout seconds for new mail, returning early when
	 *stop becomes non-zero.  1 new mail, 0 timeout or stop, -1 error. */
	int (*wait)(void *h, int timeout, volatile sig_atomic_t *stop,
		    char **error_r);
	/* Releases the handle. */
	void (*close)(void *h);
};

struct mailbox {
	const struct mailbox_ops *ops;
	void *h;
	char *name; /* "INBOX": the mailbox column in the database */
};

/* Opens the mailbox of set->type; NULL with *error_r. */
struct mailbox *mailbox_open(const struct mailbox_settings *set,
			     char **error_r);
/* Closes and NULLs *mb; NULL is fine. */
void mailbox_close(struct mailbox **mb);

#endif
