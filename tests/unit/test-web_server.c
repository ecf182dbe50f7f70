/*
 * aanmeld-web's server at the level of requests: it listens on
 * 127.0.0.1 on a free port against a real database file with hostile
 * names on the waiting list, and libcurl is the browser.  A wrong
 * password, a login, the overview, a logout without and with its
 * token, a users file others can read, and the limit on failures.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "fixture.h"
#include "programme.h"
#include "remind.h"
#include "rules.h"
#include "store.h"
#include "testdir.h"
#include "userfile.h"
#include "util.h"
#include "webclient.h"
#include "web_limit.h"
#include "web_server.h"
#include "web_tls.h"

#define PASSWORD "geheim-wachtwoord"

struct ctx {
	struct fixture_db *f;
	struct store *ro; /* the server's own read-only connection */
	char *users;
	struct web_server *w;
	/* for the next start() */
	const char *trusted_proxy;
	struct web_tls tls; /* empty: plain HTTP */
	/* for each request() */
	struct curl_slist *headers; /* more request headers */
	const char *from;	    /* the client's address; NULL: any */
	const char *ca;		    /* HTTPS, trusting this CA */
	struct rules *r;
	struct config *cfg;
};

/* A request to path on the test's server; body NULL makes it a GET.
   libcurl's answer; r is filled (and to be freed) either way. */
static CURLcode
perform(struct ctx *c, const char *path, const char *body, const char *cookie,
	struct client_reply *r)
{
	struct client_call call = {.port = web_server_port(c->w),
				   .cookie = cookie,
				   .headers = c->headers,
				   .from = c->from,
				   .ca = c->ca};

	return client_perform(&call, path, body, r);
}

static void
request(struct ctx *c, const char *path, const char *body, const char *cookie,
	struct client_reply *r)
{
	assert_int_equal(perform(c, path, body, cookie, r), CURLE_OK);
}

static void
assert_safe_headers(struct client_reply *r)
{
	static const char *const want[][2] = {
		{"Content-Security-Policy", "default-src 'self'; form-action "
					    "'self'; frame-ancestors 'none'; "
					    "base-uri 'none'"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "no-referrer"},
	};
	size_t i;
	char *v;

	for (i = 0; i < nitems(want); i++) {
		v = client_header(r, want[i][0]);
		assert_non_null(v);
		assert_string_equal(v, want[i][1]);
		free(v);
	}
}

/* Logs in as user with password: the session cookie ("name=value"),
   or NULL when refused. */
static char *
login_as(struct ctx *c, const char *user, const char *password, long *status_r)
{
	struct client_reply r;
	char *body = xasprintf("user=%s&password=%s", user, password);
	char *set, *cookie = NULL;

	request(c, "/login", body, NULL, &r);
	free(body);
	*status_r = r.status;
	assert_safe_headers(&r);
	set = client_header(&r, "Set-Cookie");
	if (set != NULL) {
		assert_non_null(strstr(set, "; HttpOnly"));
		assert_non_null(strstr(set, "; Secure"));
		assert_non_null(strstr(set, "; SameSite=Strict"));
		cookie = xstrndup(set, strcspn(set, ";"));
		free(set);
	}
	client_reply_free(&r);
	return cookie;
}

static char *
login(struct ctx *c, const char *password, long *status_r)
{
	return login_as(c, "anna", password, status_r);
}

/* (Re)starts the server on any free port: with fresh login limits. */
static int
start(struct ctx *c)
{
	struct web_server_settings set;
	char *err = NULL;

	web_server_stop(&c->w);
	memset(&set, 0, sizeof(set));
	set.listen = "127.0.0.1";
	set.port = 0;
	set.users = c->users;
	set.idle = 30 * 60;
	set.capacity = 5;
	set.store = c->ro;
	set.trusted_proxy = c->trusted_proxy;
	set.tls_cert = c->tls.cert;
	set.tls_key = c->tls.key;
	set.config = c->cfg;
	set.rules = c->r;
	c->w = web_server_start(&set, &err);
	if (c->w == NULL) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	return 0;
}

/* The roster every test starts from: two taken, two waiting, hostile
   names as mail and staff bring them, the later arrival second. */
static void
seed(struct ctx *c)
{
	char *sql = xasprintf(
		"DELETE FROM audit; DELETE FROM outbox; DELETE FROM contacts;"
		" DELETE FROM enrolments; DELETE FROM deliveries;"
		"INSERT INTO enrolments (code, name, status, enrolled_at,"
		" arrival) VALUES"
		" ('GM0344', 'Utrecht', 'confirmed', %lld, 1),"
		" ('GM0193', 'Zwolle', 'confirmed', %lld, 2),"
		" ('GM0228', '<script>alert(1)</script>', 'waitlist', %lld,"
		" 4),"
		" ('GM0307', 'Amersfoort\"><img src=x onerror=alert(2)>',"
		" 'waitlist', %lld, 3);"
		"INSERT INTO contacts (code, address, name, added_at) VALUES"
		" ('GM0228', 'p@ede.nl', '</td><b>Vries, Jeroen & co</b>',"
		" %lld);",
		(long long)fixture_at("2021-04-01 10:00"),
		(long long)fixture_at("2021-04-01 10:01"),
		(long long)fixture_at("2021-04-01 10:03"),
		(long long)fixture_at("2021-04-01 10:02"),
		(long long)fixture_at("2021-04-01 10:03"));

	fixture_exec(c->f->path, sql);
	free(sql);
}

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));
	struct buf errors;
	char *err = NULL;

	*state = c;
	if (fixture_db_setup((void **)&c->f) != 0)
		return -1;
	c->r = fixture_rules();
	buf_init(&errors, 65536);
	c->cfg = config_load(NULL, &errors);
	buf_deinit(&errors);
	if (c->r == NULL || c->cfg == NULL)
		return -1;
	config_derive(c->cfg, c->r->programme->address);
	free(c->cfg->database);
	c->cfg->database = xstrdup(c->f->path);
	seed(c);
	if (store_open(c->f->path, true, &c->ro, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	c->users = xasprintf("%s/web-users", c->f->dir);
	if (userfile_set(c->users, "anna", PASSWORD, &err) == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	return start(c);
}

static int
teardown(void **state)
{
	struct ctx *c = *state;

	web_server_stop(&c->w);
	web_tls_deinit(&c->tls);
	curl_slist_free_all(c->headers);
	store_close(&c->ro);
	free(c->users);
	config_free(c->cfg);
	rules_free(c->r);
	fixture_db_teardown((void **)&c->f);
	free(c);
	return 0;
}

static void
test_login_page(void **state)
{
	struct ctx *c = *state;
	struct client_reply r;
	const char *b;

	request(c, "/login", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_safe_headers(&r);
	b = buf_str(&r.body);
	assert_non_null(strstr(b, "<html lang=\"nl\">"));
	/* the programme's name from rules/programme.conf, escaped */
	assert_non_null(strstr(b, "<p class=\"naam\">Aanmeldingen "
				  "praktijkproef Global Goals &amp; lokale "
				  "inclusie</p>"));
	assert_non_null(strstr(b, "<label for=\"user\">"));
	assert_non_null(strstr(b, "<label for=\"password\">"));
	assert_non_null(strstr(b, "method=\"post\""));
	client_reply_free(&r);
	/* the overview without a session sends to the login */
	request(c, "/", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	assert_safe_headers(&r);
	client_reply_free(&r);
	request(c, "/nergens", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_safe_headers(&r);
	client_reply_free(&r);
}

static void
test_wrong_password(void **state)
{
	struct ctx *c = *state;
	long status;
	char *cookie;

	cookie = login(c, "fout-wachtwoord", &status);
	assert_int_equal(status, 401);
	assert_null(cookie);
}

/* The token of the logout form in an overview page, heap. */
static char *
csrf_of(const char *page)
{
	const char *p = strstr(page, "name=\"csrf\" value=\"");

	assert_non_null(p);
	p += strlen("name=\"csrf\" value=\"");
	return xstrndup(p, strcspn(p, "\""));
}

static void
test_overview_and_logout(void **state)
{
	struct ctx *c = *state;
	struct client_reply r;
	char *cookie, *token, *body, *loc;
	const char *b, *first, *second;
	long status;

	cookie = login(c, PASSWORD, &status);
	assert_int_equal(status, 303);
	assert_non_null(cookie);
	request(c, "/", NULL, cookie, &r);
	assert_int_equal(r.status, 200);
	assert_safe_headers(&r);
	b = buf_str(&r.body);
	assert_non_null(strstr(b, "2 van de 5 plaatsen bezet."));
	/* the hostile names are text, in the waiting list's order */
	assert_null(strstr(b, "<script"));
	assert_null(strstr(b, "<img"));
	assert_null(strstr(b, "<b>"));
	first = strstr(b, "<tr><td>1</td><td>Amersfoort&quot;&gt;&lt;img "
			  "src=x onerror=alert(2)&gt;</td><td>GM0307</td>");
	second = strstr(b, "<tr><td>2</td><td>&lt;script&gt;alert(1)&lt;/"
			   "script&gt;</td><td>GM0228</td><td>&lt;/td&gt;"
			   "&lt;b&gt;Vries, Jeroen &amp; co&lt;/b&gt; "
			   "&lt;p@ede.nl&gt;</td></tr>");
	assert_non_null(first);
	assert_non_null(second);
	assert_true(first < second);
	token = csrf_of(b);
	client_reply_free(&r);

	/* logout without the token, or with a wrong one: refused, and the
	   session lives on */
	request(c, "/logout", "", cookie, &r);
	assert_int_equal(r.status, 403);
	assert_safe_headers(&r);
	client_reply_free(&r);
	request(c, "/logout",
		"csrf=0000000000000000000000000000000000000000000000000000"
		"000000000000",
		cookie, &r);
	assert_int_equal(r.status, 403);
	client_reply_free(&r);
	/* the right token without the session: refused too */
	body = xasprintf("csrf=%s", token);
	request(c, "/logout", body, NULL, &r);
	assert_int_equal(r.status, 403);
	client_reply_free(&r);
	request(c, "/", NULL, cookie, &r);
	assert_int_equal(r.status, 200);
	client_reply_free(&r);
	/* a GET does not log out */
	request(c, "/logout", NULL, cookie, &r);
	assert_int_equal(r.status, 405);
	client_reply_free(&r);

	request(c, "/logout", body, cookie, &r);
	assert_int_equal(r.status, 303);
	loc = client_header(&r, "Location");
	assert_string_equal(loc, "/login");
	free(loc);
	client_reply_free(&r);
	request(c, "/", NULL, cookie, &r);
	assert_int_equal(r.status, 303);
	client_reply_free(&r);
	free(body);
	free(token);
	free(cookie);
}

static void
test_users_file_readable(void **state)
{
	struct ctx *c = *state;
	long status;
	char *cookie;

	assert_int_equal(chmod(c->users, 0640), 0);
	cookie = login(c, PASSWORD, &status);
	assert_int_equal(status, 401);
	assert_null(cookie);
	assert_int_equal(chmod(c->users, 0600), 0);
	cookie = login(c, PASSWORD, &status);
	assert_int_equal(status, 303);
	assert_non_null(cookie);
	free(cookie);
}

/* One login expecting status (and a cookie exactly with 303). */
static void
expect_login(struct ctx *c, const char *user, const char *password, long want)
{
	long status;
	char *cookie = login_as(c, user, password, &status);

	assert_int_equal(status, want);
	if (want == 303)
		assert_non_null(cookie);
	else
		assert_null(cookie);
	free(cookie);
}

/* An account is locked after its own failures, whatever case the name
   is typed in; another account behind the same address is not. */
static void
test_rate_limit_account(void **state)
{
	struct ctx *c = *state;
	int i;

	assert_int_equal(start(c), 0);
	for (i = 0; i < WEB_LIMIT_ACCOUNT_FAILURES; i++)
		expect_login(c, i % 2 ? "ANNA" : "anna", "fout-wachtwoord",
			     401);
	expect_login(c, "anna", PASSWORD, 429);
	/* a colleague (here an unknown name) behind the same proxy */
	expect_login(c, "bert", "fout-wachtwoord", 401);
}

/* A good login clears only its account's count: failures between good
   logins still add up for the address, which is locked at its own,
   higher limit. */
static void
test_rate_limit_address(void **state)
{
	struct ctx *c = *state;
	const int per = WEB_LIMIT_ACCOUNT_FAILURES - 1;
	const int rounds = WEB_LIMIT_ADDR_FAILURES / per;
	int i, round;

	assert_int_equal(WEB_LIMIT_ADDR_FAILURES % per, 0);
	assert_int_equal(start(c), 0);
	for (round = 0; round < rounds; round++) {
		for (i = 0; i < per; i++)
			expect_login(c, "anna", "fout-wachtwoord", 401);
		if (round < rounds - 1)
			expect_login(c, "anna", PASSWORD, 303);
	}
	expect_login(c, "anna", PASSWORD, 429);
	expect_login(c, "bert", "fout-wachtwoord", 429);
}

/* The request headers for the next requests (NULL: none more). */
static void
set_headers(struct ctx *c, const char *a, const char *b)
{
	curl_slist_free_all(c->headers);
	c->headers = NULL;
	if (a != NULL)
		c->headers = curl_slist_append(c->headers, a);
	if (b != NULL)
		c->headers = curl_slist_append(c->headers, b);
}

/* A logout POST with its token and the headers a and b: the status. */
static long
logout_with(struct ctx *c, const char *cookie, const char *token, const char *a,
	    const char *b)
{
	struct client_reply r;
	char *body = xasprintf("csrf=%s", token);
	long status;

	set_headers(c, a, b);
	request(c, "/logout", body, cookie, &r);
	set_headers(c, NULL, NULL);
	status = r.status;
	client_reply_free(&r);
	free(body);
	return status;
}

/* A form from another site is refused, token or not: the browser says
   where it comes from in Origin and Sec-Fetch-Site.  Our own origin
   (or "null" with Sec-Fetch-Site: same-origin, as Chromium sends it
   under our Referrer-Policy), and a client that says neither, pass. */
static void
test_cross_site_post(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *own, *own_http;
	struct client_reply r;
	long status;

	assert_int_equal(start(c), 0);
	own = xasprintf("Origin: https://127.0.0.1:%u",
			(unsigned)web_server_port(c->w));
	own_http = xasprintf("Origin: http://127.0.0.1:%u",
			     (unsigned)web_server_port(c->w));
	cookie = login(c, PASSWORD, &status);
	assert_non_null(cookie);
	request(c, "/", NULL, cookie, &r);
	token = csrf_of(buf_str(&r.body));
	client_reply_free(&r);
	assert_int_equal(logout_with(c, cookie, token,
				     "Origin: https://evil.example", NULL),
			 403);
	assert_int_equal(logout_with(c, cookie, token, "Origin: null", NULL),
			 403);
	assert_int_equal(logout_with(c, cookie, token,
				     "Sec-Fetch-Site: cross-site", NULL),
			 403);
	assert_int_equal(logout_with(c, cookie, token,
				     "Sec-Fetch-Site: same-site", NULL),
			 403);
	/* another port of the same host is another origin */
	assert_int_equal(logout_with(c, cookie, token,
				     "Origin: http://127.0.0.1:1", NULL),
			 403);
	/* the login form too */
	set_headers(c, "Origin: https://evil.example", NULL);
	assert_null(login(c, PASSWORD, &status));
	assert_int_equal(status, 403);
	set_headers(c, "Sec-Fetch-Site: cross-site", NULL);
	assert_null(login(c, PASSWORD, &status));
	assert_int_equal(status, 403);
	set_headers(c, NULL, NULL);
	/* the session survived all that; our own page may log out */
	assert_int_equal(logout_with(c, cookie, token, own_http,
				     "Sec-Fetch-Site: same-origin"),
			 303);
	free(cookie);
	free(token);
	/* https:// is the origin behind a TLS proxy */
	cookie = login(c, PASSWORD, &status);
	request(c, "/", NULL, cookie, &r);
	token = csrf_of(buf_str(&r.body));
	client_reply_free(&r);
	assert_int_equal(logout_with(c, cookie, token, own, NULL), 303);
	free(cookie);
	free(token);
	/* Chromium's own form under Referrer-Policy: no-referrer: Origin
	   null, and Fetch Metadata saying same-origin (only that) */
	cookie = login(c, PASSWORD, &status);
	request(c, "/", NULL, cookie, &r);
	token = csrf_of(buf_str(&r.body));
	client_reply_free(&r);
	assert_int_equal(logout_with(c, cookie, token, "Origin: null",
				     "Sec-Fetch-Site: same-site"),
			 403);
	assert_int_equal(logout_with(c, cookie, token, "Origin: null",
				     "Sec-Fetch-Site: none"),
			 403);
	assert_int_equal(logout_with(c, cookie, token, "Origin: null",
				     "Sec-Fetch-Site: same-origin"),
			 303);
	free(cookie);
	free(token);
	free(own);
	free(own_http);
}

/* The status of the answer to raw bytes sent on a connection of its
   own; 0 when there is none. */
static long
raw_request(struct ctx *c, const char *text)
{
	struct sockaddr_in sin;
	struct timeval tv = {30, 0};
	char answer[256];
	size_t got = 0;
	ssize_t n;
	long status = 0;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(web_server_port(c->w));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	while (got < 12) {
		n = read(fd, answer + got, sizeof(answer) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	answer[got] = '\0';
	close(fd);
	if (got >= 12 && strncmp(answer, "HTTP/1.", 7) == 0)
		status = strtol(answer + 9, NULL, 10);
	return status;
}

/* What RFC 9112 requires and a lenient parser lets by: Host in
   HTTP/1.1, once; a body's length given once. */
static void
test_strict_http(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(start(c), 0);
	assert_int_equal(raw_request(c, "GET /login HTTP/1.1\r\n"
					"Connection: close\r\n\r\n"),
			 400);
	assert_int_equal(raw_request(c, "GET /login HTTP/1.1\r\nHost: a\r\n"
					"Host: b\r\nConnection: close\r\n\r\n"),
			 400);
	assert_int_equal(
		raw_request(c, "POST /login HTTP/1.1\r\nHost: a\r\n"
			       "Content-Type: "
			       "application/x-www-form-urlencoded\r\n"
			       "Content-Length: 6\r\nContent-Length: 6\r\n"
			       "Connection: close\r\n\r\nuser=a"),
		400);
	assert_int_equal(
		raw_request(c, "POST /login HTTP/1.1\r\nHost: a\r\n"
			       "Content-Type: "
			       "application/x-www-form-urlencoded\r\n"
			       "Content-Length: 6\r\n"
			       "Transfer-Encoding: chunked\r\n"
			       "Connection: close\r\n\r\n6\r\nuser=a\r\n0\r\n"
			       "\r\n"),
		400);
	/* white space before a field's colon: a proxy in front may take
	   it for the body's length, we did not */
	assert_int_equal(
		raw_request(c, "POST /login HTTP/1.1\r\nHost: a\r\n"
			       "Content-Type: "
			       "application/x-www-form-urlencoded\r\n"
			       "Transfer-Encoding : chunked\r\n"
			       "Connection: close\r\n\r\n6\r\nuser=a\r\n0\r\n"
			       "\r\n"),
		400);
	assert_int_equal(raw_request(c, "GET /login HTTP/1.1\r\nHost: a\r\n"
					"Content-Length\t: 0\r\n"
					"Connection: close\r\n\r\n"),
			 400);
	/* the same folded over two lines (obs-fold) */
	assert_int_equal(raw_request(c, "POST /login HTTP/1.1\r\nHost: a\r\n"
					"Content-Type: "
					"application/x-www-form-urlencoded\r\n"
					"Content-Length: 5\r\n"
					"Transfer-Encoding:\r\n chunked\r\n"
					"Connection: close\r\n\r\n0\r\n\r\n"),
			 400);
	/* a body larger than a form is refused before it is sent: no
	   100 Continue, no waiting for it */
	assert_int_equal(raw_request(c, "POST /login HTTP/1.1\r\nHost: a\r\n"
					"Content-Type: "
					"application/x-www-form-urlencoded\r\n"
					"Expect: 100-continue\r\n"
					"Content-Length: 100000000\r\n\r\n"),
			 413);
	assert_int_equal(raw_request(c, "POST /login HTTP/1.1\r\nHost: a\r\n"
					"Content-Type: "
					"application/x-www-form-urlencoded\r\n"
					"Content-Length: 5000\r\n\r\nuser="),
			 413);
	/* the same, well formed */
	assert_int_equal(raw_request(c, "GET /login HTTP/1.1\r\nHost: a\r\n"
					"Connection: close\r\n\r\n"),
			 200);
	assert_int_equal(raw_request(c, "GET /login HTTP/1.0\r\n\r\n"), 200);
}

/* Rewrites the users file without name's line. */
static void
remove_account(struct ctx *c, const char *name)
{
	char *tmp = xasprintf("%s.new", c->users), line[600];
	FILE *in = fopen(c->users, "r"), *out;
	size_t len = strlen(name);

	assert_non_null(in);
	out = fopen(tmp, "w");
	assert_non_null(out);
	assert_int_equal(fchmod(fileno(out), 0600), 0);
	while (fgets(line, sizeof(line), in) != NULL) {
		if (!(strncmp(line, name, len) == 0 && line[len] == ':'))
			fputs(line, out);
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(rename(tmp, c->users), 0);
	free(tmp);
}

/* An account taken out of the users file takes its sessions along, at
   their next request; another's session goes on. */
static void
test_removed_account(void **state)
{
	struct ctx *c = *state;
	char *anna, *bert, *err = NULL, *loc;
	struct client_reply r;
	long status;

	assert_int_equal(start(c), 0);
	assert_int_equal(userfile_set(c->users, "bert", PASSWORD, &err), 0);
	anna = login(c, PASSWORD, &status);
	bert = login_as(c, "bert", PASSWORD, &status);
	assert_non_null(anna);
	assert_non_null(bert);
	request(c, "/", NULL, anna, &r);
	assert_int_equal(r.status, 200);
	client_reply_free(&r);
	remove_account(c, "anna");
	request(c, "/", NULL, anna, &r);
	assert_int_equal(r.status, 303);
	loc = client_header(&r, "Location");
	assert_string_equal(loc, "/login");
	free(loc);
	client_reply_free(&r);
	request(c, "/", NULL, bert, &r);
	assert_int_equal(r.status, 200);
	client_reply_free(&r);
	/* back in the file, anna needs a new login: that session ended */
	assert_int_equal(userfile_set(c->users, "anna", PASSWORD, &err), 0);
	request(c, "/", NULL, anna, &r);
	assert_int_equal(r.status, 303);
	client_reply_free(&r);
	free(anna);
	free(bert);
}

/* Failed logins from client until the address limit; "X-Forwarded-For:
   ..." as the proxy would send it. */
static void
fail_from(struct ctx *c, const char *xff)
{
	char name[32];
	int i;

	set_headers(c, xff, NULL);
	for (i = 0; i < WEB_LIMIT_ADDR_FAILURES; i++) {
		/* other names each time: only the address adds up */
		(void)snprintf(name, sizeof(name), "iemand%d", i);
		expect_login(c, name, "fout-wachtwoord", 401);
	}
	expect_login(c, "anna", PASSWORD, 429);
}

/* X-Forwarded-For counts only from the trusted proxy, and only its last
   address (the one the proxy saw); an IPv6 client counts as its /64. */
static void
test_trusted_proxy(void **state)
{
	struct ctx *c = *state;
	char xff[64], name[32];
	int i;

	c->trusted_proxy = "127.0.0.1";
	assert_int_equal(start(c), 0);
	fail_from(c, "X-Forwarded-For: 192.0.2.1");
	/* another client behind the proxy is not held back; a made-up
	   first address does not help the first one */
	set_headers(c, "X-Forwarded-For: 192.0.2.2", NULL);
	expect_login(c, "anna", PASSWORD, 303);
	set_headers(c, "X-Forwarded-For: 192.0.2.2, 192.0.2.1", NULL);
	expect_login(c, "anna", PASSWORD, 429);
	set_headers(c, "X-Forwarded-For: 192.0.2.1, 192.0.2.2", NULL);
	expect_login(c, "anna", PASSWORD, 303);
	/* a proxy that adds a line of its own after the client's: the
	   last line is the proxy's */
	set_headers(c, "X-Forwarded-For: 192.0.2.2",
		    "X-Forwarded-For: 192.0.2.1");
	expect_login(c, "anna", PASSWORD, 429);
	/* the same address written as IPv6 is the same client */
	set_headers(c, "X-Forwarded-For: ::ffff:192.0.2.1", NULL);
	expect_login(c, "anna", PASSWORD, 429);
	/* an IPv6 client is its /64: its other addresses are held back
	   too, a neighbouring /64 is not */
	assert_int_equal(start(c), 0);
	for (i = 0; i < WEB_LIMIT_ADDR_FAILURES; i++) {
		(void)snprintf(xff, sizeof(xff),
			       "X-Forwarded-For: 2001:db8:1:2::%x", i + 1);
		(void)snprintf(name, sizeof(name), "iemand%d", i);
		set_headers(c, xff, NULL);
		expect_login(c, name, "fout-wachtwoord", 401);
	}
	set_headers(c, "X-Forwarded-For: 2001:db8:1:2:aaaa:bbbb:cccc:dddd",
		    NULL);
	expect_login(c, "anna", PASSWORD, 429);
	set_headers(c, "X-Forwarded-For: 2001:db8:1:3::1", NULL);
	expect_login(c, "anna", PASSWORD, 303);

	/* without trusted_proxy the header is anyone's word: the peer is
	   the client, and it is held back whatever the header says */
	c->trusted_proxy = NULL;
	assert_int_equal(start(c), 0);
	fail_from(c, "X-Forwarded-For: 192.0.2.1");
	set_headers(c, "X-Forwarded-For: 192.0.2.2", NULL);
	expect_login(c, "anna", PASSWORD, 429);
	/* nor from a peer that is not the proxy */
	c->trusted_proxy = "127.0.0.2";
	assert_int_equal(start(c), 0);
	fail_from(c, "X-Forwarded-For: 192.0.2.1");
	set_headers(c, "X-Forwarded-For: 192.0.2.2", NULL);
	expect_login(c, "anna", PASSWORD, 429);
	set_headers(c, NULL, NULL);
	c->trusted_proxy = NULL;
	assert_int_equal(start(c), 0);
}

/* Slow clients that never finish their request hold at most
   WEB_SERVER_PER_ADDRESS connections of one address: the next from
   there is turned away, and a client elsewhere gets its page. */
static void
test_slow_clients(void **state)
{
	struct ctx *c = *state;
	int fds[WEB_SERVER_PER_ADDRESS];
	struct sockaddr_in sin;
	struct client_reply r;
	size_t i;

	assert_int_equal(start(c), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(web_server_port(c->w));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < nitems(fds); i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_true(fds[i] >= 0);
		assert_int_equal(
			connect(fds[i], (struct sockaddr *)&sin, sizeof(sin)),
			0);
		/* a request's start, never its end */
		assert_int_equal(
			write(fds[i], "GET / HTTP/1.1\r\nHost: a\r\n", 25), 25);
	}
	assert_int_not_equal(perform(c, "/login", NULL, NULL, &r), CURLE_OK);
	client_reply_free(&r);
	c->from = "127.0.0.2";
	request(c, "/login", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	client_reply_free(&r);
	c->from = NULL;
	for (i = 0; i < nitems(fds); i++)
		close(fds[i]);
}

/* HTTPS with a certificate from a test CA, as configured with [web]
   tls_cert and tls_key: a client that trusts the CA logs in; one that
   does not, or speaks plain HTTP, gets nothing. */
static void
test_tls(void **state)
{
	struct ctx *c = *state;
	char dir[64], *cert, *key, *ca, *other, *err = NULL, *cookie, *hsts;
	struct client_reply r;
	bool pki = false;
	long status;

	assert_int_equal(
		testdir_make(dir, sizeof(dir), "test-web-tls", true, &pki), 0);
	assert_true(pki);
	cert = xasprintf("%s/pki/server.pem", dir);
	key = xasprintf("%s/pki/server.key", dir);
	ca = xasprintf("%s/pki/ca.pem", dir);
	other = xasprintf("%s/pki/other-ca.pem", dir);
	assert_int_equal(web_tls_load(&c->tls, cert, key, &err), 0);
	assert_int_equal(start(c), 0);
	c->ca = ca;
	request(c, "/login", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_safe_headers(&r);
	hsts = client_header(&r, "Strict-Transport-Security");
	assert_non_null(hsts);
	assert_string_equal(hsts, "max-age=31536000");
	free(hsts);
	client_reply_free(&r);
	/* on every answer, an error's too */
	request(c, "/bestaat-niet", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_safe_headers(&r);
	hsts = client_header(&r, "Strict-Transport-Security");
	assert_non_null(hsts);
	free(hsts);
	client_reply_free(&r);
	cookie = login(c, PASSWORD, &status);
	assert_int_equal(status, 303);
	assert_non_null(cookie);
	request(c, "/", NULL, cookie, &r);
	assert_int_equal(r.status, 200);
	client_reply_free(&r);
	free(cookie);
	c->ca = other;
	assert_int_equal(perform(c, "/login", NULL, NULL, &r),
			 CURLE_PEER_FAILED_VERIFICATION);
	client_reply_free(&r);
	c->ca = NULL;
	assert_int_not_equal(perform(c, "/login", NULL, NULL, &r), CURLE_OK);
	client_reply_free(&r);
	web_tls_deinit(&c->tls);
	assert_int_equal(start(c), 0);
	/* plain HTTP (to the proxy, or on the machine) says nothing of it */
	request(c, "/login", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_null(client_header(&r, "Strict-Transport-Security"));
	client_reply_free(&r);
	free(cert);
	free(key);
	free(ca);
	free(other);
	assert_int_equal(testdir_remove(dir), 0);
}

static void
test_loopback(void **state)
{
	(void)state;
	assert_true(web_server_loopback("127.0.0.1"));
	assert_true(web_server_loopback("127.1.2.3"));
	assert_true(web_server_loopback("::1"));
	assert_true(web_server_loopback("::ffff:127.0.0.1"));
	assert_false(web_server_loopback("0.0.0.0"));
	assert_false(web_server_loopback("192.0.2.1"));
	assert_false(web_server_loopback("::"));
	assert_false(web_server_loopback("2001:db8::1"));
	assert_false(web_server_loopback("::ffff:192.0.2.1"));
	assert_false(web_server_loopback("localhost"));
}

/* --- the pages and decisions of the programme and the outbox */

/* A fresh server and a session: its cookie and token (heap). */
static void
session(struct ctx *c, char **cookie_r, char **token_r)
{
	struct client_reply r;
	long status;

	assert_int_equal(start(c), 0);
	*cookie_r = login(c, PASSWORD, &status);
	assert_int_equal(status, 303);
	request(c, "/", NULL, *cookie_r, &r);
	assert_int_equal(r.status, 200);
	*token_r = csrf_of(buf_str(&r.body));
	client_reply_free(&r);
}

/* A POST of form (token first when not NULL) answered with 303 to
   want; 403 when want is NULL. */
static void
post_expect(struct ctx *c, const char *path, const char *token,
	    const char *form, const char *cookie, const char *want)
{
	char *body =
		xasprintf("%s%s%s%s", token != NULL ? "csrf=" : "",
			  token != NULL ? token : "",
			  token != NULL && form[0] != '\0' ? "&" : "", form);
	struct client_reply r;
	char *loc;

	request(c, path, body, cookie, &r);
	free(body);
	assert_safe_headers(&r);
	if (want == NULL) {
		assert_int_equal(r.status, 403);
	} else {
		assert_int_equal(r.status, 303);
		loc = client_header(&r, "Location");
		assert_non_null(loc);
		assert_string_equal(loc, want);
		free(loc);
	}
	client_reply_free(&r);
}

/* The page at path (200), heap. */
static char *
page(struct ctx *c, const char *path, const char *cookie)
{
	struct client_reply r;
	char *b;

	request(c, path, NULL, cookie, &r);
	assert_int_equal(r.status, 200);
	assert_safe_headers(&r);
	b = xstrdup(buf_str(&r.body));
	client_reply_free(&r);
	return b;
}

static long long
q(struct ctx *c, const char *sql)
{
	return fixture_query(c->f->path, sql);
}

static void
assert_no_markup(const char *b)
{
	assert_null(strstr(b, "<script"));
	assert_null(strstr(b, "<img"));
	assert_null(strstr(b, "<b>"));
}

static const char *const amersfoort =
	"Amersfoort&quot;&gt;&lt;img src=x onerror=alert(2)&gt; (GM0307)";

static void
test_municipalities_page(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b;

	seed(c);
	fixture_exec(c->f->path,
		     "INSERT INTO contacts (code, address, name, added_at,"
		     " undeliverable_at, undeliverable) VALUES ('GM0344',"
		     " 'a@utrecht.nl', 'An de Vries', 1, 1617271200,"
		     " '550 no such user')");
	session(c, &cookie, &token);
	b = page(c, "/gemeenten", cookie);
	assert_no_markup(b);
	assert_non_null(strstr(b, "<h3>Utrecht (GM0344)</h3>"));
	assert_non_null(strstr(b, amersfoort));
	assert_non_null(strstr(b, "&lt;/td&gt;&lt;b&gt;Vries, Jeroen &amp; "
				  "co&lt;/b&gt;"));
	/* a bounced contact in words, the answers per session */
	assert_non_null(strstr(b, "a@utrecht.nl <strong>(e-mail kwam terug "
				  "op "));
	assert_non_null(strstr(b, "<td>geen antwoord</td>"));
	assert_non_null(strstr(b, "<caption>Contactpersonen van Utrecht"));
	assert_non_null(strstr(b, "action=\"/gemeenten/GM0307/plaats-geven\""));
	assert_non_null(strstr(b, "action=\"/gemeenten/GM0344/terugtrekken\""));
	assert_non_null(strstr(b, "class=\"gevaar\">Terugtrekken</button>"));
	assert_non_null(strstr(b, ">Plaats geven</button>"));
	/* places free: no checkbox to force */
	assert_null(strstr(b, "Ook als alle plaatsen bezet zijn"));
	free(b);
	/* a link cannot say what did not happen: Utrecht takes part, and
	   Amersfoort waits */
	b = page(c, "/gemeenten?gedaan=terugtrekken&gemeente=GM0344", cookie);
	assert_null(strstr(b, "is teruggetrokken"));
	free(b);
	b = page(c,
		 "/gemeenten?gedaan=terugtrekken&gemeente=GM0228"
		 "&plaats=GM0307",
		 cookie);
	assert_null(strstr(b, "is teruggetrokken"));
	assert_null(strstr(b, "vrijgekomen plaats"));
	free(b);
	b = page(c, "/gemeenten?gedaan=plaats-geven&gemeente=GM0307", cookie);
	assert_null(strstr(b, "heeft een plaats gekregen"));
	free(b);
	free(cookie);
	free(token);
}

static void
test_withdraw(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b, *p;
	struct client_reply r;

	seed(c);
	fixture_exec(c->f->path,
		     "INSERT INTO contacts (code, address, name, added_at)"
		     " VALUES ('GM0344', 'a@utrecht.nl', 'An', 1),"
		     " ('GM0307', 'b@amersfoort.nl', 'Bea', 1)");
	session(c, &cookie, &token);

	/* the question changes nothing and says who gets the place */
	b = page(c, "/gemeenten/GM0344/terugtrekken", cookie);
	assert_non_null(strstr(b, "<h1>Weet u het zeker?</h1>"));
	p = xasprintf("<strong>%s</strong> krijgt de vrijgekomen plaats",
		      amersfoort);
	assert_non_null(strstr(b, p));
	free(p);
	assert_non_null(strstr(b, "method=\"post\" action=\"/gemeenten/"
				  "GM0344/terugtrekken\""));
	free(b);
	/* without the token: refused */
	post_expect(c, "/gemeenten/GM0344/terugtrekken", NULL, "", cookie,
		    NULL);
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments"
			      " WHERE status = 'confirmed'"),
			 2);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"), 0);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 0);

	post_expect(c, "/gemeenten/GM0344/terugtrekken", token, "", cookie,
		    "/gemeenten?gedaan=terugtrekken&gemeente=GM0344"
		    "&plaats=GM0307");
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments WHERE"
			      " code = 'GM0344' AND status = 'withdrawn'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments WHERE"
			      " code = 'GM0307' AND status = 'confirmed'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor = 'web:anna' AND what = 'withdraw'"
			      " AND gemeente = 'GM0344'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor = 'web:anna' AND what = 'promote'"
			      " AND gemeente = 'GM0307'"),
			 1);
	/* the letters of both, as aanmeld withdraw queues them */
	assert_true(q(c, "SELECT count(*) FROM outbox WHERE"
			 " rcpt = 'a@utrecht.nl'") >= 1);
	assert_true(q(c, "SELECT count(*) FROM outbox WHERE"
			 " rcpt = 'b@amersfoort.nl'") >= 1);
	b = page(c,
		 "/gemeenten?gedaan=terugtrekken&gemeente=GM0344"
		 "&plaats=GM0307",
		 cookie);
	p = xasprintf("Utrecht (GM0344) is teruggetrokken. %s krijgt de "
		      "vrijgekomen plaats.",
		      amersfoort);
	assert_non_null(strstr(b, p));
	free(p);
	free(b);

	/* refusals change nothing and say why */
	post_expect(c, "/gemeenten/GM0344/terugtrekken", token, "", cookie,
		    "/gemeenten?fout=al-teruggetrokken&gemeente=GM0344");
	post_expect(c, "/gemeenten/GM9999/terugtrekken", token, "", cookie,
		    "/gemeenten?fout=onbekend&gemeente=GM9999");
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 2);
	b = page(c, "/gemeenten?fout=al-teruggetrokken&gemeente=GM0344",
		 cookie);
	assert_non_null(strstr(b, "<p role=\"alert\">Utrecht (GM0344) heeft "
				  "zich al teruggetrokken. Er is niets "
				  "veranderd.</p>"));
	free(b);
	/* the question for one withdrawn: back to the page, saying so */
	request(c, "/gemeenten/GM0344/terugtrekken", NULL, cookie, &r);
	assert_int_equal(r.status, 303);
	client_reply_free(&r);
	/* an unknown word or a code with markup shows nothing */
	b = page(c, "/gemeenten?fout=%3Cb%3E&gemeente=GM0344", cookie);
	assert_null(strstr(b, "role=\"alert\""));
	free(b);
	b = page(c, "/gemeenten?fout=onbekend&gemeente=%3Cb%3E", cookie);
	assert_null(strstr(b, "role=\"alert\""));
	free(b);
	free(cookie);
	free(token);
}

static void
test_promote(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b;
	struct client_reply r;

	seed(c);
	/* full: five taken */
	fixture_exec(c->f->path,
		     "INSERT INTO enrolments (code, name, status, enrolled_at,"
		     " arrival) VALUES ('GM0014', 'Groningen', 'confirmed', 1,"
		     " 5), ('GM0080', 'Leeuwarden', 'confirmed', 1, 6),"
		     " ('GM0363', 'Amsterdam', 'confirmed', 1, 7)");
	session(c, &cookie, &token);
	b = page(c, "/gemeenten", cookie);
	assert_non_null(strstr(b, "<input type=\"checkbox\" name=\"force\" "
				  "value=\"1\" id=\"force-GM0228\"> <label "
				  "for=\"force-GM0228\">Ook als alle plaatsen "
				  "bezet zijn</label>"));
	free(b);
	/* a GET gives no place */
	request(c, "/gemeenten/GM0228/plaats-geven", NULL, cookie, &r);
	assert_int_equal(r.status, 405);
	client_reply_free(&r);
	post_expect(c, "/gemeenten/GM0228/plaats-geven", NULL, "force=1",
		    cookie, NULL);
	post_expect(c, "/gemeenten/GM0228/plaats-geven", token, "", cookie,
		    "/gemeenten?fout=vol&gemeente=GM0228");
	post_expect(c, "/gemeenten/GM0344/plaats-geven", token, "force=1",
		    cookie, "/gemeenten?fout=niet-wachtend&gemeente=GM0344");
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments"
			      " WHERE status = 'waitlist'"),
			 2);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 0);

	post_expect(c, "/gemeenten/GM0228/plaats-geven", token, "force=1",
		    cookie, "/gemeenten?gedaan=plaats-geven&gemeente=GM0228");
	assert_int_equal(q(c, "SELECT count(*) FROM enrolments WHERE"
			      " code = 'GM0228' AND status = 'confirmed'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor = 'web:anna' AND what = 'promote'"
			      " AND gemeente = 'GM0228'"),
			 1);
	assert_true(q(c, "SELECT count(*) FROM outbox WHERE"
			 " rcpt = 'p@ede.nl'") >= 1);
	b = page(c, "/gemeenten?gedaan=plaats-geven&gemeente=GM0228", cookie);
	assert_non_null(strstr(b, "&lt;script&gt;alert(1)&lt;/script&gt; "
				  "(GM0228) heeft een plaats gekregen."));
	assert_no_markup(b);
	free(b);
	free(cookie);
	free(token);
}

/* Three mails: failed (with a hostile subject and error), waiting,
   sent. */
static void
seed_outbox(struct ctx *c)
{
	fixture_exec(
		c->f->path,
		"INSERT INTO outbox (id, key, kind, message_id, envelope_from,"
		" rcpt, raw, created_at, next_try, attempts, status, sent_at,"
		" last_error) VALUES"
		" (1, 'k1', 'confirm', 'm1@x', 'a@x', 'p@ede.nl',"
		" 'Subject: <img src=x> Bevestiging' || char(13, 10) ||"
		" char(13, 10) || 'tekst', 1617264000, NULL, 5, 'failed', NULL,"
		" '550 <b>no such user</b>'),"
		" (2, 'k2', 'confirm', 'm2@x', 'a@x', 'q@ede.nl',"
		" 'Subject: Wacht' || char(13, 10) || char(13, 10) || 'x',"
		" 1617264060, 1617264060, 0, 'queued', NULL, NULL),"
		" (3, 'k3', 'confirm', 'm3@x', 'a@x', 'r@ede.nl',"
		" 'Subject: =?UTF-8?Q?Verstuurd_=C3=A9?=' || char(13, 10) ||"
		" char(13, 10) || 'x', 1617264120, 1617264120, 1, 'sent',"
		" 1617264130, NULL)");
}

static void
test_outbox(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b;
	const char *one, *three;
	struct client_reply r;

	seed(c);
	seed_outbox(c);
	session(c, &cookie, &token);
	b = page(c, "/uitgaand", cookie);
	assert_no_markup(b);
	assert_non_null(strstr(b, "<caption>Uitgaande mail, de nieuwste "
				  "eerst</caption>"));
	one = strstr(b, "<tr><th scope=\"row\">1</th><td>p@ede.nl</td><td>"
			"&lt;img src=x&gt; Bevestiging</td><td>mislukt</td>"
			"<td>5</td>");
	three = strstr(b, "<tr><th scope=\"row\">3</th><td>r@ede.nl</td><td>"
			  "Verstuurd \xc3\xa9</td><td>verstuurd</td>");
	assert_non_null(one);
	assert_non_null(three);
	assert_true(three < one);
	assert_non_null(strstr(b, "550 &lt;b&gt;no such user&lt;/b&gt;"));
	assert_non_null(strstr(b, "action=\"/uitgaand/1/opnieuw\""));
	assert_non_null(strstr(b, "action=\"/uitgaand/1/annuleren\""));
	assert_non_null(strstr(b, "action=\"/uitgaand/2/annuleren\""));
	assert_null(strstr(b, "action=\"/uitgaand/2/opnieuw\""));
	assert_null(strstr(b, "action=\"/uitgaand/3/"));
	assert_non_null(strstr(b, ">Opnieuw versturen</button>"));
	assert_non_null(strstr(b, ">Annuleren</button>"));
	free(b);
	/* a link cannot say what did not happen */
	b = page(c, "/uitgaand?gedaan=annuleren&mail=1", cookie);
	assert_null(strstr(b, "is geannuleerd"));
	free(b);
	b = page(c, "/uitgaand?gedaan=opnieuw&mail=3", cookie);
	assert_null(strstr(b, "staat weer klaar"));
	free(b);

	/* a GET, or a POST without the token, changes nothing */
	request(c, "/uitgaand/1/opnieuw", NULL, cookie, &r);
	assert_int_equal(r.status, 405);
	client_reply_free(&r);
	post_expect(c, "/uitgaand/1/opnieuw", NULL, "", cookie, NULL);
	post_expect(c, "/uitgaand/2/annuleren", NULL, "", cookie, NULL);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox WHERE id = 1"
			      " AND status = 'failed'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox"
			      " WHERE cancelled_at IS NOT NULL"),
			 0);

	/* retry a failed one: queued again */
	post_expect(c, "/uitgaand/1/opnieuw", token, "", cookie,
		    "/uitgaand?gedaan=opnieuw&mail=1");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox WHERE id = 1"
			      " AND status = 'queued'"),
			 1);
	/* cancel a waiting one: never sent, the audit names the user */
	post_expect(c, "/uitgaand/2/annuleren", token, "", cookie,
		    "/uitgaand?gedaan=annuleren&mail=2");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox WHERE id = 2"
			      " AND cancelled_at IS NOT NULL"
			      " AND status = 'failed'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor = 'web:anna' AND what = 'cancel'"
			      " AND detail = 'outbox mail 2'"),
			 1);
	b = page(c, "/uitgaand?gedaan=annuleren&mail=2", cookie);
	assert_non_null(strstr(b, "Mail 2 is geannuleerd; hij wordt nooit "
				  "verstuurd."));
	assert_non_null(strstr(b, "<td>geannuleerd</td>"));
	free(b);

	/* refusals change nothing */
	post_expect(c, "/uitgaand/3/opnieuw", token, "", cookie,
		    "/uitgaand?fout=verstuurd&mail=3");
	post_expect(c, "/uitgaand/3/annuleren", token, "", cookie,
		    "/uitgaand?fout=verstuurd&mail=3");
	post_expect(c, "/uitgaand/2/opnieuw", token, "", cookie,
		    "/uitgaand?fout=geannuleerd&mail=2");
	post_expect(c, "/uitgaand/99/annuleren", token, "", cookie,
		    "/uitgaand?fout=onbekend&mail=99");
	assert_int_equal(q(c, "SELECT count(*) FROM outbox WHERE id = 3"
			      " AND status = 'sent' AND cancelled_at IS NULL"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox WHERE id = 2"
			      " AND status = 'failed'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 1);
	b = page(c, "/uitgaand?fout=verstuurd&mail=3", cookie);
	assert_non_null(strstr(b, "<p role=\"alert\">Mail 3 is al verstuurd. "
				  "Er is niets veranderd.</p>"));
	free(b);
	free(cookie);
	free(token);
}

/* What aanmeld export --csv --excel writes for the test's database. */
static char *
cli_export(struct ctx *c, size_t *len_r)
{
	const char *dir = getenv("builddir");
	char *conf = xasprintf("%s/aanmeld.conf", c->f->dir), *cmd, *out;
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *p;

	p = fopen(conf, "w");
	assert_non_null(p);
	fprintf(p, "[main]\nrules = %s/rules\nspool = %s\ndatabase = %s\n",
		TOP_SRCDIR, c->f->dir, c->f->path);
	assert_int_equal(fclose(p), 0);
	cmd = xasprintf("'%s/../src/aanmeld' -c '%s' export --csv --excel",
			dir != NULL ? dir : ".", conf);
	p = popen(cmd, "r");
	assert_non_null(p);
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	assert_int_equal(pclose(p), 0);
	*len_r = b.len;
	out = buf_steal(&b);
	free(cmd);
	free(conf);
	return out;
}

static void
test_export(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *v, *want;
	struct client_reply r;
	size_t len;

	seed(c);
	/* a sender's display name that a spreadsheet would run */
	fixture_exec(c->f->path,
		     "INSERT INTO contacts (code, address, name, added_at)"
		     " VALUES ('GM0344', 'a@utrecht.nl',"
		     " '=HYPERLINK(\"http://x.example/\";\"klik\")', 1),"
		     " ('GM0193', 'b@zwolle.nl', '@SUM(1+1)', 1),"
		     " ('GM0193', 'c@zwolle.nl', '+cmd|'' /C calc''!A0', 1)");
	session(c, &cookie, &token);
	request(c, "/export.csv", NULL, cookie, &r);
	assert_int_equal(r.status, 200);
	assert_safe_headers(&r);
	v = client_header(&r, "Content-Type");
	assert_string_equal(v, "text/csv; charset=utf-8");
	free(v);
	v = client_header(&r, "Content-Disposition");
	assert_non_null(v);
	assert_int_equal(strncmp(v, "attachment; filename=\"aanmeldingen-20",
				 strlen("attachment; filename=\"aanmeldingen-"
					"20")),
			 0);
	assert_int_equal(strlen(v), strlen("attachment; filename=\""
					   "aanmeldingen-YYYY-MM-DD.csv\""));
	free(v);
	/* each starts with ' in its cell: text, never a formula */
	assert_non_null(strstr(buf_str(&r.body),
			       ";\"'=HYPERLINK(\"\"http://x.example/\"\";"));
	assert_non_null(strstr(buf_str(&r.body), ";'@SUM(1+1);"));
	assert_non_null(strstr(buf_str(&r.body), ";'+cmd|' /C calc'!A0;"));
	assert_null(strstr(buf_str(&r.body), ";=HYPERLINK"));
	want = cli_export(c, &len);
	assert_true(len > 3);
	assert_int_equal(r.body.len, len);
	assert_memory_equal(r.body.data, want, len);
	free(want);
	client_reply_free(&r);
	/* without a session: to the login */
	request(c, "/export.csv", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	client_reply_free(&r);
	free(cookie);
	free(token);
}

static void
test_overview_more(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b;

	seed(c);
	seed_outbox(c);
	fixture_exec(c->f->path,
		     "INSERT INTO deliveries (code, received_at) VALUES"
		     " ('GM0344', 1617264000), ('GM0344', 1617267600)");
	session(c, &cookie, &token);
	b = page(c, "/", cookie);
	assert_non_null(strstr(b, "<h2>Te beoordelen</h2>"));
	assert_non_null(strstr(b, "href=\"/beoordelen\""));
	assert_non_null(strstr(b, "1 mail kon niet worden verstuurd."));
	assert_non_null(strstr(b, "href=\"/uitgaand\""));
	assert_non_null(strstr(b, "<caption>Teksten van de deelnemers"));
	/* the date for staff, not the participants' "uw tekst" */
	assert_non_null(strstr(b, "<p>De uiterste datum "));
	assert_null(strstr(b, "uiterste datum voor"));
	assert_non_null(strstr(b, "<td>Utrecht</td><td>GM0344</td><td>"
				  "ingeleverd, het laatst op "));
	assert_non_null(strstr(b, "(2 versies)"));
	assert_non_null(strstr(b, "<td>Zwolle</td><td>GM0193</td><td>nog "
				  "niet ingeleverd</td>"));
	/* the health as aanmeld status sees it: failed mail, no poll */
	assert_non_null(strstr(b, "<h2>Werking</h2>\n<p><strong>Probleem:"
				  "</strong> de postbus is te lang niet met "
				  "succes gelezen; er is mislukte mail;"));
	assert_non_null(strstr(b, "<dd>heeft nog niet gedraaid</dd>"));
	free(b);
	free(cookie);
	free(token);
}

/* A port another program holds: the start says so, and what to do. */
static void
test_port_in_use(void **state)
{
	struct ctx *c = *state;
	struct web_server_settings set;
	struct sockaddr_in in;
	socklen_t len = sizeof(in);
	struct web_server *w;
	char *err = NULL;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&in, &len), 0);
	memset(&set, 0, sizeof(set));
	set.listen = "127.0.0.1";
	set.port = ntohs(in.sin_port);
	set.users = c->users;
	set.idle = 30 * 60;
	set.capacity = 5;
	set.store = c->ro;
	set.config = c->cfg;
	set.rules = c->r;
	w = web_server_start(&set, &err);
	assert_null(w);
	assert_non_null(strstr(err, "the port is in use by another program"));
	free(err);
	close(fd);
}

/* The contacts' clock: before the first session (13 April). */
#define CONTACT_NOW "2021-04-01 12:00"

/* Runs aanmeld contact verb code addr on the test's database at
   CONTACT_NOW: its exit status. */
static int
cli_contact(struct ctx *c, const char *verb, const char *code, const char *addr)
{
	const char *dir = getenv("builddir");
	char *conf = xasprintf("%s/aanmeld.conf", c->f->dir), *cmd;
	FILE *p;
	int rc;

	p = fopen(conf, "w");
	assert_non_null(p);
	fprintf(p, "[main]\nrules = %s/rules\nspool = %s\ndatabase = %s\n",
		TOP_SRCDIR, c->f->dir, c->f->path);
	assert_int_equal(fclose(p), 0);
	cmd = xasprintf("'%s/../src/aanmeld' -c '%s' --now '%s' contact %s "
			"%s %s >/dev/null",
			dir != NULL ? dir : ".", conf, CONTACT_NOW, verb, code,
			addr);
	rc = system(cmd);
	free(cmd);
	free(conf);
	assert_true(rc != -1 && WIFEXITED(rc));
	return WEXITSTATUS(rc);
}

/* The scheduler's pass at CONTACT_NOW, as the daemon runs it next. */
static void
remind(struct ctx *c)
{
	struct remind_stats st;
	char *err = NULL;

	if (remind_run(c->f->s, c->r, c->cfg, fixture_at(CONTACT_NOW), &st,
		       &err) == -1) {
		fprintf(stderr, "%s\n", err);
		free(err);
		fail();
	}
}

/* The rows of "head WHERE col = 'a' tail" and of the same for b that
   differ, in the test's database: 0 when both have the same. */
static long long
differ(struct ctx *c, const char *head, const char *col, const char *tail,
       const char *a, const char *b)
{
	char *qa = xasprintf("%s WHERE %s = '%s' %s", head, col, a, tail);
	char *qb = xasprintf("%s WHERE %s = '%s' %s", head, col, b, tail);
	char *sql = xasprintf("SELECT (SELECT count(*) FROM (%s EXCEPT %s))"
			      " + (SELECT count(*) FROM (%s EXCEPT %s))",
			      qa, qb, qb, qa);
	long long n = q(c, sql);

	free(sql);
	free(qa);
	free(qb);
	return n;
}

/* The kinds of mail to an address, and how many of each. */
#define KINDS "SELECT kind, count(*) FROM outbox", "rcpt", "GROUP BY kind"

static void
test_contact_add(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b;
	struct client_reply r;

	seed(c);
	assert_int_equal(util_clock_set(CONTACT_NOW), 0);
	session(c, &cookie, &token);
	b = page(c, "/gemeenten", cookie);
	assert_non_null(strstr(b, "<form method=\"post\" action=\"/gemeenten/"
				  "GM0344/contact-toevoegen\">"));
	assert_non_null(strstr(b, "<label for=\"adres-GM0344\">E-mailadres van "
				  "een nieuwe contactpersoon</label>\n<input "
				  "type=\"email\" name=\"adres\" "
				  "id=\"adres-GM0344\" required"));
	assert_non_null(strstr(b, ">Contactpersoon toevoegen</button>"));
	assert_non_null(strstr(b, "action=\"/gemeenten/GM0228/"
				  "contact-toevoegen\""));
	free(b);

	/* no token, a GET, a bad address, an unknown code: nothing */
	post_expect(c, "/gemeenten/GM0344/contact-toevoegen", NULL,
		    "adres=n%40utrecht.nl", cookie, NULL);
	request(c, "/gemeenten/GM0344/contact-toevoegen?adres=n%40utrecht.nl",
		NULL, cookie, &r);
	assert_int_equal(r.status, 405);
	client_reply_free(&r);
	post_expect(c, "/gemeenten/GM0344/contact-toevoegen", token,
		    "adres=geen-adres", cookie,
		    "/gemeenten?fout=adres-ongeldig&gemeente=GM0344");
	post_expect(c, "/gemeenten/GM0344/contact-toevoegen", token,
		    "adres=%3Cb%3Ex%3C%2Fb%3E%40utrecht.nl", cookie,
		    "/gemeenten?fout=adres-ongeldig&gemeente=GM0344");
	post_expect(c, "/gemeenten/GM0344/contact-toevoegen", token,
		    "adres=n%40utrecht.nl%0D%0ABcc%3A+x%40evil.example", cookie,
		    "/gemeenten?fout=adres-ongeldig&gemeente=GM0344");
	post_expect(c, "/gemeenten/GM0344/contact-toevoegen", token, "", cookie,
		    "/gemeenten?fout=adres-ongeldig&gemeente=GM0344");
	post_expect(c, "/gemeenten/GM9999/contact-toevoegen", token,
		    "adres=n%40utrecht.nl", cookie,
		    "/gemeenten?fout=onbekend&gemeente=GM9999");
	assert_int_equal(q(c, "SELECT count(*) FROM contacts"), 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 0);
	b = page(c, "/gemeenten?fout=adres-ongeldig&gemeente=GM0344", cookie);
	assert_non_null(strstr(b, "<p role=\"alert\">Het e-mailadres voor "
				  "Utrecht (GM0344) is geen geldig adres; "
				  "vult u het in als naam@gemeente.nl. Er is "
				  "niets veranderd.</p>"));
	free(b);

	/* as aanmeld contact add: the row, the audit, and the next pass
	   invites it */
	post_expect(c, "/gemeenten/GM0344/contact-toevoegen", token,
		    "adres=N.Nieuw%40Utrecht.nl", cookie,
		    "/gemeenten?gedaan=contact-toegevoegd&gemeente=GM0344"
		    "&adres=n.nieuw@utrecht.nl");
	assert_int_equal(q(c, "SELECT count(*) FROM contacts WHERE"
			      " code = 'GM0344' AND address ="
			      " 'n.nieuw@utrecht.nl'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor = 'web:anna' AND what = 'contact add'"
			      " AND gemeente = 'GM0344'"),
			 1);
	assert_int_equal(cli_contact(c, "add", "GM0193", "N.Nieuw@Zwolle.nl"),
			 0);
	remind(c);
	assert_true(q(c, "SELECT count(*) FROM outbox WHERE"
			 " rcpt = 'n.nieuw@utrecht.nl'"
			 " AND kind = 'invitation'") >= 1);
	assert_int_equal(
		differ(c, KINDS, "n.nieuw@utrecht.nl", "n.nieuw@zwolle.nl"), 0);
	assert_int_equal(differ(c,
				"SELECT name, undeliverable_at, undeliverable"
				" FROM contacts",
				"address", "", "n.nieuw@utrecht.nl",
				"n.nieuw@zwolle.nl"),
			 0);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor LIKE 'cli:%' AND what = 'contact add'"
			      " AND gemeente = 'GM0193'"),
			 1);
	b = page(c,
		 "/gemeenten?gedaan=contact-toegevoegd&gemeente=GM0344"
		 "&adres=n.nieuw%40utrecht.nl",
		 cookie);
	assert_non_null(strstr(b, "role=\"status\">n.nieuw@utrecht.nl is "
				  "contactpersoon van Utrecht (GM0344) "
				  "geworden. Het adres krijgt bij de volgende "
				  "ronde van de verwerking de uitnodigingen"));
	free(b);
	/* a link cannot say what did not happen */
	b = page(c,
		 "/gemeenten?gedaan=contact-toegevoegd&gemeente=GM0344"
		 "&adres=x%40utrecht.nl",
		 cookie);
	assert_null(strstr(b, "role=\"status\""));
	free(b);

	/* twice (in other letters), or to a waiting list: refused or as
	   the CLI */
	post_expect(c, "/gemeenten/GM0344/contact-toevoegen", token,
		    "adres=n.nieuw%40UTRECHT.nl", cookie,
		    "/gemeenten?fout=al-contact&gemeente=GM0344");
	assert_int_equal(cli_contact(c, "add", "GM0193", "n.nieuw@zwolle.nl"),
			 1);
	post_expect(c, "/gemeenten/GM0228/contact-toevoegen", token,
		    "adres=q%40ede.nl", cookie,
		    "/gemeenten?gedaan=contact-toegevoegd&gemeente=GM0228"
		    "&adres=q@ede.nl");
	b = page(c,
		 "/gemeenten?gedaan=contact-toegevoegd&gemeente=GM0228"
		 "&adres=q%40ede.nl",
		 cookie);
	assert_non_null(strstr(b, "Het adres krijgt de uitnodigingen zodra "
				  "de gemeente een plaats krijgt."));
	assert_no_markup(b);
	free(b);
	assert_int_equal(q(c, "SELECT count(*) FROM contacts"), 4);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 3);
	free(cookie);
	free(token);
}

static void
test_contact_remove(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b, *want;
	long long cancels;
	struct client_reply r;

	seed(c);
	assert_int_equal(util_clock_set(CONTACT_NOW), 0);
	fixture_exec(c->f->path,
		     "INSERT INTO contacts (code, address, name, added_at)"
		     " VALUES ('GM0344', 'a@utrecht.nl', '<img src=x>', 1),"
		     " ('GM0344', 'b@utrecht.nl', 'Bea', 1),"
		     " ('GM0193', 'a@zwolle.nl', 'Ab', 1),"
		     " ('GM0193', 'b@zwolle.nl', 'Bo', 1)");
	remind(c);
	session(c, &cookie, &token);
	b = page(c, "/gemeenten", cookie);
	assert_no_markup(b);
	assert_non_null(strstr(b, "<th scope=\"col\">Wijzigen</th>"));
	assert_non_null(strstr(b, "<form method=\"get\" action=\"/gemeenten/"
				  "GM0344/contact-verwijderen\">\n<input "
				  "type=\"hidden\" name=\"adres\" "
				  "value=\"a@utrecht.nl\">\n<button "
				  "type=\"submit\" class=\"gevaar\">"
				  "Verwijderen</button>"));
	/* nothing came back: no button for it */
	assert_null(strstr(b, "Adres werkt weer"));
	free(b);

	/* the question changes nothing and says what is sent */
	cancels = q(c, "SELECT count(*) FROM outbox WHERE"
		       " rcpt = 'a@utrecht.nl' AND kind = 'invitation'");
	assert_true(cancels >= 1);
	b = page(c,
		 "/gemeenten/GM0344/contact-verwijderen?adres=a%40utrecht.nl",
		 cookie);
	assert_non_null(strstr(b, "<h1>Weet u het zeker?</h1>"));
	assert_non_null(strstr(b, "U verwijdert <strong>a@utrecht.nl</strong> "
				  "als contactpersoon van Utrecht (GM0344)."));
	want = xasprintf("Er worden %lld mails klaargezet om te versturen: "
			 "voor elke bijeenkomst die nog komt een afzegging",
			 cancels);
	assert_non_null(strstr(b, want));
	free(want);
	assert_non_null(strstr(b, "<form method=\"post\" action=\"/gemeenten/"
				  "GM0344/contact-verwijderen\">"));
	assert_non_null(strstr(b, "<input type=\"hidden\" name=\"adres\" "
				  "value=\"a@utrecht.nl\">"));
	free(b);
	assert_int_equal(q(c, "SELECT count(*) FROM contacts"), 5);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox WHERE"
			      " kind = 'invitation-cancel'"),
			 0);
	/* the question for what cannot be done: back, saying why */
	request(c, "/gemeenten/GM0344/contact-verwijderen?adres=%3Cb%3E", NULL,
		cookie, &r);
	assert_int_equal(r.status, 303);
	client_reply_free(&r);

	post_expect(c, "/gemeenten/GM0344/contact-verwijderen", NULL,
		    "adres=a%40utrecht.nl", cookie, NULL);
	post_expect(c, "/gemeenten/GM0344/contact-verwijderen", token,
		    "adres=x%40utrecht.nl", cookie,
		    "/gemeenten?fout=geen-contact&gemeente=GM0344");
	post_expect(c, "/gemeenten/GM0228/contact-verwijderen", token,
		    "adres=p%40ede.nl", cookie,
		    "/gemeenten?fout=laatste-contact&gemeente=GM0228");
	assert_int_equal(q(c, "SELECT count(*) FROM contacts"), 5);
	assert_int_equal(q(c, "SELECT count(*) FROM audit"), 0);

	/* as aanmeld contact remove: gone, with a CANCEL per session */
	post_expect(c, "/gemeenten/GM0344/contact-verwijderen", token,
		    "adres=A%40utrecht.nl", cookie,
		    "/gemeenten?gedaan=contact-verwijderd&gemeente=GM0344"
		    "&adres=a@utrecht.nl");
	assert_int_equal(q(c, "SELECT count(*) FROM contacts WHERE"
			      " address = 'a@utrecht.nl'"),
			 0);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor = 'web:anna' AND what = 'contact remove'"
			      " AND gemeente = 'GM0344'"),
			 1);
	assert_int_equal(q(c, "SELECT count(*) FROM outbox WHERE"
			      " rcpt = 'a@utrecht.nl'"
			      " AND kind = 'invitation-cancel'"),
			 cancels);
	assert_int_equal(cli_contact(c, "remove", "GM0193", "a@zwolle.nl"), 0);
	assert_int_equal(differ(c, KINDS, "a@utrecht.nl", "a@zwolle.nl"), 0);
	assert_int_equal(
		differ(c,
		       "SELECT kind, status, last_error, count(*) FROM outbox",
		       "rcpt", "GROUP BY kind, status, last_error",
		       "a@utrecht.nl", "a@zwolle.nl"),
		0);
	b = page(c,
		 "/gemeenten?gedaan=contact-verwijderd&gemeente=GM0344"
		 "&adres=a%40utrecht.nl",
		 cookie);
	assert_non_null(strstr(b, "a@utrecht.nl is geen contactpersoon van "
				  "Utrecht (GM0344) meer. De afzeggingen gaan "
				  "bij de volgende ronde"));
	free(b);
	/* now the last one */
	post_expect(c, "/gemeenten/GM0344/contact-verwijderen", token,
		    "adres=b%40utrecht.nl", cookie,
		    "/gemeenten?fout=laatste-contact&gemeente=GM0344");
	b = page(c, "/gemeenten?fout=laatste-contact&gemeente=GM0344", cookie);
	assert_non_null(strstr(b, "<p role=\"alert\">Dit is de laatste "
				  "contactpersoon van Utrecht (GM0344)."));
	free(b);
	assert_int_equal(q(c, "SELECT count(*) FROM contacts WHERE"
			      " code = 'GM0344'"),
			 1);
	free(cookie);
	free(token);
}

static void
test_contact_restore(void **state)
{
	struct ctx *c = *state;
	char *cookie, *token, *b;

	seed(c);
	assert_int_equal(util_clock_set(CONTACT_NOW), 0);
	fixture_exec(c->f->path,
		     "INSERT INTO contacts (code, address, name, added_at,"
		     " undeliverable_at, undeliverable) VALUES"
		     " ('GM0344', 'a@utrecht.nl', 'An', 1, 1617271200,"
		     " '550 no such user'),"
		     " ('GM0344', 'b@utrecht.nl', 'Bea', 1, NULL, NULL)");
	session(c, &cookie, &token);
	b = page(c, "/gemeenten", cookie);
	assert_non_null(strstr(b, "<form method=\"post\" action=\"/gemeenten/"
				  "GM0344/contact-herstellen\">"));
	assert_non_null(strstr(b, "value=\"a@utrecht.nl\">\n<button "
				  "type=\"submit\">Adres werkt weer</button>"));
	/* only the one whose mail came back */
	assert_null(strstr(b, "value=\"b@utrecht.nl\">\n<button "
			      "type=\"submit\">Adres werkt weer</button>"));
	free(b);
	post_expect(c, "/gemeenten/GM0344/contact-herstellen", NULL,
		    "adres=a%40utrecht.nl", cookie, NULL);
	post_expect(c, "/gemeenten/GM0344/contact-herstellen", token,
		    "adres=b%40utrecht.nl", cookie,
		    "/gemeenten?fout=niet-teruggekomen&gemeente=GM0344");
	assert_int_equal(q(c, "SELECT count(*) FROM contacts WHERE"
			      " undeliverable_at IS NOT NULL"),
			 1);
	post_expect(c, "/gemeenten/GM0344/contact-herstellen", token,
		    "adres=a%40utrecht.nl", cookie,
		    "/gemeenten?gedaan=contact-hersteld&gemeente=GM0344"
		    "&adres=a@utrecht.nl");
	assert_int_equal(q(c, "SELECT count(*) FROM contacts WHERE"
			      " undeliverable_at IS NOT NULL"),
			 0);
	assert_int_equal(q(c, "SELECT count(*) FROM audit WHERE"
			      " actor = 'web:anna'"
			      " AND what = 'contact deliverable'"
			      " AND gemeente = 'GM0344'"),
			 1);
	b = page(c,
		 "/gemeenten?gedaan=contact-hersteld&gemeente=GM0344"
		 "&adres=a%40utrecht.nl",
		 cookie);
	assert_non_null(strstr(b, "a@utrecht.nl van Utrecht (GM0344) krijgt "
				  "weer e-mail"));
	assert_null(strstr(b, "Adres werkt weer"));
	free(b);
	post_expect(c, "/gemeenten/GM0344/contact-herstellen", token,
		    "adres=a%40utrecht.nl", cookie,
		    "/gemeenten?fout=niet-teruggekomen&gemeente=GM0344");
	free(cookie);
	free(token);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_page),
		cmocka_unit_test(test_port_in_use),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_overview_and_logout),
		cmocka_unit_test(test_users_file_readable),
		cmocka_unit_test(test_rate_limit_account),
		cmocka_unit_test(test_rate_limit_address),
		cmocka_unit_test(test_cross_site_post),
		cmocka_unit_test(test_strict_http),
		cmocka_unit_test(test_removed_account),
		cmocka_unit_test(test_trusted_proxy),
		cmocka_unit_test(test_slow_clients),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_municipalities_page),
		cmocka_unit_test(test_withdraw),
		cmocka_unit_test(test_promote),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_overview_more),
		/* last: they set the clock to 2021 */
		cmocka_unit_test(test_contact_add),
		cmocka_unit_test(test_contact_remove),
		cmocka_unit_test(test_contact_restore),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
