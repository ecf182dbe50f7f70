/*
 * An OAuth 2.0 access token for IMAP and SMTP, obtained by the daemon
 * itself through the client-credentials grant (RFC 6749 §4.4, client
 * authentication in the request body as §2.3.1 allows) and used as a
 * Bearer token (RFC 6750) in SASL XOAUTH2.  Microsoft 365 turned basic
 * authentication for IMAP and SMTP off, so this is how the daemon logs in
 * there.  libetpan's mailimap_oauth2_authenticate() and libcurl's
 * CURLOPT_XOAUTH2_BEARER build the XOAUTH2 string from the token.
 *
 * The token lives in memory only and is wiped when replaced or freed.
 * Neither the client secret nor the token is ever logged.
 */
#ifndef AANMELD_OAUTH2_H
#define AANMELD_OAUTH2_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Renew this many seconds before the token expires, so that a login that
   starts just before the expiry does not present a stale token. */
#define OAUTH2_RENEW_MARGIN 300
/* The lifetime assumed when the server sends no expires_in. */
#define OAUTH2_DEFAULT_EXPIRES_IN 3600
/* expires_in is accepted in [0, OAUTH2_EXPIRES_IN_MAX] seconds; with 0
   (expired at once) every oauth2_token() fetches a new token. */
#define OAUTH2_EXPIRES_IN_MAX (366L * 24 * 3600)
/* The token endpoint's answer is read up to this many bytes. */
#define OAUTH2_RESPONSE_MAX (64 * 1024)
/* The longest access token accepted (Microsoft's JWTs are 1-4 KB). */
#define OAUTH2_TOKEN_MAX (16 * 1024)
/* The timeout used when the settings give 0. */
#define OAUTH2_DEFAULT_TIMEOUT 30

/* Borrowed by oauth2_new(), which copies what it keeps. */
struct oauth2_settings {
	/* e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token;
	   http:// only for a loopback host (tests) */
	const char *token_url;
	const char *client_id;
	const char *client_secret; /* read from a file by the caller */
	/* e.g. https://outlook.office365.com/.default; NULL or "" sends
	   none */
	const char *scope;
	/* PEM file of the CAs to trust, instead of the system store;
	   NULL: the system store */
	const char *ca_file;
	unsigned timeout; /* seconds per request; 0: the default */
};

struct oauth2;

/* A token source for the settings.  NULL with *error_r (heap) when the
   URL is not https:// (or http:// to a loopback host) or a setting is
   missing.  Makes no request yet.  The program calls curl_global_init()
   once at start-up. */
struct oauth2 *oauth2_new(const struct oauth2_settings *set, char **error_r);
/* Wipes the secret and the token and frees o; NULL is fine. */
void oauth2_free(struct oauth2 *o);

/* A valid access token, fetching a new one when there is none or now has
   reached its renewal time (oauth2_renew_at()).  The token is borrowed:
   valid until the next oauth2_token(), oauth2_invalidate() or
   oauth2_free().  When a renewal fails while the current token has not
   expired yet, that token is returned (with a warning logged).
   Otherwise NULL with *error_r (heap) naming the connection failure, or
   the HTTP status with the server's "error" and "error_description". */
const char *oauth2_token(struct oauth2 *o, time_t now, char **error_r);
/* True when the last token request failed because the endpoint refused
   the client itself (oauth2_error_is_refusal()): a wrong secret or id
   that a person must fix, not a passing failure. */
bool oauth2_refused(const struct oauth2 *o);
/* True for the RFC 6749 §5.2 error codes that refuse the client:
   invalid_client, invalid_grant and unauthorized_client.  Pure. */
bool oauth2_error_is_refusal(const char *code);
/* Wipes the token, after the server rejected a login with it, so that
   the next oauth2_token() fetches a new one. */
void oauth2_invalidate(struct oauth2 *o);

/* When to renew a token that lives expires_in seconds from obtained:
   OAUTH2_RENEW_MARGIN before the expiry, but no sooner than halfway
   through its life, so a very short token is not renewed at every use.
   expires_in <= 0 gives obtained (renew now); a lifetime beyond
   OAUTH2_EXPIRES_IN_MAX counts as that maximum.  Pure. */
time_t oauth2_renew_at(time_t obtained, long expires_in);

/* Reads the token endpoint's answer: HTTP status and body (len bytes, at
   most OAUTH2_RESPONSE_MAX).  0 for a 200 with an access_token (at most
   OAUTH2_TOKEN_MAX printable characters), token_type Bearer and a valid
   expires_in: *token_r (heap; the caller wipes and frees it) and
   *expires_in_r.  Otherwise -1 with *error_r (heap).  Pure. */
int oauth2_parse_answer(long status, const char *body, size_t len,
			char **token_r, long *expires_in_r, char **error_r);

#endif
