/*
 * json_write.h - a fast serializer for jansson values.
 *
 * json_dumps() formats every integer through snprintf and grows its buffer
 * in small steps; for a page of twenty search results that was a quarter of
 * the request's CPU. This writer produces the same compact JSON (object
 * members in insertion order, UTF-8 left as is, control characters, quote
 * and backslash escaped, reals with 10 significant digits) into a tg_buf.
 */
#ifndef TG_JSON_WRITE_H
#define TG_JSON_WRITE_H

#include <jansson.h>

#include "util/buf.h"
#include "util/rc.h"

/* Append j to out. TG_ERR_TOO_LARGE past the buffer's cap; TG_ERR_INVALID
 * for a non-finite real (JSON has none). */
enum tg_rc tg_json_write(const json_t *j, struct tg_buf *out);

/* The pieces, for callers that write a hot response without building a
 * jansson tree: a quoted, escaped string; an integer; a real. */
enum tg_rc tg_json_write_string(struct tg_buf *out, const char *s, size_t len);
enum tg_rc tg_json_write_int(struct tg_buf *out, long long v);
enum tg_rc tg_json_write_real(struct tg_buf *out, double d);
/* d rounded to three decimals, always with a '.', without snprintf
 * (|d| < 1e15; larger or non-finite values go through tg_json_write_real). */
enum tg_rc tg_json_write_fixed3(struct tg_buf *out, double d);

/* The same pieces written at p, for a caller that reserved the room
 * (bounds below); each returns the end of what it wrote. */
#define TG_JSON_INT_MAX    20 /* bytes of the longest long long */
#define TG_JSON_FIXED3_MAX 32 /* bytes of tg_json_put_fixed3's output */
char *tg_json_put_int(char *p, long long v);
/* d must be finite (as tg_json_write_fixed3; larger values as %.10g). */
char *tg_json_put_fixed3(char *p, double d);
/* At most 6 * len + 2 bytes. */
char *tg_json_put_string(char *p, const char *s, size_t len);

#endif
