#include "autoconf.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "escape.h"
#include "log.h"
#include "programme.h"
#include "rules.h"
#include "util.h"
#include "web_accounts.h"
#include "web_html.h"
#include "web_limit.h"
#include "web_pages.h"
#include "web_request.h"
#include "web_routes.h"
#include "web_server.h"
#include "web_session.h"
#include "web_tls.h"

struct web_server {
	struct MHD_Daemon *mhd;
	struct web_server_settings set;
	struct web_sessions sessions;
	struct web_limit limit;	   /* per client address */
	struct web_limit accounts; /* per account name, case-folded */
	struct web_accounts staff; /* who still has an account */
	uint16_t port;
};

/* One request, from its first call to its end. */
struct request {
	struct MHD_PostProcessor *pp;
	size_t body; /* bytes of the body seen */
	bool too_large;
	/* the route's limits (struct web_route) */
	size_t body_max, long_max;
	const char *long_field;
	struct web_field fields[WEB_REQUEST_FIELDS];
	size_t nfields;
};

/* The peer's address as text, into out. */
static void
peer_addr(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	util_strlcpy(out, "?", size);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		(void)inet_ntop(AF_INET,
				&((const struct sockaddr_in *)(const void *)sa)
					 ->sin_addr,
				out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		(void)inet_ntop(AF_INET6,
				&((const struct sockaddr_in6 *)(const void *)sa)
					 ->sin6_addr,
				out, (socklen_t)size);
}

/* The same address in the same form, as text. */
static bool
same_addr(const char *a, const char *b)
{
	unsigned char x[sizeof(struct in6_addr)], y[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, a, x) == 1)
		return inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0;
	return inet_pton(AF_INET6, a, x) == 1 &&
	       inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, sizeof(x)) == 0;
}

/* Keeps the last X-Forwarded-For of several: RFC 9110 5.3 makes them
   one list, and a proxy may add its own line after the client's. */
static enum MHD_Result
last_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	const char **last = cls;

	if (strcasecmp(key, "X-Forwarded-For") == 0)
		*last = value;
	return MHD_YES;
}

/* The client's address as text, into out: the peer's, or when the peer
   is the trusted proxy, the last address in its X-Forwarded-For (the
   one the proxy added; earlier ones the client may have made up). */
static void
client_addr(const struct web_server *w, struct MHD_Connection *c, char *out,
	    size_t size)
{
	unsigned char bin[sizeof(struct in6_addr)];
	const char *xff = NULL, *last;
	char addr[WEB_LIMIT_ADDR_MAX];
	size_t len;

	peer_addr(c, out, size);
	if (w->set.trusted_proxy == NULL ||
	    !same_addr(out, w->set.trusted_proxy))
		return;
	(void)MHD_get_connection_values(c, MHD_HEADER_KIND, last_xff, &xff);
	if (xff == NULL)
		return;
	last = strrchr(xff, ',');
	last = last == NULL ? xff : last + 1;
	last += strspn(last, " \t");
	len = strcspn(last, " \t");
	if (len == 0 || len >= sizeof(addr) || last[len] != '\0')
		return;
	memcpy(addr, last, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1 ||
	    inet_pton(AF_INET6, addr, bin) == 1)
		util_strlcpy(out, addr, size);
}

/* The key of the client at addr in w->limit: an IPv4 address (also when
   written as IPv6, ::ffff:a.b.c.d), or an IPv6 address's /64, as one
   subscriber gets a whole /64 and could count each of its addresses
   apart. */
static void
addr_key(const char *addr, char *key, size_t size)
{
	unsigned char a[sizeof(struct in6_addr)];
	char text[INET6_ADDRSTRLEN];
	struct in6_addr net;

	util_strlcpy(key, addr, size);
	if (inet_pton(AF_INET6, addr, a) != 1)
		return;
	memcpy(&net, a, sizeof(net));
	if (IN6_IS_ADDR_V4MAPPED(&net)) {
		(void)inet_ntop(AF_INET, a + 12, key, (socklen_t)size);
		return;
	}
	memset(net.s6_addr + 8, 0, 8);
	if (inet_ntop(AF_INET6, &net, text, sizeof(text)) != NULL)
		(void)snprintf(key, size, "%s/64", text);
}

/* The field named key in rq, added when new; NULL when the name is too
   long or the request has too many. */
static struct web_field *
field_of(struct request *rq, const char *key)
{
	struct web_field *f;
	size_t i;

	for (i = 0; i < rq->nfields; i++) {
		if (strcmp(rq->fields[i].name, key) == 0)
			return &rq->fields[i];
	}
	if (rq->nfields == WEB_REQUEST_FIELDS ||
	    strlen(key) > WEB_REQUEST_NAME_MAX)
		return NULL;
	f = &rq->fields[rq->nfields++];
	util_strlcpy(f->name, key, sizeof(f->name));
	f->value[0] = '\0';
	return f;
}

/* Collects the form's fields; a form with more, or longer ones, than a
   page of ours sends is refused. */
static enum MHD_Result
on_field(void *cls, enum MHD_ValueKind kind, const char *key,
	 const char *filename, const char *content_type,
	 const char *transfer_encoding, const char *data, uint64_t off,
	 size_t size)
{
	struct request *rq = cls;
	struct web_field *f = field_of(rq, key);
	size_t have;

	if (f == NULL) {
		rq->too_large = true;
		return MHD_NO;
	}
	if (memchr(data, '\0', size) != NULL)
		goto refused;
	if (rq->long_field != NULL && strcmp(key, rq->long_field) == 0) {
		if (f->long_value.max == 0) /* its first piece */
			buf_init(&f->long_value, rq->long_max);
		if (off != f->long_value.len ||
		    buf_add(&f->long_value, data, size) == -1)
			goto refused;
		return MHD_YES;
	}
	have = strlen(f->value);
	if (off != have || have + size > WEB_SERVER_FIELD_MAX)
		goto refused;
	memcpy(f->value + have, data, size);
	f->value[have + size] = '\0';
	return MHD_YES;
refused:
	rq->too_large = true;
	return MHD_NO;
}

static int
login_page(struct web_request *r, unsigned status, const char *failed)
{
	struct buf b;

	buf_init(&b, WEB_PAGE_MAX);
	(void)web_pages_login(&b, failed);
	return web_reply_page(r, status, &b);
}

/* The account's key in w->accounts: the name typed, case-folded (an
   unknown name too, so guessing at it is held back the same way). */
static void
account_key(const char *user, char *key, size_t size)
{
	size_t i;

	util_strlcpy(key, user, size);
	for (i = 0; key[i] != '\0'; i++) {
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] - 'A' + 'a');
	}
}

/* Whether user with password may log in now; says why not in the log. */
static bool
login_ok(struct web_server *w, const char *user, const char *password,
	 const char *addr, const char *account)
{
	char key[WEB_LIMIT_KEY_MAX];
	char *who;
	unsigned failures;
	int ok = web_accounts_verify(&w->staff, user, password);

	if (ok == -1) {
		/* nobody can log in: not the typist's failure */
		log_warnx("web: login refused: no usable users file %s",
			  w->set.users);
		return false;
	}
	if (ok == 1) {
		/* only the account's count: a good login must not wipe
		   the failures of others behind the same address */
		web_limit_clear(&w->accounts, account);
		log_info("web: %s logged in from %s", user, addr);
		return true;
	}
	addr_key(addr, key, sizeof(key));
	(void)web_limit_fail(&w->limit, key, util_clock());
	failures = web_limit_fail(&w->accounts, account, util_clock());
	who = escape_str(user, ESCAPE_LINE);
	log_warnx("web: failed login as '%s' from %s (%u for the name in %d "
		  "min)",
		  who, addr, failures, WEB_LIMIT_WINDOW / 60);
	free(who);
	return false;
}

static int
post_login(struct web_server *w, struct web_request *r)
{
	const char *user = web_request_field(r, "user");
	const char *password = web_request_field(r, "password");
	char addr[WEB_LIMIT_ADDR_MAX], account[WEB_LIMIT_KEY_MAX], *who;
	char key[WEB_LIMIT_KEY_MAX];
	char cookie[WEB_SESSION_SET_COOKIE_MAX];
	struct web_session *s;
	bool addr_ok, account_ok;

	if (user == NULL)
		user = "";
	if (password == NULL)
		password = "";
	/* behind a reverse proxy not named trusted_proxy every client is
	   the proxy's address: hence the per-address limit is higher than
	   the per-account one */
	client_addr(w, r->conn, addr, sizeof(addr));
	account_key(user, account, sizeof(account));
	addr_key(addr, key, sizeof(key));
	addr_ok = web_limit_allowed(&w->limit, key, util_clock());
	account_ok = web_limit_allowed(&w->accounts, account, util_clock());
	if (!addr_ok || !account_ok) {
		who = escape_str(user, ESCAPE_LINE);
		log_warnx("web: login as '%s' from %s refused: too many "
			  "failures of the %s",
			  who, addr, addr_ok ? "name" : "address");
		free(who);
		return login_page(r, MHD_HTTP_TOO_MANY_REQUESTS,
				  "Te veel mislukte pogingen. Probeert u het "
				  "over een kwartier opnieuw.");
	}
	if (!login_ok(w, user, password, addr, account))
		return login_page(r, MHD_HTTP_UNAUTHORIZED,
				  "Gebruikersnaam of wachtwoord onjuist.");
	s = web_session_new(&w->sessions, user, util_clock());
	if (s == NULL) {
		log_warn("web: no random bytes for a session");
		return web_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
				       "Storing", "Inloggen lukt nu niet.");
	}
	return web_reply_cookie(
		r, "/", web_session_set_cookie(s, cookie, sizeof(cookie)));
}

static int
refused(struct web_request *r)
{
	return web_reply_error(r, MHD_HTTP_FORBIDDEN, "Geweigerd",
			       "Dit verzoek is niet toegestaan. Laadt u de "
			       "pagina opnieuw.");
}

static int
post_logout(struct web_request *r)
{
	if (r->session == NULL ||
	    !web_session_csrf_ok(r->session, web_request_field(r, "csrf")))
		return refused(r);
	log_info("web: %s logged out", r->session->user);
	web_session_end(r->session);
	return web_reply_cookie(r, "/login",
				web_session_set_cookie(NULL, NULL, 0));
}

/* Whether a POST comes from one of our own pages (Fetch Metadata, and
   RFC 6454 Origin): a browser says where a form was sent from, so a
   form on another site is refused even if it carried a token. */
static bool
same_origin(const struct web_server *w, struct MHD_Connection *c)
{
	const char *site, *origin, *host, *rest;

	site = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					   "Sec-Fetch-Site");
	if (site != NULL && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return false;
	origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	if (origin == NULL)
		return true;
	/* our Referrer-Policy: no-referrer makes a browser send "null"
	   for our own forms too; Fetch Metadata then says where from */
	if (strcmp(origin, "null") == 0)
		return site != NULL && strcmp(site, "same-origin") == 0;
	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_HOST);
	if (host == NULL)
		return false;
	/* https always (ours, or the proxy's); http only without TLS */
	if (strncmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	else if (w->set.tls_cert == NULL && strncmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else
		return false;
	return strcmp(rest, host) == 0;
}

/* The session the request's cookie names, while its account exists. */
static struct web_session *
session_of(struct web_server *w, struct MHD_Connection *c)
{
	struct web_session *s;
	const char *cookie;

	cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_COOKIE);
	s = web_session_find(&w->sessions, cookie, util_clock());
	if (s != NULL && !web_accounts_has(&w->staff, s->user)) {
		log_info("web: %s has no account any more: session ended",
			 s->user);
		web_session_end(s);
		s = NULL;
	}
	return s;
}

/* The stylesheet, to anyone: the login page uses it too. */
static int
get_style(struct web_request *r)
{
	struct buf b;
	size_t len;
	const char *css = web_html_style(&len);

	buf_init(&b, len + 1);
	(void)buf_add(&b, css, len);
	return web_reply_text(r, "text/css; charset=utf-8", &b);
}

/* The whole request is in: answer it. */
static int
route(struct web_server *w, struct web_request *r, const char *url,
      bool too_large)
{
	const struct web_route *to;
	bool other;

	if (strcmp(url, WEB_HTML_STYLE) == 0 && !r->post)
		return get_style(r);
	if (strcmp(url, "/login") == 0 || strcmp(url, "/logout") == 0) {
		to = NULL;
		other = false;
	} else {
		to = web_routes_find(url, r->post, r->arg, &other);
		if (to == NULL && !other)
			return web_reply_error(r, MHD_HTTP_NOT_FOUND,
					       "Niet gevonden",
					       "Deze pagina bestaat niet.");
	}
	if (too_large)
		return web_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
				       "Te groot",
				       "Het formulier is te groot.");
	if (r->post && !same_origin(w, r->conn)) {
		log_warnx("web: POST %s from another site refused", url);
		return refused(r);
	}
	r->session = session_of(w, r->conn);
	if (strcmp(url, "/login") == 0)
		return r->post ? post_login(w, r)
			       : login_page(r, MHD_HTTP_OK, NULL);
	if (strcmp(url, "/logout") == 0)
		return r->post ? post_logout(r)
			       : web_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED,
						 "Niet toegestaan",
						 "Uitloggen gaat met de knop "
						 "bovenaan de pagina.");
	if (to == NULL)
		return web_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED,
				       "Niet toegestaan",
				       r->post ? "Deze pagina kan alleen "
						 "worden bekeken."
					       : "Dit gaat met een knop op "
						 "de pagina.");
	if (r->session == NULL)
		return r->post ? refused(r) : web_reply_redirect(r, "/login");
	if (r->post &&
	    !web_session_csrf_ok(r->session, web_request_field(r, "csrf")))
		return refused(r);
	return to->fn(r);
}

/* Whether key starts with name and goes on. */
static bool
longer_than(const char *key, const char *name)
{
	size_t len = strlen(name);

	return strncasecmp(key, name, len) == 0 && key[len] != '\0';
}

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key,
	     const char *value)
{
	unsigned *n = cls;

	/* libmicrohttpd 0.9.75 joins a folded line (obs-fold) to the
	   field's name: "Transfer-Encoding:\r\n chunked" arrives as
	   "Transfer-Encodingchunked", no body to us and a chunked one to
	   a proxy that unfolds it */
	if (strpbrk(key, " \t") != NULL ||
	    longer_than(key, MHD_HTTP_HEADER_CONTENT_LENGTH) ||
	    longer_than(key, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		n[3]++;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		n[0]++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		n[1]++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		n[2]++;
	return MHD_YES;
}

/* What libmicrohttpd lets through and RFC 9112 does not: a body's
   length said twice, or twice over (6.3: a request smuggling risk
   behind a proxy), two Host fields (3.2), white space in a field's
   name (5.1: "Transfer-Encoding : chunked" is no body to us, and may
   be one to a proxy in front), or a length folded over two lines
   (5.2). */
static bool
headers_ok(struct MHD_Connection *c)
{
	unsigned n[4] = {0, 0, 0, 0};

	(void)MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, n);
	return n[0] + n[1] <= 1 && n[2] <= 1 && n[3] == 0;
}

/* Whether the body announced is more than a form of ours: refused
   before it is sent (no 100 Continue), not read to the end. */
static bool
announced_too_large(struct MHD_Connection *c, size_t max)
{
	const char *cl = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;
	unsigned long long n;

	if (cl == NULL)
		return false;
	errno = 0;
	n = strtoull(cl, &end, 10);
	return errno != 0 || n > max;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
	   const char *method, const char *version, const char *upload_data,
	   size_t *upload_data_size, void **con_cls)
{
	struct web_server *w = cls;
	struct request *rq = *con_cls;
	const struct web_route_body *to;
	struct web_request r;
	size_t max = WEB_SERVER_BODY_MAX;

	memset(&r, 0, sizeof(r));
	r.conn = c;
	r.set = &w->set;
	r.post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;

	if (rq == NULL) {
		if (!headers_ok(c))
			return web_reply_error(&r, MHD_HTTP_BAD_REQUEST,
					       "Ongeldig verzoek",
					       "Dit verzoek kan niet worden "
					       "gelezen.");
		/* a route with a long form says so; before the session is
		   known, so only up to that route's bounds */
		to = r.post ? web_routes_body(url) : NULL;
		if (to != NULL)
			max = to->body_max;
		if (announced_too_large(c, max))
			return web_reply_error(&r, MHD_HTTP_CONTENT_TOO_LARGE,
					       "Te groot",
					       "Het formulier is te groot.");
		if (!r.post && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return web_reply_error(&r, MHD_HTTP_METHOD_NOT_ALLOWED,
					       "Niet toegestaan",
					       "Deze methode wordt niet "
					       "ondersteund.");
		rq = xcalloc(1, sizeof(*rq));
		*con_cls = rq;
		rq->body_max = max;
		if (to != NULL) {
			rq->long_field = to->long_field;
			rq->long_max = to->long_max;
		}
		if (r.post)
			rq->pp = MHD_create_post_processor(c, 1024, on_field,
							   rq);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		rq->body += *upload_data_size;
		if (rq->body > rq->body_max)
			rq->too_large = true;
		if (!rq->too_large && rq->pp != NULL)
			(void)MHD_post_process(rq->pp, upload_data,
					       *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r.post && rq->pp == NULL)
		return web_reply_error(&r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				       "Niet ondersteund",
				       "Het formulier kon niet worden "
				       "gelezen.");
	r.fields = rq->fields;
	r.nfields = rq->nfields;
	return route(w, &r, url, rq->too_large) == MHD_YES ? MHD_YES : MHD_NO;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;
	size_t i;

	if (rq == NULL)
		return;
	if (rq->pp != NULL)
		(void)MHD_destroy_post_processor(rq->pp);
	for (i = 0; i < rq->nfields; i++) {
		struct buf *v = &rq->fields[i].long_value;

		if (v->data != NULL)
			explicit_bzero(v->data, v->len);
		buf_deinit(v);
	}
	explicit_bzero(rq, sizeof(*rq));
	free(rq);
	*con_cls = NULL;
}

/* The address to listen on; -1 when listen is no address. */
static int
make_addr(const struct web_server_settings *set, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, set->listen, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(set->port);
		return 0;
	}
	if (inet_pton(AF_INET6, set->listen, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(set->port);
		return 0;
	}
	return -1;
}

/* Why the library could not listen on ss, as bind(2) says it (the
   library does not tell): a port in use, say, with what to do. */
static const char *
bind_error(const struct sockaddr_storage *ss)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int e;

	if (fd == -1)
		return strerror(errno);
	if (bind(fd, (const struct sockaddr *)ss,
		 ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					   : sizeof(struct sockaddr_in)) == 0) {
		close(fd);
		return "the HTTP library refused to start (see the log above)";
	}
	e = errno;
	close(fd);
	if (e == EADDRINUSE)
		return "the port is in use by another program: stop it, or "
		       "choose another [web] port";
	if (e == EACCES)
		return "a port below 1024 needs root: choose a [web] port "
		       "above 1023 and let the proxy forward to it";
	if (e == EADDRNOTAVAIL)
		return "no network interface of this machine has that "
		       "address: check [web] listen";
	return strerror(e);
}

bool
web_server_loopback(const char *listen)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, listen, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, listen, &a6) != 1)
		return false;
	if (IN6_IS_ADDR_V4MAPPED(&a6))
		return a6.s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&a6);
}

/* The options of TLS, when configured, into o (4 items). */
static struct MHD_OptionItem *
tls_options(const struct web_server_settings *set, struct MHD_OptionItem *o)
{
	struct MHD_OptionItem *p = o;

	if (set->tls_cert != NULL) {
		*p++ = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
					       (void *)set->tls_cert};
		*p++ = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
					       (void *)set->tls_key};
		*p++ = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
					       (void *)WEB_TLS_PRIORITY};
	}
	*p = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	return o;
}

struct web_server *
web_server_start(const struct web_server_settings *set, char **error_r)
{
	struct MHD_OptionItem tls[4];
	struct web_server *w;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;

	if (make_addr(set, &ss) == -1) {
		*error_r = xasprintf("listen: '%s' is not an IP address",
				     set->listen);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (set->tls_cert != NULL)
		flags |= MHD_USE_TLS;
	if (set->rules != NULL && set->rules->programme != NULL)
		web_html_event(set->rules->programme->name);
	w = xcalloc(1, sizeof(*w));
	w->set = *set;
	web_session_init(&w->sessions, set->idle,
			 set->session_max > 0 ? set->session_max
					      : WEB_SESSION_LIFE);
	web_limit_init(&w->limit, WEB_LIMIT_ADDR_FAILURES);
	web_limit_init(&w->accounts, WEB_LIMIT_ACCOUNT_FAILURES);
	web_accounts_init(&w->staff, set->users);
	w->mhd = MHD_start_daemon(
		flags, set->port, NULL, NULL, on_request, w,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_NOTIFY_COMPLETED, on_done, w,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_SERVER_TIMEOUT,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_SERVER_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)WEB_SERVER_PER_ADDRESS,
		/* 400 for HTTP/1.1 without Host, or a space in the URL */
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_ARRAY,
		tls_options(set, tls), MHD_OPTION_END);
	if (w->mhd == NULL) {
		*error_r = xasprintf("cannot listen on %s port %u%s: %s",
				     set->listen, (unsigned)set->port,
				     set->tls_cert != NULL ? " with TLS" : "",
				     bind_error(&ss));
		web_accounts_deinit(&w->staff);
		free(w);
		return NULL;
	}
	di = MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_BIND_PORT);
	w->port = di != NULL ? di->port : set->port;
	return w;
}

uint16_t
web_server_port(const struct web_server *w)
{
	return w->port;
}

void
web_server_stop(struct web_server **w)
{
	if (w == NULL || *w == NULL)
		return;
	MHD_stop_daemon((*w)->mhd);
	web_accounts_deinit(&(*w)->staff);
	explicit_bzero(&(*w)->sessions, sizeof((*w)->sessions));
	free(*w);
	*w = NULL;
}
