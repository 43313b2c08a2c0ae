/* test_jpparse.c - every example form of 利用可能曜日, 開始/終了時間, 受入年齢
 * and 一時預かりの有無 listed in docs/internals/import.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/jpparse.h"
#include "core/model.h"

#define D(x)     (1u << (x))
#define WEEKDAYS (D(1) | D(2) | D(3) | D(4) | D(5))

static unsigned days(const char *s)
{
	unsigned m = 0;
	assert_int_equal(tg_jp_parse_weekdays(s, strlen(s), &m), 0);
	return m;
}

static void test_weekdays(void **state)
{
	(void)state;
	assert_int_equal(days("月～金"), WEEKDAYS);
	assert_int_equal(days("月火水木金"), WEEKDAYS);
	assert_int_equal(days("平日"), WEEKDAYS);
	assert_int_equal(days("月・水・金"), D(1) | D(3) | D(5));
	assert_int_equal(days("土日祝除く"), WEEKDAYS);
	assert_int_equal(days("毎日"), 0xFFu);
	assert_int_equal(days("土日祝"), D(0) | D(6) | D(TG_WEEKDAY_HOLIDAY));
	assert_int_equal(days("月曜日～土曜日"), WEEKDAYS | D(6));
	assert_int_equal(days("月〜金（祝日を除く）"), WEEKDAYS);
	assert_int_equal(days("金～月"), D(5) | D(6) | D(0) | D(1));
	assert_int_equal(days("日曜・祝日を除く"), WEEKDAYS | D(6));
	assert_int_equal(days(" 火、木 "), D(2) | D(4));
	unsigned m = 42;
	assert_int_equal(tg_jp_parse_weekdays("", 0, &m), 1);
	assert_int_equal(m, 42);
	assert_int_equal(tg_jp_parse_weekdays("随時", strlen("随時"), &m), -1);
	assert_int_equal(tg_jp_parse_weekdays("毎日除く", strlen("毎日除く"), &m), -1);
}

static int mins(const char *s)
{
	int v = -7;
	assert_int_equal(tg_jp_parse_time(s, strlen(s), &v), 0);
	return v;
}

static void test_times(void **state)
{
	(void)state;
	assert_int_equal(mins("9:00"), 540);
	assert_int_equal(mins("09:00"), 540);
	assert_int_equal(mins("９時"), 540);
	assert_int_equal(mins("9:00:00"), 540);
	assert_int_equal(mins("9時30分"), 570);
	assert_int_equal(mins("１８：３０"), 1110);
	assert_int_equal(mins("9時半"), 570);
	assert_int_equal(mins("24:00"), 1440);
	int v;
	assert_int_equal(tg_jp_parse_time("25:00", 5, &v), -1);
	assert_int_equal(tg_jp_parse_time("9:60", 4, &v), -1);
	assert_int_equal(tg_jp_parse_time("9:0", 3, &v), -1);
	assert_int_equal(tg_jp_parse_time("朝", strlen("朝"), &v), -1);
	assert_int_equal(tg_jp_parse_time("  ", 2, &v), 1);
}

static void ages(const char *s, int lo, int hi)
{
	int a = -9, b = -9;
	assert_int_equal(tg_jp_parse_ages(s, strlen(s), &a, &b), 0);
	assert_int_equal(a, lo);
	assert_int_equal(b, hi);
}

static void test_ages(void **state)
{
	(void)state;
	ages("0歳～5歳", 0, 71);
	ages("生後57日～就学前", 1, 83);
	ages("満3歳以上", 36, -1);
	ages("0歳児～2歳児", 0, 35);
	ages("０～５歳", 0, 71);
	ages("6か月～3歳", 6, 47);
	ages("生後6ヶ月から", 6, -1);
	ages("3歳未満", -1, 35);
	ages("就学前", 0, 83);
	ages("1歳", 12, 23);
	ages("小学生", 72, 155);
	int a, b;
	assert_int_equal(tg_jp_parse_ages("5歳～1歳", strlen("5歳～1歳"), &a, &b), -1);
	assert_int_equal(tg_jp_parse_ages("どなたでも", strlen("どなたでも"), &a, &b), -1);
	assert_int_equal(tg_jp_parse_ages("3", 1, &a, &b), -1);
	assert_int_equal(tg_jp_parse_ages("", 0, &a, &b), 1);
}

static void test_yesno(void **state)
{
	(void)state;
	int y = -1;
	assert_int_equal(tg_jp_parse_yesno("有", strlen("有"), &y), 0);
	assert_int_equal(y, 1);
	assert_int_equal(tg_jp_parse_yesno("無", strlen("無"), &y), 0);
	assert_int_equal(y, 0);
	assert_int_equal(tg_jp_parse_yesno(" あり ", strlen(" あり "), &y), 0);
	assert_int_equal(y, 1);
	assert_int_equal(tg_jp_parse_yesno("たぶん", strlen("たぶん"), &y), -1);
	assert_int_equal(tg_jp_parse_yesno("", 0, &y), 1);
}

static void test_fold(void **state)
{
	(void)state;
	const char *in = "０９：３０　～〜";
	char out[64];
	size_t n = tg_jp_fold(in, strlen(in), out);
	assert_int_equal(n, 8);
	assert_memory_equal(out, "09:30 ~~", 8);
	/* too long input is refused, not truncated */
	char big[TG_JP_MAX_TEXT + 2];
	memset(big, '1', sizeof(big));
	int v;
	assert_int_equal(tg_jp_parse_time(big, sizeof(big), &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_weekdays), cmocka_unit_test(test_times), cmocka_unit_test(test_ages),
	    cmocka_unit_test(test_yesno),    cmocka_unit_test(test_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
