#include "autoconf.h"

#include <errno.h>
#include <libetpan/libetpan.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "folder_name.h"
#include "imap.h"
#include "log.h"
#include "mailbox_backend.h"
#include "tlsverify.h"
#include "util.h"

/* A batch of bodies fetched in one UID FETCH: few round trips, bounded
   memory (libetpan holds the whole response). */
#define IMAP_BATCH_COUNT 100
#define IMAP_BATCH_BYTES (8u * 1024 * 1024)
/* RFC 2177 wants IDLE renewed within 29 minutes; NATs drop sooner. */
#define IMAP_IDLE_MAX (25 * 60)
/* Folders remembered as existing, per connection. */
#define IMAP_FOLDERS_MAX 16

struct listed {
	uint32_t uid;
	uint32_t size;
};

struct cached {
	uint32_t uid;
	char *data;
	size_t len;
};

struct imap {
	struct imap_url url;
	const struct mailbox_settings *set;
	mailimap *s; /* NULL while disconnected */
	bool has_move, has_uidplus, has_idle;
	uint32_t validity;     /* of the selected mailbox */
	uint32_t resume_valid; /* from the database */
	uint32_t resume_last;
	struct listed *listed; /* from the last list(), by UID */
	size_t n_listed;
	/* the highest UID in the inbox at the last list(), under UIDVALIDITY
	   seen_valid: mail beyond it arrived since (see news()) */
	uint32_t seen_valid, seen_last;
	struct cached *cache; /* bodies fetched ahead */
	size_t n_cache;
	size_t cache_from, cache_end; /* the listed messages it asked for */
	/* the UID FETCH of the next batch, sent before the current one is
	   worked on, its answer not yet read: listed[ahead_from] on,
	   ahead_n of them (headers only with ahead_header) */
	bool ahead;
	bool ahead_header;
	size_t ahead_from, ahead_n;
	char *folders[IMAP_FOLDERS_MAX]; /* known to exist */
	char *selected;		  /* a decision folder, NULL: the inbox */
	uint32_t folder_validity; /* of selected */
	size_t n_folders;
	unsigned failures; /* connection attempts failed in a row */
	time_t retry_at;   /* monotonic seconds */
	char *last_error;  /* logged once while it repeats */
	bool refused;	   /* the last attempt's login was refused */
	bool examine;	   /* imap_probe(): read-only, flags untouched */
	/* how the server names folders, asked once per connection */
	char delim;   /* hierarchy delimiter; '\0': a flat server */
	char *prefix; /* personal namespace: "" or "INBOX." */
};

static int settle(struct imap *im, char **error_r);

/* try_connect(): the server refused the login, see imap_refusal() */
#define IMAP_REFUSED (-3)

static time_t
monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

unsigned
imap_backoff(unsigned failures, double jitter)
{
	unsigned delay = IMAP_BACKOFF_MAX;

	if (failures == 0)
		return 0;
	if (failures < 10)
		delay = 1u << (failures - 1);
	if (delay > IMAP_BACKOFF_MAX)
		delay = IMAP_BACKOFF_MAX;
	return delay + (unsigned)(delay * jitter / 4);
}

bool
imap_refusal(int r)
{
	/* XXX: a NO [UNAVAILABLE] (RFC 5530, the server's password backend
	   is down) counts too: libetpan keeps no response code */
	return r == MAILIMAP_ERROR_LOGIN;
}

int
imap_url_parse(const char *url, bool tls_none, struct imap_url *u,
	       char **error_r)
{
	const char *p, *host, *end, *path;
	size_t hlen;
	long long port = 0;
	const char *err;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "imaps://", 8) == 0) {
		u->tls = IMAP_TLS_IMPLICIT;
		p = url + 8;
		port = 993;
	} else if (strncasecmp(url, "imap://", 7) == 0) {
		u->tls = tls_none ? IMAP_TLS_NONE : IMAP_TLS_STARTTLS;
		p = url + 7;
		port = 143;
	} else {
		*error_r = xasprintf("url '%s': expected imaps:// or imap://",
				     url);
		return -1;
	}
	if (tls_none && u->tls == IMAP_TLS_IMPLICIT) {
		*error_r =
			xstrdup("tls = none goes with imap://, not imaps://");
		return -1;
	}
	path = p + strcspn(p, "/");
	if (*p == '[') {
		host = p + 1;
		end = memchr(host, ']', (size_t)(path - host));
		if (end == NULL)
			goto bad;
		hlen = (size_t)(end - host);
		end++;
	} else {
		host = p;
		end = p + strcspn(p, ":/");
		hlen = (size_t)(end - host);
	}
	if (hlen == 0 || memchr(host, '@', hlen) != NULL)
		goto bad;
	if (*end == ':') {
		char *digits = xstrndup(end + 1, (size_t)(path - end - 1));
		int rc = util_strtonum(digits, 1, 65535, &port, &err);

		free(digits);
		if (rc == -1)
			goto bad;
	} else if (end != path) {
		goto bad;
	}
	u->host = xstrndup(host, hlen);
	u->port = (uint16_t)port;
	u->mailbox =
		xstrdup(*path == '/' && path[1] != '\0' ? path + 1 : "INBOX");
	if (u->tls == IMAP_TLS_NONE && !util_is_loopback(u->host)) {
		*error_r = xasprintf("tls = none: %s is not a loopback "
				     "address; plain IMAP would send the "
				     "password in the clear",
				     u->host);
		imap_url_deinit(u);
		return -1;
	}
	return 0;
bad:
	*error_r = xasprintf("url '%s': expected imaps://host[:port]/MAILBOX",
			     url);
	return -1;
}

void
imap_url_deinit(struct imap_url *u)
{
	free(u->host);
	free(u->mailbox);
	memset(u, 0, sizeof(*u));
}

static void
cache_clear(struct imap *im)
{
	size_t i;

	for (i = 0; i < im->n_cache; i++)
		free(im->cache[i].data);
	free(im->cache);
	im->cache = NULL;
	im->n_cache = 0;
	im->cache_from = im->cache_end = 0;
}

static void
disconnect(struct imap *im)
{
	size_t i;

	if (im->s == NULL)
		return;
	mailimap_free(im->s);
	im->s = NULL;
	im->ahead = false;
	cache_clear(im);
	free(im->selected);
	im->selected = NULL;
	for (i = 0; i < im->n_folders; i++)
		free(im->folders[i]);
	im->n_folders = 0;
	free(im->prefix);
	im->prefix = NULL;
}

/* libetpan's word for what went wrong, with the server's own text. */
static char *
describe(struct imap *im, const char *what, int r)
{
	const char *said = NULL;

	if (im->s != NULL && im->s->imap_response != NULL)
		said = im->s->imap_response;
	if (r == MAILIMAP_ERROR_STREAM ||
	    r == MAILIMAP_ERROR_CONNECTION_REFUSED)
		return xasprintf("%s: connection to %s:%u %s", what,
				 im->url.host, im->url.port,
				 r == MAILIMAP_ERROR_CONNECTION_REFUSED
					 ? "refused"
					 : "lost or timed out");
	if (said != NULL && said[0] != '\0')
		return xasprintf("%s: the server said: %s", what, said);
	return xasprintf("%s failed (libetpan error %d)", what, r);
}

/* Errors after which the stream cannot be trusted: reconnect. */
static bool
fatal_error(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_STARTTLS:
		return true;
	default:
		return false;
	}
}

/* The helpers below answer 0, -1 or MAILBOX_UNREACHABLE as an int (and
   some 1 for "found"); an op turns that into its answer with this. */
static enum mailbox_result
op_result(int r)
{
	if (r == 0)
		return MAILBOX_OK;
	return r == MAILBOX_UNREACHABLE ? MAILBOX_UNREACHABLE : MAILBOX_ERROR;
}

/* A failed command: drops the connection when it cannot go on. */
static int
command_failed(struct imap *im, const char *what, int r, char **error_r)
{
	*error_r = describe(im, what, r);
	if (fatal_error(r)) {
		disconnect(im);
		return MAILBOX_UNREACHABLE;
	}
	return -1;
}

static void
sni(struct mailstream_ssl_context *ctx, void *data)
{
	/* without it no SNI is sent, and a shared host may answer with
	   another name's certificate */
	mailstream_ssl_set_server_name(ctx, data);
}

static int
verify_peer(struct imap *im, char **error_r)
{
	struct tlsverify_cert certs[16];
	carray *chain = mailstream_get_certificate_chain(im->s->imap_stream);
	size_t n = 0, i;
	int rc;

	if (chain == NULL) {
		*error_r = xstrdup("TLS: the server sent no certificate");
		return -1;
	}
	for (i = 0; i < carray_count(chain) && n < nitems(certs); i++) {
		MMAPString *der = carray_get(chain, (unsigned)i);

		certs[n].der = (const unsigned char *)der->str;
		certs[n].len = der->len;
		n++;
	}
	rc = tlsverify_chain(certs, n, im->url.host, im->set->ca_file, error_r);
	mailstream_certificate_chain_free(chain);
	return rc;
}

static int
refresh_capabilities(struct imap *im, char **error_r)
{
	struct mailimap_capability_data *cap = NULL;
	int r = mailimap_capability(im->s, &cap);

	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, "CAPABILITY", r, error_r);
	mailimap_capability_data_free(cap);
	return 0;
}

static int
start_tls(struct imap *im, char **error_r)
{
	int r;

	if (refresh_capabilities(im, error_r) != 0)
		return -1;
	if (!mailimap_has_extension(im->s, "STARTTLS")) {
		*error_r = xasprintf("%s offers no STARTTLS: refusing to log "
				     "in without TLS (use imaps://)",
				     im->url.host);
		return -1;
	}
	r = mailimap_socket_starttls_with_callback(im->s, sni, im->url.host);
	if (r != MAILIMAP_NO_ERROR) {
		*error_r = r == MAILIMAP_ERROR_STARTTLS
				   ? xstrdup("STARTTLS failed: the server sent "
					     "data before the TLS handshake")
				   : describe(im, "STARTTLS", r);
		return -1;
	}
	/* capabilities from before TLS are not to be trusted */
	return refresh_capabilities(im, error_r);
}

static int
log_in(struct imap *im, char **error_r)
{
	const struct mailbox_settings *set = im->set;
	int r, tries;

	if (set->token == NULL) {
		if (mailimap_has_extension(im->s, "LOGINDISABLED")) {
			if (!mailimap_has_authentication(im->s, "PLAIN")) {
				*error_r = xstrdup("the server allows neither "
						   "LOGIN nor AUTHENTICATE "
						   "PLAIN");
				return -1;
			}
			r = mailimap_authenticate(
				im->s, "PLAIN", im->url.host, NULL, NULL,
				set->user, set->user, set->password, NULL);
		} else {
			r = mailimap_login(im->s, set->user, set->password);
		}
		if (r != MAILIMAP_NO_ERROR) {
			char *why = describe(im, "login", r);

			*error_r = xasprintf("%s as %s: %s", im->url.host,
					     set->user, why);
			free(why);
			return imap_refusal(r) ? IMAP_REFUSED : -1;
		}
		return 0;
	}
	/* a rejected token is renewed once: it may have been revoked */
	for (tries = 0; tries < 2; tries++) {
		bool refused = false;
		const char *token = set->token(set->token_ctx, tries > 0,
					       &refused, error_r);

		if (token == NULL)
			return refused ? IMAP_REFUSED : -1;
		r = mailimap_oauth2_authenticate(im->s, set->user, token);
		if (r == MAILIMAP_NO_ERROR)
			return 0;
		if (fatal_error(r))
			break;
	}
	{
		char *why = describe(im, "XOAUTH2 login", r);

		*error_r =
			xasprintf("%s as %s: %s", im->url.host, set->user, why);
		free(why);
	}
	return imap_refusal(r) ? IMAP_REFUSED : -1;
}

static int
select_inbox(struct imap *im, char **error_r)
{
	int r = im->examine ? mailimap_examine(im->s, im->url.mailbox)
			    : mailimap_select(im->s, im->url.mailbox);

	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, im->examine ? "EXAMINE" : "SELECT", r,
				      error_r);
	im->validity = im->s->imap_selection_info != NULL
			       ? im->s->imap_selection_info->sel_uidvalidity
			       : 0;
	return 0;
}

/* Selects the inbox again after a decision folder was looked at. */
static int
ensure_inbox(struct imap *im, char **error_r)
{
	if (im->selected == NULL)
		return 0;
	free(im->selected);
	im->selected = NULL;
	return select_inbox(im, error_r);
}

/* The delimiter of LIST "" "" (RFC 3501 6.3.8); '/' when the server
   does not say.  0 or an error code. */
static int
learn_delimiter(struct imap *im, char **error_r)
{
	clist *result = NULL;
	int r = mailimap_list(im->s, "", "", &result);

	im->delim = '/';
	if (r != MAILIMAP_NO_ERROR)
		return fatal_error(r) ? command_failed(im, "LIST", r, error_r)
				      : 0;
	if (result != NULL && clist_begin(result) != NULL) {
		struct mailimap_mailbox_list *mb =
			clist_content(clist_begin(result));

		im->delim = mb->mb_delimiter;
	}
	if (result != NULL)
		mailimap_list_result_free(result);
	return 0;
}

/* True when libetpan's error r of a command means the connection is
   gone or out of step (a reply it could not parse), not just a refusal. */
static bool
connection_lost(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_FATAL ||
	       r == MAILIMAP_ERROR_PARSE;
}

/* The first personal namespace of NAMESPACE (RFC 2342).  0 or an error
   code; 1 when the server has none to say.  NAMESPACE is optional: only
   a lost connection is an error.  Sent as a custom command because
   mailimap_namespace() leaks the response on a NO; the untagged answer
   stays in the session's response info until the next command. */
static int
learn_namespace(struct imap *im, char **error_r)
{
	struct mailimap_namespace_data *ns = NULL;
	struct mailimap_namespace_info *info;
	clistiter *it;
	int r;

	if (!mailimap_has_namespace(im->s))
		return 1;
	r = mailimap_custom_command(im->s, "NAMESPACE");
	if (r != MAILIMAP_NO_ERROR)
		return connection_lost(r)
			       ? command_failed(im, "NAMESPACE", r, error_r)
			       : 1;
	for (it = clist_begin(im->s->imap_response_info->rsp_extension_list);
	     it != NULL && ns == NULL; it = clist_next(it)) {
		struct mailimap_extension_data *ext = clist_content(it);

		if (ext->ext_extension->ext_id == MAILIMAP_EXTENSION_NAMESPACE)
			ns = ext->ext_data;
	}
	if (ns == NULL || ns->ns_personal == NULL ||
	    clist_begin(ns->ns_personal->ns_data_list) == NULL)
		return 1;
	info = clist_content(clist_begin(ns->ns_personal->ns_data_list));
	im->prefix = xstrdup(info->ns_prefix);
	if (info->ns_delimiter != '\0')
		im->delim = info->ns_delimiter;
	return 0;
}

/* True when the LIST entry mb may have children (no \Noinferiors). */
static bool
may_have_children(const struct mailimap_mailbox_list *mb)
{
	clistiter *it;

	if (mb->mb_flag == NULL || mb->mb_flag->mbf_oflags == NULL)
		return true;
	for (it = clist_begin(mb->mb_flag->mbf_oflags); it != NULL;
	     it = clist_next(it)) {
		struct mailimap_mbx_list_oflag *of = clist_content(it);

		if (of->of_type == MAILIMAP_MBX_LIST_OFLAG_NOINFERIORS)
			return false;
	}
	return true;
}

/* Without NAMESPACE: personal folders under INBOX when the delimiter is
   '.' and the top level (LIST "" "%") holds nothing but an INBOX that
   may have children, as old Cyrus and Courier do.  XXX a guess: an empty
   account of a flat '.' server looks the same; INBOX.x works there too. */
static int
guess_namespace(struct imap *im, char **error_r)
{
	clist *result = NULL;
	struct mailimap_mailbox_list *mb;
	int r;

	im->prefix = xstrdup("");
	if (im->delim != '.')
		return 0;
	r = mailimap_list(im->s, "", "%", &result);
	if (r != MAILIMAP_NO_ERROR)
		return fatal_error(r) ? command_failed(im, "LIST", r, error_r)
				      : 0;
	if (clist_count(result) == 1) {
		mb = clist_content(clist_begin(result));
		if (strcasecmp(mb->mb_name, "INBOX") == 0 &&
		    may_have_children(mb)) {
			free(im->prefix);
			im->prefix = xstrdup("INBOX.");
		}
	}
	mailimap_list_result_free(result);
	return 0;
}

/* Asks the server once per connection how it names folders. */
static int
learn_names(struct imap *im, char **error_r)
{
	int r = learn_delimiter(im, error_r);

	if (r == 0)
		r = learn_namespace(im, error_r);
	if (r == 1)
		r = guess_namespace(im, error_r);
	if (r == 0)
		log_debug("imap: folders under '%s', delimiter '%c'",
			  im->prefix, im->delim != '\0' ? im->delim : ' ');
	return r;
}

/* The server's name of a logical folder (heap), or NULL with *error_r. */
static char *
server_name(struct imap *im, const char *folder, char **error_r)
{
	return folder_name_map(folder, im->delim,
			       im->prefix != NULL ? im->prefix : "", true,
			       error_r);
}

/* 0, -1 or IMAP_REFUSED, with *error_r. */
static int
try_connect(struct imap *im, char **error_r)
{
	int r;

	im->s = mailimap_new(0, NULL);
	mailimap_set_timeout(im->s, im->set->timeout);
	if (im->url.tls == IMAP_TLS_IMPLICIT)
		r = mailimap_ssl_connect_with_callback(
			im->s, im->url.host, im->url.port, sni, im->url.host);
	else
		r = mailimap_socket_connect(im->s, im->url.host, im->url.port);
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		*error_r = describe(im, "connect", r);
		return -1;
	}
	if (im->url.tls == IMAP_TLS_STARTTLS && start_tls(im, error_r) != 0)
		return -1;
	/* nothing secret is sent before the certificate is checked */
	if (im->url.tls != IMAP_TLS_NONE && verify_peer(im, error_r) == -1)
		return -1;
	if (im->s->imap_state != MAILIMAP_STATE_AUTHENTICATED) {
		if (im->url.tls == IMAP_TLS_IMPLICIT &&
		    refresh_capabilities(im, error_r) != 0)
			return -1;
		r = log_in(im, error_r);
		if (r != 0)
			return r;
	}
	if (refresh_capabilities(im, error_r) != 0)
		return -1;
	im->has_move = mailimap_has_extension(im->s, "MOVE");
	im->has_uidplus = mailimap_has_uidplus(im->s);
	im->has_idle = mailimap_has_idle(im->s);
	if (learn_names(im, error_r) != 0)
		return -1;
	return select_inbox(im, error_r);
}

/* Connects unless connected, keeping to the backoff after failures.
   0, or MAILBOX_UNREACHABLE with *error_r. */
static int
connected(struct imap *im, char **error_r)
{
	char *err = NULL;
	int rc;

	if (im->s != NULL && settle(im, &err) == 0)
		return 0;
	if (err != NULL) {
		/* the connection went while an answer was on its way: a new
		   one serves this command */
		log_debug("imap: %s", err);
		free(err);
		err = NULL;
	}
	if (im->s != NULL)
		return 0;
	if (im->failures > 0 && monotonic() < im->retry_at) {
		*error_r = xasprintf("%s %s, next try in %lld s", im->url.host,
				     im->refused ? "refused the login"
						 : "unreachable",
				     (long long)(im->retry_at - monotonic()));
		return MAILBOX_UNREACHABLE;
	}
	rc = try_connect(im, &err);
	im->refused = rc == IMAP_REFUSED;
	if (rc == 0) {
		if (im->failures > 0)
			log_info("imap: connected to %s again after %u failed "
				 "attempts",
				 im->url.host, im->failures);
		else
			log_info("imap: connected to %s, mailbox %s "
				 "(UIDVALIDITY %u%s%s)",
				 im->url.host, im->url.mailbox, im->validity,
				 im->has_idle ? ", IDLE" : "",
				 im->has_move ? ", MOVE" : "");
		im->failures = 0;
		free(im->last_error);
		im->last_error = NULL;
		return 0;
	}
	disconnect(im);
	im->failures++;
	im->retry_at = monotonic() +
		       imap_backoff(im->failures, (double)random() / RAND_MAX);
	/* the same failure again and again is said once */
	if (im->last_error == NULL || strcmp(im->last_error, err) != 0)
		log_warnx("imap: %s (%s)", err,
			  im->refused ? "login refused"
				      : "retrying with a growing delay");
	free(im->last_error);
	im->last_error = err;
	*error_r = xstrdup(err);
	return MAILBOX_UNREACHABLE;
}

/* Connects, then maps folder: the server's name (heap), or NULL with
 *rc_r the answer (UNREACHABLE or ERROR) and *error_r. */
static char *
connected_name(struct imap *im, const char *folder, enum mailbox_result *rc_r,
	       char **error_r)
{
	int r = connected(im, error_r);
	char *name;

	if (r != 0) {
		*rc_r = op_result(r);
		return NULL;
	}
	name = server_name(im, folder, error_r);
	*rc_r = name != NULL ? MAILBOX_OK : MAILBOX_ERROR;
	return name;
}

static void *
imap_open(const struct mailbox_settings *set, char **error_r)
{
	struct imap *im = xcalloc(1, sizeof(*im));

	im->examine = set->examine;
	if (imap_url_parse(set->url, set->tls_none, &im->url, error_r) == -1) {
		free(im);
		return NULL;
	}
	if (set->user == NULL ||
	    (set->password == NULL && set->token == NULL)) {
		*error_r = xstrdup("imap: a user and a password (or xoauth2) "
				   "are needed");
		imap_url_deinit(&im->url);
		free(im);
		return NULL;
	}
	im->set = set;
	return im;
}

static bool
imap_refused(void *h)
{
	return ((struct imap *)h)->refused;
}

static const char *
imap_inbox(void *h)
{
	return ((struct imap *)h)->url.mailbox;
}

static void
imap_resume(void *h, uint32_t validity, uint32_t last)
{
	struct imap *im = h;

	im->resume_valid = validity;
	im->resume_last = last;
}

/* "UIDVALIDITY.UID"; -1 if key is not one. */
static int
parse_key(const char *key, uint32_t *validity_r, uint32_t *uid_r)
{
	const char *dot = strchr(key, '.'), *err;
	long long v, u;
	char *head;
	int rc;

	if (dot == NULL)
		return -1;
	head = xstrndup(key, (size_t)(dot - key));
	rc = util_strtonum(head, 0, UINT32_MAX, &v, &err);
	free(head);
	if (rc == -1 || util_strtonum(dot + 1, 1, UINT32_MAX, &u, &err) == -1)
		return -1;
	*validity_r = (uint32_t)v;
	*uid_r = (uint32_t)u;
	return 0;
}

static enum mailbox_result
imap_position(void *h, const char *key, uint32_t *validity_r, uint32_t *last_r)
{
	(void)h;
	return parse_key(key, validity_r, last_r) == 0 ? MAILBOX_OK
						       : MAILBOX_GONE;
}

static int
listed_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct listed *)a)->uid;
	uint32_t y = ((const struct listed *)b)->uid;

	return x < y ? -1 : x > y;
}

/* Reads UID and RFC822.SIZE (and a body, when asked) of one response. */
static void
msg_att_read(struct mailimap_msg_att *att, uint32_t *uid_r, uint32_t *size_r,
	     const char **body_r, size_t *len_r)
{
	clistiter *it;

	*uid_r = 0;
	*size_r = 0;
	*body_r = NULL;
	*len_r = 0;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			*uid_r = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			*size_r = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (st->att_data.att_body_section->sec_body_part !=
			    NULL) {
				*body_r = st->att_data.att_body_section
						  ->sec_body_part;
				*len_r = st->att_data.att_body_section
						 ->sec_length;
			}
			break;
		default:
			break;
		}
	}
}

/* What a UID FETCH asks for besides the UID. */
#define FETCH_SIZE 1u	/* RFC822.SIZE */
#define FETCH_BODY 2u	/* BODY.PEEK[] */
#define FETCH_HEADER 4u /* BODY.PEEK[HEADER] */

/* UID FETCH of set, which it frees: the UID and what asks for.  0 with
   the answers in *result_r (mailimap_fetch_list_free() them), or an
   error code, the command named by name. */
static int
uid_fetch(struct imap *im, struct mailimap_set *set, unsigned what,
	  const char *name, clist **result_r, char **error_r)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_section *section;
	int r;

	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(
		ft, mailimap_fetch_att_new_uid());
	if ((what & FETCH_SIZE) != 0)
		mailimap_fetch_type_new_fetch_att_list_add(
			ft, mailimap_fetch_att_new_rfc822_size());
	if ((what & (FETCH_BODY | FETCH_HEADER)) != 0) {
		section = (what & FETCH_HEADER) != 0
				  ? mailimap_section_new_header()
				  : mailimap_section_new(NULL);
		mailimap_fetch_type_new_fetch_att_list_add(
			ft, mailimap_fetch_att_new_body_peek_section(section));
	}
	*result_r = NULL;
	r = mailimap_uid_fetch(im->s, set, ft, result_r);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, name, r, error_r);
	return 0;
}

static enum mailbox_result
imap_list(void *h, char ***keys_r, size_t *n_r, char **error_r)
{
	struct imap *im = h;
	clist *result = NULL;
	clistiter *it;
	uint32_t after, seen;
	char **keys;
	size_t i;
	int r;

	*keys_r = NULL;
	*n_r = 0;
	if ((r = connected(im, error_r)) != 0 ||
	    (r = ensure_inbox(im, error_r)) != 0)
		return op_result(r);
	after = im->resume_last;
	if (im->resume_valid != im->validity) {
		/* every saved UID is void; Message-ID and SHA-256 make the
		   rescan a no-op for mail already processed */
		if (im->resume_valid != 0)
			log_warnx("imap: UIDVALIDITY of %s changed from %u to "
				  "%u: looking at every message again",
				  im->url.mailbox, im->resume_valid,
				  im->validity);
		after = 0;
	}
	seen = after;
	cache_clear(im);
	free(im->listed);
	im->listed = NULL;
	im->n_listed = 0;
	r = uid_fetch(im, mailimap_set_new_interval(after + 1, 0), FETCH_SIZE,
		      "UID FETCH (list)", &result, error_r);
	if (r != 0)
		return op_result(r);
	im->listed = xreallocarray(NULL, clist_count(result) + 1,
				   sizeof(*im->listed));
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uint32_t uid, size;
		const char *body;
		size_t len;

		msg_att_read(clist_content(it), &uid, &size, &body, &len);
		if (uid > seen)
			seen = uid;
		/* "n:*" includes the highest UID even below n, and
		   unsolicited FETCH responses carry no UID */
		if (uid <= after)
			continue;
		im->listed[im->n_listed].uid = uid;
		im->listed[im->n_listed].size = size;
		im->n_listed++;
	}
	mailimap_fetch_list_free(result);
	im->seen_valid = im->validity;
	im->seen_last = seen;
	qsort(im->listed, im->n_listed, sizeof(*im->listed), listed_cmp);
	keys = xreallocarray(NULL, im->n_listed + 1, sizeof(*keys));
	for (i = 0; i < im->n_listed; i++)
		keys[i] = xasprintf("%u.%u", im->validity, im->listed[i].uid);
	*keys_r = keys;
	*n_r = im->n_listed;
	return MAILBOX_OK;
}

static struct listed *
find_listed(struct imap *im, uint32_t uid)
{
	struct listed key = {uid, 0};

	return bsearch(&key, im->listed, im->n_listed, sizeof(*im->listed),
		       listed_cmp);
}

/* How many listed messages from listed[from] on go in one batch, and
   whether only the header of one oversize message (*header_r). */
static size_t
batch_plan(struct imap *im, size_t from, size_t max, bool *header_r)
{
	size_t bytes = 0, count = 0, i;

	*header_r = im->listed[from].size >= max;
	if (*header_r)
		return 1;
	for (i = from; i < im->n_listed && count < IMAP_BATCH_COUNT; i++) {
		if (im->listed[i].size >= max)
			break;
		if (count > 0 && bytes + im->listed[i].size > IMAP_BATCH_BYTES)
			break;
		bytes += im->listed[i].size;
		count++;
	}
	return count;
}

/* Sends UID FETCH of n listed messages from listed[from] on, written
   here rather than by mailimap_uid_fetch(), which waits for the answer:
   read it with batch_receive().  0 or a libetpan error. */
static int
batch_send(struct imap *im, size_t from, size_t n, bool header)
{
	size_t cap = n * 24 + 64, len = 0, i = from, end = from + n;
	char *cmd = xmalloc(cap);
	int r = mailimap_send_current_tag(im->s);

	len += (size_t)snprintf(cmd, cap, "UID FETCH ");
	while (i < end) {
		size_t j = i;

		/* a run of consecutive UIDs is written as a range */
		while (j + 1 < end &&
		       im->listed[j + 1].uid == im->listed[j].uid + 1)
			j++;
		len += (size_t)snprintf(cmd + len, cap - len, "%s%u",
					i > from ? "," : "", im->listed[i].uid);
		if (j > i)
			len += (size_t)snprintf(cmd + len, cap - len, ":%u",
						im->listed[j].uid);
		i = j + 1;
	}
	len += (size_t)snprintf(cmd + len, cap - len,
				" (UID BODY.PEEK[%s])\r\n",
				header ? "HEADER" : "");
	if (r == MAILIMAP_NO_ERROR &&
	    (mailstream_write(im->s->imap_stream, cmd, len) != (ssize_t)len ||
	     mailstream_flush(im->s->imap_stream) == -1))
		r = MAILIMAP_ERROR_STREAM;
	free(cmd);
	return r;
}

/* Copies the bodies of a FETCH answer into the cache, the answer to
   the batch of n listed messages from listed[from] on. */
static void
cache_fill(struct imap *im, clist *result, size_t from, size_t n)
{
	clistiter *it;

	im->cache_from = from;
	im->cache_end = from + n;
	im->cache = xreallocarray(NULL, clist_count(result) + 1,
				  sizeof(*im->cache));
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		struct cached *c = &im->cache[im->n_cache];
		uint32_t uid, size;
		const char *body;
		size_t len;

		msg_att_read(clist_content(it), &uid, &size, &body, &len);
		if (uid == 0 || body == NULL)
			continue; /* an unsolicited FETCH */
		c->uid = uid;
		c->data = xmalloc(len + 1);
		memcpy(c->data, body, len);
		c->data[len] = '\0';
		c->len = len;
		im->n_cache++;
	}
}

/* Reads the answer to batch_send() of n listed messages from
   listed[from] on: into the cache with keep, else dropped.  0 or an
   error code. */
static int
batch_receive(struct imap *im, size_t from, size_t n, bool keep, char **error_r)
{
	struct mailimap_response *response;
	clist *result;
	int r, state;

	/* the batch before is done with: at most one held at a time */
	if (keep)
		cache_clear(im);
	if (mailimap_read_line(im->s) == NULL)
		return command_failed(im, "UID FETCH", MAILIMAP_ERROR_STREAM,
				      error_r);
	r = mailimap_parse_response(im->s, &response);
	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, "UID FETCH", r, error_r);
	result = im->s->imap_response_info->rsp_fetch_list;
	im->s->imap_response_info->rsp_fetch_list = NULL;
	state = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state
			->rsp_type;
	mailimap_response_free(response);
	/* as mailimap_uid_fetch(): a NO with some answers is taken */
	if (clist_count(result) == 0 && state != MAILIMAP_RESP_COND_STATE_OK) {
		mailimap_fetch_list_free(result);
		return command_failed(im, "UID FETCH", MAILIMAP_ERROR_UID_FETCH,
				      error_r);
	}
	if (keep)
		cache_fill(im, result, from, n);
	mailimap_fetch_list_free(result);
	return 0;
}

/* Sends the UID FETCH of the batch after the one just read, when the
   list has more, so that the server prepares it and the kernel holds
   it while this one is worked on.  A failed send shows when the answer
   is read. */
static void
send_ahead(struct imap *im, size_t from, size_t max)
{
	if (from >= im->n_listed)
		return;
	im->ahead_n = batch_plan(im, from, max, &im->ahead_header);
	im->ahead_from = from;
	im->ahead = true;
	(void)batch_send(im, from, im->ahead_n, im->ahead_header);
}

/* Reads and drops an answer sent ahead: the connection is ready for
   another command.  0 or an error code. */
static int
settle(struct imap *im, char **error_r)
{
	if (!im->ahead)
		return 0;
	im->ahead = false;
	return batch_receive(im, im->ahead_from, im->ahead_n, false, error_r);
}

/* Fetches the bodies of the listed messages from listed[from] on, as
   many as fit in a batch, into the cache (an oversize first one alone,
   by its header), reading the answer sent ahead when it is that batch,
   and sends the next.  0 or an error code. */
static int
fetch_batch(struct imap *im, size_t from, size_t max, char **error_r)
{
	bool header;
	size_t n;
	int r;

	if (im->ahead && im->ahead_from == from) {
		im->ahead = false;
		n = im->ahead_n;
		r = batch_receive(im, from, n, true, error_r);
	} else {
		if ((r = settle(im, error_r)) != 0 ||
		    (r = ensure_inbox(im, error_r)) != 0)
			return r;
		n = batch_plan(im, from, max, &header);
		r = batch_send(im, from, n, header);
		r = r != MAILIMAP_NO_ERROR
			    ? command_failed(im, "UID FETCH", r, error_r)
			    : batch_receive(im, from, n, true, error_r);
	}
	if (r == 0)
		send_ahead(im, from + n, max);
	return r;
}

/* The cache slot of uid, or n_cache. */
static size_t
cache_find(struct imap *im, uint32_t uid)
{
	size_t i;

	for (i = 0; i < im->n_cache && im->cache[i].uid != uid; i++)
		;
	return i;
}

static enum mailbox_result
imap_fetch(void *h, const char *key, size_t max, char **data_r, size_t *len_r,
	   size_t *size_r, char **error_r)
{
	struct imap *im = h;
	struct listed *l;
	uint32_t validity, uid;
	size_t i, at;
	int r;

	if (parse_key(key, &validity, &uid) == -1 || im->s == NULL ||
	    validity != im->validity)
		return MAILBOX_GONE;
	l = find_listed(im, uid);
	if (l == NULL)
		return MAILBOX_GONE;
	at = (size_t)(l - im->listed);
	i = cache_find(im, uid);
	/* asked for in the batch, but not in the answer: expunged */
	if (i == im->n_cache && at >= im->cache_from && at < im->cache_end)
		return MAILBOX_GONE;
	if (i == im->n_cache || im->cache[i].data == NULL) {
		if ((r = fetch_batch(im, at, max, error_r)) != 0)
			return op_result(r);
		i = cache_find(im, uid);
		if (i == im->n_cache || im->cache[i].data == NULL)
			return MAILBOX_GONE; /* expunged meanwhile */
	}
	*data_r = im->cache[i].data;
	*len_r = im->cache[i].len;
	*size_r = l->size > im->cache[i].len ? l->size : im->cache[i].len;
	/* handed over: the slot keeps no pointer (asked again, it is
	   fetched again) */
	im->cache[i].data = NULL;
	return MAILBOX_OK;
}

static bool
folder_known(struct imap *im, const char *folder)
{
	size_t i;

	for (i = 0; i < im->n_folders; i++) {
		if (strcmp(im->folders[i], folder) == 0)
			return true;
	}
	return false;
}

/* Whether listed, a name LIST answered, is folder: INBOX (also as the
   first level) in any case (RFC 3501 5.1), the rest exactly. */
static bool
same_folder(const char *listed, const char *folder, char delim)
{
	if (strncasecmp(listed, "INBOX", 5) == 0 &&
	    strncasecmp(folder, "INBOX", 5) == 0 &&
	    (listed[5] == '\0' || listed[5] == delim)) {
		listed += 5;
		folder += 5;
	}
	return strcmp(listed, folder) == 0;
}

/* Whether the server has folder (its own name): LIST "" folder, whose
   answers are compared with it, since a '*' or '%' in a namespace
   prefix makes the name a pattern that matches others.  0 or an error
   code. */
static int
folder_exists(struct imap *im, const char *folder, bool *exists_r,
	      char **error_r)
{
	clist *result = NULL;
	clistiter *it;
	int r = mailimap_list(im->s, "", folder, &result);

	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, "LIST", r, error_r);
	*exists_r = false;
	for (it = result != NULL ? clist_begin(result) : NULL;
	     it != NULL && !*exists_r; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		*exists_r = same_folder(mb->mb_name, folder, im->delim);
	}
	if (result != NULL)
		mailimap_list_result_free(result);
	return 0;
}

/* Creates folder unless it exists. */
static int
ensure_folder(struct imap *im, const char *folder, char **error_r)
{
	bool exists;
	int r;

	if (folder_known(im, folder))
		return 0;
	if ((r = folder_exists(im, folder, &exists, error_r)) != 0)
		return r;
	if (!exists) {
		r = mailimap_create(im->s, folder);
		if (r != MAILIMAP_NO_ERROR) {
			char *what = xasprintf("CREATE %s", folder);

			r = command_failed(im, what, r, error_r);
			free(what);
			return r;
		}
		log_info("imap: created folder %s", folder);
	}
	if (im->n_folders < IMAP_FOLDERS_MAX)
		im->folders[im->n_folders++] = xstrdup(folder);
	return 0;
}

static int
add_keyword(struct imap *im, struct mailimap_set *set, const char *keyword,
	    bool deleted, char **error_r)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sf;
	int r;

	if (deleted)
		mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	else
		mailimap_flag_list_add(
			fl, mailimap_flag_new_flag_keyword(xstrdup(keyword)));
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(im->s, set, sf);
	mailimap_store_att_flags_free(sf);
	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, "UID STORE", r, error_r);
	return 0;
}

/* COPY, then \Deleted, then UID EXPUNGE of that message alone; without
   UIDPLUS the copy stays marked \Deleted, because a plain EXPUNGE would
   also remove what a person marked. */
static int
copy_and_delete(struct imap *im, struct mailimap_set *set, const char *folder,
		char **error_r)
{
	int r = mailimap_uid_copy(im->s, set, folder);

	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, "UID COPY", r, error_r);
	if ((r = add_keyword(im, set, NULL, true, error_r)) != 0)
		return r;
	if (!im->has_uidplus)
		return 0;
	r = mailimap_uid_expunge(im->s, set);
	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, "UID EXPUNGE", r, error_r);
	return 0;
}

/* Moves the messages of set of the selected mailbox to the server's
   name of the logical folder; 0 or an error code. */
static int
move_to(struct imap *im, struct mailimap_set *set, const char *folder,
	char **error_r)
{
	char *name = server_name(im, folder, error_r);
	int r;

	if (name == NULL)
		return -1;
	r = ensure_folder(im, name, error_r);
	if (r == 0 && !im->has_move)
		r = copy_and_delete(im, set, name, error_r);
	else if (r == 0) {
		r = mailimap_uid_move(im->s, set, name);
		r = r != MAILIMAP_NO_ERROR
			    ? command_failed(im, "UID MOVE", r, error_r)
			    : 0;
	}
	free(name);
	return r;
}

/* Moves (or marks) the messages of set; 0 or an error code. */
static int
move_uids(struct imap *im, struct mailimap_set *set, const char *folder,
	  char **error_r)
{
	if (im->set->keep_in_inbox)
		return add_keyword(im, set, folder, false, error_r);
	return move_to(im, set, folder, error_r);
}

static enum mailbox_result
imap_move(void *h, const char *key, const char *folder, char **error_r)
{
	struct imap *im = h;
	struct mailimap_set *set;
	uint32_t validity, uid;
	int r;

	if (parse_key(key, &validity, &uid) == -1)
		return MAILBOX_GONE;
	if ((r = connected(im, error_r)) != 0 ||
	    (r = ensure_inbox(im, error_r)) != 0)
		return op_result(r);
	/* after a UIDVALIDITY change the UID names nothing: the rescan
	   finds the message again and queues a move under its new key */
	if (validity != im->validity)
		return MAILBOX_GONE;
	set = mailimap_set_new_single(uid);
	r = move_uids(im, set, folder, error_r);
	mailimap_set_free(set);
	return op_result(r);
}

static enum mailbox_result
imap_move_set(void *h, const char *const *keys, size_t n, const char *folder,
	      char **error_r)
{
	struct imap *im = h;
	struct mailimap_set *set;
	uint32_t validity, uid;
	size_t i, in_set = 0;
	int r;

	if ((r = connected(im, error_r)) != 0 ||
	    (r = ensure_inbox(im, error_r)) != 0)
		return op_result(r);
	set = mailimap_set_new_empty();
	for (i = 0; i < n; i++) {
		if (parse_key(keys[i], &validity, &uid) == 0 &&
		    validity == im->validity) {
			mailimap_set_add_single(set, uid);
			in_set++;
		}
	}
	r = in_set > 0 ? move_uids(im, set, folder, error_r) : 0;
	mailimap_set_free(set);
	return op_result(r);
}

/* The number of messages in folder without selecting it; a folder that
   does not exist has none.  0 or an error code. */
static int
folder_count(struct imap *im, const char *folder, uint32_t *count_r,
	     char **error_r)
{
	struct mailimap_status_att_list *atts =
		mailimap_status_att_list_new_empty();
	struct mailimap_mailbox_data_status *status = NULL;
	clistiter *it;
	int r;

	*count_r = 0;
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
	r = mailimap_status(im->s, folder, atts, &status);
	mailimap_status_att_list_free(atts);
	if (r != MAILIMAP_NO_ERROR)
		return fatal_error(r) ? command_failed(im, "STATUS", r, error_r)
				      : 0;
	for (it = status->st_info_list != NULL
			  ? clist_begin(status->st_info_list)
			  : NULL;
	     it != NULL; it = clist_next(it)) {
		struct mailimap_status_info *info = clist_content(it);

		if (info->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
			*count_r = info->st_value;
	}
	mailimap_mailbox_data_status_free(status);
	return 0;
}

/* Selects a decision folder unless it is selected. */
static int
select_folder(struct imap *im, const char *folder, char **error_r)
{
	int r;

	if (im->selected != NULL && strcmp(im->selected, folder) == 0)
		return 0;
	free(im->selected);
	im->selected = NULL;
	r = mailimap_select(im->s, folder);
	if (r != MAILIMAP_NO_ERROR)
		return command_failed(im, "SELECT", r, error_r);
	im->selected = xstrdup(folder);
	im->folder_validity =
		im->s->imap_selection_info != NULL
			? im->s->imap_selection_info->sel_uidvalidity
			: 0;
	return 0;
}

static int
uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static enum mailbox_result
imap_folder_list(void *h, const char *folder, char ***keys_r, size_t *n_r,
		 char **error_r)
{
	struct imap *im = h;
	clist *result = NULL;
	clistiter *it;
	uint32_t count, *uids;
	size_t n = 0, i;
	enum mailbox_result rc;
	char *name;
	int r;

	*keys_r = NULL;
	*n_r = 0;
	name = connected_name(im, folder, &rc, error_r);
	if (name == NULL)
		return rc;
	/* STATUS first: an empty folder costs one command, no SELECT */
	r = folder_count(im, name, &count, error_r);
	if (r == 0 && count > 0)
		r = select_folder(im, name, error_r);
	free(name);
	if (r != 0 || count == 0)
		return op_result(r);
	r = uid_fetch(im, mailimap_set_new_interval(1, 0), 0,
		      "UID FETCH (folder)", &result, error_r);
	if (r != 0)
		return op_result(r);
	uids = xreallocarray(NULL, clist_count(result) + 1, sizeof(*uids));
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uint32_t uid, size;
		const char *body;
		size_t len;

		msg_att_read(clist_content(it), &uid, &size, &body, &len);
		if (uid != 0)
			uids[n++] = uid;
	}
	mailimap_fetch_list_free(result);
	if (n > 1)
		qsort(uids, n, sizeof(*uids), uid_cmp);
	*keys_r = xreallocarray(NULL, n + 1, sizeof(**keys_r));
	for (i = 0; i < n; i++)
		(*keys_r)[i] = xasprintf("%u.%u", im->folder_validity, uids[i]);
	*n_r = n;
	free(uids);
	return MAILBOX_OK;
}

/* Selects folder for key; 1 with *uid_r, 0 when key names nothing
   there, or an error code. */
static int
folder_uid(struct imap *im, const char *folder, const char *key,
	   uint32_t *uid_r, char **error_r)
{
	enum mailbox_result rc;
	uint32_t validity;
	char *name;
	int r;

	if (parse_key(key, &validity, uid_r) == -1)
		return 0;
	name = connected_name(im, folder, &rc, error_r);
	if (name == NULL)
		return rc;
	r = select_folder(im, name, error_r);
	free(name);
	if (r != 0)
		return r;
	return validity == im->folder_validity ? 1 : 0;
}

static enum mailbox_result
imap_folder_fetch(void *h, const char *folder, const char *key, size_t max,
		  char **data_r, size_t *len_r, size_t *size_r, char **error_r)
{
	struct imap *im = h;
	clist *result = NULL;
	clistiter *it;
	uint32_t uid;
	int r, found = 0;

	if ((r = folder_uid(im, folder, key, &uid, error_r)) != 1)
		return r == 0 ? MAILBOX_GONE : op_result(r);
	r = uid_fetch(im, mailimap_set_new_single(uid), FETCH_SIZE | FETCH_BODY,
		      "UID FETCH", &result, error_r);
	if (r != 0)
		return op_result(r);
	for (it = clist_begin(result); it != NULL && !found;
	     it = clist_next(it)) {
		uint32_t got, size;
		const char *body;
		size_t len;

		msg_att_read(clist_content(it), &got, &size, &body, &len);
		if (got != uid || body == NULL)
			continue;
		/* XXX a message over max is cut, not fetched by its header:
		   staff rarely file one that large */
		*size_r = size > len ? size : len;
		if (len > max)
			len = max;
		*data_r = xmalloc(len + 1);
		memcpy(*data_r, body, len);
		(*data_r)[len] = '\0';
		*len_r = len;
		found = 1;
	}
	mailimap_fetch_list_free(result);
	return found ? MAILBOX_OK : MAILBOX_GONE;
}

static enum mailbox_result
imap_folder_move(void *h, const char *folder, const char *key, const char *dest,
		 char **error_r)
{
	struct imap *im = h;
	struct mailimap_set *set;
	uint32_t uid;
	int r;

	if ((r = folder_uid(im, folder, key, &uid, error_r)) != 1)
		return r == 0 ? MAILBOX_GONE : op_result(r);
	set = mailimap_set_new_single(uid);
	r = move_to(im, set, dest, error_r);
	mailimap_set_free(set);
	return op_result(r);
}

static enum mailbox_result
imap_folder_create(void *h, const char *folder, char **error_r)
{
	struct imap *im = h;
	enum mailbox_result rc;
	char *name = connected_name(im, folder, &rc, error_r);
	int r;

	if (name == NULL)
		return rc;
	r = ensure_folder(im, name, error_r);
	free(name);
	return op_result(r);
}

static enum mailbox_result
imap_folder_lookup(void *h, const char *folder, char **name_r, char **error_r)
{
	struct imap *im = h;
	enum mailbox_result rc;
	char *name = connected_name(im, folder, &rc, error_r);
	bool exists = false;
	int r;

	if (name == NULL)
		return rc;
	if ((r = folder_exists(im, name, &exists, error_r)) != 0) {
		free(name);
		return op_result(r);
	}
	*name_r = name;
	return exists ? MAILBOX_OK : MAILBOX_GONE;
}

/* Waits on the socket until it is readable, the time is up or *stop. */
static int
wait_readable(int fd, int timeout, volatile sig_atomic_t *stop)
{
	time_t end = monotonic() + timeout;

	while (!*stop && monotonic() < end) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int r = poll(&pfd, 1, 1000);

		if (r > 0)
			return 1;
		if (r == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

static void
sleep_until(time_t end, volatile sig_atomic_t *stop)
{
	while (!*stop && monotonic() < end) {
		struct timespec ts = {0, 200 * 1000 * 1000};

		nanosleep(&ts, NULL);
	}
}

/* Whether a UID beyond the highest the last list() saw is in the inbox:
   1, 0 or an error code; *exists_r says whether the server sent an
   EXISTS with the answer. */
static int
uid_beyond(struct imap *im, bool *exists_r, char **error_r)
{
	clist *result = NULL;
	clistiter *it;
	int r, found = 0;

	im->s->imap_selection_info->sel_has_exists = 0;
	r = uid_fetch(im, mailimap_set_new_interval(im->seen_last + 1, 0), 0,
		      "UID FETCH (new mail)", &result, error_r);
	if (r != 0)
		return r;
	/* "n:*" answers the highest UID even when it is below n */
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uint32_t uid, size;
		const char *body;
		size_t len;

		msg_att_read(clist_content(it), &uid, &size, &body, &len);
		if (uid > im->seen_last)
			found = 1;
	}
	mailimap_fetch_list_free(result);
	*exists_r = im->s->imap_selection_info->sel_has_exists != 0;
	return found;
}

/* Whether the last list() gives news() a UID to compare with. */
static bool
comparable(const struct imap *im)
{
	return im->seen_valid == im->validity && im->validity != 0 &&
	       im->s->imap_selection_info != NULL;
}

/* Whether mail arrived in the inbox since the last list(): a UID beyond
   the highest it saw.  Mail the server announced during the pass,
   inside the answer to another command, it does not announce again in
   IDLE.  An EXISTS with the answer may tell of mail the FETCH did not
   see yet, or only count what our moves left: asked once more, the
   UIDs say which.  Mail left in the inbox (failed, or kept there) is
   at or below that UID and starts no pass.  1, 0 or an error code;
   0 without a list() to compare with. */
static int
news(struct imap *im, char **error_r)
{
	bool exists = false;
	int r;

	if (!comparable(im))
		return 0; /* IDLE tells */
	r = uid_beyond(im, &exists, error_r);
	if (r == 0 && exists)
		r = uid_beyond(im, &exists, error_r);
	if (r == 1)
		log_debug("imap: mail arrived during the pass");
	return r;
}

/* news(), a refusal logged: 1 new mail, 0 none, 2 refused, -1 the
   connection is lost (*error_r says why). */
static int
news_checked(struct imap *im, char **error_r)
{
	int r = news(im, error_r);

	if (r == 0 || r == 1)
		return r;
	if (im->s == NULL)
		return -1;
	log_debug("imap: %s", *error_r);
	free(*error_r);
	*error_r = NULL;
	return 2;
}

/* One IDLE of up to timeout seconds: 1 when the server spoke, 0 at the
   timeout or a stop, -1 on an error. */
static int
idle_once(struct imap *im, int timeout, volatile sig_atomic_t *stop,
	  char **error_r)
{
	int r, got;

	/* XXX mailimap_idle() drops untagged data sent before "+ idling";
	   Dovecot sends what changed after it, and news() came first */
	r = mailimap_idle(im->s);
	if (r != MAILIMAP_NO_ERROR) {
		(void)command_failed(im, "IDLE", r, error_r);
		return -1;
	}
	/* what libetpan already read is invisible to poll() */
	if (im->s->imap_stream->read_buffer_len > 0)
		got = 1;
	else
		got = wait_readable(mailimap_idle_get_fd(im->s), timeout, stop);
	r = mailimap_idle_done(im->s);
	if (r != MAILIMAP_NO_ERROR) {
		(void)command_failed(im, "IDLE DONE", r, error_r);
		return -1;
	}
	return got == 1 ? 1 : 0;
}

static enum mailbox_result
imap_wait(void *h, int timeout, volatile sig_atomic_t *stop, char **error_r)
{
	struct imap *im = h;
	time_t end = monotonic() + timeout;
	int r;

	if (im->s == NULL) {
		/* down: wait for the next attempt, which list() makes */
		sleep_until(im->retry_at < end ? im->retry_at : end, stop);
		return MAILBOX_TIMEOUT;
	}
	if (settle(im, error_r) != 0 || ensure_inbox(im, error_r) != 0)
		return MAILBOX_ERROR;
	r = news_checked(im, error_r);
	if (r == 1)
		return MAILBOX_OK;
	if (r == -1)
		return MAILBOX_ERROR;
	/* none, or a refusal: IDLE still tells of what comes next */
	if (!im->set->idle || !im->has_idle) {
		sleep_until(end, stop);
		return MAILBOX_TIMEOUT;
	}
	while (!*stop && monotonic() < end) {
		int left = (int)(end - monotonic());

		r = idle_once(im, left < IMAP_IDLE_MAX ? left : IMAP_IDLE_MAX,
			      stop, error_r);
		if (r < 0)
			return MAILBOX_ERROR;
		if (r == 0)
			continue; /* IMAP_IDLE_MAX: IDLE again until the end */
		if (!comparable(im))
			return MAILBOX_OK;
		/* Dovecot's keepalive ("* OK Still here", at a moment it
		   aligns per user, so soon after IDLE began) and flags or
		   expunges of mail already seen wake IDLE too: only mail
		   beyond the last list() starts a pass */
		r = news_checked(im, error_r);
		if (r == -1)
			return MAILBOX_ERROR;
		if (r != 0) /* a refusal: the pass finds out what changed */
			return MAILBOX_OK;
		log_debug("imap: woken without new mail, idle again");
	}
	return MAILBOX_TIMEOUT;
}

static void
imap_close(void *h)
{
	struct imap *im = h;
	char *err = NULL;

	if (im->s != NULL && settle(im, &err) == 0 && im->s != NULL &&
	    im->s->imap_stream != NULL)
		(void)mailimap_logout(im->s);
	free(err);
	disconnect(im);
	free(im->listed);
	free(im->last_error);
	imap_url_deinit(&im->url);
	free(im);
}

int
imap_probe(const struct mailbox_settings *set, uint32_t *exists_r,
	   char **error_r)
{
	struct imap *im;
	int rc;

	im = imap_open(set, error_r);
	if (im == NULL)
		return -1;
	im->examine = true;
	rc = try_connect(im, error_r);
	if (rc == 0)
		*exists_r = im->s->imap_selection_info != NULL
				    ? im->s->imap_selection_info->sel_exists
				    : 0;
	imap_close(im);
	return rc == 0 ? 0 : -1;
}

const struct mailbox_ops imap_ops = {
	.name = "imap",
	.open = imap_open,
	.inbox = imap_inbox,
	.resume = imap_resume,
	.position = imap_position,
	.list = imap_list,
	.fetch = imap_fetch,
	.move = imap_move,
	.move_set = imap_move_set,
	.folder_list = imap_folder_list,
	.folder_fetch = imap_folder_fetch,
	.folder_move = imap_folder_move,
	.folder_create = imap_folder_create,
	.refused = imap_refused,
	.folder_lookup = imap_folder_lookup,
	.wait = imap_wait,
	.close = imap_close,
};
