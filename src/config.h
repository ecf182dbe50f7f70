/*
 * aanmeld.conf (INI, read with inih).  Every setting is declared once in
 * the table in config.c with its default; config_check() validates the
 * whole and derives the values left empty.  Errors are "file:line: message"
 * and all of them are reported before loading fails.
 *
 * Without a file the embedded default applies: rules/ and spool/ in the
 * current directory, a Maildir in spool/maildir and the file transport
 * writing to spool/outbox.
 */
#ifndef AANMELD_CONFIG_H
#define AANMELD_CONFIG_H

#include <stdbool.h>

struct buf;

struct config {
	/* [main] */
	char *rules_dir;
	char *spool_dir;
	char *database;		 /* default: spool_dir/aanmeld.db */
	char *message_id_domain; /* default: the event address's domain */
	char *log_level;
	/* [mailbox] */
	char *mailbox_type; /* "maildir" */
	char *maildir;	    /* default: spool_dir/maildir */
	char *folder_processed;
	char *folder_review;
	char *folder_rejected;
	char *folder_ignored;
	unsigned poll_interval; /* seconds */
	/* [smtp] */
	char *transport;     /* "file" */
	char *outbox_dir;    /* default: spool_dir/outbox */
	char *envelope_from; /* default: the event address */
	unsigned max_replies_per_day;
	/* [classify] */
	char *trusted_authserv_id;
	bool trust_unlabelled_authres;

	char *path; /* the file read, or NULL for the default */
};

/* Reads path (NULL: the embedded default).  Returns NULL after appending
   errors.  Relative paths in a file are relative to the file's folder. */
struct config *config_load(const char *path, struct buf *errors);
void config_free(struct config *c);
/* Fills the settings that derive from the programme (event address). */
void config_derive(struct config *c, const char *event_address);

#endif
