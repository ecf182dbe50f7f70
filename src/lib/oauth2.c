/*
 * OAuth 2.0 client-credentials grant: RFC 6749 §4.4 (request), §5.1 and
 * §5.2 (success and error answers), §2.3.1 (client secret in the body);
 * the token is a Bearer token (RFC 6750).  HTTPS over libcurl, the answer
 * parsed with json-c.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "log.h"
#include "oauth2.h"
#include "util.h"

/* How much of the server's error text goes into an error message. */
#define OAUTH2_ERROR_TEXT_MAX 300

struct oauth2 {
	char *url;
	const char *protocol; /* "https", or "http" for a loopback host */
	char *client_id;
	char *client_secret;
	char *scope; /* NULL: none sent */
	char *ca_file;
	long timeout;

	char *token;  /* NULL: none yet, or invalidated */
	bool refused; /* the last request failed with a refusal */
	time_t renew_at;
	time_t expires_at;
};

/* The response body, read into one fixed buffer so that no reallocation
   leaves copies of the token behind. */
struct oauth2_answer {
	char *data;
	size_t len;
	bool too_big;
};

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static bool
host_is_loopback(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	/* the URL parser keeps the brackets of an IPv6 literal */
	if (len < 2 || host[0] != '[' || host[len - 1] != ']' ||
	    len - 2 >= sizeof(buf))
		return false;
	memcpy(buf, host + 1, len - 2);
	buf[len - 2] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Sets *protocol_r to the one protocol curl may use for url. */
static int
check_url(const char *url, const char **protocol_r, char **error_r)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (u == NULL)
		fatalx("out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		*error_r = xasprintf("token_url %s is not a valid URL", url);
	} else if (strcmp(scheme, "https") == 0) {
		*protocol_r = "https";
		rc = 0;
	} else if (strcmp(scheme, "http") == 0 && host_is_loopback(host)) {
		/* a plain-text secret never leaves the machine */
		*protocol_r = "http";
		rc = 0;
	} else {
		*error_r = xasprintf("token_url %s must use https:// "
				     "(http:// only for a loopback host)",
				     url);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

struct oauth2 *
oauth2_new(const struct oauth2_settings *set, char **error_r)
{
	struct oauth2 *o;
	const char *protocol;

	if (set->token_url == NULL || set->client_id == NULL ||
	    set->client_id[0] == '\0' || set->client_secret == NULL ||
	    set->client_secret[0] == '\0') {
		*error_r = xasprintf("OAuth2 needs token_url, client_id and "
				     "a client secret");
		return NULL;
	}
	if (check_url(set->token_url, &protocol, error_r) == -1)
		return NULL;
	o = xcalloc(1, sizeof(*o));
	o->url = xstrdup(set->token_url);
	o->protocol = protocol;
	o->client_id = xstrdup(set->client_id);
	o->client_secret = xstrdup(set->client_secret);
	if (set->scope != NULL && set->scope[0] != '\0')
		o->scope = xstrdup(set->scope);
	if (set->ca_file != NULL)
		o->ca_file = xstrdup(set->ca_file);
	o->timeout =
		set->timeout == 0 ? OAUTH2_DEFAULT_TIMEOUT : (long)set->timeout;
	return o;
}

void
oauth2_invalidate(struct oauth2 *o)
{
	wipe_free(o->token);
	o->token = NULL;
}

void
oauth2_free(struct oauth2 *o)
{
	if (o == NULL)
		return;
	oauth2_invalidate(o);
	wipe_free(o->client_secret);
	free(o->url);
	free(o->client_id);
	free(o->scope);
	free(o->ca_file);
	free(o);
}

time_t
oauth2_renew_at(time_t obtained, long expires_in)
{
	long wait;

	if (expires_in <= 0)
		return obtained;
	if (expires_in > OAUTH2_EXPIRES_IN_MAX)
		expires_in = OAUTH2_EXPIRES_IN_MAX;
	wait = expires_in - OAUTH2_RENEW_MARGIN;
	if (wait < expires_in / 2)
		wait = expires_in / 2;
	return obtained + wait;
}

/* A copy of server text fit for a log line: control characters become
   spaces (Microsoft's descriptions carry CR LF) and it is cut short. */
static char *
clean_text(const char *s)
{
	char *out = xstrndup(s, OAUTH2_ERROR_TEXT_MAX);
	char *p;

	for (p = out; *p != '\0'; p++) {
		if (iscntrl((unsigned char)*p))
			*p = ' ';
	}
	return util_trim(out);
}

static const char *
json_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

bool
oauth2_error_is_refusal(const char *code)
{
	static const char *const refusals[] = {
		"invalid_client",
		"invalid_grant",
		"unauthorized_client",
	};
	size_t i;

	for (i = 0; code != NULL && i < nitems(refusals); i++)
		if (strcmp(code, refusals[i]) == 0)
			return true;
	return false;
}

/* The answer of a failed request, with the RFC 6749 §5.2 fields when the
   body has them; *refused_r as oauth2_error_is_refusal(). */
static char *
http_error(long status, struct json_object *obj, bool *refused_r)
{
	const char *err = NULL, *desc = NULL;
	char *e, *d, *msg;

	if (obj != NULL) {
		err = json_str(obj, "error");
		desc = json_str(obj, "error_description");
	}
	*refused_r = oauth2_error_is_refusal(err);
	if (err == NULL)
		return xasprintf("token endpoint answered HTTP %ld without an "
				 "OAuth2 error",
				 status);
	e = clean_text(err);
	d = clean_text(desc != NULL ? desc : "");
	msg = xasprintf("token endpoint answered HTTP %ld: %s%s%s%s", status, e,
			d[0] != '\0' ? " (" : "", d, d[0] != '\0' ? ")" : "");
	free(e);
	free(d);
	return msg;
}

/* expires_in as a number or (as some servers send it) a numeric string;
   OAUTH2_DEFAULT_EXPIRES_IN when absent. */
static int
parse_expires_in(struct json_object *obj, long *expires_in_r)
{
	struct json_object *v;
	long long n;
	double d;
	const char *error;

	if (!json_object_object_get_ex(obj, "expires_in", &v) || v == NULL) {
		*expires_in_r = OAUTH2_DEFAULT_EXPIRES_IN;
		return 0;
	}
	switch (json_object_get_type(v)) {
	case json_type_int:
		n = (long long)json_object_get_int64(v);
		break;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d < 0 || d > OAUTH2_EXPIRES_IN_MAX)
			return -1;
		n = (long long)d;
		break;
	case json_type_string:
		if (util_strtonum(json_object_get_string(v), 0,
				  OAUTH2_EXPIRES_IN_MAX, &n, &error) == -1)
			return -1;
		break;
	default:
		return -1;
	}
	if (n < 0 || n > OAUTH2_EXPIRES_IN_MAX)
		return -1;
	*expires_in_r = (long)n;
	return 0;
}

/* A Bearer token goes into an Authorization header or a SASL string:
   printable ASCII without spaces only (RFC 6749 Appendix A.12). */
static bool
token_is_sane(struct json_object *v)
{
	const char *s = json_object_get_string(v);
	size_t i, len = (size_t)json_object_get_string_len(v);

	if (len == 0 || len > OAUTH2_TOKEN_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	}
	return true;
}

/* The RFC 6749 §5.1 answer: access_token, token_type Bearer and
   expires_in. */
static int
parse_token(struct json_object *obj, char **token_r, long *expires_in_r,
	    char **error_r)
{
	struct json_object *v;
	const char *type = json_str(obj, "token_type");
	char *t;

	if (!json_object_object_get_ex(obj, "access_token", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		*error_r = xasprintf("token endpoint sent no access_token");
		return -1;
	}
	if (!token_is_sane(v)) {
		*error_r = xasprintf("token endpoint sent an access_token that "
				     "is empty, too long or not printable");
		return -1;
	}
	if (type == NULL || strcasecmp(type, "Bearer") != 0) {
		t = clean_text(type != NULL ? type : "(none)");
		*error_r = xasprintf("token endpoint sent token_type %s, not "
				     "Bearer",
				     t);
		free(t);
		return -1;
	}
	if (parse_expires_in(obj, expires_in_r) == -1) {
		*error_r = xasprintf("token endpoint sent an invalid "
				     "expires_in");
		return -1;
	}
	*token_r = xstrdup(json_object_get_string(v));
	return 0;
}

/* oauth2_parse_answer(), and whether a failure is a refusal. */
static int
parse_answer(long status, const char *body, size_t len, char **token_r,
	     long *expires_in_r, bool *refused_r, char **error_r)
{
	struct json_tokener *tok;
	struct json_object *obj;
	int rc = -1;

	if (len > OAUTH2_RESPONSE_MAX) {
		*error_r = xasprintf("token endpoint answered with more than "
				     "%d bytes",
				     OAUTH2_RESPONSE_MAX);
		return -1;
	}
	tok = json_tokener_new();
	if (tok == NULL)
		fatalx("out of memory");
	obj = json_tokener_parse_ex(tok, body, (int)len);
	if (obj != NULL && !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		obj = NULL;
	}
	*refused_r = false;
	if (status != 200)
		*error_r = http_error(status, obj, refused_r);
	else if (obj == NULL)
		*error_r = xasprintf("token endpoint answered HTTP 200 but "
				     "not with a JSON object");
	else
		rc = parse_token(obj, token_r, expires_in_r, error_r);
	/* json-c frees its copies of the token without wiping them */
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

int
oauth2_parse_answer(long status, const char *body, size_t len, char **token_r,
		    long *expires_in_r, char **error_r)
{
	bool refused;

	return parse_answer(status, body, len, token_r, expires_in_r, &refused,
			    error_r);
}

static size_t
answer_write(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct oauth2_answer *ans = ctx;

	/* size is 1 by contract, so size * nmemb cannot overflow */
	if (nmemb > OAUTH2_RESPONSE_MAX - ans->len) {
		ans->too_big = true;
		return 0;
	}
	memcpy(ans->data + ans->len, ptr, size * nmemb);
	ans->len += size * nmemb;
	ans->data[ans->len] = '\0';
	return size * nmemb;
}

/* The form body of the request (secret included: the caller wipes it). */
static char *
form_body(const struct oauth2 *o, CURL *h)
{
	char *id, *secret, *scope = NULL, *body;

	id = curl_easy_escape(h, o->client_id, 0);
	secret = curl_easy_escape(h, o->client_secret, 0);
	if (o->scope != NULL)
		scope = curl_easy_escape(h, o->scope, 0);
	if (id == NULL || secret == NULL || (o->scope != NULL && scope == NULL))
		fatalx("out of memory");
	body = xasprintf("grant_type=client_credentials&client_id=%s"
			 "&client_secret=%s%s%s",
			 id, secret, scope != NULL ? "&scope=" : "",
			 scope != NULL ? scope : "");
	explicit_bzero(secret, strlen(secret));
	curl_free(id);
	curl_free(secret);
	curl_free(scope);
	return body;
}

static int
request_setup(const struct oauth2 *o, CURL *h, struct curl_slist *headers,
	      const char *body, struct oauth2_answer *ans, char *errbuf)
{
	/* no redirects: a 3xx must not carry the secret somewhere else */
	if (curl_easy_setopt(h, CURLOPT_URL, o->url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, o->protocol) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    (o->ca_file != NULL &&
	     (curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file) != CURLE_OK ||
	      curl_easy_setopt(h, CURLOPT_CAPATH, NULL) != CURLE_OK)) ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->timeout) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_USERAGENT, PACKAGE_STRING) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body)) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, answer_write) !=
		    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, ans) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK)
		return -1;
	return 0;
}

/* One token request; the caller owns and wipes *token_r.  Sets
   o->refused. */
static int
fetch(struct oauth2 *o, char **token_r, long *expires_in_r, char **error_r)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct oauth2_answer ans = {0};
	struct curl_slist *headers;
	CURL *h = curl_easy_init();
	CURLcode res;
	long status = 0;
	char *body;
	int rc = -1;

	o->refused = false;
	headers = curl_slist_append(NULL, "Accept: application/json");
	if (h == NULL || headers == NULL)
		fatalx("out of memory");
	body = form_body(o, h);
	ans.data = xmalloc(OAUTH2_RESPONSE_MAX + 1);
	ans.data[0] = '\0';
	if (request_setup(o, h, headers, body, &ans, errbuf) == -1) {
		*error_r = xasprintf("cannot set up the token request");
		goto out;
	}
	res = curl_easy_perform(h);
	if (ans.too_big) {
		*error_r = xasprintf("token endpoint answered with more than "
				     "%d bytes",
				     OAUTH2_RESPONSE_MAX);
	} else if (res != CURLE_OK) {
		*error_r = xasprintf(
			"token request failed: %s",
			errbuf[0] != '\0' ? errbuf : curl_easy_strerror(res));
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		rc = parse_answer(status, ans.data, ans.len, token_r,
				  expires_in_r, &o->refused, error_r);
	}
out:
	/* libcurl frees its own buffers of the exchange unwiped */
	explicit_bzero(ans.data, ans.len);
	free(ans.data);
	wipe_free(body);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return rc;
}

bool
oauth2_refused(const struct oauth2 *o)
{
	return o->refused;
}

const char *
oauth2_token(struct oauth2 *o, time_t now, char **error_r)
{
	char *token, *error;
	long expires_in;

	if (o->token != NULL && now < o->renew_at)
		return o->token;
	if (fetch(o, &token, &expires_in, &error) == -1) {
		if (o->token != NULL && now < o->expires_at) {
			/* a brief outage of the endpoint need not stop
			   logins while the token still works */
			log_warnx("cannot renew the access token, using the "
				  "current one until it expires: %s",
				  error);
			free(error);
			return o->token;
		}
		oauth2_invalidate(o);
		*error_r = error;
		return NULL;
	}
	oauth2_invalidate(o);
	o->token = token;
	o->renew_at = oauth2_renew_at(now, expires_in);
	o->expires_at = now + expires_in;
	log_info("obtained an access token valid for %ld s", expires_in);
	return o->token;
}
