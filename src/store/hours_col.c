/*
 * hours_col.c - weekly hours <-> the text of resources.hours (hours_col.h).
 */
#include "store/hours_col.h"

#include <stdlib.h>
#include <string.h>

static int cmp_hours(const void *x, const void *y)
{
	const struct tg_hours *a = x, *b = y;
	if (a->weekday != b->weekday)
		return a->weekday < b->weekday ? -1 : 1;
	if (a->open_min != b->open_min)
		return a->open_min < b->open_min ? -1 : 1;
	return (a->close_min > b->close_min) - (a->close_min < b->close_min);
}

static int sorted(const struct tg_hours *h, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_hours(&h[i - 1], &h[i]) > 0)
			return 0;
	return 1;
}

/* v in decimal at p (a minus sign if negative); returns the end. */
static char *put_int(char *p, int v)
{
	char d[12], *e = d + sizeof(d), *q = e;
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*p++ = '-';
	memcpy(p, q, (size_t)(e - q));
	return p + (e - q);
}

int tg_hours_col_valid(const struct tg_hours *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].weekday < 0 || h[i].weekday > 7 || h[i].open_min < 0 || h[i].open_min > 1440 ||
		    h[i].close_min < 0 || h[i].close_min > 1440)
			return 0;
	return 1;
}

int tg_hours_col_encode(struct tg_buf *b, const struct tg_hours *h, size_t n)
{
	tg_buf_reset(b);
	if (n == 0)
		return 0;
	struct tg_hours stack[16], *copy = NULL;
	const struct tg_hours *v = h;
	if (!sorted(h, n)) {
		copy = n <= 16 ? stack : tg_xmalloc(n * sizeof(*copy));
		memcpy(copy, h, n * sizeof(*copy));
		qsort(copy, n, sizeof(*copy), cmp_hours);
		v = copy;
	}
	for (size_t i = 0; i < n; i++) { /* an import writes 500,000 of these: no printf */
		char t[48], *p = t;
		if (i)
			*p++ = ',';
		p = put_int(p, v[i].weekday);
		*p++ = ':';
		p = put_int(p, v[i].open_min);
		*p++ = '-';
		p = put_int(p, v[i].close_min);
		tg_buf_add(b, t, (size_t)(p - t));
	}
	if (copy && copy != stack)
		free(copy);
	return 1;
}

/* A non-negative decimal of at most 5 digits at *p; -1 if none. */
static int number(const char **p)
{
	const char *s = *p;
	int v = 0, k = 0;
	while (*s >= '0' && *s <= '9' && k < 5) {
		v = v * 10 + (*s++ - '0');
		k++;
	}
	if (k == 0 || (*s >= '0' && *s <= '9'))
		return -1;
	*p = s;
	return v;
}

size_t tg_hours_col_decode(const char *s, struct tg_arena *a, struct tg_hours **out, int *bad)
{
	*out = NULL;
	*bad = 0;
	if (!s || !*s)
		return 0;
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	struct tg_hours *h = tg_arena_alloc(a, cap * sizeof(*h));
	size_t n = 0;
	const char *p = s;
	for (;;) {
		int w = number(&p), o = -1, c = -1;
		if (w >= 0 && *p == ':' && (++p, o = number(&p)) >= 0 && *p == '-')
			p++, c = number(&p);
		if (w < 0 || o < 0 || c < 0 || (*p != ',' && *p != '\0')) {
			*bad = 1;
			break;
		}
		h[n++] = (struct tg_hours){w, o, c};
		if (*p == '\0')
			break;
		p++;
	}
	if (!sorted(h, n))
		qsort(h, n, sizeof(*h), cmp_hours);
	*out = n ? h : NULL;
	return n;
}
