/*
 * test_pg_migrate.c - the migrations produce the same schema on SQLite and
 * PostgreSQL: the same tables, the same columns with the same (normalized)
 * types, NOT NULL and primary keys, the same explicit indexes (name, table,
 * unique), the same number of UNIQUE constraints per table, and the same
 * foreign keys (table and columns, referenced table and columns, ON DELETE
 * action; migration 0003 declares them differently on each: rebuilt tables
 * on SQLite, ALTER TABLE on PostgreSQL).
 *
 * Needs TSUNAGU_TEST_PG (a postgresql:// URL, see scripts/pg-cluster.sh);
 * without it the comparison is skipped. The PostgreSQL database is emptied
 * with drop_all() first.
 *
 * Normalization: INTEGER and BIGINT -> INTEGER (the PostgreSQL store widens
 * id columns, store/pg.c), DOUBLE PRECISION/REAL -> REAL, TEXT -> TEXT; a
 * primary-key column counts as NOT NULL on both (SQLite reports it nullable).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/migrations.h"
#include "store/store.h"
#include "util/buf.h"

/* Lines "kind|table|name|detail", sorted, one per schema fact. */
struct facts {
	char **v;
	size_t n, cap;
};

static void add_fact(struct facts *f, const char *kind, const char *table, const char *name, const char *detail)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s|%s|%s|%s", kind, table, name, detail);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = tg_xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	f->v[f->n++] = tg_xstrdup(buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_facts(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
}

static const char *norm_type(const char *t)
{
	if (strcasecmp(t, "integer") == 0 || strcasecmp(t, "bigint") == 0)
		return "INTEGER";
	if (strcasecmp(t, "double precision") == 0 || strcasecmp(t, "real") == 0)
		return "REAL";
	if (strcasecmp(t, "text") == 0)
		return "TEXT";
	return t;
}

/* "fk|table|col,col|-> parent(col,col) ON DELETE action": one fact per key. */
static void add_fk(struct facts *f, const char *table, const char *from, const char *parent, const char *to,
                   const char *on_delete)
{
	char d[512];
	snprintf(d, sizeof(d), "-> %s(%s) ON DELETE %s", parent, to, on_delete);
	add_fact(f, "fk", table, from, d);
}

/* SQLite: pragma_foreign_key_list, one row per column of a key (id, seq);
 * a key that names no parent columns references the parent's primary key. */
static void sqlite_fks(sqlite3 *h, struct facts *f)
{
	sqlite3_stmt *st = NULL;
	char table[64] = "", parent[64] = "", on_delete[16] = "", from[256] = "", to[256] = "";
	int id = -1;
	assert_int_equal(sqlite3_prepare_v2(h,
	                                    "SELECT m.name, k.id, k.\"table\", k.\"from\", "
	                                    "COALESCE(k.\"to\", (SELECT p.name FROM pragma_table_info(k.\"table\") p "
	                                    "WHERE p.pk = k.seq + 1)), k.on_delete FROM sqlite_master m, "
	                                    "pragma_foreign_key_list(m.name) k WHERE m.type = 'table' "
	                                    "ORDER BY m.name, k.id, k.seq",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	for (int more = 1; more;) {
		more = sqlite3_step(st) == SQLITE_ROW;
		const char *t = more ? (const char *)sqlite3_column_text(st, 0) : "";
		if (id >= 0 && (!more || strcmp(t, table) != 0 || sqlite3_column_int(st, 1) != id)) {
			add_fk(f, table, from, parent, to, on_delete);
			id = -1;
		}
		if (!more)
			break;
		if (id < 0) {
			id = sqlite3_column_int(st, 1);
			snprintf(table, sizeof(table), "%s", t);
			snprintf(parent, sizeof(parent), "%s", (const char *)sqlite3_column_text(st, 2));
			snprintf(on_delete, sizeof(on_delete), "%s", (const char *)sqlite3_column_text(st, 5));
			from[0] = to[0] = '\0';
		}
		size_t lf = strlen(from), lt = strlen(to);
		snprintf(from + lf, sizeof(from) - lf, "%s%s", lf ? "," : "", (const char *)sqlite3_column_text(st, 3));
		snprintf(to + lt, sizeof(to) - lt, "%s%s", lt ? "," : "", (const char *)sqlite3_column_text(st, 4));
	}
	sqlite3_finalize(st);
}

static void sqlite_facts(struct facts *f)
{
	char dir[] = "/tmp/tg-pgmig-XXXXXX", path[64], err[256];
	int applied = 0;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.db", dir);
	struct tg_db *db = tg_db_open(path, 1, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	tg_db_close(db);
	sqlite3 *h = NULL;
	sqlite3_stmt *t = NULL, *c = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h,
	                                    "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk FROM sqlite_master m, "
	                                    "pragma_table_info(m.name) p WHERE m.type = 'table' "
	                                    "AND m.name NOT LIKE 'sqlite_%'",
	                                    -1, &t, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(t) == SQLITE_ROW) {
		char d[128];
		int notnull = sqlite3_column_int(t, 3) || sqlite3_column_int(t, 4);
		snprintf(d, sizeof(d), "%s %s%s", norm_type((const char *)sqlite3_column_text(t, 2)),
		         notnull ? "NOT NULL" : "NULL", sqlite3_column_int(t, 4) ? " PK" : "");
		add_fact(f, "column", (const char *)sqlite3_column_text(t, 0), (const char *)sqlite3_column_text(t, 1),
		         d);
	}
	sqlite3_finalize(t);
	assert_int_equal(sqlite3_prepare_v2(h,
	                                    "SELECT m.tbl_name, m.name, l.\"unique\" FROM sqlite_master m "
	                                    "JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name "
	                                    "WHERE m.type = 'index' AND m.sql IS NOT NULL",
	                                    -1, &c, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(c) == SQLITE_ROW)
		add_fact(f, "index", (const char *)sqlite3_column_text(c, 0), (const char *)sqlite3_column_text(c, 1),
		         sqlite3_column_int(c, 2) ? "unique" : "");
	sqlite3_finalize(c);
	assert_int_equal(sqlite3_prepare_v2(h,
	                                    "SELECT m.name, COUNT(*) FROM sqlite_master m, pragma_index_list(m.name) l "
	                                    "WHERE m.type = 'table' AND l.origin = 'u' GROUP BY m.name",
	                                    -1, &c, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(c) == SQLITE_ROW)
		add_fact(f, "unique", (const char *)sqlite3_column_text(c, 0), "",
		         (const char *)sqlite3_column_text(c, 1));
	sqlite3_finalize(c);
	sqlite_fks(h, f);
	sqlite3_close(h);
	unlink(path);
	rmdir(dir);
}

static PGresult *pq(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	return r;
}

static void pg_facts(const char *url, struct facts *f)
{
	char err[256];
	int applied = 0;
	struct tg_db *db = tg_db_open(url, 1, err, sizeof(err));
	if (!db)
		fail_msg("%s", err);
	assert_int_equal(db->ops->drop_all(db), TG_OK);
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	assert_int_equal(applied, (int)tg_n_migrations);
	tg_db_close(db);
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = pq(c, "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, "
	                    "EXISTS (SELECT 1 FROM information_schema.table_constraints tc "
	                    "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
	                    "AND k.table_name = tc.table_name WHERE tc.constraint_type = 'PRIMARY KEY' "
	                    "AND tc.table_name = c.table_name AND k.column_name = c.column_name) "
	                    "FROM information_schema.columns c WHERE c.table_schema = current_schema()");
	for (int i = 0; i < PQntuples(r); i++) {
		char d[128];
		int pk = PQgetvalue(r, i, 4)[0] == 't';
		snprintf(d, sizeof(d), "%s %s%s", norm_type(PQgetvalue(r, i, 2)),
		         strcmp(PQgetvalue(r, i, 3), "NO") == 0 ? "NOT NULL" : "NULL", pk ? " PK" : "");
		add_fact(f, "column", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), d);
	}
	PQclear(r);
	r = pq(c, "SELECT t.relname, i.relname, x.indisunique FROM pg_index x "
	          "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
	          "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() "
	          "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)");
	for (int i = 0; i < PQntuples(r); i++)
		add_fact(f, "index", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		         PQgetvalue(r, i, 2)[0] == 't' ? "unique" : "");
	PQclear(r);
	r = pq(c, "SELECT t.relname, COUNT(*) FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid "
	          "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() "
	          "AND k.contype = 'u' GROUP BY t.relname");
	for (int i = 0; i < PQntuples(r); i++)
		add_fact(f, "unique", PQgetvalue(r, i, 0), "", PQgetvalue(r, i, 1));
	PQclear(r);
	/* columns in key order (conkey/confkey), the action as SQLite spells it */
	r = pq(c, "SELECT t.relname, (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.conkey) "
	          "WITH ORDINALITY k(att, n) JOIN pg_attribute a ON a.attrelid = x.conrelid AND a.attnum = k.att), "
	          "p.relname, (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.confkey) "
	          "WITH ORDINALITY k(att, n) JOIN pg_attribute a ON a.attrelid = x.confrelid AND a.attnum = k.att), "
	          "CASE x.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' "
	          "WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END "
	          "FROM pg_constraint x JOIN pg_class t ON t.oid = x.conrelid JOIN pg_class p ON p.oid = x.confrelid "
	          "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() "
	          "AND x.contype = 'f'");
	for (int i = 0; i < PQntuples(r); i++)
		add_fk(f, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
		       PQgetvalue(r, i, 4));
	PQclear(r);
	PQfinish(c);
}

static void test_same_schema(void **state)
{
	(void)state;
	const char *url = getenv("TSUNAGU_TEST_PG");
	if (!url || !*url) {
		skip();
		return;
	}
	struct facts s = {0}, p = {0};
	sqlite_facts(&s);
	pg_facts(url, &p);
	qsort(s.v, s.n, sizeof(*s.v), cmp_str);
	qsort(p.v, p.n, sizeof(*p.v), cmp_str);
	size_t i = 0, j = 0;
	int diffs = 0;
	while (i < s.n || j < p.n) {
		int c = i == s.n ? 1 : j == p.n ? -1 : strcmp(s.v[i], p.v[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		print_error("%s only: %s\n", c < 0 ? "sqlite" : "postgresql", c < 0 ? s.v[i] : p.v[j]);
		diffs++;
		if (c < 0)
			i++;
		else
			j++;
	}
	assert_true(s.n > 100); /* 16 tables worth of columns */
	size_t nfk = 0;
	for (size_t k = 0; k < s.n; k++)
		nfk += strncmp(s.v[k], "fk|", 3) == 0;
	assert_true(nfk >= 14); /* the foreign keys were seen at all (16 after 0003) */
	free_facts(&s);
	free_facts(&p);
	assert_int_equal(diffs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_schema),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
