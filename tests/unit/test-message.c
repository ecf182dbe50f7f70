/* Unit tests for message parsing: decoding, hostile input and limits. */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "defs.h"
#include "fixture.h"
#include "message.h"
#include "reason.h"
#include "util.h"

static struct message *
parse(const char *s)
{
	return message_parse(s, strlen(s));
}

static void
test_subjects(void **state)
{
	static const struct {
		const char *header;
		const char *subject;
	} rows[] = {
		{"Subject: plain", "plain"},
		{"Subject: =?utf-8?q?Deelname_praktijkproef_GG_=26_lokale_"
		 "inclusie?=",
		 "Deelname praktijkproef GG & lokale inclusie"},
		{"Subject: =?UTF-8?B?RGVlbG5hbWUgcHJha3Rpamtwcm9lZg==?=",
		 "Deelname praktijkproef"},
		{"Subject: =?iso-8859-1?q?caf=E9?=", "caf\xc3\xa9"},
		{"Subject: =?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab"},
		{"Subject: Caf\xe9 ok", "Caf\xc3\xa9 ok"}, /* raw Latin-1 */
		{"Subject: caf\xc3\xa9", "caf\xc3\xa9"},   /* raw UTF-8 */
		{"Subject: folded\r\n  line", "folded line"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *raw = xasprintf("From: a@b.nl\r\n%s\r\n\r\nbody\r\n",
				      rows[i].header);
		struct message *m = parse(raw);

		assert_null(m->problem);
		assert_non_null(m->subject);
		assert_string_equal(m->subject, rows[i].subject);
		message_free(m);
		free(raw);
	}
}

static void
test_fields(void **state)
{
	struct message *m =
		parse("Return-Path: <>\r\n"
		      "From: \"Jan de Vries\" <Jan.de.Vries@Utrecht.NL>\r\n"
		      "Reply-To: other@x.nl\r\n"
		      "Message-ID: <abc@mail.utrecht.nl>\r\n"
		      "In-Reply-To: <p@q>\r\n"
		      "References: <o@q> <p@q>\r\n"
		      "Auto-Submitted: auto-replied\r\n"
		      "Precedence: bulk\r\n"
		      "List-Id: <list.example.org>\r\n"
		      "Authentication-Results: mx.vng.nl; dmarc=pass\r\n"
		      "Authentication-Results: other; dmarc=fail\r\n"
		      "Subject: x\r\n\r\nbody\r\n");

	assert_null(m->problem);
	assert_string_equal(m->from_addr, "jan.de.vries@utrecht.nl");
	assert_string_equal(m->from_name, "Jan de Vries");
	assert_string_equal(m->reply_to_addr, "other@x.nl");
	assert_string_equal(m->message_id, "abc@mail.utrecht.nl");
	assert_string_equal(m->in_reply_to, "<p@q>");
	assert_string_equal(m->references, "<o@q> <p@q>");
	assert_string_equal(m->return_path, "");
	assert_string_equal(m->auto_submitted, "auto-replied");
	assert_string_equal(m->precedence, "bulk");
	assert_non_null(m->list_id);
	assert_int_equal(m->n_authres, 2);
	assert_string_equal(m->authres[0], "mx.vng.nl; dmarc=pass");
	assert_string_equal(m->body, "body\r\n");
	message_free(m);
}

static void
test_bodies(void **state)
{
	static const struct {
		const char *mail;
		const char *body;
		bool calendar_reply;
	} rows[] = {
		{"From: a@b.nl\r\nContent-Type: text/plain; charset=iso-8859-1"
		 "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
		 "caf=E9 soft=\r\nbreak\r\n",
		 "caf\xc3\xa9 softbreak\r\n", false},
		{"From: a@b.nl\r\nContent-Type: text/html; charset=utf-8\r\n"
		 "\r\n<html><style>p{}</style><p>Hallo &amp; welkom</p>"
		 "<br>regel</html>",
		 "Hallo & welkom\n\nregel", false},
		{"From: a@b.nl\r\nContent-Type: multipart/alternative; "
		 "boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/html\r\n"
		 "\r\n<b>html</b>\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
		 "plain\r\n--b1--\r\n",
		 "plain", false},
		{"From: a@b.nl\r\nContent-Type: multipart/mixed; boundary=b2"
		 "\r\n\r\n--b2\r\nContent-Type: text/plain\r\n\r\nja\r\n--b2"
		 "\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n"
		 "BEGIN:VCALENDAR\r\n--b2--\r\n",
		 "ja", true},
		/* no boundary parameter: parsed as one part, never a crash */
		{"From: a@b.nl\r\nContent-Type: multipart/mixed\r\n\r\n"
		 "--x\r\n\r\ntext\r\n--x--\r\n",
		 "", false},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct message *m = parse(rows[i].mail);

		assert_null(m->problem);
		assert_string_equal(m->body, rows[i].body);
		assert_int_equal(m->calendar_reply, rows[i].calendar_reply);
		message_free(m);
	}
}

static void
test_hostile(void **state)
{
	static const struct {
		const char *mail;
		size_t len; /* 0: strlen */
		const char *problem;
	} rows[] = {
		{"From: a@b.nl\r\nContent-Type: multipart/mixed; "
		 "boundary=\"\\\"\"\r\n\r\n--\"\r\n",
		 0, "invalid boundary parameter"},
		{"From: a@b.nl\r\nContent-Type: multipart/mixed; boundary=\"\""
		 "\r\n\r\nx\r\n",
		 0, "invalid boundary parameter"},
		{"From: a@b.nl\r\nSubject: x\r\nGarbage line\r\n\r\nbody", 0,
		 "malformed header line 3"},
		{" continuation first\r\nFrom: a@b.nl\r\n\r\n", 0,
		 "malformed header: line 1 is a continuation"},
		{"From: a@b.nl\r\nSubject: a\0b\r\n\r\nbody", 33,
		 "NUL byte in header"},
		{"Subject: no sender\r\n\r\nbody", 0, "no From field"},
		{"From: undisclosed-recipients:;\r\n\r\nbody", 0,
		 "the From field is not one address"},
		{"", 0, "no From field"},
		/* found by fuzzing: a domain longer than DNS allows */
		{"From: a@"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		 "xxxxxxxxxx.nl\r\n\r\nbody",
		 0, "the From address is not a valid address"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct message *m = message_parse(
			rows[i].mail,
			rows[i].len ? rows[i].len : strlen(rows[i].mail));

		assert_non_null(m->problem);
		assert_string_equal(fixture_problem(m), rows[i].problem);
		message_free(m);
	}
}

/* A message whose header block is exactly size bytes long. */
static char *
header_of_size(size_t size, size_t *len_r)
{
	static const char head[] = "From: a@b.nl\r\nX-Pad: ";
	static const char tail[] = "\r\n\r\nbody";
	size_t pad = size - (sizeof(head) - 1) - 4;
	struct buf b;

	buf_init(&b, size + 16);
	assert_int_equal(buf_adds(&b, head), 0);
	while (pad-- > 0)
		assert_int_equal(buf_addc(&b, 'x'), 0);
	assert_int_equal(buf_adds(&b, tail), 0);
	*len_r = b.len;
	return buf_steal(&b);
}

static void
test_header_limit(void **state)
{
	static const struct {
		size_t size;
		bool problem;
	} rows[] = {
		{MESSAGE_HEADER_MAX - 1, false},
		{MESSAGE_HEADER_MAX, false},
		{MESSAGE_HEADER_MAX + 1, true},
	};
	size_t i, len;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *raw = header_of_size(rows[i].size, &len);
		struct message *m = message_parse(raw, len);

		if (rows[i].problem)
			assert_non_null(strstr(fixture_problem(m),
					       "header block exceeds"));
		else
			assert_null(m->problem);
		message_free(m);
		free(raw);
	}
}

static void
test_field_limit(void **state)
{
	static const struct {
		size_t fields;
		bool problem;
	} rows[] = {
		{MESSAGE_FIELDS_MAX - 1, false},
		{MESSAGE_FIELDS_MAX, false},
		{MESSAGE_FIELDS_MAX + 1, true},
	};
	size_t i, j;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b;
		struct message *m;

		buf_init(&b, 1024 * 1024);
		assert_int_equal(buf_adds(&b, "From: a@b.nl\r\n"), 0);
		for (j = 1; j < rows[i].fields; j++)
			assert_int_equal(buf_addf(&b, "X-%zu: v\r\n", j), 0);
		assert_int_equal(buf_adds(&b, "\r\nbody"), 0);
		m = message_parse(b.data, b.len);
		if (rows[i].problem)
			assert_non_null(strstr(fixture_problem(m),
					       "too many header fields"));
		else
			assert_null(m->problem);
		message_free(m);
		buf_deinit(&b);
	}
}

/* depth nested multiparts, each with its own boundary. */
static char *
nested(size_t depth)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1024 * 1024);
	assert_int_equal(buf_adds(&b, "From: a@b.nl\r\n"), 0);
	for (i = 0; i < depth; i++)
		assert_int_equal(buf_addf(&b,
					  "Content-Type: multipart/mixed; "
					  "boundary=\"b%zu\"\r\n\r\n--b%zu\r\n",
					  i, i),
				 0);
	assert_int_equal(buf_adds(&b, "Content-Type: text/plain\r\n\r\nin\r\n"),
			 0);
	for (i = depth; i > 0; i--)
		assert_int_equal(buf_addf(&b, "--b%zu--\r\n", i - 1), 0);
	return buf_steal(&b);
}

static void
test_nesting_limits(void **state)
{
	static const struct {
		size_t depth;
		const char *problem; /* NULL: none */
	} rows[] = {
		{MESSAGE_MIME_DEPTH_MAX - 1, NULL},
		{MESSAGE_MIME_DEPTH_MAX, NULL},
		{MESSAGE_MIME_DEPTH_MAX + 1, "MIME nesting too deep"},
		{MESSAGE_NESTING_SCAN_MAX, "MIME nesting too deep"},
		{MESSAGE_NESTING_SCAN_MAX + 1, "MIME nesting too deep"},
		{5000, "MIME nesting too deep"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *raw = nested(rows[i].depth);
		struct message *m = parse(raw);

		if (rows[i].problem == NULL) {
			assert_null(m->problem);
			assert_string_equal(m->body, "in");
		} else {
			assert_non_null(m->problem);
			assert_non_null(
				strstr(fixture_problem(m), rows[i].problem));
		}
		message_free(m);
		free(raw);
	}
}

static void
test_parts_limit(void **state)
{
	static const struct {
		size_t parts;
		bool problem;
	} rows[] = {
		{MESSAGE_MIME_PARTS_MAX - 1, false},
		{MESSAGE_MIME_PARTS_MAX, false},
		{MESSAGE_MIME_PARTS_MAX + 1, true},
	};
	size_t i, j;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct message *m;
		struct buf b;

		buf_init(&b, 1024 * 1024);
		assert_int_equal(buf_adds(&b, "From: a@b.nl\r\nContent-Type: "
					      "multipart/mixed; boundary=b\r\n"
					      "\r\n"),
				 0);
		for (j = 0; j < rows[i].parts; j++)
			assert_int_equal(buf_adds(&b, "--b\r\n\r\npart\r\n"),
					 0);
		assert_int_equal(buf_adds(&b, "--b--\r\n"), 0);
		m = message_parse(b.data, b.len);
		if (rows[i].problem)
			assert_non_null(
				strstr(fixture_problem(m), "too many MIME"));
		else
			assert_null(m->problem);
		message_free(m);
		buf_deinit(&b);
	}
}

static void
test_clean_utf8(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} rows[] = {
		{"ok", "ok"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
		{"bad\xff", "bad\xef\xbf\xbd"},
		{"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong */
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"bell\x07", "bell "},
		{"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *s = message_clean_utf8(rows[i].in, strlen(rows[i].in));

		assert_string_equal(s, rows[i].out);
		free(s);
	}
}

/*
 * Boundary parameters as MIME writes them (RFC 2045 section 5.1, RFC 2231,
 * RFC 5322 CFWS): every shape that unquotes to a lone quote is refused
 * before libetpan sees it, at any depth; every legitimate shape parses.
 */
static void
test_boundary_shapes(void **state)
{
	static const struct {
		const char *content_type; /* the top-level field */
		bool refused;
	} rows[] = {
		{"Content-Type: multipart/mixed; boundary=\"\\\"\"", true},
		{"Content-Type: multipart/mixed; boundary =\"\\\"\"", true},
		{"Content-Type: multipart/mixed; boundary= \"\\\"\"", true},
		{"Content-Type: multipart/mixed; boundary\t=\t\"\\\"\"", true},
		{"Content-Type: multipart/mixed;\r\n boundary\r\n =\"\\\"\"",
		 true},
		{"Content-Type: multipart/mixed; (c)boundary(c)=\"\\\"\"",
		 true},
		{"Content-Type: multipart/mixed; BOUNDARY=\"\\\"\"", true},
		{"Content-Type : multipart/mixed; boundary=\"\\\"\"", true},
		{"content-type: multipart/mixed; boundary=\"\\\"\"", true},
		{"Content-Type(x): multipart/mixed; boundary=\"\\\"\"", true},
		{"Content-Type: multipart/mixed; "
		 "charset=x;\r\n\tboundary=\"\\\"\"",
		 true},
		{"Content-Type: multipart/mixed; boundary=\"\"", true},
		/* libetpan decodes encoded words in the value first */
		{"Content-Type: multipart/mixed; "
		 "=?us-ascii?q?boundary=3D=22=5C=22=22?=",
		 true},
		/* legitimate: Mimecast, long, quoted-printable looking */
		{"Content-Type: multipart/alternative; "
		 "boundary=\"MCBoundary=_12104071421205561\"",
		 false},
		{"Content-Type: multipart/mixed; boundary=\"b\"", false},
		{"Content-Type: multipart/mixed; boundary=\"----=_Part_0_"
		 "1234567890.1234567890123456789012345678901234567890123456\"",
		 false},
		{"Content-Type: multipart/mixed; boundary*=utf-8''%22", false},
		{"Content-Type: multipart/mixed; boundary=\"\\\"quoted\\\"\"",
		 false},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		char *raw = xasprintf("From: a@b.nl\r\n%s\r\n\r\n--\"\r\n"
				      "Content-Type: text/plain\r\n\r\nin\r\n"
				      "--\"--\r\n",
				      rows[i].content_type);
		struct message *m = parse(raw);

		/* at the top a "Content-Type :" is a malformed header
		   line first: refused all the same */
		if (rows[i].refused)
			assert_non_null(m->problem);
		else if (m->problem != NULL) {
			fail_msg("row %zu: %s", i, fixture_problem(m));
		}
		message_free(m);
		free(raw);
	}
}

/* The bad boundary deep inside the tree, and text that only looks like
   MIME in a body, which must not raise an alarm. */
static void
test_boundary_depth(void **state)
{
	static const char deep[] =
		"From: a@b.nl\r\nContent-Type: multipart/mixed; boundary=o\r\n"
		"\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n"
		"From: c@d.nl\r\nContent-Type: multipart/alternative;\r\n"
		"  boundary = \"\\\"\"\r\n\r\n--\"\r\n\r\nx\r\n--o--\r\n";
	struct message *m = parse(deep);
	struct buf b;
	size_t i;

	assert_non_null(m->problem);
	assert_string_equal(fixture_problem(m), "invalid boundary parameter");
	message_free(m);
	/* a NUL inside a part's Content-Type (found by fuzzing: the
	   guard read past the copy it made) */
	{
		static const char nul[] =
			"From: a@b.nl\r\nContent-Type: multipart/mixed; "
			"boundary=o\r\n\r\n--o\r\nContent-Type: text/plain; "
			"a=\"x\0=?a?q?=3D?=\"\r\n\r\nx\r\n--o--\r\n";

		m = message_parse(nul, sizeof(nul) - 1);
		message_free(m);
	}
	/* a quoted-printable body that ends in "=3": libetpan reads two
	   bytes past it (found by fuzzing); exactly sized on the heap, so
	   the sanitizer build sees any read past the end */
	{
		static const char qp[] =
			"From: a@b.nl\r\nContent-Transfer-Encoding: "
			"quoted-printable\r\n\r\nabc=3";
		char *heap = xmalloc(sizeof(qp) - 1);

		memcpy(heap, qp, sizeof(qp) - 1);
		m = message_parse(heap, sizeof(qp) - 1);
		assert_null(m->problem);
		assert_non_null(m->body);
		assert_int_equal(strncmp(m->body, "abc", 3), 0);
		message_free(m);
		free(heap);
	}
	/* seventy mentions of message/ and boundary= in a plain body */
	buf_init(&b, 1024 * 1024);
	assert_int_equal(buf_adds(&b, "From: a@b.nl\r\nSubject: s\r\n"
				      "Content-Transfer-Encoding: "
				      "quoted-printable\r\n\r\n"),
			 0);
	for (i = 0; i < 70; i++)
		assert_int_equal(buf_adds(&b, "see message/rfc822 and "
					      "boundary=3D\"x\" here\r\n"),
				 0);
	m = message_parse(b.data, b.len);
	assert_null(m->problem);
	message_free(m);
	buf_deinit(&b);
}

/* Exactly one From field with exactly one valid mailbox; everything
   else is for a person (RFC 5322 section 3.6.2). */
static void
test_from_shapes(void **state)
{
	static const struct {
		const char *from; /* the From lines, CRLF ended */
		const char *addr; /* NULL: a problem */
	} rows[] = {
		{"From: Jan <jan@amsterdam.nl>\r\n", "jan@amsterdam.nl"},
		{"From: JAN@Amsterdam.NL\r\n", "jan@amsterdam.nl"},
		{"From: \"Jansen, J.\" <j.jansen@gemeente.utrecht.nl>\r\n",
		 "j.jansen@gemeente.utrecht.nl"},
		{"From: jan@evil.example@amsterdam.nl\r\n", NULL},
		{"From: \"evil@x\"@amsterdam.nl\r\n", NULL},
		{"From: \"jan\"@amsterdam.nl\r\n", NULL},
		{"From: Jan <jan@amsterdam.nl>, Piet <p@evil.example>\r\n",
		 NULL},
		{"From: group: jan@amsterdam.nl;\r\n", NULL},
		{"From: jan@amsterdam.nl\r\nFrom: evil@evil.example\r\n", NULL},
		{"From: evil@evil.example\r\nFrom: jan@amsterdam.nl\r\n", NULL},
		{"From:\r\nFrom: jan@amsterdam.nl\r\n", NULL},
		{"From: <>\r\nFrom: jan@amsterdam.nl\r\n", NULL},
		{"From: Foo <foo@bar\r\n", NULL},
		{"From: jan@[1.2.3.4]\r\n", NULL},
		{"From: jan@amsterdam\r\n", NULL},
		{"From: jan@-amsterdam.nl\r\n", NULL},
		{"From: jan@amsterdam..nl\r\n", NULL},
		{"From: .jan@amsterdam.nl\r\n", NULL},
		{"From: j\xc3\xa4n@amsterdam.nl\r\n", NULL},
		{"From: <@route.example:jan@amsterdam.nl>\r\n", NULL},
		{"From: Jan <jan@amsterdam.nl>x\r\n", NULL},
		{"FROM : jan@amsterdam.nl\r\nFrom: evil@evil.example\r\n",
		 NULL},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		char *raw =
			xasprintf("%sSubject: s\r\n\r\nbody\r\n", rows[i].from);
		struct message *m = parse(raw);

		if (rows[i].addr != NULL) {
			if (m->problem != NULL)
				fail_msg("row %zu: %s", i, fixture_problem(m));
			assert_string_equal(m->from_addr, rows[i].addr);
			assert_int_equal(m->from_fields, 1);
		} else if (m->problem == NULL) {
			fail_msg("row %zu enrols as %s", i,
				 m->from_addr != NULL ? m->from_addr : "?");
		}
		message_free(m);
		free(raw);
	}
}

/* No header may hide behind a bare LF or a bare CR: one line-end style
   in the header block, or review. */
static void
test_line_ends(void **state)
{
	static const struct {
		const char *mail;
		bool problem;
	} rows[] = {
		{"From: a@b.nl\r\nSubject: s\r\n\r\nbody\r\n", false},
		{"From: a@b.nl\nSubject: s\n\nbody\n", false},
		{"From: a@b.nl\nSubject: s\n\nbody\r\nmixed in the body\n",
		 false},
		{"From: a@b.nl\r\nX-Hide: x\nFrom: c@d.nl\r\n\r\nbody", true},
		{"From: a@b.nl\r\nX-Hide: x\rFrom: c@d.nl\r\n\r\nbody", true},
		{"From: a@b.nl\nX-Hide: x\r\nSubject: s\n\nbody", true},
		{"From: a@b.nl\rSubject: s\r\r", true},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		struct message *m = parse(rows[i].mail);

		if (rows[i].problem)
			assert_non_null(m->problem);
		else if (m->problem != NULL)
			fail_msg("row %zu: %s", i, fixture_problem(m));
		message_free(m);
	}
}

/* An encoded CR/LF in a subject or display name stays on one line. */
static void
test_encoded_line_breaks(void **state)
{
	struct message *m = parse(
		"From: =?utf-8?q?Jan=0D=0ABcc=3A_x?= <jan@amsterdam.nl>\r\n"
		"Subject: "
		"=?utf-8?q?Deelname=0D=0Averdict_enrol?=\r\n\r\nb\r\n");

	assert_null(m->problem);
	assert_null(strpbrk(m->subject, "\r\n"));
	assert_null(strpbrk(m->from_name, "\r\n"));
	assert_string_equal(m->subject, "Deelname  verdict enrol");
	message_free(m);
}

/* A sink of message_attachment_parse(): a copy of the bytes in the
   struct buf ctx. */
static int
copy_bytes(void *ctx, const char *bytes, size_t n)
{
	return buf_add(ctx, bytes, n);
}

/* The bytes of part of mail, as message_attachment_parse() reads them
   again, in b (bounded at max); its answer. */
static int
bytes_of(const char *mail, size_t len, unsigned part, struct buf *b, size_t max)
{
	buf_init(b, max);
	return message_attachment_parse(mail, len, len, part, copy_bytes, b);
}

static const char files_mail[] =
	"From: a@b.nl\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	/* 1: the text */
	"--b\r\nContent-Type: text/plain\r\n\r\nHierbij.\r\n"
	/* 2: a PDF in base64 */
	"--b\r\nContent-Type: application/pdf\r\n"
	"Content-Disposition: attachment; filename=\"../a.pdf\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\nVGVr\r\nc3Q=\r\n"
	/* 3: a calendar is no file */
	"--b\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n"
	"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
	/* 4: Outlook's file without a disposition, quoted-printable, in
	   RFC 2231 form */
	"--b\r\nContent-Type: application/octet-stream;\r\n"
	" name*=UTF-8''Frysl%C3%A2n%20%C3%A2.doc\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	"Regel=0Atwee=00=\r\n\r\n"
	/* 5: the logo of a signature is no file */
	"--b\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n"
	/* 6: an empty file, not encoded */
	"--b\r\nContent-Type: application/pdf\r\n"
	"Content-Disposition: attachment; filename=leeg.pdf\r\n\r\n"
	"\r\n--b--\r\n";

/* Only what is known of the files comes with the message: their names,
   types, sizes and parts; their bytes come on request, by part, decoded
   as the parse decodes them, and only for a part that is a file. */
static void
test_attachments_on_request(void **state)
{
	static const struct {
		unsigned part;
		const char *name; /* NULL: no file */
		const char *bytes;
		size_t len;
	} rows[] = {
		{0, NULL, NULL, 0},
		{1, NULL, NULL, 0},
		{2, "../a.pdf", "Tekst", 5},
		{3, NULL, NULL, 0},
		{4, "Frysl\xc3\xa2n \xc3\xa2.doc", "Regel\ntwee\0", 11},
		{5, NULL, NULL, 0},
		{6, "leeg.pdf", "", 0},
		{7, NULL, NULL, 0},
		{MESSAGE_MIME_PARTS_MAX + 1, NULL, NULL, 0},
	};
	size_t len = sizeof(files_mail) - 1, i, k = 0;
	struct message *m = message_parse(files_mail, len);
	struct buf b;

	(void)state;
	assert_null(m->problem);
	assert_int_equal(m->n_attachments, 3);
	assert_int_equal(m->attachments_dropped, 0);
	for (i = 0; i < nitems(rows); i++) {
		int rc = bytes_of(files_mail, len, rows[i].part, &b, 64);

		print_message("part %u: %d, %zu bytes\n", rows[i].part, rc,
			      b.len);
		if (rows[i].name == NULL) {
			assert_int_equal(rc, -1);
			assert_int_equal(b.len, 0);
			buf_deinit(&b);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(b.len, rows[i].len);
		if (b.len > 0)
			assert_memory_equal(b.data, rows[i].bytes, b.len);
		buf_deinit(&b);
		/* the message lists the same file at that part */
		assert_true(k < m->n_attachments);
		assert_int_equal(m->attachments[k].part, rows[i].part);
		assert_string_equal(m->attachments[k].name, rows[i].name);
		assert_int_equal(m->attachments[k].len, rows[i].len);
		k++;
	}
	assert_int_equal(k, m->n_attachments);
	assert_string_equal(m->attachments[0].type, "application/pdf");
	assert_string_equal(m->attachments[1].type, "application/octet-stream");
	message_free(m);
}

/* The sink's answer is the call's, and a sink that fails fails it. */
static int
refuse(void *ctx, const char *bytes, size_t n)
{
	(void)bytes;
	*(size_t *)ctx = n;
	return 7;
}

static void
test_attachment_sink(void **state)
{
	size_t n = 99;

	(void)state;
	assert_int_equal(
		message_attachment_parse(files_mail, sizeof(files_mail) - 1,
					 sizeof(files_mail) - 1, 2, refuse, &n),
		7);
	assert_int_equal(n, 5);
	/* a message over MESSAGE_SIZE_MAX is not parsed: no file in it */
	n = 99;
	assert_int_equal(
		message_attachment_parse(files_mail, sizeof(files_mail) - 1,
					 MESSAGE_SIZE_MAX + 1ul, 2, refuse, &n),
		-1);
	assert_int_equal(n, 99);
}

/* A mail with count files of size bytes each, not encoded; heap. */
static char *
files_of(size_t count, size_t size, size_t *len_r)
{
	struct buf b;
	char *fill = xmalloc(size);
	size_t i;

	memset(fill, 'x', size);
	buf_init(&b, SIZE_MAX);
	(void)buf_adds(&b, "From: a@b.nl\r\nSubject: s\r\nMIME-Version: 1.0"
			   "\r\nContent-Type: multipart/mixed; boundary=b"
			   "\r\n\r\n");
	for (i = 0; i < count; i++) {
		(void)buf_addf(&b,
			       "--b\r\nContent-Type: application/pdf\r\n"
			       "Content-Disposition: attachment; "
			       "filename=f%zu.pdf\r\n\r\n",
			       i);
		(void)buf_add(&b, fill, size);
		(void)buf_adds(&b, "\r\n");
	}
	(void)buf_adds(&b, "--b--\r\n");
	free(fill);
	*len_r = b.len;
	return buf_steal(&b);
}

/* MESSAGE_ATTACHMENTS_MAX and MESSAGE_ATTACHMENT_MAX at limit-1, limit
   and limit+1: a file past them is counted, not listed; one over the size
   is not given on request either (the count is the listing's: only a
   listed part is asked for). */
static void
test_attachment_limits(void **state)
{
	static const struct {
		size_t count, size;
		size_t listed, dropped;
	} rows[] = {
		{MESSAGE_ATTACHMENTS_MAX - 1, 10, MESSAGE_ATTACHMENTS_MAX - 1,
		 0},
		{MESSAGE_ATTACHMENTS_MAX, 10, MESSAGE_ATTACHMENTS_MAX, 0},
		{MESSAGE_ATTACHMENTS_MAX + 1, 10, MESSAGE_ATTACHMENTS_MAX, 1},
		{1, MESSAGE_ATTACHMENT_MAX - 1, 1, 0},
		{1, MESSAGE_ATTACHMENT_MAX, 1, 0},
		{1, MESSAGE_ATTACHMENT_MAX + 1, 0, 1},
	};
	struct message *m;
	struct buf b;
	size_t i, j, len;
	char *mail;

	(void)state;
	for (i = 0; i < nitems(rows); i++) {
		mail = files_of(rows[i].count, rows[i].size, &len);
		m = message_parse(mail, len);
		assert_null(m->problem);
		assert_int_equal(m->n_attachments, rows[i].listed);
		assert_int_equal(m->attachments_dropped, rows[i].dropped);
		for (j = 0; j < m->n_attachments; j++) {
			assert_int_equal(m->attachments[j].len, rows[i].size);
			/* the text is no file: the files are parts 1, 2... */
			assert_int_equal(m->attachments[j].part, j + 1);
		}
		/* the last file, listed or not */
		assert_int_equal(bytes_of(mail, len, (unsigned)rows[i].count,
					  &b, SIZE_MAX),
				 rows[i].size > MESSAGE_ATTACHMENT_MAX ? -1
								       : 0);
		if (rows[i].size <= MESSAGE_ATTACHMENT_MAX)
			assert_int_equal(b.len, rows[i].size);
		buf_deinit(&b);
		message_free(m);
		free(mail);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_boundary_shapes),
		cmocka_unit_test(test_boundary_depth),
		cmocka_unit_test(test_from_shapes),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_encoded_line_breaks),
		cmocka_unit_test(test_header_limit),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_nesting_limits),
		cmocka_unit_test(test_parts_limit),
		cmocka_unit_test(test_clean_utf8),
		cmocka_unit_test(test_attachments_on_request),
		cmocka_unit_test(test_attachment_sink),
		cmocka_unit_test(test_attachment_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
