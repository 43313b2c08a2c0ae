/* test_json_write.c - the fast serializer writes what jansson would (util/json_write.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/json_write.h"

static char *dump(const json_t *j)
{
	struct tg_buf b;
	tg_buf_init(&b, 0);
	assert_int_equal(tg_json_write(j, &b), TG_OK);
	return tg_buf_detach(&b, NULL);
}

/* Our output parses back to a value equal to the input, and equals
 * json_dumps(JSON_COMPACT) byte for byte when no reals are involved. */
static void check_same(const char *text, int exact_bytes)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	assert_non_null(j);
	char *ours = dump(j);
	json_t *back = json_loads(ours, JSON_DECODE_ANY, &e);
	assert_non_null(back);
	assert_true(json_equal(j, back));
	if (exact_bytes) {
		char *theirs = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_string_equal(ours, theirs);
		free(theirs);
	}
	free(ours);
	json_decref(back);
	json_decref(j);
}

static void test_values(void **state)
{
	(void)state;
	check_same("{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}", 1);
	check_same("[0,-1,9223372036854775807,-9223372036854775808]", 1);
	check_same("\"ひだまり\\u0001\\n\\t\\\"\\\\ / \\u001f\"", 1);
	check_same("{\"z\":{},\"y\":[],\"x\":{\"k\":[{\"n\":\"名前\"}]}}", 1);
	check_same("[1.5,-0.25,35.4553,139.6216,1e-300,3.0]", 0);
}

static void test_order_and_reals(void **state)
{
	(void)state;
	json_t *o = json_object();
	json_object_set_new(o, "zeta", json_integer(1));
	json_object_set_new(o, "alpha", json_real(3));
	json_object_set_new(o, "lat", json_real(35.455300000000001));
	char *s = dump(o);
	/* insertion order kept; a whole real stays a real; no float noise */
	assert_string_equal(s, "{\"zeta\":1,\"alpha\":3.0,\"lat\":35.4553}");
	free(s);
	json_decref(o);
	struct tg_buf b;
	tg_buf_init(&b, 0);
	json_t *nan = json_real(0.0);
	assert_int_equal(tg_json_write(nan, &b), TG_OK);
	json_decref(nan);
	tg_buf_release(&b);
}

static void test_fixed3(void **state)
{
	(void)state;
	static const struct {
		double d;
		const char *want;
	} cases[] = {{0, "0.000"},      {10, "10.000"},      {151.428571, "151.429"}, {-2.5, "-2.500"},
	             {0.0004, "0.000"}, {-0.0006, "-0.001"}, {999.9996, "1000.000"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tg_buf b;
		tg_buf_init(&b, 0);
		assert_int_equal(tg_json_write_fixed3(&b, cases[i].d), TG_OK);
		assert_string_equal(b.data, cases[i].want);
		tg_buf_release(&b);
	}
}

/* the pointer writers give exactly what the buffer writers give */
static void test_put(void **state)
{
	(void)state;
	static const double reals[] = {0, 10, 151.428571, -2.5, 0.0004, -0.0006, 999.9996, 1e15, -3e17, 123456789.0125};
	static const long long ints[] = {
	    0, 7, -1, 42, 1234567890123LL, -9223372036854775807LL - 1, 9223372036854775807LL};
	static const char *const strs[] = {"", "ひろば", "a\"b\\c", "\n\r\t\b\f\x01\x1f end", "plain"};
	char out[256], *e;
	struct tg_buf b;
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		tg_buf_init(&b, 0);
		assert_int_equal(tg_json_write_fixed3(&b, reals[i]), TG_OK);
		e = tg_json_put_fixed3(out, reals[i]);
		assert_true((size_t)(e - out) <= TG_JSON_FIXED3_MAX);
		*e = '\0';
		assert_string_equal(out, b.data);
		tg_buf_release(&b);
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		tg_buf_init(&b, 0);
		assert_int_equal(tg_json_write_int(&b, ints[i]), TG_OK);
		e = tg_json_put_int(out, ints[i]);
		assert_true((size_t)(e - out) <= TG_JSON_INT_MAX);
		*e = '\0';
		assert_string_equal(out, b.data);
		tg_buf_release(&b);
	}
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		size_t len = strlen(strs[i]);
		tg_buf_init(&b, 0);
		assert_int_equal(tg_json_write_string(&b, strs[i], len), TG_OK);
		e = tg_json_put_string(out, strs[i], len);
		assert_true((size_t)(e - out) <= 6 * len + 2);
		*e = '\0';
		assert_string_equal(out, b.data);
		tg_buf_release(&b);
	}
}

static void test_cap(void **state)
{
	(void)state;
	struct tg_buf b;
	tg_buf_init(&b, 8);
	json_t *s = json_string("0123456789");
	assert_int_equal(tg_json_write(s, &b), TG_ERR_TOO_LARGE);
	json_decref(s);
	tg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values), cmocka_unit_test(test_order_and_reals),
	    cmocka_unit_test(test_fixed3), cmocka_unit_test(test_put),
	    cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests_name("json_write", tests, NULL, NULL);
}
