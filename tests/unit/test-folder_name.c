/*
 * Unit tests for the logical folder names: a table of {logical,
 * delimiter, prefix, UTF-7, expected} rows over the servers' shapes
 * ('/' and '.', no prefix, "INBOX." and "INBOX/"), names with spaces,
 * '&' and non-ASCII (RFC 3501 5.1.3 examples), and the names that are
 * refused with the reason.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "folder_name.h"

static const struct {
	const char *logical;
	char delim;
	const char *prefix;
	bool utf7;
	const char *out; /* NULL: refused */
	const char *why; /* a part of the error text */
} rows[] = {
	/* the defaults on each shape of server */
	{"Verwerkt", '/', "", true, "Verwerkt", NULL},
	{"Beoordelen/Goedkeuren", '/', "", true, "Beoordelen/Goedkeuren", NULL},
	{"Beoordelen/Goedkeuren", '.', "", true, "Beoordelen.Goedkeuren", NULL},
	{"Beoordelen/Negeren", '.', "INBOX.", true, "INBOX.Beoordelen.Negeren",
	 NULL},
	{"Beoordelen/Afwijzen", '/', "INBOX/", true,
	 "INBOX/Beoordelen/Afwijzen", NULL},
	{"Genegeerd", '.', "INBOX.", true, "INBOX.Genegeerd", NULL},
	/* written with the prefix already: not prefixed twice */
	{"INBOX/Verwerkt", '.', "INBOX.", true, "INBOX.Verwerkt", NULL},
	{"inbox/Verwerkt", '/', "INBOX/", true, "inbox/Verwerkt", NULL},
	{"INBOX/Verwerkt", '/', "", true, "INBOX/Verwerkt", NULL},
	{"INBOXen", '.', "INBOX.", true, "INBOX.INBOXen", NULL},
	/* spaces, '&' and non-ASCII in modified UTF-7 */
	{"Afgewezen oud", '.', "", true, "Afgewezen oud", NULL},
	{"Afgewezen \xe2\x80\x93 oud", '/', "", true, "Afgewezen &IBM- oud",
	 NULL},
	{"Afgewezen \xe2\x80\x93 oud/caf\xc3\xa9", '.', "INBOX.", true,
	 "INBOX.Afgewezen &IBM- oud.caf&AOk-", NULL},
	{"GG & co", '/', "", true, "GG &- co", NULL},
	{"\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", '/',
	 "", true, "&U,BTFw-/&ZeVnLIqe-", NULL}, /* RFC 3501 5.1.3 */
	{"co\xc3\xb6peratie \xc3\xab\xc3\xaf", '.', "", true,
	 "co&APY-peratie &AOsA7w-", NULL},
	{"\xf0\x9f\x98\x80", '/', "", true, "&2D3eAA-", NULL}, /* surrogates */
	{"caf\xc3\xa9", '.', "", false, "caf\xc3\xa9", NULL},
	{"Beoordelen/Goedkeuren", '\0', "", true, NULL, "no folder levels"},
	{"Beoordelen", '\0', "", true, "Beoordelen", NULL},
	/* a level holding the server's delimiter */
	{"Beoordelen.oud/Goedkeuren", '.', "", true, NULL,
	 "the level 'Beoordelen.oud' contains '.'"},
	{"v1.2", '.', "INBOX.", true, NULL, "hierarchy delimiter"},
	{"v1.2", '/', "", true, "v1.2", NULL},
	/* not a path at all */
	{"", '/', "", true, NULL, "it is empty"},
	{"/Verwerkt", '/', "", true, NULL, "a level is empty"},
	{"Verwerkt/", '.', "", true, NULL, "a level is empty"},
	{"Beoordelen//Negeren", '.', "", true, NULL, "a level is empty"},
	{"caf\xe9", '/', "", true, NULL, "not valid UTF-8"},
	{"\xc0\xaf", '/', "", true, NULL, "not valid UTF-8"}, /* overlong */
	{"a\tb", '/', "", true, NULL, "control character"},
	{"a\xc2\x85", '/', "", true, NULL, "control character"},
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *err = NULL;
		char *got = folder_name_map(rows[i].logical, rows[i].delim,
					    rows[i].prefix, rows[i].utf7, &err);

		if (rows[i].out != NULL) {
			if (got == NULL)
				fail_msg("row %zu '%s': %s", i, rows[i].logical,
					 err);
			assert_string_equal(got, rows[i].out);
			assert_null(err);
			assert_int_equal(
				folder_name_check(rows[i].logical, &err), 0);
		} else {
			assert_null(got);
			assert_non_null(err);
			if (strstr(err, rows[i].why) == NULL)
				fail_msg("row %zu: '%s' lacks '%s'", i, err,
					 rows[i].why);
		}
		free(got);
		free(err);
	}
}

static void
test_length(void **state)
{
	char name[FOLDER_NAME_MAX + 2], *err = NULL, *got;

	(void)state;
	memset(name, 'a', sizeof(name));
	name[FOLDER_NAME_MAX] = '\0';
	got = folder_name_map(name, '.', "INBOX.", true, &err);
	assert_non_null(got);
	assert_int_equal(strlen(got), FOLDER_NAME_MAX + 6);
	free(got);
	name[FOLDER_NAME_MAX] = 'a';
	name[FOLDER_NAME_MAX + 1] = '\0';
	assert_int_equal(folder_name_check(name, &err), -1);
	assert_non_null(strstr(err, "too long"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
