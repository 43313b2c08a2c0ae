/*
 * pg_array.h - one-dimensional PostgreSQL arrays in the binary wire format
 * (what the server's array_recv reads), for parameters bound in binary.
 *
 * The large import binds some thirty arrays of 256 values per statement.
 * Sent as text ("{\"a\",NULL}"), the server parses them character by
 * character (array_in: 0.66 s of a 100,000-row import); in binary each
 * value is length-prefixed and read in one step.
 *
 * Layout (big-endian int32s): ndim (1, or 0 when empty), has-null flag,
 * element type oid, then for the one dimension its length and lower bound
 * (1), then per element its byte length (-1: NULL) and its bytes: int4 and
 * int8 big-endian, float8 as its IEEE 754 bits big-endian, text as is (no
 * terminating NUL). The element oid must be the one of the parameter's
 * declared array type ("$1::text[]": text), else the server refuses it.
 */
#ifndef TG_STORE_PG_ARRAY_H
#define TG_STORE_PG_ARRAY_H

#include <stdint.h>

#include "util/buf.h"

/* element types (pg_type.oid, fixed in every PostgreSQL) */
enum { TG_PG_INT8 = 20, TG_PG_INT4 = 23, TG_PG_TEXT = 25, TG_PG_FLOAT8 = 701 };

struct tg_pg_array {
	struct tg_buf b; /* 20 header bytes, then the elements */
	uint32_t oid;
	int32_t n;
	int has_null;
	int too_large; /* an append passed the buffer's cap: finish fails */
};

void tg_pg_array_init(struct tg_pg_array *a, uint32_t elem_oid);
void tg_pg_array_release(struct tg_pg_array *a);

void tg_pg_array_null(struct tg_pg_array *a);
/* NULL s: a NULL element. */
void tg_pg_array_text(struct tg_pg_array *a, const char *s);
/* An integer element of the array's type (int4 or int8; an int4 array
 * takes the low 32 bits), or NULL when null. */
void tg_pg_array_int(struct tg_pg_array *a, int64_t v, int null);
void tg_pg_array_float8(struct tg_pg_array *a, double v, int null);

/* Fills in the header; *data and *len are what to bind (valid until the
 * next append or release). TG_ERR_TOO_LARGE (nothing to bind) when an
 * append did not fit in the buffer's cap (util/buf.h: 256 MiB). */
enum tg_rc tg_pg_array_finish(struct tg_pg_array *a, const char **data, int *len);

#endif
