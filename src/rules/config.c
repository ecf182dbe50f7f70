#include "autoconf.h"

#include <sys/stat.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "compose.h"
#include "config.h"
#include "folder_name.h"
#include "inifile.h"
#include "log.h"
#include "rulefile.h"
#include "util.h"

enum setting_type {
	SET_STRING,
	SET_PATH, /* a string made absolute against the file's folder */
	SET_UINT,
	SET_BOOL,
};

struct setting {
	const char *section;
	const char *name;
	enum setting_type type;
	size_t offset;
	const char *def; /* NULL: derived in config_check() */
};

#define S(sec, name, type, field, def)                                         \
	{                                                                      \
		sec, name, type, offsetof(struct config, field), def           \
	}

static const struct setting settings[] = {
	S("main", "rules", SET_PATH, rules_dir, "rules"),
	S("main", "spool", SET_PATH, spool_dir, "spool"),
	S("main", "database", SET_PATH, database, NULL),
	S("main", "message_id_domain", SET_STRING, message_id_domain, NULL),
	S("main", "log_level", SET_STRING, log_level, "info"),
	S("main", "user", SET_STRING, user, NULL),
	S("main", "retention_months", SET_UINT, retention_months, "12"),
	S("mailbox", "type", SET_STRING, mailbox_type, "maildir"),
	S("mailbox", "maildir", SET_PATH, maildir, NULL),
	S("mailbox", "folder_processed", SET_STRING, folder_processed,
	  "Verwerkt"),
	S("mailbox", "folder_review", SET_STRING, folder_review, "Beoordelen"),
	S("mailbox", "folder_rejected", SET_STRING, folder_rejected,
	  "Afgewezen"),
	S("mailbox", "folder_ignored", SET_STRING, folder_ignored, "Genegeerd"),
	S("mailbox", "poll_interval", SET_UINT, poll_interval, "60"),
	S("mailbox", "url", SET_STRING, imap_url, NULL),
	S("mailbox", "user", SET_STRING, imap_user, NULL),
	S("mailbox", "password_file", SET_PATH, imap_password_file, NULL),
	S("mailbox", "auth", SET_STRING, imap_auth, "password"),
	S("mailbox", "tls", SET_STRING, imap_tls, "verify"),
	S("mailbox", "ca_file", SET_PATH, imap_ca_file, NULL),
	S("mailbox", "timeout", SET_UINT, imap_timeout, "60"),
	S("mailbox", "idle", SET_BOOL, imap_idle, "yes"),
	S("mailbox", "keep_in_inbox", SET_BOOL, keep_in_inbox, "no"),
	S("mailbox", "login_retry", SET_UINT, imap_login_retry, "30"),
	S("smtp", "transport", SET_STRING, transport, "file"),
	S("smtp", "outbox", SET_PATH, outbox_dir, NULL),
	S("smtp", "envelope_from", SET_STRING, envelope_from, NULL),
	S("smtp", "url", SET_STRING, smtp_url, NULL),
	S("smtp", "user", SET_STRING, smtp_user, NULL),
	S("smtp", "password_file", SET_PATH, smtp_password_file, NULL),
	S("smtp", "auth", SET_STRING, smtp_auth, "password"),
	S("smtp", "tls", SET_STRING, smtp_tls, "verify"),
	S("smtp", "ca_file", SET_PATH, smtp_ca_file, NULL),
	S("smtp", "timeout", SET_UINT, smtp_timeout, "60"),
	S("smtp", "retry_hours", SET_UINT, retry_hours, "96"),
	S("smtp", "login_retry", SET_UINT, smtp_login_retry, "30"),
	S("oauth2", "token_url", SET_STRING, oauth2_token_url, NULL),
	S("oauth2", "client_id", SET_STRING, oauth2_client_id, NULL),
	S("oauth2", "client_secret_file", SET_PATH, oauth2_client_secret_file,
	  NULL),
	S("oauth2", "scope", SET_STRING, oauth2_scope, NULL),
	S("oauth2", "ca_file", SET_PATH, oauth2_ca_file, NULL),
	S("smtp", "max_replies_per_day", SET_UINT, max_replies_per_day, "5"),
	S("smtp", "max_outsider_replies_per_hour", SET_UINT,
	  max_outsider_replies_per_hour, "20"),
	S("review", "folder_approve", SET_STRING, review_approve,
	  "Beoordelen/Goedkeuren"),
	S("review", "folder_reject", SET_STRING, review_reject,
	  "Beoordelen/Afwijzen"),
	S("review", "folder_dismiss", SET_STRING, review_dismiss,
	  "Beoordelen/Negeren"),
	S("classify", "trusted_authserv_id", SET_STRING, trusted_authserv_id,
	  ""),
	S("classify", "trust_unlabelled_authres", SET_BOOL,
	  trust_unlabelled_authres, "no"),
	S("staff", "address", SET_STRING, staff_address, NULL),
	S("staff", "summary_at", SET_STRING, staff_summary_at, "09:00"),
	S("staff", "summary_every", SET_UINT, staff_summary_every, "1"),
	S("staff", "warn_after", SET_UINT, staff_warn_after, "30"),
	S("web", "listen", SET_STRING, web_listen, "127.0.0.1"),
	S("web", "port", SET_UINT, web_port, "8080"),
	S("web", "users", SET_PATH, web_users, "users"),
	S("web", "session_idle", SET_UINT, web_session_idle, "30"),
	S("web", "session_max", SET_UINT, web_session_max, "720"),
	S("web", "tls_cert", SET_PATH, web_tls_cert, NULL),
	S("web", "tls_key", SET_PATH, web_tls_key, NULL),
	S("web", "trusted_proxy", SET_STRING, web_trusted_proxy, NULL),
	S("web", "url", SET_STRING, web_url, NULL),
};

struct load {
	struct config *c;
	const char *path;
	char *base; /* the folder relative paths start from */
	struct buf *errors;
};

static int
set_value(struct load *l, const struct setting *s, const char *value,
	  unsigned line)
{
	char *field = (char *)l->c + s->offset;
	const char *err;
	long long n;

	switch (s->type) {
	case SET_STRING:
	case SET_PATH:
		free(*(char **)field);
		if (s->type == SET_PATH && value[0] != '/' && l->base != NULL)
			*(char **)field = xasprintf("%s/%s", l->base, value);
		else
			*(char **)field = xstrdup(value);
		return 0;
	case SET_UINT:
		if (util_strtonum(value, 0, 1000000, &n, &err) == -1) {
			rulefile_error(l->errors, l->path, line, "%s: %s",
				       s->name, err);
			return -1;
		}
		*(unsigned *)field = (unsigned)n;
		return 0;
	case SET_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0) {
			*(bool *)field = true;
		} else if (strcmp(value, "no") == 0 ||
			   strcmp(value, "false") == 0) {
			*(bool *)field = false;
		} else {
			rulefile_error(l->errors, l->path, line,
				       "%s: expected yes or no", s->name);
			return -1;
		}
		return 0;
	}
	return -1;
}

static int
on_value(void *user, const char *section, const char *name, const char *value,
	 unsigned line)
{
	struct load *l = user;
	size_t i;

	for (i = 0; i < nitems(settings); i++) {
		if (strcmp(settings[i].section, section) == 0 &&
		    strcmp(settings[i].name, name) == 0)
			return set_value(l, &settings[i], value, line);
	}
	rulefile_error(l->errors, l->path, line, "unknown setting [%s] %s",
		       section, name);
	return -1;
}

/* The words a choice setting accepts, and what each means. */
struct choice {
	const char *name;
	int value;
};

static const struct choice mailbox_choices[] = {
	{"maildir", CONFIG_MAILBOX_MAILDIR},
	{"imap", CONFIG_MAILBOX_IMAP},
};
static const struct choice transport_choices[] = {
	{"file", CONFIG_TRANSPORT_FILE},
	{"smtp", CONFIG_TRANSPORT_SMTP},
};
static const struct choice auth_choices[] = {
	{"password", CONFIG_AUTH_PASSWORD},
	{"xoauth2", CONFIG_AUTH_XOAUTH2},
	{"none", CONFIG_AUTH_NONE},
};
static const struct choice tls_choices[] = {
	{"verify", CONFIG_TLS_VERIFY},
	{"none", CONFIG_TLS_NONE},
};

/* The value of word among n choices: 0 with *value_r, -1 if unknown. */
static int
choose(const char *word, const struct choice *choices, size_t n, int *value_r)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(choices[i].name, word) == 0) {
			*value_r = choices[i].value;
			return 0;
		}
	}
	return -1;
}

/* Parses every choice once.  An unknown word leaves the default (the
   first choice); config_check() reports it where the setting is used,
   as a server not in use is not checked. */
static void
parse_choices(struct config *c)
{
	int v;

	if (choose(c->mailbox_type, mailbox_choices, nitems(mailbox_choices),
		   &v) == 0)
		c->mailbox = (enum config_mailbox)v;
	if (choose(c->transport, transport_choices, nitems(transport_choices),
		   &v) == 0)
		c->transport_kind = (enum config_transport)v;
	if (choose(c->imap_auth, auth_choices, nitems(auth_choices), &v) == 0)
		c->imap_auth_method = (enum config_auth)v;
	if (choose(c->smtp_auth, auth_choices, nitems(auth_choices), &v) == 0)
		c->smtp_auth_method = (enum config_auth)v;
	if (choose(c->imap_tls, tls_choices, nitems(tls_choices), &v) == 0)
		c->imap_tls_mode = (enum config_tls)v;
	if (choose(c->smtp_tls, tls_choices, nitems(tls_choices), &v) == 0)
		c->smtp_tls_mode = (enum config_tls)v;
}

bool
config_uses_oauth2(const struct config *c)
{
	return (c->mailbox == CONFIG_MAILBOX_IMAP &&
		c->imap_auth_method == CONFIG_AUTH_XOAUTH2) ||
	       (c->transport_kind == CONFIG_TRANSPORT_SMTP &&
		c->smtp_auth_method == CONFIG_AUTH_XOAUTH2);
}

/* The settings of a server ([mailbox] with type imap, or [smtp]); auth
   and tls as written, for the messages. */
static int
check_remote(struct load *l, const char *section, const char *url,
	     const char *user, const char *auth, const char *tls,
	     bool auth_none_ok)
{
	int rc = 0, v, method = -1;

	if (url == NULL) {
		rulefile_error(l->errors, l->path, 0, "[%s] needs a url",
			       section);
		rc = -1;
	}
	if (choose(tls, tls_choices, nitems(tls_choices), &v) == -1) {
		rulefile_error(l->errors, l->path, 0,
			       "[%s] tls: '%s' is not verify or none", section,
			       tls);
		rc = -1;
	}
	if (choose(auth, auth_choices, nitems(auth_choices), &v) == 0)
		method = v;
	switch (method) {
	case CONFIG_AUTH_PASSWORD:
	case CONFIG_AUTH_XOAUTH2:
		/* a password itself comes from password_file or the
		   environment, read when connecting */
		if (user == NULL) {
			rulefile_error(l->errors, l->path, 0,
				       "[%s] auth = %s needs user", section,
				       auth);
			rc = -1;
		}
		break;
	case CONFIG_AUTH_NONE:
		if (auth_none_ok)
			break;
		/* FALLTHROUGH */
	default:
		rulefile_error(l->errors, l->path, 0,
			       "[%s] auth: '%s' is not password%s or xoauth2",
			       section, auth, auth_none_ok ? ", none" : "");
		rc = -1;
	}
	return rc;
}

/* [staff]: a safe address, "HH:MM", periods of at least a day and a
   warning after at least a minute. */
static int
check_staff(struct load *l)
{
	struct config *c = l->c;
	const char *t = c->staff_summary_at;
	int rc = 0;

	if (c->staff_address != NULL &&
	    !compose_addr_is_safe(c->staff_address)) {
		rulefile_error(l->errors, l->path, 0,
			       "[staff] address: '%s' is not a plain address",
			       c->staff_address);
		rc = -1;
	}
	if (strlen(t) != 5 || t[2] != ':' || !isdigit((unsigned char)t[0]) ||
	    !isdigit((unsigned char)t[1]) || !isdigit((unsigned char)t[3]) ||
	    !isdigit((unsigned char)t[4]) ||
	    (t[0] - '0') * 10 + (t[1] - '0') > 23 || t[3] > '5') {
		rulefile_error(l->errors, l->path, 0,
			       "[staff] summary_at: '%s' is not HH:MM", t);
		rc = -1;
	} else {
		c->staff_summary_minute =
			(unsigned)(((t[0] - '0') * 10 + (t[1] - '0')) * 60 +
				   (t[3] - '0') * 10 + (t[4] - '0'));
	}
	if (c->staff_summary_every == 0) {
		rulefile_error(l->errors, l->path, 0,
			       "[staff] summary_every must be at least 1");
		rc = -1;
	}
	if (c->staff_warn_after == 0) {
		rulefile_error(l->errors, l->path, 0,
			       "[staff] warn_after must be at least 1");
		rc = -1;
	}
	return rc;
}

/* [web] url goes into staff's mail as a link: a scheme, a host and
   nothing a line break or a space could split. */
static bool
web_url_ok(const char *url)
{
	const char *host;
	const char *p;

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return false;
	if (*host == '\0' || *host == '/')
		return false;
	for (p = url; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' ||
		    *p == '<' || *p == '>')
			return false;
	}
	return true;
}

/* [web]: IP addresses (a name would need a lookup at start), a port,
   an idle timeout of at least a minute within the maximum lifetime,
   and TLS as a pair of files or not at all. */
static int
check_web(struct load *l)
{
	const struct config *c = l->c;
	unsigned char addr[sizeof(struct in6_addr)];
	int rc = 0;

	if (inet_pton(AF_INET, c->web_listen, addr) != 1 &&
	    inet_pton(AF_INET6, c->web_listen, addr) != 1) {
		rulefile_error(l->errors, l->path, 0,
			       "[web] listen: '%s' is not an IP address",
			       c->web_listen);
		rc = -1;
	}
	if (c->web_port == 0 || c->web_port > 65535) {
		rulefile_error(l->errors, l->path, 0,
			       "[web] port must be 1 to 65535");
		rc = -1;
	}
	if (c->web_session_idle == 0) {
		rulefile_error(l->errors, l->path, 0,
			       "[web] session_idle must be at least 1");
		rc = -1;
	}
	if (c->web_session_max < c->web_session_idle) {
		rulefile_error(l->errors, l->path, 0,
			       "[web] session_max must be at least "
			       "session_idle");
		rc = -1;
	}
	if ((c->web_tls_cert == NULL) != (c->web_tls_key == NULL)) {
		rulefile_error(l->errors, l->path, 0,
			       "[web] tls_cert and tls_key go together");
		rc = -1;
	}
	if (c->web_trusted_proxy != NULL &&
	    inet_pton(AF_INET, c->web_trusted_proxy, addr) != 1 &&
	    inet_pton(AF_INET6, c->web_trusted_proxy, addr) != 1) {
		rulefile_error(l->errors, l->path, 0,
			       "[web] trusted_proxy: '%s' is not an IP "
			       "address",
			       c->web_trusted_proxy);
		rc = -1;
	}
	if (c->web_url != NULL && !web_url_ok(c->web_url)) {
		rulefile_error(l->errors, l->path, 0,
			       "[web] url: '%s' is not an http:// or https:// "
			       "address",
			       c->web_url);
		rc = -1;
	}
	return rc;
}

/* Folder paths are logical, '/' between levels (folder_name.h); a
   Maildir's own delimiter '.' is known now, a server's only when
   connected. */
static int
check_folders(struct load *l)
{
	const struct config *c = l->c;
	const struct {
		const char *section, *name, *value;
	} f[] = {
		{"mailbox", "folder_processed", c->folder_processed},
		{"mailbox", "folder_review", c->folder_review},
		{"mailbox", "folder_rejected", c->folder_rejected},
		{"mailbox", "folder_ignored", c->folder_ignored},
		{"review", "folder_approve", c->review_approve},
		{"review", "folder_reject", c->review_reject},
		{"review", "folder_dismiss", c->review_dismiss},
	};
	char *err = NULL, *name;
	size_t i;
	int rc = 0;

	for (i = 0; i < nitems(f); i++) {
		name = folder_name_map(f[i].value,
				       c->mailbox == CONFIG_MAILBOX_IMAP ? '/'
									 : '.',
				       "", true, &err);
		if (name == NULL) {
			rulefile_error(l->errors, l->path, 0, "[%s] %s: %s",
				       f[i].section, f[i].name, err);
			free(err);
			rc = -1;
		}
		free(name);
	}
	return rc;
}

/* Validates the whole and derives the settings that follow from others. */
static int
config_check(struct load *l)
{
	struct config *c = l->c;
	int rc = 0, v;

	parse_choices(c);
	if (c->database == NULL)
		c->database = xasprintf("%s/aanmeld.db", c->spool_dir);
	if (c->maildir == NULL)
		c->maildir = xasprintf("%s/maildir", c->spool_dir);
	if (c->outbox_dir == NULL)
		c->outbox_dir = xasprintf("%s/outbox", c->spool_dir);
	if (log_level_parse(c->log_level, &c->level) == -1) {
		rulefile_error(l->errors, l->path, 0,
			       "log_level: '%s' is not error, warning, info or "
			       "debug",
			       c->log_level);
		rc = -1;
	}
	if (choose(c->mailbox_type, mailbox_choices, nitems(mailbox_choices),
		   &v) == -1) {
		rulefile_error(l->errors, l->path, 0,
			       "[mailbox] type: '%s' is not maildir or imap",
			       c->mailbox_type);
		rc = -1;
	} else if (c->mailbox == CONFIG_MAILBOX_IMAP) {
		rc |= check_remote(l, "mailbox", c->imap_url, c->imap_user,
				   c->imap_auth, c->imap_tls, false);
	}
	if (choose(c->transport, transport_choices, nitems(transport_choices),
		   &v) == -1) {
		rulefile_error(l->errors, l->path, 0,
			       "[smtp] transport: '%s' is not file or smtp",
			       c->transport);
		rc = -1;
	} else if (c->transport_kind == CONFIG_TRANSPORT_SMTP) {
		rc |= check_remote(l, "smtp", c->smtp_url, c->smtp_user,
				   c->smtp_auth, c->smtp_tls, true);
	}
	if (config_uses_oauth2(c) &&
	    (c->oauth2_token_url == NULL || c->oauth2_client_id == NULL ||
	     c->oauth2_client_secret_file == NULL)) {
		rulefile_error(l->errors, l->path, 0,
			       "auth = xoauth2 needs [oauth2] token_url, "
			       "client_id and client_secret_file");
		rc = -1;
	}
	if (c->retry_hours == 0) {
		rulefile_error(l->errors, l->path, 0,
			       "[smtp] retry_hours must be at least 1");
		rc = -1;
	}
	if (c->poll_interval == 0) {
		rulefile_error(l->errors, l->path, 0,
			       "[mailbox] poll_interval must be at least 1");
		rc = -1;
	}
	if (c->imap_login_retry == 0 || c->smtp_login_retry == 0) {
		rulefile_error(l->errors, l->path, 0,
			       "login_retry must be at least 1");
		rc = -1;
	}
	if (check_staff(l) == -1)
		rc = -1;
	if (check_folders(l) == -1)
		rc = -1;
	if (check_web(l) == -1)
		rc = -1;
	return rc;
}

struct config *
config_load(const char *path, struct buf *errors)
{
	struct config *c = xcalloc(1, sizeof(*c));
	struct load l = {c, path == NULL ? "(default)" : path, NULL, errors};
	const char *err = NULL;
	unsigned syntax = 0;
	int rc = 0;
	size_t i;

	for (i = 0; i < nitems(settings); i++) {
		if (settings[i].def != NULL)
			(void)set_value(&l, &settings[i], settings[i].def, 0);
	}
	if (path != NULL) {
		char *copy = xstrdup(path);

		l.base = xstrdup(dirname(copy));
		free(copy);
		/* defaults are relative to the file's folder too */
		for (i = 0; i < nitems(settings); i++) {
			if (settings[i].def != NULL &&
			    settings[i].type == SET_PATH)
				(void)set_value(&l, &settings[i],
						settings[i].def, 0);
		}
		c->path = xstrdup(path);
		rc = inifile_parse(path, on_value, &l, &syntax, &err);
		if (err != NULL)
			rulefile_error(errors, path, 0, "%s", err);
		else if (syntax != 0)
			rulefile_error(errors, path, syntax, "syntax error");
	}
	if (config_check(&l) == -1)
		rc = -1;
	free(l.base);
	if (rc == -1) {
		config_free(c);
		return NULL;
	}
	return c;
}

void
config_derive(struct config *c, const char *event_address)
{
	const char *at = strrchr(event_address, '@');

	if (c->message_id_domain == NULL)
		c->message_id_domain = util_lowercase(
			xstrdup(at != NULL ? at + 1 : "localhost"));
	if (c->envelope_from == NULL)
		c->envelope_from = xstrdup(event_address);
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < nitems(settings); i++) {
		if (settings[i].type == SET_STRING ||
		    settings[i].type == SET_PATH)
			free(*(char **)((char *)c + settings[i].offset));
	}
	free(c->path);
	free(c);
}

const char *
config_auth_warning(const struct config *c)
{
	if ((c->trusted_authserv_id != NULL &&
	     c->trusted_authserv_id[0] != '\0') ||
	    c->trust_unlabelled_authres)
		return NULL;
	return "no trusted_authserv_id: senders are not authenticated; "
	       "anyone can enrol in a municipality's name (see "
	       "aanmeld.conf(5))";
}
