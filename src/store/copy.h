/*
 * copy.h - copy a whole tsunagu database to another one, verified
 * (`tsunagu migrate-db`; store/copy.c). Works through the generic copy ops
 * of store.h (db->ops->copy), so any pair of implementations works:
 * SQLite -> PostgreSQL, PostgreSQL -> SQLite, and the same kind twice.
 */
#ifndef TG_STORE_COPY_H
#define TG_STORE_COPY_H

#include <stdint.h>

#include "store/store.h"

#define TG_COPY_SUM_LEN 32 /* SHA-256 */

/* Rows per rows_write call: what the copy holds in memory at a time. */
#define TG_COPY_PAGE 1000

struct tg_copy_table_report {
	const char *name;
	int64_t src_rows, dst_rows;
	unsigned char src_sum[TG_COPY_SUM_LEN], dst_sum[TG_COPY_SUM_LEN];
	int copied;  /* src_rows/src_sum were computed (the table was read) */
	int checked; /* dst_rows/dst_sum were computed */
};

struct tg_copy_report {
	struct tg_copy_table_report *t; /* in copy (dependency) order */
	size_t n;
	int mismatches;
};

/*
 * The checksum of one table: SHA-256 over a canonical serialization of its
 * rows in rows_read order (primary key, text as bytes), so the same data
 * gives the same sum on every implementation:
 *   header  the table name, NUL, each column name followed by NUL, one
 *           byte 0xff;
 *   a value NULL -> 0x00; INT -> 0x01 + 8 bytes big-endian two's complement;
 *           REAL -> 0x02 + the 8 bytes of the IEEE-754 double, big-endian;
 *           TEXT -> 0x03 + 8 bytes big-endian length + the bytes.
 * Rows need no separator: every row has ncols values.
 */
enum tg_rc tg_copy_checksum(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                            int64_t *rows, unsigned char sum[TG_COPY_SUM_LEN]);

/*
 * Copy every table of src into dst and verify it. dst must already be
 * migrated to src's schema version (the caller does that: it may need to
 * create or drop the database first) and hold no rows except the vocabulary
 * its migrations insert (table_clear replaces those). Steps:
 *   1. src snapshot(); the table lists and columns of both must match;
 *   2. dst begin(): clear the seeded tables, copy each table in dependency
 *      order in pages of TG_COPY_PAGE rows, summing the source rows as they
 *      are read; sequences_reset();
 *   3. read every table of dst back inside the same transaction and compare
 *      counts and checksums; commit only when all match, else roll back.
 * rep (from arena a) is filled as far as the copy got, for printing;
 * rep->n stays 0 when nothing was copied (a refusal). On
 * failure err holds the reason; a verification mismatch is TG_ERR_DB with
 * rep->mismatches > 0.
 */
enum tg_rc tg_copy_run(struct tg_db *src, struct tg_db *dst, struct tg_arena *a, struct tg_copy_report *rep, char *err,
                       size_t errlen);

#endif
