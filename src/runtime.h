/*
 * What both programs wire together: the configuration, the rules, the
 * database, the mailbox and the transport, and one cycle of the journey
 * (intake, then the outbox, then the mailbox actions).
 */
#ifndef AANMELD_RUNTIME_H
#define AANMELD_RUNTIME_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "actions.h"
#include "intake.h"
#include "mailbox.h"
#include "outbox.h"
#include "review.h"

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
};

struct cycle_stats {
	struct intake_stats intake;
	struct review_stats review;
	struct outbox_stats outbox;
	struct actions_stats actions;
	unsigned reminders; /* mails the scheduler queued */
};

/*
 * Loads the config (conf_path NULL: the embedded default, or $AANMELD_CONF)
 * and the rules, and sets the clock from now_spec or $AANMELD_NOW.  On
 * error prints every problem to stderr and returns -1.
 */
int runtime_load(struct runtime *rt, const char *conf_path,
		 const char *now_spec);
/* Loads the rules again (SIGHUP); on error keeps the old ones. */
int runtime_reload_rules(struct runtime *rt);
/* Opens the database (read-only for reports).  -1 after logging. */
int runtime_open_store(struct runtime *rt, bool readonly);
/* Opens the mailbox and the transport.  -1 after logging. */
int runtime_open_io(struct runtime *rt);
void runtime_close(struct runtime *rt);
/* aanmeldd --dry-run: reads the mailbox and prints every decision the
   pipeline would take, storing, sending and moving nothing.  0 or -1. */
int runtime_dry_run(struct runtime *rt, volatile sig_atomic_t *stop);
/* aanmeld check --connect: fetches an OAuth2 token when configured,
   logs in to IMAP (EXAMINE, read-only) and to SMTP (no mail sent), and
   prints one line per server.  0 when all worked, 1 otherwise. */
int runtime_check_connect(struct runtime *rt);
/* One cycle.  0; -1 after logging when the database fails;
   MAILBOX_UNREACHABLE when the mailbox's server could not be reached
   (the outbox ran all the same). */
int runtime_cycle(struct runtime *rt, volatile sig_atomic_t *stop,
		  struct cycle_stats *stats);

#endif
