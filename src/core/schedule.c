/*
 * schedule.c - opening schedules and the Japanese national holiday calendar
 * (see schedule.h for the contract and docs/internals/schedule.md for the
 * rules in one page).
 *
 * Invariants:
 *  - Pure: no clock, no locale, no allocation. Callers pass Asia/Tokyo civil
 *    time (tg_localtime_jst converts a Unix time; Japan has no DST).
 *  - Civil dates use the proleptic Gregorian calendar; days are counted from
 *    1970-01-01 with Howard Hinnant's days_from_civil, so every date
 *    computation is integer arithmetic without overflow for years 1..9999.
 *  - The holiday calendar is computed by rule for 1980..2099 (the range of
 *    the equinox approximation used); outside it tg_jp_is_holiday returns 0.
 *    "Base" holidays are the named 国民の祝日 (plus the one-off imperial
 *    ceremony days); 振替休日 and 国民の休日 are derived from base holidays
 *    exactly as the Act defines them, never from each other.
 */
#include "core/schedule.h"

#include <stdio.h>

#define HOLIDAY_FIRST_YEAR 1980
#define HOLIDAY_LAST_YEAR  2099

/* Days since 1970-01-01 for a civil date (month 1..12). */
static long long days_from_civil(int y, int m, int d)
{
	long long yy = (long long)y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long mp = (m + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = dd;
}

static int weekday_from_days(long long z)
{
	/* 1970-01-01 was a Thursday (4). */
	long long w = (z + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && is_leap(y))
		return 29;
	return dim[m - 1];
}

void tg_localtime_jst(long long unix_seconds, struct tg_localtime *t)
{
	long long s = unix_seconds + 9LL * 3600;
	long long days = s / 86400;
	long long rem = s % 86400;
	if (rem < 0) {
		rem += 86400;
		days -= 1;
	}
	civil_from_days(days, &t->year, &t->month, &t->day);
	t->weekday = weekday_from_days(days);
	t->minute = (int)(rem / 60);
}

int tg_weekday(int y, int m, int d)
{
	return weekday_from_days(days_from_civil(y, m, d));
}

/* Day of month of the n-th Monday (n >= 1) of y-m (Happy Monday rules). */
static int nth_monday(int y, int m, int n)
{
	int first = tg_weekday(y, m, 1);
	int offset = (8 - first) % 7; /* days from the 1st to the first Monday */
	return 1 + offset + 7 * (n - 1);
}

/* 春分日 / 秋分日 by the usual approximation, valid for 1980..2099. */
static int vernal_equinox(int y)
{
	return (int)(20.8431 + 0.242194 * (y - 1980)) - (y - 1980) / 4;
}

static int autumnal_equinox(int y)
{
	return (int)(23.2488 + 0.242194 * (y - 1980)) - (y - 1980) / 4;
}

/* 1 if y-m-d is a named national holiday (国民の祝日) or a one-off
 * ceremony day declared by special law. No substitute/sandwich days. */
static int is_base_holiday(int y, int m, int d)
{
	switch (m) {
	case 1:
		if (d == 1)
			return 1; /* 元日 */
		/* 成人の日: Jan 15, second Monday from 2000 */
		return y < 2000 ? d == 15 : d == nth_monday(y, 1, 2);
	case 2:
		if (d == 11)
			return 1; /* 建国記念の日 */
		if (y == 1989 && d == 24)
			return 1;              /* 昭和天皇の大喪の礼 */
		return y >= 2020 && d == 23;   /* 天皇誕生日 (令和) */
	case 3: return d == vernal_equinox(y); /* 春分の日 */
	case 4:
		/* 天皇誕生日 until 1988, みどりの日 1989-2006, 昭和の日 from 2007 */
		return d == 29;
	case 5:
		if (d == 3 || d == 5)
			return 1; /* 憲法記念日, こどもの日 */
		if (d == 4 && y >= 2007)
			return 1;           /* みどりの日 moved to May 4 */
		return y == 2019 && d == 1; /* 天皇の即位の日 */
	case 6: return y == 1993 && d == 9; /* 皇太子徳仁親王の結婚の儀 */
	case 7:
		/* 海の日: Jul 20 from 1996, third Monday from 2003 */
		if (y == 2020)
			return d == 23 || d == 24; /* 海の日, スポーツの日 (Olympics) */
		if (y == 2021)
			return d == 22 || d == 23; /* 海の日, スポーツの日 (Olympics) */
		if (y >= 2003)
			return d == nth_monday(y, 7, 3);
		return y >= 1996 && d == 20;
	case 8:
		/* 山の日 from 2016 */
		if (y == 2020)
			return d == 10;
		if (y == 2021)
			return d == 8;
		return y >= 2016 && d == 11;
	case 9:
		/* 敬老の日: Sep 15, third Monday from 2003 */
		if (d == autumnal_equinox(y))
			return 1; /* 秋分の日 */
		return y < 2003 ? d == 15 : d == nth_monday(y, 9, 3);
	case 10:
		/* 体育の日: Oct 10, second Monday from 2000; スポーツの日 from
		 * 2020 (moved to July in 2020 and 2021) */
		if (y == 2019 && d == 22)
			return 1; /* 即位礼正殿の儀 */
		if (y == 2020 || y == 2021)
			return 0;
		return y < 2000 ? d == 10 : d == nth_monday(y, 10, 2);
	case 11:
		if (y == 1990 && d == 12)
			return 1;                          /* 即位礼正殿の儀 (平成) */
		return d == 3 || d == 23;                  /* 文化の日, 勤労感謝の日 */
	case 12: return y >= 1989 && y <= 2018 && d == 23; /* 天皇誕生日 (平成) */
	default: return 0;
	}
}

static int base_holiday_days(long long z)
{
	int y, m, d;
	civil_from_days(z, &y, &m, &d);
	return is_base_holiday(y, m, d);
}

/* 振替休日. Before 2007: the Monday after a holiday falling on Sunday.
 * From 2007: the first non-holiday day after a holiday falling on Sunday. */
static int is_substitute(long long z, int y)
{
	if (base_holiday_days(z))
		return 0;
	if (y < 2007)
		return weekday_from_days(z) == 1 && base_holiday_days(z - 1);
	for (long long p = z - 1; base_holiday_days(p); p--) {
		if (weekday_from_days(p) == 0)
			return 1;
	}
	return 0;
}

/* 国民の休日 (since 1985-12-27): a day between two named holidays. Until
 * 2006 the Act excluded Sundays and substitute holidays from it; from 2007
 * any day that is not itself a named holiday qualifies. */
static int is_sandwiched(long long z, int y)
{
	if (base_holiday_days(z) || !base_holiday_days(z - 1) || !base_holiday_days(z + 1))
		return 0;
	if (z < days_from_civil(1985, 12, 27))
		return 0;
	if (y < 2007)
		return weekday_from_days(z) != 0 && !is_substitute(z, y);
	return 1;
}

int tg_jp_is_holiday(int y, int m, int d)
{
	if (y < HOLIDAY_FIRST_YEAR || y > HOLIDAY_LAST_YEAR || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return 0;
	long long z = days_from_civil(y, m, d);
	return is_base_holiday(y, m, d) || is_substitute(z, y) || is_sandwiched(z, y);
}

static int in_interval(int open_min, int close_min, int minute)
{
	return minute >= open_min && minute < close_min;
}

int tg_schedule_open_at(const struct tg_hours *h, size_t n_hours, const struct tg_exception *ex, size_t n_ex,
                        const struct tg_localtime *t)
{
	char today[16];
	int n = snprintf(today, sizeof today, "%04d-%02d-%02d", t->year, t->month, t->day);
	if (n > 0 && (size_t)n < sizeof today) {
		for (size_t i = 0; i < n_ex; i++) {
			if (!ex[i].date || strcmp(ex[i].date, today) != 0)
				continue;
			if (ex[i].closed)
				return 0;
			return in_interval(ex[i].open_min, ex[i].close_min, t->minute);
		}
	}
	int wd = tg_jp_is_holiday(t->year, t->month, t->day) ? TG_WEEKDAY_HOLIDAY : t->weekday;
	for (size_t i = 0; i < n_hours; i++) {
		if (h[i].weekday == wd && in_interval(h[i].open_min, h[i].close_min, t->minute))
			return 1;
	}
	return 0;
}

void tg_schedule_day(const struct tg_hours *h, size_t n_hours, const struct tg_exception *ex, size_t n_ex,
                     const struct tg_localtime *t, struct tg_day_hours *out)
{
	memset(out, 0, sizeof(*out));
	out->holiday = tg_jp_is_holiday(t->year, t->month, t->day);
	char today[16];
	int n = snprintf(today, sizeof today, "%04d-%02d-%02d", t->year, t->month, t->day);
	for (size_t i = 0; n > 0 && (size_t)n < sizeof today && i < n_ex; i++)
		if (ex[i].date && strcmp(ex[i].date, today) == 0) {
			out->ex = &ex[i];
			if (!ex[i].closed && ex[i].open_min < ex[i].close_min) {
				out->open_min[0] = ex[i].open_min;
				out->close_min[0] = ex[i].close_min;
				out->n = 1;
			}
			return;
		}
	int wd = out->holiday ? TG_WEEKDAY_HOLIDAY : t->weekday;
	for (size_t i = 0; i < n_hours && out->n < TG_DAY_MAX; i++)
		if (h[i].weekday == wd) {
			out->open_min[out->n] = h[i].open_min;
			out->close_min[out->n] = h[i].close_min;
			out->n++;
		}
}

int tg_schedule_open_on(const struct tg_hours *h, size_t n_hours, const struct tg_exception *ex, size_t n_ex,
                        const struct tg_localtime *t)
{
	char today[16];
	int n = snprintf(today, sizeof today, "%04d-%02d-%02d", t->year, t->month, t->day);
	if (n > 0 && (size_t)n < sizeof today) {
		for (size_t i = 0; i < n_ex; i++)
			if (ex[i].date && strcmp(ex[i].date, today) == 0)
				return !ex[i].closed && ex[i].open_min < ex[i].close_min;
	}
	int wd = tg_jp_is_holiday(t->year, t->month, t->day) ? TG_WEEKDAY_HOLIDAY : t->weekday;
	return tg_schedule_open_on_weekday(h, n_hours, wd);
}

int tg_schedule_open_on_weekday(const struct tg_hours *h, size_t n_hours, int weekday)
{
	for (size_t i = 0; i < n_hours; i++) {
		if (h[i].weekday == weekday)
			return 1;
	}
	return 0;
}

int tg_schedule_check(const struct tg_hours *h, size_t n_hours, size_t *bad)
{
	for (size_t i = 0; i < n_hours; i++) {
		const struct tg_hours *a = &h[i];
		int ok = a->weekday >= 0 && a->weekday <= TG_WEEKDAY_HOLIDAY && a->open_min >= 0 &&
		         a->open_min < a->close_min && a->close_min <= 1440;
		for (size_t j = 0; ok && j < i; j++) {
			const struct tg_hours *b = &h[j];
			if (b->weekday == a->weekday && a->open_min < b->close_min && b->open_min < a->close_min)
				ok = 0;
		}
		if (!ok) {
			if (bad)
				*bad = i;
			return -1;
		}
	}
	return 0;
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

int tg_time_parse(const char *s)
{
	if (!s)
		return -1;
	size_t len = strlen(s);
	int hh, mm;
	if (len == 4 && digit(s[0]) && s[1] == ':' && digit(s[2]) && digit(s[3])) {
		hh = s[0] - '0';
		mm = (s[2] - '0') * 10 + (s[3] - '0');
	} else if (len == 5 && digit(s[0]) && digit(s[1]) && s[2] == ':' && digit(s[3]) && digit(s[4])) {
		hh = (s[0] - '0') * 10 + (s[1] - '0');
		mm = (s[3] - '0') * 10 + (s[4] - '0');
	} else {
		return -1;
	}
	if (hh == 24 && mm == 0)
		return 1440;
	if (hh > 23 || mm > 59)
		return -1;
	return hh * 60 + mm;
}

void tg_time_format(int minutes, char out[6])
{
	if (minutes < 0)
		minutes = 0;
	if (minutes > 1440)
		minutes = 1440;
	int hh = minutes / 60, mm = minutes % 60;
	out[0] = (char)('0' + hh / 10);
	out[1] = (char)('0' + hh % 10);
	out[2] = ':';
	out[3] = (char)('0' + mm / 10);
	out[4] = (char)('0' + mm % 10);
	out[5] = '\0';
}

int tg_date_valid(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	static const int pos[8] = {0, 1, 2, 3, 5, 6, 8, 9};
	for (int i = 0; i < 8; i++) {
		if (!digit(s[pos[i]]))
			return 0;
	}
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days_in_month(y, m);
}
