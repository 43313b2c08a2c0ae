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

static void add32(struct tg_buf *b, uint32_t v)
{
	char p[4];
	put32(p, v);
	tg_buf_add(b, p, 4);
}

static void add64(struct tg_buf *b, uint64_t v)
{
	char p[8];
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
	tg_buf_add(b, p, 8);
}

void tg_pg_array_init(struct tg_pg_array *a, uint32_t elem_oid)
{
	static const char zero[HEADER];
	tg_buf_init(&a->b, 0);
	tg_buf_add(&a->b, zero, HEADER);
	a->oid = elem_oid;
	a->n = 0;
	a->has_null = 0;
}

void tg_pg_array_release(struct tg_pg_array *a)
{
	tg_buf_release(&a->b);
}

void tg_pg_array_null(struct tg_pg_array *a)
{
	add32(&a->b, UINT32_MAX); /* length -1 */
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
	add32(&a->b, (uint32_t)len);
	tg_buf_add(&a->b, s, len);
	a->n++;
}

void tg_pg_array_int(struct tg_pg_array *a, int64_t v, int null)
{
	if (null) {
		tg_pg_array_null(a);
		return;
	}
	if (a->oid == TG_PG_INT4) {
		add32(&a->b, 4);
		add32(&a->b, (uint32_t)v);
	} else {
		add32(&a->b, 8);
		add64(&a->b, (uint64_t)v);
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
	add32(&a->b, 8);
	add64(&a->b, bits);
	a->n++;
}

void tg_pg_array_finish(struct tg_pg_array *a, const char **data, int *len)
{
	char *h = a->b.data;
	if (a->n == 0) { /* no dimension: the 12-byte header just before the (no) elements */
		put32(h + 8, 0);
		put32(h + 12, 0);
		put32(h + 16, a->oid);
		*data = h + 8;
		*len = (int)(a->b.len - 8);
		return;
	}
	put32(h, 1);
	put32(h + 4, a->has_null ? 1 : 0);
	put32(h + 8, a->oid);
	put32(h + 12, (uint32_t)a->n);
	put32(h + 16, 1);
	*data = h;
	*len = (int)a->b.len;
}
