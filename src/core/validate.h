/*
 * validate.h - the validation rules for directory data.
 *
 * Every edge (JSON API, CSV import, HSDS import, demo loader, CLI) turns its
 * input into a struct tg_resource and calls tg_resource_validate() before the
 * store sees it; the core and the store trust validated values.
 *
 * Messages are Japanese first with English in parentheses, e.g.
 * "名称は必須です (name is required)". field names follow the JSON API
 * (docs/api.md): "name", "hours[2].open", "location.lat", ...
 */
#ifndef TG_VALIDATE_H
#define TG_VALIDATE_H

#include <stddef.h>

#include "core/model.h"
#include "util/rc.h"

struct tg_field_error {
	const char *field;   /* static string, arena-owned, or field_buf */
	const char *message; /* static string or arena-owned */
	/* Storage for indexed paths such as "hours[12].close", which a pure
	 * validator cannot allocate. field may point here, so pass the struct
	 * by pointer; to copy one, use tg_field_error_copy(). */
	char field_buf[64];
};

/* Copy src to dst, keeping dst->field valid when it points into
 * src->field_buf. */
void tg_field_error_copy(struct tg_field_error *dst, const struct tg_field_error *src);

/* What the rules check against: the known type and tag codes. */
struct tg_validate_ctx {
	const struct tg_resource_type *types;
	size_t n_types;
	const struct tg_tag *tags;
	size_t n_tags;
};

/* TG_OK, or TG_ERR_INVALID with the first problem in *err. Pure: no clock,
 * no allocation. ctx must be given (its lists may be empty). The rules, in
 * the order they are checked, are listed at the top of validate.c. */
enum tg_rc tg_resource_validate(const struct tg_resource *r, const struct tg_validate_ctx *ctx,
                                struct tg_field_error *err);

/* Single-field rules, shared with other validators. Each returns 1 when valid. */
int tg_valid_utf8(const char *s, size_t len);
/* 1 if s is NULL or holds nothing but ASCII and ideographic (U+3000) spaces, tabs and newlines. */
int tg_blank(const char *s);
int tg_valid_postal_code(const char *s); /* "231-0001" or "2310001" */
int tg_valid_phone(const char *s);       /* digits, hyphens, parentheses, + ; 10-13 digits */
int tg_valid_email(const char *s);
int tg_valid_url(const char *s);   /* http:// or https:// */
int tg_valid_code(const char *s);  /* [a-z0-9_]{1,32} */
int tg_valid_login(const char *s); /* [A-Za-z0-9._@-]{3,64} */
/* Length in Unicode code points (s must be valid UTF-8). */
size_t tg_utf8_length(const char *s);

#endif
