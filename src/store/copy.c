/*
 * copy.c - whole-database copy with verification (copy.h), on top of the
 * generic copy ops of store.h; and tg_store_sort_tables() for their
 * table_list implementations. No SQL here.
 *
 * Invariants:
 *  - Memory is bounded by one page of TG_COPY_PAGE rows: rows_read streams
 *    the source, each row is copied into the page arena, and a full page is
 *    written with one rows_write call and the arena cleared.
 *  - The source is read inside one snapshot(), so every table comes from the
 *    same moment and the source sums describe exactly what was copied.
 *  - Everything on the destination (clearing the seeded vocabulary, the
 *    copy, sequences, the verification read) is one transaction: a failure
 *    or a mismatch rolls it all back.
 */
#include "store/copy.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/migrations.h"

/* ---- dependency order ---------------------------------------------------- */

static int cmp_table_name(const void *x, const void *y)
{
	return strcmp(((const struct tg_table *)x)->name, ((const struct tg_table *)y)->name);
}

static int placed_has(const struct tg_table *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return 1;
	return 0;
}

/* Kahn's algorithm on a name-sorted array: repeatedly move the first table
 * (by name) whose dependencies are all placed to the end of the placed
 * prefix. n is a few dozen, so O(n^3) is nothing. */
void tg_store_sort_tables(struct tg_table *t, size_t n)
{
	size_t placed = 0;
	qsort(t, n, sizeof(*t), cmp_table_name);
	while (placed < n) {
		size_t pick = placed; /* a cycle: take the first by name */
		for (size_t i = placed; i < n; i++) {
			size_t d = 0;
			/* satisfied: itself, or not among the tables still to place */
			while (d < t[i].n_deps && (strcmp(t[i].deps[d], t[i].name) == 0 ||
			                           !placed_has(t + placed, n - placed, t[i].deps[d])))
				d++;
			if (d == t[i].n_deps) {
				pick = i;
				break;
			}
		}
		struct tg_table x = t[pick];
		memmove(t + placed + 1, t + placed, (pick - placed) * sizeof(*t));
		t[placed++] = x;
	}
}

/* ---- checksums ------------------------------------------------------------- */

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static void sum_header(crypto_hash_sha256_state *h, const char *table, const struct tg_column *cols, size_t ncols)
{
	static const unsigned char end = 0xff;
	crypto_hash_sha256_update(h, (const unsigned char *)table, strlen(table) + 1);
	for (size_t i = 0; i < ncols; i++)
		crypto_hash_sha256_update(h, (const unsigned char *)cols[i].name, strlen(cols[i].name) + 1);
	crypto_hash_sha256_update(h, &end, 1);
}

static void sum_row(crypto_hash_sha256_state *h, const struct tg_value *row, size_t ncols)
{
	unsigned char b[9];
	for (size_t i = 0; i < ncols; i++) {
		const struct tg_value *v = &row[i];
		uint64_t bits;
		switch (v->kind) {
		case TG_VAL_INT:
			b[0] = 0x01;
			put_be64(b + 1, (uint64_t)v->i);
			crypto_hash_sha256_update(h, b, 9);
			break;
		case TG_VAL_REAL:
			b[0] = 0x02;
			memcpy(&bits, &v->d, sizeof(bits));
			put_be64(b + 1, bits);
			crypto_hash_sha256_update(h, b, 9);
			break;
		case TG_VAL_TEXT:
			b[0] = 0x03;
			put_be64(b + 1, (uint64_t)v->len);
			crypto_hash_sha256_update(h, b, 9);
			crypto_hash_sha256_update(h, (const unsigned char *)v->s, v->len);
			break;
		default:
			b[0] = 0x00;
			crypto_hash_sha256_update(h, b, 1);
			break;
		}
	}
}

struct sum_ctx {
	crypto_hash_sha256_state h;
	int64_t rows;
};

static enum tg_rc sum_cb(void *ctx, const struct tg_value *row, size_t ncols)
{
	struct sum_ctx *c = ctx;
	sum_row(&c->h, row, ncols);
	c->rows++;
	return TG_OK;
}

enum tg_rc tg_copy_checksum(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                            int64_t *rows, unsigned char sum[TG_COPY_SUM_LEN])
{
	struct sum_ctx c;
	crypto_hash_sha256_init(&c.h);
	c.rows = 0;
	sum_header(&c.h, table, cols, ncols);
	enum tg_rc rc = db->ops->copy->rows_read(db, table, cols, ncols, sum_cb, &c);
	crypto_hash_sha256_final(&c.h, sum);
	*rows = c.rows;
	return rc;
}

/* ---- the copy ------------------------------------------------------------------ */

/* Tables the migrations fill with vocabulary ("INSERT INTO name"): a fresh
 * destination has rows there, which the copy replaces. */
static int seeded_by_migrations(const char *table)
{
	size_t tl = strlen(table);
	for (size_t m = 0; m < tg_n_migrations; m++) {
		for (const char *p = tg_migrations[m].sql; (p = strcasestr(p, "INSERT INTO")) != NULL;) {
			p += 11;
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '"')
				p++;
			if (strncmp(p, table, tl) == 0 &&
			    (p[tl] == ' ' || p[tl] == '(' || p[tl] == '"' || p[tl] == '\n'))
				return 1;
		}
	}
	return 0;
}

static int ident_ok(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

struct page {
	struct tg_db *dst;
	const char *table;
	const struct tg_column *cols;
	size_t ncols;
	struct tg_value *rows; /* TG_COPY_PAGE x ncols */
	size_t n;
	struct tg_arena text; /* the text of the rows in the page */
	struct sum_ctx sum;
	int dst_failed; /* the stop came from rows_write, not from the source */
};

static enum tg_rc page_flush(struct page *pg)
{
	enum tg_rc rc = TG_OK;
	if (pg->n)
		rc = pg->dst->ops->copy->rows_write(pg->dst, pg->table, pg->cols, pg->ncols, pg->rows, pg->n);
	if (rc)
		pg->dst_failed = 1;
	pg->n = 0;
	tg_arena_clear(&pg->text);
	return rc;
}

static enum tg_rc page_cb(void *ctx, const struct tg_value *row, size_t ncols)
{
	struct page *pg = ctx;
	struct tg_value *out = pg->rows + pg->n * ncols;
	sum_row(&pg->sum.h, row, ncols);
	pg->sum.rows++;
	for (size_t i = 0; i < ncols; i++) {
		out[i] = row[i];
		if (row[i].kind == TG_VAL_TEXT)
			out[i].s = tg_arena_strndup(&pg->text, row[i].s, row[i].len);
	}
	if (++pg->n == TG_COPY_PAGE)
		return page_flush(pg);
	return TG_OK;
}

static const struct tg_column *find_col(const struct tg_column *c, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return &c[i];
	return NULL;
}

/* The tables and columns of src, checked against dst's. */
static enum tg_rc plan(struct tg_db *src, struct tg_db *dst, struct tg_arena *a, struct tg_table **tables, size_t *nt,
                       struct tg_column ***cols, size_t **ncols, char *err, size_t errlen)
{
	struct tg_table *dt = NULL;
	size_t ndt = 0;
	enum tg_rc rc;
	if ((rc = src->ops->copy->table_list(src, a, tables, nt))) {
		snprintf(err, errlen, "source: %s", src->ops->errmsg(src));
		return rc;
	}
	if ((rc = dst->ops->copy->table_list(dst, a, &dt, &ndt))) {
		snprintf(err, errlen, "destination: %s", dst->ops->errmsg(dst));
		return rc;
	}
	for (size_t i = 0; i < *nt || i < ndt; i++) {
		if (i >= *nt || i >= ndt || strcmp((*tables)[i].name, dt[i].name) != 0) {
			snprintf(err, errlen, "the databases have different tables (source %s, destination %s)",
			         i < *nt ? (*tables)[i].name : "-", i < ndt ? dt[i].name : "-");
			return TG_ERR_INVALID;
		}
	}
	*cols = TG_ARENA_ARRAY(a, struct tg_column *, *nt + 1);
	*ncols = TG_ARENA_ARRAY(a, size_t, *nt + 1);
	for (size_t i = 0; i < *nt; i++) {
		const char *t = (*tables)[i].name;
		struct tg_column *dc = NULL;
		size_t ndc = 0;
		if (!ident_ok(t)) {
			snprintf(err, errlen, "unexpected table name in the source");
			return TG_ERR_INVALID;
		}
		if ((rc = src->ops->copy->table_columns(src, a, t, &(*cols)[i], &(*ncols)[i]))) {
			snprintf(err, errlen, "source: %s", src->ops->errmsg(src));
			return rc;
		}
		if ((rc = dst->ops->copy->table_columns(dst, a, t, &dc, &ndc))) {
			snprintf(err, errlen, "destination: %s", dst->ops->errmsg(dst));
			return rc;
		}
		if (ndc != (*ncols)[i]) {
			snprintf(err, errlen, "table %s has %zu columns in the source, %zu in the destination", t,
			         (*ncols)[i], ndc);
			return TG_ERR_INVALID;
		}
		for (size_t k = 0; k < ndc; k++) {
			const struct tg_column *sc = &(*cols)[i][k];
			const struct tg_column *d = find_col(dc, ndc, sc->name);
			if (!ident_ok(sc->name)) {
				snprintf(err, errlen, "unexpected column name in table %s", t);
				return TG_ERR_INVALID;
			}
			if (!d || d->kind != sc->kind) {
				snprintf(err, errlen, "column %s.%s differs between source and destination", t,
				         sc->name);
				return TG_ERR_INVALID;
			}
		}
	}
	return TG_OK;
}

enum tg_rc tg_copy_run(struct tg_db *src, struct tg_db *dst, struct tg_arena *a, struct tg_copy_report *rep, char *err,
                       size_t errlen)
{
	struct tg_table *tables = NULL;
	struct tg_column **cols = NULL;
	size_t nt = 0, *ncols = NULL;
	int src_tx = 0, dst_tx = 0, bulk = 0;
	struct page pg;
	memset(&pg, 0, sizeof(pg));
	tg_arena_init(&pg.text);
	memset(rep, 0, sizeof(*rep));
	err[0] = '\0';
	enum tg_rc rc = src->ops->copy->snapshot(src);
	if (rc) {
		snprintf(err, errlen, "source: %s", src->ops->errmsg(src));
		goto out;
	}
	src_tx = 1;
	if ((rc = plan(src, dst, a, &tables, &nt, &cols, &ncols, err, errlen)))
		goto out;
	rep->t = TG_ARENA_ARRAY(a, struct tg_copy_table_report, nt + 1);
	for (size_t i = 0; i < nt; i++) {
		int64_t n = 0;
		rep->t[i].name = tables[i].name;
		if ((rc = dst->ops->copy->table_count(dst, tables[i].name, &n))) {
			snprintf(err, errlen, "destination: %s", dst->ops->errmsg(dst));
			goto out;
		}
		if (n > 0 && !seeded_by_migrations(tables[i].name)) {
			snprintf(
			    err, errlen,
			    "the destination is not empty (table %s has %lld rows); use --force to replace its data",
			    tables[i].name, (long long)n);
			rc = TG_ERR_CONFLICT;
			goto out;
		}
	}

	rep->n = nt;
	if ((rc = tg_db_begin(dst))) {
		snprintf(err, errlen, "destination: %s", dst->ops->errmsg(dst));
		goto out;
	}
	dst_tx = 1;
	dst->ops->bulk(dst, 1);
	bulk = 1;
	for (size_t i = nt; i-- > 0;) {
		if (seeded_by_migrations(tables[i].name) && (rc = dst->ops->copy->table_clear(dst, tables[i].name))) {
			snprintf(err, errlen, "destination: %s", dst->ops->errmsg(dst));
			goto out;
		}
	}
	for (size_t i = 0; i < nt; i++) {
		struct tg_copy_table_report *r = &rep->t[i];
		pg.dst = dst;
		pg.table = tables[i].name;
		pg.cols = cols[i];
		pg.ncols = ncols[i];
		pg.rows = tg_xrealloc(pg.rows, sizeof(*pg.rows) * TG_COPY_PAGE * (ncols[i] ? ncols[i] : 1));
		pg.n = 0;
		pg.sum.rows = 0;
		crypto_hash_sha256_init(&pg.sum.h);
		sum_header(&pg.sum.h, pg.table, pg.cols, pg.ncols);
		rc = src->ops->copy->rows_read(src, pg.table, pg.cols, pg.ncols, page_cb, &pg);
		if (!rc)
			rc = page_flush(&pg);
		crypto_hash_sha256_final(&pg.sum.h, r->src_sum);
		r->src_rows = pg.sum.rows;
		r->copied = 1;
		if (rc) {
			snprintf(err, errlen, "copying %s: %s: %s", pg.table, pg.dst_failed ? "destination" : "source",
			         pg.dst_failed ? dst->ops->errmsg(dst) : src->ops->errmsg(src));
			goto out;
		}
	}
	if ((rc = dst->ops->copy->sequences_reset(dst))) {
		snprintf(err, errlen, "destination: %s", dst->ops->errmsg(dst));
		goto out;
	}
	for (size_t i = 0; i < nt; i++) {
		struct tg_copy_table_report *r = &rep->t[i];
		if ((rc = tg_copy_checksum(dst, r->name, cols[i], ncols[i], &r->dst_rows, r->dst_sum))) {
			snprintf(err, errlen, "verifying %s: %s", r->name, dst->ops->errmsg(dst));
			goto out;
		}
		r->checked = 1;
		if (r->dst_rows != r->src_rows || memcmp(r->dst_sum, r->src_sum, TG_COPY_SUM_LEN) != 0)
			rep->mismatches++;
	}
	if (rep->mismatches) {
		snprintf(err, errlen, "verification failed: %d table(s) differ; nothing was written", rep->mismatches);
		rc = TG_ERR_DB;
		goto out;
	}
	rc = tg_db_commit(dst);
	dst_tx = 0;
	if (rc)
		snprintf(err, errlen, "destination: commit: %s", dst->ops->errmsg(dst));
out:
	if (dst_tx)
		tg_db_rollback(dst);
	if (bulk)
		dst->ops->bulk(dst, 0);
	if (src_tx)
		tg_db_rollback(src);
	free(pg.rows);
	tg_arena_release(&pg.text);
	return rc;
}
