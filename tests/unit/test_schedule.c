/*
 * test_schedule.c - unit tests for core/schedule.c: JST conversion, the
 * national holiday calendar (named, Happy Monday, equinox, 振替休日,
 * 国民の休日, 2019-2021 special dates), open_at with exceptions and holiday
 * hours, interval checks, HH:MM and date parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/schedule.h"

struct ymd {
	int y, m, d;
};

static int count_holidays(int year)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int n = 0;
	for (int m = 1; m <= 12; m++) {
		int days = dim[m - 1] + (m == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
		for (int d = 1; d <= days; d++)
			n += tg_jp_is_holiday(year, m, d);
	}
	return n;
}

static void assert_year(int year, const struct ymd *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!tg_jp_is_holiday(list[i].y, list[i].m, list[i].d))
			fail_msg("%04d-%02d-%02d should be a holiday", list[i].y, list[i].m, list[i].d);
	}
	assert_int_equal(count_holidays(year), (int)n);
}

static void test_localtime_jst(void **state)
{
	(void)state;
	struct tg_localtime t;
	tg_localtime_jst(0, &t); /* 1970-01-01 09:00 JST, Thursday */
	assert_int_equal(t.year, 1970);
	assert_int_equal(t.month, 1);
	assert_int_equal(t.day, 1);
	assert_int_equal(t.weekday, 4);
	assert_int_equal(t.minute, 9 * 60);

	/* 2026-01-01T00:00:00Z = 2026-01-01 09:00 JST (Thursday) */
	tg_localtime_jst(1767225600LL, &t);
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.month, 1);
	assert_int_equal(t.day, 1);
	assert_int_equal(t.weekday, 4);
	assert_int_equal(t.minute, 540);

	/* 2025-12-31T15:00:00Z is midnight JST on 2026-01-01 */
	tg_localtime_jst(1767225600LL - 9 * 3600, &t);
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.day, 1);
	assert_int_equal(t.minute, 0);
	tg_localtime_jst(1767225600LL - 9 * 3600 - 1, &t);
	assert_int_equal(t.year, 2025);
	assert_int_equal(t.month, 12);
	assert_int_equal(t.day, 31);
	assert_int_equal(t.weekday, 3);
	assert_int_equal(t.minute, 1439);

	/* before the epoch: 1969-12-31T14:59:59Z = 23:59 JST */
	tg_localtime_jst(-9 * 3600 - 1, &t);
	assert_int_equal(t.year, 1969);
	assert_int_equal(t.month, 12);
	assert_int_equal(t.day, 31);
	assert_int_equal(t.minute, 1439);
	assert_int_equal(t.weekday, 3);

	/* leap day 2024-02-29 12:34 JST = 03:34Z */
	tg_localtime_jst(1709177640LL, &t);
	assert_int_equal(t.month, 2);
	assert_int_equal(t.day, 29);
	assert_int_equal(t.minute, 12 * 60 + 34);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(tg_weekday(2026, 11, 22), 0);
	assert_int_equal(tg_weekday(2000, 1, 1), 6);
	assert_int_equal(tg_weekday(2024, 2, 29), 4);
	assert_int_equal(tg_weekday(1980, 1, 1), 2);
	assert_int_equal(tg_weekday(2099, 12, 31), 4);
}

static void test_holidays_2026(void **state)
{
	(void)state;
	static const struct ymd y2026[] = {
	    {2026, 1, 1},  {2026, 1, 12}, {2026, 2, 11}, {2026, 2, 23},  {2026, 3, 20}, {2026, 4, 29},
	    {2026, 5, 3},  {2026, 5, 4},  {2026, 5, 5},  {2026, 5, 6},   {2026, 7, 20}, {2026, 8, 11},
	    {2026, 9, 21}, {2026, 9, 22}, {2026, 9, 23}, {2026, 10, 12}, {2026, 11, 3}, {2026, 11, 23},
	};
	assert_year(2026, y2026, sizeof y2026 / sizeof y2026[0]);
	assert_false(tg_jp_is_holiday(2026, 1, 15)); /* old 成人の日 date */
	assert_false(tg_jp_is_holiday(2026, 5, 7));
	assert_false(tg_jp_is_holiday(2026, 12, 23)); /* 平成の天皇誕生日 */
	assert_false(tg_jp_is_holiday(2026, 11, 24));
}

static void test_holidays_2025(void **state)
{
	(void)state;
	static const struct ymd y2025[] = {
	    {2025, 1, 1},  {2025, 1, 13},  {2025, 2, 11}, {2025, 2, 23},  {2025, 2, 24},  {2025, 3, 20}, {2025, 4, 29},
	    {2025, 5, 3},  {2025, 5, 4},   {2025, 5, 5},  {2025, 5, 6},   {2025, 7, 21},  {2025, 8, 11}, {2025, 9, 15},
	    {2025, 9, 23}, {2025, 10, 13}, {2025, 11, 3}, {2025, 11, 23}, {2025, 11, 24},
	};
	assert_year(2025, y2025, sizeof y2025 / sizeof y2025[0]);
}

static void test_holidays_2019_era_change(void **state)
{
	(void)state;
	static const struct ymd y2019[] = {
	    {2019, 1, 1},   {2019, 1, 14}, {2019, 2, 11}, {2019, 3, 21},  {2019, 4, 29}, {2019, 4, 30},
	    {2019, 5, 1},   {2019, 5, 2},  {2019, 5, 3},  {2019, 5, 4},   {2019, 5, 5},  {2019, 5, 6},
	    {2019, 7, 15},  {2019, 8, 11}, {2019, 8, 12}, {2019, 9, 16},  {2019, 9, 23}, {2019, 10, 14},
	    {2019, 10, 22}, {2019, 11, 3}, {2019, 11, 4}, {2019, 11, 23},
	};
	assert_year(2019, y2019, sizeof y2019 / sizeof y2019[0]);
	assert_false(tg_jp_is_holiday(2019, 12, 23)); /* no emperor's birthday in 2019 */
	assert_false(tg_jp_is_holiday(2019, 2, 23));
}

static void test_holidays_olympics(void **state)
{
	(void)state;
	static const struct ymd y2020[] = {
	    {2020, 1, 1},  {2020, 1, 13}, {2020, 2, 11}, {2020, 2, 23}, {2020, 2, 24}, {2020, 3, 20},
	    {2020, 4, 29}, {2020, 5, 3},  {2020, 5, 4},  {2020, 5, 5},  {2020, 5, 6},  {2020, 7, 23},
	    {2020, 7, 24}, {2020, 8, 10}, {2020, 9, 21}, {2020, 9, 22}, {2020, 11, 3}, {2020, 11, 23},
	};
	static const struct ymd y2021[] = {
	    {2021, 1, 1}, {2021, 1, 11}, {2021, 2, 11}, {2021, 2, 23}, {2021, 3, 20},  {2021, 4, 29},
	    {2021, 5, 3}, {2021, 5, 4},  {2021, 5, 5},  {2021, 7, 22}, {2021, 7, 23},  {2021, 8, 8},
	    {2021, 8, 9}, {2021, 9, 20}, {2021, 9, 23}, {2021, 11, 3}, {2021, 11, 23},
	};
	assert_year(2020, y2020, sizeof y2020 / sizeof y2020[0]);
	assert_year(2021, y2021, sizeof y2021 / sizeof y2021[0]);
	assert_false(tg_jp_is_holiday(2020, 10, 12));
	assert_false(tg_jp_is_holiday(2021, 10, 11));
	assert_false(tg_jp_is_holiday(2020, 8, 11));
	assert_false(tg_jp_is_holiday(2021, 7, 19));
}

static void test_holidays_historical(void **state)
{
	(void)state;
	/* fixed dates before Happy Monday */
	assert_true(tg_jp_is_holiday(1999, 1, 15));
	assert_true(tg_jp_is_holiday(2000, 1, 10)); /* first Happy Monday 成人の日 */
	assert_false(tg_jp_is_holiday(2000, 1, 15));
	assert_true(tg_jp_is_holiday(1999, 10, 10));
	assert_true(tg_jp_is_holiday(2000, 10, 9));
	assert_true(tg_jp_is_holiday(2002, 9, 15) || tg_weekday(2002, 9, 15) == 0);
	assert_true(tg_jp_is_holiday(2002, 9, 16)); /* 9/15 was a Sunday: 振替休日 */
	assert_true(tg_jp_is_holiday(2003, 9, 15)); /* third Monday */
	assert_true(tg_jp_is_holiday(2002, 7, 20));
	assert_true(tg_jp_is_holiday(2003, 7, 21));
	assert_true(tg_jp_is_holiday(1996, 7, 20));
	assert_false(tg_jp_is_holiday(1995, 7, 20)); /* 海の日 began 1996 */
	assert_false(tg_jp_is_holiday(2015, 8, 11)); /* 山の日 began 2016 */
	assert_true(tg_jp_is_holiday(2016, 8, 11));
	/* emperor's birthdays and Apr 29 */
	assert_true(tg_jp_is_holiday(1988, 4, 29));
	assert_true(tg_jp_is_holiday(1998, 12, 23));
	assert_true(tg_jp_is_holiday(2018, 12, 23));
	assert_true(tg_jp_is_holiday(2018, 12, 24)); /* Sunday -> 振替休日 */
	assert_false(tg_jp_is_holiday(1988, 12, 23));
	assert_false(tg_jp_is_holiday(2019, 2, 23));
	/* one-off ceremony days */
	assert_true(tg_jp_is_holiday(1989, 2, 24));
	assert_true(tg_jp_is_holiday(1990, 11, 12));
	assert_true(tg_jp_is_holiday(1993, 6, 9));
	assert_false(tg_jp_is_holiday(1994, 6, 9));
	/* みどりの日 on May 4 from 2007; before that May 4 was 国民の休日 unless
	 * it was a Sunday or a 振替休日 */
	assert_true(tg_jp_is_holiday(2006, 5, 4)); /* Thursday, sandwiched */
	assert_true(tg_jp_is_holiday(2007, 5, 4));
	assert_false(tg_jp_is_holiday(1985, 5, 4)); /* before 国民の休日 existed */
	assert_true(tg_jp_is_holiday(1988, 5, 4));
	/* 振替休日: old rule only Monday, new rule walks past holidays */
	assert_true(tg_jp_is_holiday(2008, 5, 6));  /* May 4 Sunday -> May 6 */
	assert_false(tg_jp_is_holiday(2003, 5, 6)); /* old rule: 5/4 Sunday -> 5/5 is already one */
	assert_true(tg_jp_is_holiday(2006, 1, 2));  /* Jan 1 Sunday */
	/* silver week 国民の休日 */
	assert_true(tg_jp_is_holiday(2009, 9, 22));
	assert_true(tg_jp_is_holiday(2015, 9, 22));
	assert_true(tg_jp_is_holiday(2032, 9, 21));
	/* range and bad dates */
	assert_false(tg_jp_is_holiday(1979, 1, 1));
	assert_false(tg_jp_is_holiday(2100, 1, 1));
	assert_true(tg_jp_is_holiday(2099, 1, 1));
	assert_true(tg_jp_is_holiday(1980, 1, 1));
	assert_false(tg_jp_is_holiday(2026, 2, 30));
	assert_false(tg_jp_is_holiday(2026, 13, 1));
	assert_false(tg_jp_is_holiday(2026, 0, 1));
}

static void test_equinoxes(void **state)
{
	(void)state;
	static const struct ymd vernal[] = {{1980, 3, 20}, {1992, 3, 20}, {2000, 3, 20}, {2011, 3, 21},
	                                    {2012, 3, 20}, {2023, 3, 21}, {2024, 3, 20}, {2025, 3, 20},
	                                    {2026, 3, 20}, {2027, 3, 21}, {2030, 3, 20}};
	static const struct ymd autumnal[] = {{1980, 9, 23}, {2000, 9, 23}, {2012, 9, 22}, {2016, 9, 22}, {2024, 9, 22},
	                                      {2025, 9, 23}, {2026, 9, 23}, {2027, 9, 23}, {2030, 9, 23}};
	for (size_t i = 0; i < sizeof vernal / sizeof vernal[0]; i++) {
		if (!tg_jp_is_holiday(vernal[i].y, vernal[i].m, vernal[i].d))
			fail_msg("vernal equinox %d-03-%d", vernal[i].y, vernal[i].d);
	}
	for (size_t i = 0; i < sizeof autumnal / sizeof autumnal[0]; i++) {
		if (!tg_jp_is_holiday(autumnal[i].y, autumnal[i].m, autumnal[i].d))
			fail_msg("autumnal equinox %d-09-%d", autumnal[i].y, autumnal[i].d);
	}
	assert_false(tg_jp_is_holiday(2026, 3, 21));
	assert_false(tg_jp_is_holiday(2024, 9, 23) && tg_weekday(2024, 9, 23) != 1);
}

static void test_holiday_counts(void **state)
{
	(void)state;
	/* every year has the 12 named holidays of 1980 at least, at most 22 days */
	for (int y = 1980; y <= 2099; y++) {
		int n = count_holidays(y);
		if (n < 12 || n > 22)
			fail_msg("year %d has %d holidays", y, n);
	}
}

static struct tg_localtime at(int y, int m, int d, int hh, int mm)
{
	struct tg_localtime t = {y, m, d, tg_weekday(y, m, d), hh * 60 + mm};
	return t;
}

static const struct tg_hours weekday_hours[] = {
    {1, 600, 900}, /* Monday 10:00-15:00 */
    {2, 570, 720}, /* Tuesday 9:30-12:00 */
    {2, 780, 960}, /* Tuesday 13:00-16:00 */
};

static void test_open_at_boundaries(void **state)
{
	(void)state;
	struct tg_localtime t;
	/* 2026-11-17 is a Tuesday */
	t = at(2026, 11, 17, 9, 29);
	assert_false(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	t = at(2026, 11, 17, 9, 30);
	assert_true(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	t = at(2026, 11, 17, 11, 59);
	assert_true(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	t = at(2026, 11, 17, 12, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	t = at(2026, 11, 17, 13, 0);
	assert_true(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	t = at(2026, 11, 17, 16, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	/* Monday 2026-11-16 */
	t = at(2026, 11, 16, 10, 0);
	assert_true(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	t = at(2026, 11, 16, 15, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	/* Wednesday: no hours */
	t = at(2026, 11, 18, 11, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	/* no hours at all */
	assert_false(tg_schedule_open_at(NULL, 0, NULL, 0, &t));
	/* open until midnight */
	static const struct tg_hours late[] = {{3, 1200, 1440}};
	t = at(2026, 11, 18, 23, 59);
	assert_true(tg_schedule_open_at(late, 1, NULL, 0, &t));
}

static void test_open_at_holidays(void **state)
{
	(void)state;
	struct tg_localtime t;
	/* 2026-01-12 成人の日 is a Monday: closed without holiday hours */
	t = at(2026, 1, 12, 11, 0);
	assert_int_equal(t.weekday, 1);
	assert_false(tg_schedule_open_at(weekday_hours, 3, NULL, 0, &t));
	/* with holiday hours, those apply instead of Monday's */
	static const struct tg_hours with_holiday[] = {{1, 600, 900}, {7, 780, 840}};
	assert_false(tg_schedule_open_at(with_holiday, 2, NULL, 0, &t));
	t = at(2026, 1, 12, 13, 30);
	assert_true(tg_schedule_open_at(with_holiday, 2, NULL, 0, &t));
	/* a 振替休日 counts as a holiday too */
	t = at(2025, 11, 24, 13, 30);
	assert_true(tg_schedule_open_at(with_holiday, 2, NULL, 0, &t));
	t = at(2025, 11, 24, 10, 30);
	assert_false(tg_schedule_open_at(with_holiday, 2, NULL, 0, &t));
	/* the Monday after is an ordinary Monday */
	t = at(2025, 12, 1, 10, 30);
	assert_true(tg_schedule_open_at(with_holiday, 2, NULL, 0, &t));
	/* a holiday on a Sunday uses holiday hours, not Sunday's */
	static const struct tg_hours sunday[] = {{0, 600, 900}};
	t = at(2026, 5, 3, 11, 0);
	assert_false(tg_schedule_open_at(sunday, 1, NULL, 0, &t));
	t = at(2026, 5, 10, 11, 0);
	assert_true(tg_schedule_open_at(sunday, 1, NULL, 0, &t));
}

static void test_open_at_exceptions(void **state)
{
	(void)state;
	struct tg_localtime t;
	struct tg_exception ex[] = {
	    {"2026-11-17", 1, 0, 0, "研修のため休館"},
	    {"2026-11-18", 0, 600, 660, "臨時開館"},
	    {"2026-01-12", 0, 540, 600, "祝日開館"},
	    {"2026-11-16", 0, 780, 840, NULL},
	};
	/* closed all day beats the Tuesday hours */
	t = at(2026, 11, 17, 10, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
	/* the next Tuesday is normal */
	t = at(2026, 11, 24, 10, 0);
	assert_true(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
	/* special opening on a day without hours */
	t = at(2026, 11, 18, 10, 0);
	assert_true(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
	t = at(2026, 11, 18, 11, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
	/* exception beats the holiday rule */
	t = at(2026, 1, 12, 9, 0);
	assert_true(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
	t = at(2026, 1, 12, 10, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
	/* replaced hours on a Monday: the usual 10:00 is closed */
	t = at(2026, 11, 16, 10, 0);
	assert_false(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
	t = at(2026, 11, 16, 13, 0);
	assert_true(tg_schedule_open_at(weekday_hours, 3, ex, 4, &t));
}

/* Open at some time on a date: the whole day's answer of open_at. */
static void test_open_on(void **state)
{
	(void)state;
	struct tg_exception ex[] = {
	    {"2026-11-17", 1, 0, 0, "研修のため休館"},
	    {"2026-11-18", 0, 600, 660, "臨時開館"},
	    {"2026-01-12", 0, 540, 600, "祝日開館"},
	};
	struct tg_localtime t = at(2026, 11, 16, 23, 0); /* a Monday, late: the minute is not looked at */
	assert_true(tg_schedule_open_on(weekday_hours, 3, ex, 3, &t));
	t = at(2026, 11, 17, 10, 0); /* Tuesday, closed all day */
	assert_false(tg_schedule_open_on(weekday_hours, 3, ex, 3, &t));
	t = at(2026, 11, 24, 0, 0); /* the next Tuesday */
	assert_true(tg_schedule_open_on(weekday_hours, 3, ex, 3, &t));
	t = at(2026, 11, 18, 0, 0); /* a Wednesday without hours, opened by its exception */
	assert_true(tg_schedule_open_on(weekday_hours, 3, ex, 3, &t));
	t = at(2026, 11, 25, 0, 0);
	assert_false(tg_schedule_open_on(weekday_hours, 3, ex, 3, &t));
	/* 2026-11-23 勤労感謝の日, a Monday: no holiday hours, closed */
	t = at(2026, 11, 23, 10, 0);
	assert_false(tg_schedule_open_on(weekday_hours, 3, ex, 3, &t));
	static const struct tg_hours with_holiday[] = {{1, 600, 900}, {7, 780, 840}};
	assert_true(tg_schedule_open_on(with_holiday, 2, NULL, 0, &t));
	/* an exception opens a holiday */
	t = at(2026, 1, 12, 20, 0);
	assert_true(tg_schedule_open_on(weekday_hours, 3, ex, 3, &t));
	assert_false(tg_schedule_open_on(NULL, 0, NULL, 0, &t));
}

/* The hours that apply on a date. */
static void test_day(void **state)
{
	(void)state;
	struct tg_exception ex[] = {
	    {"2026-11-17", 1, 0, 0, "研修のため休館"},
	    {"2026-11-18", 0, 600, 660, "臨時開館"},
	};
	static const struct tg_hours with_holiday[] = {{1, 600, 900}, {2, 570, 720}, {2, 780, 960}, {7, 780, 840}};
	struct tg_day_hours d;
	struct tg_localtime t = at(2026, 11, 24, 8, 0); /* a Tuesday: two intervals */
	tg_schedule_day(with_holiday, 4, ex, 2, &t, &d);
	assert_false(d.holiday);
	assert_null(d.ex);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.open_min[1], 780);
	t = at(2026, 11, 23, 8, 0); /* 勤労感謝の日, a Monday: the holiday hours */
	tg_schedule_day(with_holiday, 4, ex, 2, &t, &d);
	assert_true(d.holiday);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.open_min[0], 780);
	assert_int_equal(d.close_min[0], 840);
	tg_schedule_day(weekday_hours, 3, ex, 2, &t, &d); /* no holiday hours: closed */
	assert_int_equal(d.n, 0);
	t = at(2026, 11, 17, 8, 0); /* closed by its exception */
	tg_schedule_day(with_holiday, 4, ex, 2, &t, &d);
	assert_non_null(d.ex);
	assert_string_equal(d.ex->note, "研修のため休館");
	assert_int_equal(d.n, 0);
	t = at(2026, 11, 18, 8, 0); /* opened by one */
	tg_schedule_day(with_holiday, 4, ex, 2, &t, &d);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.open_min[0], 600);
}

static void test_open_on_weekday(void **state)
{
	(void)state;
	assert_true(tg_schedule_open_on_weekday(weekday_hours, 3, 1));
	assert_true(tg_schedule_open_on_weekday(weekday_hours, 3, 2));
	assert_false(tg_schedule_open_on_weekday(weekday_hours, 3, 3));
	assert_false(tg_schedule_open_on_weekday(weekday_hours, 3, 7));
	assert_false(tg_schedule_open_on_weekday(NULL, 0, 1));
}

static void test_schedule_check(void **state)
{
	(void)state;
	size_t bad = 99;
	assert_int_equal(tg_schedule_check(weekday_hours, 3, &bad), 0);
	assert_int_equal(tg_schedule_check(NULL, 0, &bad), 0);

	/* adjacent intervals do not overlap; unsorted input is fine */
	struct tg_hours adj[] = {{1, 720, 900}, {1, 600, 720}, {7, 0, 1440}};
	assert_int_equal(tg_schedule_check(adj, 3, &bad), 0);

	struct tg_hours overlap[] = {{1, 600, 720}, {2, 600, 720}, {1, 700, 800}};
	assert_int_equal(tg_schedule_check(overlap, 3, &bad), -1);
	assert_int_equal(bad, 2);

	struct tg_hours contained[] = {{4, 600, 900}, {4, 650, 700}};
	assert_int_equal(tg_schedule_check(contained, 2, &bad), -1);
	assert_int_equal(bad, 1);

	struct tg_hours bad_wd[] = {{1, 600, 700}, {8, 600, 700}};
	assert_int_equal(tg_schedule_check(bad_wd, 2, &bad), -1);
	assert_int_equal(bad, 1);
	struct tg_hours neg_wd[] = {{-1, 600, 700}};
	assert_int_equal(tg_schedule_check(neg_wd, 1, &bad), -1);
	assert_int_equal(bad, 0);

	struct tg_hours empty[] = {{1, 600, 600}};
	assert_int_equal(tg_schedule_check(empty, 1, &bad), -1);
	struct tg_hours reversed[] = {{1, 700, 600}};
	assert_int_equal(tg_schedule_check(reversed, 1, &bad), -1);
	struct tg_hours past_midnight[] = {{1, 600, 1441}};
	assert_int_equal(tg_schedule_check(past_midnight, 1, &bad), -1);
	struct tg_hours negative[] = {{1, -10, 100}};
	assert_int_equal(tg_schedule_check(negative, 1, NULL), -1);
}

static void test_time_parse_format(void **state)
{
	(void)state;
	assert_int_equal(tg_time_parse("09:30"), 570);
	assert_int_equal(tg_time_parse("9:30"), 570);
	assert_int_equal(tg_time_parse("00:00"), 0);
	assert_int_equal(tg_time_parse("23:59"), 1439);
	assert_int_equal(tg_time_parse("24:00"), 1440);
	assert_int_equal(tg_time_parse("24:01"), -1);
	assert_int_equal(tg_time_parse("25:00"), -1);
	assert_int_equal(tg_time_parse("12:60"), -1);
	assert_int_equal(tg_time_parse("1230"), -1);
	assert_int_equal(tg_time_parse("12:3"), -1);
	assert_int_equal(tg_time_parse(" 9:30"), -1);
	assert_int_equal(tg_time_parse("09:30 "), -1);
	assert_int_equal(tg_time_parse("-1:00"), -1);
	assert_int_equal(tg_time_parse(""), -1);
	assert_int_equal(tg_time_parse(NULL), -1);
	assert_int_equal(tg_time_parse("１０:００"), -1);

	char out[6];
	tg_time_format(570, out);
	assert_string_equal(out, "09:30");
	tg_time_format(0, out);
	assert_string_equal(out, "00:00");
	tg_time_format(1440, out);
	assert_string_equal(out, "24:00");
	tg_time_format(1439, out);
	assert_string_equal(out, "23:59");
	tg_time_format(5000, out); /* clamped */
	assert_string_equal(out, "24:00");
	tg_time_format(-5, out);
	assert_string_equal(out, "00:00");
	for (int m = 0; m <= 1440; m++) {
		tg_time_format(m, out);
		assert_int_equal(tg_time_parse(out), m);
	}
}

static void test_date_valid(void **state)
{
	(void)state;
	assert_true(tg_date_valid("2026-11-22"));
	assert_true(tg_date_valid("2024-02-29"));
	assert_true(tg_date_valid("2000-02-29"));
	assert_false(tg_date_valid("1900-02-29"));
	assert_false(tg_date_valid("2026-02-29"));
	assert_false(tg_date_valid("2026-04-31"));
	assert_true(tg_date_valid("2026-12-31"));
	assert_false(tg_date_valid("2026-13-01"));
	assert_false(tg_date_valid("2026-00-10"));
	assert_false(tg_date_valid("2026-01-00"));
	assert_false(tg_date_valid("0000-01-01"));
	assert_false(tg_date_valid("2026-1-01"));
	assert_false(tg_date_valid("2026/01/01"));
	assert_false(tg_date_valid("2026-01-01T00:00"));
	assert_false(tg_date_valid("20260101"));
	assert_false(tg_date_valid(""));
	assert_false(tg_date_valid(NULL));
	assert_false(tg_date_valid("2026-0a-01"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_localtime_jst),
	    cmocka_unit_test(test_weekday),
	    cmocka_unit_test(test_holidays_2026),
	    cmocka_unit_test(test_holidays_2025),
	    cmocka_unit_test(test_holidays_2019_era_change),
	    cmocka_unit_test(test_holidays_olympics),
	    cmocka_unit_test(test_holidays_historical),
	    cmocka_unit_test(test_equinoxes),
	    cmocka_unit_test(test_holiday_counts),
	    cmocka_unit_test(test_open_at_boundaries),
	    cmocka_unit_test(test_open_at_holidays),
	    cmocka_unit_test(test_open_at_exceptions),
	    cmocka_unit_test(test_open_on),
	    cmocka_unit_test(test_day),
	    cmocka_unit_test(test_open_on_weekday),
	    cmocka_unit_test(test_schedule_check),
	    cmocka_unit_test(test_time_parse_format),
	    cmocka_unit_test(test_date_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
