/*
 * What a mailbox backend implements (maildir.c, imap.c): struct
 * mailbox_ops, the settings it is opened with and the one result every
 * operation answers.  Callers use the wrappers in mailbox.h, which say
 * what each result means and who owns what; an op has the contract of
 * the wrapper of the same name.  This header includes no other of ours,
 * so that the front door includes the backends and not the reverse.
 */
#ifndef AANMELD_MAILBOX_BACKEND_H
#define AANMELD_MAILBOX_BACKEND_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The answer of every mailbox operation.  OK, ERROR and UNREACHABLE keep
   the values 0, -1 and -2: intake_run() and review_folders_run() pass
   them on as their own "0, -1 or MAILBOX_UNREACHABLE". */
enum mailbox_result {
	MAILBOX_OK = 0,
	MAILBOX_ERROR = -1,	  /* *error_r says why; try the next item */
	MAILBOX_UNREACHABLE = -2, /* server down: nothing done, try later */
	MAILBOX_GONE = 1,	  /* the key names nothing (any more) */
	MAILBOX_TIMEOUT = 2,	  /* wait only: no new mail, or *stop */
};

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
	bool examine;	      /* IMAP: the inbox read-only (EXAMINE) */
	/* xoauth2: an access token, a new one when renew is set (after a
	   rejected login).  NULL with *error_r on failure, and *refused_r
	   true when the token endpoint refused the client (wrong secret). */
	const char *(*token)(void *ctx, bool renew, bool *refused_r,
			     char **error_r);
	void *token_ctx;
};

/* h is the backend's handle from open().  Optional ops may be NULL; the
   wrappers then answer for them (see mailbox.h). */
struct mailbox_ops {
	const char *name;
	/* A handle, or NULL with *error_r (heap).  A network backend may
	   connect later, in the first call that needs the server. */
	void *(*open)(const struct mailbox_settings *set, char **error_r);
	/* The inbox's name for the database ("INBOX"); owned by h. */
	const char *(*inbox)(void *h);
	/* Optional: as mailbox_resume(). */
	void (*resume)(void *h, uint32_t validity, uint32_t last);
	/* Optional: as mailbox_position(). */
	enum mailbox_result (*position)(void *h, const char *key,
					uint32_t *validity_r, uint32_t *last_r);
	enum mailbox_result (*list)(void *h, char ***keys_r, size_t *n_r,
				    char **error_r);
	enum mailbox_result (*fetch)(void *h, const char *key, size_t max,
				     char **data_r, size_t *len_r,
				     size_t *size_r, char **error_r);
	enum mailbox_result (*move)(void *h, const char *key,
				    const char *folder, char **error_r);
	/* Optional: as mailbox_move_set(). */
	enum mailbox_result (*move_set)(void *h, const char *const *keys,
					size_t n, const char *folder,
					char **error_r);
	/* Optional, all four or none: staff's decision folders. */
	enum mailbox_result (*folder_list)(void *h, const char *folder,
					   char ***keys_r, size_t *n_r,
					   char **error_r);
	enum mailbox_result (*folder_fetch)(void *h, const char *folder,
					    const char *key, size_t max,
					    char **data_r, size_t *len_r,
					    size_t *size_r, char **error_r);
	enum mailbox_result (*folder_move)(void *h, const char *folder,
					   const char *key, const char *dest,
					   char **error_r);
	enum mailbox_result (*folder_create)(void *h, const char *folder,
					     char **error_r);
	/* Optional: as mailbox_refused(); NULL answers false. */
	bool (*refused)(void *h);
	/* Optional: as mailbox_folder_lookup(). */
	enum mailbox_result (*folder_lookup)(void *h, const char *folder,
					     char **name_r, char **error_r);
	/* Optional: as mailbox_wait(). */
	enum mailbox_result (*wait)(void *h, int timeout,
				    volatile sig_atomic_t *stop,
				    char **error_r);
	/* Releases the handle. */
	void (*close)(void *h);
};

#endif
