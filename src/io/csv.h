/*
 * csv.h - RFC 4180 CSV reader over a memory buffer, and a writer helper.
 *
 * The reader never modifies or NUL-terminates its input: each field is a
 * slice (pointer + length). A field that needed unescaping ("" -> ") points
 * into the reader's scratch buffer instead of the input. Slices stay valid
 * until the next tg_csv_next() call or tg_csv_reader_release().
 *
 * Caps: at most TG_CSV_MAX_COLUMNS fields per record, TG_CSV_MAX_FIELD
 * bytes per field, r->max_records records (default TG_CSV_MAX_RECORDS).
 */
#ifndef TG_CSV_H
#define TG_CSV_H

#include <stddef.h>

#include "util/buf.h"
#include "util/rc.h"

#define TG_CSV_MAX_COLUMNS 256
#define TG_CSV_MAX_FIELD   (64 * 1024)
#define TG_CSV_MAX_RECORDS 2000000

struct tg_csv_field {
	const char *p;
	size_t len;
	int quoted; /* the field was written in double quotes */
};

struct tg_csv_reader {
	const char *data; /* private: the input */
	size_t len;       /* private */
	size_t pos;       /* private: next byte to read */
	size_t line;      /* private: physical line at pos, 1-based */
	size_t max_records;
	size_t n_records; /* records returned so far */

	/* The current record (valid after tg_csv_next() returned 1). */
	struct tg_csv_field fields[TG_CSV_MAX_COLUMNS];
	size_t n_fields;
	size_t record_line; /* physical line where the record starts */

	/* The error (valid after tg_csv_next() returned -1). */
	enum tg_rc rc;
	size_t err_line;
	char err[200]; /* Japanese first, English in parentheses */

	struct tg_buf scratch;           /* private: unescaped quoted fields */
	size_t offs[TG_CSV_MAX_COLUMNS]; /* private: scratch offsets, or SIZE_MAX */
};

/* Start reading data[0..len). No copy is made: data must outlive r. */
void tg_csv_reader_init(struct tg_csv_reader *r, const char *data, size_t len);
/* Free the scratch buffer. */
void tg_csv_reader_release(struct tg_csv_reader *r);
/*
 * Read the next record. Returns 1 with r->fields/r->n_fields/r->record_line
 * set, 0 at the end of input, -1 on a syntax error or exceeded cap
 * (r->rc, r->err_line, r->err). Blank lines are skipped.
 */
int tg_csv_next(struct tg_csv_reader *r);

/* Does field f equal the NUL-terminated string s? */
int tg_csv_field_eq(const struct tg_csv_field *f, const char *s);

/*
 * Append one field to b, in double quotes when it contains a comma, quote,
 * CR or LF or begins/ends with a space; quotes are doubled. s may be NULL
 * (empty field).
 */
enum tg_rc tg_csv_write_field(struct tg_buf *b, const char *s, size_t len);
/* Append fields separated by commas, then CRLF. NULL entries are empty. */
enum tg_rc tg_csv_write_row(struct tg_buf *b, const char *const *fields, size_t n);

#endif
