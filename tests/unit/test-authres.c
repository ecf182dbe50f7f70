/*
 * Unit tests for Authentication-Results (RFC 8601): the reader on the
 * shapes real servers write (OpenDKIM, OpenDMARC, policyd-spf, Gmail,
 * Microsoft 365 without an authserv-id) and on text a sender chooses,
 * its limits, and the judgement over all of a message's header fields.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authres.h"
#include "buf.h"
#include "defs.h"
#include "util.h"

/* The results of value as text: "method=result reason=r p.q=v | ...",
   then " !" when the value broke the grammar.  Returns the final rc. */
static int
render(const char *value, struct buf *b)
{
	struct authres *ar = authres_new(value);
	struct authres_result r;
	const char *error = NULL;
	size_t i;
	int rc;

	for (;;) {
		rc = authres_next(ar, &r, &error);
		if (rc != 1)
			break;
		if (b->len > 0)
			(void)buf_adds(b, " | ");
		(void)buf_addf(b, "%s=%s", r.method, r.result);
		if (r.reason != NULL)
			(void)buf_addf(b, " reason=%s", r.reason);
		for (i = 0; i < r.n_props; i++)
			(void)buf_addf(b, " %s%s%s=%s", r.props[i].ptype,
				       r.props[i].ptype[0] != '\0' ? "." : "",
				       r.props[i].property, r.props[i].value);
	}
	if (rc == -1) {
		assert_non_null(error);
		(void)buf_adds(b, " !");
	}
	/* and it stays where it ended */
	assert_int_equal(authres_next(ar, &r, &error), rc);
	assert_null(r.method);
	authres_free(ar);
	return rc;
}

static void
test_reader(void **state)
{
	static const struct {
		const char *value;
		const char *id; /* NULL: unreadable from the start */
		const char *results;
	} rows[] = {
		/* Gmail, unfolded; the policy is a comment, not a result */
		{"mx.google.com; dkim=pass header.i=@utrecht.nl "
		 "header.s=selector1 header.b=AbCd0123; spf=pass "
		 "(google.com: domain of jan@utrecht.nl designates "
		 "40.107.6.1 as permitted sender) "
		 "smtp.mailfrom=jan@utrecht.nl; dmarc=pass "
		 "(p=REJECT sp=REJECT dis=NONE) header.from=utrecht.nl",
		 "mx.google.com",
		 "dkim=pass header.i=@utrecht.nl header.s=selector1 "
		 "header.b=AbCd0123 | spf=pass smtp.mailfrom=jan@utrecht.nl | "
		 "dmarc=pass header.from=utrecht.nl"},
		/* Microsoft 365: no authserv-id, a bare domain, no space
		   after ';', properties without a ptype, reason= */
		{"spf=fail (sender IP is 1.1.1.1) smtp.mailfrom=x.nl; x.nl; "
		 "dkim=pass (signature was verified) header.d=x.nl;"
		 "dmarc=bestguesspass action=none header.from=x.nl;"
		 "compauth=pass reason=100",
		 "",
		 "spf=fail smtp.mailfrom=x.nl | dkim=pass header.d=x.nl | "
		 "dmarc=bestguesspass action=none header.from=x.nl | "
		 "compauth=pass reason=100"},
		/* no result, with and without a version */
		{"mx.vng.nl; none", "mx.vng.nl", ""},
		{"mx.vng.nl 1; none", "mx.vng.nl", ""},
		{"mx.vng.nl", "mx.vng.nl", ""},
		/* case: keywords are lowered, the id and values are not */
		{"MX.VNG.NL; DMARC=FAIL (p=none) Header.From=Zwolle.NL",
		 "MX.VNG.NL", "dmarc=fail header.from=Zwolle.NL"},
		/* CFWS around '=', '/' and '.' */
		{"mx.vng.nl; dmarc = pass header . from = vng.nl; "
		 "dkim / 1 = pass header.d=vng.nl",
		 "mx.vng.nl",
		 "dmarc=pass header.from=vng.nl | "
		 "dkim=pass header.d=vng.nl"},
		/* comments everywhere, nested, with a quoted-pair */
		{"(by) mx.vng.nl (v1) ; (x) spf (y) = (z) pass (a (b \\) c) "
		 "d) smtp.mailfrom (e) = (f) x.nl (g)",
		 "mx.vng.nl", "spf=pass smtp.mailfrom=x.nl"},
		/* a quoted authserv-id and quoted values with escapes */
		{"\"mx.vng.nl\"; dkim=pass header.b=\"a\\\"(b;c\" "
		 "reason=\"all \\\\ fine\"",
		 "mx.vng.nl", "dkim=pass reason=all \\ fine header.b=a\"(b;c"},
		/* a quoted local part, then the domain */
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"j de vries\"@x.nl",
		 "mx.vng.nl", "spf=pass smtp.mailfrom=j de vries@x.nl"},
		/* base64 and '=' inside a value */
		{"mx.vng.nl; dkim=pass header.b=Ab+/c== header.d=x.nl",
		 "mx.vng.nl", "dkim=pass header.b=Ab+/c== header.d=x.nl"},
		/* bare words and stray specials are no property */
		{"mx.vng.nl; dkim=pass signed header.d=x.nl , \"q\" x.y",
		 "mx.vng.nl", "dkim=pass header.d=x.nl"},
		/* a method without a result is no result */
		{"mx.vng.nl; dmarc; dmarc=; dmarc=pass", "mx.vng.nl",
		 "dmarc=pass"},
		{"mx.vng.nl;;;", "mx.vng.nl", ""},
		/* policy properties as OpenDMARC and others write them */
		{"mx.vng.nl; dmarc=fail (p=reject dis=none) "
		 "policy.dmarc=reject header.from=x.nl",
		 "mx.vng.nl",
		 "dmarc=fail policy.dmarc=reject header.from=x.nl"},
		/* the unreadable: nothing is known, not even the id */
		{"", NULL, " !"},
		{";;;;", NULL, " !"},
		{"=;=;=", NULL, " !"},
		{"(((((", NULL, " !"},
		{"(mx.vng.nl; dmarc=pass", NULL, " !"},
		/* broken later: the results before it come, then -1 */
		{"mx.vng.nl; dmarc=pass header.from=x.nl; spf=pass (open",
		 "mx.vng.nl", "dmarc=pass header.from=x.nl !"},
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"x; dmarc=pass",
		 "mx.vng.nl", " !"},
		{"mx.vng.nl; spf=pass smtp.helo=a\"b; dmarc=pass", "mx.vng.nl",
		 " !"},
		{"mx.vng.nl; spf=pass smtp.helo=ab) dmarc=pass", "mx.vng.nl",
		 " !"},
		{"mx.vng.nl; dkim=pass header.b=\"ab\\", "mx.vng.nl", " !"},
		{"mx.vng.nl (open", "mx.vng.nl", " !"},
		{"mx.vng.nl); dmarc=pass", "mx.vng.nl", " !"},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		struct authres *ar = authres_new(rows[i].value);
		const char *id = authres_id(ar);
		struct buf b;

		if ((id == NULL) != (rows[i].id == NULL) ||
		    (id != NULL && strcmp(id, rows[i].id) != 0))
			fail_msg("row %zu: id %s, expected %s", i,
				 id != NULL ? id : "NULL",
				 rows[i].id != NULL ? rows[i].id : "NULL");
		authres_free(ar);
		buf_init(&b, 4096);
		(void)render(rows[i].value, &b);
		if (strcmp(buf_str(&b), rows[i].results) != 0)
			fail_msg("row %zu: got \"%s\", expected \"%s\"", i,
				 buf_str(&b), rows[i].results);
		buf_deinit(&b);
	}
}

/*
 * Text a sender chooses never becomes a result: comments that echo the
 * envelope sender, the values of smtp.mailfrom= and smtp.helo=, a
 * result written where only a property can stand.
 */
static void
test_sender_text(void **state)
{
	static const struct {
		const char *value, *results;
	} rows[] = {
		{"mx.vng.nl; spf=pass (mailfrom=x; dmarc=pass "
		 "header.from=amsterdam.nl) smtp.mailfrom=x@evil.example",
		 "spf=pass smtp.mailfrom=x@evil.example"},
		{"mx.vng.nl; spf=pass "
		 "smtp.mailfrom=\"dmarc=pass\"@evil.example",
		 "spf=pass smtp.mailfrom=dmarc=pass@evil.example"},
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"dmarc=pass\"",
		 "spf=pass smtp.mailfrom=dmarc=pass"},
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"x; dmarc=pass "
		 "header.from=utrecht.nl \"@evil.example; dmarc=fail "
		 "header.from=evil.example",
		 "spf=pass smtp.mailfrom=x; dmarc=pass header.from=utrecht.nl "
		 "@evil.example | dmarc=fail header.from=evil.example"},
		{"mx.vng.nl; spf=none smtp.helo=dmarc=pass",
		 "spf=none smtp.helo=dmarc=pass"},
		{"mx.vng.nl; spf=pass smtp.mailfrom=x dmarc=pass "
		 "header.from=utrecht.nl",
		 "spf=pass smtp.mailfrom=x dmarc=pass header.from=utrecht.nl"},
		{"mx.vng.nl; spf=pass (a (b) c; dmarc=pass header.from=x.nl) "
		 "smtp.mailfrom=x.nl",
		 "spf=pass smtp.mailfrom=x.nl"},
		{"mx.vng.nl; auth=pass smtp.auth=\"a)b(c\"",
		 "auth=pass smtp.auth=a)b(c"},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		struct buf b;

		buf_init(&b, 4096);
		assert_int_equal(render(rows[i].value, &b), 0);
		if (strcmp(buf_str(&b), rows[i].results) != 0)
			fail_msg("row %zu: got \"%s\", expected \"%s\"", i,
				 buf_str(&b), rows[i].results);
		buf_deinit(&b);
	}
}

/* A value of len bytes: "mx.vng.nl; dmarc=pass header.b=aaa...". */
static char *
value_of_len(size_t len)
{
	static const char head[] = "mx.vng.nl; dmarc=pass header.b=";
	char *v = xmalloc(len + 1);

	memcpy(v, head, sizeof(head) - 1);
	memset(v + sizeof(head) - 1, 'a', len - (sizeof(head) - 1));
	v[len] = '\0';
	return v;
}

static void
test_limits(void **state)
{
	static const long deltas[] = {-1, 0, 1};
	size_t i, k;

	for (i = 0; i < nitems(deltas); i++) {
		size_t n = (size_t)((long)AUTHRES_VALUE_MAX + deltas[i]);
		char *v = value_of_len(n);
		struct buf b;
		int rc;

		assert_int_equal(strlen(v), n);
		buf_init(&b, 2 * AUTHRES_VALUE_MAX);
		rc = render(v, &b);
		assert_int_equal(rc, deltas[i] <= 0 ? 0 : -1);
		buf_deinit(&b);
		free(v);
	}
	for (i = 0; i < nitems(deltas); i++) {
		size_t n = (size_t)((long)AUTHRES_PROPS_MAX + deltas[i]);
		struct buf v, b;
		int rc;

		buf_init(&v, 4096);
		(void)buf_adds(&v, "mx.vng.nl; dkim=pass reason=r");
		for (k = 0; k < n; k++)
			(void)buf_addf(&v, " header.p%zu=%zu", k, k);
		buf_init(&b, 8192);
		rc = render(buf_str(&v), &b);
		assert_int_equal(rc, deltas[i] <= 0 ? 0 : -1);
		if (rc == 0)
			assert_non_null(strstr(buf_str(&b), "reason=r"));
		buf_deinit(&b);
		buf_deinit(&v);
	}
	for (i = 0; i < nitems(deltas); i++) {
		size_t n = (size_t)((long)AUTHRES_DEPTH_MAX + deltas[i]);
		struct buf v, b;
		int rc;

		buf_init(&v, 4096);
		(void)buf_adds(&v, "mx.vng.nl; dmarc=pass ");
		for (k = 0; k < n; k++)
			(void)buf_adds(&v, "(c ");
		for (k = 0; k < n; k++)
			(void)buf_adds(&v, ")");
		(void)buf_adds(&v, " header.from=x.nl");
		buf_init(&b, 4096);
		rc = render(buf_str(&v), &b);
		assert_int_equal(rc, deltas[i] <= 0 ? 0 : -1);
		if (rc == 0)
			assert_string_equal(buf_str(&b),
					    "dmarc=pass header.from=x.nl");
		buf_deinit(&b);
		buf_deinit(&v);
	}
}

/* OpenDKIM, OpenDMARC and policyd-spf each write their own field. */
#define DKIM_OK                                                                \
	"mx.vng.nl; dkim=pass (2048-bit key; unprotected) "                    \
	"header.d=utrecht.nl header.i=@utrecht.nl header.a=rsa-sha256 "        \
	"header.s=selector1 header.b=Kx3CpS0b"
#define DMARC_OK                                                               \
	"mx.vng.nl; dmarc=pass (p=quarantine dis=none) header.from=utrecht.nl"
#define DMARC_FAIL                                                             \
	"mx.vng.nl; dmarc=fail (p=reject dis=reject) header.from=utrecht.nl"
#define DMARC_NONE "mx.vng.nl; dmarc=none (p=none dis=none) header.from="
#define SPF_OK                                                                 \
	"mx.vng.nl; spf=pass (sender SPF authorized) "                         \
	"smtp.mailfrom=j.devries@utrecht.nl"

/* Separates the header field values of a row. */
#define THEN "\n"
#define VALUES_MAX 6

struct judge_row {
	const char *values; /* header field values, topmost first, each
			       ended by a line break but the last */
	const char *trusted_id;
	bool unlabelled;
	const char *from_domain;
	enum authres_outcome outcome;
	const char *words;  /* "dmarc spf dkim" of the summary, or NULL */
	const char *detail; /* a substring, or NULL */
};

static const char *const outcome_names[] = {"untrusted", "pass", "fail",
					    "none"};

static void
check_judge(const struct judge_row *rows, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const struct judge_row *r = &rows[i];
		const char *values[VALUES_MAX];
		unsigned zones[VALUES_MAX], zone;
		struct authres_summary s;
		enum authres_outcome o;
		char words[3 * AUTHRES_WORD_MAX + 3], *all, *p;

		/* "a\nb" is two fields, "" none; a line "Received" is a
		   Received field between them */
		all = xstrdup(r->values);
		k = 0;
		zone = 0;
		for (p = all; *p != '\0' && k < VALUES_MAX;) {
			char *v = p;

			p += strcspn(p, "\n");
			if (*p == '\n')
				*p++ = '\0';
			if (strcmp(v, "Received") == 0) {
				zone++;
				continue;
			}
			zones[k] = zone;
			values[k++] = v;
		}
		assert_int_equal(*p, '\0');
		memset(&s, 'x', sizeof(s)); /* nothing stale survives */
		o = authres_judge(values, zones, k, r->trusted_id,
				  r->unlabelled, r->from_domain, &s);
		free(all);
		(void)snprintf(words, sizeof(words), "%s %s %s", s.dmarc, s.spf,
			       s.dkim);
		print_message("row %zu: %s [%s] (%s)\n", i, outcome_names[o],
			      words, s.detail);
		if (o != r->outcome)
			fail_msg("row %zu: %s, expected %s", i,
				 outcome_names[o], outcome_names[r->outcome]);
		if (r->words != NULL && strcmp(words, r->words) != 0)
			fail_msg("row %zu: words [%s], expected [%s]", i, words,
				 r->words);
		assert_non_null(s.detail);
		if (r->detail != NULL && strstr(s.detail, r->detail) == NULL)
			fail_msg("row %zu: detail \"%s\", expected \"%s\"", i,
				 s.detail, r->detail);
	}
}

static void
test_judge_servers(void **state)
{
	static const struct judge_row rows[] = {
		/* three fields, one authserv-id: they count together */
		{DKIM_OK THEN DMARC_OK THEN SPF_OK, "mx.vng.nl", false,
		 "utrecht.nl", AUTHRES_PASS, "pass pass pass", "DMARC pass"},
		{SPF_OK THEN DKIM_OK THEN DMARC_FAIL, "mx.vng.nl", false,
		 "utrecht.nl", AUTHRES_FAIL, "fail pass pass", NULL},
		/* no DMARC result at all: fail closed */
		{SPF_OK THEN DKIM_OK, "mx.vng.nl", false, "utrecht.nl",
		 AUTHRES_NONE, " pass pass", "no DMARC result"},
		{"", "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, "  ",
		 "no Authentication-Results from the trusted server"},
		{"mx.vng.nl; none", "mx.vng.nl", false, "utrecht.nl",
		 AUTHRES_NONE, NULL, "no DMARC result"},
		{"mx.vng.nl 1; none" THEN DMARC_OK, "mx.vng.nl", false,
		 "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		/* nothing trusted: no judgement, whatever is written */
		{DMARC_FAIL, NULL, false, "utrecht.nl", AUTHRES_UNTRUSTED, "  ",
		 NULL},
		{DMARC_OK, "", false, "utrecht.nl", AUTHRES_UNTRUSTED, NULL,
		 NULL},
		/* the id is a domain name: case does not matter */
		{"MX.VNG.NL; dmarc=pass header.from=utrecht.nl", "mx.vng.nl",
		 false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		{DMARC_OK, "Mx.Vng.NL", false, "utrecht.nl", AUTHRES_PASS, NULL,
		 NULL},
		/* but it is the whole id */
		{"mx.vng.nl.evil.example; dmarc=pass "
		 "header.from=utrecht.nl" THEN
		 "evil-mx.vng.nl; dmarc=pass header.from=utrecht.nl" THEN
		 "mx.vng.n; dmarc=pass header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL,
		 "no Authentication-Results from the trusted server"},
		/* Gmail: header.i only, the policy a comment */
		{"mx.vng.nl; dkim=pass header.i=@utrecht.nl header.s=s1; "
		 "dmarc=none (p=NONE sp=NONE dis=NONE) header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
	};

	check_judge(rows, nitems(rows));
}

static void
test_judge_dmarc(void **state)
{
	static const struct judge_row rows[] = {
		/* a fail anywhere wins over a pass, either order */
		{DMARC_OK THEN DMARC_FAIL, "mx.vng.nl", false, "utrecht.nl",
		 AUTHRES_FAIL, NULL, NULL},
		{DMARC_FAIL THEN DMARC_OK, "mx.vng.nl", false, "utrecht.nl",
		 AUTHRES_FAIL, NULL, NULL},
		{"mx.vng.nl; dmarc=pass header.from=utrecht.nl; dmarc=fail "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_FAIL, NULL, NULL},
		{"mx.vng.nl; dmarc=fail header.from=evil.example; dmarc=pass "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_FAIL, NULL, NULL},
		/* the policy action: Microsoft's action=, policy.dmarc= */
		{"mx.vng.nl; dmarc=pass action=quarantine "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_FAIL, NULL, NULL},
		{"mx.vng.nl; dmarc=pass policy.dmarc=reject "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_FAIL, NULL, NULL},
		{"mx.vng.nl; dmarc=pass policy.dmarc=none "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		{"mx.vng.nl; dmarc=fail action=oreject header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_FAIL, NULL, NULL},
		/* a pass counts for the From domain only */
		{"mx.vng.nl; dmarc=pass header.from=evil.example", "mx.vng.nl",
		 false, "utrecht.nl", AUTHRES_NONE, "pass  ",
		 "not for the From domain"},
		{"mx.vng.nl; dmarc=pass header.from=utrecht.nl.evil.example",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; dmarc=pass header.from=utrecht.nl", "mx.vng.nl",
		 false, "ggd.utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; dmarc=pass", "mx.vng.nl", false, "utrecht.nl",
		 AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; dmarc=pass header.from=Utrecht.NL", "mx.vng.nl",
		 false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		{DMARC_OK, "mx.vng.nl", false, NULL, AUTHRES_NONE, NULL, NULL},
		/* no policy: an aligned DKIM pass authenticates */
		{"mx.vng.nl; dkim=pass header.d=amsterdam.nl; dmarc=none "
		 "header.from=ggd.amsterdam.nl",
		 "mx.vng.nl", false, "ggd.amsterdam.nl", AUTHRES_PASS,
		 "none  pass", "DKIM pass for the From domain"},
		{DKIM_OK THEN DMARC_NONE "utrecht.nl", "mx.vng.nl", false,
		 "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		{"mx.vng.nl; dkim=pass header.d=mailchimp.com; dmarc=none "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, "none  pass",
		 "no DMARC policy and no aligned DKIM pass"},
		{"mx.vng.nl; dkim=pass header.d=evilutrecht.nl; dmarc=none "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; dkim=pass header.d=nl; dmarc=none "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; dkim=pass header.d=ggd.utrecht.nl; dmarc=none "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; dkim=fail header.d=utrecht.nl; dmarc=none "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, "none  fail",
		 NULL},
		{DMARC_NONE "utrecht.nl", "mx.vng.nl", false, "utrecht.nl",
		 AUTHRES_NONE, NULL, NULL},
		/* temperror like none; permerror is no usable result */
		{DKIM_OK THEN
		 "mx.vng.nl; dmarc=temperror header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		{"mx.vng.nl; dmarc=temperror header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{DKIM_OK THEN
		 "mx.vng.nl; dmarc=permerror header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL,
		 "no usable DMARC result"},
		/* a DKIM pass of an untrusted field does not count */
		{"evil.example; dkim=pass header.d=utrecht.nl" THEN DMARC_NONE
		 "utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
	};

	check_judge(rows, nitems(rows));
}

static void
test_judge_forged(void **state)
{
	static const struct judge_row rows[] = {
		/* below our border MTA's Received field the header is the
		   sender's: a field there claiming our id is not read */
		{DMARC_NONE "amsterdam.nl" THEN "Received" THEN
			    "mx.vng.nl; dmarc=pass header.from=amsterdam.nl",
		 "mx.vng.nl", false, "amsterdam.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; spf=pass smtp.mailfrom=amsterdam.nl" THEN
		 "Received" THEN
		 "mx.vng.nl; dmarc=pass header.from=amsterdam.nl",
		 "mx.vng.nl", false, "amsterdam.nl", AUTHRES_NONE, NULL, NULL},
		{DMARC_OK THEN "Received" THEN
			       "mx.vng.nl; dmarc=fail header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		/* our own fields after the delivery's Received field, in
		   one zone: OpenDKIM and OpenDMARC together */
		{"Received" THEN
		 "mx.vng.nl; dkim=pass header.d=utrecht.nl" THEN DMARC_OK THEN
		 "Received",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		/* a sender's own field, above or below: not read */
		{"evil.example; dmarc=pass header.from=utrecht.nl" THEN
			 DMARC_NONE "utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{DMARC_NONE "utrecht.nl" THEN
			    "evil.example; dmarc=pass header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"spamfilter.vng.nl; dmarc=fail header.from=utrecht.nl" THEN
			 DMARC_OK,
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		/* one claiming the trusted id below: its fail still wins
		   (it can only hurt its own sender) */
		{DMARC_OK THEN "mx.vng.nl; dmarc=fail header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_FAIL, NULL, NULL},
		/* results a sender wrote into the trusted field */
		{"mx.vng.nl; spf=pass (mailfrom=x; dmarc=pass "
		 "header.from=amsterdam.nl) smtp.mailfrom=x@evil.example",
		 "mx.vng.nl", false, "amsterdam.nl", AUTHRES_NONE, " pass ",
		 "no DMARC result"},
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"dmarc=pass\"; "
		 "dmarc=none header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"x; dmarc=pass "
		 "header.from=utrecht.nl\"@evil.example",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; spf=none smtp.helo=dmarc=pass "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; spf=pass smtp.mailfrom=x dmarc=pass "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; dmarc=pass (p=none (a (b; dmarc=fail) c)) "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		/* a broken trusted field: its results are not used, and
		   no other pass counts either */
		{"mx.vng.nl; dmarc=pass header.from=utrecht.nl; spf=pass "
		 "(unclosed",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL,
		 "cannot be read"},
		{DMARC_OK THEN "mx.vng.nl; spf=pass smtp.helo=x\"y",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, "pass  ",
		 "cannot be read"},
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"x; dmarc=fail "
		 "header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"mx.vng.nl; spf=pass) dmarc=pass header.from=utrecht.nl",
		 "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		/* but a fail elsewhere still wins */
		{DMARC_FAIL THEN "mx.vng.nl; spf=pass (unclosed", "mx.vng.nl",
		 false, "utrecht.nl", AUTHRES_FAIL, NULL, NULL},
		/* unreadable from the start: whose it is is unknown */
		{"(((((" THEN DMARC_OK, "mx.vng.nl", false, "utrecht.nl",
		 AUTHRES_PASS, NULL, NULL},
	};

	check_judge(rows, nitems(rows));
}

#define M365_PASS                                                              \
	"spf=pass (sender IP is 40.107.6.1) smtp.mailfrom=utrecht.nl; "        \
	"utrecht.nl; dkim=pass (signature was verified) "                      \
	"header.d=utrecht.nl;dmarc=pass action=none "                          \
	"header.from=utrecht.nl;compauth=pass reason=100"
#define M365_FAIL                                                              \
	"spf=fail (sender IP is 192.0.2.1) smtp.mailfrom=utrecht.nl; "         \
	"utrecht.nl; dkim=none (message not signed) header.d=none;"            \
	"dmarc=fail action=quarantine header.from=utrecht.nl;compauth=fail "   \
	"reason=000"

static void
test_judge_unlabelled(void **state)
{
	static const struct judge_row rows[] = {
		{M365_PASS, NULL, true, "utrecht.nl", AUTHRES_PASS,
		 "pass pass pass", NULL},
		{M365_FAIL, NULL, true, "utrecht.nl", AUTHRES_FAIL,
		 "fail fail none", NULL},
		/* not trusted unless told */
		{M365_PASS, "mx.vng.nl", false, "utrecht.nl", AUTHRES_NONE,
		 NULL, NULL},
		{M365_PASS, NULL, false, "utrecht.nl", AUTHRES_UNTRUSTED, NULL,
		 NULL},
		/* bestguesspass: no policy */
		{"spf=pass smtp.mailfrom=x.nl; x.nl; dkim=pass "
		 "header.d=utrecht.nl;dmarc=bestguesspass action=none "
		 "header.from=utrecht.nl",
		 NULL, true, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		{"spf=pass smtp.mailfrom=x.nl; x.nl; dkim=none "
		 "header.d=none;dmarc=bestguesspass action=none "
		 "header.from=utrecht.nl",
		 NULL, true, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		/* only the topmost: one below it a sender may have written */
		{M365_FAIL THEN M365_PASS, NULL, true, "utrecht.nl",
		 AUTHRES_FAIL, NULL, NULL},
		{"dkim=none header.d=none;dmarc=none action=none "
		 "header.from=utrecht.nl" THEN M365_PASS,
		 NULL, true, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		/* the topmost unlabelled one, under a labelled one */
		{"relay.vng.nl; dmarc=fail header.from=utrecht.nl" THEN
			 M365_PASS,
		 NULL, true, "utrecht.nl", AUTHRES_PASS, NULL, NULL},
		/* below a Received field, a sender's own: not read (with
		   a trusted id or without) */
		{SPF_OK THEN "Received" THEN M365_PASS, "mx.vng.nl", true,
		 "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		{"spf=pass smtp.mailfrom=x.nl" THEN "Received" THEN M365_PASS,
		 NULL, true, "utrecht.nl", AUTHRES_NONE, NULL, NULL},
		/* with a trusted id too: both count */
		{DMARC_OK THEN M365_FAIL, "mx.vng.nl", true, "utrecht.nl",
		 AUTHRES_FAIL, NULL, NULL},
		{M365_PASS THEN DKIM_OK, "mx.vng.nl", true, "utrecht.nl",
		 AUTHRES_PASS, NULL, NULL},
	};

	check_judge(rows, nitems(rows));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_sender_text),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_judge_servers),
		cmocka_unit_test(test_judge_dmarc),
		cmocka_unit_test(test_judge_forged),
		cmocka_unit_test(test_judge_unlabelled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
