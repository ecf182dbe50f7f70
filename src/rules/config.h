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

#include "log.h"

struct buf;

/* The settings that name a choice, parsed once by config_load(); the
   rest of the program switches on these, never on the strings. */
enum config_mailbox {
	CONFIG_MAILBOX_MAILDIR,
	CONFIG_MAILBOX_IMAP,
};

enum config_transport {
	CONFIG_TRANSPORT_FILE,
	CONFIG_TRANSPORT_SMTP,
};

enum config_auth {
	CONFIG_AUTH_PASSWORD,
	CONFIG_AUTH_XOAUTH2,
	CONFIG_AUTH_NONE, /* [smtp] only */
};

enum config_tls {
	CONFIG_TLS_VERIFY,
	CONFIG_TLS_NONE, /* loopback hosts only */
};

struct config {
	/* [main] */
	char *rules_dir;
	char *spool_dir;
	char *database;		 /* default: spool_dir/aanmeld.db */
	char *message_id_domain; /* default: the event address's domain */
	char *log_level;	 /* as written; use level */
	enum log_level level;
	char *user;		   /* started as root: drop to this user */
	unsigned retention_months; /* after the programme's last item */
	/* [mailbox] */
	char *mailbox_type; /* "maildir" or "imap": the backend's name */
	enum config_mailbox mailbox;
	char *maildir;	/* default: spool_dir/maildir */
	char *imap_url; /* imaps://host[:port]/MAILBOX */
	char *imap_user;
	char *imap_password_file;
	char *imap_auth; /* as written: "password" or "xoauth2" */
	char *imap_tls;	 /* as written: "verify" or "none" */
	enum config_auth imap_auth_method;
	enum config_tls imap_tls_mode;
	char *imap_ca_file;
	unsigned imap_timeout;
	bool imap_idle;
	bool keep_in_inbox;
	unsigned imap_login_retry; /* minutes after a refused login */
	char *folder_processed;
	char *folder_review;
	char *folder_rejected;
	char *folder_ignored;
	unsigned poll_interval; /* seconds */
	/* [smtp] */
	char *transport; /* as written: "file" or "smtp" */
	enum config_transport transport_kind;
	char *outbox_dir; /* default: spool_dir/outbox */
	char *smtp_url;	  /* smtps://host[:port] or smtp:// (STARTTLS) */
	char *smtp_user;
	char *smtp_password_file;
	char *smtp_auth; /* as written: "password", "xoauth2" or "none" */
	char *smtp_tls;	 /* as written: "verify" or "none" */
	enum config_auth smtp_auth_method;
	enum config_tls smtp_tls_mode;
	char *smtp_ca_file;
	unsigned smtp_timeout;
	unsigned retry_hours;	   /* a mail that cannot go out fails after */
	unsigned smtp_login_retry; /* minutes after a refused login */
	char *envelope_from;	   /* default: the event address */
	unsigned max_replies_per_day;
	unsigned max_outsider_replies_per_hour; /* all non-municipal ones */
	/* [oauth2] (for auth = xoauth2) */
	char *oauth2_token_url;
	char *oauth2_client_id;
	char *oauth2_client_secret_file;
	char *oauth2_scope;
	char *oauth2_ca_file;
	/* [review]: staff's decision folders */
	char *review_approve;
	char *review_reject;
	char *review_dismiss;
	/* [classify] */
	char *trusted_authserv_id;
	bool trust_unlabelled_authres;
	/* [staff] (staff.h): mail to the staff, none without an address */
	char *staff_address;
	char *staff_summary_at;	       /* "HH:MM", local time */
	unsigned staff_summary_every;  /* days */
	unsigned staff_warn_after;     /* minutes without a good poll */
	unsigned staff_summary_minute; /* derived: summary_at after 0:00 */
	/* [web] (aanmeld-web) */
	char *web_listen;	   /* an IP address */
	unsigned web_port;	   /* 1 to 65535 */
	char *web_users;	   /* the staff's accounts (userfile.h) */
	unsigned web_session_idle; /* minutes */
	unsigned web_session_max;  /* minutes from the login */
	char *web_tls_cert;	   /* PEM; NULL: plain HTTP */
	char *web_tls_key;	   /* PEM, set when web_tls_cert is */
	char *web_trusted_proxy;   /* an IP address; NULL: none */
	char *web_url; /* where staff reach it, for links in mail; NULL */

	char *path; /* the file read, or NULL for the default */
};

/* Reads path (NULL: the embedded default).  Returns NULL after appending
   errors.  Relative paths in a file are relative to the file's folder. */
struct config *config_load(const char *path, struct buf *errors);
void config_free(struct config *c);
/* Fills the settings that derive from the programme (event address). */
void config_derive(struct config *c, const char *event_address);

/* The warning when no Authentication-Results header is believed (neither
   trusted_authserv_id nor trust_unlabelled_authres): then nothing
   authenticates a sender.  NULL when one is set; static text. */
const char *config_auth_warning(const struct config *c);

/* Whether [mailbox] or [smtp] logs in with an OAuth 2.0 token. */
bool config_uses_oauth2(const struct config *c);

#endif
