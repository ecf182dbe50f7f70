/*
 * Unit tests for Authentication-Results (RFC 8601) as real servers write
 * them: Gmail with comments, Microsoft 365 without an authserv-id, a
 * server that checked nothing, several DKIM signatures, and garbage.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "authres.h"
#include "util.h"

struct row {
	const char *value;
	int rc;
	const char *authserv_id;
	const char *dmarc;
	const char *spf;
	const char *dkim;
	const char *header_from;
};

static void
check(const struct row *rows, size_t n)
{
	struct authres ar;
	size_t i;

	for (i = 0; i < n; i++) {
		int rc;

		memset(&ar, 'x', sizeof(ar)); /* nothing stale survives */
		rc = authres_parse(rows[i].value, &ar);
		if (rc != rows[i].rc)
			fail_msg("row %zu: expected %d, got %d", i, rows[i].rc,
				 rc);
		if (strcmp(ar.authserv_id, rows[i].authserv_id) != 0 ||
		    strcmp(ar.dmarc, rows[i].dmarc) != 0 ||
		    strcmp(ar.spf, rows[i].spf) != 0 ||
		    strcmp(ar.dkim, rows[i].dkim) != 0 ||
		    strcmp(ar.header_from, rows[i].header_from) != 0)
			fail_msg("row %zu: expected [%s|%s|%s|%s|%s], "
				 "got [%s|%s|%s|%s|%s]",
				 i, rows[i].authserv_id, rows[i].dmarc,
				 rows[i].spf, rows[i].dkim, rows[i].header_from,
				 ar.authserv_id, ar.dmarc, ar.spf, ar.dkim,
				 ar.header_from);
	}
}

static void
test_real_headers(void **state)
{
	static const struct row rows[] = {
		/* Gmail, unfolded */
		{"mx.google.com; dkim=pass header.i=@utrecht.nl "
		 "header.s=selector1 header.b=AbCd0123; spf=pass "
		 "(google.com: domain of jan@utrecht.nl designates "
		 "40.107.6.1 as permitted sender) "
		 "smtp.mailfrom=jan@utrecht.nl; dmarc=pass "
		 "(p=REJECT sp=REJECT dis=NONE) header.from=utrecht.nl",
		 0, "mx.google.com", "pass", "pass", "pass", "utrecht.nl"},
		/* Microsoft 365: no authserv-id, a bare domain element,
		   no space after ';', a method we do not use */
		{"spf=fail (sender IP is 1.1.1.1) smtp.mailfrom=x.nl; x.nl; "
		 "dkim=pass (signature was verified) header.d=x.nl;"
		 "dmarc=bestguesspass action=none header.from=x.nl;"
		 "compauth=pass reason=100",
		 0, "", "bestguesspass", "fail", "pass", "x.nl"},
		/* a server that checked nothing */
		{"mx.vng.nl; none", -1, "mx.vng.nl", "", "", "", ""},
		/* authserv-id with a version */
		{"mx.vng.nl 1; dmarc=pass header.from=vng.nl", 0, "mx.vng.nl",
		 "pass", "", "", "vng.nl"},
		/* OpenDMARC style, capitals lowered */
		{"MX.VNG.NL; DMARC=FAIL (p=none dis=none) "
		 "Header.From=Zwolle.NL",
		 0, "mx.vng.nl", "fail", "", "", "zwolle.nl"},
		/* white space around the result's '=' (CFWS) */
		{"mx.vng.nl; dmarc = pass header.from=vng.nl", 0, "mx.vng.nl",
		 "pass", "", "", "vng.nl"},
	};

	check(rows, sizeof(rows) / sizeof(rows[0]));
}

static void
test_comments_and_quotes(void **state)
{
	static const struct row rows[] = {
		/* nested comments, and a ';' inside a comment */
		{"mx.vng.nl; dmarc=fail (p=reject (policy (deep)) dis=REJECT; "
		 "x) header.from=zwolle.nl; spf=softfail (a (b) c) "
		 "smtp.mailfrom=zwolle.nl",
		 0, "mx.vng.nl", "fail", "softfail", "", "zwolle.nl"},
		/* a comment in front of the authserv-id */
		{"(received by) mx.vng.nl; spf=none", 0, "mx.vng.nl", "",
		 "none", "", ""},
		/* a comment that is never closed hides the rest */
		{"mx.vng.nl; spf=pass (unclosed; dmarc=pass", 0, "mx.vng.nl",
		 "", "pass", "", ""},
		/* parentheses inside a quoted string are no comment */
		{"mx.vng.nl; dkim=pass header.b=\"a(b\" header.d=x.nl; "
		 "dmarc=pass header.from=x.nl",
		 0, "mx.vng.nl", "pass", "", "pass", "x.nl"},
		/* an escaped quote does not end the quoted string */
		{"mx.vng.nl; dkim=pass header.b=\"a\\\"(b\"; dmarc=pass", 0,
		 "mx.vng.nl", "pass", "", "pass", ""},
	};

	check(rows, sizeof(rows) / sizeof(rows[0]));
}

/*
 * A ';' inside a quoted string is part of the value (RFC 8601 pvalue,
 * RFC 5322 quoted local-part), not the end of a result.  The envelope
 * sender is the sender's to choose, so it must not be able to plant a
 * "dmarc=pass" of its own in front of the server's real result.
 */
static void
test_quoted_semicolon(void **state)
{
	static const struct row rows[] = {
		{"mx.vng.nl; spf=pass smtp.mailfrom=\"x; dmarc=pass "
		 "header.from=utrecht.nl \"@evil.example; dmarc=fail "
		 "header.from=evil.example",
		 0, "mx.vng.nl", "fail", "pass", "", "evil.example"},
	};

	check(rows, sizeof(rows) / sizeof(rows[0]));
}

static void
test_several_dkim(void **state)
{
	static const struct row rows[] = {
		/* one of three signatures passes: pass */
		{"mx.vng.nl; dkim=fail header.d=a.nl; dkim=pass header.d=b.nl;"
		 " dkim=neutral header.d=c.nl",
		 0, "mx.vng.nl", "", "", "pass", ""},
		{"mx.vng.nl; dkim=pass header.d=a.nl; dkim=fail header.d=b.nl",
		 0, "mx.vng.nl", "", "", "pass", ""},
		/* a version after the method name */
		{"mx.vng.nl; dkim/1=pass header.d=a.nl", 0, "mx.vng.nl", "", "",
		 "pass", ""},
	};

	check(rows, sizeof(rows) / sizeof(rows[0]));
}

static void
test_garbage(void **state)
{
	static const struct row rows[] = {
		{"", -1, "", "", "", "", ""},
		{"garbage", -1, "garbage", "", "", "", ""},
		{";;;;", -1, "", "", "", "", ""},
		{"=;=;=", -1, "", "", "", "", ""},
		{"mx.vng.nl; dmarc", -1, "mx.vng.nl", "", "", "", ""},
		{"(((((", -1, "", "", "", "", ""},
	};

	check(rows, sizeof(rows) / sizeof(rows[0]));
}

static void
test_token_limit(void **state)
{
	static const size_t lens[] = {
		AUTHRES_TOKEN_MAX - 2,
		AUTHRES_TOKEN_MAX - 1, /* the longest that fits */
		AUTHRES_TOKEN_MAX,
		AUTHRES_TOKEN_MAX + 1,
	};
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *from = xmalloc(lens[i] + 1), *value;
		struct authres ar;
		size_t want;

		memset(from, 'a', lens[i] - 3);
		memcpy(from + lens[i] - 3, ".nl", 4);
		value = xasprintf("%s; dmarc=pass header.from=%s", from, from);
		assert_int_equal(authres_parse(value, &ar), 0);
		/* cut to what fits, always terminated */
		want = lens[i] < AUTHRES_TOKEN_MAX ? lens[i]
						   : AUTHRES_TOKEN_MAX - 1;
		assert_int_equal(strlen(ar.header_from), want);
		assert_memory_equal(ar.header_from, from, want);
		assert_int_equal(strlen(ar.authserv_id), want);
		assert_string_equal(ar.dmarc, "pass");
		free(value);
		free(from);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_headers),
		cmocka_unit_test(test_comments_and_quotes),
		cmocka_unit_test(test_quoted_semicolon),
		cmocka_unit_test(test_several_dkim),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_token_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
