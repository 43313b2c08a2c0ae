/*
 * pg_array.c - binary PostgreSQL arrays (pg_array.h). No I/O.
 */
#include "store/pg_array.h"

#include <string.h>

#define HEADER 20 /* ndim, flags, oid, length, lower bound */

static void put32(char *p, uint32_t v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

/* An append that does not fit leaves the buffer as it was (util/buf.h)
 * and marks the array. */
static void add(struct tg_pg_array *a, const void *p, size_t n)
{
	if (!a->too_large && tg_buf_add(&a->b, p, n) != TG_OK)
		a->too_large = 1;
}

static void add32(struct tg_pg_array *a, uint32_t v)
{
	char p[4];
	put32(p, v);
	add(a, p, 4);
}

static void add64(struct tg_pg_array *a, uint64_t v)
{
	char p[8];
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
	add(a, p, 8);
}

void tg_pg_array_init(struct tg_pg_array *a, uint32_t elem_oid)
{
	static const char zero[HEADER];
	tg_buf_init(&a->b, 0);
	tg_buf_add(&a->b, zero, HEADER);
	a->oid = elem_oid;
	a->n = 0;
	a->has_null = 0;
	a->too_large = 0;
}

void tg_pg_array_release(struct tg_pg_array *a)
{
	tg_buf_release(&a->b);
}

void tg_pg_array_null(struct tg_pg_array *a)
{
	add32(a, UINT32_MAX); /* length -1 */
	a->has_null = 1;
	a->n++;
}

void tg_pg_array_text(struct tg_pg_array *a, const char *s)
{
	if (!s) {
		tg_pg_array_null(a);
		return;
	}
	size_t len = strlen(s);
	if (len > INT32_MAX) {
		a->too_large = 1;
		return;
	}
	add32(a, (uint32_t)len);
	add(a, s, len);
	a->n++;
}

void tg_pg_array_int(struct tg_pg_array *a, int64_t v, int null)
{
	if (null) {
		tg_pg_array_null(a);
		return;
	}
	if (a->oid == TG_PG_INT4) {
		add32(a, 4);
		add32(a, (uint32_t)v);
	} else {
		add32(a, 8);
		add64(a, (uint64_t)v);
	}
	a->n++;
}

void tg_pg_array_float8(struct tg_pg_array *a, double v, int null)
{
	if (null) {
		tg_pg_array_null(a);
		return;
	}
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	add32(a, 8);
	add64(a, bits);
	a->n++;
}

enum tg_rc tg_pg_array_finish(struct tg_pg_array *a, const char **data, int *len)
{
	char *h = a->b.data;
	*data = NULL;
	*len = 0;
	if (a->too_large || a->b.len > INT32_MAX)
		return TG_ERR_TOO_LARGE;
	if (a->n == 0) { /* no dimension: the 12-byte header just before the (no) elements */
		put32(h + 8, 0);
		put32(h + 12, 0);
		put32(h + 16, a->oid);
		*data = h + 8;
		*len = (int)(a->b.len - 8);
		return TG_OK;
	}
	put32(h, 1);
	put32(h + 4, a->has_null ? 1 : 0);
	put32(h + 8, a->oid);
	put32(h + 12, (uint32_t)a->n);
	put32(h + 16, 1);
	*data = h;
	*len = (int)a->b.len;
	return TG_OK;
}
