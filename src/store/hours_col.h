/*
 * hours_col.h - a resource's weekly hours as one column of resources
 * (migration 0007), shared by the SQLite and PostgreSQL stores.
 *
 * The text is the hours sorted by (weekday, open_min, close_min), each
 * "W:OPEN-CLOSE" in minutes, joined by ",": "1:540-1020,6:600-720". No
 * hours: NULL. Both schemas refuse any other character in a CHECK; the
 * numbers themselves were validated by the domain (core/validate.c) before
 * they were written.
 */
#ifndef TG_STORE_HOURS_COL_H
#define TG_STORE_HOURS_COL_H

#include <stddef.h>

#include "core/model.h"
#include "util/buf.h"
#include "util/mem.h"

/* The column text of h[0..n) into b (reset first), sorted; 0 if n == 0
 * (store NULL), else 1. h itself is not reordered. */
int tg_hours_col_encode(struct tg_buf *b, const struct tg_hours *h, size_t n);

/* 1 when every interval of h[0..n) can be stored: weekday 0..7, minutes
 * 0..1440 (what the domain allows; the writes of both stores refuse
 * anything else with TG_ERR_INVALID before encoding). */
int tg_hours_col_valid(const struct tg_hours *h, size_t n);

/* The hours of a column text (NULL or "" -> none), sorted, in arena a.
 * Returns the number of entries read; at the first malformed entry it stops
 * and sets *bad (the entries before it are kept). */
size_t tg_hours_col_decode(const char *s, struct tg_arena *a, struct tg_hours **out, int *bad);

#endif
