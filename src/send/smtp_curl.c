/*
 * The SMTP transport: submission through libcurl.  RFC 5321 (SMTP),
 * RFC 3207 (STARTTLS), RFC 8314 (implicit TLS), RFC 4954 (AUTH) with
 * RFC 4616 PLAIN, LOGIN or XOAUTH2 (the bearer-token SASL of Google and
 * Microsoft).  One easy handle lives as long as the transport, so curl
 * keeps the connection for the next message.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "compose.h"
#include "log.h"
#include "smtp.h"
#include "smtp_backend.h"
#include "util.h"

/* An EHLO name is a domain or an address literal of at most this many
   characters (RFC 5321 4.5.3.1.2). */
#define SMTP_HELO_MAX 255

/* Where in the session the last reply came from. */
enum smtp_stage {
	SMTP_STAGE_SESSION, /* greeting, EHLO, STARTTLS, AUTH */
	SMTP_STAGE_MAIL,
	SMTP_STAGE_RCPT,
	SMTP_STAGE_DATA,
	SMTP_STAGE_BODY, /* after 354: the reply to the final dot */
};

struct smtp_curl {
	CURL *h;
	char *shown; /* scheme://host:port, for error texts */
	char *user;  /* NULL: no AUTH */
	bool xoauth2;
	long timeout;
	bool fresh; /* the next transfer needs a new connection */

	/* the message being uploaded, borrowed for one transfer */
	const char *data;
	size_t len, pos;

	/* what the debug callback saw in the last transfer */
	enum smtp_stage stage;
	bool quitting; /* QUIT sent: its 221 must not hide the reply */
	int code;      /* of the last reply; 0: none */
	char reply[SMTP_REPLY_MAX];
	char errbuf[CURL_ERROR_SIZE];
};

/* Keeps the last reply line, printable and bounded. */
static void
note_reply(struct smtp_curl *c, const char *data, size_t size)
{
	size_t i, n = 0;

	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	/* one line per call in practice; keep the last one anyway */
	for (i = size; i > 0 && data[i - 1] != '\n'; i--)
		;
	for (; i < size && n < sizeof(c->reply) - 1; i++) {
		unsigned char ch = (unsigned char)data[i];

		c->reply[n++] = ch < ' ' || ch >= 0x7f ? '?' : (char)ch;
	}
	c->reply[n] = '\0';
	if (n >= 3 && isdigit((unsigned char)c->reply[0]) &&
	    isdigit((unsigned char)c->reply[1]) &&
	    isdigit((unsigned char)c->reply[2]))
		c->code = (c->reply[0] - '0') * 100 + (c->reply[1] - '0') * 10 +
			  (c->reply[2] - '0');
	else
		c->code = 0;
	if (c->code == 354)
		c->stage = SMTP_STAGE_BODY;
}

/* Follows the commands curl sends; only their first word is looked at,
   so AUTH data is never copied. */
static void
note_command(struct smtp_curl *c, const char *data, size_t size)
{
	/* curl may close an old connection before it opens the next */
	if (size >= 4 && (strncasecmp(data, "EHLO", 4) == 0 ||
			  strncasecmp(data, "HELO", 4) == 0))
		c->quitting = false;
	if (size >= 4 && strncasecmp(data, "MAIL", 4) == 0)
		c->stage = SMTP_STAGE_MAIL;
	else if (size >= 4 && strncasecmp(data, "RCPT", 4) == 0)
		c->stage = SMTP_STAGE_RCPT;
	else if (size >= 4 && strncasecmp(data, "DATA", 4) == 0)
		c->stage = SMTP_STAGE_DATA;
	else if (size >= 4 && strncasecmp(data, "QUIT", 4) == 0)
		c->quitting = true;
}

static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
	struct smtp_curl *c = ctx;

	(void)h;
	if (type == CURLINFO_HEADER_IN && !c->quitting)
		note_reply(c, data, size);
	else if (type == CURLINFO_HEADER_OUT)
		note_command(c, data, size);
	return 0;
}

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
	struct smtp_curl *c = ctx;
	size_t n = c->len - c->pos;

	/* curl guarantees size * nitems fits */
	if (n > size * nitems)
		n = size * nitems;
	memcpy(buf, c->data + c->pos, n);
	c->pos += n;
	return n;
}

static CURLcode
transfer(struct smtp_curl *c, const char *raw, size_t len)
{
	c->data = raw;
	c->len = len;
	c->pos = 0;
	c->stage = SMTP_STAGE_SESSION;
	c->quitting = false;
	c->code = 0;
	c->reply[0] = '\0';
	c->errbuf[0] = '\0';
	if (curl_easy_setopt(c->h, CURLOPT_FRESH_CONNECT, c->fresh ? 1L : 0L) !=
	    CURLE_OK)
		return CURLE_FAILED_INIT;
	c->fresh = false;
	return curl_easy_perform(c->h);
}

/* A reused connection that the server had closed while idle (Postfix
   says 421 and hangs up): worth one more try on a new connection, as long
   as the message itself was not sent yet. */
static bool
went_stale(struct smtp_curl *c, CURLcode res)
{
	long conns = -1;

	if (curl_easy_getinfo(c->h, CURLINFO_NUM_CONNECTS, &conns) !=
		    CURLE_OK ||
	    conns != 0 || c->stage == SMTP_STAGE_BODY)
		return false;
	if (c->code == 421)
		return true;
	return c->code == 0 &&
	       (res == CURLE_SEND_ERROR || res == CURLE_RECV_ERROR ||
		res == CURLE_GOT_NOTHING);
}

static bool
tls_refused(CURLcode res)
{
	switch (res) {
	case CURLE_PEER_FAILED_VERIFICATION: /* and CURLE_SSL_CACERT */
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return true;
	default:
		return false;
	}
}

/* What went wrong, in words an operator can act on. */
static char *
failure_text(struct smtp_curl *c, CURLcode res, long code)
{
	static const char *const stages[] = {
		[SMTP_STAGE_SESSION] = "the session",
		[SMTP_STAGE_MAIL] = "the sender",
		[SMTP_STAGE_RCPT] = "the recipient",
		[SMTP_STAGE_DATA] = "DATA",
		[SMTP_STAGE_BODY] = "the message",
	};

	if (tls_refused(res))
		return xasprintf("the server's TLS certificate was refused, "
				 "nothing was sent (fix ca_file or the "
				 "server's certificate)");
	if (res == CURLE_USE_SSL_FAILED)
		return xasprintf("the server does not offer STARTTLS, and "
				 "nothing is sent without TLS");
	if (res == CURLE_SSL_CONNECT_ERROR)
		return xasprintf("the TLS handshake failed");
	if (res == CURLE_LOGIN_DENIED)
		return xasprintf("authentication as %s was refused (check "
				 "the %s)",
				 c->user != NULL ? c->user : "(none)",
				 c->xoauth2 ? "access token" : "password");
	if (code == 530)
		return xasprintf("the server requires authentication");
	if (c->stage == SMTP_STAGE_BODY && code / 100 != 4 && code / 100 != 5)
		return xasprintf("no answer after the message was sent (%s); "
				 "the server may have accepted it",
				 res == CURLE_OPERATION_TIMEDOUT
					 ? "timed out"
					 : "connection lost");
	if (res == CURLE_OPERATION_TIMEDOUT)
		return xasprintf("timed out after %ld s", c->timeout);
	if (code / 100 == 4)
		return xasprintf("%s was refused for now", stages[c->stage]);
	if (code / 100 == 5)
		return xasprintf("%s was refused", stages[c->stage]);
	if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST)
		return xasprintf("cannot connect");
	return xasprintf("sending failed");
}

/* The error text of a failed session or send: the host, what failed,
   curl's detail and, after a 4xx or 5xx, the server's reply.  The
   caller frees it. */
static char *
failure_error(struct smtp_curl *c, CURLcode res, long code)
{
	const char *detail;
	char *what, *error;

	what = failure_text(c, res, code);
	detail = c->errbuf[0] != '\0' ? c->errbuf : curl_easy_strerror(res);
	if (c->code >= 400 && c->reply[0] != '\0')
		error = xasprintf("%s: %s: %s; the server said: %s", c->shown,
				  what, detail, c->reply);
	else
		error = xasprintf("%s: %s: %s", c->shown, what, detail);
	free(what);
	return error;
}

static enum send_result
outcome(struct smtp_curl *c, CURLcode res, char **error_r)
{
	long code = 0;
	enum send_result r;

	if (curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code) !=
		    CURLE_OK ||
	    code == 0)
		code = c->code;
	log_debug("%s: curl %d, reply %ld at stage %d", c->shown, (int)res,
		  code, (int)c->stage);
	if (res == CURLE_OK)
		return SEND_OK;
	if (res == CURLE_LOGIN_DENIED) {
		c->fresh = true;
		*error_r = failure_error(c, res, code);
		return SEND_REFUSED;
	}
	/* Without a final 4xx or 5xx the session may be out of step: curl
	   7.88 even keeps the connection after a timeout waiting for the
	   reply to the final dot.  So the next send opens a new connection,
	   and as curl may cache only one (CURLOPT_MAXCONNECTS), it then
	   closes the old one. */
	if (c->code < 400 || c->code == 421)
		c->fresh = true;
	/* 5xx to the session (greeting, EHLO, AUTH) or 530 "authenticate
	   first" is about the configuration, not about this message */
	if (code / 100 == 5 && code != 530 && c->stage != SMTP_STAGE_SESSION &&
	    !tls_refused(res))
		r = SEND_PERMFAIL;
	else
		r = SEND_TEMPFAIL;
	*error_r = failure_error(c, res, code);
	return r;
}

static enum send_result
remote_send(struct smtp *t, const char *from, const char *rcpt,
	    const char *message_id, const char *raw, size_t len, char **error_r)
{
	struct smtp_curl *c = t->c;
	struct curl_slist *rcpts;
	enum send_result r;
	CURLcode res;

	(void)message_id;
	if (from[0] != '\0' && strcmp(from, "<>") != 0 &&
	    !compose_addr_is_safe(from)) {
		*error_r = xasprintf("envelope sender '%s' is not a plain "
				     "address",
				     from);
		return SEND_TEMPFAIL;
	}
	rcpts = curl_slist_append(NULL, rcpt);
	if (rcpts == NULL)
		fatalx("out of memory");
	if (curl_easy_setopt(c->h, CURLOPT_MAIL_FROM, from) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_MAIL_RCPT, rcpts) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len) !=
		    CURLE_OK) {
		curl_slist_free_all(rcpts);
		*error_r =
			xasprintf("%s: cannot set up the transfer", c->shown);
		return SEND_TEMPFAIL;
	}
	res = transfer(c, raw, len);
	if (res != CURLE_OK && went_stale(c, res)) {
		log_debug("%s: the kept connection was closed (%s), sending "
			  "on a new one",
			  c->shown, curl_easy_strerror(res));
		res = transfer(c, raw, len);
	}
	r = outcome(c, res, error_r);
	/* curl keeps the pointer to the list */
	curl_easy_setopt(c->h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpts);
	c->data = NULL;
	return r;
}

static void
remote_deinit(struct smtp *t)
{
	struct smtp_curl *c = t->c;

	/* sends QUIT on a kept connection, through debug_cb, so c lives */
	curl_easy_cleanup(c->h);
	free(c->shown);
	free(c->user);
	free(c);
}

static void
remote_set_bearer(struct smtp *t, const char *token)
{
	if (!t->c->xoauth2)
		return;
	if (curl_easy_setopt(t->c->h, CURLOPT_XOAUTH2_BEARER, token) !=
	    CURLE_OK)
		log_warnx("%s: cannot set the access token", t->c->shown);
}

const struct smtp_ops smtp_curl_ops = {
	.send = remote_send,
	.deinit = remote_deinit,
	.set_bearer = remote_set_bearer,
};

/* A domain name or an address literal, nothing that could end a line. */
static bool
helo_is_valid(const char *s)
{
	size_t len = strlen(s), i;
	bool literal = len >= 2 && s[0] == '[' && s[len - 1] == ']';

	if (len == 0 || len > SMTP_HELO_MAX)
		return false;
	for (i = literal ? 1 : 0; i < (literal ? len - 1 : len); i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!isalnum(ch) && ch != '-' && ch != '.' &&
		    !(literal && ch == ':'))
			return false;
	}
	return true;
}

static int
check_auth(const struct smtp_settings *s, char **error_r)
{
	if (s->user == NULL) {
		if (s->password == NULL && s->bearer == NULL)
			return 0;
		*error_r = xasprintf("SMTP: a password or token needs a user");
		return -1;
	}
	if (s->user[0] == '\0' ||
	    (s->password == NULL) == (s->bearer == NULL)) {
		*error_r = xasprintf("SMTP: a user needs either a password or "
				     "an access token");
		return -1;
	}
	if ((s->password != NULL && s->password[0] == '\0') ||
	    (s->bearer != NULL && s->bearer[0] == '\0')) {
		*error_r = xasprintf("SMTP: the password or token of %s is "
				     "empty",
				     s->user);
		return -1;
	}
	return 0;
}

/* Checks what u holds; sets *shown_r (heap). */
static int
check_url(CURLU *u, const struct smtp_settings *s, char **shown_r,
	  char **error_r)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *part;
	static const CURLUPart extra[] = {CURLUPART_USER, CURLUPART_PASSWORD,
					  CURLUPART_OPTIONS, CURLUPART_QUERY,
					  CURLUPART_FRAGMENT};
	size_t i;
	int rc = -1;

	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK) {
		*error_r = xasprintf("SMTP url %s has no host", s->url);
		goto out;
	}
	if (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0) {
		*error_r = xasprintf("SMTP url %s must start with smtp:// "
				     "or smtps://",
				     s->url);
		goto out;
	}
	for (i = 0; i < nitems(extra); i++) {
		if (curl_url_get(u, extra[i], &part, 0) == CURLUE_OK) {
			curl_free(part);
			*error_r = xasprintf("SMTP url %s must not hold a "
					     "user, password, query or "
					     "fragment",
					     s->url);
			goto out;
		}
	}
	if (s->tls_none &&
	    (strcmp(scheme, "smtp") != 0 || !util_is_loopback(host))) {
		*error_r = xasprintf("SMTP without TLS is only allowed with "
				     "smtp:// to a loopback host, not %s",
				     s->url);
		goto out;
	}
	*shown_r = xasprintf("%s://%s:%s", scheme, host, port);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return rc;
}

/* The URL curl gets, with the EHLO name as its path; NULL with *error_r
   when the settings ask for something unsafe. */
static char *
make_url(const struct smtp_settings *s, char **shown_r, char **error_r)
{
	CURLU *u = curl_url();
	char *url = NULL, *path, *copy = NULL;

	if (u == NULL)
		fatalx("out of memory");
	if (s->url == NULL ||
	    curl_url_set(u, CURLUPART_URL, s->url, 0) != CURLUE_OK) {
		*error_r = xasprintf("SMTP url %s is not a valid URL",
				     s->url != NULL ? s->url : "(none)");
		goto out;
	}
	if (check_url(u, s, shown_r, error_r) == -1)
		goto out;
	if (s->helo_domain != NULL) {
		if (!helo_is_valid(s->helo_domain)) {
			*error_r = xasprintf("SMTP: '%s' is not a valid EHLO "
					     "name",
					     s->helo_domain);
			goto fail;
		}
		path = xasprintf("/%s", s->helo_domain);
		if (curl_url_set(u, CURLUPART_PATH, path, 0) != CURLUE_OK) {
			free(path);
			*error_r = xasprintf("SMTP: cannot use EHLO name %s",
					     s->helo_domain);
			goto fail;
		}
		free(path);
	}
	if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
		*error_r = xasprintf("SMTP url %s is not a valid URL", s->url);
		goto fail;
	}
	copy = xstrdup(url);
	curl_free(url);
	goto out;
fail:
	free(*shown_r);
	*shown_r = NULL;
out:
	curl_url_cleanup(u);
	return copy;
}

static int
setup(struct smtp_curl *c, const struct smtp_settings *s, const char *url,
      bool starttls)
{
	CURL *h = c->h;

	/* Low speed: no byte in timeout seconds aborts a transfer.  XXX RFC
	   5321 4.5.3.2.6 gives the server 10 minutes after the final dot;
	   a shorter timeout leaves the outcome unknown, and the retry may
	   deliver the message twice (with the same Message-ID). */
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR,
			     starttls ? "smtp" : "smtps") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_USE_SSL,
			     s->tls_none ? (long)CURLUSESSL_NONE
					 : (long)CURLUSESSL_ALL) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    (s->ca_file != NULL &&
	     (curl_easy_setopt(h, CURLOPT_CAINFO, s->ca_file) != CURLE_OK ||
	      curl_easy_setopt(h, CURLOPT_CAPATH, NULL) != CURLE_OK)) ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, c->timeout) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->timeout) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_READDATA, c) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf) != CURLE_OK ||
	    /* the debug callback only runs in verbose mode */
	    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_DEBUGDATA, c) != CURLE_OK)
		return -1;
	if (s->user == NULL)
		return 0;
	if (curl_easy_setopt(h, CURLOPT_USERNAME, s->user) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SASL_IR, 1L) != CURLE_OK)
		return -1;
	if (s->password != NULL)
		return curl_easy_setopt(h, CURLOPT_PASSWORD, s->password) ==
				       CURLE_OK
			       ? 0
			       : -1;
	/* never fall back to PLAIN with an empty password */
	if (curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2") !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, s->bearer) != CURLE_OK)
		return -1;
	return 0;
}

struct smtp *
smtp_curl_new(const struct smtp_settings *s, char **error_r)
{
	struct smtp_curl *c;
	struct smtp *t;
	char *url, *shown = NULL;

	if (check_auth(s, error_r) == -1)
		return NULL;
	url = make_url(s, &shown, error_r);
	if (url == NULL)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->h = curl_easy_init();
	if (c->h == NULL)
		fatalx("cannot initialise libcurl");
	c->shown = shown;
	c->timeout = s->timeout == 0 ? SMTP_DEFAULT_TIMEOUT : (long)s->timeout;
	if (s->user != NULL) {
		c->user = xstrdup(s->user);
		c->xoauth2 = s->bearer != NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->ops = &smtp_curl_ops;
	t->c = c;
	if (setup(c, s, url, strncmp(url, "smtp:", 5) == 0) == -1) {
		*error_r = xasprintf("%s: this libcurl lacks an SMTP feature",
				     c->shown);
		smtp_close(&t);
	}
	free(url);
	return t;
}

int
smtp_curl_probe(struct smtp *t, char **error_r)
{
	struct smtp_curl *c;
	CURLcode res;
	long code = 0;

	if (t == NULL || t->ops != &smtp_curl_ops) {
		*error_r = xstrdup("not an SMTP transport");
		return -1;
	}
	c = t->c;
	c->stage = SMTP_STAGE_SESSION;
	c->quitting = false;
	c->code = 0;
	c->reply[0] = '\0';
	c->errbuf[0] = '\0';
	/* curl runs the session (greeting, EHLO, STARTTLS, AUTH) and stops
	   before MAIL FROM */
	if (curl_easy_setopt(c->h, CURLOPT_CONNECT_ONLY, 1L) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_FRESH_CONNECT, 1L) != CURLE_OK) {
		*error_r = xasprintf("%s: this libcurl cannot connect only",
				     c->shown);
		return -1;
	}
	res = curl_easy_perform(c->h);
	(void)curl_easy_setopt(c->h, CURLOPT_CONNECT_ONLY, 0L);
	/* the connection of a probe is no use to a later send */
	c->fresh = true;
	if (res == CURLE_OK)
		return 0;
	if (curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code) !=
		    CURLE_OK ||
	    code == 0)
		code = c->code;
	*error_r = failure_error(c, res, code);
	return -1;
}
