/*
 * encoding.c - encoding detection and conversion to UTF-8 (see encoding.h).
 *
 * Detection order: UTF-16 BOM (refused), UTF-8 BOM (stripped, rest must be
 * UTF-8), strict UTF-8, then CP932 through iconv. A Shift_JIS text with
 * kanji is practically never valid UTF-8 (its lead bytes 0x81-0x9F are
 * UTF-8 continuation bytes), so trying UTF-8 first is safe.
 *
 * Invariant: out receives only complete, valid UTF-8 without NUL bytes; on
 * error out holds whatever was appended before the error and the caller
 * discards it. Line numbers count LF, CR and CRLF like csv.c; in CP932 the
 * bytes 0x0A and 0x0D never occur inside a double-byte character, so
 * counting them in the raw input is exact.
 */
#include "io/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Binary input (an .xlsx, an image) said in the user's words: a NUL byte
 * never occurs in CSV or JSON text. */
#define NOT_TEXT                                                                                                                                       \
	"CSV や JSON の文字のファイルではありません。Excel のファイルは「CSV UTF-8」形式で保存し直してください " \
	"(not a text file: save a spreadsheet as CSV UTF-8)"

size_t tg_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		unsigned c = p[i];
		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp, min;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
			min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
			min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return i;
}

/* 1-based physical line of byte offset off. */
static size_t line_of(const char *s, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n')
			line++;
		else if (s[i] == '\r' && !(i + 1 < off && s[i + 1] == '\n'))
			line++;
	}
	return line;
}

static enum tg_rc bad(enum tg_rc rc, size_t line, const char *what, size_t *err_line, char *err, size_t errlen)
{
	if (err_line)
		*err_line = line;
	if (err && errlen)
		snprintf(err, errlen, "%zu行目: %s", line, what);
	return rc;
}

static enum tg_rc from_cp932(const char *in, size_t len, struct tg_buf *out, size_t *err_line, char *err, size_t errlen)
{
	enum tg_rc rc = TG_OK;
	iconv_t cd = iconv_open("UTF-8", "CP932");
	char chunk[8192];
	if (cd == (iconv_t)-1)
		return bad(TG_ERR_INTERNAL, 0, "iconvがCP932に対応していません (iconv lacks CP932)", err_line, err,
		           errlen);
	for (size_t i = 0; i < len; i++)
		if (in[i] == '\0') {
			rc = bad(TG_ERR_INVALID, line_of(in, i), NOT_TEXT, err_line, err, errlen);
			goto out;
		}
	char *ip = (char *)(uintptr_t)in; /* iconv's prototype is not const-correct */
	size_t il = len;
	while (il > 0) {
		char *op = chunk;
		size_t ol = sizeof(chunk);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		if (op > chunk && (rc = tg_buf_add(out, chunk, (size_t)(op - chunk))))
			goto out;
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = bad(TG_ERR_INVALID, line_of(in, (size_t)(ip - in)),
			         "文字コードを判別できません: UTF-8でもShift_JISでもないバイトがあります "
			         "(invalid bytes: neither UTF-8 nor Shift_JIS)",
			         err_line, err, errlen);
			goto out;
		}
	}
out:
	iconv_close(cd);
	return rc;
}

enum tg_rc tg_encoding_to_utf8(const char *in, size_t len, struct tg_buf *out, const char **encoding, size_t *err_line,
                               char *err, size_t errlen)
{
	enum tg_rc rc = TG_OK;
	const unsigned char *u = (const unsigned char *)in;
	size_t valid;

	*encoding = NULL;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		rc = bad(TG_ERR_UNSUPPORTED, 1,
		         "UTF-16には対応していません。UTF-8かShift_JISで保存してください "
		         "(UTF-16 is not supported; save as UTF-8 or Shift_JIS)",
		         err_line, err, errlen);
		goto out;
	}
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		valid = tg_utf8_valid_prefix(in + 3, len - 3);
		if (valid != len - 3) {
			rc = bad(TG_ERR_INVALID, line_of(in, valid + 3),
			         "UTF-8として不正なバイトがあります (invalid UTF-8)", err_line, err, errlen);
			goto out;
		}
		*encoding = "UTF-8 (BOM)";
		rc = tg_buf_add(out, in + 3, len - 3);
		goto out;
	}
	valid = tg_utf8_valid_prefix(in, len);
	if (valid == len) {
		*encoding = "UTF-8";
		rc = tg_buf_add(out, in, len);
		goto out;
	}
	if (in[valid] == '\0') {
		rc = bad(TG_ERR_INVALID, line_of(in, valid), NOT_TEXT, err_line, err, errlen);
		goto out;
	}
	rc = from_cp932(in, len, out, err_line, err, errlen);
	if (rc == TG_OK)
		*encoding = "Shift_JIS";
out:
	return rc;
}
