/* Unit tests for the bounded buffer: appends up to, at and past the limit. */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void
test_limit(void **state)
{
	static const struct {
		size_t max;
		size_t add;
		int expect;
	} rows[] = {
		{16, 15, 0},  /* limit - 1 */
		{16, 16, 0},  /* limit */
		{16, 17, -1}, /* limit + 1 */
		{0, 0, 0},    {0, 1, -1},
	};
	char data[32];
	size_t i;

	memset(data, 'x', sizeof(data));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b;

		buf_init(&b, rows[i].max);
		assert_int_equal(buf_add(&b, data, rows[i].add),
				 rows[i].expect);
		assert_int_equal(b.len, rows[i].expect == 0 ? rows[i].add : 0);
		assert_int_equal(strlen(buf_str(&b)), b.len);
		buf_deinit(&b);
	}
}

static void
test_addf_and_steal(void **state)
{
	struct buf b;
	char *s;

	buf_init(&b, 10);
	assert_int_equal(buf_addf(&b, "%s-%d", "ab", 12), 0);
	assert_string_equal(buf_str(&b), "ab-12");
	assert_int_equal(buf_addf(&b, "%s", "123456"), -1);
	assert_string_equal(buf_str(&b), "ab-12");
	assert_int_equal(buf_addc(&b, '!'), 0);
	s = buf_steal(&b);
	assert_string_equal(s, "ab-12!");
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	free(s);
	buf_deinit(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_addf_and_steal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
