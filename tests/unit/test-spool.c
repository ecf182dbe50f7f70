/*
 * Unit tests for the spool: files written whole with mode 0600, replaced
 * in place, unsafe names refused, no temporary file left behind, and the
 * SHA-256 that names raw copies.
 */
#include "autoconf.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spool.h"
#include "util.h"

struct fixture {
	char dir[64];
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	util_strlcpy(f->dir, "/tmp/test-spool-XXXXXX", sizeof(f->dir));
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);

	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* The names in dir, sorted and '|'-separated ("" when empty). */
static char *
listing(const char *dir)
{
	struct dirent **names;
	char *out = xstrdup(""), *next;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 &&
		    strcmp(names[i]->d_name, "..") != 0) {
			next = xasprintf("%s%s%s", out, out[0] ? "|" : "",
					 names[i]->d_name);
			free(out);
			out = next;
		}
		free(names[i]);
	}
	free(names);
	return out;
}

static void
expect_file(const char *path, const void *data, size_t len)
{
	const char *err = NULL;
	struct stat st;
	size_t got;
	char *back;

	back = util_read_file(path, 1 << 20, &got, &err);
	assert_non_null(back);
	assert_int_equal(got, len);
	assert_memory_equal(back, data, len);
	free(back);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void
test_write(void **state)
{
	/* CRLF, 8-bit and NUL bytes come back exactly */
	static const char data[] = "From: a@b.nl\r\nSubject: caf\xc3\xa9\r\n"
				   "\r\nbody\0with NUL\r\n";
	struct fixture *f = *state;
	char *path = NULL, *err = NULL, *want, *names;

	assert_int_equal(spool_write(f->dir, "abc.eml", data, sizeof(data) - 1,
				     &path, &err),
			 0);
	assert_null(err);
	want = xasprintf("%s/abc.eml", f->dir);
	assert_string_equal(path, want);
	expect_file(path, data, sizeof(data) - 1);
	free(want);
	free(path);
	/* path_r may be NULL; an empty file is a file */
	assert_int_equal(spool_write(f->dir, "empty", "", 0, NULL, &err), 0);
	path = xasprintf("%s/empty", f->dir);
	expect_file(path, "", 0);
	free(path);
	names = listing(f->dir);
	assert_string_equal(names, "abc.eml|empty");
	free(names);
}

static void
test_replace(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/x.eml", f->dir), *err = NULL, *names;
	FILE *fp;

	/* an older file, readable by all, is replaced whole */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("the old and longer content\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(spool_write(f->dir, "x.eml", "new\n", 4, NULL, &err),
			 0);
	expect_file(path, "new\n", 4);
	assert_int_equal(spool_write(f->dir, "x.eml", "newer\n", 6, NULL, &err),
			 0);
	expect_file(path, "newer\n", 6);
	names = listing(f->dir);
	assert_string_equal(names, "x.eml");
	free(names);
	free(path);
}

static void
test_unsafe_names(void **state)
{
	static const char *const names[] = {
		"../x", "..",	  ".",	".hidden", ".tmp.1.2.x",
		"a/b",	"/etc/x", "x/", "",
	};
	struct fixture *f = *state;
	char *sub, *list, *err = NULL;
	size_t i;

	/* a sub folder, so that "a/b" and "../x" would have somewhere to
	   go if they were accepted */
	sub = xasprintf("%s/a", f->dir);
	assert_int_equal(spool_mkdir(sub, &err), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *path = (char *)"unchanged";

		err = NULL;
		assert_int_equal(
			spool_write(sub, names[i], "x", 1, &path, &err), -1);
		assert_non_null(err);
		assert_non_null(strstr(err, "unsafe spool name"));
		free(err);
		assert_string_equal(path, "unchanged");
	}
	/* nothing was written anywhere */
	list = listing(f->dir);
	assert_string_equal(list, "a");
	free(list);
	list = listing(sub);
	assert_string_equal(list, "");
	free(list);
	free(sub);
}

static void
test_failures_leave_nothing(void **state)
{
	struct fixture *f = *state;
	char *missing = xasprintf("%s/missing", f->dir), *err = NULL;
	char *path = NULL, *list;

	/* no folder: an error, no file */
	assert_int_equal(spool_write(missing, "x.eml", "x", 1, &path, &err),
			 -1);
	assert_non_null(err);
	assert_null(path);
	free(err);
	/* the name taken by a folder: the rename fails, the temporary
	   file goes */
	err = NULL;
	assert_int_equal(spool_mkdir(missing, &err), 0);
	free(missing);
	missing = xasprintf("%s/missing/taken", f->dir);
	assert_int_equal(spool_mkdir(missing, &err), 0);
	free(missing);
	missing = xasprintf("%s/missing", f->dir);
	assert_int_equal(spool_write(missing, "taken", "x", 1, &path, &err),
			 -1);
	assert_non_null(err);
	free(err);
	list = listing(missing);
	assert_string_equal(list, "taken");
	free(list);
	free(missing);
}

static void
test_mkdir(void **state)
{
	struct fixture *f = *state;
	char *deep = xasprintf("%s/a/b/c", f->dir), *err = NULL, *file;
	struct stat st;

	assert_int_equal(spool_mkdir(deep, &err), 0);
	assert_int_equal(spool_mkdir(deep, &err), 0); /* already there */
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* a file in the way is an error with a message */
	file = xasprintf("%s/file", f->dir);
	assert_int_equal(spool_write(f->dir, "file", "x", 1, NULL, &err), 0);
	free(deep);
	deep = xasprintf("%s/sub", file);
	assert_int_equal(spool_mkdir(deep, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, deep));
	free(err);
	free(deep);
	free(file);
}

static void
test_sha256(void **state)
{
	static const struct {
		const char *data;
		const char *hex;
	} rows[] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		     "7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410f"
			"f61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419"
		 "db06c1"},
	};
	char hex[65];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(hex, 'x', sizeof(hex));
		spool_sha256(rows[i].data, strlen(rows[i].data), hex);
		assert_string_equal(hex, rows[i].hex);
	}
	/* NUL bytes count */
	spool_sha256("a\0b", 3, hex);
	assert_int_equal(strlen(hex), 64);
	assert_string_not_equal(hex, rows[1].hex);
}

/* Stored names are relative to the spool; nothing outside it is ever
   meant, whatever a row says. */
static void
test_resolve(void **state)
{
	static const struct {
		const char *stored, *want; /* want NULL: refused */
	} rows[] = {
		{"mail/ab.eml", "/srv/spool/mail/ab.eml"},
		{"/srv/spool/mail/ab.eml", "/srv/spool/mail/ab.eml"},
		{"/srv/spoolx/mail/ab.eml", NULL},
		{"/srv/other/mail/ab.eml", NULL},
		{"/etc/passwd", NULL},
		{"../etc/passwd", NULL},
		{"mail/../../etc/passwd", NULL},
		{"/srv/spool/../etc/passwd", NULL},
		{"mail//ab.eml", NULL},
		{"./mail/ab.eml", NULL},
		{"", NULL},
	};
	char *got;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = spool_resolve("/srv/spool", rows[i].stored);
		if (rows[i].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, rows[i].want);
		free(got);
	}
	assert_null(spool_resolve("/srv/spool", NULL));
	got = spool_relative("/srv/spool/", "/srv/spool/mail/ab.eml");
	assert_string_equal(got, "mail/ab.eml");
	free(got);
	assert_null(spool_relative("/srv/spool", "/srv/spoolx/mail/ab.eml"));
	assert_null(spool_relative("/srv/spool", "/srv/spool/../x.eml"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failures_leave_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sha256, setup, teardown),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
