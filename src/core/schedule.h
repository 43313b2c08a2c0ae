/*
 * schedule.h - opening schedules: weekly hours, dated exceptions, Japanese
 * national holidays, "open now". Pure functions, no I/O, no clock reads:
 * callers pass the local (Asia/Tokyo) time in.
 *
 * Rules (see the unit tests for the cases):
 *  - A dated exception for the day wins over the weekly hours: closed=1 means
 *    closed all day; otherwise its open/close interval replaces the day's hours.
 *  - On a national holiday with no exception, the hours for weekday 7
 *    (TG_WEEKDAY_HOLIDAY) apply if any are given; with none given the place
 *    counts as closed on holidays (the usual case for public facilities).
 *  - Intervals are [open, close): open at 9:30 means 9:30 is open, close at
 *    16:00 means 16:00 is closed.
 */
#ifndef TG_SCHEDULE_H
#define TG_SCHEDULE_H

#include <stddef.h>

#include "core/model.h"

struct tg_localtime {
	int year, month, day; /* civil date, month 1..12 */
	int weekday;          /* 0 = Sunday .. 6 */
	int minute;           /* minutes after midnight 0..1439 */
};

/* Fill t from a Unix time in Japan Standard Time (UTC+9, no DST). */
void tg_localtime_jst(long long unix_seconds, struct tg_localtime *t);

/* 1 if y-m-d is a Japanese national holiday (国民の祝日, 振替休日, 国民の休日),
 * computed from the Act on National Holidays rules for 1980..2099. */
int tg_jp_is_holiday(int y, int m, int d);

/* Day of week for a civil date (0 = Sunday). */
int tg_weekday(int y, int m, int d);

/* 1 if open at t. */
int tg_schedule_open_at(const struct tg_hours *h, size_t n_hours, const struct tg_exception *ex, size_t n_ex,
                        const struct tg_localtime *t);

/* 1 if open at any time on t's date (t->minute is not looked at): the
 * day's exception, else the weekly hours of its weekday, or of weekday 7
 * on a national holiday. */
int tg_schedule_open_on(const struct tg_hours *h, size_t n_hours, const struct tg_exception *ex, size_t n_ex,
                        const struct tg_localtime *t);

/* The hours that apply on t's date (t->minute is not looked at), by the
 * rules above: the day's exception (closed: no interval), else the weekly
 * intervals of its weekday, or of weekday 7 on a national holiday, in the
 * order given (at most TG_DAY_MAX of them). */
#define TG_DAY_MAX 8
struct tg_day_hours {
	int holiday;                   /* the date is a national holiday */
	const struct tg_exception *ex; /* the day's exception, or NULL */
	size_t n;                      /* intervals */
	int open_min[TG_DAY_MAX], close_min[TG_DAY_MAX];
};
void tg_schedule_day(const struct tg_hours *h, size_t n_hours, const struct tg_exception *ex, size_t n_ex,
                     const struct tg_localtime *t, struct tg_day_hours *out);

/* 1 if the weekly hours have any interval on weekday (0..7). */
int tg_schedule_open_on_weekday(const struct tg_hours *h, size_t n_hours, int weekday);

/* Check a weekly schedule (any order; h is not modified): each interval has
 * weekday 0..7 and 0 <= open < close <= 1440, and no two intervals of one
 * weekday overlap (touching is fine). Returns 0, or -1 and in *bad (may be
 * NULL) the input index of the first interval that is out of range or
 * overlaps an earlier one. */
int tg_schedule_check(const struct tg_hours *h, size_t n_hours, size_t *bad);

/* "HH:MM" (also "H:MM", "24:00") -> minutes; -1 on malformed. */
int tg_time_parse(const char *s);
/* minutes -> "HH:MM" into out (size >= 6). */
void tg_time_format(int minutes, char out[6]);
/* 1 if s is a valid YYYY-MM-DD date. */
int tg_date_valid(const char *s);

#endif
