/*
 * Unit tests for compose: RFC 2047 words read back by libetpan's decoder,
 * folding limits, header injection, unsafe addresses, stable Message-IDs,
 * a full message parsed back with mailmime/mailimf, quoted-printable
 * bodies, bounded References and the Date header.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>

#include "buf.h"
#include "compose.h"
#include "message.h"
#include "util.h"

#define PARENT "p@x"
#define QP MAILMIME_MECHANISM_QUOTED_PRINTABLE

/* 2021-04-13 11:30:00 UTC, 13:30 in Amsterdam (summer time). */
#define APRIL_13 ((time_t)1618313400)
/* 2021-01-13 12:30:00 UTC, 13:30 in Amsterdam (winter time). */
#define JANUARY_13 ((time_t)1610541000)

static struct compose_mail
sample_mail(void)
{
	struct compose_mail m;

	memset(&m, 0, sizeof(m));
	m.from_name = "Gemeente \xc3\x9ctrecht \xe2\x80\x93 Aanmelding";
	m.from_addr = "aanmelding@example.org";
	m.to_name = "Jansen, Jan \"JJ\"";
	m.to_addr = "jan@example.net";
	m.subject = "Bevestiging: caf\xc3\xa9 \xf0\x9f\x8e\x89";
	m.message_id = "aanmeld.0123@example.org";
	m.in_reply_to = PARENT;
	m.references = "<a@x> <b@x>";
	m.auto_submitted = "auto-replied";
	m.date = APRIL_13;
	m.body = "Hallo Jan,\n\nFrom now on: caf\xc3\xa9 \n";
	return m;
}

static char *
compose_ok(const struct compose_mail *m, size_t *len_r)
{
	const char *error = NULL;
	char *msg;

	msg = compose_message(m, len_r, &error);
	assert_non_null(msg);
	assert_null(error);
	assert_int_equal(strlen(msg), *len_r);
	return msg;
}

/* True if a line longer than 78 could not have been folded: after the
   field name nothing but one token remains. */
static bool
unbreakable(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] == ' ')
		i++;
	if (i == 0) {
		while (i < len && line[i] != ':')
			i++;
		while (i < len && (line[i] == ':' || line[i] == ' '))
			i++;
	}
	return memchr(line + i, ' ', len - i) == NULL;
}

/* Each encoded word is at most 75 characters and holds whole UTF-8
   characters: a decoder may convert every word on its own. */
static void
check_words(const char *line, size_t len)
{
	const char *p = line, *end = line + len, *close;
	gnutls_datum_t b64, raw;
	char *clean;

	while (p < end) {
		p = strstr(p, "=?UTF-8?B?");
		if (p == NULL || p >= end)
			break;
		close = strstr(p + 10, "?=");
		assert_non_null(close);
		assert_true(close + 2 <= end);
		assert_true(close + 2 - p <= 75);
		b64.data = (unsigned char *)p + 10;
		b64.size = (unsigned int)(close - p - 10);
		assert_int_equal(gnutls_base64_decode2(&b64, &raw), 0);
		clean = message_clean_utf8((const char *)raw.data, raw.size);
		assert_int_equal(strlen(clean), raw.size);
		assert_memory_equal(clean, raw.data, raw.size);
		free(clean);
		gnutls_free(raw.data);
		p = close + 2;
	}
}

/* Checks a header block (up to the empty line or the end of s): every
   line ends with CRLF, none starts with "Bcc:", none is longer than 78
   unless it could not be broken, and encoded words are at most 75. */
static void
check_header(const char *s)
{
	const char *line = s, *crlf;
	size_t len;

	while (*line != '\0') {
		crlf = strstr(line, "\r\n");
		assert_non_null(crlf);
		len = (size_t)(crlf - line);
		if (len == 0)
			break;
		assert_null(memchr(line, '\r', len));
		assert_null(memchr(line, '\n', len));
		assert_int_not_equal(strncasecmp(line, "Bcc:", 4), 0);
		if (len > 78)
			assert_true(unbreakable(line, len));
		check_words(line, len);
		line = crlf + 2;
	}
}

/* The unfolded value of the first header called name (heap), or NULL. */
static char *
header_value(const char *msg, const char *name)
{
	size_t n = strlen(name);
	const char *p = msg, *end = strstr(msg, "\r\n\r\n");
	struct buf b;

	while (p != NULL && p < end) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			break;
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	if (p == NULL || p >= end)
		return NULL;
	p += n + 1;
	buf_init(&b, 1024 * 1024);
	while (!(p[0] == '\r' && p[1] == '\n' && p[2] != ' ')) {
		if (p[0] == '\r' && p[1] == '\n')
			p += 2;
		else
			assert_int_equal(buf_addc(&b, *p++), 0);
	}
	return util_trim(buf_steal(&b));
}

static char *
decode_phrase(const char *value)
{
	size_t idx = 0;
	char *out = NULL;

	assert_int_equal(mailmime_encoded_phrase_parse("utf-8", value,
						       strlen(value), &idx,
						       "utf-8", &out),
			 MAILIMF_NO_ERROR);
	assert_non_null(out);
	return out;
}

/* compose_header_text("Subject", in) checked and decoded back. */
static char *
subject_round_trip(const char *in)
{
	char *h = compose_header_text("Subject", in);
	char *block = xasprintf("%s\r\n", h);
	char *out;

	check_header(block);
	assert_int_equal(strncmp(h, "Subject: ", 9), 0);
	out = decode_phrase(h + 9);
	free(block);
	free(h);
	return out;
}

static void
test_subject_ascii(void **state)
{
	static const struct {
		const char *in;
		const char *expect;
	} rows[] = {
		{"Hello world", "Subject: Hello world"},
		{"", "Subject: "},
		{"Aanmelding: Kinderfeest (7-12 jaar) #3 <x@y>",
		 "Subject: Aanmelding: Kinderfeest (7-12 jaar) #3 <x@y>"},
		{"tab\there", "Subject: tab here"},
		{"x\r\nBcc: evil@x", "Subject: x  Bcc: evil@x"},
		{"a\x01"
		 "b\x7f",
		 "Subject: a b "},
		{"Bevestiging van uw aanmelding voor het zomerkamp in Utrecht "
		 "op zaterdag 13 april",
		 "Subject: Bevestiging van uw aanmelding voor het zomerkamp "
		 "in Utrecht op\r\n zaterdag 13 april"},
		{"a  b   c", "Subject: a  b   c"},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		char *h = compose_header_text("Subject", rows[i].in);

		assert_string_equal(h, rows[i].expect);
		free(h);
	}
}

static void
test_subject_round_trip(void **state)
{
	static const char *const rows[] = {
		"Aanmelding ontvangen \xe2\x80\x93 caf\xc3\xa9 Zo\xc3\xab",
		"\xf0\x9f\x8e\x89 Feest! \xf0\x9f\x8e\x89",
		"=?utf-8?q?hi?=",
		"prijs =? vraag",
		"\xce\x95\xce\xbb\xce\xbb\xce\xb7\xce\xbd\xce\xb9\xce\xba\xce"
		"\xac \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		"\xc3\xa9  \xc3\xa9   spaces  ",
		"averyveryveryveryveryveryveryveryveryveryveryveryveryvery"
		"veryveryveryveryverylongword",
	};
	static const char *const units[] = {
		"\xc3\xa9",
		"\xe2\x82\xac",
		"\xf0\x9f\x98\x80",
		"a\xc3\xa9 ",
	};
	size_t i, k, n;

	for (i = 0; i < nitems(rows); i++) {
		char *out = subject_round_trip(rows[i]);

		assert_string_equal(out, rows[i]);
		free(out);
	}
	/* over 200 bytes, with each prefix length moving the multibyte
	   characters across the word borders */
	for (i = 0; i < nitems(units); i++) {
		for (k = 0; k < 4; k++) {
			struct buf b;
			char *out;

			buf_init(&b, 4096);
			for (n = 0; n < k; n++)
				assert_int_equal(buf_addc(&b, 'x'), 0);
			while (b.len < 260)
				assert_int_equal(buf_adds(&b, units[i]), 0);
			out = subject_round_trip(buf_str(&b));
			assert_string_equal(out, buf_str(&b));
			free(out);
			buf_deinit(&b);
		}
	}
}

static void
test_subject_invalid_utf8(void **state)
{
	static const struct {
		const char *in;
		const char *expect;
	} rows[] = {
		{"caf\xe9", "caf\xef\xbf\xbd"},
		{"\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd"},
		{"cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd"},
		{"ok\xc0\xafok", "ok\xef\xbf\xbd\xef\xbf\xbdok"},
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		char *out = subject_round_trip(rows[i].in);

		assert_string_equal(out, rows[i].expect);
		free(out);
	}
}

/* A body of len bytes in lines of "0123456789\n". */
static void
fill_body(struct buf *b, size_t len)
{
	buf_init(b, len + 1);
	while (b->len + 11 <= len)
		assert_int_equal(buf_adds(b, "0123456789\n"), 0);
}

static void
test_limits(void **state)
{
	struct compose_mail m = sample_mail();
	const char *error = NULL;
	struct buf b;
	char *out, *msg;
	size_t len;

	/* a huge untrusted subject is cut, at a character border */
	buf_init(&b, 200 * 1024);
	while (b.len < 100 * 1024)
		assert_int_equal(buf_adds(&b, "\xe2\x82\xac"), 0);
	out = subject_round_trip(buf_str(&b));
	assert_true(strlen(out) > 1000 && strlen(out) < b.len);
	assert_int_equal(strlen(out) % 3, 0);
	assert_memory_equal(out, buf_str(&b), strlen(out));
	free(out);
	buf_deinit(&b);
	/* a large body is fine; a runaway one is refused */
	fill_body(&b, 512 * 1024);
	m.body = buf_str(&b);
	msg = compose_ok(&m, &len);
	assert_true(len > b.len);
	free(msg);
	buf_deinit(&b);
	fill_body(&b, 2 * 1024 * 1024);
	m.body = buf_str(&b);
	assert_null(compose_message(&m, &len, &error));
	assert_non_null(error);
	buf_deinit(&b);
	/* the length is optional */
	m = sample_mail();
	msg = compose_message(&m, NULL, &error);
	assert_non_null(msg);
	free(msg);
}

static void
test_mailbox(void **state)
{
	static const struct {
		const char *name;
		const char *expect;
	} rows[] = {
		{NULL, "<a@example.org>"},
		{"", "<a@example.org>"},
		{"   ", "<a@example.org>"},
		{"Jan Jansen", "Jan Jansen <a@example.org>"},
		{" Jan ", "Jan <a@example.org>"},
		{"Jansen, Jan", "\"Jansen, Jan\" <a@example.org>"},
		{"J. Jansen", "\"J. Jansen\" <a@example.org>"},
		{"Jan \"JJ\" \\o/",
		 "\"Jan \\\"JJ\\\" \\\\o/\" <a@example.org>"},
		{"Zo\xc3\xab", "=?UTF-8?B?Wm/Dqw==?= <a@example.org>"},
		{"=?utf-8?q?x?=", "=?UTF-8?B?PT91dGYtOD9xP3g/PQ==?= "
				  "<a@example.org>"},
		{"x\r\nBcc: evil@x", "\"x  Bcc: evil@x\" <a@example.org>"},
	};
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		char *mb = compose_mailbox(rows[i].name, "a@example.org");

		assert_non_null(mb);
		assert_string_equal(mb, rows[i].expect);
		free(mb);
	}
}

static void
test_unsafe_addresses(void **state)
{
	static const char *const bad[] = {
		"a@b\r\nBcc: x@y",
		"a\n@b",
		"a\r@b",
		"a b@c",
		"<a@b>",
		"a@b>",
		"\xc3\xa9@b.nl",
		"a@b\xc3\xa9",
		"ab.nl",
		"",
		"@b",
		"a@",
		"a@b@c",
		"\"a\"@b",
		"a@b,c@d",
		NULL,
	};
	static const char *const good[] = {
		"a@b",
		"jan.jansen+aanmeld@example.org",
		"x_y-z@sub.example.nl",
	};
	struct compose_mail m;
	const char *error;
	size_t i, len;

	for (i = 0; i < nitems(good); i++)
		assert_true(compose_addr_is_safe(good[i]));
	for (i = 0; i < nitems(bad); i++) {
		assert_false(compose_addr_is_safe(bad[i]));
		assert_null(compose_mailbox("Jan", bad[i]));
		m = sample_mail();
		m.to_addr = bad[i];
		error = NULL;
		assert_null(compose_message(&m, &len, &error));
		assert_non_null(error);
		m = sample_mail();
		m.from_addr = bad[i];
		error = NULL;
		assert_null(compose_message(&m, &len, &error));
		assert_non_null(error);
		m = sample_mail();
		m.message_id = bad[i];
		error = NULL;
		assert_null(compose_message(&m, &len, &error));
		assert_non_null(error);
		if (bad[i] == NULL)
			continue;
		m = sample_mail();
		m.in_reply_to = bad[i];
		error = NULL;
		assert_null(compose_message(&m, &len, &error));
		assert_non_null(error);
	}
	m = sample_mail();
	m.auto_submitted = "no\r\nBcc: x@y";
	error = NULL;
	assert_null(compose_message(&m, &len, &error));
	assert_non_null(error);
}

/* True if the parsed fields have a Bcc, typed or optional. */
static bool
has_bcc(const char *msg, size_t len)
{
	struct mailimf_fields *fields = NULL;
	clistiter *it;
	size_t idx = 0;
	bool found = false;

	assert_int_equal(mailimf_envelope_and_optional_fields_parse(
				 msg, len, &idx, &fields),
			 MAILIMF_NO_ERROR);
	for (it = clist_begin(fields->fld_list); it != NULL;
	     it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);

		if (f->fld_type == MAILIMF_FIELD_BCC ||
		    (f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD &&
		     strcasecmp(f->fld_data.fld_optional_field->fld_name,
				"Bcc") == 0))
			found = true;
	}
	mailimf_fields_free(fields);
	return found;
}

static void
test_injection(void **state)
{
	static const char *const rows[] = {
		"x\r\nBcc: evil@x",	   "x\nBcc: evil@x",
		"x\rBcc: evil@x",	   "\r\nBcc: evil@x",
		"\xc3\xa9\r\nBcc: evil@x", "x\r\n\r\nBcc: evil@x",
		"x\0\r\nBcc: evil@x",
	};
	struct compose_mail m;
	size_t i, len;
	char *msg;

	for (i = 0; i < nitems(rows); i++) {
		m = sample_mail();
		m.to_name = rows[i];
		m.from_name = rows[i];
		m.subject = rows[i];
		m.references = rows[i];
		msg = compose_ok(&m, &len);
		check_header(msg);
		assert_false(has_bcc(msg, len));
		assert_null(strstr(msg, "\nBcc:"));
		free(msg);
	}
}

static void
test_message_id(void **state)
{
	static const struct {
		const char *id;
		int ours;
	} rows[] = {
		{"aanmeld.0123456789abcdef0123456789abcdef@example.org", 1},
		{"AANMELD.x@EXAMPLE.ORG", 1},
		{"aanmeld.x@other.org", 0},
		{"aanmeld.x@sub.example.org", 0},
		{"aanmeld.x@example.org.evil", 0},
		{"other.x@example.org", 0},
		{"aanmeldx@example.org", 0},
		{"x.aanmeld.y@example.org", 0},
		{"aanmeld.x@example.org@example.org", 0},
		{"", 0},
		{NULL, 0},
	};
	char *a = compose_message_id("confirm:42", "example.org");
	char *b = compose_message_id("confirm:42", "example.org");
	char *c = compose_message_id("confirm:43", "example.org");
	size_t i;

	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), strlen("aanmeld.@example.org") + 32);
	assert_int_equal(strncmp(a, "aanmeld.", 8), 0);
	assert_int_equal(strspn(a + 8, "0123456789abcdef"), 32);
	assert_true(compose_addr_is_safe(a));
	assert_true(compose_is_our_message_id(a, "example.org"));
	assert_true(compose_is_our_message_id(c, "example.org"));
	assert_false(compose_is_our_message_id(a, "example.net"));
	for (i = 0; i < nitems(rows); i++)
		assert_int_equal(
			compose_is_our_message_id(rows[i].id, "example.org"),
			rows[i].ours);
	free(a);
	free(b);
	free(c);
}

static char *
decoded_name(const struct mailimf_mailbox *mb)
{
	return decode_phrase(mb->mb_display_name);
}

/* True for the RFC 3834 fields, which must have our values. */
static bool
check_optional(const struct mailimf_optional_field *opt)
{
	if (strcasecmp(opt->fld_name, "Auto-Submitted") == 0) {
		assert_string_equal(opt->fld_value, "auto-replied");
		return true;
	}
	if (strcasecmp(opt->fld_name, "X-Auto-Response-Suppress") == 0) {
		assert_string_equal(opt->fld_value, "All");
		return true;
	}
	return false;
}

/* Checks one parsed header field against m and marks its type seen. */
static void
check_field(struct mailimf_field *f, const struct compose_mail *m, int *seen)
{
	struct mailimf_mailbox *mb;
	char *s;

	switch (f->fld_type) {
	case MAILIMF_FIELD_ORIG_DATE:
		assert_int_equal(
			f->fld_data.fld_orig_date->dt_date_time->dt_year, 2021);
		break;
	case MAILIMF_FIELD_FROM:
		mb = clist_content(clist_begin(
			f->fld_data.fld_from->frm_mb_list->mb_list));
		assert_string_equal(mb->mb_addr_spec, m->from_addr);
		s = decoded_name(mb);
		assert_string_equal(s, m->from_name);
		free(s);
		break;
	case MAILIMF_FIELD_TO:
		mb = ((struct mailimf_address *)clist_content(clist_begin(
			      f->fld_data.fld_to->to_addr_list->ad_list)))
			     ->ad_data.ad_mailbox;
		assert_string_equal(mb->mb_addr_spec, m->to_addr);
		s = decoded_name(mb);
		assert_string_equal(s, m->to_name);
		free(s);
		break;
	case MAILIMF_FIELD_SUBJECT:
		s = decode_phrase(f->fld_data.fld_subject->sbj_value);
		assert_string_equal(s, m->subject);
		free(s);
		break;
	case MAILIMF_FIELD_MESSAGE_ID:
		assert_string_equal(f->fld_data.fld_message_id->mid_value,
				    m->message_id);
		break;
	case MAILIMF_FIELD_IN_REPLY_TO:
		assert_string_equal(
			clist_content(clist_begin(
				f->fld_data.fld_in_reply_to->mid_list)),
			m->in_reply_to);
		break;
	case MAILIMF_FIELD_REFERENCES:
		assert_int_equal(
			clist_count(f->fld_data.fld_references->mid_list), 3);
		break;
	case MAILIMF_FIELD_OPTIONAL_FIELD:
		if (!check_optional(f->fld_data.fld_optional_field))
			return;
		break;
	default:
		return;
	}
	*seen |= 1 << f->fld_type;
}

static void
check_body(struct mailmime *part, const char *expect)
{
	struct mailmime_data *d;
	size_t idx = 0, len = 0;
	char *dec = NULL;

	assert_int_equal(part->mm_type, MAILMIME_SINGLE);
	d = part->mm_data.mm_single;
	assert_non_null(d);
	assert_int_equal(d->dt_encoding, QP);
	assert_int_equal(mailmime_part_parse(d->dt_data.dt_text.dt_data,
					     d->dt_data.dt_text.dt_length, &idx,
					     QP, &dec, &len),
			 MAILIMF_NO_ERROR);
	assert_int_equal(len, strlen(expect));
	assert_memory_equal(dec, expect, len);
	mmap_string_unref(dec);
}

static void
test_parse_back(void **state)
{
	struct compose_mail m = sample_mail();
	struct mailmime *mime = NULL;
	struct mailimf_fields *fields;
	clistiter *it;
	size_t len, idx = 0;
	int seen = 0;
	char *msg;

	/* long names fold; they must still come back whole */
	m.to_name = "Jansen-de Vries, Johanna Wilhelmina Maria \"Jo\" "
		    "(ouder/verzorger van Pieter en Klaas)";
	msg = compose_ok(&m, &len);
	check_header(msg);
	assert_int_equal(mailmime_parse(msg, len, &idx, &mime),
			 MAILIMF_NO_ERROR);
	assert_int_equal(mime->mm_type, MAILMIME_MESSAGE);
	fields = mime->mm_data.mm_message.mm_fields;
	assert_non_null(fields);
	for (it = clist_begin(fields->fld_list); it != NULL;
	     it = clist_next(it))
		check_field(clist_content(it), &m, &seen);
	assert_int_equal(seen, 1 << MAILIMF_FIELD_ORIG_DATE |
				       1 << MAILIMF_FIELD_FROM |
				       1 << MAILIMF_FIELD_TO |
				       1 << MAILIMF_FIELD_SUBJECT |
				       1 << MAILIMF_FIELD_MESSAGE_ID |
				       1 << MAILIMF_FIELD_IN_REPLY_TO |
				       1 << MAILIMF_FIELD_REFERENCES |
				       1 << MAILIMF_FIELD_OPTIONAL_FIELD);
	assert_non_null(strstr(msg, "\r\nAuto-Submitted: auto-replied\r\n"));
	assert_non_null(strstr(msg, "\r\nX-Auto-Response-Suppress: All\r\n"));
	assert_non_null(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(mime->mm_data.mm_message.mm_msg_mime);
	check_body(mime->mm_data.mm_message.mm_msg_mime,
		   "Hallo Jan,\r\n\r\nFrom now on: caf\xc3\xa9 \r\n");
	mailmime_free(mime);
	free(msg);
}

/* The raw body obeys RFC 2045 6.7 and decodes to expect. */
static void
check_qp(const char *msg, const char *expect)
{
	const char *body = strstr(msg, "\r\n\r\n") + 4, *line, *crlf;
	size_t idx = 0, len = 0, n;
	char *dec = NULL;

	for (line = body; *line != '\0'; line = crlf + 2) {
		crlf = strstr(line, "\r\n");
		assert_non_null(crlf);
		n = (size_t)(crlf - line);
		assert_true(n <= 76);
		assert_int_not_equal(strncmp(line, "From ", 5), 0);
		if (n > 0)
			assert_true(line[n - 1] != ' ' && line[n - 1] != '\t');
		for (; line < crlf; line++)
			assert_true((*line >= ' ' && *line < 0x7f) ||
				    *line == '\t');
	}
	assert_int_equal(
		mailmime_part_parse(body, strlen(body), &idx, QP, &dec, &len),
		MAILIMF_NO_ERROR);
	assert_int_equal(len, strlen(expect));
	assert_memory_equal(dec, expect, len);
	mmap_string_unref(dec);
}

static void
test_body(void **state)
{
	static const struct {
		const char *in;
		const char *expect;
	} rows[] = {
		{"Hallo,\n\nwereld\n", "Hallo,\r\n\r\nwereld\r\n"},
		{"a\r\nb\r\n", "a\r\nb\r\n"},
		{"geen einde", "geen einde\r\n"},
		{"From the start\nFrom again\n",
		 "From the start\r\nFrom again\r\n"},
		{"trailing space \nand tab\t\n",
		 "trailing space \r\nand tab\t\r\n"},
		{"ends in space ", "ends in space \r\n"},
		{".\n.dot\n", ".\r\n.dot\r\n"},
		{"= sign =3D =\n", "= sign =3D =\r\n"},
		{"caf\xc3\xa9 \xe2\x82\xac\n", "caf\xc3\xa9 \xe2\x82\xac\r\n"},
		{"bad \xff byte\n", "bad \xef\xbf\xbd byte\r\n"},
		{"bare\rcr\n", "bare cr\r\n"},
		{"", ""},
	};
	struct compose_mail m;
	struct buf in, expect;
	size_t i, len;
	char *msg;

	for (i = 0; i < nitems(rows); i++) {
		m = sample_mail();
		m.body = rows[i].in;
		msg = compose_ok(&m, &len);
		check_qp(msg, rows[i].expect);
		free(msg);
	}
	/* long lines are soft-broken and come back whole */
	buf_init(&in, 8192);
	buf_init(&expect, 8192);
	for (i = 0; i < 100; i++) {
		assert_int_equal(buf_adds(&in, "\xc3\xa9 a="), 0);
		assert_int_equal(buf_adds(&expect, "\xc3\xa9 a="), 0);
	}
	assert_int_equal(buf_adds(&in, "\n"), 0);
	assert_int_equal(buf_adds(&expect, "\r\n"), 0);
	m = sample_mail();
	m.body = buf_str(&in);
	msg = compose_ok(&m, &len);
	check_qp(msg, buf_str(&expect));
	free(msg);
	buf_deinit(&in);
	buf_deinit(&expect);
}

/* The References value of a message for refs (heap), or NULL. */
static char *
references_for(const char *refs, const char *parent)
{
	struct compose_mail m = sample_mail();
	char *msg, *value;
	size_t len;

	m.references = refs;
	m.in_reply_to = parent;
	msg = compose_ok(&m, &len);
	check_header(msg);
	value = header_value(msg, "References");
	if (parent == NULL)
		assert_null(header_value(msg, "In-Reply-To"));
	free(msg);
	return value;
}

static void
test_references(void **state)
{
	static const struct {
		const char *refs;
		const char *expect;
	} rows[] = {
		{NULL, "<p@x>"},
		{"", "<p@x>"},
		{"<a@x> <b@x>", "<a@x> <b@x> <p@x>"},
		{"<a@x>\r\n\t<b@x>", "<a@x> <b@x> <p@x>"},
		{"junk <a@x> (c) <bad id@x> <c@x", "<a@x> <p@x>"},
		{"<a<b@x>", "<b@x> <p@x>"},
		{"<a@x>> <<b@x>", "<a@x> <b@x> <p@x>"},
		{"<p@x> <a@x>", "<a@x> <p@x>"},
		{"<noat> <\xc3\xa9@x> <a@x> <>", "<a@x> <p@x>"},
		{"x\r\nBcc: evil@x <a@x>", "<a@x> <p@x>"},
		{"<a@x>\r\nBcc: <e@x>", "<a@x> <e@x> <p@x>"},
	};
	size_t i;
	char *v;

	for (i = 0; i < nitems(rows); i++) {
		v = references_for(rows[i].refs, PARENT);
		assert_non_null(v);
		assert_string_equal(v, rows[i].expect);
		free(v);
	}
	assert_null(references_for("<a@x>", NULL));
}

/* An id of len bytes: "nnn...n@e.nl". */
static void
add_id(struct buf *b, size_t len, char fill)
{
	size_t i;

	assert_int_equal(buf_addc(b, '<'), 0);
	for (i = 0; i < len - 5; i++)
		assert_int_equal(buf_addc(b, fill), 0);
	assert_int_equal(buf_adds(b, "@e.nl> "), 0);
}

static void
test_references_limit(void **state)
{
	/* 9 ids of 224 bytes take 9 * 227 bytes with "<> ", and "<p@x>"
	   makes the 2048 of COMPOSE_REFERENCES_MAX; the oldest id varies */
	static const struct {
		size_t oldest;
		size_t count;
		size_t len;
	} rows[] = {
		{223, 10, COMPOSE_REFERENCES_MAX - 1},
		{224, 10, COMPOSE_REFERENCES_MAX},
		{225, 9, COMPOSE_REFERENCES_MAX - 227},
	};
	struct buf b;
	size_t i, n;
	char *v, *p;

	for (i = 0; i < nitems(rows); i++) {
		buf_init(&b, 4096);
		add_id(&b, rows[i].oldest, 'o');
		for (n = 0; n < 8; n++)
			add_id(&b, 224, (char)('a' + n));
		v = references_for(buf_str(&b), PARENT);
		assert_int_equal(strlen(v), rows[i].len);
		for (n = 0, p = v; p != NULL; p = strchr(p + 1, '<'))
			n++;
		assert_int_equal(n, rows[i].count);
		free(v);
		buf_deinit(&b);
	}
}

static void
test_references_huge(void **state)
{
	static const char *const garbage[] = {
		"<", ">", " junk ", "\r\n\t", "<bad id@x>", "<<", "\xff", "@",
	};
	char last[32], *v, *p, *next;
	struct buf b;
	size_t i = 0;

	buf_init(&b, 200 * 1024);
	while (b.len < 100 * 1024) {
		snprintf(last, sizeof(last), "<id%zu@example.org>", i);
		assert_int_equal(buf_adds(&b, last), 0);
		assert_int_equal(buf_adds(&b, garbage[i % nitems(garbage)]), 0);
		i++;
	}
	v = references_for(buf_str(&b), PARENT);
	assert_true(strlen(v) <= COMPOSE_REFERENCES_MAX);
	assert_true(strlen(v) > COMPOSE_REFERENCES_MAX - 40);
	p = v + strlen(v) - strlen("<p@x>");
	assert_string_equal(p, "<p@x>");
	/* the newest id of the input comes right before the parent's */
	assert_true(p - v > (ptrdiff_t)strlen(last));
	assert_memory_equal(p - strlen(last) - 1, last, strlen(last));
	for (p = v; p != NULL; p = next) {
		next = strchr(p, ' ');
		assert_int_equal(*p, '<');
		assert_int_equal(next == NULL ? p[strlen(p) - 1] : next[-1],
				 '>');
		if (next != NULL)
			next++;
	}
	free(v);
	buf_deinit(&b);
}

static void
test_date(void **state)
{
	static const struct {
		const char *tz;
		time_t t;
		const char *expect;
	} rows[] = {
		{"Europe/Amsterdam", APRIL_13,
		 "Tue, 13 Apr 2021 13:30:00 +0200"},
		{"Europe/Amsterdam", JANUARY_13,
		 "Wed, 13 Jan 2021 13:30:00 +0100"},
		{"UTC", APRIL_13, "Tue, 13 Apr 2021 11:30:00 +0000"},
		{"America/St_Johns", JANUARY_13,
		 "Wed, 13 Jan 2021 09:00:00 -0330"},
		{"Europe/Amsterdam", 0, "Thu, 01 Jan 1970 01:00:00 +0100"},
	};
	const char *re = "^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} "
			 "[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$";
	struct compose_mail m;
	regex_t rx;
	size_t i, len;
	char *msg, *date;

	assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	for (i = 0; i < nitems(rows); i++) {
		assert_int_equal(setenv("TZ", rows[i].tz, 1), 0);
		tzset();
		m = sample_mail();
		m.date = rows[i].t;
		msg = compose_ok(&m, &len);
		assert_int_equal(strncmp(msg, "Date: ", 6), 0);
		date = header_value(msg, "Date");
		assert_non_null(date);
		assert_int_equal(regexec(&rx, date, 0, NULL, 0), 0);
		assert_string_equal(date, rows[i].expect);
		free(date);
		free(msg);
	}
	regfree(&rx);
	assert_int_equal(setenv("TZ", "Europe/Amsterdam", 1), 0);
	tzset();
}

/* A mail without calendar or attachment is byte for byte what compose
   wrote before they existed; the fields that go with them are ignored. */
static void
test_plain_golden(void **state)
{
	static const char expect[] =
		"Date: Tue, 13 Apr 2021 11:30:00 +0000\r\n"
		"From: "
		"=?UTF-8?B?R2VtZWVudGUgw5x0cmVjaHQg4oCTIEFhbm1lbGRpbmc=?=\r\n"
		" <aanmelding@example.org>\r\n"
		"To: \"Jansen, Jan \\\"JJ\\\"\" <jan@example.net>\r\n"
		"Subject: =?UTF-8?B?QmV2ZXN0aWdpbmc6IGNhZsOpIPCfjok=?=\r\n"
		"Message-ID: <aanmeld.0123@example.org>\r\n"
		"In-Reply-To: <p@x>\r\n"
		"References: <a@x> <b@x> <p@x>\r\n"
		"Auto-Submitted: auto-replied\r\n"
		"X-Auto-Response-Suppress: All\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n"
		"\r\n"
		"Hallo Jan,\r\n"
		"\r\n"
		"=46rom now on: caf=C3=A9=20\r\n";
	struct compose_mail m = sample_mail();
	char *msg;
	size_t len;

	assert_int_equal(setenv("TZ", "UTC", 1), 0);
	tzset();
	m.calendar_method = "REQUEST";
	m.attachment_name = "x.ics";
	m.attachment_type = "application/ics";
	msg = compose_ok(&m, &len);
	assert_int_equal(len, sizeof(expect) - 1);
	assert_string_equal(msg, expect);
	free(msg);
	assert_int_equal(setenv("TZ", "Europe/Amsterdam", 1), 0);
	tzset();
}

/* An invitation as calendar.c writes one: CRLF, folded at 75 octets,
   UTF-8 in TEXT values.  The escaped "\n" and the folded line show that
   only a property line counts as METHOD. */
static const char invite[] =
	"BEGIN:VCALENDAR\r\n"
	"PRODID:-//aanmeld//aanmeld//NL\r\n"
	"VERSION:2.0\r\n"
	"METHOD:REQUEST\r\n"
	"BEGIN:VEVENT\r\n"
	"UID:aanmeld-0123-session-1@example.org\r\n"
	"DTSTAMP:20210413T113000Z\r\n"
	"DTSTART;TZID=Europe/Amsterdam:20210501T140000\r\n"
	"DTEND;TZID=Europe/Amsterdam:20210501T150000\r\n"
	"SUMMARY:Workshop caf\xc3\xa9 \xe2\x82\xac 5 \xf0\x9f\x8e\x89\r\n"
	"DESCRIPTION:Neem mee: pen\\, papier\\nMETHOD:CANCEL is hier gewoon"
	" tekst\r\n"
	" METHOD:CANCEL\r\n"
	"ORGANIZER;CN=Gemeente Utrecht:mailto:aanmelding@example.org\r\n"
	"ATTENDEE;CN=Jan Jansen;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTIO\r\n"
	" N;RSVP=TRUE:mailto:jan@example.net\r\n"
	"SEQUENCE:0\r\n"
	"END:VEVENT\r\n"
	"END:VCALENDAR\r\n";

/* The hex digits in our boundaries: SHA-256 of the Message-ID, as in
   compose_message_id() (heap). */
static char *
boundary_hex(const char *message_id)
{
	char *id = compose_message_id(message_id, "x"), *hex;

	hex = xstrndup(id + strlen("aanmeld."), 32);
	free(id);
	return hex;
}

/* An attachment with what must not escape its part: a delimiter line,
   a header, an empty line, a line over 998 octets and bytes that are
   neither UTF-8 nor CRLF. */
static char *
hostile_file(const char *hex)
{
	struct buf b;
	size_t i;

	buf_init(&b, 64 * 1024);
	assert_int_equal(
		buf_addf(&b,
			 "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\n"
			 "--=_aanmeld_%s_mix--\r\n--=_aanmeld_%s_alt\r\n"
			 "Bcc: evil@example.com\r\n\r\n",
			 hex, hex),
		0);
	for (i = 0; i < 3000; i++)
		assert_int_equal(buf_addc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(buf_adds(&b, "\n\xff\xfe\r\r\n=_\x01"
				      "END:VCALENDAR"),
			 0);
	return buf_steal(&b);
}

static char *
type_of(const struct mailmime *part)
{
	const struct mailmime_content *ct = part->mm_content_type;
	const struct mailmime_type *t;
	const char *type = "other";

	assert_non_null(ct);
	t = ct->ct_type;
	if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE)
		type = t->tp_data.tp_composite_type->ct_type ==
				       MAILMIME_COMPOSITE_TYPE_MULTIPART
			       ? "multipart"
			       : "message";
	else if (t->tp_data.tp_discrete_type->dt_type ==
		 MAILMIME_DISCRETE_TYPE_TEXT)
		type = "text";
	else if (t->tp_data.tp_discrete_type->dt_type ==
		 MAILMIME_DISCRETE_TYPE_APPLICATION)
		type = "application";
	return util_lowercase(xasprintf("%s/%s", type, ct->ct_subtype));
}

/* Appends a leaf's type parameters, disposition and encoding to b. */
static void
describe_leaf(struct buf *b, struct mailmime *part)
{
	struct mailmime_single_fields sf;
	const char *method, *enc = " other";

	mailmime_single_fields_init(&sf, part->mm_mime_fields,
				    part->mm_content_type);
	method = mailmime_content_param_get(part->mm_content_type, "method");
	if (sf.fld_content_charset != NULL)
		assert_int_equal(
			buf_addf(b, " charset=%s", sf.fld_content_charset), 0);
	if (method != NULL)
		assert_int_equal(buf_addf(b, " method=%s", method), 0);
	if (sf.fld_content_name != NULL)
		assert_int_equal(buf_addf(b, " name=%s", sf.fld_content_name),
				 0);
	if (sf.fld_disposition != NULL) {
		assert_int_equal(sf.fld_disposition->dsp_type->dsp_type,
				 MAILMIME_DISPOSITION_TYPE_ATTACHMENT);
		assert_non_null(sf.fld_disposition_filename);
		assert_int_equal(buf_addf(b, " attachment=%s",
					  sf.fld_disposition_filename),
				 0);
	}
	assert_non_null(sf.fld_encoding);
	if (sf.fld_encoding->enc_type == QP)
		enc = " qp";
	else if (sf.fld_encoding->enc_type == MAILMIME_MECHANISM_BASE64)
		enc = " base64";
	assert_int_equal(buf_adds(b, enc), 0);
}

/* Appends the shape of part to b, e.g. "multipart/alternative(text/plain
   charset=UTF-8 qp,...)", and its leaves to leaves[] (at most 8). */
static void
describe(struct buf *b, struct mailmime *part, struct mailmime **leaves,
	 size_t *n)
{
	clistiter *it;
	char *type = type_of(part);

	assert_int_equal(buf_adds(b, type), 0);
	free(type);
	if (part->mm_type == MAILMIME_SINGLE) {
		assert_true(*n < 8);
		leaves[(*n)++] = part;
		describe_leaf(b, part);
		return;
	}
	assert_int_equal(part->mm_type, MAILMIME_MULTIPLE);
	assert_int_equal(buf_addc(b, '('), 0);
	for (it = clist_begin(part->mm_data.mm_multipart.mm_mp_list);
	     it != NULL; it = clist_next(it)) {
		describe(b, clist_content(it), leaves, n);
		if (clist_next(it) != NULL)
			assert_int_equal(buf_addc(b, ','), 0);
	}
	assert_int_equal(buf_addc(b, ')'), 0);
}

/* The encoded data of a leaf: CRLF lines of at most 76 (RFC 2045
   sections 6.7 and 6.8), only the base64 alphabet in base64, and never
   "=_", which every boundary contains. */
static void
check_encoded(const struct mailmime *part)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/=";
	const struct mailmime_data *d = part->mm_data.mm_single;
	const char *p, *end, *crlf;
	size_t i;

	assert_non_null(d);
	p = d->dt_data.dt_text.dt_data;
	end = p + d->dt_data.dt_text.dt_length;
	assert_null(memmem(p, (size_t)(end - p), "=_", 2));
	for (; p < end; p = crlf + 2) {
		crlf = memmem(p, (size_t)(end - p), "\r\n", 2);
		assert_non_null(crlf);
		assert_true(crlf - p <= 76);
		for (i = 0; p + i < crlf; i++) {
			if (d->dt_encoding == MAILMIME_MECHANISM_BASE64)
				assert_non_null(strchr(b64, p[i]));
			else
				assert_true(p[i] >= ' ' && p[i] < 0x7f);
		}
	}
}

static void
check_decoded(const struct mailmime *part, const char *expect)
{
	const struct mailmime_data *d = part->mm_data.mm_single;
	size_t idx = 0, len = 0;
	char *dec = NULL;

	assert_int_equal(mailmime_part_parse(d->dt_data.dt_text.dt_data,
					     d->dt_data.dt_text.dt_length, &idx,
					     d->dt_encoding, &dec, &len),
			 MAILIMF_NO_ERROR);
	assert_int_equal(len, strlen(expect));
	assert_memory_equal(dec, expect, len);
	mmap_string_unref(dec);
}

/* Every line ends in CRLF; the header block is checked as for a plain
   message, and every line after it is at most 78 long unless it could not
   be broken (a long media type), and then at most 998. */
static void
check_lines(const char *msg, size_t len)
{
	const char *p = strstr(msg, "\r\n\r\n") + 4, *crlf;

	check_header(msg);
	for (; p < msg + len; p = crlf + 2) {
		crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		assert_true(crlf - p <= 998);
		if (crlf - p > 78)
			assert_true(unbreakable(p, (size_t)(crlf - p)));
		assert_null(memchr(p, '\r', (size_t)(crlf - p)));
		assert_null(memchr(p, '\n', (size_t)(crlf - p)));
	}
	assert_true(p == msg + len);
}

/* Parses msg back and checks it: the header fields of m, then the MIME
   tree against shape and the leaves (text, calendar, file, in that order)
   decoded against m, then how the whole encoded data is laid out. */
static void
check_parts(const char *msg, size_t len, const struct compose_mail *m,
	    const char *shape, const char *text)
{
	struct mailmime *mime = NULL, *leaves[8];
	clistiter *it;
	struct buf b;
	size_t idx = 0, n = 0;
	int seen = 0;

	assert_int_equal(mailmime_parse(msg, len, &idx, &mime),
			 MAILIMF_NO_ERROR);
	for (it = clist_begin(mime->mm_data.mm_message.mm_fields->fld_list);
	     it != NULL; it = clist_next(it))
		check_field(clist_content(it), m, &seen);
	assert_int_equal(seen, 1 << MAILIMF_FIELD_ORIG_DATE |
				       1 << MAILIMF_FIELD_FROM |
				       1 << MAILIMF_FIELD_TO |
				       1 << MAILIMF_FIELD_SUBJECT |
				       1 << MAILIMF_FIELD_MESSAGE_ID |
				       1 << MAILIMF_FIELD_IN_REPLY_TO |
				       1 << MAILIMF_FIELD_REFERENCES |
				       1 << MAILIMF_FIELD_OPTIONAL_FIELD);
	buf_init(&b, 4096);
	describe(&b, mime->mm_data.mm_message.mm_msg_mime, leaves, &n);
	assert_string_equal(buf_str(&b), shape);
	buf_deinit(&b);
	check_decoded(leaves[0], text);
	if (m->calendar != NULL)
		check_decoded(leaves[1], m->calendar);
	if (m->attachment != NULL)
		check_decoded(leaves[n - 1], m->attachment);
	while (n > 0)
		check_encoded(leaves[--n]);
	mailmime_free(mime);
}

static void
test_shapes(void **state)
{
	static const struct {
		bool calendar;
		bool attachment;
		const char *type; /* as message_parse() sees it */
		const char *shape;
	} rows[] = {
		{false, false, "text/plain", "text/plain charset=UTF-8 qp"},
		{true, false, "multipart/alternative",
		 "multipart/alternative(text/plain charset=UTF-8 qp,"
		 "text/calendar charset=UTF-8 method=REQUEST base64)"},
		{false, true, "multipart/mixed",
		 "multipart/mixed(text/plain charset=UTF-8 qp,"
		 "application/ics name=uitnodiging.ics"
		 " attachment=uitnodiging.ics base64)"},
		{true, true, "multipart/mixed",
		 "multipart/mixed(multipart/alternative("
		 "text/plain charset=UTF-8 qp,"
		 "text/calendar charset=UTF-8 method=REQUEST base64),"
		 "application/ics name=uitnodiging.ics"
		 " attachment=uitnodiging.ics base64)"},
	};
	const char *text = "Hallo Jan,\r\n\r\nFrom now on: caf\xc3\xa9 \r\n";
	struct compose_mail m = sample_mail();
	struct message *parsed;
	char *plain, *msg, *file, *again, *hex;
	size_t i, len, plain_len, head, again_len;

	hex = boundary_hex(m.message_id);
	file = hostile_file(hex);
	plain = compose_ok(&m, &plain_len);
	head = (size_t)(strstr(plain, "MIME-Version: 1.0\r\n") - plain) + 19;
	for (i = 0; i < nitems(rows); i++) {
		m = sample_mail();
		m.calendar = rows[i].calendar ? invite : NULL;
		m.calendar_method = "REQUEST";
		m.attachment = rows[i].attachment ? file : NULL;
		m.attachment_name = "uitnodiging.ics";
		m.attachment_type = "application/ics";
		msg = compose_ok(&m, &len);
		/* the same header fields, byte for byte; without parts, the
		   same message */
		assert_true(len > head);
		assert_memory_equal(msg, plain, head);
		if (!rows[i].calendar && !rows[i].attachment) {
			assert_int_equal(len, plain_len);
			assert_memory_equal(msg, plain, len);
		}
		check_lines(msg, len);
		check_parts(msg, len, &m, rows[i].shape, text);
		/* what intake would make of it, were it to come back */
		parsed = message_parse(msg, len);
		assert_null(parsed->problem);
		assert_string_equal(parsed->content_type, rows[i].type);
		assert_string_equal(parsed->body, text);
		assert_false(parsed->calendar_reply);
		message_free(parsed);
		/* a resend is the same bytes */
		again = compose_ok(&m, &again_len);
		assert_int_equal(again_len, len);
		assert_memory_equal(again, msg, len);
		free(again);
		free(msg);
	}
	free(plain);
	free(file);
	free(hex);
}

/* The lines of msg that are exactly line. */
static size_t
count_lines(const char *msg, const char *line)
{
	size_t n = 0, len = strlen(line);
	const char *p, *end;

	for (p = msg; *p != '\0'; p = end + 2) {
		end = strstr(p, "\r\n");
		assert_non_null(end);
		if ((size_t)(end - p) == len && memcmp(p, line, len) == 0)
			n++;
	}
	return n;
}

static void
test_boundaries(void **state)
{
	/* two parts in each multipart: two delimiters and a close one */
	static const struct {
		const char *suffix;
		size_t count;
	} delims[] = {
		{"mix", 2},
		{"mix--", 1},
		{"alt", 2},
		{"alt--", 1},
	};
	struct compose_mail m = sample_mail();
	char *hex = boundary_hex(m.message_id), *hex2, *cal, *file, *msg, *s;
	size_t len, i;

	/* the parts hold our own delimiters: they must stay inside */
	cal = xasprintf("METHOD:REQUEST\r\n--=_aanmeld_%s_alt--\r\n"
			"--=_aanmeld_%s_mix\r\n",
			hex, hex);
	file = hostile_file(hex);
	m.calendar = cal;
	m.calendar_method = "REQUEST";
	m.attachment = file;
	m.attachment_name = "programma.ics";
	m.attachment_type = "text/calendar; charset=UTF-8; method=PUBLISH";
	msg = compose_ok(&m, &len);
	check_lines(msg, len);
	check_parts(msg, len, &m,
		    "multipart/mixed(multipart/alternative(text/plain "
		    "charset=UTF-8 qp,text/calendar charset=UTF-8 "
		    "method=REQUEST base64),text/calendar charset=UTF-8 "
		    "method=PUBLISH name=programma.ics "
		    "attachment=programma.ics base64)",
		    "Hallo Jan,\r\n\r\nFrom now on: caf\xc3\xa9 \r\n");
	s = xasprintf("\r\nMIME-Version: 1.0\r\n"
		      "Content-Type: multipart/mixed;\r\n"
		      " boundary=\"=_aanmeld_%s_mix\"\r\n\r\n"
		      "--=_aanmeld_%s_mix\r\n"
		      "Content-Type: multipart/alternative;\r\n"
		      " boundary=\"=_aanmeld_%s_alt\"\r\n\r\n"
		      "--=_aanmeld_%s_alt\r\n"
		      "Content-Type: text/plain; charset=UTF-8\r\n",
		      hex, hex, hex, hex);
	assert_non_null(strstr(msg, s));
	free(s);
	for (i = 0; i < nitems(delims); i++) {
		s = xasprintf("--=_aanmeld_%s_%s", hex, delims[i].suffix);
		assert_int_equal(count_lines(msg, s), delims[i].count);
		free(s);
	}
	free(msg);
	/* another mail, other boundaries; the first ones, in its parts,
	   show nowhere */
	m.message_id = "aanmeld.4567@example.org";
	hex2 = boundary_hex(m.message_id);
	assert_string_not_equal(hex, hex2);
	msg = compose_ok(&m, &len);
	assert_null(strstr(msg, hex));
	for (i = 0; i < nitems(delims); i++) {
		s = xasprintf("--=_aanmeld_%s_%s", hex2, delims[i].suffix);
		assert_int_equal(count_lines(msg, s), delims[i].count);
		free(s);
	}
	free(msg);
	free(file);
	free(cal);
	free(hex);
	free(hex2);
}

/* A calendar of len bytes with a METHOD line first. */
static char *
big_calendar(size_t len, const char *method)
{
	struct buf b;

	buf_init(&b, len);
	assert_int_equal(buf_addf(&b, "METHOD:%s\r\n", method), 0);
	while (b.len + 11 <= len)
		assert_int_equal(buf_adds(&b, "X-A:\xc3\xa9\xe2\x82\xac\r\n"),
				 0);
	while (b.len < len)
		assert_int_equal(buf_addc(&b, 'x'), 0);
	return buf_steal(&b);
}

/* A string of n copies of c after prefix (heap). */
static char *
repeat(const char *prefix, char c, size_t n)
{
	char *s = xmalloc(strlen(prefix) + n + 1);

	memcpy(s, prefix, strlen(prefix));
	memset(s + strlen(prefix), c, n);
	s[strlen(prefix) + n] = '\0';
	return s;
}

static void
test_part_refusals(void **state)
{
	static const struct {
		const char *calendar; /* NULL: no calendar */
		const char *method;
		bool attach;
		const char *name;
		const char *type;
		const char *error; /* NULL: accepted */
	} rows[] = {
		{invite, NULL, false, NULL, NULL, "unsafe calendar method"},
		{invite, "", false, NULL, NULL, "unsafe calendar method"},
		{invite, "RE QUEST", false, NULL, NULL,
		 "unsafe calendar method"},
		{invite, "REQUEST\r\nBcc: evil@x", false, NULL, NULL,
		 "unsafe calendar method"},
		{invite, "REQUEST\"", false, NULL, NULL,
		 "unsafe calendar method"},
		{invite, "REQUEST;x=y", false, NULL, NULL,
		 "unsafe calendar method"},
		{invite, "X-REQUEST", false, NULL, NULL,
		 "unsafe calendar method"},
		{invite, "REQU\xc3\x89ST", false, NULL, NULL,
		 "unsafe calendar method"},
		{invite, "CANCEL", false, NULL, NULL,
		 "calendar method mismatch"},
		{invite, "REQUES", false, NULL, NULL,
		 "calendar method mismatch"},
		{invite, "REQUESTS", false, NULL, NULL,
		 "calendar method mismatch"},
		{"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "REQUEST", false, NULL,
		 NULL, "calendar method mismatch"},
		{"", "REQUEST", false, NULL, NULL, "calendar method mismatch"},
		{"X:a\r\n METHOD:REQUEST\r\nMETHOD:CANCEL\r\n", "REQUEST",
		 false, NULL, NULL, "calendar method mismatch"},
		{"X:a\r\n METHOD:CANCEL\r\nMETHOD:REQUEST\r\n", "REQUEST",
		 false, NULL, NULL, NULL},
		{"METHOD:REQUEST", "REQUEST", false, NULL, NULL, NULL},
		{"method:Request\n", "REQUEST", false, NULL, NULL, NULL},
		{invite, "request", false, NULL, NULL, NULL},
		/* without its content, a part's other fields are ignored */
		{NULL, "RE QUEST", false, NULL, NULL, NULL},
		{NULL, NULL, true, NULL, "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, ".ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "..", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "../x.ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "a/b.ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "a\\b.ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "a b.ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "a\"b.ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "a;b.ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "x.ics\r\nBcc: evil@x", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "caf\xc3\xa9.ics", "application/ics",
		 "unsafe attachment name"},
		{NULL, NULL, true, "Programma_2021-05.v2.ics",
		 "application/ics", NULL},
		{NULL, NULL, true, "x.ics", NULL, "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "", "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text", "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/", "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "/calendar",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar/x",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar;",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar ",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar; name=\"y.ics\"",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar; a=\"b",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar; a=b\\",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar (x)",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar\r\nBcc: evil@x",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar\t; a=b",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar; a=\x7f",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/caf\xc3\xa9",
		 "unsafe attachment type"},
		{NULL, NULL, true, "x.ics", "text/calendar;charset=UTF-8",
		 NULL},
		{NULL, NULL, false, "../x", "text/", NULL},
		{invite, "REQUEST", true, "x.ics", "text/",
		 "unsafe attachment type"},
	};
	struct compose_mail m;
	const char *error;
	size_t i, len;
	char *msg;

	for (i = 0; i < nitems(rows); i++) {
		m = sample_mail();
		m.calendar = rows[i].calendar;
		m.calendar_method = rows[i].method;
		m.attachment = rows[i].attach ? "BEGIN:VCALENDAR\r\n" : NULL;
		m.attachment_name = rows[i].name;
		m.attachment_type = rows[i].type;
		error = NULL;
		msg = compose_message(&m, &len, &error);
		if (rows[i].error == NULL) {
			assert_non_null(msg);
			assert_null(error);
			check_lines(msg, len);
			free(msg);
		} else {
			assert_null(msg);
			assert_non_null(error);
			assert_string_equal(error, rows[i].error);
		}
	}
}

/* m is at limit - 1, limit or limit + 1 for i 0, 1 or 2: accepted up to
   the limit, refused with error beyond it. */
static void
check_limit(const struct compose_mail *m, size_t i, const char *error)
{
	const char *err = NULL;
	size_t len;
	char *msg = compose_message(m, &len, &err);

	if (i < 2) {
		assert_non_null(msg);
		check_lines(msg, len);
		if (m->calendar != NULL && m->attachment != NULL)
			check_parts(msg, len, m,
				    "multipart/mixed(multipart/alternative("
				    "text/plain charset=UTF-8 qp,text/calendar"
				    " charset=UTF-8 method=REQUEST base64),"
				    "application/ics name=x.ics "
				    "attachment=x.ics base64)",
				    "Hallo Jan,\r\n\r\nFrom now on: "
				    "caf\xc3\xa9 \r\n");
		free(msg);
	} else {
		assert_null(msg);
		assert_string_equal(err, error);
	}
}

static void
test_part_limits(void **state)
{
	struct compose_mail m;
	char *s, *cal;
	size_t i;

	for (i = 0; i < 3; i++) {
		s = repeat("", 'X', COMPOSE_CALENDAR_METHOD_MAX - 1 + i);
		cal = xasprintf("METHOD:%s\r\n", s);
		m = sample_mail();
		m.calendar = cal;
		m.calendar_method = s;
		check_limit(&m, i, "unsafe calendar method");
		free(cal);
		free(s);
		s = repeat("", 'n', COMPOSE_ATTACHMENT_NAME_MAX - 1 + i);
		m = sample_mail();
		m.attachment = "x";
		m.attachment_name = s;
		m.attachment_type = "application/ics";
		check_limit(&m, i, "unsafe attachment name");
		free(s);
		s = repeat("application/", 'x',
			   COMPOSE_ATTACHMENT_TYPE_MAX - 13 + i);
		m.attachment_name = "x.ics";
		m.attachment_type = s;
		check_limit(&m, i, "unsafe attachment type");
		free(s);
		/* the sizes, each part alone and both */
		cal = big_calendar(COMPOSE_PART_MAX - 1 + i, "REQUEST");
		m = sample_mail();
		m.calendar = cal;
		m.calendar_method = "REQUEST";
		check_limit(&m, i, "message too large");
		m.attachment = cal;
		m.attachment_name = "x.ics";
		m.attachment_type = "application/ics";
		check_limit(&m, i, "message too large");
		m.calendar = NULL;
		check_limit(&m, i, "message too large");
		free(cal);
	}
}

/* A whole message that would pass 4 MiB is refused as such. */
static void
test_parts_too_large(void **state)
{
	struct compose_mail m = sample_mail();
	const char *error = NULL;
	struct buf body;
	char *cal = big_calendar(COMPOSE_PART_MAX, "REQUEST");
	size_t len;

	/* quoted-printable triples it: 3 MiB, and the calendar 1.4 */
	buf_init(&body, COMPOSE_PART_MAX);
	while (body.len + 2 <= COMPOSE_PART_MAX)
		assert_int_equal(buf_adds(&body, "\xc3\xa9"), 0);
	m.body = buf_str(&body);
	m.calendar = cal;
	m.calendar_method = "REQUEST";
	assert_null(compose_message(&m, NULL, &error));
	assert_string_equal(error, "message too large");
	/* without the calendar it fits */
	m.calendar = NULL;
	error = NULL;
	free(compose_ok(&m, &len));
	buf_deinit(&body);
	free(cal);
}

/* The method parameter we write is the one intake reads to spot iMIP
   replies (and not answer them). */
static void
test_calendar_reply(void **state)
{
	struct compose_mail m = sample_mail();
	struct message *parsed;
	char *msg;
	size_t len;

	m.calendar = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n";
	m.calendar_method = "REPLY";
	msg = compose_ok(&m, &len);
	parsed = message_parse(msg, len);
	assert_true(parsed->calendar_reply);
	message_free(parsed);
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subject_ascii),
		cmocka_unit_test(test_subject_round_trip),
		cmocka_unit_test(test_subject_invalid_utf8),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_mailbox),
		cmocka_unit_test(test_unsafe_addresses),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_parse_back),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_references_limit),
		cmocka_unit_test(test_references_huge),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_plain_golden),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_part_refusals),
		cmocka_unit_test(test_part_limits),
		cmocka_unit_test(test_parts_too_large),
		cmocka_unit_test(test_calendar_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
