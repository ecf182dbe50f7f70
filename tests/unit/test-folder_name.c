/*
 * Unit tests for the logical folder names: a table of {logical,
 * delimiter, prefix, UTF-7, expected} rows (tests/data/folder_names.tsv)
 * over the servers' shapes ('/' and '.', no prefix, "INBOX." and
 * "INBOX/"), names with spaces, '&' and non-ASCII (RFC 3501 5.1.3
 * examples), and the names that are refused with the reason; the
 * limit; and over the code points: printable ASCII out.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "folder_name.h"

/* "\\xNN" in s undone, in place: the table's way to write bad bytes. */
static void
unescape(char *s)
{
	char *out = s, hex[3] = {0, 0, 0};

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] == 'x' && s[2] != '\0' &&
		    s[3] != '\0') {
			hex[0] = s[2];
			hex[1] = s[3];
			*out++ = (char)strtol(hex, NULL, 16);
			s += 4;
		} else
			*out++ = *s++;
	}
	*out = '\0';
}

/* Splits line at tabs into n fields; false when it has another number. */
static bool
split(char *line, char **f, size_t n)
{
	size_t i;

	line[strcspn(line, "\n")] = '\0';
	for (i = 0; i < n; i++) {
		f[i] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			return i == n - 1;
		*line++ = '\0';
	}
	return false;
}

/* Each row of tests/data/folder_names.tsv: the name, or the error. */
static void
test_rows(void **state)
{
	FILE *fp = fopen(TOP_SRCDIR "/tests/data/folder_names.tsv", "r");
	char *line = NULL, *f[5], *err, *got;
	size_t cap = 0, rows = 0;
	unsigned lineno = 0;

	(void)state;
	assert_non_null(fp);
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		if (line[0] == '#')
			continue;
		if (!split(line, f, 5))
			fail_msg("folder_names.tsv:%u: not 5 fields", lineno);
		unescape(f[0]);
		err = NULL;
		got = folder_name_map(f[0], f[1][0] == '-' ? '\0' : f[1][0],
				      strcmp(f[2], "-") == 0 ? "" : f[2],
				      strcmp(f[3], "yes") == 0, &err);
		if (f[4][0] != '!' && (got == NULL || strcmp(got, f[4]) != 0))
			fail_msg("folder_names.tsv:%u: '%s', not '%s' (%s)",
				 lineno, got, f[4], err);
		if (f[4][0] == '!' &&
		    (got != NULL || strstr(err, f[4] + 1) == NULL))
			fail_msg("folder_names.tsv:%u: '%s' lacks '%s'", lineno,
				 err, f[4] + 1);
		free(got);
		free(err);
		rows++;
	}
	free(line);
	fclose(fp);
	assert_true(rows >= 30);
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

/* Any code point: the name is printable ASCII with no delimiter in it,
   one "&...-" run between the ASCII around it. */
static void
test_ascii_only(void **state)
{
	unsigned char in[8];
	char *err = NULL, *got;
	long cp;
	size_t i, len;

	(void)state;
	for (cp = 0xa0; cp <= 0x10ffff; cp += 97) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		len = 0;
		in[len++] = 'a';
		if (cp < 0x800) {
			in[len++] = (unsigned char)(0xc0 | (cp >> 6));
		} else if (cp < 0x10000) {
			in[len++] = (unsigned char)(0xe0 | (cp >> 12));
			in[len++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		} else {
			in[len++] = (unsigned char)(0xf0 | (cp >> 18));
			in[len++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
			in[len++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		}
		in[len++] = (unsigned char)(0x80 | (cp & 0x3f));
		in[len++] = 'b';
		in[len] = '\0';
		got = folder_name_map((const char *)in, '.', "", true, &err);
		assert_non_null(got);
		assert_memory_equal(got, "a&", 2);
		assert_string_equal(got + strlen(got) - 2, "-b");
		for (i = 0; got[i] != '\0'; i++) {
			if (got[i] < 0x20 || got[i] > 0x7e || got[i] == '.')
				fail_msg("U+%04lX gave '%s'", cp, got);
		}
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_ascii_only),
	};

	return cmocka_run_group_tests_name("folder_name", tests, NULL, NULL);
}
