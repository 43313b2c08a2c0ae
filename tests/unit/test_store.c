/*
 * test_store.c - unit tests of the stores through struct tg_db_ops, plus
 * tg_db_open's URL dispatch.
 *
 * Every test runs against SQLite (store/sqlite.c) and, when the environment
 * variable TSUNAGU_TEST_PG holds a postgresql:// URL (scripts/pg-cluster.sh
 * prints one), a second time against PostgreSQL (store/pg.c).
 *
 * The file includes sqlite.c itself (like h2o's t/00unit) so that tests can
 * reach the connection handle: to shorten the busy timeout, to age rows, and
 * to look at child tables directly. On PostgreSQL the same raw access goes
 * through a second libpq connection. Each test gets a fresh database: a new
 * file in its own temporary directory (SQLite), or the database of the URL
 * emptied with drop_all() and migrated again (PostgreSQL; do not point
 * TSUNAGU_TEST_PG at data you want to keep).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>

#include <libpq-fe.h>

#include "store/sqlite.c"

/* The backend of the group being run. */
static const char *pg_url;  /* NULL: SQLite */
static PGconn *pg_raw;      /* raw access to the PostgreSQL test database */

static int on_pg(void)
{
	return pg_url != NULL;
}

struct fx {
	char dir[64];
	char path[128];
	struct tg_db *db;
	struct tg_arena a;
};

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static struct tg_db *open_db(const char *path)
{
	char err[256];
	struct tg_db *db = tg_db_open(path, 1, err, sizeof(err));
	if (!db)
		fail_msg("open %s: %s", path, err);
	tg_db_set_tenant(db, 1); /* the tenant of every test but the tenant tests */
	return db;
}

/* PostgreSQL: the test database, emptied (drop_all) but not migrated. */
static struct tg_db *open_empty_pg(void)
{
	struct tg_db *db = open_db(pg_url);
	if (db->ops->drop_all(db) != TG_OK)
		fail_msg("drop_all: %s", db->ops->errmsg(db));
	return db;
}

static int setup(void **state)
{
	struct fx *f = tg_xcalloc(1, sizeof(*f));
	int applied = 0;
	snprintf(f->dir, sizeof(f->dir), "/tmp/tg-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	if (on_pg()) {
		snprintf(f->path, sizeof(f->path), "%s", pg_url);
		f->db = open_empty_pg();
	} else {
		snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
		f->db = open_db(f->path);
	}
	if (f->db->ops->migrate(f->db, &applied) != TG_OK)
		return -1;
	tg_db_set_tenant(f->db, 1); /* "default", created by migration 0003 */
	tg_arena_init(&f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tg_db_close(f->db);
	tg_arena_release(&f->a);
	rm_dir(f->dir);
	free(f);
	return 0;
}

static PGresult *pg_exec(const char *sql)
{
	if (!pg_raw) {
		pg_raw = PQconnectdb(pg_url);
		if (PQstatus(pg_raw) != CONNECTION_OK)
			fail_msg("raw connection: %s", PQerrorMessage(pg_raw));
	}
	PGresult *res = PQexec(pg_raw, sql);
	ExecStatusType es = PQresultStatus(res);
	if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	return res;
}

/* Run one SQL statement on the raw handle and return the first column
 * (a PostgreSQL boolean reads as 1/0). */
static int64_t raw_int(struct tg_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (on_pg()) {
		PGresult *res = pg_exec(sql);
		if (PQntuples(res) > 0) {
			const char *x = PQgetvalue(res, 0, 0);
			v = x[0] == 't' ? 1 : x[0] == 'f' ? 0 : strtoll(x, NULL, 10);
		}
		PQclear(res);
		return v;
	}
	assert_int_equal(sqlite3_prepare_v2(SQ(db)->h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void raw_exec(struct tg_db *db, const char *sql)
{
	if (on_pg()) {
		PQclear(pg_exec(sql));
		return;
	}
	assert_int_equal(sqlite3_exec(SQ(db)->h, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int64_t add_org(struct tg_db *db, const char *name)
{
	struct tg_org o = {0};
	o.name = name;
	assert_int_equal(db->ops->org_insert(db, &o), TG_OK);
	assert_true(o.id > 0);
	return o.id;
}

static const char *svc2[] = {"ibasho", "soudan"};
static const char *acc1[] = {"stroller"};

/* A resource with every nested array filled. */
static void sample_resource(struct tg_resource *r, int64_t org_id, const char *name)
{
	static struct tg_hours hours[] = {{1, 540, 720}, {1, 780, 960}, {3, 600, 900}};
	static struct tg_exception exc[] = {{"2025-01-01", 1, 0, 0, "元日"}, {"2025-05-03", 0, 600, 720, NULL}};
	memset(r, 0, sizeof(*r));
	r->org_id = org_id;
	r->type_code = "hub";
	r->name = name;
	r->name_kana = "テスト";
	r->postal_code = "231-0001";
	r->city = "横浜市中区";
	r->has_geo = 1;
	r->lat = 35.4437;
	r->lon = 139.638;
	r->age_min_months = 0;
	r->age_max_months = 72;
	r->fee_free = 1;
	r->capacity = -1;
	r->services = svc2;
	r->n_services = 2;
	r->access = acc1;
	r->n_access = 1;
	r->hours = hours;
	r->n_hours = 3;
	r->exceptions = exc;
	r->n_exceptions = 2;
	r->is_public = 1;
	r->source = "manual";
}

static void test_open_dispatch(void **state)
{
	(void)state;
	if (on_pg())
		return; /* backend independent: once is enough */
	char err[256];
	char dir[64];
	char path[160];
	snprintf(dir, sizeof(dir), "/tmp/tg-open-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing.db", dir);
	assert_null(tg_db_open(path, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "database not found"));
	/* a server URL goes to libpq; nothing listens on port 1 */
	assert_null(tg_db_open("postgresql://u:secret@127.0.0.1:1/db", 1, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot connect to database"));
	assert_null(strstr(err, "secret"));
	assert_null(tg_db_open("postgres://127.0.0.1:1/db", 1, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot connect to database"));
	assert_true(tg_db_url_is_server("postgres://h/db"));
	assert_false(tg_db_url_is_server("sqlite:postgres://x"));
	assert_null(tg_db_open("", 1, err, sizeof(err)));
	snprintf(path, sizeof(path), "sqlite:%s/new.db", dir);
	struct tg_db *db = tg_db_open(path, 1, err, sizeof(err));
	assert_non_null(db);
	assert_string_equal(db->ops->name, "sqlite");
	assert_int_equal(raw_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(raw_int(db, "PRAGMA synchronous"), 1); /* NORMAL */
	tg_db_close(db);
	snprintf(path, sizeof(path), "%s/new.db", dir);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	rm_dir(dir);
}

static void test_migrate(void **state)
{
	struct fx *f = *state;
	int applied = -1, version = -1;
	assert_int_equal(f->db->ops->migrate(f->db, &applied), TG_OK);
	assert_int_equal(applied, 0); /* setup already migrated: idempotent */
	assert_int_equal(f->db->ops->schema_version(f->db, &version), TG_OK);
	assert_int_equal(version, tg_migrations[tg_n_migrations - 1].version);
	assert_int_equal(raw_int(f->db, "SELECT COUNT(*) FROM schema_migrations"), (int64_t)tg_n_migrations);
	/* A database from a newer program is refused. */
	raw_exec(f->db, "INSERT INTO schema_migrations VALUES (9999, '9999_future', '2030-01-01T00:00:00Z')");
	assert_int_equal(f->db->ops->migrate(f->db, &applied), TG_ERR_UNSUPPORTED);
	assert_non_null(strstr(f->db->ops->errmsg(f->db), "newer"));
}

static void test_migrate_fresh(void **state)
{
	(void)state;
	char dir[64], path[128], err[256];
	int applied = 0, version = -1;
	snprintf(dir, sizeof(dir), "/tmp/tg-mig-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.db", dir);
	struct tg_db *db = on_pg() ? open_empty_pg() : tg_db_open(path, 1, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(db->ops->schema_version(db, &version), TG_OK);
	assert_int_equal(version, 0);
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	assert_int_equal(applied, (int)tg_n_migrations);
	tg_db_close(db);
	rm_dir(dir);
}

static void test_settings_areas(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	const char *v = NULL;
	assert_int_equal(db->ops->setting_get(db, &f->a, "site.name", &v), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->setting_set(db, "site.name", "つなぐ"), TG_OK);
	assert_int_equal(db->ops->setting_set(db, "site.name", "つなぐ横浜"), TG_OK);
	assert_int_equal(db->ops->setting_get(db, &f->a, "site.name", &v), TG_OK);
	assert_string_equal(v, "つなぐ横浜");

	struct tg_area city = {0, 0, TG_AREA_CITY, "横浜市", "よこはまし"};
	assert_int_equal(db->ops->area_ensure(db, &city), TG_OK);
	assert_true(city.id > 0);
	struct tg_area again = {0, 0, TG_AREA_CITY, "横浜市", NULL};
	assert_int_equal(db->ops->area_ensure(db, &again), TG_OK);
	assert_int_equal(again.id, city.id);
	struct tg_area ward = {0, city.id, TG_AREA_WARD, "中区", NULL};
	assert_int_equal(db->ops->area_ensure(db, &ward), TG_OK);
	assert_true(ward.id != city.id);
	struct tg_area *list = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->area_list(db, &f->a, &list, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "横浜市");
	assert_int_equal(list[0].parent_id, 0);
	assert_string_equal(list[0].name_kana, "よこはまし");
	assert_int_equal(list[1].parent_id, city.id);
	assert_int_equal(list[1].level, TG_AREA_WARD);
}

static void test_orgs(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_org o = {0}, got = {0};
	o.name = "中区社会福祉協議会";
	o.kind = "社会福祉協議会";
	o.phone = "045-000-0000";
	assert_int_equal(db->ops->org_insert(db, &o), TG_OK);
	assert_non_null(o.uuid);
	assert_int_equal(strlen(o.uuid), 36);
	assert_int_equal(o.uuid[14], '4'); /* version 4 */
	assert_non_null(strchr("89ab", o.uuid[19]));
	assert_int_equal(strlen(o.created_at), 20);
	assert_int_equal(o.created_at[19], 'Z');
	assert_int_equal(db->ops->org_get(db, &f->a, o.id, &got), TG_OK);
	assert_string_equal(got.name, o.name);
	assert_string_equal(got.kind, "社会福祉協議会");
	assert_string_equal(got.phone, "045-000-0000");
	assert_null(got.email);
	assert_int_equal(got.area_id, 0);
	assert_int_equal(db->ops->org_get_by_uuid(db, &f->a, o.uuid, &got), TG_OK);
	assert_int_equal(got.id, o.id);
	assert_int_equal(db->ops->org_find_by_name(db, &f->a, "中区社会福祉協議会", &got), TG_OK);
	assert_int_equal(got.id, o.id);
	assert_int_equal(db->ops->org_find_by_name(db, &f->a, "none", &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->org_get(db, &f->a, 999, &got), TG_ERR_NOT_FOUND);

	struct tg_org dup = {0};
	dup.name = "copy";
	dup.uuid = o.uuid;
	assert_int_equal(db->ops->org_insert(db, &dup), TG_ERR_CONFLICT);

	for (int i = 0; i < 5; i++)
		add_org(db, "NPO");
	int64_t cnt = 0;
	assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);
	assert_int_equal(cnt, 6);
	struct tg_org *list = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->org_list(db, &f->a, 0, 4, &list, &n), TG_OK);
	assert_int_equal(n, 4);
	assert_int_equal(db->ops->org_list(db, &f->a, list[3].id, 4, &list, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(db->ops->org_list(db, &f->a, 0, 0, &list, &n), TG_OK);
	assert_int_equal(n, 6);

	o.name = "中区社協";
	o.email = "info@example.jp";
	assert_int_equal(db->ops->org_update(db, &o), TG_OK);
	assert_int_equal(db->ops->org_get(db, &f->a, o.id, &got), TG_OK);
	assert_string_equal(got.name, "中区社協");
	assert_string_equal(got.email, "info@example.jp");
	o.id = 12345;
	assert_int_equal(db->ops->org_update(db, &o), TG_ERR_NOT_FOUND);
}

static void test_users_sessions(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org = add_org(db, "事務局");
	int64_t org2 = add_org(db, "NPO");
	struct tg_user u = {0}, got = {0};
	u.org_id = org;
	u.login = "admin";
	u.display_name = "管理者";
	u.role = TG_ROLE_ADMIN;
	u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$x$y";
	assert_int_equal(db->ops->user_insert(db, &u), TG_OK);
	assert_true(u.id > 0);
	assert_int_equal(db->ops->user_get(db, &f->a, u.id, &got), TG_OK);
	assert_string_equal(got.login, "admin");
	assert_string_equal(got.display_name, "管理者");
	assert_int_equal(got.role, TG_ROLE_ADMIN);
	assert_int_equal(got.disabled, 0);
	assert_string_equal(got.password_hash, u.password_hash);
	assert_int_equal(db->ops->user_get_by_login(db, &f->a, "admin", &got), TG_OK);
	assert_int_equal(got.id, u.id);
	assert_int_equal(db->ops->user_get_by_login(db, &f->a, "nobody", &got), TG_ERR_NOT_FOUND);

	struct tg_user u2 = u;
	u2.login = "admin";
	assert_int_equal(db->ops->user_insert(db, &u2), TG_ERR_CONFLICT);
	u2.login = "staff1";
	u2.org_id = 9999; /* no such org: foreign key */
	assert_int_equal(db->ops->user_insert(db, &u2), TG_ERR_INVALID);
	u2.org_id = org2;
	u2.role = TG_ROLE_STAFF;
	assert_int_equal(db->ops->user_insert(db, &u2), TG_OK);

	struct tg_user *list = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->user_list(db, &f->a, 0, &list, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(db->ops->user_list(db, &f->a, org2, &list, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].login, "staff1");
	assert_int_equal(list[0].role, TG_ROLE_STAFF);

	u2.disabled = 1;
	u2.role = TG_ROLE_COORDINATOR;
	u2.display_name = "調整役";
	assert_int_equal(db->ops->user_update(db, &u2), TG_OK);
	assert_int_equal(db->ops->user_get(db, &f->a, u2.id, &got), TG_OK);
	assert_int_equal(got.disabled, 1);
	assert_int_equal(got.role, TG_ROLE_COORDINATOR);
	assert_string_equal(got.display_name, "調整役");
	assert_int_equal(db->ops->user_set_password(db, u2.id, "$argon2id$new"), TG_OK);
	assert_int_equal(db->ops->user_get(db, &f->a, u2.id, &got), TG_OK);
	assert_string_equal(got.password_hash, "$argon2id$new");
	assert_int_equal(db->ops->user_set_password(db, 777, "x"), TG_ERR_NOT_FOUND);

	/* sessions: live, expired, delete, delete_user keeping one */
	struct tg_session s = {0};
	assert_int_equal(db->ops->session_insert(db, "h1", u.id, "csrf1", "2999-01-01T00:00:00Z"), TG_OK);
	assert_int_equal(db->ops->session_insert(db, "h2", u.id, "csrf2", "2999-01-01T00:00:00Z"), TG_OK);
	assert_int_equal(db->ops->session_insert(db, "h3", u.id, "csrf3", "2999-01-01T00:00:00Z"), TG_OK);
	assert_int_equal(db->ops->session_insert(db, "old", u.id, "c", "2000-01-01T00:00:00Z"), TG_OK);
	assert_int_equal(db->ops->session_insert(db, "h1", u.id, "dup", "2999-01-01T00:00:00Z"), TG_ERR_CONFLICT);
	assert_int_equal(db->ops->session_get(db, &f->a, "h1", &s), TG_OK);
	assert_int_equal(s.user_id, u.id);
	assert_string_equal(s.csrf_token, "csrf1");
	assert_string_equal(s.expires_at, "2999-01-01T00:00:00Z");
	assert_int_equal(db->ops->session_get(db, &f->a, "old", &s), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->session_delete(db, "h1"), TG_OK);
	assert_int_equal(db->ops->session_get(db, &f->a, "h1", &s), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->session_delete_user(db, u.id, "h2"), TG_OK);
	assert_int_equal(db->ops->session_get(db, &f->a, "h2", &s), TG_OK);
	assert_int_equal(db->ops->session_get(db, &f->a, "h3", &s), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->session_delete_user(db, u.id, NULL), TG_OK);
	assert_int_equal(db->ops->session_get(db, &f->a, "h2", &s), TG_ERR_NOT_FOUND);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sessions"), 0);
}

static void test_types_tags(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_resource_type *types = NULL;
	struct tg_tag *tags = NULL;
	size_t n = 0, n2 = 0;
	assert_int_equal(db->ops->type_list(db, &f->a, &types, &n), TG_OK);
	assert_int_equal(n, 10);
	assert_string_equal(types[0].code, "hub");
	assert_int_equal(types[0].builtin, 1);
	struct tg_resource_type t = {"family_support", "ファミリー・サポート", "Family support", 0};
	assert_int_equal(db->ops->type_insert(db, &t), TG_OK);
	assert_int_equal(db->ops->type_insert(db, &t), TG_ERR_CONFLICT);
	assert_int_equal(db->ops->type_list(db, &f->a, &types, &n2), TG_OK);
	assert_int_equal(n2, 11);
	assert_string_equal(types[10].code, "family_support");
	assert_int_equal(types[10].builtin, 0);
	assert_int_equal(db->ops->tag_list(db, &f->a, &tags, &n), TG_OK);
	assert_int_equal(n, 18);
	assert_string_equal(tags[0].kind, "service");
	assert_string_equal(tags[0].code, "ibasho");
	assert_string_equal(tags[n - 1].kind, "access");
}

static void check_sample(const struct tg_resource *r)
{
	assert_string_equal(r->type_code, "hub");
	assert_string_equal(r->name_kana, "テスト");
	assert_string_equal(r->city, "横浜市中区");
	assert_int_equal(r->has_geo, 1);
	assert_true(r->lat > 35.4436 && r->lat < 35.4438);
	assert_int_equal(r->age_min_months, 0);
	assert_int_equal(r->age_max_months, 72);
	assert_int_equal(r->capacity, -1);
	assert_int_equal(r->fee_free, 1);
	assert_int_equal(r->n_hours, 3);
	assert_int_equal(r->hours[0].weekday, 1);
	assert_int_equal(r->hours[0].open_min, 540);
	assert_int_equal(r->hours[1].open_min, 780);
	assert_int_equal(r->hours[2].weekday, 3);
	assert_int_equal(r->n_exceptions, 2);
	assert_string_equal(r->exceptions[0].date, "2025-01-01");
	assert_int_equal(r->exceptions[0].closed, 1);
	assert_string_equal(r->exceptions[0].note, "元日");
	assert_int_equal(r->exceptions[1].closed, 0);
	assert_int_equal(r->exceptions[1].open_min, 600);
	assert_null(r->exceptions[1].note);
	assert_int_equal(r->n_services, 2);
	assert_string_equal(r->services[0], "ibasho");
	assert_string_equal(r->services[1], "soudan");
	assert_int_equal(r->n_access, 1);
	assert_string_equal(r->access[0], "stroller");
}

static void test_resource_crud(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org = add_org(db, "子育て支援拠点");
	struct tg_resource r, got;
	sample_resource(&r, org, "ひろば");
	r.source_id = "A-1";
	assert_int_equal(db->ops->resource_insert(db, &r, "ひろば てすと"), TG_OK);
	assert_true(r.id > 0);
	assert_int_equal(r.version, 1);
	assert_non_null(r.uuid);
	assert_non_null(r.created_at);

	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_OK);
	assert_string_equal(got.name, "ひろば");
	assert_string_equal(got.org_name, "子育て支援拠点");
	assert_string_equal(got.uuid, r.uuid);
	assert_int_equal(got.version, 1);
	check_sample(&got);
	assert_int_equal(db->ops->resource_get_by_uuid(db, &f->a, r.uuid, &got), TG_OK);
	assert_int_equal(got.id, r.id);
	check_sample(&got);
	assert_int_equal(db->ops->resource_get_by_source(db, &f->a, "manual", "A-1", &got), TG_OK);
	assert_int_equal(got.id, r.id);
	assert_int_equal(db->ops->resource_get_by_source(db, &f->a, "manual", "B", &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_get(db, &f->a, 4242, &got), TG_ERR_NOT_FOUND);
	assert_int_equal(raw_int(db, "SELECT search_text = 'ひろば てすと' FROM resources"), 1);

	/* same (source, source_id): unique conflict, and nothing half-written */
	struct tg_resource r2;
	sample_resource(&r2, org, "copy");
	r2.source_id = "A-1";
	assert_int_equal(db->ops->resource_insert(db, &r2, NULL), TG_ERR_CONFLICT);
	/* unknown tag: foreign key fails after the main row; the call rolls back */
	static const char *bad[] = {"no_such_tag"};
	sample_resource(&r2, org, "bad tag");
	r2.services = bad;
	r2.n_services = 1;
	assert_int_equal(db->ops->resource_insert(db, &r2, NULL), TG_ERR_INVALID);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_hours"), 3);

	/* update replaces nested rows and bumps the version */
	static struct tg_hours h1[] = {{0, 600, 660}};
	got.name = "ひろば (改)";
	got.hours = h1;
	got.n_hours = 1;
	got.n_exceptions = 0;
	got.n_access = 0;
	got.services = svc2 + 1;
	got.n_services = 1;
	got.has_geo = 0;
	got.capacity = 20;
	struct tg_resource stale = got;
	assert_int_equal(db->ops->resource_update(db, &got, "ひろば"), TG_OK);
	assert_int_equal(got.version, 2);
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_OK);
	assert_string_equal(got.name, "ひろば (改)");
	assert_int_equal(got.version, 2);
	assert_int_equal(got.has_geo, 0);
	assert_int_equal(got.capacity, 20);
	assert_int_equal(got.n_hours, 1);
	assert_int_equal(got.hours[0].weekday, 0);
	assert_int_equal(got.n_exceptions, 0);
	assert_int_equal(got.n_access, 0);
	assert_int_equal(got.n_services, 1);
	assert_string_equal(got.services[0], "soudan");

	/* a second writer holding version 1 loses */
	assert_int_equal(db->ops->resource_update(db, &stale, NULL), TG_ERR_CONFLICT);
	assert_int_equal(stale.version, 1);
	assert_non_null(strstr(db->ops->errmsg(db), "conflict"));
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_OK);
	assert_string_equal(got.name, "ひろば (改)");
	stale.id = 999;
	assert_int_equal(db->ops->resource_update(db, &stale, NULL), TG_ERR_NOT_FOUND);

	/* delete cascades to nested rows */
	assert_int_equal(db->ops->resource_delete(db, r.id), TG_OK);
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_delete(db, r.id), TG_ERR_NOT_FOUND);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_hours"), 0);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_tags"), 0);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_exceptions"), 0);
}

/* n resources in one transaction; resource i has (i % 4) hours rows. */
static void add_many(struct tg_db *db, int64_t org, int n, int64_t *ids)
{
	assert_int_equal(tg_db_begin(db), TG_OK);
	for (int i = 0; i < n; i++) {
		struct tg_resource r;
		struct tg_hours h[3];
		char name[32];
		sample_resource(&r, org, name);
		snprintf(name, sizeof(name), "res-%d", i);
		for (int k = 0; k < i % 4 && k < 3; k++) {
			h[k].weekday = k;
			h[k].open_min = 60 * k;
			h[k].close_min = 60 * k + 30;
		}
		r.hours = h;
		r.n_hours = (size_t)(i % 4 < 3 ? i % 4 : 3);
		r.n_exceptions = (size_t)(i % 2);
		r.is_public = i % 3 != 0;
		assert_int_equal(db->ops->resource_insert(db, &r, name), TG_OK);
		if (ids)
			ids[i] = r.id;
	}
	assert_int_equal(tg_db_commit(db), TG_OK);
}

static void test_get_many(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org = add_org(db, "org");
	enum { N = 300 };
	int64_t ids[N];
	add_many(db, org, N, ids);
	/* order given, duplicates kept, missing ids skipped, across several chunks */
	int64_t want[N + 3];
	size_t nw = 0;
	for (int i = N - 1; i >= 0; i--)
		want[nw++] = ids[i];
	want[nw++] = 999999;
	want[nw++] = ids[5];
	struct tg_resource *out = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->resource_get_many(db, &f->a, want, nw, &out, &n), TG_OK);
	assert_int_equal(n, N + 1);
	for (int i = 0; i < N; i++) {
		int orig = N - 1 - i;
		char name[32];
		snprintf(name, sizeof(name), "res-%d", orig);
		assert_int_equal(out[i].id, ids[orig]);
		assert_string_equal(out[i].name, name);
		assert_int_equal(out[i].n_hours, (size_t)(orig % 4 < 3 ? orig % 4 : 3));
		assert_int_equal(out[i].n_exceptions, (size_t)(orig % 2));
		assert_int_equal(out[i].n_services, 2);
		assert_string_equal(out[i].org_name, "org");
	}
	assert_int_equal(out[N].id, ids[5]);
	assert_int_equal(out[N].n_hours, 1);
	assert_int_equal(db->ops->resource_get_many(db, &f->a, want, 0, &out, &n), TG_OK);
	assert_int_equal(n, 0);
	int64_t one = ids[7];
	assert_int_equal(db->ops->resource_get_many(db, &f->a, &one, 1, &out, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].n_hours, 3);
}

static void test_list_filters(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org1 = add_org(db, "one"), org2 = add_org(db, "two");
	add_many(db, org1, 30, NULL);
	add_many(db, org2, 12, NULL);

	/* keyset paging over everything */
	struct tg_resource_filter flt = {0};
	struct tg_resource *out = NULL;
	size_t n = 0, total = 0;
	int64_t cnt = 0;
	flt.limit = 10;
	for (;;) {
		assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &out, &n), TG_OK);
		if (n == 0)
			break;
		for (size_t i = 1; i < n; i++)
			assert_true(out[i].id > out[i - 1].id);
		assert_true(out[0].id > flt.after_id);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(out[i].n_services, 2);
		total += n;
		flt.after_id = out[n - 1].id;
	}
	assert_int_equal(total, 42);
	assert_int_equal(db->ops->resource_count(db, NULL, &cnt), TG_OK); /* NULL = all */
	assert_int_equal(cnt, 42);
	assert_int_equal(db->ops->resource_list(db, &f->a, NULL, &out, &n), TG_OK);
	assert_int_equal(n, 42);
	memset(&flt, 0, sizeof(flt));
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 42);

	flt.org_id = org2;
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &out, &n), TG_OK);
	assert_int_equal(n, 12);
	assert_string_equal(out[0].org_name, "two");
	assert_string_equal(out[0].name, "res-0");
	assert_int_equal(out[3].n_hours, 3);
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 12);

	flt.public_only = 1; /* i % 3 != 0 is public: 8 of 12 */
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &out, &n), TG_OK);
	assert_int_equal(n, 8);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(out[i].is_public, 1);
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 8);

	/* modified_after: age every row, then touch two */
	raw_exec(db, "UPDATE resources SET updated_at = '2020-01-01T00:00:00Z'");
	struct tg_resource r;
	memset(&flt, 0, sizeof(flt));
	flt.limit = 2;
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &out, &n), TG_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < 2; i++) {
		r = out[i];
		assert_int_equal(db->ops->resource_update(db, &r, NULL), TG_OK);
	}
	memset(&flt, 0, sizeof(flt));
	flt.modified_after = "2024-01-01T00:00:00Z";
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &out, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].version, 2);
	flt.org_id = org2;
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 0);
}

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org = add_org(db, "org");
	struct tg_resource r, got;
	sample_resource(&r, org, "rolled back");
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(tg_db_begin(db), TG_ERR_INTERNAL);
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_OK);
	tg_db_rollback(db);
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_ERR_NOT_FOUND);
	assert_int_equal(tg_db_commit(db), TG_ERR_INTERNAL);

	/* a failing call inside begin() undoes only itself (savepoint) */
	assert_int_equal(tg_db_begin(db), TG_OK);
	sample_resource(&r, org, "kept");
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_OK);
	struct tg_resource bad;
	static const char *nosuch[] = {"nope"};
	sample_resource(&bad, org, "bad");
	bad.access = nosuch;
	assert_int_equal(db->ops->resource_insert(db, &bad, NULL), TG_ERR_INVALID);
	assert_int_equal(tg_db_commit(db), TG_OK);
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_OK);
	assert_string_equal(got.name, "kept");
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 1);
	int applied = 0;
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->migrate(db, &applied), TG_ERR_INTERNAL);
	tg_db_rollback(db);
}

static void test_changes_audit(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org = add_org(db, "org");
	struct tg_user u = {0};
	u.org_id = org;
	u.login = "staff";
	u.display_name = "担当者";
	u.role = TG_ROLE_STAFF;
	u.password_hash = "h";
	assert_int_equal(db->ops->user_insert(db, &u), TG_OK);
	struct tg_change c = {0};
	c.resource_id = 7;
	c.action = "create";
	c.after_json = "{\"name\":\"a\"}";
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	c.user_id = u.id;
	c.action = "update";
	c.before_json = "{\"name\":\"a\"}";
	c.after_json = "{\"name\":\"b\"}";
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	c.resource_id = 8;
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	struct tg_change *list = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->change_list(db, &f->a, 7, &list, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].action, "update"); /* newest first */
	assert_int_equal(list[0].user_id, u.id);
	assert_string_equal(list[0].user_name, "担当者");
	assert_string_equal(list[0].before_json, "{\"name\":\"a\"}");
	assert_string_equal(list[1].action, "create");
	assert_int_equal(list[1].user_id, 0);
	assert_null(list[1].user_name);
	assert_null(list[1].before_json);
	assert_int_equal(strlen(list[1].at), 20);

	for (int i = 0; i < 5; i++) {
		struct tg_audit e = {0};
		char oid[16];
		snprintf(oid, sizeof(oid), "%d", i);
		e.user_id = i ? u.id : 0;
		e.action = "login";
		e.object_type = "session";
		e.object_id = oid;
		assert_int_equal(db->ops->audit_insert(db, &e), TG_OK);
	}
	struct tg_audit *al = NULL;
	assert_int_equal(db->ops->audit_list(db, &f->a, 0, 3, &al, &n), TG_OK);
	assert_int_equal(n, 3);
	assert_string_equal(al[0].object_id, "4");
	assert_true(al[0].id > al[1].id);
	assert_int_equal(db->ops->audit_list(db, &f->a, al[2].id, 0, &al, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(al[1].object_id, "0");
	assert_int_equal(al[1].user_id, 0);
	assert_null(al[1].detail);
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	char dest[160], err[256];
	add_many(db, add_org(db, "org"), 50, NULL);
	snprintf(dest, sizeof(dest), "%s/backup.db", f->dir);
	assert_int_equal(db->ops->backup(db, dest), TG_OK);
	struct stat sb;
	assert_int_equal(stat(dest, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(db->ops->backup(db, dest), TG_ERR_CONFLICT);
	if (on_pg()) {
		/* pg_dump's custom format: restore with pg_restore */
		char magic[5] = {0};
		FILE *fp = fopen(dest, "rb");
		assert_non_null(fp);
		assert_int_equal(fread(magic, 1, 5, fp), 5);
		fclose(fp);
		assert_memory_equal(magic, "PGDMP", 5);
		snprintf(dest, sizeof(dest), "%s/no/such/dir.db", f->dir);
		assert_int_equal(db->ops->backup(db, dest), TG_ERR_IO);
		(void)err;
		return;
	}
	struct tg_db *copy = tg_db_open(dest, 0, err, sizeof(err));
	assert_non_null(copy);
	tg_db_set_tenant(copy, 1);
	struct tg_resource_filter flt = {0};
	int64_t cnt = 0;
	int version = 0;
	assert_int_equal(copy->ops->resource_count(copy, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 50);
	assert_int_equal(copy->ops->schema_version(copy, &version), TG_OK);
	assert_int_equal(version, tg_migrations[tg_n_migrations - 1].version);
	assert_int_equal(raw_int(copy, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	tg_db_close(copy);
	snprintf(dest, sizeof(dest), "%s/no/such/dir.db", f->dir);
	assert_int_equal(db->ops->backup(db, dest), TG_ERR_IO);
}

/* PostgreSQL takes row locks as it writes (begin() does not lock up front):
 * a writer waiting longer than lock_timeout gets TG_ERR_BUSY. */
static void busy_pg(struct fx *f)
{
	setenv("PGOPTIONS", "-c lock_timeout=100", 1); /* keep the test fast */
	struct tg_db *other = open_db(f->path);
	unsetenv("PGOPTIONS");
	int64_t org = add_org(f->db, "org");
	assert_int_equal(f->db->ops->setting_set(f->db, "k", "0"), TG_OK);
	assert_int_equal(tg_db_begin(f->db), TG_OK);
	assert_int_equal(tg_db_begin(other), TG_OK);
	tg_db_rollback(other);
	assert_int_equal(f->db->ops->setting_set(f->db, "k", "1"), TG_OK);
	assert_int_equal(other->ops->setting_set(other, "k", "2"), TG_ERR_BUSY);
	assert_non_null(strstr(other->ops->errmsg(other), "setting_set"));
	/* readers are not blocked by the writer */
	int64_t cnt = 0;
	assert_int_equal(other->ops->org_count(other, &cnt), TG_OK);
	assert_int_equal(cnt, 1);
	/* inside the other's transaction the busy call undoes only itself */
	assert_int_equal(tg_db_begin(other), TG_OK);
	assert_int_equal(other->ops->setting_set(other, "k", "2"), TG_ERR_BUSY);
	struct tg_resource r;
	sample_resource(&r, org, "x");
	assert_int_equal(other->ops->resource_insert(other, &r, NULL), TG_OK);
	assert_int_equal(tg_db_commit(other), TG_OK);
	assert_int_equal(tg_db_commit(f->db), TG_OK);
	assert_int_equal(other->ops->setting_set(other, "k", "2"), TG_OK);
	tg_db_close(other);
}

static void test_busy(void **state)
{
	struct fx *f = *state;
	if (on_pg()) {
		busy_pg(f);
		return;
	}
	struct tg_db *other = open_db(f->path);
	int64_t org = add_org(f->db, "org");
	sqlite3_busy_timeout(SQ(other)->h, 50); /* keep the test fast */
	assert_int_equal(tg_db_begin(f->db), TG_OK);
	assert_int_equal(tg_db_begin(other), TG_ERR_BUSY);
	struct tg_resource r;
	sample_resource(&r, org, "x");
	assert_int_equal(other->ops->resource_insert(other, &r, NULL), TG_ERR_BUSY);
	assert_int_equal(other->ops->setting_set(other, "k", "v"), TG_ERR_BUSY);
	/* readers are not blocked by the writer (WAL) */
	int64_t cnt = 0;
	assert_int_equal(other->ops->org_count(other, &cnt), TG_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(tg_db_commit(f->db), TG_OK);
	assert_int_equal(other->ops->resource_insert(other, &r, NULL), TG_OK);
	tg_db_close(other);
}

/* PostgreSQL only: a connection killed by the server is re-established for
 * the next call outside a transaction; inside one the call is BUSY and the
 * rollback reconnects. */
static void test_reconnect(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t cnt = 0;
	if (!on_pg())
		return;
	add_org(db, "org");
	const char *kill = "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
	                   "WHERE datname = current_database() AND pid <> pg_backend_pid()";
	raw_int(db, kill);
	usleep(100 * 1000);
	assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	raw_int(db, kill);
	usleep(100 * 1000);
	assert_int_equal(db->ops->setting_set(db, "k", "v"), TG_ERR_BUSY);
	tg_db_rollback(db);
	assert_int_equal(db->ops->setting_set(db, "k", "v"), TG_OK);
	add_org(db, "again");
	assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);
	assert_int_equal(cnt, 2);
}

/* PostgreSQL only: the migration text the PostgreSQL store applies. */
static void test_pg_rewrite(void **state)
{
	(void)state;
	char *out = tg_pg_rewrite_migration("-- id INTEGER PRIMARY KEY here\n"
	                                    "CREATE TABLE t (id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES o(id),\n"
	                                    "  n INTEGER NOT NULL DEFAULT 0, s TEXT DEFAULT 'INTEGER', x_id INTEGER);");
	assert_string_equal(out, "-- id INTEGER PRIMARY KEY here\n"
	                         "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
	                         "org_id BIGINT REFERENCES o(id),\n"
	                         "  n INTEGER NOT NULL DEFAULT 0, s TEXT DEFAULT 'INTEGER', x_id BIGINT);");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_dispatch),
		cmocka_unit_test(test_pg_rewrite),
		cmocka_unit_test(test_migrate_fresh),
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings_areas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orgs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_types_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resource_crud, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("store_sqlite", tests, NULL, NULL);
	const char *url = getenv("TSUNAGU_TEST_PG");
	if (url && *url) {
		pg_url = url;
		failed += cmocka_run_group_tests_name("store_postgresql", tests, NULL, NULL);
		if (pg_raw)
			PQfinish(pg_raw);
	}
	return failed;
}
