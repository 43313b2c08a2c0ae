/*
 * jp_facilities.h - municipal childcare facility lists (子育て施設一覧,
 * /work/shared/formats/jp-facilities.md) -> import rows.
 *
 * Both header variants are accepted, columns are found by header name and
 * unknown columns are ignored. The mapping tables are in
 * docs/internals/import.md.
 */
#ifndef TG_JP_FACILITIES_H
#define TG_JP_FACILITIES_H

#include <stddef.h>

#include "io/import.h"
#include "util/rc.h"

struct tg_jpf_options {
	int make_public;          /* is_public of every row */
	const char *default_type; /* type for an unknown 種別; NULL: row error */
};

/*
 * Parse UTF-8 CSV text utf8[0..len) into b. Returns TG_OK when the file
 * could be read (rows may still have been rejected: see b->n_rejected and
 * b->errors), TG_ERR_INVALID / TG_ERR_TOO_LARGE when the file itself is
 * unusable (CSV syntax error, missing required column, no header); then
 * b->fatal is set and b->errors says why.
 */
enum tg_rc tg_jpf_parse(const char *utf8, size_t len, const struct tg_jpf_options *o, struct tg_import_batch *b);

/* 種別 -> type code ("nursery", "kindergarten", ...), or NULL if unknown. */
const char *tg_jpf_type_code(const char *kind, size_t len);

/*
 * Split a municipality name into area levels: "神奈川県横浜市港北区" ->
 * prefecture "神奈川県", city "横浜市", ward "港北区"; "千代田区" -> city
 * "千代田区" (a special ward is a municipality). Outputs are arena
 * strings, NULL when absent.
 */
void tg_jpf_split_municipality(const char *name, struct tg_arena *a, const char **prefecture, const char **city,
                               const char **ward);

#endif
