/*
 * aanmeld send: who is in a group, and the outbox key that sends a text
 * once per contact (no address in it).  Also the file names a delivery
 * is kept under (spool_safe_name()).
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audience.h"
#include "buf.h"
#include "programme.h"
#include "spool.h"
#include "util.h"

static struct programme *prog;

/* who: code, municipality, address and status */
#define WHO(c, m, a, st)                                                       \
	{                                                                      \
		.code = (c), .municipality = (m), .addr = (a), .status = (st), \
		.round = 1                                                     \
	}
static const struct schedule_contact contacts[] = {
	WHO("GM0344", "Utrecht", "A.Meijer@Utrecht.nl", SCHEDULE_CONFIRMED),
	WHO("GM0344", "Utrecht", "b@utrecht.nl", SCHEDULE_CONFIRMED),
	WHO("GM0193", "Zwolle", "k@zwolle.nl", SCHEDULE_WAITLIST),
	WHO("GM0363", "Amsterdam", "x@amsterdam.nl", SCHEDULE_WITHDRAWN),
};
static const struct store_attendance_answer answers[] = {
	{"GM0344", "a.meijer@utrecht.nl", "session-3", "declined", 0},
	{"GM0344", "b@utrecht.nl", "session-3", "accepted", 0},
	{"GM0344", "b@utrecht.nl", "session-4", "declined", 0},
};

/* The members of group text, as "1 1 0 0" per contact. */
static void
expect_group(const char *text, const char *want)
{
	struct audience a;
	const char *err = NULL;
	char got[16];
	size_t i, n = 0;

	assert_int_equal(audience_parse(text, prog, &a, &err), 0);
	for (i = 0; i < nitems(contacts); i++) {
		got[n++] = audience_includes(&a, &contacts[i], answers,
					     nitems(answers))
				   ? '1'
				   : '0';
		got[n++] = ' ';
	}
	got[n - 1] = '\0';
	assert_string_equal(got, want);
}

static void
test_groups(void **state)
{
	struct audience a;
	const char *err = NULL;

	(void)state;
	expect_group("confirmed", "1 1 0 0");
	expect_group("waitlist", "0 0 1 0");
	/* who declined the session is left out, the session's alone */
	expect_group("session:3", "0 1 0 0");
	expect_group("session:4", "1 0 0 0");
	expect_group("session:1", "1 1 0 0");
	assert_int_equal(audience_parse("session:9", prog, &a, &err), -1);
	assert_non_null(err);
	assert_int_equal(audience_parse("session:x", prog, &a, &err), -1);
	assert_int_equal(audience_parse("session:", prog, &a, &err), -1);
	assert_int_equal(audience_parse("all", prog, &a, &err), -1);
	assert_int_equal(audience_parse("Confirmed", prog, &a, &err), -1);
}

static void
test_keys(void **state)
{
	const char *text = "Subject: x\n\nbody\n";
	char *k1, *k2, *k3, *k4;

	(void)state;
	k1 = audience_key(text, strlen(text), "GM0344", "A.Meijer@Utrecht.nl");
	k2 = audience_key(text, strlen(text), "GM0344", "a.meijer@utrecht.nl");
	k3 = audience_key(text, strlen(text) - 1, "GM0344",
			  "a.meijer@utrecht.nl");
	k4 = audience_key(text, strlen(text), "GM0344", "b@utrecht.nl");
	/* the same text to the same contact: the same key, whatever case */
	assert_string_equal(k1, k2);
	/* another text or another contact: another mail */
	assert_string_not_equal(k1, k3);
	assert_string_not_equal(k1, k4);
	/* no address in it, nor its local part */
	assert_null(strstr(k1, "@"));
	assert_null(strstr(k1, "meijer"));
	assert_int_equal(strncmp(k1, "send:", 5), 0);
	assert_non_null(strstr(k1, ":GM0344:"));
	assert_int_equal(strlen(k1), strlen("send:") + 16 + 8 + 16);
	free(k1);
	free(k2);
	free(k3);
	free(k4);
}

static const struct {
	const char *in, *out;
} names[] = {
	{"tekst.docx", "tekst.docx"},
	{"../../etc/passwd", "passwd"},
	{"..\\..\\windows\\win.ini", "win.ini"},
	{"..", "bijlage"},
	{"", "bijlage"},
	{".bashrc", "bashrc"},
	{"-rf", "rf"},
	{"a\x01\x1b[2Jb.pdf", "a_2Jb.pdf"},
	{"Tekst Utrecht \xe2\x80\x93 best practice.docx",
	 "Tekst_Utrecht_best_practice.docx"},
	{"dir/", "bijlage"},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaa.docx",
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.docx"},
};

static void
test_safe_names(void **state)
{
	char out[SPOOL_SAFE_NAME_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < nitems(names); i++) {
		spool_safe_name(names[i].in, out);
		assert_string_equal(out, names[i].out);
		assert_true(strlen(out) <= SPOOL_SAFE_NAME_MAX);
		assert_null(strchr(out, '/'));
		assert_true(out[0] != '.');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_safe_names),
	};
	struct buf errors;
	int rc;

	setenv("TZ", "Europe/Amsterdam", 1);
	buf_init(&errors, 65536);
	prog = programme_load(TOP_SRCDIR "/rules/programme.conf", &errors);
	buf_deinit(&errors);
	if (prog == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	programme_free(prog);
	return rc;
}
