#include "autoconf.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "imap.h"
#include "log.h"
#include "mailbox.h"
#include "oauth2.h"
#include "programme.h"
#include "remind.h"
#include "rules.h"
#include "runtime.h"
#include "smtp.h"
#include "spool.h"
#include "staff_cycle.h"
#include "store.h"
#include "util.h"

static void
print_errors(struct buf *errors)
{
	fputs(buf_str(errors), stderr);
	buf_deinit(errors);
}

int
runtime_load(struct runtime *rt, const char *conf_path, const char *now_spec)
{
	struct buf errors;

	memset(rt, 0, sizeof(*rt));
	buf_init(&errors, 1024 * 1024);
	if (conf_path == NULL)
		conf_path = getenv("AANMELD_CONF");
	rt->config = config_load(conf_path, &errors);
	if (rt->config == NULL) {
		print_errors(&errors);
		return -1;
	}
	log_set_level(rt->config->level);
	rt->rules = rules_load(rt->config->rules_dir, &errors);
	if (rt->rules == NULL) {
		print_errors(&errors);
		return -1;
	}
	buf_deinit(&errors);
	config_derive(rt->config, rt->rules->programme->address);
	if (now_spec == NULL)
		now_spec = getenv("AANMELD_NOW");
	if (now_spec != NULL && util_clock_set(now_spec) == -1) {
		fprintf(stderr,
			"--now: '%s' is not a time (YYYY-MM-DD HH:MM)\n",
			now_spec);
		return -1;
	}
	return 0;
}

int
runtime_reload_rules(struct runtime *rt)
{
	struct buf errors;
	struct rules *r;

	buf_init(&errors, 1024 * 1024);
	r = rules_load(rt->config->rules_dir, &errors);
	if (r == NULL) {
		log_warnx("reloading %s failed, keeping the old rules:\n%s",
			  rt->config->rules_dir, buf_str(&errors));
		buf_deinit(&errors);
		return -1;
	}
	buf_deinit(&errors);
	rules_free(rt->rules);
	rt->rules = r;
	log_info("reloaded the rules from %s", rt->config->rules_dir);
	return 0;
}

int
runtime_open_store(struct runtime *rt, bool readonly)
{
	char *err = NULL, *dir, *slash;

	if (rt->store != NULL)
		return 0;
	dir = xstrdup(rt->config->database);
	slash = strrchr(dir, '/');
	if (slash != NULL && !readonly) {
		*slash = '\0';
		if (spool_mkdir(dir, &err) == -1) {
			log_warnx("%s", err);
			free(err);
			free(dir);
			return -1;
		}
	}
	free(dir);
	if (store_open(rt->config->database, readonly, &rt->store, &err) ==
	    -1) {
		log_warnx("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* A secret from the environment, else from a file only its owner reads. */
static char *
read_password(const char *env, const char *path, char **error_r)
{
	const char *value = getenv(env);

	if (value != NULL && value[0] != '\0')
		return xstrdup(value);
	if (path == NULL) {
		*error_r =
			xasprintf("no password: set password_file or %s", env);
		return NULL;
	}
	return util_read_secret(path, error_r);
}

/* The OAuth2 token source both servers share. */
static int
open_oauth2(struct runtime *rt, char **error_r)
{
	const struct config *c = rt->config;
	struct oauth2_settings set;
	char *secret;

	if (rt->oauth2 != NULL)
		return 0;
	secret = read_password("AANMELD_OAUTH2_SECRET",
			       c->oauth2_client_secret_file, error_r);
	if (secret == NULL)
		return -1;
	memset(&set, 0, sizeof(set));
	set.token_url = c->oauth2_token_url;
	set.client_id = c->oauth2_client_id;
	set.client_secret = secret;
	set.scope = c->oauth2_scope;
	set.ca_file = c->oauth2_ca_file;
	set.timeout = c->imap_timeout;
	rt->oauth2 = oauth2_new(&set, error_r);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return rt->oauth2 == NULL ? -1 : 0;
}

/* The token the servers get; real time, never the simulated clock. */
static const char *
oauth2_token_cb(void *ctx, bool renew, char **error_r)
{
	struct oauth2 *o = ctx;

	if (renew)
		oauth2_invalidate(o);
	return oauth2_token(o, time(NULL), error_r);
}

static int
mailbox_settings_init(struct runtime *rt, char **error_r)
{
	const struct config *c = rt->config;
	struct mailbox_settings *set = &rt->mailbox_set;

	memset(set, 0, sizeof(*set));
	set->type = c->mailbox_type;
	set->maildir = c->maildir;
	if (c->mailbox != CONFIG_MAILBOX_IMAP)
		return 0;
	set->url = c->imap_url;
	set->user = c->imap_user;
	set->tls_none = c->imap_tls_mode == CONFIG_TLS_NONE;
	set->ca_file = c->imap_ca_file;
	set->timeout = c->imap_timeout;
	set->idle = c->imap_idle;
	set->keep_in_inbox = c->keep_in_inbox;
	if (c->imap_auth_method == CONFIG_AUTH_XOAUTH2) {
		if (open_oauth2(rt, error_r) == -1)
			return -1;
		set->token = oauth2_token_cb;
		set->token_ctx = rt->oauth2;
		return 0;
	}
	rt->imap_password = read_password("AANMELD_IMAP_PASSWORD",
					  c->imap_password_file, error_r);
	set->password = rt->imap_password;
	return rt->imap_password == NULL ? -1 : 0;
}

/* The transport of [smtp]: the file transport, or SMTP over libcurl. */
static struct smtp *
open_transport(struct runtime *rt, char **error_r)
{
	const struct config *c = rt->config;
	struct smtp_settings set;
	struct smtp *t;
	char *password = NULL;

	if (c->transport_kind != CONFIG_TRANSPORT_SMTP)
		return smtp_file_new(c->outbox_dir, error_r);
	memset(&set, 0, sizeof(set));
	set.url = c->smtp_url;
	set.tls_none = c->smtp_tls_mode == CONFIG_TLS_NONE;
	set.ca_file = c->smtp_ca_file;
	set.timeout = c->smtp_timeout;
	switch (c->smtp_auth_method) {
	case CONFIG_AUTH_PASSWORD:
		password = read_password("AANMELD_SMTP_PASSWORD",
					 c->smtp_password_file, error_r);
		if (password == NULL)
			return NULL;
		set.user = c->smtp_user;
		set.password = password;
		break;
	case CONFIG_AUTH_XOAUTH2:
		if (open_oauth2(rt, error_r) == -1)
			return NULL;
		/* a token now, renewed before every run of the outbox; when
		   the endpoint is down the first run says so */
		set.user = c->smtp_user;
		set.bearer = oauth2_token(rt->oauth2, time(NULL), error_r);
		if (set.bearer == NULL)
			return NULL;
		break;
	case CONFIG_AUTH_NONE:
		break;
	}
	t = smtp_curl_new(&set, error_r);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	return t;
}

/* Gives an XOAUTH2 transport a token that is valid now. */
static void
renew_smtp_token(struct runtime *rt)
{
	const char *token;
	char *err = NULL;

	if (rt->oauth2 == NULL ||
	    rt->config->transport_kind != CONFIG_TRANSPORT_SMTP ||
	    rt->config->smtp_auth_method != CONFIG_AUTH_XOAUTH2)
		return;
	token = oauth2_token(rt->oauth2, time(NULL), &err);
	if (token == NULL) {
		log_warnx("smtp: no access token: %s", err);
		free(err);
		return;
	}
	smtp_set_bearer(rt->smtp, token);
}

int
runtime_open_io(struct runtime *rt)
{
	char *err = NULL;

	if (mailbox_settings_init(rt, &err) == 0)
		rt->mailbox = mailbox_open(&rt->mailbox_set, &err);
	if (rt->mailbox != NULL)
		rt->smtp = open_transport(rt, &err);
	if (rt->mailbox == NULL || rt->smtp == NULL) {
		log_warnx("%s", err);
		free(err);
		return -1;
	}
	return 0;
}

void
runtime_close(struct runtime *rt)
{
	smtp_close(&rt->smtp);
	mailbox_close(&rt->mailbox);
	oauth2_free(rt->oauth2);
	if (rt->imap_password != NULL) {
		explicit_bzero(rt->imap_password, strlen(rt->imap_password));
		free(rt->imap_password);
	}
	store_close(&rt->store);
	rules_free(rt->rules);
	config_free(rt->config);
	memset(rt, 0, sizeof(*rt));
}

/* Staff's decision folders: created once, then looked at every cycle. */
static void
review_cycle(struct runtime *rt, volatile sig_atomic_t *stop,
	     struct review_stats *stats)
{
	struct review r = {rt->config, rt->rules, rt->store};
	char *err = NULL;
	int rc = 0;

	if (!rt->review_folders) {
		rc = review_folders_create(rt->config, rt->mailbox, &err);
		rt->review_folders = rc == 0;
	}
	if (rc == 0)
		rc = review_folders_run(&r, rt->mailbox, util_clock(), stop,
					stats, &err);
	if (rc == -1) {
		log_warnx("review folders: %s", err);
		staff_cycle_error(rt->store, util_clock(), "review folders: %s",
				  err);
	}
	free(err);
}

int
runtime_cycle(struct runtime *rt, volatile sig_atomic_t *stop,
	      struct cycle_stats *stats)
{
	struct intake in;
	char *err = NULL;
	int rc;

	memset(stats, 0, sizeof(*stats));
	intake_init(&in, rt->config, rt->rules, rt->store, rt->mailbox);
	rc = intake_run(&in, util_clock(), stop, &stats->intake, &err);
	if (rc == -1)
		log_warnx("intake: %s", err);
	else if (rc == MAILBOX_UNREACHABLE)
		log_debug("intake waits: %s", err); /* said by the mailbox */
	if (rc != 0) /* kept for aanmeld status and the staff's warning */
		staff_cycle_error(rt->store, util_clock(), "intake: %s",
				  err != NULL ? err : "failed");
	free(err);
	err = NULL;
	if (rc == 0)
		review_cycle(rt, stop, &stats->review);
	/* nothing leaves on the strength of a record not yet on disk */
	if (store_sync(rt->store, &err) == -1) {
		log_warnx("database: %s: not sending or moving", err);
		staff_cycle_error(rt->store, util_clock(), "database: %s", err);
		free(err);
		return -1;
	}
	/* reminders, updated and cancelled invitations that are due */
	if (remind_run(rt->store, rt->rules, rt->config, util_clock(),
		       &stats->reminders, &err) == -1) {
		log_warnx("scheduler: %s", err);
		staff_cycle_error(rt->store, util_clock(), "scheduler: %s",
				  err);
		free(err);
		err = NULL;
	}
	/* before the outbox, which sends what it queues */
	staff_cycle_run(rt->store, rt->config, rt->rules, rc,
			stats->intake.failed, util_clock());
	/* the outbox works even when the mailbox does not */
	renew_smtp_token(rt);
	if (outbox_run(rt->store, rt->smtp, util_clock(),
		       (time_t)rt->config->retry_hours * 3600, &stats->outbox,
		       &err) == -1) {
		log_warnx("outbox: %s", err);
		staff_cycle_error(rt->store, util_clock(), "outbox: %s", err);
		rc = -1;
	}
	free(err);
	err = NULL;
	/* no move before intake has made its copies durable */
	if (rc != -1 && actions_run(rt->store, rt->mailbox, util_clock(),
				    &stats->actions, &err) == -1) {
		log_warnx("mailbox actions: %s", err);
		staff_cycle_error(rt->store, util_clock(),
				  "mailbox actions: %s", err);
		rc = -1;
	}
	free(err);
	return rc;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
print_decision(void *ctx, int n, const char *const *values,
	       const char *const *names)
{
	int i;

	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i > 0 ? "\t" : "",
		       values[i] != NULL ? values[i] : "");
	putchar('\n');
}

/* Works on a copy of the database and a spool of its own, which are
   thrown away: the decisions are the real pipeline's, the effects none. */
int
runtime_dry_run(struct runtime *rt, volatile sig_atomic_t *stop)
{
	char tmp[] = "/tmp/aanmeld-dry-run.XXXXXX", *err = NULL, *copy;
	struct intake_stats stats;
	struct store *real = NULL;
	struct intake in;
	int64_t before = 0;
	int rc = -1;

	if (mkdtemp(tmp) == NULL) {
		log_warn("dry run: %s", tmp);
		return -1;
	}
	copy = xasprintf("%s/aanmeld.db", tmp);
	if (access(rt->config->database, F_OK) == 0 &&
	    (store_open(rt->config->database, true, &real, &err) == -1 ||
	     store_copy(real, copy, &err) == -1)) {
		log_warnx("dry run: %s", err);
		goto out;
	}
	free(rt->config->database);
	rt->config->database = xstrdup(copy);
	free(rt->config->spool_dir);
	rt->config->spool_dir = xstrdup(tmp);
	if (runtime_open_store(rt, false) == -1 || runtime_open_io(rt) == -1 ||
	    store_last_message(rt->store, &before, &err) == -1)
		goto out;
	memset(&stats, 0, sizeof(stats));
	intake_init(&in, rt->config, rt->rules, rt->store, rt->mailbox);
	if (intake_run(&in, util_clock(), stop, &stats, &err) != 0) {
		log_warnx("dry run: %s", err);
		goto out;
	}
	{
		char since[32];

		snprintf(since, sizeof(since), "%lld", (long long)before);
		printf("message\tsender\tverdict\tfolder\tanswer\treasons\n");
		if (store_report(rt->store, "decisions", since, print_decision,
				 NULL, &err) == -1)
			goto out;
	}
	printf("dry run: %u messages; nothing was stored, sent or moved\n",
	       stats.recorded + stats.known);
	rc = 0;
out:
	if (err != NULL && rc == -1 && err[0] != '\0')
		log_warnx("dry run: %s", err);
	free(err);
	store_close(&real);
	store_close(&rt->store);
	mailbox_close(&rt->mailbox);
	(void)nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(copy);
	return rc;
}

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

int
runtime_check_connect(struct runtime *rt)
{
	const struct config *c = rt->config;
	char *err = NULL, *where;
	uint32_t exists = 0;
	int failed = 0, rc;

	if (c->oauth2_token_url != NULL &&
	    (c->imap_auth_method == CONFIG_AUTH_XOAUTH2 ||
	     c->smtp_auth_method == CONFIG_AUTH_XOAUTH2)) {
		rc = open_oauth2(rt, &err);
		if (rc == 0 &&
		    oauth2_token(rt->oauth2, time(NULL), &err) == NULL)
			rc = -1;
		where = xasprintf("token from %s", c->oauth2_token_url);
		failed |= connect_report("oauth2", where, rc, err);
		free(where);
		err = NULL;
	}
	if (c->mailbox == CONFIG_MAILBOX_IMAP) {
		rc = mailbox_settings_init(rt, &err);
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
		rt->smtp = open_transport(rt, &err);
		rc = rt->smtp != NULL ? smtp_curl_probe(rt->smtp, &err) : -1;
		where = xasprintf(
			"%s%s%s", c->smtp_url,
			c->smtp_auth_method != CONFIG_AUTH_NONE ? " as " : "",
			c->smtp_auth_method != CONFIG_AUTH_NONE ? c->smtp_user
								: "");
		failed |= connect_report("smtp", where, rc, err);
		free(where);
	} else
		printf("smtp: file transport into %s (nothing to connect "
		       "to)\n",
		       c->outbox_dir);
	return failed;
}
