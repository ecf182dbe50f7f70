/*
 * Tests for the OAuth2 token source: the renewal time (pure), the URL
 * policy, and requests against the test token endpoint
 * tests/servers/oauth2-server.py, over http and over https with the test
 * CA from tests/servers/ca.sh.  The clock is the "now" each call passes;
 * the server's /stats count of issued tokens shows when a request was
 * made.  Skips the server cases when /usr/bin/python3 or openssl is
 * missing.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "oauth2.h"
#include "pyserver.h"
#include "testdir.h"
#include "util.h"

#define SERVER TOP_SRCDIR "/tests/servers/oauth2-server.py"
#define CLIENT_ID "aanmeld"
#define CLIENT_SECRET "s3cret"
#define SCOPE "https://outlook.office365.com/.default"
/* an arbitrary fixed "now" */
#define T0 ((time_t)1700000000)

/* The directory of everything a test run makes; the test CA is made once
   into its pki/ subdirectory. */
static char tmpdir[64];
static bool have_pki;

struct server {
	pid_t pid;
	int port;
	const char *ca;	    /* https with this CA; NULL: http */
	const char *secret; /* NULL: CLIENT_SECRET */
};

struct renew_row {
	time_t obtained;
	long expires_in;
	time_t want;
};

static void
test_renew_at(void **state)
{
	static const struct renew_row rows[] = {
		/* expiry - margin */
		{T0, 3600, T0 + 3300},
		{T0, 86400, T0 + 86100},
		{T0, 601, T0 + 301},
		/* the margin meets half the lifetime */
		{T0, 600, T0 + 300},
		/* short tokens: half the lifetime */
		{T0, 599, T0 + 299},
		{T0, 400, T0 + 200},
		{T0, 2, T0 + 1},
		{T0, 1, T0},
		/* expired at once or nonsense: renew now */
		{T0, 0, T0},
		{T0, -5, T0},
		{T0, LONG_MIN, T0},
		/* absurd lifetimes count as the maximum */
		{T0, OAUTH2_EXPIRES_IN_MAX,
		 T0 + OAUTH2_EXPIRES_IN_MAX - OAUTH2_RENEW_MARGIN},
		{T0, LONG_MAX,
		 T0 + OAUTH2_EXPIRES_IN_MAX - OAUTH2_RENEW_MARGIN},
		{0, 3600, 3300},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		time_t got =
			oauth2_renew_at(rows[i].obtained, rows[i].expires_in);

		if (got != rows[i].want)
			fail_msg("row %zu: %ld s: got %lld, want %lld", i,
				 rows[i].expires_in, (long long)got,
				 (long long)rows[i].want);
	}
}

struct url_row {
	const char *url;
	bool ok;
};

static void
test_url_policy(void **state)
{
	static const struct url_row rows[] = {
		{"https://login.microsoftonline.com/"
		 "0b4a9f6e-0000-0000-0000-000000000000/oauth2/v2.0/token",
		 true},
		{"HTTPS://Login.MicrosoftOnline.com/t/oauth2/v2.0/token", true},
		{"https://127.0.0.1:8443/token", true},
		{"http://127.0.0.1:8080/token", true},
		{"http://127.9.8.7/token", true},
		{"http://localhost/token", true},
		{"http://LOCALHOST:1234/token", true},
		{"http://[::1]:8080/token", true},
		/* plain http away from this machine */
		{"http://login.microsoftonline.com/t/oauth2/v2.0/token", false},
		{"http://10.0.0.1/token", false},
		{"http://128.0.0.1/token", false},
		{"http://[::2]/token", false},
		{"http://[::ffff:10.0.0.1]/token", false},
		{"http://127.0.0.1.example.org/token", false},
		{"http://localhost.example.org/token", false},
		{"http://localhost@example.org/token", false},
		/* other schemes, or no URL at all */
		{"ftp://127.0.0.1/token", false},
		{"file:///etc/passwd", false},
		{"login.microsoftonline.com/t/oauth2/v2.0/token", false},
		{"https://", false},
		{"", false},
	};
	struct oauth2_settings set = {.client_id = CLIENT_ID,
				      .client_secret = CLIENT_SECRET};
	struct oauth2 *o;
	char *error = NULL;
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		set.token_url = rows[i].url;
		o = oauth2_new(&set, &error);
		if ((o != NULL) != rows[i].ok)
			fail_msg("%s: %s", rows[i].url,
				 o != NULL ? "accepted" : error);
		if (o == NULL) {
			assert_non_null(strstr(error, "token_url"));
			free(error);
			error = NULL;
		}
		oauth2_free(o);
	}
	oauth2_free(NULL);
}

static void
test_settings_required(void **state)
{
	static const struct oauth2_settings rows[] = {
		{.client_id = CLIENT_ID, .client_secret = CLIENT_SECRET},
		{.token_url = "https://localhost/token",
		 .client_secret = CLIENT_SECRET},
		{.token_url = "https://localhost/token",
		 .client_id = CLIENT_ID},
		{.token_url = "https://localhost/token",
		 .client_id = "",
		 .client_secret = CLIENT_SECRET},
		{.token_url = "https://localhost/token",
		 .client_id = CLIENT_ID,
		 .client_secret = ""},
	};
	char *error;
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		error = NULL;
		assert_null(oauth2_new(&rows[i], &error));
		assert_non_null(error);
		free(error);
	}
}

struct answer_row {
	long status;
	const char *body;
	const char *token; /* NULL: -1 with an error holding want */
	long expires_in;
	const char *want;
};

#define OK_HEAD "{\"access_token\":\"eyJ0eXAi.eyJhdWQi.c2ln\","

static const struct answer_row answer_rows[] = {
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":3599}",
	 "eyJ0eXAi.eyJhdWQi.c2ln", 3599, NULL},
	/* Microsoft's v1 endpoint sends numbers as strings */
	{200, OK_HEAD "\"token_type\":\"bearer\",\"expires_in\":\"3599\"}",
	 "eyJ0eXAi.eyJhdWQi.c2ln", 3599, NULL},
	{200, OK_HEAD "\"token_type\":\"BEARER\",\"expires_in\":3599.0}",
	 "eyJ0eXAi.eyJhdWQi.c2ln", 3599, NULL},
	{200, OK_HEAD "\"token_type\":\"Bearer\"}", "eyJ0eXAi.eyJhdWQi.c2ln",
	 OAUTH2_DEFAULT_EXPIRES_IN, NULL},
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":null}",
	 "eyJ0eXAi.eyJhdWQi.c2ln", OAUTH2_DEFAULT_EXPIRES_IN, NULL},
	{200,
	 OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":0,\"scope\":\"x\","
		 "\"ext_expires_in\":3599,\"refresh_token\":\"r\"}",
	 "eyJ0eXAi.eyJhdWQi.c2ln", 0, NULL},
	{200, "{\"access_token\":\"a~b+c/d=-_.\",\"token_type\":\"Bearer\"}",
	 "a~b+c/d=-_.", 3600, NULL},
	/* expires_in at and past the limit */
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":31622400}",
	 "eyJ0eXAi.eyJhdWQi.c2ln", OAUTH2_EXPIRES_IN_MAX, NULL},
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":31622401}",
	 NULL, 0, "expires_in"},
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":-1}", NULL, 0,
	 "expires_in"},
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":\"soon\"}",
	 NULL, 0, "expires_in"},
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":\"\"}", NULL, 0,
	 "expires_in"},
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":1e300}", NULL,
	 0, "expires_in"},
	{200, OK_HEAD "\"token_type\":\"Bearer\",\"expires_in\":true}", NULL, 0,
	 "expires_in"},
	/* token_type */
	{200, OK_HEAD "\"expires_in\":3599}", NULL, 0, "token_type (none)"},
	{200, OK_HEAD "\"token_type\":\"mac\",\"expires_in\":3599}", NULL, 0,
	 "token_type mac, not Bearer"},
	{200, OK_HEAD "\"token_type\":\"Bearer \"}", NULL, 0, "token_type"},
	{200, OK_HEAD "\"token_type\":[\"Bearer\"]}", NULL, 0, "token_type"},
	/* access_token */
	{200, "{\"token_type\":\"Bearer\",\"expires_in\":3599}", NULL, 0,
	 "no access_token"},
	{200, "{\"access_token\":42,\"token_type\":\"Bearer\"}", NULL, 0,
	 "no access_token"},
	{200, "{\"access_token\":\"\",\"token_type\":\"Bearer\"}", NULL, 0,
	 "access_token"},
	{200, "{\"access_token\":\"a b\",\"token_type\":\"Bearer\"}", NULL, 0,
	 "not printable"},
	{200, "{\"access_token\":\"a\\r\\nb\",\"token_type\":\"Bearer\"}", NULL,
	 0, "not printable"},
	{200, "{\"access_token\":\"a\\u0000b\",\"token_type\":\"Bearer\"}",
	 NULL, 0, "not printable"},
	{200, "{\"access_token\":\"caf\\u00e9\",\"token_type\":\"Bearer\"}",
	 NULL, 0, "not printable"},
	/* not an object */
	{200, "", NULL, 0, "not with a JSON object"},
	{200, "<html>sign in</html>", NULL, 0, "not with a JSON object"},
	{200, "[\"access_token\"]", NULL, 0, "not with a JSON object"},
	{200, "{\"access_token\":\"x\"", NULL, 0, "not with a JSON object"},
	/* RFC 6749 §5.2 errors, and others */
	{401, "{\"error\":\"invalid_client\"}", NULL, 0,
	 "token endpoint answered HTTP 401: invalid_client"},
	{400,
	 "{\"error\":\"invalid_scope\",\"error_description\":\"AADSTS70011: "
	 "The provided value for scope x is not valid.\\r\\nTrace ID: 1\\r\\n"
	 "\",\"error_codes\":[70011]}",
	 NULL, 0,
	 "HTTP 400: invalid_scope (AADSTS70011: The provided value for scope "
	 "x is not valid.  Trace ID: 1)"},
	{400, "{\"error\":\"a\\u001b[31mb\"}", NULL, 0, "HTTP 400: a [31mb"},
	{400, "{\"error\":7}", NULL, 0, "HTTP 400 without an OAuth2 error"},
	{500, "<html>oops</html>", NULL, 0, "HTTP 500 without an OAuth2 error"},
	{302, "", NULL, 0, "HTTP 302 without"},
	{201, OK_HEAD "\"token_type\":\"Bearer\"}", NULL, 0, "HTTP 201"},
};

static void
test_parse_answer(void **state)
{
	const struct answer_row *r;
	char *token, *error;
	long expires_in;
	size_t i;
	int rc;

	for (i = 0; i < nitems(answer_rows); i++) {
		r = &answer_rows[i];
		token = error = NULL;
		expires_in = -1;
		rc = oauth2_parse_answer(r->status, r->body, strlen(r->body),
					 &token, &expires_in, &error);
		if (r->token != NULL) {
			if (rc != 0)
				fail_msg("row %zu: %s", i, error);
			assert_string_equal(token, r->token);
			assert_int_equal(expires_in, r->expires_in);
			assert_null(error);
		} else {
			if (rc != -1)
				fail_msg("row %zu: accepted", i);
			assert_null(token);
			assert_non_null(error);
			if (strstr(error, r->want) == NULL)
				fail_msg("row %zu: \"%s\" does not mention "
					 "\"%s\"",
					 i, error, r->want);
		}
		free(token);
		free(error);
	}
}

/* The limits at limit-1, limit and limit+1: the token's length, and the
   size of the answer, whose error text is cut short too. */
static void
test_parse_limits(void **state)
{
	static const size_t tlen[] = {OAUTH2_TOKEN_MAX - 1, OAUTH2_TOKEN_MAX,
				      OAUTH2_TOKEN_MAX + 1};
	char *body, *pad, *token, *error;
	long expires_in;
	size_t i, len;
	int rc;

	for (i = 0; i < nitems(tlen); i++) {
		pad = xmalloc(tlen[i] + 1);
		memset(pad, 'A', tlen[i]);
		pad[tlen[i]] = '\0';
		body = xasprintf("{\"access_token\":\"%s\",\"token_type\":"
				 "\"Bearer\"}",
				 pad);
		token = error = NULL;
		rc = oauth2_parse_answer(200, body, strlen(body), &token,
					 &expires_in, &error);
		assert_int_equal(rc, tlen[i] <= OAUTH2_TOKEN_MAX ? 0 : -1);
		if (rc == 0)
			assert_string_equal(token, pad);
		free(token);
		free(error);
		free(body);
		free(pad);
	}
	for (len = OAUTH2_RESPONSE_MAX - 1; len <= OAUTH2_RESPONSE_MAX + 1;
	     len++) {
		/* {"error":"xxx...x"} of exactly len bytes */
		body = xmalloc(len + 1);
		memset(body, 'x', len);
		memcpy(body, "{\"error\":\"", 10);
		memcpy(body + len - 2, "\"}", 2);
		body[len] = '\0';
		error = NULL;
		rc = oauth2_parse_answer(400, body, len, &token, &expires_in,
					 &error);
		assert_int_equal(rc, -1);
		if (len <= OAUTH2_RESPONSE_MAX) {
			assert_non_null(strstr(error, "HTTP 400: xxx"));
			assert_true(strlen(error) < 400);
		} else {
			assert_non_null(strstr(error, "more than"));
		}
		free(error);
		free(body);
	}
}

/* The server cases skip without the interpreter (skip() works in a test,
   not in its setup). */
static void
need_server(void)
{
	if (access(PYSERVER_PYTHON, X_OK) == -1 || access(SERVER, R_OK) == -1)
		skip();
}

/* Runs the token endpoint on 127.0.0.1; cert and key make it https. */
static void
server_start(struct server *srv, const char *name, int expires_in,
	     const char *cert, const char *key)
{
	char *expires = xasprintf("%d", expires_in);
	/* without a certificate the list ends at its NULL */
	const char *args[] = {SERVER,
			      "--client-id",
			      CLIENT_ID,
			      "--client-secret",
			      srv->secret != NULL ? srv->secret : CLIENT_SECRET,
			      "--username",
			      "globalgoals",
			      "--expires-in",
			      expires,
			      cert != NULL ? "--cert" : NULL,
			      cert,
			      "--key",
			      key,
			      NULL};

	srv->ca = NULL;
	srv->port = pyserver_start(&srv->pid, tmpdir, name,
				   "the token endpoint", args);
	free(expires);
}

static void
server_stop(struct server *srv)
{
	pyserver_stop(srv->pid);
	srv->pid = 0;
}

static size_t
collect(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct json_tokener *tok = ((void **)ctx)[0];
	struct json_object **obj = ((void **)ctx)[1];

	*obj = json_tokener_parse_ex(tok, ptr, (int)(size * nmemb));
	return size * nmemb;
}

/* The JSON object the server answers to a GET of path; the caller puts
   it. */
static struct json_object *
get_json(const struct server *srv, const char *path)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj = NULL;
	void *ctx[] = {tok, &obj};
	char *url =
		xasprintf("%s://localhost:%d%s",
			  srv->ca != NULL ? "https" : "http", srv->port, path);
	CURL *h = curl_easy_init();

	assert_non_null(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	if (srv->ca != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, srv->ca);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, ctx);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	assert_non_null(obj);
	json_tokener_free(tok);
	curl_easy_cleanup(h);
	free(url);
	return obj;
}

/* The server's count of issued tokens. */
static long
issued(const struct server *srv)
{
	struct json_object *obj = get_json(srv, "/stats"), *v;
	long n;

	assert_true(json_object_object_get_ex(obj, "issued", &v));
	n = (long)json_object_get_int64(v);
	json_object_put(obj);
	return n;
}

/* The server knows the token as live, for the scope asked. */
static void
assert_live(const struct server *srv, const char *token)
{
	char *path = xasprintf("/tokeninfo?access_token=%s", token);
	struct json_object *obj = get_json(srv, path), *v;

	assert_true(json_object_object_get_ex(obj, "active", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(obj, "scope", &v));
	assert_string_equal(json_object_get_string(v), SCOPE);
	json_object_put(obj);
	free(path);
}

static struct oauth2 *
client(const char *scheme, const char *host, const struct server *srv,
       const char *secret, const char *ca_file)
{
	char *url = xasprintf("%s://%s:%d/token", scheme, host, srv->port);
	struct oauth2_settings set = {
		.token_url = url,
		.client_id = CLIENT_ID,
		.client_secret = secret,
		.scope = SCOPE,
		.ca_file = ca_file,
		.timeout = 10,
	};
	struct oauth2 *o;
	char *error = NULL;

	o = oauth2_new(&set, &error);
	if (o == NULL)
		fail_msg("%s: %s", url, error);
	free(url);
	return o;
}

/* Asserts a token and returns a copy of it. */
static char *
token_ok(struct oauth2 *o, time_t now)
{
	char *error = NULL;
	const char *t = oauth2_token(o, now, &error);

	if (t == NULL)
		fail_msg("no token: %s", error);
	assert_null(error);
	assert_true(strlen(t) > 20);
	return xstrdup(t);
}

/* Asserts a failure whose message holds want and never the secret. */
static void
token_fails(struct oauth2 *o, time_t now, const char *want)
{
	char *error = NULL;

	assert_null(oauth2_token(o, now, &error));
	assert_non_null(error);
	if (strstr(error, want) == NULL)
		fail_msg("\"%s\" does not mention \"%s\"", error, want);
	assert_null(strstr(error, CLIENT_SECRET));
	free(error);
}

static void
test_fetch_and_renew(void **state)
{
	struct server srv = {0};
	struct oauth2 *o;
	char *t1, *t2, *t3, *t4;

	need_server();

	server_start(&srv, "renew", 3600, NULL, NULL);
	o = client("http", "127.0.0.1", &srv, CLIENT_SECRET, NULL);
	assert_int_equal(issued(&srv), 0);

	t1 = token_ok(o, T0);
	assert_int_equal(issued(&srv), 1);
	assert_live(&srv, t1);
	/* within its life the token is reused without a request */
	t2 = token_ok(o, T0 + 1);
	assert_string_equal(t1, t2);
	free(t2);
	t2 = token_ok(o, T0 + 3600 - OAUTH2_RENEW_MARGIN - 1);
	assert_string_equal(t1, t2);
	assert_int_equal(issued(&srv), 1);

	/* at the renewal time a new one is fetched, and then kept */
	t3 = token_ok(o, T0 + 3600 - OAUTH2_RENEW_MARGIN);
	assert_string_not_equal(t1, t3);
	assert_int_equal(issued(&srv), 2);
	free(t2);
	t2 = token_ok(o, T0 + 3600);
	assert_string_equal(t2, t3);
	assert_int_equal(issued(&srv), 2);

	/* a rejected login forgets it */
	oauth2_invalidate(o);
	t4 = token_ok(o, T0 + 3601);
	assert_string_not_equal(t3, t4);
	assert_int_equal(issued(&srv), 3);
	oauth2_invalidate(o);
	oauth2_invalidate(o);
	free(t4);
	t4 = token_ok(o, T0 + 3602);
	assert_int_equal(issued(&srv), 4);

	oauth2_free(o);
	server_stop(&srv);
	free(t1);
	free(t2);
	free(t3);
	free(t4);
}

/* A token shorter than twice the margin is renewed halfway. */
static void
test_short_lifetime(void **state)
{
	struct server srv = {0};
	struct oauth2 *o;
	char *t1, *t2;

	need_server();

	server_start(&srv, "short", 400, NULL, NULL);
	o = client("http", "localhost", &srv, CLIENT_SECRET, NULL);
	t1 = token_ok(o, T0);
	t2 = token_ok(o, T0 + 199);
	assert_string_equal(t1, t2);
	assert_int_equal(issued(&srv), 1);
	free(t2);
	t2 = token_ok(o, T0 + 200);
	assert_string_not_equal(t1, t2);
	assert_int_equal(issued(&srv), 2);
	oauth2_free(o);
	server_stop(&srv);
	free(t1);
	free(t2);
}

/* expires_in 0: usable once, so every call fetches anew. */
static void
test_zero_lifetime(void **state)
{
	struct server srv = {0};
	struct oauth2 *o;
	char *t1, *t2;

	need_server();

	server_start(&srv, "zero", 0, NULL, NULL);
	o = client("http", "127.0.0.1", &srv, CLIENT_SECRET, NULL);
	t1 = token_ok(o, T0);
	t2 = token_ok(o, T0);
	assert_string_not_equal(t1, t2);
	assert_int_equal(issued(&srv), 2);
	oauth2_free(o);
	server_stop(&srv);
	free(t1);
	free(t2);
}

/* A secret with every character that the form encoding must escape. */
static void
test_secret_escaped(void **state)
{
	static const char secret[] = "a+b&c=d%20e f~g.h_i-j/k?l#m\xc3\xa9";
	struct server srv = {.secret = secret};
	struct oauth2 *o;
	char *t;

	need_server();

	server_start(&srv, "escaped", 3600, NULL, NULL);
	o = client("http", "127.0.0.1", &srv, secret, NULL);
	t = token_ok(o, T0);
	free(t);
	oauth2_free(o);
	o = client("http", "127.0.0.1", &srv, "a b&c=d%20e f~g.h_i-j/k?l#m",
		   NULL);
	token_fails(o, T0, "invalid_client");
	oauth2_free(o);
	assert_int_equal(issued(&srv), 1);
	server_stop(&srv);
}

/* Which RFC 6749 §5.2 error codes refuse the client itself. */
static void
test_refusal_codes(void **state)
{
	static const struct {
		const char *code;
		bool refusal;
	} rows[] = {
		{"invalid_client", true},
		{"invalid_grant", true},
		{"unauthorized_client", true},
		{"invalid_request", false},
		{"invalid_scope", false},
		{"unsupported_grant_type", false},
		{"temporarily_unavailable", false},
		{"server_error", false},
		{"Invalid_Client", false},
		{"", false},
		{NULL, false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(oauth2_error_is_refusal(rows[i].code),
				 rows[i].refusal);
}

static void
test_wrong_secret(void **state)
{
	struct server srv = {0};
	struct oauth2 *o;

	need_server();

	server_start(&srv, "secret", 3600, NULL, NULL);
	o = client("http", "127.0.0.1", &srv, "wrong-s3cret", NULL);
	token_fails(o, T0, "HTTP 401: invalid_client");
	/* a refusal: the cycle holds the login for login_retry */
	assert_true(oauth2_refused(o));
	/* and again: a failure leaves no token behind */
	token_fails(o, T0 + 1, "invalid_client");
	assert_true(oauth2_refused(o));
	assert_int_equal(issued(&srv), 0);
	oauth2_free(o);
	server_stop(&srv);
}

/* The endpoint goes away: the current token serves until it expires,
   then the connection failure is reported. */
static void
test_endpoint_down(void **state)
{
	struct server srv = {0};
	struct oauth2 *o;
	char *t1, *t2;

	need_server();

	server_start(&srv, "down", 3600, NULL, NULL);
	o = client("http", "127.0.0.1", &srv, CLIENT_SECRET, NULL);
	t1 = token_ok(o, T0);
	server_stop(&srv);

	t2 = token_ok(o, T0 + 3600 - OAUTH2_RENEW_MARGIN);
	assert_string_equal(t1, t2);
	free(t2);
	t2 = token_ok(o, T0 + 3599);
	assert_string_equal(t1, t2);
	token_fails(o, T0 + 3600, "connect");
	/* the network, not a refusal */
	assert_false(oauth2_refused(o));
	/* and with no token at all */
	token_fails(o, T0 + 3601, "127.0.0.1");
	oauth2_free(o);
	free(t1);
	free(t2);
}

static char *
pki(const char *name)
{
	return xasprintf("%s/pki/%s", tmpdir, name);
}

static void
test_https(void **state)
{
	struct server srv = {0};
	struct oauth2 *o;
	char *ca, *cert, *key, *t;

	need_server();
	if (!have_pki)
		skip();
	ca = pki("ca.pem");
	cert = pki("server.pem");
	key = pki("server.key");
	server_start(&srv, "https", 3600, cert, key);
	srv.ca = ca;
	o = client("https", "localhost", &srv, CLIENT_SECRET, ca);
	t = token_ok(o, T0);
	assert_live(&srv, t);
	free(t);
	oauth2_free(o);
	o = client("https", "127.0.0.1", &srv, CLIENT_SECRET, ca);
	t = token_ok(o, T0);
	free(t);
	oauth2_free(o);
	assert_int_equal(issued(&srv), 2);
	/* the test CA is in no system store */
	o = client("https", "localhost", &srv, CLIENT_SECRET, NULL);
	token_fails(o, T0, "certificate");
	oauth2_free(o);
	/* the client does not speak http to an https port, nor the reverse */
	o = client("http", "127.0.0.1", &srv, CLIENT_SECRET, ca);
	token_fails(o, T0, "token request failed");
	oauth2_free(o);
	assert_int_equal(issued(&srv), 2);
	server_stop(&srv);
	free(ca);
	free(cert);
	free(key);
}

/* A server certificate from another CA, or for another name. */
static void
test_https_refused(void **state)
{
	static const char *const certs[] = {"untrusted", "wrong", "expired"};
	char *ca, *cert, *key, *name;
	struct server srv = {0};
	struct oauth2 *o;
	size_t i;

	need_server();
	if (!have_pki)
		skip();
	ca = pki("ca.pem");
	for (i = 0; i < nitems(certs); i++) {
		cert = xasprintf("%s/pki/%s.pem", tmpdir, certs[i]);
		key = xasprintf("%s/pki/%s.key", tmpdir, certs[i]);
		name = xasprintf("https-%s", certs[i]);
		server_start(&srv, name, 3600, cert, key);
		o = client("https", "localhost", &srv, CLIENT_SECRET, ca);
		token_fails(o, T0, "certificate");
		oauth2_free(o);
		server_stop(&srv);
		free(cert);
		free(key);
		free(name);
	}
	free(ca);
}

static int
setup(void **state)
{
	(void)state;
	return testdir_make(tmpdir, sizeof(tmpdir), "test-oauth2",
			    access(PYSERVER_PYTHON, X_OK) == 0, &have_pki);
}

static int
teardown(void **state)
{
	(void)state;
	return testdir_remove(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_renew_at),
		cmocka_unit_test(test_url_policy),
		cmocka_unit_test(test_settings_required),
		cmocka_unit_test(test_parse_answer),
		cmocka_unit_test(test_refusal_codes),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test_teardown(test_fetch_and_renew,
					  pyserver_stop_all),
		cmocka_unit_test_teardown(test_short_lifetime,
					  pyserver_stop_all),
		cmocka_unit_test_teardown(test_zero_lifetime,
					  pyserver_stop_all),
		cmocka_unit_test_teardown(test_secret_escaped,
					  pyserver_stop_all),
		cmocka_unit_test_teardown(test_wrong_secret, pyserver_stop_all),
		cmocka_unit_test_teardown(test_endpoint_down,
					  pyserver_stop_all),
		cmocka_unit_test_teardown(test_https, pyserver_stop_all),
		cmocka_unit_test_teardown(test_https_refused,
					  pyserver_stop_all),
	};
	int rc;

	/* requests to 127.0.0.1 must not wander off to a proxy */
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
