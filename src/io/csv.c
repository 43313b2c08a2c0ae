/*
 * csv.c - RFC 4180 CSV reader and writer helper (see csv.h).
 *
 * The grammar accepted (RFC 4180 section 2, ABNF, with the relaxations
 * municipal open data needs):
 *
 *   file       = [record *(eol record)] [eol]
 *   record     = field *(COMMA field)
 *   field      = escaped / non-escaped
 *   escaped    = DQUOTE *(TEXTDATA / COMMA / CR / LF / 2DQUOTE) DQUOTE
 *   non-escaped= *TEXTDATA
 *   eol        = CRLF / LF / CR          ; RFC: CRLF only
 *   TEXTDATA   = any byte except COMMA, CR, LF and, at the start of a
 *                field, DQUOTE           ; RFC: %x20-21 / %x23-2B / %x2D-7E
 *
 * Relaxations: LF and lone CR end records as CRLF does; a DQUOTE inside a
 * non-escaped field is kept literally (ab"c); bytes >= 0x80 are data (the
 * input has already been converted to UTF-8 by encoding.c). A line with no
 * bytes is skipped rather than returned as a record with one empty field.
 *
 * Errors: a quoted field still open at the end of input ("引用符が閉じられて
 * いません (unterminated quote) at line N", N = the line where the field
 * opened), a byte other than COMMA/eol after a closing quote, more than
 * TG_CSV_MAX_COLUMNS fields, a field over TG_CSV_MAX_FIELD bytes, more than
 * max_records records.
 *
 * Invariants: the input is never written; r->line always equals 1 + the
 * number of eol sequences in data[0..pos) (CRLF counts once, including
 * those inside quoted fields), so record_line is the physical line number.
 */
#include "io/csv.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void tg_csv_reader_init(struct tg_csv_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->len = len;
	r->line = 1;
	r->max_records = TG_CSV_MAX_RECORDS;
	tg_buf_init(&r->scratch, (size_t)TG_CSV_MAX_COLUMNS * TG_CSV_MAX_FIELD + 1);
}

void tg_csv_reader_release(struct tg_csv_reader *r)
{
	tg_buf_release(&r->scratch);
	r->n_fields = 0;
}

static int fail(struct tg_csv_reader *r, enum tg_rc rc, size_t line, const char *msg)
{
	r->rc = rc;
	r->err_line = line;
	snprintf(r->err, sizeof(r->err), "%zu行目: %s", line, msg);
	r->n_fields = 0;
	return -1;
}

/* If data[pos] starts an eol, consume it, count the line and return 1. */
static int eat_eol(struct tg_csv_reader *r)
{
	if (r->pos >= r->len)
		return 0;
	char c = r->data[r->pos];
	if (c == '\n') {
		r->pos++;
		r->line++;
		return 1;
	}
	if (c == '\r') {
		r->pos++;
		if (r->pos < r->len && r->data[r->pos] == '\n')
			r->pos++;
		r->line++;
		return 1;
	}
	return 0;
}

/* Parse an escaped field; r->pos is at the opening quote. */
static int read_quoted(struct tg_csv_reader *r, struct tg_csv_field *f, size_t idx)
{
	size_t open_line = r->line;
	size_t start = ++r->pos; /* after the opening quote */
	int escaped = 0;         /* saw a doubled quote: content must be copied */
	size_t scratch_start = r->scratch.len;
	size_t run = start; /* start of the run not yet copied to scratch */

	for (;;) {
		if (r->pos >= r->len)
			return fail(r, TG_ERR_INVALID, open_line, "引用符が閉じられていません (unterminated quote)");
		char c = r->data[r->pos];
		if (c == '"') {
			if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
				/* A doubled quote: copy the run including one quote. */
				if (tg_buf_add(&r->scratch, r->data + run, r->pos + 1 - run))
					return fail(r, TG_ERR_TOO_LARGE, open_line,
					            "フィールドが大きすぎます (field too large)");
				escaped = 1;
				r->pos += 2;
				run = r->pos;
				continue;
			}
			break; /* the closing quote */
		}
		if (c == '\n' || c == '\r') {
			eat_eol(r);
			continue;
		}
		r->pos++;
	}
	size_t end = r->pos; /* at the closing quote */
	r->pos++;
	if (escaped) {
		if (tg_buf_add(&r->scratch, r->data + run, end - run))
			return fail(r, TG_ERR_TOO_LARGE, open_line, "フィールドが大きすぎます (field too large)");
		f->p = NULL;
		f->len = r->scratch.len - scratch_start;
		r->offs[idx] = scratch_start;
	} else {
		f->p = r->data + start;
		f->len = end - start;
		r->offs[idx] = SIZE_MAX;
	}
	f->quoted = 1;
	if (f->len > TG_CSV_MAX_FIELD)
		return fail(r, TG_ERR_TOO_LARGE, open_line, "フィールドが64KiBを超えています (field exceeds 64 KiB)");
	if (r->pos < r->len) {
		char n = r->data[r->pos];
		if (n != ',' && n != '\n' && n != '\r')
			return fail(r, TG_ERR_INVALID, r->line,
			            "閉じ引用符の後に不正な文字があります (unexpected character after closing quote)");
	}
	return 0;
}

int tg_csv_next(struct tg_csv_reader *r)
{
	r->n_fields = 0;
	tg_buf_reset(&r->scratch);
	/* Skip blank lines. */
	while (r->pos < r->len && (r->data[r->pos] == '\n' || r->data[r->pos] == '\r'))
		eat_eol(r);
	if (r->pos >= r->len)
		return 0;
	if (r->n_records >= r->max_records)
		return fail(r, TG_ERR_TOO_LARGE, r->line, "行数が上限を超えています (too many records)");
	r->record_line = r->line;

	for (;;) {
		if (r->n_fields >= TG_CSV_MAX_COLUMNS)
			return fail(r, TG_ERR_TOO_LARGE, r->record_line,
			            "列が256を超えています (more than 256 columns)");
		size_t idx = r->n_fields;
		struct tg_csv_field *f = &r->fields[idx];
		if (r->pos < r->len && r->data[r->pos] == '"') {
			if (read_quoted(r, f, idx) < 0)
				return -1;
		} else {
			size_t start = r->pos;
			while (r->pos < r->len) {
				char c = r->data[r->pos];
				if (c == ',' || c == '\n' || c == '\r')
					break;
				r->pos++;
			}
			f->p = r->data + start;
			f->len = r->pos - start;
			f->quoted = 0;
			r->offs[idx] = SIZE_MAX;
			if (f->len > TG_CSV_MAX_FIELD)
				return fail(r, TG_ERR_TOO_LARGE, r->line,
				            "フィールドが64KiBを超えています (field exceeds 64 KiB)");
		}
		r->n_fields++;
		if (r->pos < r->len && r->data[r->pos] == ',') {
			r->pos++;
			continue;
		}
		eat_eol(r); /* or end of input */
		break;
	}
	/* Scratch may have moved while growing: resolve its slices now. */
	for (size_t i = 0; i < r->n_fields; i++)
		if (r->offs[i] != SIZE_MAX)
			r->fields[i].p = r->scratch.data + r->offs[i];
	r->n_records++;
	return 1;
}

int tg_csv_field_eq(const struct tg_csv_field *f, const char *s)
{
	size_t n = strlen(s);
	return f->len == n && (n == 0 || memcmp(f->p, s, n) == 0);
}

enum tg_rc tg_csv_write_field(struct tg_buf *b, const char *s, size_t len)
{
	enum tg_rc rc = TG_OK;
	int quote = 0;
	if (!s || len == 0)
		return TG_OK;
	if (s[0] == ' ' || s[len - 1] == ' ')
		quote = 1;
	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
	if (!quote)
		return tg_buf_add(b, s, len);
	if ((rc = tg_buf_addc(b, '"')))
		goto out;
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			if ((rc = tg_buf_add(b, s + run, i + 1 - run)) || (rc = tg_buf_addc(b, '"')))
				goto out;
			run = i + 1;
		}
	}
	if ((rc = tg_buf_add(b, s + run, len - run)))
		goto out;
	rc = tg_buf_addc(b, '"');
out:
	return rc;
}

enum tg_rc tg_csv_write_row(struct tg_buf *b, const char *const *fields, size_t n)
{
	enum tg_rc rc = TG_OK;
	for (size_t i = 0; i < n; i++) {
		if (i && (rc = tg_buf_addc(b, ',')))
			goto out;
		if (fields[i] && (rc = tg_csv_write_field(b, fields[i], strlen(fields[i]))))
			goto out;
	}
	rc = tg_buf_add(b, "\r\n", 2);
out:
	return rc;
}
