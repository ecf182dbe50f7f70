/* Unit tests for the outbox retry schedule: base * attempt^2, then give up. */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "outbox.h"

static void
test_next_try(void **state)
{
	static const struct {
		unsigned attempt;
		time_t after; /* seconds after the first try; 0: give up */
	} rows[] = {
		{1, OUTBOX_RETRY_BASE},
		{2, 4 * OUTBOX_RETRY_BASE},
		{3, 9 * OUTBOX_RETRY_BASE},
		{10, 100 * OUTBOX_RETRY_BASE},
		{75, 5625 * OUTBOX_RETRY_BASE}, /* 3.9 days: still tried */
		{76, 0},			/* past four days */
		{1000, 0},
	};
	const time_t first = 1617264000;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		time_t next = outbox_next_try(first, rows[i].attempt);

		assert_int_equal(
			next, rows[i].after == 0 ? 0 : first + rows[i].after);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_try),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
