/*
 * The table of reasons: every code has its texts, arguments are filled
 * in, and the stored encoding gives back what went in, whatever the
 * arguments hold.
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

#include "reason.h"
#include "util.h"

/* The highest %N in text. */
static size_t
placeholders(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] >= '1' && p[1] <= '9' &&
		    (size_t)(p[1] - '0') > n)
			n = (size_t)(p[1] - '0');
	}
	return n;
}

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < REASON_COUNT; i++) {
		enum reason_code c = (enum reason_code)i;
		const char *en = reason_english_text(c), *nl;

		if (en == NULL || reason_name(c) == NULL)
			fail_msg("code %zu has no English text or name", i);
		assert_int_equal(reason_parse_name(reason_name(c)), (int)i);
		assert_true(reason_nargs(c) <= REASON_ARGS);
		/* every argument is shown in English (logs, the CLI) */
		assert_int_equal(placeholders(en), reason_nargs(c));
		/* every code, quiet or not, has its own Dutch: no English
		   reaches staff */
		nl = reason_dutch_text(c);
		if (nl == NULL || nl[0] == '\0')
			fail_msg("code %s has no Dutch text", reason_name(c));
		if (strcmp(nl, en) == 0 && reason_nargs(c) > 0 &&
		    strspn(en, "%123456 ") != strlen(en))
			fail_msg("code %s: its Dutch is its English",
				 reason_name(c));
		assert_true(placeholders(nl) <= reason_nargs(c));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(
				reason_name(c),
				reason_name((enum reason_code)k));
	}
	assert_int_equal(reason_parse_name("no-such-code"), -1);
}

static void
test_render(void **state)
{
	struct reason_list l = {NULL, 0};
	struct reason r;
	char *t;

	(void)state;
	reason_set(&r, REASON_LOOKALIKE, "utrecht-gemeente.nl", "utrecht.nl",
		   "GM0344", "Utrecht");
	t = reason_english(&r);
	assert_string_equal(t, "sender domain utrecht-gemeente.nl looks like "
			       "utrecht.nl (GM0344 Utrecht) but is not on the "
			       "list");
	free(t);
	t = reason_dutch(&r);
	assert_string_equal(t, "het afzenderdomein utrecht-gemeente.nl lijkt "
			       "op utrecht.nl (gemeente Utrecht), maar staat "
			       "niet op de lijst van gemeenten");
	free(t);
	reason_deinit(&r);
	/* an argument shown twice, or not at all, and a NULL one */
	reason_set(&r, REASON_SENDER_RULE_REVIEW, "4", NULL);
	t = reason_english(&r);
	assert_string_equal(t, "senders.rules:4 sends  to review");
	free(t);
	reason_deinit(&r);
	reason_set(&r, REASON_PLACE, "1", "5");
	t = reason_dutch(&r);
	assert_string_equal(t, "plaats 1 van 5");
	assert_true(reason_quiet(REASON_PLACE));
	free(t);
	reason_deinit(&r);

	/* a list: English joined, Dutch without the noise */
	t = reason_list_english(&l);
	assert_string_equal(t, "");
	free(t);
	reason_list_add(&l, REASON_SUBJECT_RULE, "enrol", "61");
	t = reason_list_dutch(&l);
	assert_string_equal(t, "het onderwerp past bij de regel enrol "
			       "(subject.rules:61)");
	free(t);
	reason_list_add(&l, REASON_AUTH_FORGED);
	reason_list_add(&l, REASON_FULL, "5");
	t = reason_list_english(&l);
	assert_string_equal(t, "subject matches enrol rule (subject.rules:61); "
			       "dmarc=fail: the sender address may be forged; "
			       "capacity 5 reached");
	free(t);
	t = reason_list_dutch(&l);
	assert_string_equal(t, "de afzender is mogelijk vervalst (de "
			       "DMARC-controle is mislukt); alle plaatsen zijn "
			       "bezet");
	free(t);
	reason_list_deinit(&l);
	assert_int_equal(l.n, 0);
}

/* What goes in comes out, byte for byte: separators, quotes,
   backslashes, line breaks, C0/C1 controls, bidi overrides, invalid
   UTF-8 and JSON look-alikes in arguments. */
static void
test_round_trip(void **state)
{
	static const char *const hostile[] = {
		"a; b; c",
		"\"quoted\" and 'single'",
		"back\\slash\\\"",
		"line\r\nBcc: x@evil\n",
		"tab\there\x01\x1f\x7f",
		"C1 \xc2\x85 \xc2\x9b next",
		"bidi \xe2\x80\xae"
		"gnp.exe \xe2\x81\xa6 \xe2\x80\xa8 \xef\xbb\xbf",
		"bad utf-8 \xff\xfe \xc3",
		"]], [[\"auth-forged\"]]",
		"%1 %2 %%",
		"",
	};
	struct reason_list l = {NULL, 0}, back;
	char *enc, *en1, *en2, *nl1, *nl2;

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		reason_list_add(&l, REASON_MAIL_FAILED, hostile[i],
				hostile[(i + 1) % 11]);
	reason_list_add(&l, REASON_AUTH_NONE);
	reason_list_add(&l, REASON_MERGED, "a", "b", "c", "d", "e", "f");
	enc = reason_list_encode(&l);
	/* one line: it is kept in one column */
	assert_null(strchr(enc, '\n'));
	assert_null(strchr(enc, '\r'));
	assert_int_equal(reason_list_decode(enc, &back), 0);
	assert_int_equal(back.n, l.n);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(back.v[i].code, l.v[i].code);
		for (size_t k = 0; k < REASON_ARGS; k++) {
			if (l.v[i].arg[k] == NULL)
				assert_null(back.v[i].arg[k]);
			else
				assert_string_equal(back.v[i].arg[k],
						    l.v[i].arg[k]);
		}
	}
	en1 = reason_list_english(&l);
	en2 = reason_list_english(&back);
	assert_string_equal(en1, en2);
	nl1 = reason_list_dutch(&l);
	nl2 = reason_list_dutch(&back);
	assert_string_equal(nl1, nl2);
	free(en1);
	free(en2);
	free(nl1);
	free(nl2);
	free(enc);
	reason_list_deinit(&back);
	reason_list_deinit(&l);
}

static void
test_decode_refuses(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{}",
		"[[\"no-such-code\"]]",
		"[[\"auth-none\",\"an argument too many\"]]",
		"[[\"lookalike\",\"too\",\"few\"]]",
		"[[\"not-municipality\",5]]",
		"[[]]",
		"[\"auth-none\"]",
		"[[\"auth-none\"]] trailing",
		"[[\"not-municipality\",\"x\"],]",
		"[[\"not-municipality\",\"x\",]]",
		"[[\"not-municipality\",\"cut\\u0000here\"]]",
		"[['not-municipality','x']]",
	};
	struct reason_list l;
	char *big;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (reason_list_decode(bad[i], &l) != -1)
			fail_msg("decoded \"%s\"", bad[i]);
		assert_int_equal(l.n, 0);
		assert_null(l.v);
	}
	assert_int_equal(reason_list_decode("[]", &l), 0);
	assert_int_equal(l.n, 0);
	reason_list_deinit(&l);
	big = xmalloc(REASON_ENCODED_MAX + 2);
	memset(big, ' ', REASON_ENCODED_MAX + 1);
	memcpy(big, "[]", 2);
	big[REASON_ENCODED_MAX + 1] = '\0';
	assert_int_equal(reason_list_decode(big, &l), -1);
	free(big);
}

/* An argument of any length shows that it was there: cut on a character
   boundary with "...", never dropped, and the list still decodes. */
static void
test_long_argument(void **state)
{
	static const char *const units[] = {
		"a",	"\xc3\xa9", "\xe2\x80\xae", "\xf0\x9f\x98\x80",
		"\x01", "\xff"};
	struct reason_list l = {0}, back;
	char *big, *enc, *dutch;
	size_t i, len, ulen;

	(void)state;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		ulen = strlen(units[i]);
		big = xmalloc(100 * 1024 + 1);
		for (len = 0; len + ulen <= 100 * 1024; len += ulen)
			memcpy(big + len, units[i], ulen);
		big[len] = '\0';
		reason_list_add(&l, REASON_NOT_MUNICIPALITY, big);
		free(big);
		big = l.v[l.n - 1].arg[0];
		len = strlen(big);
		assert_true(len <= REASON_ARG_MAX);
		assert_true(len > REASON_ARG_MAX - 3 - 4);
		assert_string_equal(big + len - 3, "...");
		/* whole characters only before the dots */
		assert_int_equal((len - 3) % ulen, 0);
		assert_memory_equal(big, units[i], ulen);
	}
	enc = reason_list_encode(&l);
	assert_true(strlen(enc) <= REASON_ENCODED_MAX);
	assert_int_equal(reason_list_decode(enc, &back), 0);
	assert_int_equal(back.n, l.n);
	for (i = 0; i < l.n; i++)
		assert_string_equal(back.v[i].arg[0], l.v[i].arg[0]);
	dutch = reason_list_dutch(&back);
	assert_non_null(strstr(dutch, "is geen gemeente"));
	assert_non_null(strstr(dutch, "aaa..."));
	free(dutch);
	free(enc);
	reason_list_deinit(&back);
	reason_list_deinit(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_refuses),
		cmocka_unit_test(test_long_argument),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
