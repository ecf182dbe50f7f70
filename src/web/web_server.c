#include "autoconf.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "log.h"
#include "store_attendance.h"
#include "userfile.h"
#include "util.h"
#include "web_limit.h"
#include "web_pages.h"
#include "web_server.h"
#include "web_session.h"

/* A page is never larger than this (the waiting list included). */
#define PAGE_MAX (4u * 1024 * 1024)

struct web_server {
	struct MHD_Daemon *mhd;
	struct web_server_settings set;
	struct web_sessions sessions;
	struct web_limit limit;	   /* per client address */
	struct web_limit accounts; /* per account name, case-folded */
	uint16_t port;
};

/* One request, from its first call to its end. */
struct request {
	struct MHD_PostProcessor *pp;
	size_t body; /* bytes of the body seen */
	bool too_large;
	char user[WEB_SERVER_FIELD_MAX + 1];
	char password[WEB_SERVER_FIELD_MAX + 1];
	char csrf[WEB_SERVER_FIELD_MAX + 1];
};

static const char *const common_headers[][2] = {
	{"Content-Security-Policy", "default-src 'self'"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Content-Type-Options", "nosniff"},
	{"Cache-Control", "no-store"},
};

/* Queues an answer: page (a whole document in b, taken) or none;
   location for a redirect, cookie for Set-Cookie (both may be NULL). */
static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, struct buf *b,
       const char *location, const char *cookie)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t i, len = 0;
	char *page = NULL;

	if (b != NULL) {
		len = b->len;
		page = buf_steal(b);
	}
	r = MHD_create_response_from_buffer(len, page, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(page);
		return MHD_NO;
	}
	for (i = 0; i < nitems(common_headers); i++)
		(void)MHD_add_response_header(r, common_headers[i][0],
					      common_headers[i][1]);
	if (page != NULL)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					      "text/html; charset=utf-8");
	if (location != NULL)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION,
					      location);
	if (cookie != NULL)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE,
					      cookie);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
					      "GET, POST");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
answer_error(struct MHD_Connection *c, unsigned status, const char *title,
	     const char *text)
{
	struct buf b;

	buf_init(&b, PAGE_MAX);
	(void)web_pages_error(&b, title, text);
	return answer(c, status, &b, NULL, NULL);
}

/* The client's address as text, into out. */
static void
client_addr(struct MHD_Connection *c, char *out, size_t size)
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

/* Collects the form fields we know; others are ignored. */
static enum MHD_Result
on_field(void *cls, enum MHD_ValueKind kind, const char *key,
	 const char *filename, const char *content_type,
	 const char *transfer_encoding, const char *data, uint64_t off,
	 size_t size)
{
	struct request *rq = cls;
	char *field = NULL;
	size_t have;

	if (strcmp(key, "user") == 0)
		field = rq->user;
	else if (strcmp(key, "password") == 0)
		field = rq->password;
	else if (strcmp(key, "csrf") == 0)
		field = rq->csrf;
	if (field == NULL)
		return MHD_YES;
	have = strlen(field);
	if (off != have || have + size > WEB_SERVER_FIELD_MAX ||
	    memchr(data, '\0', size) != NULL) {
		rq->too_large = true;
		return MHD_NO;
	}
	memcpy(field + have, data, size);
	field[have + size] = '\0';
	return MHD_YES;
}

static enum MHD_Result
get_overview(struct web_server *w, struct MHD_Connection *c,
	     struct web_session *s)
{
	struct store_attendance_contact *rows = NULL;
	size_t n = 0;
	char *err = NULL;
	struct buf b;

	if (store_attendance_contacts(w->set.store, &rows, &n, &err) == -1) {
		log_warnx("web: overview: %s", err);
		free(err);
		return answer_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				    "Storing",
				    "De gegevens kunnen nu niet worden "
				    "gelezen. Probeert u het later opnieuw.");
	}
	buf_init(&b, PAGE_MAX);
	if (web_pages_overview(&b, s->user, s->csrf, w->set.capacity, rows,
			       n) == -1) {
		buf_deinit(&b);
		store_attendance_contacts_free(rows, n);
		return answer_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				    "Storing", "De pagina is te groot.");
	}
	store_attendance_contacts_free(rows, n);
	return answer(c, MHD_HTTP_OK, &b, NULL, NULL);
}

static enum MHD_Result
login_page(struct MHD_Connection *c, unsigned status, const char *failed)
{
	struct buf b;

	buf_init(&b, PAGE_MAX);
	(void)web_pages_login(&b, failed);
	return answer(c, status, &b, NULL, NULL);
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
login_ok(struct web_server *w, const struct request *rq, const char *addr,
	 const char *account)
{
	struct userfile *u;
	char *err = NULL, *who;
	unsigned failures;
	int ok;

	u = userfile_load(w->set.users, &err);
	if (u == NULL) {
		log_warnx("web: users file: %s", err);
		free(err);
		return false;
	}
	ok = userfile_name_ok(rq->user) &&
	     userfile_verify(u, rq->user, rq->password);
	userfile_free(u);
	if (ok) {
		/* only the account's count: a good login must not wipe
		   the failures of others behind the same address */
		web_limit_clear(&w->accounts, account);
		log_info("web: %s logged in from %s", rq->user, addr);
		return true;
	}
	(void)web_limit_fail(&w->limit, addr, util_clock());
	failures = web_limit_fail(&w->accounts, account, util_clock());
	who = escape_str(rq->user, ESCAPE_LINE);
	log_warnx("web: failed login as '%s' from %s (%u for the name in %d "
		  "min)",
		  who, addr, failures, WEB_LIMIT_WINDOW / 60);
	free(who);
	return false;
}

static enum MHD_Result
post_login(struct web_server *w, struct MHD_Connection *c,
	   const struct request *rq)
{
	char addr[WEB_LIMIT_ADDR_MAX], account[WEB_LIMIT_KEY_MAX], *who;
	char cookie[128];
	struct web_session *s;
	bool addr_ok, account_ok;

	/* behind a reverse proxy every client is the proxy's address
	   (X-Forwarded-For is not trusted): hence the per-address limit
	   is higher than the per-account one */
	client_addr(c, addr, sizeof(addr));
	account_key(rq->user, account, sizeof(account));
	addr_ok = web_limit_allowed(&w->limit, addr, util_clock());
	account_ok = web_limit_allowed(&w->accounts, account, util_clock());
	if (!addr_ok || !account_ok) {
		who = escape_str(rq->user, ESCAPE_LINE);
		log_warnx("web: login as '%s' from %s refused: too many "
			  "failures of the %s",
			  who, addr, addr_ok ? "name" : "address");
		free(who);
		return login_page(c, MHD_HTTP_TOO_MANY_REQUESTS,
				  "Te veel mislukte pogingen. Probeert u het "
				  "over een kwartier opnieuw.");
	}
	if (!login_ok(w, rq, addr, account))
		return login_page(c, MHD_HTTP_UNAUTHORIZED,
				  "Gebruikersnaam of wachtwoord onjuist.");
	s = web_session_new(&w->sessions, rq->user, util_clock());
	if (s == NULL) {
		log_warn("web: no random bytes for a session");
		return answer_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
				    "Storing", "Inloggen lukt nu niet.");
	}
	return answer(c, MHD_HTTP_SEE_OTHER, NULL, "/",
		      web_session_set_cookie(s, cookie, sizeof(cookie)));
}

static enum MHD_Result
post_logout(struct MHD_Connection *c, struct web_session *s,
	    const struct request *rq)
{
	if (s == NULL || !web_session_csrf_ok(s, rq->csrf))
		return answer_error(c, MHD_HTTP_FORBIDDEN, "Geweigerd",
				    "Dit verzoek is niet toegestaan. Laadt u "
				    "de pagina opnieuw.");
	log_info("web: %s logged out", s->user);
	web_session_end(s);
	return answer(c, MHD_HTTP_SEE_OTHER, NULL, "/login",
		      web_session_set_cookie(NULL, NULL, 0));
}

/* The whole request is in: answer it. */
static enum MHD_Result
route(struct web_server *w, struct MHD_Connection *c, const char *url,
      bool post, const struct request *rq)
{
	struct web_session *s;
	const char *cookie;

	if (strcmp(url, "/login") != 0 && strcmp(url, "/") != 0 &&
	    strcmp(url, "/logout") != 0)
		return answer_error(c, MHD_HTTP_NOT_FOUND, "Niet gevonden",
				    "Deze pagina bestaat niet.");
	if (rq->too_large)
		return answer_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "Te groot",
				    "Het formulier is te groot.");
	cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					     MHD_HTTP_HEADER_COOKIE);
	s = web_session_find(&w->sessions, cookie, util_clock());
	if (strcmp(url, "/login") == 0)
		return post ? post_login(w, c, rq)
			    : login_page(c, MHD_HTTP_OK, NULL);
	if (strcmp(url, "/logout") == 0)
		return post ? post_logout(c, s, rq)
			    : answer_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
					   "Niet toegestaan",
					   "Uitloggen gaat met de knop op "
					   "het overzicht.");
	if (post)
		return answer_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				    "Niet toegestaan",
				    "Deze pagina kan alleen worden bekeken.");
	if (s == NULL)
		return answer(c, MHD_HTTP_SEE_OTHER, NULL, "/login", NULL);
	return get_overview(w, c, s);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
	   const char *method, const char *version, const char *upload_data,
	   size_t *upload_data_size, void **con_cls)
{
	struct web_server *w = cls;
	struct request *rq = *con_cls;
	bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;

	if (rq == NULL) {
		if (!post && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return answer_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
					    "Niet toegestaan",
					    "Deze methode wordt niet "
					    "ondersteund.");
		rq = xcalloc(1, sizeof(*rq));
		*con_cls = rq;
		if (post)
			rq->pp = MHD_create_post_processor(c, 1024, on_field,
							   rq);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		rq->body += *upload_data_size;
		if (rq->body > WEB_SERVER_BODY_MAX)
			rq->too_large = true;
		if (!rq->too_large && rq->pp != NULL)
			(void)MHD_post_process(rq->pp, upload_data,
					       *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (post && rq->pp == NULL)
		return answer_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
				    "Niet ondersteund",
				    "Het formulier kon niet worden gelezen.");
	return route(w, c, url, post, rq);
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	if (rq == NULL)
		return;
	if (rq->pp != NULL)
		(void)MHD_destroy_post_processor(rq->pp);
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

struct web_server *
web_server_start(const struct web_server_settings *set, char **error_r)
{
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
	w = xcalloc(1, sizeof(*w));
	w->set = *set;
	web_session_init(&w->sessions, set->idle);
	web_limit_init(&w->limit, WEB_LIMIT_ADDR_FAILURES);
	web_limit_init(&w->accounts, WEB_LIMIT_ACCOUNT_FAILURES);
	w->mhd = MHD_start_daemon(flags, set->port, NULL, NULL, on_request, w,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_NOTIFY_COMPLETED, on_done, w,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				  (unsigned)16, MHD_OPTION_END);
	if (w->mhd == NULL) {
		*error_r = xasprintf("cannot listen on %s port %u", set->listen,
				     (unsigned)set->port);
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
	explicit_bzero(&(*w)->sessions, sizeof((*w)->sessions));
	free(*w);
	*w = NULL;
}
