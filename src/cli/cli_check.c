/*
 * aanmeld check: the config-test mode (STYLE 22).  Everything is loaded
 * before the handler runs; it reports what was loaded, opens the
 * database read-only, checks the server settings and, with --connect,
 * logs in to each server; a login that works ends the daemon's hold
 * after a refused one (the only write).
 */
#include "autoconf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli_check.h"
#include "check_servers.h"
#include "config.h"
#include "gemeenten.h"
#include "imap.h"
#include "mailbox.h"
#include "oauth2.h"
#include "programme.h"
#include "rules.h"
#include "runtime.h"
#include "smtp.h"
#include "staff_cycle.h"
#include "store.h"
#include "store_staff.h"
#include "util.h"

/* One line per server for aanmeld check --connect. */
static int
connect_report(const char *what, const char *where, int rc, char *err)
{
	if (rc == 0)
		printf("%s: %s: ok\n", what, where);
	else
		printf("%s: %s: failed: %s\n", what, where, err);
	free(err);
	return rc == 0 ? 0 : 1;
}

/* A login of service worked: the daemon's hold after a refused login
   ends now, not 30 minutes later.  Only then is the database opened for
   writing. */
static void
clear_hold(struct runtime *rt, const char *service)
{
	struct store_staff_refusal f;
	char *err = NULL;
	bool found = false;

	if (rt->store == NULL)
		return; /* no database yet: nothing held */
	if (store_staff_refusal(rt->store, service, &f, &found, &err) == -1) {
		printf("%s: the hold after a refused login: %s\n", service,
		       err);
		free(err);
	}
	store_staff_refusal_deinit(&f);
	if (!found)
		return;
	store_close(&rt->store);
	if (runtime_open_store(rt, false) == -1) {
		printf("%s: the hold after a refused login could not be "
		       "cleared\n",
		       service);
		(void)runtime_open_store(rt, true);
		return;
	}
	staff_cycle_login_ok(rt->store, rt->config, rt->rules, service,
			     util_clock());
	printf("%s: the hold after a refused login is cleared\n", service);
}

/* One line per configured folder: its name on the server, created when
   missing.  0 when every folder is usable, else 1. */
static int
check_folders(struct runtime *rt)
{
	const struct config *c = rt->config;
	/* the outcome folders first, then the decision folders */
	const char *folders[] = {c->folder_processed, c->folder_review,
				 c->folder_rejected,  c->folder_ignored,
				 c->review_approve,   c->review_reject,
				 c->review_dismiss};
	struct mailbox_settings set = rt->mailbox_set;
	struct mailbox *mb;
	enum mailbox_result r;
	char *err = NULL, *name;
	size_t i;
	int failed = 0;

	set.examine = true; /* no flag in the inbox changes */
	mb = mailbox_open(&set, &err);
	if (mb == NULL) {
		printf("folders: failed: %s\n", err);
		free(err);
		return 1;
	}
	/* with keep_in_inbox the outcome folders are keywords */
	for (i = c->keep_in_inbox ? 4 : 0; i < nitems(folders); i++) {
		bool created = false;

		name = NULL;
		r = mailbox_folder_lookup(mb, folders[i], &name, &err);
		if (r == MAILBOX_GONE) {
			r = mailbox_folder_create(mb, folders[i], &err);
			created = r == MAILBOX_OK;
		}
		if (r == MAILBOX_OK) {
			printf("folder %s: %s%s\n", folders[i], name,
			       created ? " (created)" : "");
		} else if (name != NULL) {
			printf("folder %s: %s is missing and could not be "
			       "created: %s\n",
			       folders[i], name, err);
			failed = 1;
		} else {
			printf("folder %s: unusable: %s\n", folders[i], err);
			failed = 1;
		}
		free(name);
		free(err);
		err = NULL;
	}
	mailbox_close(&mb);
	return failed;
}

/* Fetches an OAuth2 token when configured, logs in to IMAP (EXAMINE,
   read-only) and to SMTP (no mail sent).  0 when all worked, else 1. */
static int
check_connect(struct runtime *rt)
{
	const struct config *c = rt->config;
	char *err = NULL, *where;
	uint32_t exists = 0;
	int failed = 0, rc;

	if (c->oauth2_token_url != NULL &&
	    (c->imap_auth_method == CONFIG_AUTH_XOAUTH2 ||
	     c->smtp_auth_method == CONFIG_AUTH_XOAUTH2)) {
		rc = runtime_open_oauth2(rt, &err);
		if (rc == 0 &&
		    oauth2_token(rt->oauth2, time(NULL), &err) == NULL)
			rc = -1;
		where = xasprintf("token from %s", c->oauth2_token_url);
		failed |= connect_report("oauth2", where, rc, err);
		free(where);
		err = NULL;
	}
	if (c->mailbox == CONFIG_MAILBOX_IMAP) {
		rc = runtime_mailbox_settings(rt, &err);
		if (rc == 0)
			rc = imap_probe(&rt->mailbox_set, &exists, &err);
		if (rc == 0) {
			struct imap_url u;
			char *uerr = NULL;

			if (imap_url_parse(c->imap_url, false, &u, &uerr) == -1)
				u.mailbox = NULL;
			printf("imap: logged in to %s as %s, %s has %u "
			       "message%s\n",
			       c->imap_url, c->imap_user,
			       u.mailbox != NULL ? u.mailbox : "the mailbox",
			       exists, exists == 1 ? "" : "s");
			if (u.mailbox != NULL)
				imap_url_deinit(&u);
			free(uerr);
			clear_hold(rt, "imap");
			failed |= check_folders(rt);
		} else {
			printf("imap: %s as %s: failed: %s\n", c->imap_url,
			       c->imap_user, err);
			failed = 1;
		}
		free(err);
		err = NULL;
	} else
		printf("mailbox: maildir %s (nothing to log in to)\n",
		       c->maildir);
	if (c->transport_kind == CONFIG_TRANSPORT_SMTP) {
		rt->smtp = runtime_open_transport(rt, &err);
		rc = rt->smtp != NULL ? smtp_curl_probe(rt->smtp, &err) : -1;
		where = xasprintf(
			"%s%s%s", c->smtp_url,
			c->smtp_auth_method != CONFIG_AUTH_NONE ? " as " : "",
			c->smtp_auth_method != CONFIG_AUTH_NONE ? c->smtp_user
								: "");
		failed |= connect_report("smtp", where, rc, err);
		free(where);
		if (rc == 0)
			clear_hold(rt, "smtp");
	} else
		printf("smtp: file transport into %s (nothing to connect "
		       "to)\n",
		       c->outbox_dir);
	return failed;
}

/* From enrolment_opens to the congress: where the programme starts
   (its first item without an opening date) and ends (its last item
   without a congress). */
static void
programme_period(const struct programme *p, time_t *from_r, time_t *to_r)
{
	time_t from = p->opens, to = p->closes;
	size_t i;

	for (i = 0; i < p->n_sessions; i++) {
		if (from == 0 || p->sessions[i].start < from)
			from = p->sessions[i].start;
		if (p->sessions[i].end > to)
			to = p->sessions[i].end;
	}
	if (p->deadline.title != NULL && p->deadline.end > to)
		to = p->deadline.end;
	if (p->congress.title != NULL)
		to = p->congress.end > to ? p->congress.end : to;
	*from_r = from;
	*to_r = to;
}

struct merges {
	struct buf *out;
	time_t to;
	unsigned warnings;
};

static void
merge_line(void *ctx, const struct gemeente *m)
{
	struct merges *c = ctx;

	(void)buf_addf(c->out,
		       "merge: %s (%s) into %s (%s) on %s%s, within the "
		       "programme: before that day it enrols on its own, from "
		       "it as %s\n",
		       m->name, m->code, m->successor->name, m->successor->code,
		       m->merged_on, m->planned ? " (planned)" : "",
		       m->successor->name);
}

static void
planned_warning(void *ctx, const struct gemeente *m)
{
	struct merges *c = ctx;

	if (!m->planned)
		return;
	(void)buf_addf(c->out,
		       "warning: the merge of %s (%s) into %s (%s) on %s is "
		       "planned, not yet law: it takes effect on that date "
		       "unless gemeenten.tsv says otherwise\n",
		       m->name, m->code, m->successor->name, m->successor->code,
		       m->merged_on);
	c->warnings++;
}

unsigned
cli_check_merges(const struct gemeenten *g, const struct programme *p,
		 struct buf *out)
{
	struct merges c = {out, 0, 0};
	time_t from;

	programme_period(p, &from, &c.to);
	gemeenten_each_merge(g, from, c.to, merge_line, &c);
	/* a plan whose day came before the programme ends: in force
	   for this programme, law or not */
	gemeenten_each_merge(g, 0, c.to, planned_warning, &c);
	return c.warnings;
}

int
cli_check_run(struct runtime *rt, int argc, char **argv)
{
	bool connect = argc == 2 && strcmp(argv[1], "--connect") == 0;
	const char *warning = config_auth_warning(rt->config);
	struct buf report;
	int bad;

	if (argc > 2 || (argc == 2 && !connect)) {
		fprintf(stderr, "usage: aanmeld check [--connect]\n");
		return 2;
	}
	printf("config: %s\nrules: %s (%zu municipalities, %zu subject "
	       "rules, %zu sender rules)\nevent: %s, %s, capacity %ld\n",
	       rt->config->path != NULL ? rt->config->path : "(default)",
	       rt->config->rules_dir, gemeenten_count(rt->rules->gemeenten),
	       rt->rules->n_subjects, rt->rules->n_senders,
	       rt->rules->programme->name, rt->rules->programme->address,
	       rt->rules->programme->capacity);
	/* check changes nothing: it never creates the database */
	if (access(rt->config->database, F_OK) == -1) {
		printf("database: %s (not created yet; the daemon creates "
		       "it)\n",
		       rt->config->database);
	} else {
		if (runtime_open_store(rt, true) == -1)
			return 1;
		printf("database: %s\n", rt->config->database);
	}
	if (warning != NULL)
		printf("warning: %s\n", warning);
	/* the register on the programme's days */
	buf_init(&report, 64 * 1024);
	(void)cli_check_merges(rt->rules->gemeenten, rt->rules->programme,
			       &report);
	fputs(buf_str(&report), stdout);
	buf_deinit(&report);
	/* what connecting would refuse, all of it, before connecting */
	buf_init(&report, 64 * 1024);
	bad = check_servers(rt->config, &report) == -1;
	fputs(buf_str(&report), stdout);
	buf_deinit(&report);
	if (bad) {
		printf("failed\n");
		return 1;
	}
	if (connect && check_connect(rt) != 0) {
		printf("failed\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}
