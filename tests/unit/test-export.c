/*
 * Unit tests for the export: CSV quoting as RFC 4180 describes it (a
 * table of values, for ',' and for Excel's ';'), formula protection in
 * every CSV, and a whole table: byte order mark, separators, CRLF, Dutch
 * words, an answer in the right column and nothing for a stranger; the
 * list's text with controls from mail escaped.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "buf.h"
#include "calendar.h"
#include "export.h"
#include "programme.h"
#include "store_attendance.h"
#include "util.h"

static const struct {
	const char *in;
	char sep;
	const char *out;
} fields[] = {
	{"plain", ',', "plain"},
	{"", ',', ""},
	{"a,b", ',', "\"a,b\""},
	{"a,b", ';', "a,b"},
	{"a;b", ';', "\"a;b\""},
	{"a;b", ',', "a;b"},
	{"say \"hi\"", ',', "\"say \"\"hi\"\"\""},
	{"\"", ';', "\"\"\"\""},
	/* controls, line breaks and bidi overrides as visible escapes */
	{"two\r\nlines", ',', "two\\r\\nlines"},
	{"line\n", ',', "line\\n"},
	{"Jan \xe2\x80\xae"
	 "kees",
	 ';', "Jan \\u202ekees"},
	{"\xc2\x9b"
	 "31m",
	 ';', "\\u009b31m"},
	{" padded ", ',', "\" padded \""},
	{"Súdwest-Fryslân", ';', "Súdwest-Fryslân"},
	/* a formula gets its apostrophe in every CSV, not only Excel's */
	{"=HYPERLINK(\"x\")", ';', "\"'=HYPERLINK(\"\"x\"\")\""},
	{"=HYPERLINK(\"x\")", ',', "\"'=HYPERLINK(\"\"x\"\")\""},
	{"=1+1", ',', "'=1+1"},
	{"=1+1", ';', "'=1+1"},
	{"+31 30 286 0000", ';', "'+31 30 286 0000"},
	{"-", ';', "'-"},
	{"-", ',', "'-"},
	{"@SUM(A1)", ',', "'@SUM(A1)"},
	{"\tx", ',', "\\tx"},
	{"\rx", ',', "\\rx"},
	{"\xef\xbc\x9d"
	 "1+1",
	 ',',
	 "'\xef\xbc\x9d"
	 "1+1"},
	{"\xef\xbc\x8b"
	 "31",
	 ',',
	 "'\xef\xbc\x8b"
	 "31"},
	{"\xef\xbc\x8d"
	 "1",
	 ';',
	 "'\xef\xbc\x8d"
	 "1"},
	{"\xef\xbc\xa0"
	 "SUM(A1)",
	 ',',
	 "'\xef\xbc\xa0"
	 "SUM(A1)"},
	{"a=b", ';', "a=b"},
	{"\xef\xbc\x9e", ',', "\xef\xbc\x9e"}, /* U+FF1E: no formula */
};

static void
test_fields(void **state)
{
	size_t i;

	for (i = 0; i < nitems(fields); i++) {
		struct buf b;

		buf_init(&b, 1024);
		assert_int_equal(
			export_csv_field(&b, fields[i].in, fields[i].sep), 0);
		print_message("%zu: %s\n", i, buf_str(&b));
		assert_string_equal(buf_str(&b), fields[i].out);
		buf_deinit(&b);
	}
}

static void
test_field_limit(void **state)
{
	struct buf b;

	buf_init(&b, 5);
	assert_int_equal(export_csv_field(&b, "abcde", ','), 0);
	buf_deinit(&b);
	buf_init(&b, 5);
	/* quoted it needs 7 */
	assert_int_equal(export_csv_field(&b, "a,b,c", ','), -1);
	buf_deinit(&b);
}

/* Two sessions and a congress; two contacts of one municipality (mail
   to the second came back), one of another; answers for both, one for a
   stranger and one for an item that is not in the programme. */
static struct programme prog;
static struct store_attendance_contact contacts[] = {
	{"GM0344", "Utrecht", "confirmed", 0, "a@utrecht.nl", "Meijer, Anouk",
	 0, 1628503200, 2, 0},
	/* mail to it came back on 2021-08-10 */
	{"GM0344", "Utrecht", "confirmed", 0, "b@utrecht.nl", NULL, 0,
	 1628503200, 2, 1628589600},
	{"GM0193", "Zwolle", "waitlist", 0, "k@zwolle.nl", "=cmd|' /C calc'!A0",
	 2, 0, 0, 0},
};
static struct store_attendance_answer answers[] = {
	{"GM0344", "A@Utrecht.nl", "session-1", "accepted", 0},
	{"GM0344", "a@utrecht.nl", "session-2", "declined", 0},
	{"GM0193", "k@zwolle.nl", "congress", "tentative", 0},
	{"GM0344", "x@utrecht.nl", "session-1", "accepted", 0},
	{"GM0344", "b@utrecht.nl", "session-9", "accepted", 0},
	{"GM0193", "a@utrecht.nl", "session-1", "declined", 0},
};

static void
setup_programme(void)
{
	memset(&prog, 0, sizeof(prog));
	prog.n_sessions = 2;
	prog.sessions[0].number = 1;
	prog.sessions[0].title = "Sessie 1: introductie, en ambities";
	prog.sessions[1].number = 2;
	prog.sessions[1].title = "Sessie 2";
	prog.congress.title = "Slotcongres";
	for (size_t i = 0; i < nitems(contacts); i++)
		contacts[i].enrolled_at = 1617264000; /* 2021-04-01 08:00Z */
}

static void
test_table(void **state)
{
	struct export_table t;

	setup_programme();
	export_table_init(&t, &prog, contacts, nitems(contacts), answers,
			  nitems(answers));
	assert_int_equal(t.n_items, 3);
	assert_string_equal(t.keys[0], "session-1");
	assert_string_equal(t.keys[2], "congress");
	assert_int_equal(t.n_rows, 3);
	assert_string_equal(t.rows[0].answers[0], "accepted");
	assert_string_equal(t.rows[0].answers[1], "declined");
	assert_null(t.rows[0].answers[2]);
	assert_null(t.rows[1].answers[0]);
	assert_null(t.rows[2].answers[0]);
	assert_string_equal(t.rows[2].answers[2], "tentative");
	export_table_deinit(&t);
}

static void
test_csv(void **state)
{
	struct export_table t;
	const char *want =
		"CBS-code,gemeente,status,plaats op de wachtlijst,aangemeld op,"
		"contactpersoon,"
		"e-mailadres,\"Sessie 1: introductie, en ambities\",Sessie 2,"
		"Slotcongres,tekst ontvangen,versies,e-mail kwam terug\r\n"
		"GM0344,Utrecht,bevestigd,,2021-04-01 10:00,\"Meijer, Anouk\","
		"a@utrecht.nl,geaccepteerd,afgewezen,,2021-08-09 12:00,2,\r\n"
		"GM0344,Utrecht,bevestigd,,2021-04-01 10:00,,b@utrecht.nl,,,,"
		"2021-08-09 12:00,2,2021-08-10 12:00\r\n"
		"GM0193,Zwolle,wachtlijst,2,2021-04-01 10:00,'=cmd|' /C "
		"calc'!A0,"
		"k@zwolle.nl,,,voorlopig,,0,\r\n";
	char *out;
	size_t len;

	setup_programme();
	export_table_init(&t, &prog, contacts, nitems(contacts), answers,
			  nitems(answers));
	out = export_csv(&t, false, &len);
	assert_non_null(out);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	free(out);
	out = export_csv(&t, true, &len);
	assert_non_null(out);
	assert_memory_equal(out,
			    "\xef\xbb\xbf"
			    "CBS-code;gemeente;",
			    21);
	assert_non_null(strstr(out, ";Sessie 1: introductie, en ambities;"));
	assert_non_null(
		strstr(out, ";Meijer, Anouk;a@utrecht.nl;"
			    "geaccepteerd;afgewezen;;2021-08-09 12:00;2;\r\n"));
	/* a name from mail never becomes a formula in Excel */
	assert_non_null(strstr(out, ";'=cmd|' /C calc'!A0;"));
	assert_null(strstr(out, "\r\r"));
	assert_int_equal(out[len - 1], '\n');
	assert_int_equal(out[len - 2], '\r');
	free(out);
	export_table_deinit(&t);
}

static void
test_list(void **state)
{
	struct export_table t;
	char *out;

	setup_programme();
	export_table_init(&t, &prog, contacts, nitems(contacts), answers,
			  nitems(answers));
	out = export_list(&t, false);
	assert_string_equal(
		out,
		"code\tname\tstatus\tplace\tenrolled_at\tcontact\tsession-1\t"
		"session-2\tcongress\tdelivered_at\tdeliveries\n"
		"GM0344\tUtrecht\tconfirmed\t-\t2021-04-01 10:00\t"
		"a@utrecht.nl\taccepted\tdeclined\t-\t2021-08-09 12:00\t2\n"
		"GM0344\tUtrecht\tconfirmed\t-\t2021-04-01 10:00\t"
		"b@utrecht.nl (bounced)\t-\t-\t-\t2021-08-09 12:00\t2\n"
		"GM0193\tZwolle\twaitlist\t2\t2021-04-01 10:00\t"
		"k@zwolle.nl\t-\t-\ttentative\t-\t0\n");
	free(out);
	out = export_list(&t, true);
	assert_non_null(strstr(out, "\"GM0344\",\"Utrecht\",\"confirmed\","));
	assert_non_null(strstr(out, ",\"b@utrecht.nl (bounced)\","));
	free(out);
	export_table_deinit(&t);
}

/* Names and addresses from mail in `aanmeld list`: one line per contact,
   no control, bidi override or line break reaching the terminal; in the
   list's CSV a formula gets its apostrophe inside the quotes. */
static void
test_list_escapes(void **state)
{
	static struct store_attendance_contact hostile[] = {
		{"GM0344", "Utrecht\x1b[2J", "confirmed", 0,
		 "a\xe2\x80\xae"
		 "ln.thcertu@x.nl",
		 NULL, 0, 0, 0, 0},
		{"GM0193", "=Zwolle\r\nGM0363\tAmsterdam", "waitlist", 0,
		 "\xc2\x9b"
		 "31m\\@zwolle.nl",
		 NULL, 1, 0, 0, 0},
	};
	struct export_table t;
	char *out;

	setup_programme();
	hostile[0].enrolled_at = hostile[1].enrolled_at = 1617264000;
	export_table_init(&t, &prog, hostile, nitems(hostile), NULL, 0);
	out = export_list(&t, false);
	assert_string_equal(
		out,
		"code\tname\tstatus\tplace\tenrolled_at\tcontact\tsession-1\t"
		"session-2\tcongress\tdelivered_at\tdeliveries\n"
		"GM0344\tUtrecht\\x1b[2J\tconfirmed\t-\t2021-04-01 10:00\t"
		"a\\u202eln.thcertu@x.nl\t-\t-\t-\t-\t0\n"
		"GM0193\t=Zwolle\\r\\nGM0363\\tAmsterdam\twaitlist\t1\t"
		"2021-04-01 10:00\t\\u009b31m\\\\@zwolle.nl\t-\t-\t-\t-\t0\n");
	free(out);
	out = export_list(&t, true);
	assert_non_null(strstr(out, "\n\"GM0193\",\"'=Zwolle\r\nGM0363\t"));
	free(out);
	export_table_deinit(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_escapes),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
