/*
 * test_pg_array.c - unit tests for store/pg_array.c, PostgreSQL arrays in
 * the binary wire format: the header (one dimension, the NULL flag, the
 * element type), each element type's bytes, the empty array, and an array
 * that outgrew its buffer (refused, never sent truncated). That the
 * server reads them as the text arrays they replace is checked by
 * test_store (test_insert_many_same) against a real server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "store/pg_array.h"

/* data[0..len) as hex, for readable failures */
static void hex(const char *data, int len, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (int i = 0; i < len; i++) {
		out[2 * i] = d[(unsigned char)data[i] >> 4];
		out[2 * i + 1] = d[(unsigned char)data[i] & 15];
	}
	out[2 * len] = '\0';
}

static void check(struct tg_pg_array *a, const char *want)
{
	const char *data = NULL;
	int len = -1;
	char got[512];
	assert_int_equal(tg_pg_array_finish(a, &data, &len), TG_OK);
	assert_true(len > 0 && 2 * len < (int)sizeof(got));
	hex(data, len, got);
	assert_string_equal(got, want);
}

static void test_empty(void **state)
{
	(void)state;
	struct tg_pg_array a;
	tg_pg_array_init(&a, TG_PG_TEXT);
	check(&a, "00000000"
	          "00000000"
	          "00000019"); /* ndim 0, no NULL, text */
	tg_pg_array_release(&a);
}

static void test_int4_with_null(void **state)
{
	(void)state;
	struct tg_pg_array a;
	tg_pg_array_init(&a, TG_PG_INT4);
	tg_pg_array_int(&a, 1, 0);
	tg_pg_array_int(&a, 99, 1);
	tg_pg_array_int(&a, -2, 0);
	check(&a, "00000001"
	          "00000001"
	          "00000017"
	          "00000003"
	          "00000001" /* one dimension of 3 from 1, has NULL, int4 */
	          "00000004"
	          "00000001"
	          "ffffffff"
	          "00000004"
	          "fffffffe");
	tg_pg_array_release(&a);
}

static void test_int8_float8(void **state)
{
	(void)state;
	struct tg_pg_array a, f;
	tg_pg_array_init(&a, TG_PG_INT8);
	tg_pg_array_int(&a, -1, 0);
	tg_pg_array_int(&a, 4294967297LL, 0); /* 2^32 + 1: both halves */
	check(&a, "00000001"
	          "00000000"
	          "00000014"
	          "00000002"
	          "00000001"
	          "00000008"
	          "ffffffffffffffff"
	          "00000008"
	          "0000000100000001");
	tg_pg_array_init(&f, TG_PG_FLOAT8);
	tg_pg_array_float8(&f, 1.5, 0);
	tg_pg_array_float8(&f, -35.25, 0);
	tg_pg_array_float8(&f, 0, 1);
	check(&f, "00000001"
	          "00000001"
	          "000002bd"
	          "00000003"
	          "00000001"
	          "00000008"
	          "3ff8000000000000"
	          "00000008"
	          "c041a00000000000"
	          "ffffffff");
	tg_pg_array_release(&a);
	tg_pg_array_release(&f);
}

static void test_text(void **state)
{
	(void)state;
	struct tg_pg_array a;
	tg_pg_array_init(&a, TG_PG_TEXT);
	tg_pg_array_text(&a, "あ");
	tg_pg_array_text(&a, "");
	tg_pg_array_text(&a, NULL);
	tg_pg_array_text(&a, "a\"b\\,{}"); /* no quoting in binary */
	check(&a, "00000001"
	          "00000001"
	          "00000019"
	          "00000004"
	          "00000001"
	          "00000003e38182"
	          "00000000"
	          "ffffffff"
	          "00000007"
	          "6122625c2c7b7d");
	tg_pg_array_release(&a);
}

/* An element past the buffer's cap: nothing to bind, not a truncated
 * array (whose lengths would no longer match its bytes). */
static void test_too_large(void **state)
{
	(void)state;
	struct tg_pg_array a;
	const char *data = "x";
	int len = 7;
	tg_pg_array_init(&a, TG_PG_TEXT);
	a.b.cap_limit = 40; /* the 20-byte header and a little */
	tg_pg_array_text(&a, "short");
	assert_int_equal(tg_pg_array_finish(&a, &data, &len), TG_OK);
	tg_pg_array_text(&a, "a text that does not fit any more");
	tg_pg_array_int(&a, 1, 1); /* would fit, but the array is spoilt */
	assert_int_equal(tg_pg_array_finish(&a, &data, &len), TG_ERR_TOO_LARGE);
	assert_null(data);
	assert_int_equal(len, 0);
	tg_pg_array_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty), cmocka_unit_test(test_int4_with_null), cmocka_unit_test(test_int8_float8),
	    cmocka_unit_test(test_text),  cmocka_unit_test(test_too_large),
	};
	return cmocka_run_group_tests_name("pg_array", tests, NULL, NULL);
}
