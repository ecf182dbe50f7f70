/*
 * Unit tests for the small helpers every loader leans on: time parsing in
 * the programme's zone, bounded number parsing, trimming, strlcpy, the
 * line walker and the bounded file reader.
 */
#include "autoconf.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "log.h"
#include "util.h"

/*
 * A copy of s whose NUL is the last byte before an unreadable page: a
 * parser that reads past the end of its input crashes here, with or
 * without valgrind.  Release with guarded_free().
 */
static char *
guarded_copy(const char *s, void **map_r, size_t *maplen_r)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = strlen(s) + 1;
	char *map;

	assert_true(len <= (size_t)page);
	map = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	*map_r = map;
	*maplen_r = 2 * (size_t)page;
	return memcpy(map + page - len, s, len);
}

static void
guarded_free(void *map, size_t maplen)
{
	assert_int_equal(munmap(map, maplen), 0);
}

struct time_row {
	const char *in;
	int rc;
	time_t want; /* UTC seconds when rc is 0 */
};

static void
check_times(const struct time_row *rows, size_t n)
{
	size_t i, maplen;
	void *map;

	for (i = 0; i < n; i++) {
		char *in = guarded_copy(rows[i].in, &map, &maplen);
		time_t t = 0;
		int rc = util_parse_time(in, &t);

		if (rc != rows[i].rc)
			fail_msg("'%s': expected %d, got %d", rows[i].in,
				 rows[i].rc, rc);
		if (rc == 0 && t != rows[i].want)
			fail_msg("'%s': expected %lld, got %lld", rows[i].in,
				 (long long)rows[i].want, (long long)t);
		guarded_free(map, maplen);
	}
}

static void
test_parse_time(void **state)
{
	/* local times are Europe/Amsterdam: CEST (+2) in April, CET (+1)
	   in January */
	const struct time_row rows[] = {
		{"2021-04-13", 0, fixture_utc(2021, 4, 12, 22, 0, 0)},
		{"2021-04-13 13:30", 0, fixture_utc(2021, 4, 13, 11, 30, 0)},
		{"2021-04-13T13:30", 0, fixture_utc(2021, 4, 13, 11, 30, 0)},
		{"2021-04-13 13:30:15", 0,
		 fixture_utc(2021, 4, 13, 11, 30, 15)},
		{"2021-01-13 13:30", 0, fixture_utc(2021, 1, 13, 12, 30, 0)},
		{"2021-04-13Z", 0, fixture_utc(2021, 4, 13, 0, 0, 0)},
		{"2021-04-13 13:30Z", 0, fixture_utc(2021, 4, 13, 13, 30, 0)},
		{"2021-04-13T13:30:15Z", 0,
		 fixture_utc(2021, 4, 13, 13, 30, 15)},
		/* days of the month: limit-1, limit, limit+1 */
		{"2021-04-29", 0, fixture_utc(2021, 4, 28, 22, 0, 0)},
		{"2021-04-30", 0, fixture_utc(2021, 4, 29, 22, 0, 0)},
		{"2021-04-31", -1, 0},
		{"2021-02-28", 0, fixture_utc(2021, 2, 27, 23, 0, 0)},
		{"2021-02-29", -1, 0},
		{"2020-02-29", 0, fixture_utc(2020, 2, 28, 23, 0, 0)},
		{"2021-04-00", -1, 0},
		{"2021-12-31", 0, fixture_utc(2021, 12, 30, 23, 0, 0)},
		{"2021-13-01", -1, 0},
		{"2021-00-01", -1, 0},
		/* hours and minutes: limit-1, limit, limit+1 */
		{"2021-04-13 22:00", 0, fixture_utc(2021, 4, 13, 20, 0, 0)},
		{"2021-04-13 23:59", 0, fixture_utc(2021, 4, 13, 21, 59, 0)},
		{"2021-04-13 24:00", -1, 0},
		{"2021-04-13 13:60", -1, 0},
		/* garbage */
		{"", -1, 0},
		{"garbage", -1, 0},
		{"2021", -1, 0},
		{"2021-4-13", -1, 0},
		{"2021/04/13", -1, 0},
		{"abcd-04-13", -1, 0},
		{"2021-ab-13", -1, 0},
		{"2021-04-1x", -1, 0},
		{"2021-04-13x", -1, 0},
		{"2021-04-13 ", -1, 0},
		{"2021-04-13T", -1, 0},
		{"2021-04-13 1:30", -1, 0},
		{"2021-04-13 13.30", -1, 0},
		{"2021-04-13 ab:30", -1, 0},
		{"2021-04-13 13:30 ", -1, 0},
		{"2021-04-13 13:30ZZ", -1, 0},
		{"2021-04-13 13:30+02:00", -1, 0},
	};

	check_times(rows, sizeof(rows) / sizeof(rows[0]));
}

/*
 * Seconds cut short: the parser skips three bytes for ":SS" without
 * looking, so it reads past the end of the string (a crash here, where
 * the string ends at an unreadable page).
 */
static void
test_parse_time_short_seconds(void **state)
{
	const struct time_row rows[] = {
		{"2021-04-13 13:30:5", -1, 0},
		{"2021-04-13 13:30:", -1, 0},
	};

	check_times(rows, sizeof(rows) / sizeof(rows[0]));
}

static void
test_format_time(void **state)
{
	static const struct {
		time_t t;
		const char *want;
	} rows[] = {
		{1618313400, "2021-04-13 13:30"}, /* 11:30 UTC */
		{1610541000, "2021-01-13 13:30"}, /* 12:30 UTC */
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(
			util_format_time(rows[i].t, buf, sizeof(buf)),
			rows[i].want);
}

static void
test_strtonum(void **state)
{
	static const struct {
		const char *in;
		long long min, max;
		int rc;
		long long want;
		const char *err;
	} rows[] = {
		{"0", 0, 10, 0, 0, NULL},
		{"9", 0, 10, 0, 9, NULL},	   /* max - 1 */
		{"10", 0, 10, 0, 10, NULL},	   /* max */
		{"11", 0, 10, -1, 0, "too large"}, /* max + 1 */
		{"1", 1, 10, 0, 1, NULL},	   /* min */
		{"0", 1, 10, -1, 0, "too small"},  /* min - 1 */
		{"-1", 0, 10, -1, 0, "too small"},
		{"-5", -5, 5, 0, -5, NULL},
		{"9223372036854775806", 0, LLONG_MAX, 0, LLONG_MAX - 1, NULL},
		{"9223372036854775807", 0, LLONG_MAX, 0, LLONG_MAX, NULL},
		{"9223372036854775808", 0, LLONG_MAX, -1, 0, "too large"},
		{"99999999999999999999", 0, LLONG_MAX, -1, 0, "too large"},
		{"-9223372036854775808", LLONG_MIN, 0, 0, LLONG_MIN, NULL},
		{"-9223372036854775809", LLONG_MIN, 0, -1, 0, "too small"},
		{"", 0, 10, -1, 0, "invalid"},
		{" 1", 0, 10, -1, 0, "invalid"},
		{"1 ", 0, 10, -1, 0, "invalid"},
		{"1x", 0, 10, -1, 0, "invalid"},
		{"x", 0, 10, -1, 0, "invalid"},
		{"0x10", 0, 100, -1, 0, "invalid"},
		{"1e3", 0, 10000, -1, 0, "invalid"},
		{"--1", -10, 10, -1, 0, "invalid"},
		{"-", -10, 10, -1, 0, "invalid"},
	};
	const char *err;
	long long v;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc;

		err = NULL;
		v = 42;
		rc = util_strtonum(rows[i].in, rows[i].min, rows[i].max, &v,
				   &err);
		if (rc != rows[i].rc)
			fail_msg("'%s': expected %d, got %d", rows[i].in,
				 rows[i].rc, rc);
		if (rc == 0)
			assert_true(v == rows[i].want);
		else
			assert_string_equal(err, rows[i].err);
	}
	assert_int_equal(util_strtonum(NULL, 0, 10, &v, &err), -1);
	assert_string_equal(err, "invalid");
}

static void
test_trim(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} rows[] = {
		{"", ""},
		{"   ", ""},
		{"a", "a"},
		{"  a  ", "a"},
		{"\t a b \r\n", "a b"},
		{"a  b", "a  b"},
		{"\n\v\f\rx", "x"},
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *s = xstrdup(rows[i].in);

		/* in place: the same pointer comes back */
		assert_ptr_equal(util_trim(s), s);
		assert_string_equal(s, rows[i].want);
		free(s);
	}
}

static void
test_name_index(void **state)
{
	static const char *const names[] = {"enrol", NULL, "review", "enrol"};
	static const struct {
		const char *name;
		int want;
	} rows[] = {
		{"enrol", 0},	/* the first of two */
		{"review", 2},	/* past a hole */
		{"Review", -1}, /* case counts */
		{"", -1},	{"revie", -1}, {"reviews", -1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(util_name_index(names, 4, rows[i].name),
				 rows[i].want);
	assert_int_equal(util_name_index(names, 0, "enrol"), -1);
}

static void
test_strlcpy(void **state)
{
	static const struct {
		const char *src;
		size_t size;
		const char *want;
	} rows[] = {
		{"abcdef", 8, "abcdef"}, {"abcdef", 7, "abcdef"}, /* just fits
								   */
		{"abcdef", 6, "abcde"}, /* truncated by one */
		{"abcdef", 5, "abcd"},	 {"abcdef", 1, ""},	  {"", 1, ""},
	};
	char dst[16];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t n;

		memset(dst, 'X', sizeof(dst));
		n = util_strlcpy(dst, rows[i].src, rows[i].size);
		/* the length of src: >= size means it was truncated */
		assert_int_equal(n, strlen(rows[i].src));
		assert_int_equal(n >= rows[i].size,
				 strlen(rows[i].want) < strlen(rows[i].src));
		assert_string_equal(dst, rows[i].want);
		/* nothing written past size */
		assert_int_equal(dst[rows[i].size], 'X');
	}
	/* size 0 writes nothing at all */
	memset(dst, 'X', sizeof(dst));
	assert_int_equal(util_strlcpy(dst, "abc", 0), 3);
	assert_int_equal(dst[0], 'X');
}

static void
test_next_line(void **state)
{
	static const struct {
		const char *text;
		const char *lines[5]; /* NULL-terminated */
	} rows[] = {
		{"", {NULL}},
		{"a", {"a", NULL}},
		{"a\n", {"a", NULL}},
		{"a\r\nb\n\nc", {"a", "b", "", "c", NULL}},
		{"\n", {"", NULL}},
		{"a\rb\r\n", {"a\rb", NULL}}, /* only a CR before the LF */
	};
	size_t i, j;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *text = xstrdup(rows[i].text), *cursor = text, *line;

		for (j = 0; rows[i].lines[j] != NULL; j++) {
			line = util_next_line(&cursor);
			assert_non_null(line);
			assert_string_equal(line, rows[i].lines[j]);
		}
		assert_null(util_next_line(&cursor));
		assert_null(util_next_line(&cursor));
		free(text);
	}
}

static void
test_small_helpers(void **state)
{
	static const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
	char hex[sizeof(bytes) * 2 + 1], *s;

	util_hex(bytes, sizeof(bytes), hex);
	assert_string_equal(hex, "000fa5ff");
	util_hex(bytes, 0, hex);
	assert_string_equal(hex, "");
	s = xstrdup("MiXed-Case.NL 123");
	assert_string_equal(util_lowercase(s), "mixed-case.nl 123");
	free(s);
	assert_true(util_has_suffix_ci("mail.Utrecht.NL", ".utrecht.nl"));
	assert_true(util_has_suffix_ci("x", ""));
	assert_false(util_has_suffix_ci("nl", ".nl"));
	s = xasprintf("%s-%d", "a", 7);
	assert_string_equal(s, "a-7");
	free(s);
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
}

static void
test_files(void **state)
{
	static const struct {
		size_t size;
		size_t max;
		bool ok;
	} rows[] = {
		{99, 100, true},   /* limit - 1 */
		{100, 100, true},  /* limit */
		{101, 100, false}, /* limit + 1 */
		{0, 0, true},
	};
	char dir[] = "/tmp/test-util-XXXXXX";
	char *nested, *path, *cmd;
	struct stat st;
	size_t i;

	assert_non_null(mkdtemp(dir));
	/* parents made as needed, existing ones are fine */
	nested = xasprintf("%s/a/b/c", dir);
	assert_int_equal(util_mkdirs(nested), 0);
	assert_int_equal(util_mkdirs(nested), 0);
	assert_int_equal(stat(nested, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	free(nested);

	path = xasprintf("%s/f", dir);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		FILE *fp = fopen(path, "w");
		const char *err = NULL;
		char *data;
		size_t len = 12345, j;

		assert_non_null(fp);
		for (j = 0; j < rows[i].size; j++)
			fputc('a' + (int)(j % 26), fp);
		assert_int_equal(fclose(fp), 0);
		data = util_read_file(path, rows[i].max, &len, &err);
		if (!rows[i].ok) {
			assert_null(data);
			assert_string_equal(err, "file too large");
			continue;
		}
		assert_non_null(data);
		assert_int_equal(len, rows[i].size);
		assert_int_equal(strlen(data), rows[i].size);
		free(data);
	}
	{
		const char *err = NULL;
		size_t len;
		char *missing = xasprintf("%s/missing", dir);

		assert_null(util_read_file(missing, 100, &len, &err));
		assert_non_null(err);
		free(missing);
	}
	free(path);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static ATTR_NORETURN void
oom_exit_42(void)
{
	_exit(42);
}

/* Runs out of memory in a child (the overflow check, so no allocator is
   involved); its exit status and what it wrote to stderr. */
static int
oom_child(int how, char *out, size_t size)
{
	int fds[2], status;
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		if (how == 1)
			util_set_oom_handler(oom_exit_42);
		else if (how == 2)
			log_init(1, 0);
		(void)xreallocarray(NULL, SIZE_MAX, 2);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		n = read(fds[0], out + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* util sits below log: by default it says so itself, a handler takes
   over, and log_init() routes it through the log. */
static void
test_oom(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(oom_child(0, out, sizeof(out)), 1);
	assert_string_equal(out, "out of memory\n");
	assert_int_equal(oom_child(1, out, sizeof(out)), 42);
	assert_string_equal(out, "");
	assert_int_equal(oom_child(2, out, sizeof(out)), 1);
	assert_string_equal(out, "out of memory\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_time_short_seconds),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_strtonum),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_name_index),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_next_line),
		cmocka_unit_test(test_small_helpers),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_oom),
	};

	/* the programme's zone, as programme_load() sets it */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
