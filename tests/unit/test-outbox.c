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
		time_t next =
			outbox_next_try(first, rows[i].attempt, OUTBOX_MAX_AGE);

		assert_int_equal(
			next, rows[i].after == 0 ? 0 : first + rows[i].after);
	}
}

/* [smtp] retry_hours shortens (or stretches) the schedule's end */
static void
test_max_age(void **state)
{
	const time_t first = 1617264000, day = 24 * 3600;

	(void)state;
	/* 37 retries fit in one day (60 * 37^2 = 82140 s), 38 do not */
	assert_int_equal(outbox_next_try(first, 37, day), first + 60 * 37 * 37);
	assert_int_equal(outbox_next_try(first, 38, day), 0);
	assert_int_equal(outbox_next_try(first, 1, 59), 0);
	assert_int_equal(outbox_next_try(first, 1, 60), first + 60);
	/* a week: what fails after four days is still tried */
	assert_int_equal(outbox_next_try(first, 76, 7 * day),
			 first + 60 * 76 * 76);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_try),
		cmocka_unit_test(test_max_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
