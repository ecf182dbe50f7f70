#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check_servers.h"
#include "config.h"
#include "imap.h"
#include "smtp.h"
#include "util.h"

/* A secret the servers in use would read when connecting. */
struct secret {
	const char *setting; /* "[mailbox] password_file" */
	const char *path;    /* NULL: not set */
	const char *env;     /* the variable used instead */
};

/* Who reads the secrets: [main] user when set (a daemon started as root
   drops to it before it connects), else whoever runs this.  Root without
   [main] user reads them all, but the service user is unknown: false. */
static bool
reader_uid(const struct config *c, uid_t *uid_r, char **name_r)
{
	const struct passwd *pw = NULL;

	if (c->user != NULL)
		pw = getpwnam(c->user);
	if (pw == NULL && geteuid() == 0)
		return false;
	if (pw == NULL)
		pw = getpwuid(geteuid());
	*uid_r = pw != NULL ? pw->pw_uid : geteuid();
	*name_r = pw != NULL ? xstrdup(pw->pw_name)
			     : xasprintf("uid %u", (unsigned)*uid_r);
	return true;
}

static char *
user_name(uid_t uid)
{
	const struct passwd *pw = getpwuid(uid);

	return pw != NULL ? xstrdup(pw->pw_name)
			  : xasprintf("uid %u", (unsigned)uid);
}

/* One secret file: missing, unreadable, empty or open to others is an
   error (util_read_secret() decides, as when connecting); a file its
   reader does not own is a warning.  0 or -1. */
static int
check_secret(const struct config *c, const struct secret *s, struct buf *report)
{
	const char *file = c->path != NULL ? c->path : "(default)";
	const char *env = getenv(s->env);
	char *data, *err = NULL, *owner, *reader = NULL;
	struct stat st;
	bool known;
	uid_t uid;

	if (s->path == NULL) {
		/* read from the environment: the daemon's may differ */
		if (env == NULL || env[0] == '\0')
			(void)buf_addf(report,
				       "warning: %s: %s not set: the daemon "
				       "needs %s in its environment\n",
				       file, s->setting, s->env);
		return 0;
	}
	if (stat(s->path, &st) == -1) {
		(void)buf_addf(report, "%s: %s %s: %s\n", file, s->setting,
			       s->path,
			       errno == ENOENT ? "missing" : strerror(errno));
		return -1;
	}
	known = reader_uid(c, &uid, &reader);
	if (known && st.st_uid != uid) {
		owner = user_name(st.st_uid);
		(void)buf_addf(report,
			       "warning: %s: %s %s: owned by %s, but read "
			       "as %s; chown %s %s\n",
			       file, s->setting, s->path, owner, reader, reader,
			       s->path);
		free(owner);
	}
	if (known && geteuid() != 0 && geteuid() != uid &&
	    access(s->path, R_OK) == -1) {
		/* the service user's file: not ours to read */
		(void)buf_addf(report,
			       "warning: %s: %s %s: not checked; run "
			       "aanmeld check as %s\n",
			       file, s->setting, s->path, reader);
		free(reader);
		return 0;
	}
	free(reader);
	data = util_read_secret(s->path, &err);
	if (data == NULL) {
		(void)buf_addf(report, "%s: %s %s\n", file, s->setting, err);
		free(err);
		return -1;
	}
	explicit_bzero(data, strlen(data));
	free(data);
	return 0;
}

/* The url of [mailbox] (type = imap) as the IMAP client parses it. */
static int
check_imap_url(const struct config *c, struct buf *report)
{
	struct imap_url u;
	char *err = NULL;

	if (imap_url_parse(c->imap_url, c->imap_tls_mode == CONFIG_TLS_NONE, &u,
			   &err) == -1) {
		(void)buf_addf(report, "%s: [mailbox] %s\n",
			       c->path != NULL ? c->path : "(default)", err);
		free(err);
		return -1;
	}
	imap_url_deinit(&u);
	return 0;
}

/* The url of [smtp] (transport = smtp) as the SMTP client takes it; it
   connects only at the first send. */
static int
check_smtp_url(const struct config *c, struct buf *report)
{
	const char *file = c->path != NULL ? c->path : "(default)";
	struct smtp_settings set;
	struct smtp *t;
	char *err = NULL;

	memset(&set, 0, sizeof(set));
	set.url = c->smtp_url;
	t = smtp_curl_new(&set, &err);
	if (t != NULL && c->smtp_tls_mode == CONFIG_TLS_NONE) {
		smtp_close(&t);
		set.tls_none = true;
		t = smtp_curl_new(&set, &err);
		if (t == NULL) {
			(void)buf_addf(report,
				       "%s: [smtp] tls = none: %s: %s would "
				       "be sent in clear text\n",
				       file, err,
				       c->smtp_auth_method == CONFIG_AUTH_NONE
					       ? "the mail"
					       : "the password");
			free(err);
			return -1;
		}
	}
	if (t == NULL) {
		(void)buf_addf(report, "%s: [smtp] url: %s\n", file, err);
		free(err);
		return -1;
	}
	smtp_close(&t);
	return 0;
}

int
check_servers(const struct config *c, struct buf *report)
{
	struct secret secrets[3];
	size_t i, n = 0;
	int rc = 0;

	if (c->mailbox == CONFIG_MAILBOX_IMAP) {
		rc |= check_imap_url(c, report);
		if (c->imap_auth_method == CONFIG_AUTH_PASSWORD)
			secrets[n++] = (struct secret){
				"[mailbox] password_file",
				c->imap_password_file, "AANMELD_IMAP_PASSWORD"};
	}
	if (c->transport_kind == CONFIG_TRANSPORT_SMTP) {
		rc |= check_smtp_url(c, report);
		if (c->smtp_auth_method == CONFIG_AUTH_PASSWORD)
			secrets[n++] = (struct secret){"[smtp] password_file",
						       c->smtp_password_file,
						       "AANMELD_SMTP_PASSWORD"};
	}
	if (config_uses_oauth2(c))
		secrets[n++] = (struct secret){"[oauth2] client_secret_file",
					       c->oauth2_client_secret_file,
					       "AANMELD_OAUTH2_SECRET"};
	for (i = 0; i < n; i++)
		rc |= check_secret(c, &secrets[i], report);
	return rc;
}
