/*
 * jpparse.c - free-text fields of Japanese open data (see jpparse.h).
 *
 * Pure: no allocation, no I/O. Each parser folds its input into a stack
 * buffer of TG_JP_MAX_TEXT bytes and then walks it with a cursor that only
 * reads; the caller's slice is never written.
 */
#include "core/jpparse.h"

#include <string.h>

#include "core/model.h"

size_t tg_jp_fold(const char *s, size_t len, char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < len) {
		if (i + 2 < len && u[i] == 0xEF && (u[i + 1] == 0xBC || u[i + 1] == 0xBD)) {
			/* U+FF01..U+FF5E: EF BC 81..BF, EF BD 80..9E */
			unsigned cp = 0xFF00u | ((u[i + 1] & 0x03u) << 6) | (u[i + 2] & 0x3Fu);
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				out[o++] = (char)(cp - 0xFF01 + 0x21);
				i += 3;
				continue;
			}
		}
		if (i + 2 < len && u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80) {
			out[o++] = ' '; /* U+3000 */
			i += 3;
			continue;
		}
		if (i + 2 < len && u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x9C) {
			out[o++] = '~'; /* U+301C wave dash */
			i += 3;
			continue;
		}
		if (i + 2 < len && u[i] == 0xE2 &&
		    ((u[i + 1] == 0x80 && u[i + 2] >= 0x90 && u[i + 2] <= 0x95) ||
		     (u[i + 1] == 0x88 && u[i + 2] == 0x92))) {
			out[o++] = '-'; /* U+2010..U+2015, U+2212 */
			i += 3;
			continue;
		}
		out[o++] = s[i++];
	}
	return o;
}

/* A read-only cursor over folded text. */
struct cur {
	const char *p;
	size_t n, i;
};

static int at_end(const struct cur *c)
{
	return c->i >= c->n;
}

/* Consume the literal w if it is next. */
static int eat(struct cur *c, const char *w)
{
	size_t k = strlen(w);
	if (c->n - c->i >= k && memcmp(c->p + c->i, w, k) == 0) {
		c->i += k;
		return 1;
	}
	return 0;
}

static void skip_spaces(struct cur *c)
{
	while (!at_end(c) && (c->p[c->i] == ' ' || c->p[c->i] == '\t'))
		c->i++;
}

/* Fold s into buf and set up a cursor with surrounding spaces trimmed.
 * Returns 1 for empty, -1 for too long, 0 otherwise. */
static int prepare(const char *s, size_t len, char *buf, struct cur *c)
{
	if (len > TG_JP_MAX_TEXT)
		return -1;
	size_t n = s ? tg_jp_fold(s, len, buf) : 0;
	size_t b = 0;
	while (b < n && (buf[b] == ' ' || buf[b] == '\t' || buf[b] == '\r' || buf[b] == '\n'))
		b++;
	while (n > b && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r' || buf[n - 1] == '\n'))
		n--;
	c->p = buf + b;
	c->n = n - b;
	c->i = 0;
	return c->n == 0 ? 1 : 0;
}

/* Read a decimal number of at most 6 digits. */
static int number(struct cur *c, int *v)
{
	int val = 0, digits = 0;
	while (!at_end(c) && c->p[c->i] >= '0' && c->p[c->i] <= '9') {
		if (++digits > 6)
			return 0;
		val = val * 10 + (c->p[c->i] - '0');
		c->i++;
	}
	if (!digits)
		return 0;
	*v = val;
	return 1;
}

/* ---- weekdays ---- */

static const char *const day_chars[7] = {"日", "月", "火", "水", "木", "金", "土"};

static int day_char(struct cur *c)
{
	for (int d = 0; d < 7; d++) {
		size_t save = c->i;
		if (eat(c, day_chars[d])) {
			/* 日 followed by 曜 is Sunday; 曜日/曜 after any day is a suffix */
			if (!eat(c, "曜日"))
				eat(c, "曜");
			return d;
		}
		c->i = save;
	}
	return -1;
}

static int range_sep(struct cur *c)
{
	return eat(c, "~") || eat(c, "-") || eat(c, "から") || eat(c, "ー");
}

int tg_jp_parse_weekdays(const char *s, size_t len, unsigned *mask)
{
	char buf[TG_JP_MAX_TEXT];
	struct cur c;
	int r = prepare(s, len, buf, &c);
	if (r)
		return r;
	unsigned inc = 0, exc = 0, cur = 0;
	while (!at_end(&c)) {
		skip_spaces(&c);
		if (at_end(&c))
			break;
		if (eat(&c, "(") || eat(&c, ")") || eat(&c, "（") || eat(&c, "）") || eat(&c, "【") || eat(&c, "】")) {
			inc |= cur;
			cur = 0;
			continue;
		}
		if (eat(&c, "を除く") || eat(&c, "除く") || eat(&c, "以外") || eat(&c, "を除")) {
			exc |= cur;
			cur = 0;
			continue;
		}
		if (eat(&c, "・") || eat(&c, "、") || eat(&c, ",") || eat(&c, "/") || eat(&c, "と") ||
		    eat(&c, "及び") || eat(&c, "および") || eat(&c, "のみ") || eat(&c, "曜日") || eat(&c, "曜") ||
		    eat(&c, "，") || eat(&c, "･"))
			continue;
		if (eat(&c, "平日")) {
			cur |= 0x3Eu;
			continue;
		}
		if (eat(&c, "毎日") || eat(&c, "全日")) {
			cur |= 0xFFu;
			continue;
		}
		if (eat(&c, "週末")) {
			cur |= 0x41u;
			continue;
		}
		if (eat(&c, "祝祭日") || eat(&c, "祝日") || eat(&c, "祝") || eat(&c, "休日")) {
			cur |= 1u << TG_WEEKDAY_HOLIDAY;
			continue;
		}
		int d = day_char(&c);
		if (d < 0)
			return -1;
		size_t save = c.i;
		skip_spaces(&c);
		if (range_sep(&c)) {
			skip_spaces(&c);
			int e = day_char(&c);
			if (e < 0)
				return -1;
			for (int k = d;; k = (k + 1) % 7) {
				cur |= 1u << k;
				if (k == e)
					break;
			}
		} else {
			c.i = save;
			cur |= 1u << d;
		}
	}
	inc |= cur;
	if (!inc && !exc)
		return -1;
	if (!inc)
		inc = 0xFFu;
	*mask = inc & ~exc;
	return *mask ? 0 : -1;
}

/* ---- times ---- */

int tg_jp_parse_time(const char *s, size_t len, int *minutes)
{
	char buf[TG_JP_MAX_TEXT];
	struct cur c;
	int r = prepare(s, len, buf, &c);
	if (r)
		return r;
	int h, m = 0, sec = 0;
	if (!number(&c, &h))
		return -1;
	if (eat(&c, ":")) {
		if (c.n - c.i < 2 || !number(&c, &m))
			return -1;
		if (eat(&c, ":") && !number(&c, &sec))
			return -1;
	} else if (eat(&c, "時")) {
		if (eat(&c, "半"))
			m = 30;
		else if (number(&c, &m) && !eat(&c, "分"))
			return -1;
	} else {
		return -1;
	}
	if (!at_end(&c) || h > 24 || m > 59 || sec != 0 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/* ---- ages ---- */

enum unit { U_NONE, U_YEARS, U_MONTHS, U_DAYS };

/* One age term; *lo and *hi are its readings as lower and upper bound. */
static int age_term(struct cur *c, int *lo, int *hi, enum unit *unit, int *num)
{
	int n = 0;
	skip_spaces(c);
	if (eat(c, "就学前") || eat(c, "未就学児") || eat(c, "未就学")) {
		*lo = 0;
		*hi = 83;
		*unit = U_YEARS;
		return 1;
	}
	if (eat(c, "小学生")) {
		*lo = 72;
		*hi = 155;
		*unit = U_YEARS;
		return 1;
	}
	if (eat(c, "中学生")) {
		*lo = 144;
		*hi = 191;
		*unit = U_YEARS;
		return 1;
	}
	if (eat(c, "妊娠中") || eat(c, "妊婦") || eat(c, "乳児")) {
		*lo = 0;
		*hi = 11;
		*unit = U_MONTHS;
		return 1;
	}
	int after_birth = eat(c, "生後");
	eat(c, "満");
	if (!number(c, &n))
		return 0;
	skip_spaces(c);
	*num = n;
	if (eat(c, "歳")) {
		eat(c, "児");
		eat(c, "以降");
		if (n > 20)
			return 0;
		*unit = U_YEARS;
		*lo = n * 12;
		*hi = n * 12 + 11;
	} else if (eat(c, "か月") || eat(c, "ヶ月") || eat(c, "カ月") || eat(c, "ケ月") || eat(c, "ヵ月") ||
	           eat(c, "箇月")) {
		eat(c, "児");
		if (n > 240)
			return 0;
		*unit = U_MONTHS;
		*lo = *hi = n;
	} else if (after_birth && eat(c, "日")) {
		if (n > 7300)
			return 0;
		*unit = U_DAYS;
		*lo = *hi = n / 30;
	} else {
		*unit = U_NONE; /* a bare number: takes the other end's unit */
	}
	return 1;
}

static void apply_unit(enum unit u, int n, int *lo, int *hi)
{
	if (u == U_YEARS) {
		*lo = n * 12;
		*hi = n * 12 + 11;
	} else if (u == U_MONTHS) {
		*lo = *hi = n;
	} else {
		*lo = *hi = n / 30;
	}
}

int tg_jp_parse_ages(const char *s, size_t len, int *min_months, int *max_months)
{
	char buf[TG_JP_MAX_TEXT];
	struct cur c;
	int r = prepare(s, len, buf, &c);
	if (r)
		return r;
	int lo1, hi1, lo2, hi2, n1 = 0, n2 = 0;
	enum unit u1, u2;
	int mn, mx;
	if (!age_term(&c, &lo1, &hi1, &u1, &n1))
		return -1;
	skip_spaces(&c);
	if (range_sep(&c) || eat(&c, "より")) {
		skip_spaces(&c);
		if (at_end(&c) || eat(&c, "以上")) {
			if (u1 == U_NONE)
				return -1;
			mn = lo1;
			mx = -1;
		} else {
			if (!age_term(&c, &lo2, &hi2, &u2, &n2) || u2 == U_NONE)
				return -1;
			if (u1 == U_NONE) {
				if (u2 == U_DAYS)
					return -1;
				apply_unit(u2, n1, &lo1, &hi1);
			}
			skip_spaces(&c);
			mn = lo1;
			if (eat(&c, "未満"))
				mx = lo2 - 1;
			else {
				eat(&c, "まで");
				eat(&c, "以下");
				mx = hi2;
			}
		}
	} else {
		if (u1 == U_NONE)
			return -1;
		if (eat(&c, "以上") || eat(&c, "から")) {
			mn = lo1;
			mx = -1;
		} else if (eat(&c, "未満")) {
			mn = -1;
			mx = lo1 - 1;
		} else if (eat(&c, "以下") || eat(&c, "まで")) {
			mn = -1;
			mx = hi1;
		} else {
			mn = lo1;
			mx = hi1;
		}
	}
	skip_spaces(&c);
	eat(&c, "の子ども");
	eat(&c, "の子");
	eat(&c, "の乳幼児");
	eat(&c, "まで");
	if (!at_end(&c))
		return -1;
	if (mx >= 0 && mn >= 0 && mx < mn)
		return -1;
	if (mx < -1)
		return -1;
	*min_months = mn;
	*max_months = mx;
	return 0;
}

int tg_jp_parse_yesno(const char *s, size_t len, int *yes)
{
	static const char *const ys[] = {"有", "有り", "あり", "実施", "○", "〇", "◯", "yes", "Yes", "YES", "1", "可"};
	static const char *const ns[] = {"無", "無し", "なし", "未実施", "×", "-", "no", "No", "NO", "0", "不可"};
	char buf[TG_JP_MAX_TEXT];
	struct cur c;
	int r = prepare(s, len, buf, &c);
	if (r)
		return r;
	for (size_t i = 0; i < sizeof(ys) / sizeof(ys[0]); i++)
		if (strlen(ys[i]) == c.n && memcmp(ys[i], c.p, c.n) == 0) {
			*yes = 1;
			return 0;
		}
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (strlen(ns[i]) == c.n && memcmp(ns[i], c.p, c.n) == 0) {
			*yes = 0;
			return 0;
		}
	return -1;
}
