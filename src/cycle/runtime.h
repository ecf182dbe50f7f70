/*
 * What both programs wire together: the configuration, the rules, the
 * database, the mailbox and the transport.  The pass that runs on them
 * is cycle.h's.
 */
#ifndef AANMELD_RUNTIME_H
#define AANMELD_RUNTIME_H

#include <stdbool.h>

#include "mailbox.h"

struct config;
struct mailbox;
struct rules;
struct smtp;
struct store;

struct oauth2;

struct runtime {
	struct config *config;
	struct rules *rules;
	struct store *store;
	struct mailbox *mailbox;
	struct smtp *smtp;
	struct mailbox_settings mailbox_set; /* the mailbox keeps a pointer */
	char *imap_password;
	struct oauth2 *oauth2; /* for auth = xoauth2 */
	bool review_folders;   /* the decision folders exist */
	/* runtime_open_store() may create the database (true after
	   runtime_load()); false: a missing one is an error that says so,
	   as for a read-only open, and no empty file is left behind */
	bool store_create;
	/* the daemon started without an SMTP access token (the endpoint
	   refused the client or could not be reached): the outbox waits
	   until the cycle gets one */
	bool smtp_token_missing;
};

/*
 * Loads the config (conf_path NULL: the embedded default, or $AANMELD_CONF)
 * and the rules, and sets the clock from now_spec or $AANMELD_NOW.  On
 * error prints every problem to stderr and returns -1.
 */
int runtime_load(struct runtime *rt, const char *conf_path,
		 const char *now_spec);
/*
 * What both programs do first, once, before any thread: ignore SIGPIPE
 * (libetpan and libcurl write to sockets the server may have closed),
 * set up libcurl (curl_global_init() is not thread-safe), then
 * runtime_load().  0 or -1 as runtime_load(); call runtime_close() in
 * either case.
 */
int runtime_start(struct runtime *rt, const char *conf_path,
		  const char *now_spec);
/* Loads the rules again (SIGHUP); on error keeps the old ones. */
int runtime_reload_rules(struct runtime *rt);
/* Opens the database (read-only for reports).  -1 after logging, also
   when it does not exist yet and it is read-only or !store_create. */
int runtime_open_store(struct runtime *rt, bool readonly);
/* Opens the mailbox and the transport.  -1 after logging.  An SMTP
   access token that cannot be had now does not fail it: see
   smtp_token_missing. */
int runtime_open_io(struct runtime *rt);
void runtime_close(struct runtime *rt);
/* The OAuth2 token source both servers share, once.  0, or -1 with
 *error_r (heap, caller frees). */
int runtime_open_oauth2(struct runtime *rt, char **error_r);
/* Fills rt->mailbox_set from the config, reading the IMAP password or
   opening the OAuth2 source.  0, or -1 with *error_r (heap). */
int runtime_mailbox_settings(struct runtime *rt, char **error_r);
/* The transport of [smtp]: the file transport, or SMTP over libcurl.
   The caller owns it (smtp_close()); NULL with *error_r (heap). */
struct smtp *runtime_open_transport(struct runtime *rt, char **error_r);
/* Gives an XOAUTH2 transport a token that is valid now.  0 (also with
   no XOAUTH2); when the token endpoint fails, logs it and answers 1 when
   it refused the client (a wrong secret: hold the outbox as after a
   refused login), else -1 (the outbox then says what the server
   thinks). */
int runtime_renew_smtp_token(struct runtime *rt);

#endif
