/*
 * encoding.h - detect the text encoding of an imported file and convert it
 * to UTF-8.
 *
 * Municipal files come as UTF-8 (with or without a BOM) or Shift_JIS; in
 * practice "Shift_JIS" means Microsoft's CP932 (NEC/IBM extensions such as
 * ① and 髙), so that is what glibc iconv is asked for.
 */
#ifndef TG_ENCODING_H
#define TG_ENCODING_H

#include <stddef.h>

#include "util/buf.h"
#include "util/rc.h"

/*
 * Convert in[0..len) to UTF-8 appended to out (which the caller owns and
 * releases). *encoding is set to a static name: "UTF-8", "UTF-8 (BOM)" or
 * "Shift_JIS". Rules: a UTF-8 BOM is stripped and the rest must be valid
 * UTF-8; otherwise valid UTF-8 stays UTF-8; otherwise the bytes must be
 * valid CP932. NUL bytes are refused in every encoding, and UTF-16 (by its
 * BOM) is refused as unsupported.
 * Errors: TG_ERR_INVALID / TG_ERR_UNSUPPORTED with a message naming the
 * physical line of the first bad byte in err (may be NULL) and
 * *err_line (may be NULL) set; TG_ERR_TOO_LARGE when out's cap is hit.
 */
enum tg_rc tg_encoding_to_utf8(const char *in, size_t len, struct tg_buf *out, const char **encoding, size_t *err_line,
                               char *err, size_t errlen);

/*
 * Length of the valid UTF-8 prefix of s[0..len) (shortest forms only, no
 * surrogates, at most U+10FFFF, no NUL). Equals len when all is valid.
 */
size_t tg_utf8_valid_prefix(const char *s, size_t len);

#endif
