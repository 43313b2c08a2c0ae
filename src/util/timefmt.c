/* timefmt.c - UTC timestamps and JST dates (see timefmt.h). */
#include "util/timefmt.h"

void tg_time_iso(time_t t, char out[TG_ISO_LEN])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, TG_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void tg_date_jst(time_t t, char out[11])
{
	time_t j = t + 9 * 3600;
	struct tm tm;
	gmtime_r(&j, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static long days_from_civil(int y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm */
	y -= m <= 2;
	const long era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static int parse_date(const char *s, int *y, unsigned *m, unsigned *d)
{
	return s && sscanf(s, "%4d-%2u-%2u", y, m, d) == 3 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

long tg_days_between(const char *a, const char *b)
{
	int ya, yb;
	unsigned ma, mb, da, db;
	if (!parse_date(a, &ya, &ma, &da) || !parse_date(b, &yb, &mb, &db))
		return 0;
	return days_from_civil(yb, mb, db) - days_from_civil(ya, ma, da);
}
