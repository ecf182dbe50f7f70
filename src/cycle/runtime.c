#include "autoconf.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "mailbox.h"
#include "oauth2.h"
#include "programme.h"
#include "rules.h"
#include "runtime.h"
#include "smtp.h"
#include "spool.h"
#include "staff_cycle.h"
#include "store.h"
#include "util.h"

/* -c, then AANMELD_CONF, then this when it exists, then the default. */
#define INSTALLED_CONF SYSCONFDIR "/aanmeld/aanmeld.conf"

static void
print_errors(struct buf *errors)
{
	fputs(buf_str(errors), stderr);
	buf_deinit(errors);
}

/* A rules folder that is not there is one line, not one per file
   missing from it; the usual cause is a config not given. */
static bool
rules_dir_missing(const struct config *c)
{
	struct stat sb;
	const char *why = "not a folder";

	if (stat(c->rules_dir, &sb) == -1)
		why = strerror(errno);
	else if (S_ISDIR(sb.st_mode))
		return false;
	fprintf(stderr,
		"rules folder %s: %s (%s%s; give another config with -c or "
		"AANMELD_CONF)\n",
		c->rules_dir, why, c->path != NULL ? "config " : "",
		c->path != NULL ? c->path : "the embedded default config");
	return true;
}

int
runtime_load(struct runtime *rt, const char *conf_path, const char *now_spec)
{
	struct buf errors;

	memset(rt, 0, sizeof(*rt));
	rt->store_create = true;
	buf_init(&errors, 1024 * 1024);
	if (conf_path == NULL)
		conf_path = getenv("AANMELD_CONF");
	/* the installed config before the embedded default */
	if (conf_path == NULL && access(INSTALLED_CONF, F_OK) == 0)
		conf_path = INSTALLED_CONF;
	rt->config = config_load(conf_path, &errors);
	if (rt->config == NULL) {
		print_errors(&errors);
		return -1;
	}
	log_set_level(rt->config->level);
	if (rules_dir_missing(rt->config)) {
		buf_deinit(&errors);
		return -1;
	}
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
runtime_start(struct runtime *rt, const char *conf_path, const char *now_spec)
{
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return runtime_load(rt, conf_path, now_spec);
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
	if ((readonly || !rt->store_create) &&
	    access(rt->config->database, F_OK) == -1 && errno == ENOENT) {
		log_warnx("no database yet: aanmeldd creates %s on its first "
			  "run",
			  rt->config->database);
		return -1;
	}
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

int
runtime_open_oauth2(struct runtime *rt, char **error_r)
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
oauth2_token_cb(void *ctx, bool renew, bool *refused_r, char **error_r)
{
	struct oauth2 *o = ctx;
	const char *token;

	if (renew)
		oauth2_invalidate(o);
	token = oauth2_token(o, time(NULL), error_r);
	*refused_r = token == NULL && oauth2_refused(o);
	return token;
}

int
runtime_mailbox_settings(struct runtime *rt, char **error_r)
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
		if (runtime_open_oauth2(rt, error_r) == -1)
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

/* The transport of the config.  With later, an SMTP access token that
   cannot be had now does not fail it: the daemon starts, and the cycle
   asks again before every outbox run and holds the outbox after a
   refusal; failing the start instead would have the service manager ask
   the token endpoint every 10 s, an account lockout. */
static struct smtp *
open_transport(struct runtime *rt, bool later, char **error_r)
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
		if (runtime_open_oauth2(rt, error_r) == -1)
			return NULL;
		/* a token now, renewed before every run of the outbox; when
		   the endpoint is down the first run says so */
		set.user = c->smtp_user;
		/* a start during a refused login's hold asks nobody */
		if (!later || rt->store == NULL ||
		    staff_cycle_held(rt->store, "smtp", c->smtp_login_retry,
				     util_clock()) == 0)
			set.bearer =
				oauth2_token(rt->oauth2, time(NULL), error_r);
		if (set.bearer == NULL && !later)
			return NULL;
		if (set.bearer == NULL) {
			log_warnx("smtp: no access token yet: %s",
				  *error_r != NULL ? *error_r
						   : "held after a refusal");
			free(*error_r);
			*error_r = NULL;
			/* never sent: see smtp_token_missing */
			set.bearer = "-";
			rt->smtp_token_missing = true;
		}
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

struct smtp *
runtime_open_transport(struct runtime *rt, char **error_r)
{
	return open_transport(rt, false, error_r);
}

int
runtime_renew_smtp_token(struct runtime *rt)
{
	const char *token;
	char *err = NULL;

	if (rt->oauth2 == NULL ||
	    rt->config->transport_kind != CONFIG_TRANSPORT_SMTP ||
	    rt->config->smtp_auth_method != CONFIG_AUTH_XOAUTH2)
		return 0;
	token = oauth2_token(rt->oauth2, time(NULL), &err);
	if (token == NULL) {
		log_warnx("smtp: no access token: %s", err);
		free(err);
		return oauth2_refused(rt->oauth2) ? 1 : -1;
	}
	smtp_set_bearer(rt->smtp, token);
	rt->smtp_token_missing = false;
	return 0;
}

int
runtime_open_io(struct runtime *rt)
{
	char *err = NULL;

	if (runtime_mailbox_settings(rt, &err) == 0)
		rt->mailbox = mailbox_open(&rt->mailbox_set, &err);
	if (rt->mailbox != NULL)
		rt->smtp = open_transport(rt, true, &err);
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
