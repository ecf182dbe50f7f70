/*
 * Where mail comes from.  A backend implements struct mailbox_ops; the
 * embedded default is a Maildir (maildir.c).  Messages are named by a key
 * that stays the same while the message sits in the inbox.
 */
#ifndef AANMELD_MAILBOX_H
#define AANMELD_MAILBOX_H

#include <signal.h>
#include <stddef.h>

struct mailbox_ops {
	const char *name;
	/* Opens the mailbox at location (a folder for Maildir).  Returns a
	   backend handle, or NULL with *error_r (heap, caller frees). */
	void *(*open)(const char *location, char **error_r);
	/* The keys of the messages waiting in the inbox, oldest first: a
	   heap array of heap strings the caller frees. */
	int (*list)(void *h, char ***keys_r, size_t *n_r, char **error_r);
	/* Reads a message, or its first max bytes when it is larger,
	   without changing its state (never marks it read).  *data_r is
	   heap (NUL-terminated for convenience), owned by the caller.
	   Returns 1, 0 if it is gone, -1 on error. */
	int (*fetch)(void *h, const char *key, size_t max, char **data_r,
		     size_t *len_r, char **error_r);
	/* Moves the message to folder, creating the folder when missing.
	   Returns 1 when moved, 0 when it is no longer in the inbox, -1 on
	   error. */
	int (*move)(void *h, const char *key, const char *folder,
		    char **error_r);
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

/* Opens a mailbox of type ("maildir") at location; NULL with *error_r. */
struct mailbox *mailbox_open(const char *type, const char *location,
			     char **error_r);
/* Closes and NULLs *mb; NULL is fine. */
void mailbox_close(struct mailbox **mb);

#endif
