/*
 * test_hours_col.c - unit tests for store/hours_col.c, the text of the
 * resources.hours column (migration 0007): encoding sorts and leaves the
 * caller's array alone, no hours is NULL, decoding gives the hours back
 * sorted, malformed text stops at the first bad entry, and only what the
 * domain allows may be stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "store/hours_col.h"

static void test_encode(void **state)
{
	(void)state;
	struct tg_buf b = TG_BUF_INIT;
	struct tg_hours h[] = {{7, 600, 900}, {1, 780, 960}, {1, 540, 720}, {0, 0, 1440}};
	assert_int_equal(tg_hours_col_encode(&b, h, 0), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(tg_hours_col_encode(&b, h, 4), 1);
	assert_string_equal(b.data, "0:0-1440,1:540-720,1:780-960,7:600-900");
	assert_int_equal(h[0].weekday, 7); /* the caller's order stays */
	assert_int_equal(tg_hours_col_encode(&b, h + 1, 1), 1);
	assert_string_equal(b.data, "1:780-960"); /* reset first */
	/* more than fit on the stack */
	struct tg_hours many[40];
	for (int i = 0; i < 40; i++)
		many[i] = (struct tg_hours){(39 - i) % 8, 600 + (39 - i), 1000};
	assert_int_equal(tg_hours_col_encode(&b, many, 40), 1);
	assert_memory_equal(b.data, "0:600-1000,0:608-1000,", 22);
	tg_buf_release(&b);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_buf b = TG_BUF_INIT;
	struct tg_hours h[] = {{3, 600, 900}, {1, 540, 720}, {1, 540, 720}, {7, 0, 1440}}, *out = NULL;
	int bad = -1;
	assert_int_equal(tg_hours_col_encode(&b, h, 4), 1);
	assert_int_equal(tg_hours_col_decode(b.data, &a, &out, &bad), 4);
	assert_int_equal(bad, 0);
	static const struct tg_hours want[] = {{1, 540, 720}, {1, 540, 720}, {3, 600, 900}, {7, 0, 1440}};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(out[i].weekday, want[i].weekday);
		assert_int_equal(out[i].open_min, want[i].open_min);
		assert_int_equal(out[i].close_min, want[i].close_min);
	}
	/* stored unsorted (written by hand, or by another program): read sorted */
	assert_int_equal(tg_hours_col_decode("6:600-720,2:540-600", &a, &out, &bad), 2);
	assert_int_equal(out[0].weekday, 2);
	assert_int_equal(out[1].weekday, 6);
	assert_int_equal(bad, 0);
	assert_int_equal(tg_hours_col_decode(NULL, &a, &out, &bad), 0);
	assert_null(out);
	assert_int_equal(tg_hours_col_decode("", &a, &out, &bad), 0);
	assert_null(out);
	assert_int_equal(bad, 0);
	tg_buf_release(&b);
	tg_arena_release(&a);
}

static void test_malformed(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_hours *out = NULL;
	int bad = 0;
	static const char *const wrong[] = {"x",      ":",          "1",      "1:",          "1:2",
	                                    "1:2-",   "1-2:3",      "1:2-3,", ",1:2-3",      "1:2-3;4:5-6",
	                                    "-1:2-3", "123456:1-2", "1:2-3 ", "1:2-3,,4:5-6"};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		size_t n = tg_hours_col_decode(wrong[i], &a, &out, &bad);
		if (!bad)
			fail_msg("\"%s\" was read as %zu entries", wrong[i], n);
	}
	/* the entries before the bad one are kept */
	assert_int_equal(tg_hours_col_decode("1:540-720,2:x", &a, &out, &bad), 1);
	assert_int_equal(bad, 1);
	assert_int_equal(out[0].close_min, 720);
	tg_arena_release(&a);
}

static void test_valid(void **state)
{
	(void)state;
	static const struct tg_hours ok[] = {{0, 0, 1440}, {7, 1439, 1440}, {3, 540, 600}};
	static const struct tg_hours bad[] = {{8, 0, 60}, {-1, 0, 60}, {1, -1, 60}, {1, 0, 1441}, {1, 1441, 1442}};
	assert_true(tg_hours_col_valid(ok, 3));
	assert_true(tg_hours_col_valid(NULL, 0));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(tg_hours_col_valid(&bad[i], 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
