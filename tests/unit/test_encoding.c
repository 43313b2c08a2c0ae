/* test_encoding.c - BOM, plain UTF-8, a Shift_JIS file made with iconv,
 * invalid bytes with their line numbers, UTF-16 and NUL refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/encoding.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	const char *dir = getenv("TG_TEST_DATA");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct tg_buf b = TG_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(tg_buf_add(&b, chunk, n), TG_OK);
	fclose(f);
	return tg_buf_detach(&b, len);
}

static void test_utf8_plain(void **state)
{
	(void)state;
	const char *in = "名称,住所\n";
	struct tg_buf out = TG_BUF_INIT;
	const char *enc;
	assert_int_equal(tg_encoding_to_utf8(in, strlen(in), &out, &enc, NULL, NULL, 0), TG_OK);
	assert_string_equal(enc, "UTF-8");
	assert_string_equal(out.data, in);
	tg_buf_release(&out);
}

static void test_utf8_bom_stripped(void **state)
{
	(void)state;
	const char *in = "\xEF\xBB\xBF名称\r\n";
	struct tg_buf out = TG_BUF_INIT;
	const char *enc;
	assert_int_equal(tg_encoding_to_utf8(in, strlen(in), &out, &enc, NULL, NULL, 0), TG_OK);
	assert_string_equal(enc, "UTF-8 (BOM)");
	assert_string_equal(out.data, "名称\r\n");
	tg_buf_release(&out);
}

static void test_bom_then_invalid(void **state)
{
	(void)state;
	const char *in = "\xEF\xBB\xBFok\nok\nbad\xFF\n";
	struct tg_buf out = TG_BUF_INIT;
	const char *enc;
	size_t line = 0;
	char err[256];
	assert_int_equal(tg_encoding_to_utf8(in, strlen(in), &out, &enc, &line, err, sizeof(err)), TG_ERR_INVALID);
	assert_int_equal(line, 3);
	assert_non_null(strstr(err, "3行目"));
	tg_buf_release(&out);
}

static void test_shift_jis_file(void **state)
{
	(void)state;
	size_t sj_len, u_len;
	char *sj = slurp("jp_facilities_sjis.csv", &sj_len);
	char *u = slurp("jp_facilities_old.csv", &u_len);
	struct tg_buf out = TG_BUF_INIT;
	const char *enc;
	assert_int_equal(tg_encoding_to_utf8(sj, sj_len, &out, &enc, NULL, NULL, 0), TG_OK);
	assert_string_equal(enc, "Shift_JIS");
	assert_int_equal(out.len, u_len);
	assert_memory_equal(out.data, u, u_len);
	tg_buf_release(&out);
	free(sj);
	free(u);
}

static void test_cp932_extensions(void **state)
{
	(void)state;
	/* ① (NEC row 13) and 髙 (IBM extension) exist only in CP932 */
	const char in[] = "\x87\x40,\xFB\xFC\n";
	struct tg_buf out = TG_BUF_INIT;
	const char *enc;
	assert_int_equal(tg_encoding_to_utf8(in, sizeof(in) - 1, &out, &enc, NULL, NULL, 0), TG_OK);
	assert_string_equal(enc, "Shift_JIS");
	assert_string_equal(out.data, "①,髙\n");
	tg_buf_release(&out);
}

static void test_invalid_everywhere(void **state)
{
	(void)state;
	/* 0x82 0x20 is not a CP932 character and not UTF-8 */
	const char in[] = "a\r\nb\r\n\x82\x20x\n";
	struct tg_buf out = TG_BUF_INIT;
	const char *enc;
	size_t line = 0;
	char err[256];
	assert_int_equal(tg_encoding_to_utf8(in, sizeof(in) - 1, &out, &enc, &line, err, sizeof(err)), TG_ERR_INVALID);
	assert_int_equal(line, 3);
	assert_non_null(strstr(err, "Shift_JIS"));
	tg_buf_release(&out);
}

static void test_nul_and_utf16(void **state)
{
	(void)state;
	const char nul[] = "a\nb\0c\n";
	const char u16[] = "\xFF\xFEh\0";
	struct tg_buf out = TG_BUF_INIT;
	const char *enc;
	size_t line = 0;
	assert_int_equal(tg_encoding_to_utf8(nul, sizeof(nul) - 1, &out, &enc, &line, NULL, 0), TG_ERR_INVALID);
	assert_int_equal(line, 2);
	assert_int_equal(tg_encoding_to_utf8(u16, sizeof(u16) - 1, &out, &enc, NULL, NULL, 0), TG_ERR_UNSUPPORTED);
	tg_buf_release(&out);
}

static void test_utf8_validator(void **state)
{
	(void)state;
	assert_int_equal(tg_utf8_valid_prefix("abc", 3), 3);
	assert_int_equal(tg_utf8_valid_prefix("\xC0\xAF", 2), 0);         /* overlong */
	assert_int_equal(tg_utf8_valid_prefix("a\xED\xA0\x80", 4), 1);    /* surrogate */
	assert_int_equal(tg_utf8_valid_prefix("\xF4\x90\x80\x80", 4), 0); /* > U+10FFFF */
	assert_int_equal(tg_utf8_valid_prefix("\xE3\x81", 2), 0);         /* truncated */
	assert_int_equal(tg_utf8_valid_prefix("😀", 4), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_plain),       cmocka_unit_test(test_utf8_bom_stripped),
	    cmocka_unit_test(test_bom_then_invalid), cmocka_unit_test(test_shift_jis_file),
	    cmocka_unit_test(test_cp932_extensions), cmocka_unit_test(test_invalid_everywhere),
	    cmocka_unit_test(test_nul_and_utf16),    cmocka_unit_test(test_utf8_validator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
