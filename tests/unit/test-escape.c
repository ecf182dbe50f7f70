/*
 * Unit tests for the terminal escapes: a table of {input, mode, output}
 * rows, one or more per kind (C0, DEL, C1, bidi, line breaks, invalid
 * UTF-8, the backslash, text that stays as it is); the three ways out
 * (buffer, heap string, stream) agreeing; the buffer's limit; and over
 * every code point and every pair of bytes: no control in the output,
 * and the escapes undone give the input back, so none can be forged.
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

#include "buf.h"
#include "escape.h"

#define L ESCAPE_LINE
#define M ESCAPE_LINES

static const struct {
	const char *in;
	unsigned flags;
	const char *out;
} rows[] = {
	/* text that stays as it is */
	{"", L, ""},
	{"Deelname praktijkproef GG & lokale inclusie", L,
	 "Deelname praktijkproef GG & lokale inclusie"},
	{"Súdwest-Fryslân, café, België, coöperatie", L,
	 "Súdwest-Fryslân, café, België, coöperatie"},
	{"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd ok", L,
	 "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd ok"}, /* thumbs up, skin tone */
	{"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", L,
	 "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"}, /* with a ZWJ */
	{"\xc2\xa0\xc2\xa9", L, "\xc2\xa0\xc2\xa9"},	  /* NBSP, © */
	{"\xd8\x9b\xe2\x80\xa7\xe2\x80\xb0", L,
	 "\xd8\x9b\xe2\x80\xa7\xe2\x80\xb0"},	     /* beside the bidi marks */
	{"\xf4\x8f\xbf\xbf", L, "\xf4\x8f\xbf\xbf"}, /* U+10FFFF */
	/* TAB, LF, CR on one line */
	{"a\tb", L, "a\\tb"},
	{"a\nb", L, "a\\nb"},
	{"a\rb", L, "a\\rb"},
	{"Aanmelding\r\nverdict      enrol", L,
	 "Aanmelding\\r\\nverdict      enrol"},
	/* the other C0 controls and DEL */
	{"\x01", L, "\\x01"},
	{"\x07\x08", L, "\\x07\\x08"},
	{"\x1b[2J\x1b]0;title\x07", L, "\\x1b[2J\\x1b]0;title\\x07"},
	{"\x0b\x0c\x1f", L, "\\x0b\\x0c\\x1f"},
	{"a\x7f", L, "a\\x7f"},
	/* C1 controls, as UTF-8 */
	{"\xc2\x80", L, "\\u0080"},
	{"\xc2\x85", L, "\\u0085"}, /* NEL */
	{"\xc2\x9b"
	 "31m",
	 L, "\\u009b31m"}, /* CSI */
	{"\xc2\x9f", L, "\\u009f"},
	/* bidi marks, embeddings, overrides, isolates; LS and PS */
	{"\xd8\x9c", L, "\\u061c"},
	{"\xe2\x80\x8e\xe2\x80\x8f", L, "\\u200e\\u200f"},
	{"\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac", L, "\\u202a\\u202b\\u202c"},
	{"\xe2\x80\xad", L, "\\u202d"},
	{"invoice_\xe2\x80\xae"
	 "fdp.exe",
	 L, "invoice_\\u202efdp.exe"},
	{"\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", L,
	 "\\u2066\\u2067\\u2068\\u2069"},
	{"\xe2\x80\xa8\xe2\x80\xa9", L, "\\u2028\\u2029"},
	{"a\xef\xbb\xbf"
	 "b",
	 L, "a\\ufeffb"}, /* a BOM inside the text */
	/* the backslash: doubled, so that an escape cannot be forged */
	{"C:\\temp", L, "C:\\\\temp"},
	{"\\u202e\\n", L, "\\\\u202e\\\\n"},
	/* bytes that are not UTF-8, one escape each */
	{"\xff", L, "\\xff"},
	{"\x9b", L, "\\x9b"}, /* a raw C1 byte, not the character */
	{"caf\xe9", L, "caf\\xe9"},
	{"\x80x", L, "\\x80x"},
	{"\xc3", L, "\\xc3"},
	{"\xc3(", L, "\\xc3("},
	{"\xe2\x80x", L, "\\xe2\\x80x"},
	{"\xc0\xaf", L, "\\xc0\\xaf"},			 /* overlong */
	{"\xe0\x80\xaf", L, "\\xe0\\x80\\xaf"},		 /* overlong */
	{"\xf0\x80\x80\xaf", L, "\\xf0\\x80\\x80\\xaf"}, /* overlong */
	{"\xed\xa0\x80", L, "\\xed\\xa0\\x80"},		 /* surrogate */
	{"\xf4\x90\x80\x80", L, "\\xf4\\x90\\x80\\x80"}, /* past U+10FFFF */
	{"\xf5\xf8\xfe", L, "\\xf5\\xf8\\xfe"},
	/* several lines: LF and TAB stay, CR LF becomes LF */
	{"Geachte heer,\r\n\r\nGraag.\r\n", M, "Geachte heer,\n\nGraag.\n"},
	{"a\nb\tc", M, "a\nb\tc"},
	{"a\rb", M, "a\\rb"},
	{"a\r\r\nb", M, "a\\r\nb"},
	{"\r", M, "\\r"},
	{"x\x1b[1A\xc2\x9b\xe2\x80\xae\\\xff", M,
	 "x\\x1b[1A\\u009b\\u202e\\\\\\xff"},
	{"\xe2\x80\xa8", M, "\\u2028"},
	{"Súdwest-Fryslân\n\xf0\x9f\x91\x8d", M,
	 "Súdwest-Fryslân\n\xf0\x9f\x91\x8d"},
};

/* What escape_fputs() writes, as a heap string. */
static char *
through_stream(const char *in, unsigned flags)
{
	char *data = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&data, &size);

	assert_non_null(fp);
	assert_int_equal(escape_fputs(in, flags, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return data;
}

static void
test_rows(void **state)
{
	size_t i;

	for (i = 0; i < nitems(rows); i++) {
		struct buf b;
		char *s;

		print_message("row %zu\n", i);
		s = escape_str(rows[i].in, rows[i].flags);
		assert_string_equal(s, rows[i].out);
		free(s);
		buf_init(&b, 4096);
		assert_int_equal(buf_adds(&b, "<"), 0);
		assert_int_equal(escape_buf(&b, rows[i].in, rows[i].flags), 0);
		assert_int_equal(buf_adds(&b, ">"), 0);
		assert_int_equal(b.len, strlen(rows[i].out) + 2);
		assert_memory_equal(b.data + 1, rows[i].out, b.len - 2);
		buf_deinit(&b);
		s = through_stream(rows[i].in, rows[i].flags);
		assert_string_equal(s, rows[i].out);
		free(s);
	}
}

static void
test_null(void **state)
{
	struct buf b;
	char *s;

	s = escape_str(NULL, ESCAPE_LINE);
	assert_string_equal(s, "");
	free(s);
	buf_init(&b, 16);
	assert_int_equal(escape_buf(&b, NULL, ESCAPE_LINE), 0);
	assert_int_equal(b.len, 0);
	buf_deinit(&b);
	s = through_stream(NULL, ESCAPE_LINES);
	assert_string_equal(s, "");
	free(s);
}

/* "a\x1b" is 5 bytes escaped ("a\\x1b"): at the limit and one short. */
static void
test_limit(void **state)
{
	static const struct {
		size_t max;
		int rc;
	} limits[] = {
		{4, -1}, /* limit - 1 */
		{5, 0},	 /* limit */
		{6, 0},	 /* limit + 1 */
	};
	size_t i;

	for (i = 0; i < nitems(limits); i++) {
		struct buf b;

		buf_init(&b, limits[i].max);
		assert_int_equal(escape_buf(&b, "a\x1b", ESCAPE_LINE),
				 limits[i].rc);
		if (limits[i].rc == 0)
			assert_string_equal(buf_str(&b), "a\\x1b");
		assert_true(b.len <= limits[i].max);
		buf_deinit(&b);
	}
	/* the worst case stays within ESCAPE_GROWTH times the input */
	{
		struct buf b;

		buf_init(&b, 3 * ESCAPE_GROWTH);
		assert_int_equal(escape_buf(&b, "\xff\x01\xfe", ESCAPE_LINE),
				 0);
		assert_int_equal(b.len, 3 * ESCAPE_GROWTH);
		buf_deinit(&b);
	}
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undoes the one-line escapes, strictly: -1 for a backslash that starts
   no escape or for a digit that is not lower-case hex. */
static int
unescape(const char *s, struct buf *b)
{
	unsigned long cp;
	int i, d;

	while (*s != '\0') {
		if (*s != '\\') {
			buf_addc(b, *s++);
			continue;
		}
		switch (s[1]) {
		case '\\':
			buf_addc(b, '\\');
			s += 2;
			continue;
		case 't':
			buf_addc(b, '\t');
			s += 2;
			continue;
		case 'n':
			buf_addc(b, '\n');
			s += 2;
			continue;
		case 'r':
			buf_addc(b, '\r');
			s += 2;
			continue;
		case 'x':
			if (hex(s[2]) == -1 || hex(s[3]) == -1)
				return -1;
			buf_addc(b, (char)(hex(s[2]) << 4 | hex(s[3])));
			s += 4;
			continue;
		case 'u':
			for (cp = 0, i = 2; i < 6; i++) {
				d = hex(s[i]);
				if (d == -1)
					return -1;
				cp = cp << 4 | (unsigned long)d;
			}
			if (cp < 0x800) {
				buf_addc(b, (char)(0xc0 | cp >> 6));
			} else {
				buf_addc(b, (char)(0xe0 | cp >> 12));
				buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
			}
			buf_addc(b, (char)(0x80 | (cp & 0x3f)));
			s += 6;
			continue;
		default:
			return -1;
		}
	}
	return 0;
}

/* The UTF-8 of what must never reach the terminal, written out here
   apart from the module's own table. */
static const char *const forbidden[] = {
	"\xd8\x9c",	"\xe2\x80\x8e", "\xe2\x80\x8f", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac",
	"\xe2\x80\xad", "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa7",
	"\xe2\x81\xa8", "\xe2\x81\xa9",
};

/* in escaped on one line: no control byte, no C1, no bidi control, and
   undone it gives in back. */
static void
check_safe(const char *in)
{
	const unsigned char *p;
	struct buf back;
	size_t i;
	char *out = escape_str(in, ESCAPE_LINE);

	for (p = (const unsigned char *)out; *p != '\0'; p++) {
		assert_true(*p >= 0x20 && *p != 0x7f);
		if (p[0] == 0xc2)
			assert_false(p[1] >= 0x80 && p[1] <= 0x9f);
	}
	for (i = 0; i < nitems(forbidden); i++)
		assert_null(strstr(out, forbidden[i]));
	buf_init(&back, 64);
	assert_int_equal(unescape(out, &back), 0);
	assert_string_equal(buf_str(&back), in);
	buf_deinit(&back);
	free(out);
}

static size_t
encode(unsigned long cp, char *s)
{
	if (cp < 0x80) {
		s[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		s[0] = (char)(0xc0 | cp >> 6);
		s[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		s[0] = (char)(0xe0 | cp >> 12);
		s[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	s[0] = (char)(0xf0 | cp >> 18);
	s[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	s[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	s[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Every character of the Basic Multilingual Plane and a sample of the
   others, between two letters. */
static void
test_every_code_point(void **state)
{
	unsigned long cp;
	char s[8];
	size_t n;

	for (cp = 1; cp <= 0x10ffff; cp += cp < 0x10000 ? 1 : 0xfff) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		s[0] = 'a';
		n = encode(cp, s + 1);
		s[n + 1] = 'z';
		s[n + 2] = '\0';
		check_safe(s);
	}
}

/* Every pair of bytes, so every broken sequence's start. */
static void
test_every_byte_pair(void **state)
{
	char s[3];
	int i, j;

	for (i = 1; i < 256; i++) {
		for (j = 0; j < 256; j++) {
			s[0] = (char)i;
			s[1] = (char)j;
			s[2] = '\0';
			check_safe(s);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_every_code_point),
		cmocka_unit_test(test_every_byte_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
