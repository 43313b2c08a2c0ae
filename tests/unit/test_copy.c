/*
 * test_copy.c - the whole-database copy (store/copy.c) and the generic copy
 * ops of both stores (store.h struct tg_db_copy_ops).
 *
 * Always: dependency order, SQLite -> SQLite with values chosen to break a
 * sloppy copy (64-bit ids past 2^53, doubles that need 17 digits, text with
 * quotes, backslashes, control characters and 4-byte UTF-8, NULLs), refusal
 * of a non-empty destination, and a forced verification mismatch that must
 * leave the destination untouched. The source holds three tenants (the
 * default one, a second with data and hosts, a disabled one with a 64-bit
 * id), the same login, source id and uuid-free names in two of them, and a
 * tenant's own resource type next to the built-in ones. With
 * TSUNAGU_TEST_PG (a postgresql:// URL of a throwaway cluster,
 * scripts/pg-cluster.sh, connecting as an ordinary role, so row-level
 * security applies): SQLite -> PostgreSQL -> SQLite with every table's count
 * and checksum equal at each step, each tenant seeing exactly its own rows
 * through the store on PostgreSQL, and the identity sequences (tenants.id
 * too) continuing after the copied ids. The PostgreSQL database is emptied
 * with drop_all().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/copy.h"
#include "store/store.h"

struct fx {
	char dir[64];
	char a[128], b[128];
	struct tg_arena arena;
};

static void rm_db(const char *path)
{
	char p[160];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/tg-copy-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->a, sizeof(f->a), "%s/a.db", f->dir);
	snprintf(f->b, sizeof(f->b), "%s/b.db", f->dir);
	tg_arena_init(&f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rm_db(f->a);
	rm_db(f->b);
	rmdir(f->dir);
	tg_arena_release(&f->arena);
	free(f);
	return 0;
}

static struct tg_db *open_migrated(const char *url)
{
	char err[256];
	int applied;
	struct tg_db *db = tg_db_open(url, 1, err, sizeof(err));
	if (!db)
		fail_msg("open %s: %s", url, err);
	if (db->ops->drop_all)
		assert_int_equal(db->ops->drop_all(db), TG_OK);
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	return db;
}

#define T0         "'2026-01-01T00:00:00Z'"
#define BIG_TENANT 9007199254740995LL /* past 2^53 */

/* Rows that a lossy copy would change, in three tenants. */
static void fill_source(const char *path)
{
	sqlite3 *h = NULL;
	char *emsg = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	int src = sqlite3_exec(
	    h,
	    "PRAGMA foreign_keys = ON;"
	    "INSERT INTO settings VALUES ('k\"1', 'line1\nline2\ttab\\back''quote 🎌 ｶﾀｶﾅ');"
	    "INSERT INTO settings VALUES ('K0', '');"
	    "INSERT INTO tenants (id, code, name, disabled, created_at, updated_at) VALUES "
	    "  (2, 'sakura', 'みなと市さくら区', 0, " T0 ", '2026-01-02T00:00:00Z'),"
	    "  (9007199254740995, 'big', 'big ''id'' x', 1, " T0 ", " T0 ");"
	    "INSERT INTO tenant_hosts (host, tenant_id) VALUES ('minato.example.jp', 1), "
	    "  ('sakura.example.jp', 2), ('sakura2.example.jp', 2);"
	    "INSERT INTO areas (id, parent_id, level, name, name_kana, tenant_id) VALUES "
	    "  (1, NULL, 0, 'みなと市', NULL, 1), (2, 1, 1, 'さくら区', 'さくらく', 1),"
	    "  (3, NULL, 0, 'みなと市', NULL, 2);"
	    "INSERT INTO orgs (id, uuid, name, area_id, created_at, updated_at, tenant_id) VALUES "
	    "  (9007199254740993, 'u-1', 'org one', 2, " T0 ", " T0 ", 1),"
	    "  (9223372036854775807, 'u-2', 'org max', NULL, " T0 ", " T0 ", 1),"
	    "  (11, 'u-3', 'org one', 3, " T0 ", " T0 ", 2);"
	    "INSERT INTO users (id, org_id, login, display_name, role, password_hash, disabled, created_at, "
	    "  updated_at, tenant_id) VALUES (1, 11, 'admin', 'さくら管理者', 'admin', 'h', 0, " T0 ", " T0 ", 2),"
	    "  (2, 9007199254740993, 'admin', 'minato admin', 'admin', 'h', 0, " T0 ", " T0 ", 1);"
	    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, tenant_id) VALUES "
	    "  ('th-1', 1, 'c', " T0 ", '2099-01-01T00:00:00Z', 2);"
	    "INSERT INTO resource_types (code, name_ja, name_en, builtin, sort, tenant_id) VALUES "
	    "  ('own', '独自', 'Own', 0, 50, 2);"
	    "INSERT INTO resources (id, uuid, org_id, type_code, name, lat, lon, capacity, source, source_id, "
	    "  created_at, updated_at, tenant_id) "
	    "VALUES (5, 'r-5', 9007199254740993, 'hub', 'A', 0.1, 139.63812345678901, -2147483648, 'csv', 'x1', "
	    "        " T0 ", " T0 ", 1),"
	    "       (7, 'r-7', 9223372036854775807, 'salon', 'B', 2.2250738585072014e-308, 1e300, NULL, NULL, NULL, "
	    "        " T0 ", " T0 ", 1),"
	    "       (8, 'r-8', 11, 'own', 'A', NULL, NULL, 3, 'csv', 'x1', " T0 ", " T0 ", 2);"
	    "INSERT INTO resource_tags (resource_id, tag_code, tenant_id) VALUES (5, 'soudan', 1), (5, 'ibasho', 1),"
	    "  (7, 'papa', 1), (8, 'papa', 2);"
	    /* the hours column as written, duplicate and unsorted: copied as it is */
	    "UPDATE resources SET hours = '1:600-720,1:600-720,0:540-600' WHERE id = 5;"
	    "UPDATE resources SET hours = '2:540-600' WHERE id = 8;"
	    "INSERT INTO resource_exceptions (resource_id, day, closed, open_min, close_min, note, tenant_id) "
	    "  VALUES (5, '2026-01-01', 1, NULL, NULL, NULL, 1), (5, '2026-01-02', 0, 600, 660, 'short', 1),"
	    "  (8, '2026-01-01', 1, NULL, NULL, NULL, 2);"
	    "INSERT INTO resource_changes (id, resource_id, user_id, at, action, before_json, after_json, "
	    "  tenant_id) VALUES (3, 5, NULL, " T0 ", 'create', NULL, '{}', 1),"
	    "  (4, 8, 1, " T0 ", 'create', NULL, '{\"n\":1}', 2);"
	    "INSERT INTO audit_log (id, at, user_id, action, object_type, object_id, detail, tenant_id) VALUES "
	    "  (1, " T0 ", 1, 'login', 'session', NULL, NULL, 2), (2, " T0 ", 2, 'read', 'resource', '5', '', 1);",
	    NULL, NULL, &emsg);
	if (src != SQLITE_OK)
		fail_msg("fill: %s", emsg);
	sqlite3_close(h);
}

struct sums {
	size_t n;
	const char *name[32];
	int64_t rows[32];
	unsigned char sum[32][TG_COPY_SUM_LEN];
};

static void table_sums(struct tg_db *db, struct tg_arena *a, struct sums *s)
{
	struct tg_table *t = NULL;
	size_t nt = 0;
	assert_int_equal(db->ops->copy->table_list(db, a, &t, &nt), TG_OK);
	assert_true(nt > 0 && nt <= 32);
	s->n = nt;
	for (size_t i = 0; i < nt; i++) {
		struct tg_column *c = NULL;
		size_t nc = 0;
		assert_int_equal(db->ops->copy->table_columns(db, a, t[i].name, &c, &nc), TG_OK);
		s->name[i] = t[i].name;
		assert_int_equal(tg_copy_checksum(db, t[i].name, c, nc, &s->rows[i], s->sum[i]), TG_OK);
	}
}

static void assert_same_sums(const struct sums *x, const struct sums *y)
{
	assert_int_equal(x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		assert_string_equal(x->name[i], y->name[i]);
		if (x->rows[i] != y->rows[i] || memcmp(x->sum[i], y->sum[i], TG_COPY_SUM_LEN) != 0)
			print_error("table %s differs\n", x->name[i]);
		assert_int_equal(x->rows[i], y->rows[i]);
		assert_memory_equal(x->sum[i], y->sum[i], TG_COPY_SUM_LEN);
	}
}

static size_t index_of(const struct tg_table *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return i;
	fail_msg("no table %s", name);
	return 0;
}

static void test_sort_tables(void **state)
{
	(void)state;
	const char *d_c[] = {"b", "a"}, *d_b[] = {"a", "b"}, *d_x[] = {"y"}, *d_y[] = {"x"};
	struct tg_table t[] = {
	    {"c", d_c, 2}, {"b", d_b, 2}, {"a", NULL, 0}, {"x", d_x, 1}, {"y", d_y, 1},
	};
	tg_store_sort_tables(t, 5);
	assert_string_equal(t[0].name, "a");
	assert_string_equal(t[1].name, "b"); /* its self-reference does not block it */
	assert_string_equal(t[2].name, "c");
	assert_string_equal(t[3].name, "x"); /* a cycle: by name */
	assert_string_equal(t[4].name, "y");
}

static void test_table_order(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = open_migrated(f->a);
	struct tg_table *t = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->copy->table_list(db, &f->arena, &t, &n), TG_OK);
	assert_int_equal(n, 14);
	assert_true(index_of(t, n, "tenants") < index_of(t, n, "tenant_hosts"));
	assert_true(index_of(t, n, "tenants") < index_of(t, n, "areas"));
	assert_true(index_of(t, n, "tenants") < index_of(t, n, "resource_types"));
	assert_true(index_of(t, n, "orgs") < index_of(t, n, "users"));
	assert_true(index_of(t, n, "users") < index_of(t, n, "sessions"));
	assert_true(index_of(t, n, "resources") < index_of(t, n, "resource_tags"));
	assert_true(index_of(t, n, "tags") < index_of(t, n, "resource_tags"));
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(t[i].name, "schema_migrations");
	tg_db_close(db);
}

static void test_sqlite_to_sqlite(void **state)
{
	struct fx *f = *state;
	struct tg_db *src = open_migrated(f->a), *dst = open_migrated(f->b);
	struct tg_copy_report rep;
	struct sums s1, s2;
	char err[256];
	fill_source(f->a);
	assert_int_equal(tg_copy_run(src, dst, &f->arena, &rep, err, sizeof(err)), TG_OK);
	assert_int_equal(rep.mismatches, 0);
	assert_int_equal(rep.n, 14);
	table_sums(src, &f->arena, &s1);
	table_sums(dst, &f->arena, &s2);
	assert_same_sums(&s1, &s2);
	/* a second copy into the now full destination is refused */
	assert_int_equal(tg_copy_run(src, dst, &f->arena, &rep, err, sizeof(err)), TG_ERR_CONFLICT);
	assert_non_null(strstr(err, "not empty"));
	assert_int_equal(rep.n, 0);
	tg_db_close(src);
	tg_db_close(dst);
}

/* A destination whose rows_write loses the last row of resource_changes (no foreign key points at it). */
static const struct tg_db_copy_ops *real_copy;
static enum tg_rc lossy_write(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                              const struct tg_value *rows, size_t nrows)
{
	return real_copy->rows_write(db, table, cols, ncols, rows, nrows - (strcmp(table, "resource_changes") == 0));
}

static void test_mismatch_rolls_back(void **state)
{
	struct fx *f = *state;
	struct tg_db *src = open_migrated(f->a), *dst = open_migrated(f->b);
	const struct tg_db_ops *real_ops = dst->ops;
	struct tg_db_ops ops = *real_ops;
	struct tg_db_copy_ops copy = *real_ops->copy;
	struct tg_copy_report rep;
	char err[256];
	int64_t n = -1;
	fill_source(f->a);
	real_copy = real_ops->copy;
	copy.rows_write = lossy_write;
	ops.copy = &copy;
	dst->ops = &ops;
	assert_int_equal(tg_copy_run(src, dst, &f->arena, &rep, err, sizeof(err)), TG_ERR_DB);
	dst->ops = real_ops;
	assert_int_equal(rep.mismatches, 1);
	assert_non_null(strstr(err, "verification failed"));
	assert_int_equal(dst->ops->copy->table_count(dst, "orgs", &n), TG_OK);
	assert_int_equal(n, 0); /* rolled back: nothing written */
	assert_int_equal(dst->ops->copy->table_count(dst, "tags", &n), TG_OK);
	assert_int_equal(n, 18); /* the migration's vocabulary is back too */
	assert_int_equal(dst->ops->copy->table_count(dst, "tenants", &n), TG_OK);
	assert_int_equal(n, 1); /* and the default tenant */
	tg_db_close(src);
	tg_db_close(dst);
}

/* After the copy to PostgreSQL: the registry as written, and each tenant
 * sees exactly its rows through the store (tenant filter and row-level
 * security both in play). */
static void check_tenants_pg(struct tg_db *pg, struct tg_arena *a)
{
	struct tg_tenant *ts = NULL, t;
	size_t n = 0;
	assert_int_equal(pg->ops->tenant_list(pg, a, &ts, &n), TG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ts[0].id, 1);
	assert_int_equal(ts[0].n_hosts, 1);
	assert_string_equal(ts[1].code, "sakura");
	assert_int_equal(ts[1].n_hosts, 2);
	assert_string_equal(ts[1].hosts[0], "sakura.example.jp");
	assert_string_equal(ts[1].hosts[1], "sakura2.example.jp");
	assert_string_equal(ts[1].updated_at, "2026-01-02T00:00:00Z");
	assert_int_equal(ts[2].id, BIG_TENANT);
	assert_int_equal(ts[2].disabled, 1);
	assert_int_equal(ts[2].n_hosts, 0);
	assert_int_equal(pg->ops->tenant_get_by_code(pg, a, "big", &t), TG_OK);
	assert_string_equal(t.name, "big 'id' x");

	struct tg_resource *rs = NULL;
	struct tg_user u;
	struct tg_resource_type *ty = NULL;
	size_t nty = 0, nt1 = 0;
	int64_t cnt = 0;
	tg_db_set_tenant(pg, 1);
	assert_int_equal(pg->ops->resource_list(pg, a, NULL, &rs, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rs[0].id, 5);
	assert_int_equal(rs[0].n_hours, 3);
	assert_int_equal(rs[0].n_services, 2);
	assert_int_equal(pg->ops->org_count(pg, &cnt), TG_OK);
	assert_int_equal(cnt, 2);
	assert_int_equal(pg->ops->user_get_by_login(pg, a, "admin", &u), TG_OK);
	assert_int_equal(u.id, 2);
	assert_int_equal(pg->ops->type_list(pg, a, &ty, &nt1), TG_OK);
	tg_db_set_tenant(pg, 2);
	assert_int_equal(pg->ops->resource_list(pg, a, NULL, &rs, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rs[0].id, 8);
	assert_string_equal(rs[0].type_code, "own");
	assert_string_equal(rs[0].org_name, "org one");
	assert_int_equal(rs[0].n_hours, 1);
	assert_int_equal(rs[0].n_exceptions, 1);
	assert_int_equal(rs[0].n_services, 1);
	assert_int_equal(pg->ops->resource_get(pg, a, 5, &rs[0]), TG_ERR_NOT_FOUND);
	assert_int_equal(pg->ops->user_get_by_login(pg, a, "admin", &u), TG_OK);
	assert_int_equal(u.id, 1);
	assert_int_equal(pg->ops->type_list(pg, a, &ty, &nty), TG_OK);
	assert_int_equal(nty, nt1 + 1); /* the built-in ones and "own" */
	tg_db_set_tenant(pg, BIG_TENANT);
	assert_int_equal(pg->ops->resource_count(pg, NULL, &cnt), TG_OK);
	assert_int_equal(cnt, 0);
	tg_db_set_tenant(pg, 0);
}

static void test_round_trip_pg(void **state)
{
	struct fx *f = *state;
	const char *url = getenv("TSUNAGU_TEST_PG");
	if (!url || !*url) {
		skip();
		return;
	}
	struct tg_db *a = open_migrated(f->a), *pg = open_migrated(url), *b = open_migrated(f->b);
	struct tg_copy_report rep;
	struct sums s1, s2, s3;
	char err[256];
	fill_source(f->a);
	if (tg_copy_run(a, pg, &f->arena, &rep, err, sizeof(err)) != TG_OK)
		fail_msg("sqlite -> postgresql: %s", err);
	if (tg_copy_run(pg, b, &f->arena, &rep, err, sizeof(err)) != TG_OK)
		fail_msg("postgresql -> sqlite: %s", err);
	table_sums(a, &f->arena, &s1);
	table_sums(pg, &f->arena, &s2);
	table_sums(b, &f->arena, &s3);
	assert_same_sums(&s1, &s2);
	assert_same_sums(&s1, &s3);
	check_tenants_pg(pg, &f->arena);
	/* identity sequences continue after the copied ids */
	tg_db_set_tenant(pg, 1);
	struct tg_area area = {0};
	area.level = 2;
	area.name = "new district";
	area.parent_id = 2;
	assert_int_equal(pg->ops->area_ensure(pg, &area), TG_OK);
	assert_int_equal(area.id, 4);
	struct tg_change c = {0};
	c.resource_id = 5;
	c.at = "2026-01-02T00:00:00Z";
	c.action = "update";
	assert_int_equal(pg->ops->change_insert(pg, &c), TG_OK);
	struct tg_change *ch = NULL;
	size_t nch = 0;
	assert_int_equal(pg->ops->change_list(pg, &f->arena, 5, &ch, &nch), TG_OK);
	assert_int_equal(nch, 2);
	assert_int_equal(ch[0].id, 5);
	struct tg_tenant t = {0};
	t.code = "new";
	t.name = "new";
	assert_int_equal(pg->ops->tenant_insert(pg, &t), TG_OK);
	assert_int_equal(t.id, BIG_TENANT + 1);
	assert_int_equal(pg->ops->drop_all(pg), TG_OK);
	tg_db_close(a);
	tg_db_close(pg);
	tg_db_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sort_tables),
	    cmocka_unit_test_setup_teardown(test_table_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sqlite_to_sqlite, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mismatch_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trip_pg, setup, teardown),
	};
	return cmocka_run_group_tests_name("copy", tests, NULL, NULL);
}
