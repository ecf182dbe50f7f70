/*
 * Authentication-Results (RFC 8601) as servers write them, with the DMARC
 * results of RFC 7489 and the DKIM properties of RFC 6376 and RFC 6008:
 * a reader of one header field value, and the judgement classify() makes
 * from all of a message's.
 *
 * The reader is a tokenizer, not a search for "dmarc=".  Comments nest
 * and are skipped, quoted strings are unquoted (RFC 5322 CFWS and
 * quoted-string), and a result begins only where the grammar puts one:
 * at the start of a resinfo, right after a ';' outside every comment and
 * quoted string.  So the text a sender chooses (an SPF comment that
 * echoes the envelope sender, the values of smtp.mailfrom= and
 * smtp.helo=) is a comment or a property value and never a result.
 *
 * Microsoft 365 writes no authserv-id: "spf=pass (sender IP is ...)
 * smtp.mailfrom=x.nl; x.nl; dkim=pass ...".  A first element that holds
 * a method result is read as one, and a bare token where a resinfo
 * belongs is skipped (so is "none", RFC 8601's no-result).
 */
#ifndef AANMELD_AUTHRES_H
#define AANMELD_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

/* The longest header field value read (bytes); a longer one is
   unreadable as a whole, for a cut could drop a result. */
#define AUTHRES_VALUE_MAX 8192
/* The most properties (ptype.property=value) of one result; reason=
   is kept apart. */
#define AUTHRES_PROPS_MAX 16
/* The deepest nesting of comments: "(a (b))" is 2. */
#define AUTHRES_DEPTH_MAX 16
/* The size of a word in struct authres_summary, with its NUL. */
#define AUTHRES_WORD_MAX 32

/* One property of a result: "header.from=utrecht.nl" is ptype "header",
   property "from", value "utrecht.nl".  Microsoft 365's "action=none"
   has ptype "".  ptype and property are lower case, value unquoted. */
struct authres_prop {
	const char *ptype;
	const char *property;
	const char *value;
};

/* One resinfo: "dmarc=pass (p=none) header.from=utrecht.nl". */
struct authres_result {
	const char *method; /* lower case, without a version: "dmarc" */
	const char *result; /* lower case: "pass", "fail", "none", ... */
	const char *reason; /* the reason= value, or NULL */
	struct authres_prop props[AUTHRES_PROPS_MAX];
	size_t n_props;
};

/* A reader of one header field value (opaque). */
struct authres;

/* Starts reading value, one unfolded header field value; it is copied.
   Never NULL (a value over AUTHRES_VALUE_MAX is read as broken).
   Release with authres_free(). */
struct authres *authres_new(const char *value);
/* The authserv-id as written, "" when the header has none (Microsoft
   365), or NULL when the start of the value cannot be read.  Borrowed
   until authres_free(). */
const char *authres_id(const struct authres *ar);
/*
 * The next result: 1 with it in *r, 0 after the last one, or -1 when the
 * value breaks the grammar (a comment or quoted string that is not
 * closed, a stray ')', a limit above), with the reason in *error_r
 * (static text).  Once it returned 0 or -1, it returns that again.  The
 * strings in *r are borrowed until the next call or authres_free().  A
 * caller that believes a header must drop all of its results when -1
 * comes: a broken quote may have hidden a ';'.
 */
int authres_next(struct authres *ar, struct authres_result *r,
		 const char **error_r);
/* The value of ptype.property in r (ASCII case-insensitive; ptype ""
   for a property without one), or NULL.  Borrowed as r's strings. */
const char *authres_prop(const struct authres_result *r, const char *ptype,
			 const char *property);
/* authres_free(NULL) does nothing. */
void authres_free(struct authres *ar);

enum authres_outcome {
	AUTHRES_UNTRUSTED, /* no server is trusted: no judgement */
	AUTHRES_PASS,	   /* the From domain is authenticated */
	AUTHRES_FAIL,	   /* DMARC failed: the sender may be forged */
	AUTHRES_NONE,	   /* trusted, but nothing authenticates the
			      sender (fail closed: a person looks) */
};

/* What the trusted headers said, in words for the reasons. */
struct authres_summary {
	size_t trusted;	   /* trusted header fields found */
	size_t unreadable; /* of those, broken ones (results not used) */
	size_t forged;	   /* with our id below our zone: not used */
	char dmarc[AUTHRES_WORD_MAX]; /* the deciding result, or "" */
	char spf[AUTHRES_WORD_MAX];   /* the first result, or "" */
	char dkim[AUTHRES_WORD_MAX];  /* "pass" if one passed, the first
					 result, or "" */
	const char *detail;	      /* why, in English (static), never NULL */
};

/*
 * Judges the n header field values (topmost first).  Trusted are those
 * whose authserv-id is trusted_id (ASCII case-insensitive, as domain
 * names compare; NULL or "" for none) and, when trust_unlabelled is set,
 * the topmost one without an authserv-id, in the zone of the topmost
 * field of all.  zones (NULL: all 0) gives for
 * each field the number of Received fields above it: a trusted field
 * counts only in the zone of the topmost one, since below the Received
 * field of our own border MTA the header is the sender's, and a field
 * there that claims our id is forged (RFC 8601 section 5), even where
 * the MTA did not remove it.  The results of all trusted fields count
 * together (OpenDKIM, OpenDMARC and policyd-spf each write their own
 * field under one authserv-id):
 *
 *  - FAIL when any DMARC result is "fail", or carries the policy action
 *    quarantine or reject (action=, policy.dmarc=), whatever passed;
 *  - else NONE when a trusted field is unreadable;
 *  - PASS for a DMARC pass whose header.from is from_domain, or for a
 *    DMARC "none" (no policy; Microsoft's "bestguesspass") or
 *    "temperror" with a DKIM pass whose header.d (or the domain of
 *    header.i) is from_domain or a parent of it;
 *  - NONE otherwise, also when no field is trusted.
 *
 * UNTRUSTED when neither trusted_id nor trust_unlabelled is set.
 * from_domain may be NULL (then nothing passes).  Fills *out.
 */
enum authres_outcome
authres_judge(const char *const *values, const unsigned *zones, size_t n,
	      const char *trusted_id, bool trust_unlabelled,
	      const char *from_domain, struct authres_summary *out);

#endif
