/*
 * aanmeld-web's server at the level of requests: it listens on
 * 127.0.0.1 on a free port against a real database file with hostile
 * names on the waiting list, and libcurl is the browser.  A wrong
 * password, a login, the overview, a logout without and with its
 * token, a users file others can read, and the limit on failures.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "fixture.h"
#include "store.h"
#include "userfile.h"
#include "util.h"
#include "web_limit.h"
#include "web_server.h"

#define PASSWORD "geheim-wachtwoord"

struct ctx {
	struct fixture_db *f;
	struct store *ro; /* the server's own read-only connection */
	char *users;
	struct web_server *w;
};

/* One answer: its status, headers and body. */
struct reply {
	long status;
	struct buf head, body;
};

static size_t
on_data(char *p, size_t size, size_t n, void *cls)
{
	return buf_add(cls, p, size * n) == 0 ? size * n : 0;
}

/* A request to path on the test's server; body NULL makes it a GET. */
static void
request(struct ctx *c, const char *path, const char *body, const char *cookie,
	struct reply *r)
{
	char *url = xasprintf("http://127.0.0.1:%u%s",
			      (unsigned)web_server_port(c->w), path);
	CURL *h = curl_easy_init();

	assert_non_null(h);
	buf_init(&r->head, 64 * 1024);
	buf_init(&r->body, 1024 * 1024);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &r->head);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r->body);
	if (body != NULL)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	if (cookie != NULL)
		curl_easy_setopt(h, CURLOPT_COOKIE, cookie);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	free(url);
	(void)buf_str(&r->head);
	(void)buf_str(&r->body);
}

static void
reply_free(struct reply *r)
{
	buf_deinit(&r->head);
	buf_deinit(&r->body);
}

/* The value of header name (case as the server writes it), heap. */
static char *
header(struct reply *r, const char *name)
{
	char *pat = xasprintf("\r\n%s: ", name), *p, *v;

	p = strstr(buf_str(&r->head), pat);
	free(pat);
	if (p == NULL)
		return NULL;
	p += strlen(name) + 4;
	v = xstrndup(p, strcspn(p, "\r\n"));
	return v;
}

static void
assert_safe_headers(struct reply *r)
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
		v = header(r, want[i][0]);
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
	struct reply r;
	char *body = xasprintf("user=%s&password=%s", user, password);
	char *set, *cookie = NULL;

	request(c, "/login", body, NULL, &r);
	free(body);
	*status_r = r.status;
	assert_safe_headers(&r);
	set = header(&r, "Set-Cookie");
	if (set != NULL) {
		assert_non_null(strstr(set, "; HttpOnly"));
		assert_non_null(strstr(set, "; Secure"));
		assert_non_null(strstr(set, "; SameSite=Strict"));
		cookie = xstrndup(set, strcspn(set, ";"));
		free(set);
	}
	reply_free(&r);
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
	c->w = web_server_start(&set, &err);
	if (c->w == NULL) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return -1;
	}
	return 0;
}

static int
setup(void **state)
{
	struct ctx *c = xcalloc(1, sizeof(*c));
	char *err = NULL, *sql;

	*state = c;
	if (fixture_db_setup((void **)&c->f) != 0)
		return -1;
	/* two taken, two waiting: hostile names as mail and staff bring
	   them, the later arrival second */
	sql = xasprintf(
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
	store_close(&c->ro);
	free(c->users);
	fixture_db_teardown((void **)&c->f);
	free(c);
	return 0;
}

static void
test_login_page(void **state)
{
	struct ctx *c = *state;
	struct reply r;
	const char *b;

	request(c, "/login", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_safe_headers(&r);
	b = buf_str(&r.body);
	assert_non_null(strstr(b, "<html lang=\"nl\">"));
	assert_non_null(strstr(b, "<label for=\"user\">"));
	assert_non_null(strstr(b, "<label for=\"password\">"));
	assert_non_null(strstr(b, "method=\"post\""));
	reply_free(&r);
	/* the overview without a session sends to the login */
	request(c, "/", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	assert_safe_headers(&r);
	reply_free(&r);
	request(c, "/nergens", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_safe_headers(&r);
	reply_free(&r);
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
	struct reply r;
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
	reply_free(&r);

	/* logout without the token, or with a wrong one: refused, and the
	   session lives on */
	request(c, "/logout", "", cookie, &r);
	assert_int_equal(r.status, 403);
	assert_safe_headers(&r);
	reply_free(&r);
	request(c, "/logout",
		"csrf=0000000000000000000000000000000000000000000000000000"
		"000000000000",
		cookie, &r);
	assert_int_equal(r.status, 403);
	reply_free(&r);
	/* the right token without the session: refused too */
	body = xasprintf("csrf=%s", token);
	request(c, "/logout", body, NULL, &r);
	assert_int_equal(r.status, 403);
	reply_free(&r);
	request(c, "/", NULL, cookie, &r);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	/* a GET does not log out */
	request(c, "/logout", NULL, cookie, &r);
	assert_int_equal(r.status, 405);
	reply_free(&r);

	request(c, "/logout", body, cookie, &r);
	assert_int_equal(r.status, 303);
	loc = header(&r, "Location");
	assert_string_equal(loc, "/login");
	free(loc);
	reply_free(&r);
	request(c, "/", NULL, cookie, &r);
	assert_int_equal(r.status, 303);
	reply_free(&r);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_page),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_overview_and_logout),
		cmocka_unit_test(test_users_file_readable),
		cmocka_unit_test(test_rate_limit_account),
		cmocka_unit_test(test_rate_limit_address),
		cmocka_unit_test(test_loopback),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
