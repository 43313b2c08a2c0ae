/*
 * export.h - CSV export of resources in the newer jp-facilities layout
 * (自治体標準オープンデータセット column names) plus tsunagu columns.
 *
 * Output is UTF-8 with a BOM and CRLF line ends, so Excel opens it
 * correctly. The confidential rule applies per row through hide(): a hidden
 * row has empty 地方公共団体名/住所/方書/緯度/経度/電話番号 and carries
 * front_door in 窓口. Cells that a spreadsheet would read as a formula get
 * a leading apostrophe (see export.c).
 */
#ifndef TG_EXPORT_H
#define TG_EXPORT_H

#include <stddef.h>

#include "core/model.h"
#include "util/buf.h"
#include "util/rc.h"

/* Returns 1 when the viewer may not see r's location. NULL hide means
 * "hide every confidential resource". */
typedef int (*tg_export_hide_fn)(void *ctx, const struct tg_resource *r);

/* 1 when a spreadsheet reads text s as a formula: it starts with = + - @,
 * a tab or a carriage return. */
int tg_export_csv_formula_start(const char *s);

/* Append the BOM and header row to out. */
enum tg_rc tg_export_csv_begin(struct tg_buf *out);
/* Append one row per resource. */
enum tg_rc tg_export_csv_rows(struct tg_buf *out, const struct tg_resource *rs, size_t n, tg_export_hide_fn hide,
                              void *ctx);

#endif
