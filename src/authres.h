/*
 * Authentication-Results (RFC 8601, with RFC 7489 DMARC results): only
 * the fields a classifier needs.  Comments are stripped; Microsoft 365's
 * header without an authserv-id is recognised (authserv_id is then "").
 */
#ifndef AANMELD_AUTHRES_H
#define AANMELD_AUTHRES_H

#define AUTHRES_TOKEN_MAX 64

struct authres {
	char authserv_id[AUTHRES_TOKEN_MAX]; /* "" when absent */
	char dmarc[AUTHRES_TOKEN_MAX]; /* "pass", "fail", ...; "" if absent */
	char spf[AUTHRES_TOKEN_MAX];
	char dkim[AUTHRES_TOKEN_MAX]; /* "pass" if any signature passed */
	char header_from[AUTHRES_TOKEN_MAX]; /* dmarc's header.from */
};

/* Parses one unfolded header value.  0 on success, -1 when the value has
   no method results at all (then *out holds what was found). */
int authres_parse(const char *value, struct authres *out);

#endif
