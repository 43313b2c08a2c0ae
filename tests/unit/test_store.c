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
static const char *pg_url; /* NULL: SQLite */
static PGconn *pg_raw;     /* raw access to the PostgreSQL test database */

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
		/* The raw connection runs as the same ordinary role: it looks
		 * past row-level security with the whole-database setting. */
		PQclear(PQexec(pg_raw, "SET tsunagu.tenant = '*'"));
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
/* sample_resource()'s hours as stored (migration 0007, store/hours_col.h) */
#define SAMPLE_HOURS "'1:540-720,1:780-960,3:600-900'"

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
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE hours = " SAMPLE_HOURS), 1);

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

	/* the search text alone (an organization renamed): version kept, updated_at set */
	assert_int_equal(db->ops->resource_set_search_text(db, r.id, "あたらしい なまえ"), TG_OK);
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_OK);
	assert_string_equal(got.search_text, "あたらしい なまえ");
	assert_int_equal(got.version, 2);
	assert_int_equal(db->ops->resource_set_search_text(db, 999, "x"), TG_ERR_NOT_FOUND);

	/* delete cascades to nested rows */
	assert_int_equal(db->ops->resource_delete(db, r.id), TG_OK);
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_delete(db, r.id), TG_ERR_NOT_FOUND);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 0);
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

	/* verified_before: never verified, or verified before the day */
	raw_exec(db, "UPDATE resources SET verified_at = '2026-03-01'");
	char sql[160];
	snprintf(sql, sizeof(sql), "UPDATE resources SET verified_at = NULL WHERE org_id = %lld AND name = 'res-1'",
	         (long long)org1);
	raw_exec(db, sql);
	snprintf(sql, sizeof(sql),
	         "UPDATE resources SET verified_at = '2026-01-31' WHERE org_id = %lld AND name = 'res-2'",
	         (long long)org2);
	raw_exec(db, sql);
	snprintf(sql, sizeof(sql),
	         "UPDATE resources SET verified_at = '2026-02-01' WHERE org_id = %lld AND name = 'res-3'",
	         (long long)org2);
	raw_exec(db, sql);
	memset(&flt, 0, sizeof(flt));
	flt.verified_before = "2026-02-01";
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &out, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_true(out[0].verified_at == NULL);
	assert_string_equal(out[0].name, "res-1");
	assert_string_equal(out[1].verified_at, "2026-01-31");
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 2);
	flt.org_id = org2; /* with another filter */
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &out, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].name, "res-2");
	flt.verified_before = "2026-03-02";
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 12);
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

/* ---- resource_insert_many (optional op; PostgreSQL) ---- */

enum { MANY_N = 7 };

static int64_t add_tenant(struct tg_db *db, const char *code, const char *host);

/* The reference rows both paths write (orgs, an area, a custom type), into
 * a fresh database, so that they get the same ids each time. */
static void many_refs(struct tg_db *db, int64_t *org1, int64_t *org2, int64_t *area)
{
	struct tg_area city = {0, 0, TG_AREA_CITY, "横浜市", NULL};
	struct tg_resource_type t = {"kodomo_x", "こども", "Kids", 0};
	*org1 = add_org(db, "org one");
	*org2 = add_org(db, "org \"two\"");
	assert_int_equal(db->ops->area_ensure(db, &city), TG_OK);
	*area = city.id;
	assert_int_equal(db->ops->type_insert(db, &t), TG_OK);
}

/* MANY_N resources covering what array literals and NULLs can get wrong:
 * quotes, backslashes, braces, commas, the text "NULL", empty strings,
 * no geo, NULL ages and capacity, closed and open exceptions, no hours,
 * only services or only access, confidential, a custom type. */
static void many_rows(struct tg_resource *r, const char **texts, int64_t org1, int64_t org2, int64_t area)
{
	static struct tg_hours h1[] = {{0, 0, 1439}, {7, 600, 660}};
	static struct tg_exception e1[] = {{"2025-12-31", 1, 0, 0, "年末 \"休み\", {閉}"},
	                                   {"2026-01-04", 0, 540, 1020, ""}};
	static const char *svc1[] = {"ichiji"};
	static const char *acc2[] = {"parking", "elevator"};
	static const char *names[MANY_N] = {"plain",    "q\"uo\\te",  "{brace},comma", "NULL",
	                                    " spaced ", "改行\nあり", "last"};
	for (int i = 0; i < MANY_N; i++) {
		sample_resource(&r[i], i % 2 ? org2 : org1, names[i]);
		r[i].source = "many";
		r[i].source_id = i == 3 ? "NULL" : names[i];
		texts[i] = names[i];
	}
	r[1].has_geo = 0;
	r[1].age_min_months = -1;
	r[1].age_max_months = -1;
	r[1].capacity = 25;
	r[1].description = "";
	r[2].hours = h1;
	r[2].n_hours = 2;
	r[2].exceptions = e1;
	r[2].n_exceptions = 2;
	r[2].area_id = area;
	r[2].is_confidential = 1;
	r[2].is_public = 0;
	r[2].front_door = "裏口 \\ back";
	r[2].verified_at = "2025-01-02T03:04:05Z";
	r[3].n_hours = 0;
	r[3].n_exceptions = 0;
	r[3].services = svc1;
	r[3].n_services = 1;
	r[3].n_access = 0;
	r[3].type_code = "kodomo_x";
	r[4].n_services = 0;
	r[4].access = acc2;
	r[4].n_access = 2;
	r[4].lat = -(0.1 + 0.2); /* 17 significant digits to round-trip */
	r[4].lon = 1e-300;
	r[5].fee_free = 0;
	r[5].fee_text = "100円";
	texts[5] = NULL; /* stored as "" */
	r[6].source_id = NULL;
}

/* Every column of the rows a write of resources leaves, but the generated
 * uuid and timestamps, child tables in physical order (what a dump shows). */
static char *many_dump(void)
{
	static const char *const q[] = {
	    "SELECT to_jsonb(x) - 'uuid' - 'created_at' - 'updated_at' FROM resources x ORDER BY id",
	    "SELECT to_jsonb(x) FROM resource_exceptions x ORDER BY ctid",
	    "SELECT to_jsonb(x) FROM resource_tags x ORDER BY ctid",
	    "SELECT to_jsonb(x) - 'at' FROM resource_changes x ORDER BY id",
	};
	struct tg_buf b = TG_BUF_INIT;
	for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++) {
		PGresult *res = pg_exec(q[k]);
		for (int i = 0; i < PQntuples(res); i++)
			tg_buf_printf(&b, "%s\n", PQgetvalue(res, i, 0));
		tg_buf_adds(&b, "--\n");
		PQclear(res);
	}
	return tg_buf_detach(&b, NULL);
}

/* The bulk path writes exactly what resource_insert + change_insert write,
 * row for row (ids included), and fills in the caller's structs the same. */
static void test_insert_many_same(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_resource r[MANY_N];
	const char *texts[MANY_N];
	int64_t org1, org2, area, ids[MANY_N];
	int applied = 0;
	if (!db->ops->resource_insert_many)
		return; /* SQLite: the importer writes row by row */

	/* per row, as the importer does without the op */
	many_refs(db, &org1, &org2, &area);
	many_rows(r, texts, org1, org2, area);
	assert_int_equal(tg_db_begin(db), TG_OK);
	for (int i = 0; i < MANY_N; i++) {
		assert_int_equal(db->ops->resource_insert(db, &r[i], texts[i]), TG_OK);
		struct tg_change c = {0, r[i].id, 5, NULL, NULL, "import", NULL, NULL};
		assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
		ids[i] = r[i].id;
	}
	assert_int_equal(tg_db_commit(db), TG_OK);
	char *per_row = many_dump();
	assert_non_null(strstr(per_row, "\"is_confidential\": 1"));

	/* a fresh database, the same rows in two calls, in bulk mode */
	assert_int_equal(db->ops->drop_all(db), TG_OK);
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	many_refs(db, &org1, &org2, &area);
	many_rows(r, texts, org1, org2, area);
	struct tg_resource *rs[MANY_N];
	for (int i = 0; i < MANY_N; i++)
		rs[i] = &r[i];
	struct tg_change ch = {0, 0, 5, NULL, NULL, "import", NULL, NULL};
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->resource_insert_many(db, rs, texts, 3, &ch), TG_OK);
	assert_int_equal(db->ops->resource_insert_many(db, rs + 3, texts + 3, MANY_N - 3, &ch), TG_OK);
	assert_int_equal(tg_db_commit(db), TG_OK);
	db->ops->bulk(db, 0);
	char *bulk = many_dump();
	assert_string_equal(bulk, per_row);
	for (int i = 0; i < MANY_N; i++) {
		assert_int_equal(r[i].id, ids[i]);
		assert_non_null(r[i].uuid);
		assert_int_equal(r[i].version, 1);
		assert_non_null(r[i].created_at);
		struct tg_resource got;
		assert_int_equal(db->ops->resource_get(db, &f->a, r[i].id, &got), TG_OK);
		assert_string_equal(got.uuid, r[i].uuid);
		assert_string_equal(got.created_at, r[i].created_at);
	}
	free(per_row);
	free(bulk);
}

/* All or nothing: a bad row in the middle of a bulk write leaves nothing of
 * the import (bulk mode: the caller rolls back); inside begin() without bulk
 * mode a failed call undoes only itself; on its own a call writes all or
 * nothing. */
/* A bulk write's failure is never lost and never renamed (PostgreSQL sends
 * it and reads the result with the next statement): not when the write
 * takes the import past BULK_ANALYZE_AT (whose ANALYZE runs right after
 * it), not in the last chunk of a large import (commit's ANALYZE), and not
 * when the next call is one whose own error mapping could claim it. */
#define BULK_CHUNK 256
static void bulk_run(struct tg_db *db, int64_t org, int chunks, int bad_chunk, struct tg_resource *r, char (*sid)[32],
                     enum tg_rc *last_rc)
{
	struct tg_resource *rs[BULK_CHUNK];
	const char *texts[BULK_CHUNK];
	struct tg_change ch = {0, 0, 0, NULL, NULL, "import", NULL, NULL};
	*last_rc = TG_OK;
	for (int k = 0; k < chunks && *last_rc == TG_OK; k++) {
		for (int i = 0; i < BULK_CHUNK; i++) {
			sample_resource(&r[i], org, "bulk");
			snprintf(sid[i], sizeof(sid[i]), "b%d-%d", k, i);
			r[i].source_id = sid[i];
			r[i].type_code = k == bad_chunk && i == 100 ? "no-such-type" : "hub";
			rs[i] = &r[i];
			texts[i] = "bulk";
		}
		*last_rc = db->ops->resource_insert_many(db, rs, texts, BULK_CHUNK, &ch);
	}
}

static void test_bulk_failure_kept(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_resource *r = calloc(BULK_CHUNK, sizeof(*r));
	char(*sid)[32] = calloc(BULK_CHUNK, sizeof(*sid));
	struct tg_resource got;
	enum tg_rc rc;
	int64_t cnt = 0;
	if (!db->ops->resource_insert_many || !on_pg()) {
		free(r);
		free(sid);
		return;
	}
	int64_t org = add_org(db, "bulk org");

	/* chunk 3 takes the writes from 768 to 1,024: ANALYZE follows it */
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	bulk_run(db, org, 4, 3, r, sid, &rc);
	if (rc == TG_OK)
		rc = db->ops->org_count(db, &cnt);
	assert_int_equal(rc, TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "resource_insert_many: unknown resource type"));
	/* and every call after it says the same, whatever its own mapping */
	sample_resource(&got, org, "other");
	got.id = 1;
	got.version = 1;
	assert_int_equal(db->ops->resource_update(db, &got, "x"), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "resource_insert_many: unknown resource type"));
	assert_int_equal(tg_db_commit(db), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "resource_insert_many: unknown resource type"));
	db->ops->bulk(db, 0);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 0);

	/* the last chunk of 2,048 rows: commit analyzes, then commits */
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	bulk_run(db, org, 8, 7, r, sid, &rc);
	assert_int_equal(rc, TG_OK); /* sent */
	assert_int_equal(tg_db_commit(db), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "resource_insert_many: unknown resource type"));
	db->ops->bulk(db, 0);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 0);
	/* the connection is usable again */
	assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);

	/* the same 2,048 rows without the bad one go in */
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	bulk_run(db, org, 8, -1, r, sid, &rc);
	assert_int_equal(rc, TG_OK);
	assert_int_equal(tg_db_commit(db), TG_OK);
	db->ops->bulk(db, 0);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 8 * BULK_CHUNK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE hours = " SAMPLE_HOURS), 8 * BULK_CHUNK);
	free(r);
	free(sid);
}

/* Hours the domain would refuse are refused by the store too, before any
 * write (the column could not hold them faithfully). */
static void test_hours_range(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_resource r, *rs[1] = {&r};
	const char *texts[1] = {"x"};
	struct tg_change ch = {0, 0, 0, NULL, NULL, "import", NULL, NULL};
	static const struct tg_hours bad[][1] = {{{8, 540, 600}}, {{-1, 540, 600}}, {{1, -5, 600}}, {{1, 540, 1441}}};
	int64_t org = add_org(db, "range org");
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		sample_resource(&r, org, "range");
		r.hours = (struct tg_hours *)bad[k];
		r.n_hours = 1;
		assert_int_equal(db->ops->resource_insert(db, &r, "x"), TG_ERR_INVALID);
		assert_non_null(strstr(db->ops->errmsg(db), "hours"));
		if (db->ops->resource_insert_many) {
			r.uuid = NULL;
			assert_int_equal(db->ops->resource_insert_many(db, rs, texts, 1, &ch), TG_ERR_INVALID);
		}
	}
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 0);
	sample_resource(&r, org, "range");
	assert_int_equal(db->ops->resource_insert(db, &r, "x"), TG_OK);
	r.hours = (struct tg_hours *)bad[0];
	assert_int_equal(db->ops->resource_update(db, &r, "x"), TG_ERR_INVALID);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE hours = " SAMPLE_HOURS), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE version = 1"), 1);
}

static void test_insert_many_rollback(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_resource r[MANY_N], *rs[MANY_N];
	const char *texts[MANY_N];
	int64_t org1, org2, area;
	static const char *const tables[] = {"resources", "resource_exceptions", "resource_tags", "resource_changes"};
	char sql[96];
	if (!db->ops->resource_insert_many)
		return;
	many_refs(db, &org1, &org2, &area);
	many_rows(r, texts, org1, org2, area);
	for (int i = 0; i < MANY_N; i++)
		rs[i] = &r[i];
	struct tg_change ch = {0, 0, 0, NULL, NULL, "import", NULL, NULL};

	r[4].org_id = org2 + 1000; /* no such org: the foreign key refuses row 4 */
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->resource_insert_many(db, rs, texts, 2, &ch), TG_OK);
	enum tg_rc rc = db->ops->resource_insert_many(db, rs + 2, texts + 2, MANY_N - 2, &ch);
	if (rc == TG_OK) {
		/* PostgreSQL sends a bulk write and returns: its failure is the
		 * failure of the next call, here commit, which rolls back */
		assert_true(on_pg());
		assert_int_equal(tg_db_commit(db), TG_ERR_INVALID);
	} else {
		assert_int_equal(rc, TG_ERR_INVALID);
		tg_db_rollback(db);
	}
	assert_non_null(strstr(db->ops->errmsg(db), "resource_insert_many"));
	assert_null(strstr(db->ops->errmsg(db), "1000")); /* names columns, never values */
	db->ops->bulk(db, 0);
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[k]);
		assert_int_equal(raw_int(db, sql), 0);
	}
	if (on_pg()) {
		/* the failure of a bulk write in flight comes out of whatever call
		 * follows (a read here), with the write's own message (an unknown
		 * type as for a direct call); a rollback then goes ahead */
		int64_t cnt = 0;
		r[4].org_id = org1;
		r[5].type_code = "no-such-type";
		db->ops->bulk(db, 1);
		assert_int_equal(tg_db_begin(db), TG_OK);
		assert_int_equal(db->ops->resource_insert_many(db, rs, texts, MANY_N, &ch), TG_OK);
		assert_int_equal(db->ops->org_count(db, &cnt), TG_ERR_INVALID);
		assert_non_null(strstr(db->ops->errmsg(db), "resource_insert_many: unknown resource type"));
		tg_db_rollback(db);
		db->ops->bulk(db, 0);
		assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 0);
		/* and a rollback with the failed write still in flight */
		db->ops->bulk(db, 1);
		assert_int_equal(tg_db_begin(db), TG_OK);
		assert_int_equal(db->ops->resource_insert_many(db, rs, texts, MANY_N, &ch), TG_OK);
		tg_db_rollback(db);
		db->ops->bulk(db, 0);
		assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);
		assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 0);
		/* a good bulk write in flight is read by commit */
		r[5].type_code = "hub";
		db->ops->bulk(db, 1);
		assert_int_equal(tg_db_begin(db), TG_OK);
		assert_int_equal(db->ops->resource_insert_many(db, rs, texts, 2, &ch), TG_OK);
		assert_int_equal(tg_db_commit(db), TG_OK);
		db->ops->bulk(db, 0);
		assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 2);
		raw_exec(db,
		         "DELETE FROM resource_changes; DELETE FROM resource_tags; DELETE FROM resource_exceptions; "
		         "DELETE FROM resources");
		for (int i = 0; i < MANY_N; i++)
			r[i].uuid = NULL;
		r[5].type_code = "no-such-type";
	}

	/* inside begin(), no bulk mode: the failed call alone is undone */
	r[4].org_id = org1;
	r[5].type_code = "no-such-type";
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->resource_insert_many(db, rs, texts, 2, &ch), TG_OK);
	assert_int_equal(db->ops->resource_insert_many(db, rs + 2, texts + 2, MANY_N - 2, &ch), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "unknown resource type"));
	assert_int_equal(tg_db_commit(db), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_changes"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE hours = " SAMPLE_HOURS), 2);

	/* on its own (own transaction): nothing of a failed call stays */
	assert_int_equal(db->ops->resource_insert_many(db, rs + 2, texts + 2, MANY_N - 2, &ch), TG_ERR_INVALID);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 2);
	r[5].type_code = "hub";
	assert_int_equal(db->ops->resource_insert_many(db, rs + 2, texts + 2, MANY_N - 2, &ch), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), MANY_N);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_changes WHERE action = 'import' "
	                             "AND before_json IS NULL AND after_json IS NULL AND user_id IS NULL"),
	                 MANY_N);

	/* another tenant's org is refused like an unknown one */
	int64_t t2 = add_tenant(db, "many-t2", NULL);
	tg_db_set_tenant(db, t2);
	r[0].source_id = "t2";
	r[0].uuid = NULL;
	assert_int_equal(db->ops->resource_insert_many(db, rs, texts, 1, &ch), TG_ERR_INVALID);
	tg_db_set_tenant(db, 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), MANY_N);
}

/* ---- resource_get_by_source_many, org_insert_many (optional ops; PostgreSQL) ---- */

static void same_str(const char *what, const char *a, const char *b)
{
	if (!a || !b) {
		if (a != b)
			fail_msg("%s: %s vs %s", what, a ? a : "NULL", b ? b : "NULL");
		return;
	}
	if (strcmp(a, b) != 0)
		fail_msg("%s: \"%s\" vs \"%s\"", what, a, b);
}

/* Every field of two resources read back, nested rows in order. */
static void assert_same_read(const struct tg_resource *a, const struct tg_resource *b)
{
	assert_int_equal(a->id, b->id);
	same_str("uuid", a->uuid, b->uuid);
	assert_int_equal(a->org_id, b->org_id);
	same_str("org_name", a->org_name, b->org_name);
	same_str("type_code", a->type_code, b->type_code);
	same_str("name", a->name, b->name);
	same_str("name_kana", a->name_kana, b->name_kana);
	same_str("description", a->description, b->description);
	assert_int_equal(a->area_id, b->area_id);
	same_str("postal_code", a->postal_code, b->postal_code);
	same_str("prefecture", a->prefecture, b->prefecture);
	same_str("city", a->city, b->city);
	same_str("address_line", a->address_line, b->address_line);
	same_str("building", a->building, b->building);
	assert_int_equal(a->has_geo, b->has_geo);
	assert_memory_equal(&a->lat, &b->lat, sizeof(a->lat));
	assert_memory_equal(&a->lon, &b->lon, sizeof(a->lon));
	same_str("phone", a->phone, b->phone);
	same_str("email", a->email, b->email);
	same_str("url", a->url, b->url);
	assert_int_equal(a->age_min_months, b->age_min_months);
	assert_int_equal(a->age_max_months, b->age_max_months);
	assert_int_equal(a->fee_free, b->fee_free);
	same_str("fee_text", a->fee_text, b->fee_text);
	assert_int_equal(a->capacity, b->capacity);
	same_str("accessibility_notes", a->accessibility_notes, b->accessibility_notes);
	same_str("schedule_note", a->schedule_note, b->schedule_note);
	assert_int_equal(a->is_public, b->is_public);
	assert_int_equal(a->is_confidential, b->is_confidential);
	same_str("front_door", a->front_door, b->front_door);
	same_str("verified_at", a->verified_at, b->verified_at);
	same_str("source", a->source, b->source);
	same_str("source_id", a->source_id, b->source_id);
	same_str("created_at", a->created_at, b->created_at);
	same_str("updated_at", a->updated_at, b->updated_at);
	assert_int_equal(a->version, b->version);
	same_str("search_text", a->search_text, b->search_text);
	assert_int_equal(a->n_hours, b->n_hours);
	for (size_t i = 0; i < a->n_hours; i++)
		assert_memory_equal(&a->hours[i], &b->hours[i], sizeof(a->hours[i]));
	assert_int_equal(a->n_exceptions, b->n_exceptions);
	for (size_t i = 0; i < a->n_exceptions; i++) {
		same_str("exception date", a->exceptions[i].date, b->exceptions[i].date);
		assert_int_equal(a->exceptions[i].closed, b->exceptions[i].closed);
		assert_int_equal(a->exceptions[i].open_min, b->exceptions[i].open_min);
		assert_int_equal(a->exceptions[i].close_min, b->exceptions[i].close_min);
		same_str("exception note", a->exceptions[i].note, b->exceptions[i].note);
	}
	assert_int_equal(a->n_services, b->n_services);
	for (size_t i = 0; i < a->n_services; i++)
		same_str("service", a->services[i], b->services[i]);
	assert_int_equal(a->n_access, b->n_access);
	for (size_t i = 0; i < a->n_access; i++)
		same_str("access", a->access[i], b->access[i]);
}

/* The bulk read gives exactly what resource_get_by_source gives, row for
 * row: hours, exceptions, tags, NULLs, odd strings, a missing pair, a pair
 * asked twice, a NULL source_id, more pairs than one batch, and only the
 * tenant's rows. */
static void test_get_by_source_many_same(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_resource r[MANY_N];
	const char *texts[MANY_N];
	int64_t org1, org2, area;
	enum { EXTRA = 600 }; /* past CHUNK (500) pairs */
	const char *srcs[MANY_N + 3 + EXTRA], *sids[MANY_N + 3 + EXTRA];
	size_t n = 0;
	if (!db->ops->resource_get_by_source_many)
		return; /* SQLite: the importer reads row by row */
	many_refs(db, &org1, &org2, &area);
	many_rows(r, texts, org1, org2, area);
	r[0].description = NULL;
	r[0].name_kana = "";
	r[6].source_id = "last"; /* NULL is its own case below */
	for (int i = 0; i < MANY_N; i++)
		assert_int_equal(db->ops->resource_insert(db, &r[i], texts[i]), TG_OK);
	/* the same keys in another tenant: never seen from tenant 1 */
	int64_t t2 = add_tenant(db, "src-many-t2", NULL);
	tg_db_set_tenant(db, t2);
	int64_t org_t2 = add_org(db, "t2 org");
	struct tg_resource other;
	sample_resource(&other, org_t2, "other tenant");
	other.source = "many";
	other.source_id = "plain";
	assert_int_equal(db->ops->resource_insert(db, &other, "x"), TG_OK);
	tg_db_set_tenant(db, 1);
	struct tg_resource extra[EXTRA];
	char extra_ids[EXTRA][16];
	for (int i = 0; i < EXTRA; i++) {
		snprintf(extra_ids[i], sizeof(extra_ids[i]), "e%d", i);
		sample_resource(&extra[i], org1, extra_ids[i]);
		extra[i].source = "extra";
		extra[i].source_id = extra_ids[i];
		extra[i].n_hours = (size_t)(i % 4);
		assert_int_equal(db->ops->resource_insert(db, &extra[i], extra_ids[i]), TG_OK);
	}
	for (int i = MANY_N - 1; i >= 0; i--) {
		srcs[n] = "many";
		sids[n++] = r[i].source_id;
	}
	srcs[n] = "many";
	sids[n++] = "no such id";
	srcs[n] = "many";
	sids[n++] = r[2].source_id; /* twice */
	srcs[n] = NULL;
	sids[n++] = NULL;
	for (int i = 0; i < EXTRA; i++) {
		srcs[n] = "extra";
		sids[n++] = extra_ids[(i * 7) % EXTRA];
	}
	struct tg_resource *bulk = TG_ARENA_ARRAY(&f->a, struct tg_resource, n);
	assert_int_equal(db->ops->resource_get_by_source_many(db, &f->a, srcs, sids, n, bulk), TG_OK);
	for (size_t i = 0; i < n; i++) {
		struct tg_resource one;
		memset(&one, 0, sizeof(one));
		enum tg_rc rc = db->ops->resource_get_by_source(db, &f->a, srcs[i], sids[i], &one);
		if (rc == TG_ERR_NOT_FOUND) {
			assert_int_equal(bulk[i].id, 0);
			assert_null(bulk[i].name);
			continue;
		}
		assert_int_equal(rc, TG_OK);
		assert_same_read(&bulk[i], &one);
	}
	assert_int_equal(bulk[MANY_N - 1].id, r[0].id); /* asked in reverse order */
	assert_string_equal(bulk[MANY_N - 1].name, "plain");
	assert_int_equal(bulk[MANY_N].id, 0);
	assert_int_equal(bulk[MANY_N + 1].id, r[2].id);
	assert_int_equal(bulk[MANY_N + 1].n_exceptions, 2);
	assert_int_equal(bulk[MANY_N + 2].id, 0);
	assert_int_equal(db->ops->resource_get_by_source_many(db, &f->a, srcs, sids, 0, bulk), TG_OK);
	/* no tenant: nothing */
	tg_db_set_tenant(db, 0);
	assert_int_equal(db->ops->resource_get_by_source_many(db, &f->a, srcs, sids, MANY_N, bulk), TG_OK);
	for (int i = 0; i < MANY_N; i++)
		assert_int_equal(bulk[i].id, 0);
	tg_db_set_tenant(db, t2);
	assert_int_equal(db->ops->resource_get_by_source_many(db, &f->a, srcs, sids, MANY_N, bulk), TG_OK);
	assert_int_equal(bulk[MANY_N - 1].id, other.id);
	assert_string_equal(bulk[MANY_N - 1].name, "other tenant");
	assert_int_equal(bulk[0].id, 0);
	tg_db_set_tenant(db, 1);
}

/* Organizations covering NULLs, odd strings and an area. */
static void org_rows(struct tg_org *o, int64_t area)
{
	static const char *names[] = {"plain", "q\"uo\\te", "{brace},comma", "NULL", "改行\nあり"};
	for (int i = 0; i < 5; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].name = names[i];
	}
	o[1].name_kana = "カナ";
	o[1].kind = "npo";
	o[1].area_id = area;
	o[2].phone = "045-000-0000";
	o[2].email = "a@example.jp";
	o[2].url = "https://example.jp/{x}";
	o[2].description = "";
	o[3].uuid = "00000000-0000-4000-8000-000000000003"; /* given: kept */
}

/* Every column of orgs but the generated uuids and timestamps. */
static char *org_dump(void)
{
	PGresult *res = pg_exec("SELECT to_jsonb(x) - 'uuid' - 'created_at' - 'updated_at' FROM orgs x ORDER BY id");
	struct tg_buf b = TG_BUF_INIT;
	for (int i = 0; i < PQntuples(res); i++)
		tg_buf_printf(&b, "%s\n", PQgetvalue(res, i, 0));
	PQclear(res);
	return tg_buf_detach(&b, NULL);
}

/* org_insert_many writes what org_insert writes, ids included, fills the
 * caller's structs the same, and is all or nothing. */
static void test_org_insert_many_same(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_org o[5], *po[5];
	int64_t ids[5];
	int applied = 0;
	if (!db->ops->org_insert_many)
		return; /* SQLite: the importer inserts one by one */
	struct tg_area city = {0, 0, TG_AREA_CITY, "横浜市", NULL};
	assert_int_equal(db->ops->area_ensure(db, &city), TG_OK);
	org_rows(o, city.id);
	assert_int_equal(tg_db_begin(db), TG_OK);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(db->ops->org_insert(db, &o[i]), TG_OK);
		ids[i] = o[i].id;
	}
	assert_int_equal(tg_db_commit(db), TG_OK);
	char *per_row = org_dump();

	assert_int_equal(db->ops->drop_all(db), TG_OK);
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	assert_int_equal(db->ops->area_ensure(db, &city), TG_OK);
	org_rows(o, city.id);
	for (int i = 0; i < 5; i++)
		po[i] = &o[i];
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->org_insert_many(db, po, 2), TG_OK);
	assert_int_equal(db->ops->org_insert_many(db, po + 2, 3), TG_OK);
	assert_int_equal(tg_db_commit(db), TG_OK);
	db->ops->bulk(db, 0);
	char *bulk = org_dump();
	assert_string_equal(bulk, per_row);
	for (int i = 0; i < 5; i++) {
		struct tg_org got;
		assert_int_equal(o[i].id, ids[i]);
		assert_non_null(o[i].created_at);
		assert_int_equal(db->ops->org_get(db, &f->a, o[i].id, &got), TG_OK);
		assert_string_equal(got.uuid, o[i].uuid);
		assert_string_equal(got.name, o[i].name);
		assert_string_equal(got.created_at, o[i].created_at);
	}
	assert_string_equal(o[3].uuid, "00000000-0000-4000-8000-000000000003");
	free(per_row);
	free(bulk);

	/* all or nothing: a taken uuid refuses the whole call, inside begin()
	 * only the call is undone */
	struct tg_org x[2] = {{.name = "new one"}, {.name = "dup", .uuid = "00000000-0000-4000-8000-000000000003"}};
	struct tg_org *px[2] = {&x[0], &x[1]};
	assert_int_equal(db->ops->org_insert_many(db, px, 2), TG_ERR_CONFLICT);
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->org_insert_many(db, px, 2), TG_ERR_CONFLICT);
	x[1].uuid = NULL;
	assert_int_equal(db->ops->org_insert_many(db, px, 2), TG_OK);
	assert_int_equal(tg_db_commit(db), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM orgs"), 7);
	/* another tenant's area is refused; no tenant: nothing written */
	int64_t t2 = add_tenant(db, "org-many-t2", NULL);
	tg_db_set_tenant(db, t2);
	struct tg_org y = {.name = "t2", .area_id = city.id};
	struct tg_org *py = &y;
	assert_int_equal(db->ops->org_insert_many(db, &py, 1), TG_ERR_INVALID);
	tg_db_set_tenant(db, 0);
	y.area_id = 0;
	assert_int_equal(db->ops->org_insert_many(db, &py, 1), TG_ERR_INTERNAL);
	tg_db_set_tenant(db, 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM orgs"), 7);
}

/* area_ensure_many: the same areas and ids as area_ensure one by one;
 * existing ones found, a name given twice gets one id, in bulk mode inside
 * begin() as an import calls it; another tenant's parent is refused. */
static void test_area_ensure_many_same(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	if (!db->ops->area_ensure_many)
		return; /* SQLite: the importer calls area_ensure per area */
	struct tg_area yokohama = {0, 0, TG_AREA_CITY, "横浜市", NULL};
	assert_int_equal(db->ops->area_ensure(db, &yokohama), TG_OK);
	struct tg_area c[4] = {{0, 0, TG_AREA_CITY, "横浜市", NULL},
	                       {0, 0, TG_AREA_CITY, "川崎市", "かわさきし"},
	                       {0, 0, TG_AREA_CITY, "相模原市", NULL},
	                       {0, 0, TG_AREA_CITY, "川崎市", NULL}};
	struct tg_area *pc[4] = {&c[0], &c[1], &c[2], &c[3]};
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->area_ensure_many(db, pc, 4), TG_OK);
	assert_int_equal(c[0].id, yokohama.id);
	assert_true(c[1].id > yokohama.id);
	assert_true(c[2].id > c[1].id); /* array order */
	assert_int_equal(c[3].id, c[1].id);
	struct tg_area w[3] = {{0, c[0].id, TG_AREA_WARD, "中区", NULL},
	                       {0, c[1].id, TG_AREA_WARD, "川崎区", NULL},
	                       {0, c[1].id, TG_AREA_WARD, "中区", NULL}};
	struct tg_area *pw[3] = {&w[0], &w[1], &w[2]};
	assert_int_equal(db->ops->area_ensure_many(db, pw, 3), TG_OK);
	assert_true(w[0].id > c[2].id && w[1].id > w[0].id && w[2].id > w[1].id);
	assert_int_equal(tg_db_commit(db), TG_OK);
	db->ops->bulk(db, 0);
	/* what area_ensure finds, one by one */
	for (int i = 0; i < 3; i++) {
		struct tg_area x = *pw[i];
		x.id = 0;
		assert_int_equal(db->ops->area_ensure(db, &x), TG_OK);
		assert_int_equal(x.id, w[i].id);
	}
	struct tg_area *list = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->area_list(db, &f->a, &list, &n), TG_OK);
	assert_int_equal(n, 6);
	assert_string_equal(list[1].name, "川崎市");
	assert_string_equal(list[1].name_kana, "かわさきし");
	assert_int_equal(list[4].parent_id, c[1].id);
	/* all found: nothing written */
	assert_int_equal(db->ops->area_ensure_many(db, pw, 3), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM areas"), 6);
	/* inside begin() a refused call leaves the transaction usable */
	int64_t t2 = add_tenant(db, "area-many-t2", NULL);
	tg_db_set_tenant(db, t2);
	struct tg_area bad = {0, c[1].id, TG_AREA_WARD, "幸区", NULL}, *pb = &bad;
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_not_equal(db->ops->area_ensure_many(db, &pb, 1), TG_OK);
	struct tg_area ok = {0, 0, TG_AREA_CITY, "川崎市", NULL}, *po = &ok;
	assert_int_equal(db->ops->area_ensure_many(db, &po, 1), TG_OK);
	assert_true(ok.id > 0 && ok.id != c[1].id); /* tenant 2's own */
	assert_int_equal(tg_db_commit(db), TG_OK);
	tg_db_set_tenant(db, 0);
	assert_int_equal(db->ops->area_ensure_many(db, &po, 1), TG_ERR_INTERNAL);
	tg_db_set_tenant(db, 1);
	assert_int_equal(db->ops->area_list(db, &f->a, &list, &n), TG_OK);
	assert_int_equal(n, 6);
}

/* org_get_many: each asked organization once, in id order, the same
 * fields as org_get; unknown ids and another tenant's are left out. */
static void test_org_get_many(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t a = add_org(db, "団体A"), b = add_org(db, "団体B"), c = add_org(db, "団体C");
	int64_t t2 = add_tenant(db, "org-get-many-t2", NULL);
	tg_db_set_tenant(db, t2);
	int64_t other = add_org(db, "他の団体");
	tg_db_set_tenant(db, 1);
	const int64_t ids[] = {c, a, 999999, c, other, a};
	struct tg_org *orgs = NULL;
	size_t n = 99;
	assert_int_equal(db->ops->org_get_many(db, &f->a, ids, 6, &orgs, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(orgs[0].id, a);
	assert_int_equal(orgs[1].id, c);
	struct tg_org one;
	assert_int_equal(db->ops->org_get(db, &f->a, c, &one), TG_OK);
	assert_string_equal(orgs[1].name, "団体C");
	assert_string_equal(orgs[1].uuid, one.uuid);
	assert_string_equal(orgs[1].created_at, one.created_at);
	assert_int_equal(db->ops->org_get_many(db, &f->a, &b, 1, &orgs, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(orgs[0].name, "団体B");
	assert_int_equal(db->ops->org_get_many(db, &f->a, ids, 0, &orgs, &n), TG_OK);
	assert_int_equal(n, 0);
	tg_db_set_tenant(db, t2);
	assert_int_equal(db->ops->org_get_many(db, &f->a, ids, 6, &orgs, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(orgs[0].id, other);
	tg_db_set_tenant(db, 1);
}

static int cmp_pair(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* resource_source_ids: the pairs of several sources in one call, only
 * those with a source_id, nothing of sources not asked for. */
static void test_source_ids(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org = add_org(db, "出典");
	static const struct {
		const char *src, *id;
	} rows[] = {{"a", "1"}, {"a", "2"}, {"b", "x"}, {"c", "y"}, {"a", NULL}, {"d", "9"}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tg_resource r;
		sample_resource(&r, org, "場所");
		r.source = rows[i].src;
		r.source_id = rows[i].id;
		assert_int_equal(db->ops->resource_insert(db, &r, ""), TG_OK);
	}
	const char *ask[] = {"b", "zz", "a", "d"}, **srcs = NULL, **ids = NULL;
	size_t n = 99;
	assert_int_equal(db->ops->resource_source_ids(db, &f->a, ask, 4, &srcs, &ids, &n), TG_OK);
	assert_int_equal(n, 4);
	char *pairs[4];
	for (size_t i = 0; i < n; i++)
		pairs[i] = tg_arena_printf(&f->a, "%s/%s", srcs[i], ids[i]);
	qsort(pairs, n, sizeof(pairs[0]), cmp_pair);
	assert_string_equal(pairs[0], "a/1");
	assert_string_equal(pairs[1], "a/2");
	assert_string_equal(pairs[2], "b/x");
	assert_string_equal(pairs[3], "d/9");
	/* none asked, none found */
	assert_int_equal(db->ops->resource_source_ids(db, &f->a, ask, 0, &srcs, &ids, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->resource_source_ids(db, &f->a, ask + 1, 1, &srcs, &ids, &n), TG_OK);
	assert_int_equal(n, 0);
	/* inside a transaction, the rows written in it */
	assert_int_equal(tg_db_begin(db), TG_OK);
	struct tg_resource r;
	sample_resource(&r, org, "場所");
	r.source = "zz";
	r.source_id = "new";
	assert_int_equal(db->ops->resource_insert(db, &r, ""), TG_OK);
	assert_int_equal(db->ops->resource_source_ids(db, &f->a, ask + 1, 1, &srcs, &ids, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(srcs[0], "zz");
	assert_string_equal(ids[0], "new");
	tg_db_rollback(db);
}

/* change_mark / change_deletions: what a server's index refresher reads to
 * drop resources another process deleted; per tenant. */
static void test_change_deletions(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t mark0 = -1, mark1 = -1, mark2 = -1, *ids = NULL;
	size_t n = 99;
	assert_int_equal(db->ops->change_mark(db, &mark0), TG_OK);
	assert_int_equal(mark0, 0);
	struct tg_change c = {.resource_id = 7, .action = "create"};
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	c.action = "delete";
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	c.resource_id = 9;
	c.action = "update";
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	assert_int_equal(db->ops->change_mark(db, &mark1), TG_OK);
	assert_true(mark1 > mark0);
	c.action = "delete";
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	assert_int_equal(db->ops->change_mark(db, &mark2), TG_OK);
	assert_true(mark2 > mark1);
	assert_int_equal(db->ops->change_deletions(db, &f->a, mark0, mark1, &ids, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 7);
	assert_int_equal(db->ops->change_deletions(db, &f->a, mark1, mark2, &ids, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 9);
	assert_int_equal(db->ops->change_deletions(db, &f->a, mark2, mark2 + 100, &ids, &n), TG_OK);
	assert_int_equal(n, 0);
	/* another tenant sees neither the mark nor the deletions */
	struct tg_tenant t = {.code = "other", .name = "other"};
	assert_int_equal(db->ops->tenant_insert(db, &t), TG_OK);
	tg_db_set_tenant(db, t.id);
	int64_t other = -1;
	assert_int_equal(db->ops->change_mark(db, &other), TG_OK);
	assert_int_equal(other, 0);
	assert_int_equal(db->ops->change_deletions(db, &f->a, 0, mark2, &ids, &n), TG_OK);
	assert_int_equal(n, 0);
	tg_db_set_tenant(db, 1);
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

/* ---- tenants -------------------------------------------------------------------
 *
 * The fixture works in tenant 1 ("default", made by migration 0003). The
 * tests below add a second tenant through the registry and check that the
 * store keeps the two apart through every operation. */

static int64_t add_tenant(struct tg_db *db, const char *code, const char *host)
{
	struct tg_tenant t = {0};
	const char *hosts[1] = {host};
	t.code = code;
	t.name = code;
	t.hosts = hosts;
	t.n_hosts = host ? 1 : 0;
	assert_int_equal(db->ops->tenant_insert(db, &t), TG_OK);
	assert_true(t.id > 1);
	return t.id;
}

static int64_t add_user(struct tg_db *db, int64_t org, const char *login)
{
	struct tg_user u = {0};
	u.org_id = org;
	u.login = login;
	u.display_name = login;
	u.role = TG_ROLE_STAFF;
	u.password_hash = "h0";
	assert_int_equal(db->ops->user_insert(db, &u), TG_OK);
	return u.id;
}

/* What tenant 2 writes in test_tenant_isolation. */
struct t2_data {
	int64_t tenant, area, org, user, user_only2, res, res2;
	const char *org_uuid, *res_uuid;
};

static void write_tenant2(struct fx *f, struct t2_data *d)
{
	struct tg_db *db = f->db;
	d->tenant = add_tenant(db, "sakura", "sakura.example.jp");
	tg_db_set_tenant(db, d->tenant);
	struct tg_area city = {0, 0, TG_AREA_CITY, "さくら市", NULL};
	assert_int_equal(db->ops->area_ensure(db, &city), TG_OK);
	d->area = city.id;
	struct tg_org o = {0};
	o.name = "two";
	o.area_id = city.id;
	assert_int_equal(db->ops->org_insert(db, &o), TG_OK);
	d->org = o.id;
	d->org_uuid = tg_arena_strdup(&f->a, o.uuid);
	d->user = add_user(db, d->org, "admin"); /* the same login as tenant 1's */
	d->user_only2 = add_user(db, d->org, "only2");
	assert_int_equal(db->ops->session_insert(db, "tok2", d->user, "c2", "2999-01-01T00:00:00Z"), TG_OK);
	struct tg_resource_type t = {"family_support", "ファミリー・サポート", "Family support", 0};
	assert_int_equal(db->ops->type_insert(db, &t), TG_OK);
	struct tg_resource r;
	sample_resource(&r, d->org, "tenant two");
	r.type_code = "family_support";
	r.area_id = city.id;
	r.source_id = "S-1"; /* the same (source, source_id) as tenant 1's */
	assert_int_equal(db->ops->resource_insert(db, &r, "two"), TG_OK);
	d->res = r.id;
	d->res_uuid = tg_arena_strdup(&f->a, r.uuid);
	sample_resource(&r, d->org, "tenant two, second");
	r.source_id = "S-2";
	assert_int_equal(db->ops->resource_insert(db, &r, "two"), TG_OK);
	d->res2 = r.id;
	struct tg_change c = {0};
	c.resource_id = d->res;
	c.user_id = d->user;
	c.action = "create";
	c.after_json = "{}";
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	struct tg_audit e = {0};
	e.user_id = d->user;
	e.action = "login";
	e.object_type = "session";
	e.object_id = "t2";
	assert_int_equal(db->ops->audit_insert(db, &e), TG_OK);
}

/* Tenant 2's rows, read back in tenant 2: all there, unchanged. */
static void check_tenant2(struct fx *f, const struct t2_data *d)
{
	struct tg_db *db = f->db;
	struct tg_org o;
	struct tg_user u;
	struct tg_resource r;
	struct tg_session se;
	struct tg_change *cl = NULL;
	struct tg_audit *al = NULL;
	struct tg_area *areas = NULL;
	struct tg_resource_type *types = NULL;
	size_t n = 0;
	int64_t cnt = 0;
	tg_db_set_tenant(db, d->tenant);
	assert_int_equal(db->ops->org_get(db, &f->a, d->org, &o), TG_OK);
	assert_string_equal(o.name, "two");
	assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(db->ops->user_get(db, &f->a, d->user, &u), TG_OK);
	assert_string_equal(u.password_hash, "h0");
	assert_int_equal(u.role, TG_ROLE_STAFF);
	assert_int_equal(u.org_id, d->org);
	assert_int_equal(db->ops->user_get_by_login(db, &f->a, "admin", &u), TG_OK);
	assert_int_equal(u.id, d->user);
	assert_int_equal(db->ops->session_get(db, &f->a, "tok2", &se), TG_OK);
	assert_int_equal(se.user_id, d->user);
	assert_int_equal(db->ops->resource_get(db, &f->a, d->res, &r), TG_OK);
	assert_string_equal(r.name, "tenant two");
	assert_string_equal(r.org_name, "two");
	assert_string_equal(r.type_code, "family_support");
	assert_int_equal(r.version, 1);
	assert_int_equal(r.n_hours, 3);
	assert_int_equal(r.n_exceptions, 2);
	assert_int_equal(r.n_services, 2);
	assert_int_equal(r.n_access, 1);
	assert_int_equal(db->ops->resource_get_by_source(db, &f->a, "manual", "S-1", &r), TG_OK);
	assert_int_equal(r.id, d->res);
	assert_int_equal(db->ops->resource_count(db, NULL, &cnt), TG_OK);
	assert_int_equal(cnt, 2);
	assert_int_equal(db->ops->change_list(db, &f->a, d->res, &cl, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cl[0].user_name, "admin");
	assert_int_equal(db->ops->audit_list(db, &f->a, 0, 0, &al, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(al[0].object_id, "t2");
	assert_int_equal(db->ops->area_list(db, &f->a, &areas, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db->ops->type_list(db, &f->a, &types, &n), TG_OK);
	assert_int_equal(n, 11);
	assert_string_equal(types[10].code, "family_support");
	assert_int_equal(types[10].builtin, 0);
}

static void test_tenant_isolation(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct t2_data d;
	/* tenant 1: one org, one resource (manual, S-1), one user "admin" */
	int64_t org1 = add_org(db, "one");
	int64_t user1 = add_user(db, org1, "admin");
	struct tg_resource r1;
	sample_resource(&r1, org1, "tenant one");
	r1.source_id = "S-1";
	assert_int_equal(db->ops->resource_insert(db, &r1, NULL), TG_OK);
	struct tg_audit e = {0};
	e.action = "create";
	e.object_type = "resource";
	e.object_id = "t1";
	assert_int_equal(db->ops->audit_insert(db, &e), TG_OK);

	write_tenant2(f, &d);
	check_tenant2(f, &d);

	/* tenant 1 sees none of it, through every read */
	tg_db_set_tenant(db, 1);
	struct tg_org o;
	struct tg_user u;
	struct tg_resource r, *rl = NULL;
	struct tg_session se;
	struct tg_change *cl = NULL;
	struct tg_audit *al = NULL;
	struct tg_area *areas = NULL;
	struct tg_org *ol = NULL;
	struct tg_user *ul = NULL;
	struct tg_resource_type *types = NULL;
	const char **sids = NULL, **ssrc = NULL;
	size_t n = 0;
	int64_t cnt = 0;
	assert_int_equal(db->ops->area_list(db, &f->a, &areas, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->org_get(db, &f->a, d.org, &o), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->org_get_by_uuid(db, &f->a, d.org_uuid, &o), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->org_find_by_name(db, &f->a, "two", &o), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->org_list(db, &f->a, 0, 0, &ol, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ol[0].id, org1);
	assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(db->ops->user_get(db, &f->a, d.user, &u), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->user_get_by_login(db, &f->a, "admin", &u), TG_OK);
	assert_int_equal(u.id, user1); /* tenant 1's own "admin" */
	assert_int_equal(u.org_id, org1);
	assert_int_equal(db->ops->user_get_by_login(db, &f->a, "only2", &u), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->user_list(db, &f->a, 0, &ul, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ul[0].id, user1);
	assert_int_equal(db->ops->user_list(db, &f->a, d.org, &ul, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->session_get(db, &f->a, "tok2", &se), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->type_list(db, &f->a, &types, &n), TG_OK);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++) {
		assert_string_not_equal(types[i].code, "family_support");
		assert_int_equal(types[i].builtin, 1);
	}
	assert_int_equal(db->ops->resource_get(db, &f->a, d.res, &r), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_get_by_uuid(db, &f->a, d.res_uuid, &r), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_get_by_source(db, &f->a, "manual", "S-2", &r), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_get_by_source(db, &f->a, "manual", "S-1", &r), TG_OK);
	assert_int_equal(r.id, r1.id);
	assert_string_equal(r.name, "tenant one");
	int64_t want[] = {d.res, r1.id, d.res2, d.res};
	assert_int_equal(db->ops->resource_get_many(db, &f->a, want, 4, &rl, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rl[0].id, r1.id);
	assert_int_equal(rl[0].n_hours, 3);
	assert_int_equal(db->ops->resource_list(db, &f->a, NULL, &rl, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rl[0].id, r1.id);
	struct tg_resource_filter flt = {0};
	flt.org_id = d.org;
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &rl, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 0);
	/* the refresher's count of a second: this tenant's rows only (the
	 * other tenant's were written in the same second or so) */
	int64_t vsum = -1, idsum = -1;
	assert_int_equal(db->ops->resource_versions_at(db, r1.updated_at, &cnt, &vsum, &idsum), TG_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(vsum, r1.version);
	assert_int_equal(idsum, r1.id);
	assert_int_equal(db->ops->resource_versions_at(db, "1999-01-01T00:00:00Z", &cnt, &vsum, &idsum), TG_OK);
	assert_int_equal(cnt, 0);
	assert_int_equal(vsum, 0);
	assert_int_equal(idsum, 0);
	memset(&flt, 0, sizeof(flt));
	flt.public_only = 1;
	flt.modified_after = "2000-01-01T00:00:00Z";
	assert_int_equal(db->ops->resource_list(db, &f->a, &flt, &rl, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db->ops->resource_count(db, &flt, &cnt), TG_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(db->ops->resource_count(db, NULL, &cnt), TG_OK);
	assert_int_equal(cnt, 1);
	const char *manual[] = {"manual"};
	assert_int_equal(db->ops->resource_source_ids(db, &f->a, manual, 1, &ssrc, &sids, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ssrc[0], "manual");
	assert_string_equal(sids[0], "S-1");
	assert_int_equal(db->ops->change_list(db, &f->a, d.res, &cl, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->audit_list(db, &f->a, 0, 0, &al, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(al[0].object_id, "t1");

	/* a change in tenant 1 naming tenant 2's user: no user name leaks */
	struct tg_change c = {0};
	c.resource_id = r1.id;
	c.user_id = d.user;
	c.action = "update";
	assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	assert_int_equal(db->ops->change_list(db, &f->a, r1.id, &cl, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_null(cl[0].user_name);

	/* writes to tenant 2's ids from tenant 1: not found, nothing changes */
	assert_int_equal(db->ops->org_get(db, &f->a, org1, &o), TG_OK);
	o.id = d.org;
	o.name = "hijacked";
	o.area_id = 0;
	assert_int_equal(db->ops->org_update(db, &o), TG_ERR_NOT_FOUND);
	u.id = d.user;
	u.org_id = org1;
	u.login = "admin";
	u.display_name = "hijacked";
	u.role = TG_ROLE_ADMIN;
	assert_int_equal(db->ops->user_update(db, &u), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->user_set_password(db, d.user, "hijacked"), TG_ERR_NOT_FOUND);
	sample_resource(&r, org1, "hijacked");
	r.id = d.res;
	r.version = 1;
	assert_int_equal(db->ops->resource_update(db, &r, NULL), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_delete(db, d.res), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_set_search_text(db, d.res, "hijacked"), TG_ERR_NOT_FOUND);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE search_text = 'hijacked'"), 0);
	assert_int_equal(db->ops->session_delete(db, "tok2"), TG_OK); /* a no-op */
	assert_int_equal(db->ops->session_delete_user(db, d.user, NULL), TG_OK);
	/* a session for tenant 2's user cannot be made in tenant 1 */
	assert_int_not_equal(db->ops->session_insert(db, "tok1", d.user, "c", "2999-01-01T00:00:00Z"), TG_OK);
	/* a login in tenant 1 clears tenant 1's expired sessions only */
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, tenant_id) "
	         "VALUES ('old2', %lld, 'c', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z', %lld)",
	         (long long)d.user, (long long)d.tenant);
	raw_exec(db, sql);
	assert_int_equal(db->ops->session_insert(db, "tok1", user1, "c", "2999-01-01T00:00:00Z"), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = 'old2'"), 1);
	assert_int_equal(db->ops->session_delete(db, "tok1"), TG_OK);

	check_tenant2(f, &d);
	assert_int_equal(db->ops->session_insert(db, "tok3", d.user, "c", "2999-01-01T00:00:00Z"), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = 'old2'"), 0);
	assert_int_equal(db->ops->session_delete(db, "tok3"), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE tenant_id = 2 AND hours = " SAMPLE_HOURS),
	                 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_tags WHERE tenant_id = 2"), 6);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_exceptions WHERE tenant_id = 2"), 4);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sessions"), 1);
	/* and tenant 2 sees none of tenant 1's */
	assert_int_equal(db->ops->resource_get(db, &f->a, r1.id, &r), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->user_get(db, &f->a, user1, &u), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->change_list(db, &f->a, r1.id, &cl, &n), TG_OK);
	assert_int_equal(n, 0);
	/* deleting in tenant 2 cascades to tenant 2's nested rows only */
	assert_int_equal(db->ops->resource_delete(db, d.res), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_tags WHERE tenant_id = 2"), 3);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_tags WHERE tenant_id = 1"), 3);
}

/* Keys unique per tenant: the same login, (source, source_id) and custom
 * type code in two tenants; clashes within one tenant. */
static void test_tenant_same_keys(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t t2 = add_tenant(db, "momo", NULL);
	struct tg_resource_type t = {"family_support", "ファミリー・サポート", "Family support", 0};
	struct tg_resource_type hub = {"hub", "拠点", "Hub", 0};
	for (int64_t tid = 1; tid <= t2; tid += t2 - 1) {
		tg_db_set_tenant(db, tid);
		int64_t org = add_org(db, "org");
		add_user(db, org, "admin");
		struct tg_user dup = {0};
		dup.org_id = org;
		dup.login = "admin";
		dup.display_name = "x";
		dup.password_hash = "h";
		assert_int_equal(db->ops->user_insert(db, &dup), TG_ERR_CONFLICT);
		assert_int_equal(db->ops->type_insert(db, &t), TG_OK);
		assert_int_equal(db->ops->type_insert(db, &t), TG_ERR_CONFLICT);
		assert_int_equal(db->ops->type_insert(db, &hub), TG_ERR_CONFLICT); /* a built-in code */
		struct tg_resource r;
		sample_resource(&r, org, "r");
		r.type_code = "family_support";
		r.source_id = "A-1";
		assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_OK);
		sample_resource(&r, org, "again");
		r.source_id = "A-1";
		assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_ERR_CONFLICT);
	}
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM users WHERE login = 'admin'"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE source_id = 'A-1'"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_types WHERE code = 'family_support'"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_types WHERE code = 'hub'"), 1);
	struct tg_resource got;
	tg_db_set_tenant(db, 1);
	assert_int_equal(db->ops->resource_get_by_source(db, &f->a, "manual", "A-1", &got), TG_OK);
	assert_string_equal(got.name, "r");
	assert_int_equal(raw_int(db, "SELECT tenant_id FROM resources WHERE name = 'r' ORDER BY id LIMIT 1"), 1);
}

/* References into another tenant are refused and write nothing. */
static void test_tenant_references(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_area area1 = {0, 0, TG_AREA_CITY, "横浜市", NULL};
	assert_int_equal(db->ops->area_ensure(db, &area1), TG_OK);
	int64_t org1 = add_org(db, "one");
	int64_t user1 = add_user(db, org1, "u1");
	struct tg_resource_type own1 = {"only_one", "一", "One", 0};
	assert_int_equal(db->ops->type_insert(db, &own1), TG_OK);

	int64_t t2 = add_tenant(db, "sakura", NULL);
	tg_db_set_tenant(db, t2);
	struct tg_area area2 = {0, 0, TG_AREA_CITY, "さくら市", NULL};
	assert_int_equal(db->ops->area_ensure(db, &area2), TG_OK);
	int64_t org2 = add_org(db, "two");
	int64_t user2 = add_user(db, org2, "u2");
	struct tg_resource r, ok;
	sample_resource(&ok, org2, "fine");
	ok.area_id = area2.id;
	assert_int_equal(db->ops->resource_insert(db, &ok, NULL), TG_OK);

	int64_t res_before = raw_int(db, "SELECT COUNT(*) FROM resources");
	int64_t tags_before = raw_int(db, "SELECT COUNT(*) FROM resource_tags");
	sample_resource(&r, org1, "cross org");
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "org_id"));
	sample_resource(&r, org2, "cross area");
	r.area_id = area1.id;
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "area_id"));
	assert_null(strstr(db->ops->errmsg(db), "横浜市"));
	sample_resource(&r, org2, "other tenant's type");
	r.type_code = "only_one";
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "type_code"));
	r.type_code = "no_such_type";
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_ERR_INVALID);
	if (db->ops->resource_insert_many) { /* the bulk path's type check: the tenant's own and built-in */
		struct tg_resource m[2];
		struct tg_resource *pm[2] = {&m[0], &m[1]};
		const char *texts[2] = {"", ""};
		struct tg_change ch = {0, 0, 0, NULL, NULL, "import", NULL, NULL};
		struct tg_resource_type own2 = {"only_two", "二", "Two", 0};
		assert_int_equal(db->ops->type_insert(db, &own2), TG_OK);
		sample_resource(&m[0], org2, "many, built-in type");
		sample_resource(&m[1], org2, "many, other tenant's type");
		m[0].source_id = "M-1";
		m[1].source_id = "M-2";
		m[1].type_code = "only_one";
		assert_int_equal(db->ops->resource_insert_many(db, pm, texts, 2, &ch), TG_ERR_INVALID);
		assert_non_null(strstr(db->ops->errmsg(db), "unknown resource type"));
		m[1].type_code = "only_two";
		assert_int_equal(db->ops->resource_insert_many(db, pm, texts, 2, &ch), TG_OK);
		assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE type_code = 'only_two'"), 1);
		raw_exec(db, "DELETE FROM resource_changes WHERE resource_id IN (SELECT id FROM resources WHERE "
		             "source_id IN ('M-1', 'M-2'))");
		raw_exec(db, "DELETE FROM resources WHERE source_id IN ('M-1', 'M-2')");
	}
	/* the same inside a caller's transaction, which stays usable */
	assert_int_equal(tg_db_begin(db), TG_OK);
	sample_resource(&r, org1, "cross org in tx");
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_ERR_INVALID);
	sample_resource(&r, org2, "type in tx");
	r.type_code = "only_one";
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_ERR_INVALID);
	assert_int_equal(tg_db_commit(db), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), res_before);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_tags"), tags_before);

	/* updates of tenant 2's resource pointing into tenant 1 */
	r = ok;
	r.org_id = org1;
	r.name = "moved";
	assert_int_equal(db->ops->resource_update(db, &r, NULL), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "org_id"));
	r = ok;
	r.area_id = area1.id;
	assert_int_equal(db->ops->resource_update(db, &r, NULL), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "area_id"));
	r = ok;
	r.type_code = "only_one";
	assert_int_equal(db->ops->resource_update(db, &r, NULL), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "type_code"));
	struct tg_resource got;
	assert_int_equal(db->ops->resource_get(db, &f->a, ok.id, &got), TG_OK);
	assert_string_equal(got.name, "fine");
	assert_int_equal(got.org_id, org2);
	assert_int_equal(got.area_id, area2.id);
	assert_string_equal(got.type_code, "hub");
	assert_int_equal(got.version, 1);
	assert_int_equal(got.n_hours, 3);
	/* the stale version still wins over a valid type: conflict */
	r = ok;
	r.version = 7;
	assert_int_equal(db->ops->resource_update(db, &r, NULL), TG_ERR_CONFLICT);

	/* users, orgs, areas, sessions */
	struct tg_user u = {0};
	u.org_id = org1;
	u.login = "cross";
	u.display_name = "x";
	u.password_hash = "h";
	assert_int_equal(db->ops->user_insert(db, &u), TG_ERR_INVALID);
	assert_int_equal(db->ops->user_get(db, &f->a, user2, &u), TG_OK);
	u.org_id = org1;
	assert_int_equal(db->ops->user_update(db, &u), TG_ERR_INVALID);
	assert_int_equal(db->ops->user_get(db, &f->a, user2, &u), TG_OK);
	assert_int_equal(u.org_id, org2);
	struct tg_org o = {0};
	o.name = "cross area";
	o.area_id = area1.id;
	assert_int_equal(db->ops->org_insert(db, &o), TG_ERR_INVALID);
	assert_int_equal(db->ops->org_get(db, &f->a, org2, &o), TG_OK);
	o.area_id = area1.id;
	assert_int_equal(db->ops->org_update(db, &o), TG_ERR_INVALID);
	assert_int_equal(db->ops->org_get(db, &f->a, org2, &o), TG_OK);
	assert_int_equal(o.area_id, 0);
	struct tg_area ward = {0, area1.id, TG_AREA_WARD, "中区", NULL};
	assert_int_equal(db->ops->area_ensure(db, &ward), TG_ERR_INVALID);
	assert_int_equal(db->ops->session_insert(db, "x", user1, "c", "2999-01-01T00:00:00Z"), TG_ERR_INVALID);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM users"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM orgs"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM areas"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sessions"), 0);
}

/* No tenant selected (0, the state after open): nothing to read, no writes. */
static void test_tenant_none(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t org = add_org(db, "one");
	int64_t user = add_user(db, org, "admin");
	struct tg_resource r;
	sample_resource(&r, org, "one");
	r.source_id = "S-1";
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_OK);
	assert_int_equal(db->ops->session_insert(db, "tok", user, "c", "2999-01-01T00:00:00Z"), TG_OK);
	struct tg_area city = {0, 0, TG_AREA_CITY, "横浜市", NULL};
	assert_int_equal(db->ops->area_ensure(db, &city), TG_OK);

	tg_db_set_tenant(db, 0);
	struct tg_org o;
	struct tg_user u;
	struct tg_resource got, *rl = NULL;
	struct tg_session se;
	struct tg_area *areas = NULL;
	struct tg_org *ol = NULL;
	struct tg_user *ul = NULL;
	struct tg_audit *al = NULL;
	struct tg_change *cl = NULL;
	struct tg_resource_type *types = NULL;
	const char **sids = NULL, **ssrc = NULL;
	const char *manual[] = {"manual"};
	size_t n = 0;
	int64_t cnt = -1;
	assert_int_equal(db->ops->org_get(db, &f->a, org, &o), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->org_count(db, &cnt), TG_OK);
	assert_int_equal(cnt, 0);
	assert_int_equal(db->ops->org_list(db, &f->a, 0, 0, &ol, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->user_get(db, &f->a, user, &u), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->user_get_by_login(db, &f->a, "admin", &u), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->user_list(db, &f->a, 0, &ul, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->session_get(db, &f->a, "tok", &se), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->area_list(db, &f->a, &areas, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->resource_get(db, &f->a, r.id, &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_get_by_uuid(db, &f->a, r.uuid, &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_get_by_source(db, &f->a, "manual", "S-1", &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->resource_get_many(db, &f->a, &r.id, 1, &rl, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->resource_list(db, &f->a, NULL, &rl, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->resource_count(db, NULL, &cnt), TG_OK);
	assert_int_equal(cnt, 0);
	assert_int_equal(db->ops->resource_source_ids(db, &f->a, manual, 1, &ssrc, &sids, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->audit_list(db, &f->a, 0, 0, &al, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->change_list(db, &f->a, r.id, &cl, &n), TG_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db->ops->type_list(db, &f->a, &types, &n), TG_OK);
	assert_int_equal(n, 10); /* the built-in types are shared */

	/* writes fail and leave nothing */
	struct tg_org o2 = {0};
	o2.name = "nobody's";
	assert_int_not_equal(db->ops->org_insert(db, &o2), TG_OK);
	struct tg_user u2 = {0};
	u2.org_id = org;
	u2.login = "x";
	u2.display_name = "x";
	u2.password_hash = "h";
	assert_int_not_equal(db->ops->user_insert(db, &u2), TG_OK);
	struct tg_area a2 = {0, 0, TG_AREA_CITY, "川崎市", NULL};
	assert_int_not_equal(db->ops->area_ensure(db, &a2), TG_OK);
	struct tg_resource r2;
	sample_resource(&r2, org, "nobody's");
	assert_int_not_equal(db->ops->resource_insert(db, &r2, NULL), TG_OK);
	struct tg_resource_type t = {"family_support", "ファミリー・サポート", "Family support", 0};
	assert_int_not_equal(db->ops->type_insert(db, &t), TG_OK);
	assert_int_not_equal(db->ops->session_insert(db, "tok0", user, "c", "2999-01-01T00:00:00Z"), TG_OK);
	struct tg_change c = {0};
	c.resource_id = r.id;
	c.action = "update";
	assert_int_not_equal(db->ops->change_insert(db, &c), TG_OK);
	struct tg_audit e = {0};
	e.action = "login";
	e.object_type = "session";
	assert_int_not_equal(db->ops->audit_insert(db, &e), TG_OK);
	got = r;
	got.name = "renamed";
	assert_int_not_equal(db->ops->resource_update(db, &got, NULL), TG_OK);
	assert_int_not_equal(db->ops->resource_delete(db, r.id), TG_OK);
	assert_int_not_equal(db->ops->user_set_password(db, user, "x"), TG_OK);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM orgs"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM users"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM areas"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE hours = " SAMPLE_HOURS), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_types"), 10);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM sessions"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_changes"), 0);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM audit_log"), 0);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE name = 'one' AND version = 1"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM users WHERE password_hash = 'h0'"), 1);
}

/* The registry: list, get, insert, update, conflicts on code and host. */
static void test_tenant_registry(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_tenant *list = NULL, got;
	size_t n = 0;
	assert_int_equal(db->ops->tenant_list(db, &f->a, &list, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, 1);
	assert_string_equal(list[0].code, "default");
	assert_int_equal(list[0].disabled, 0);
	assert_int_equal(list[0].n_hosts, 0);
	assert_non_null(list[0].created_at);

	const char *hosts[] = {"www.sakura.example.jp", "Sakura.Example.JP"};
	struct tg_tenant t = {0};
	t.code = "sakura";
	t.name = "みなと市さくら区";
	t.hosts = hosts;
	t.n_hosts = 2;
	assert_int_equal(db->ops->tenant_insert(db, &t), TG_OK);
	assert_true(t.id > 1);
	assert_non_null(t.created_at);
	assert_int_equal(strlen(t.created_at), 20);
	assert_string_equal(t.updated_at, t.created_at);
	int64_t sakura = t.id;

	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "sakura", &got), TG_OK);
	assert_int_equal(got.id, sakura);
	assert_string_equal(got.name, "みなと市さくら区");
	assert_int_equal(got.disabled, 0);
	assert_int_equal(got.n_hosts, 2);
	/* as given (the app normalizes), in byte order */
	assert_string_equal(got.hosts[0], "Sakura.Example.JP");
	assert_string_equal(got.hosts[1], "www.sakura.example.jp");
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "nope", &got), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "default", &got), TG_OK);
	assert_int_equal(got.id, 1);
	assert_int_equal(got.n_hosts, 0);

	/* a taken code, a taken host: conflict, and no half-inserted tenant */
	struct tg_tenant dup = {0};
	dup.code = "sakura";
	dup.name = "again";
	assert_int_equal(db->ops->tenant_insert(db, &dup), TG_ERR_CONFLICT);
	const char *taken[] = {"momo.example.jp", "Sakura.Example.JP"};
	dup.code = "momo";
	dup.hosts = taken;
	dup.n_hosts = 2;
	assert_int_equal(db->ops->tenant_insert(db, &dup), TG_ERR_CONFLICT);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "momo", &got), TG_ERR_NOT_FOUND);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM tenants"), 2);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM tenant_hosts"), 2);
	/* the same host twice in one tenant */
	const char *twice[] = {"x.example.jp", "x.example.jp"};
	dup.hosts = twice;
	assert_int_equal(db->ops->tenant_insert(db, &dup), TG_ERR_CONFLICT);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM tenants"), 2);

	/* update replaces name, disabled and the hosts */
	const char *moved[] = {"new.example.jp"};
	t.name = "さくら区";
	t.disabled = 1;
	t.hosts = moved;
	t.n_hosts = 1;
	assert_int_equal(db->ops->tenant_update(db, &t), TG_OK);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "sakura", &got), TG_OK);
	assert_string_equal(got.name, "さくら区");
	assert_int_equal(got.disabled, 1);
	assert_int_equal(got.n_hosts, 1);
	assert_string_equal(got.hosts[0], "new.example.jp");
	assert_non_null(got.updated_at);
	/* the old host is free again */
	dup.hosts = taken;
	dup.n_hosts = 2;
	assert_int_equal(db->ops->tenant_insert(db, &dup), TG_OK);
	int64_t momo = dup.id;
	assert_true(momo > sakura);
	/* a host of another tenant: conflict, nothing changed */
	const char *steal[] = {"other.example.jp", "momo.example.jp"};
	t.name = "stolen";
	t.disabled = 0;
	t.hosts = steal;
	t.n_hosts = 2;
	assert_int_equal(db->ops->tenant_update(db, &t), TG_ERR_CONFLICT);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "sakura", &got), TG_OK);
	assert_string_equal(got.name, "さくら区");
	assert_int_equal(got.disabled, 1);
	assert_int_equal(got.n_hosts, 1);
	assert_string_equal(got.hosts[0], "new.example.jp");
	/* no hosts at all */
	t.name = "さくら区";
	t.n_hosts = 0;
	assert_int_equal(db->ops->tenant_update(db, &t), TG_OK);
	t.id = 999;
	assert_int_equal(db->ops->tenant_update(db, &t), TG_ERR_NOT_FOUND);

	assert_int_equal(db->ops->tenant_list(db, &f->a, &list, &n), TG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, 1);
	assert_int_equal(list[1].id, sakura);
	assert_int_equal(list[1].n_hosts, 0);
	assert_int_equal(list[2].id, momo);
	assert_string_equal(list[2].code, "momo");
	assert_int_equal(list[2].n_hosts, 2);
	assert_string_equal(list[2].hosts[0], "Sakura.Example.JP");
	assert_string_equal(list[2].hosts[1], "momo.example.jp");
	/* the registry does not depend on the selected tenant */
	tg_db_set_tenant(db, 0);
	assert_int_equal(db->ops->tenant_list(db, &f->a, &list, &n), TG_OK);
	assert_int_equal(n, 3);
}

/* Run a migration's text for this backend on the raw connection. */
static void raw_migration(struct tg_db *db, const struct tg_migration *m)
{
	char *part = tg_migration_sql(m->sql, on_pg() ? "postgresql" : "sqlite");
	char *sql = on_pg() ? tg_pg_rewrite_migration(part) : part;
	raw_exec(db, sql);
	if (sql != part)
		free(sql);
	free(part);
}

/* A database at version 2 holding rows comes out of 0003 with every row
 * in tenant 1, ids kept, references intact. */
static void test_tenant_migrate_data(void **state)
{
	(void)state;
	char dir[64], path[128], err[256];
	int applied = 0, version = 0;
	struct tg_arena a = TG_ARENA_INIT;
	snprintf(dir, sizeof(dir), "/tmp/tg-mig3-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v2.db", dir);
	struct tg_db *db = on_pg() ? open_empty_pg() : tg_db_open(path, 1, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(tg_migrations[0].version, 1);
	assert_int_equal(tg_migrations[1].version, 2);
	raw_exec(db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	             "applied_at TEXT NOT NULL)");
	raw_migration(db, &tg_migrations[0]);
	raw_migration(db, &tg_migrations[1]);
	raw_exec(db, "INSERT INTO schema_migrations VALUES (1, '0001_directory', '2025-01-01T00:00:00Z'), "
	             "(2, '0002_session_expiry', '2025-01-01T00:00:00Z')");
	assert_int_equal(db->ops->schema_version(db, &version), TG_OK);
	assert_int_equal(version, 2);
	raw_exec(
	    db, "INSERT INTO settings VALUES ('site.name', 'つなぐ');"
	        "INSERT INTO areas (id, parent_id, level, name) VALUES (10, NULL, 0, '横浜市'), (11, 10, 1, '中区');"
	        "INSERT INTO orgs (id, uuid, name, area_id, created_at, updated_at) VALUES "
	        "(20, '00000000-0000-4000-8000-000000000020', '社協', 11, '2025-01-01T00:00:00Z', "
	        "'2025-01-01T00:00:00Z');"
	        "INSERT INTO users (id, org_id, login, display_name, role, password_hash, created_at, updated_at) "
	        "VALUES (30, 20, 'admin', '管理者', 'admin', 'h', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');"
	        "INSERT INTO sessions VALUES ('tok', 30, 'c', '2025-01-01T00:00:00Z', '2999-01-01T00:00:00Z');"
	        "INSERT INTO resource_types (code, name_ja, name_en, builtin, sort) VALUES "
	        "('family_support', 'ファミサポ', 'Family support', 0, 100);"
	        "INSERT INTO resources (id, uuid, org_id, type_code, name, area_id, source, source_id, "
	        "created_at, updated_at) VALUES "
	        "(40, '00000000-0000-7000-8000-000000000040', 20, 'family_support', 'ひろば', 11, 'csv', 'A-1', "
	        "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),"
	        "(41, '00000000-0000-7000-8000-000000000041', 20, 'hub', '拠点', NULL, 'csv', 'A-2', "
	        "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');"
	        /* 0006: fees (40 and 41 hold the default fee, 0 and no text) */
	        "INSERT INTO resources (id, uuid, org_id, type_code, name, area_id, source, source_id, fee_free, "
	        "fee_text, created_at, updated_at) VALUES "
	        "(42, '00000000-0000-7000-8000-000000000042', 20, 'hub', '手入力', 11, NULL, NULL, 0, NULL, "
	        "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),"
	        "(43, '00000000-0000-7000-8000-000000000043', 20, 'hub', '料金あり', 11, 'hsds', 'F-3', 0, '300円', "
	        "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),"
	        "(44, '00000000-0000-7000-8000-000000000044', 20, 'hub', '無料', 11, 'jp-facilities:141003', 'F-4', 1, "
	        "NULL, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),"
	        "(45, '00000000-0000-7000-8000-000000000045', 20, 'hub', '取込', 11, 'jp-facilities:141003', 'F-5', 0, "
	        "NULL, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),"
	        "(46, '00000000-0000-7000-8000-000000000046', 20, 'hub', 'HSDS', 11, 'hsds', 'F-6', 0, '', "
	        "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),"
	        "(47, '00000000-0000-7000-8000-000000000047', 20, 'hub', 'デモ', 11, 'demo', 'F-7', 0, NULL, "
	        "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');"
	        "INSERT INTO resource_tags VALUES (40, 'ibasho'), (40, 'stroller');"
	        "INSERT INTO resource_hours VALUES (40, 7, 600, 660), (41, 2, 600, 660), (40, 1, 540, 720);"
	        "INSERT INTO resource_exceptions (resource_id, day, closed) VALUES (40, '2025-01-01', 1);"
	        "INSERT INTO resource_changes (id, resource_id, user_id, at, action) VALUES "
	        "(50, 40, 30, '2025-01-01T00:00:00Z', 'create');"
	        "INSERT INTO audit_log (id, at, user_id, action, object_type) VALUES "
	        "(60, '2025-01-01T00:00:00Z', 30, 'login', 'session')");
	if (db->ops->migrate(db, &applied) != TG_OK)
		fail_msg("migrate: %s", db->ops->errmsg(db));
	assert_int_equal(applied, (int)tg_n_migrations - 2);
	assert_int_equal(db->ops->schema_version(db, &version), TG_OK);
	assert_int_equal(version, tg_migrations[tg_n_migrations - 1].version);

	static const char *const tables[] = {"areas",
	                                     "orgs",
	                                     "users",
	                                     "sessions",
	                                     "resources",
	                                     "resource_tags",
	                                     "resource_exceptions",
	                                     "resource_changes",
	                                     "audit_log"};
	static const int64_t rows[] = {2, 1, 1, 1, 8, 2, 1, 1, 1};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE tenant_id = 1", tables[i]);
		assert_int_equal(raw_int(db, sql), rows[i]);
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[i]);
		assert_int_equal(raw_int(db, sql), rows[i]);
	}
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resource_types WHERE tenant_id IS NULL AND builtin = 1"),
	                 10);
	assert_int_equal(raw_int(db, "SELECT tenant_id FROM resource_types WHERE code = 'family_support'"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM tenants WHERE id = 1 AND code = 'default'"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM settings"), 1);
	/* 0006: rows of open-data and HSDS imports with an import's default fee
	 * are "not known"; other sources, a fee text or free keep theirs */
	static const struct {
		int id, fee;
	} fees[] = {{40, TG_FEE_PAID}, {41, TG_FEE_PAID},    {42, TG_FEE_PAID},    {43, TG_FEE_PAID},
	            {44, TG_FEE_FREE}, {45, TG_FEE_UNKNOWN}, {46, TG_FEE_UNKNOWN}, {47, TG_FEE_PAID}};
	for (size_t i = 0; i < sizeof(fees) / sizeof(fees[0]); i++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "SELECT fee_free FROM resources WHERE id = %d", fees[i].id);
		if (raw_int(db, sql) != fees[i].fee)
			fail_msg("resource %d: fee_free %lld, want %d", fees[i].id, (long long)raw_int(db, sql),
			         fees[i].fee);
	}
	struct tg_resource r45;
	int64_t was = db->tenant_id;
	tg_db_set_tenant(db, 1);
	assert_int_equal(db->ops->resource_get(db, &a, 45, &r45), TG_OK);
	assert_int_equal(r45.fee_free, TG_FEE_UNKNOWN);
	tg_db_set_tenant(db, was);
	if (!on_pg()) {
		assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
		assert_int_equal(
		    raw_int(db, "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
		assert_int_equal(raw_int(db, "PRAGMA foreign_keys"), 1); /* back on after the migration */
	}

	/* through the store, in tenant 1: everything, with its ids */
	tg_db_set_tenant(db, 1);
	struct tg_resource r;
	struct tg_user u;
	struct tg_session se;
	struct tg_change *cl = NULL;
	struct tg_audit *al = NULL;
	struct tg_area *areas = NULL;
	struct tg_resource_type *types = NULL;
	size_t n = 0;
	assert_int_equal(db->ops->resource_get(db, &a, 40, &r), TG_OK);
	assert_string_equal(r.name, "ひろば");
	assert_string_equal(r.org_name, "社協");
	assert_string_equal(r.type_code, "family_support");
	assert_int_equal(r.area_id, 11);
	/* 0007: the hours rows became the column, sorted */
	assert_int_equal(r.n_hours, 2);
	assert_int_equal(r.hours[0].weekday, 1);
	assert_int_equal(r.hours[0].open_min, 540);
	assert_int_equal(r.hours[0].close_min, 720);
	assert_int_equal(r.hours[1].weekday, 7);
	assert_int_equal(r.hours[1].open_min, 600);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE id = 40 AND hours = '1:540-720,7:600-660'"),
	                 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE id = 41 AND hours = '2:600-660'"), 1);
	assert_int_equal(raw_int(db, "SELECT COUNT(*) FROM resources WHERE hours IS NOT NULL"), 2);
	assert_int_equal(r.n_exceptions, 1);
	assert_int_equal(r.n_services, 1);
	assert_int_equal(r.n_access, 1);
	assert_int_equal(db->ops->resource_get_by_source(db, &a, "csv", "A-2", &r), TG_OK);
	assert_int_equal(r.id, 41);
	assert_int_equal(db->ops->user_get_by_login(db, &a, "admin", &u), TG_OK);
	assert_int_equal(u.id, 30);
	assert_int_equal(db->ops->session_get(db, &a, "tok", &se), TG_OK);
	assert_int_equal(se.user_id, 30);
	assert_int_equal(db->ops->change_list(db, &a, 40, &cl, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cl[0].user_name, "管理者");
	assert_int_equal(db->ops->audit_list(db, &a, 0, 0, &al, &n), TG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(al[0].id, 60);
	assert_int_equal(db->ops->area_list(db, &a, &areas, &n), TG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(db->ops->type_list(db, &a, &types, &n), TG_OK);
	assert_int_equal(n, 11);
	/* new rows continue after the old ids, references are composite now */
	r.id = 0;
	r.uuid = NULL;
	r.source_id = "A-3";
	assert_int_equal(db->ops->resource_insert(db, &r, NULL), TG_OK);
	assert_true(on_pg() || r.id > 41); /* PostgreSQL: explicit ids do not move the identity */
	/* a new tenant sees none of it */
	int64_t t2 = add_tenant(db, "sakura", NULL);
	tg_db_set_tenant(db, t2);
	assert_int_equal(db->ops->resource_get(db, &a, 40, &r), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->user_get_by_login(db, &a, "admin", &u), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->type_list(db, &a, &types, &n), TG_OK);
	assert_int_equal(n, 10);
	tg_db_close(db);
	tg_arena_release(&a);
	rm_dir(dir);
}

/* Does sql name one of the tables that hold a tenant's data? */
static int touches_tenant_table(const char *sql)
{
	static const char *const tables[] = {"areas",
	                                     "orgs",
	                                     "users",
	                                     "sessions",
	                                     "resource_types",
	                                     "resources",
	                                     "resource_tags",
	                                     "resource_exceptions",
	                                     "resource_changes",
	                                     "audit_log"};
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		size_t len = strlen(tables[k]);
		for (const char *p = sql; (p = strstr(p, tables[k])) != NULL; p += len)
			if ((p == sql || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0' || p[len] == '('))
				return 1;
	}
	return 0;
}

/* SQLite: every statement on a tenant table names :tenant (the fixed ones
 * and every generated variant: list/count per filter, batch reads per size),
 * the registry's and shared tables' statements do not, and the multi-row
 * inserts write tenant_id. */
static void test_sql_names_tenant(void **state)
{
	struct fx *f = *state;
	struct sq_db *s = SQ(f->db);
	if (on_pg())
		return;
	for (int size = 0; size < N_SIZES; size++) {
		sqlite3_stmt *st = NULL;
		for (int kind = 0; kind < CH__COUNT; kind++)
			assert_int_equal(get_child_st(s, kind, size, &st), TG_OK);
		assert_int_equal(get_many_st(s, size, &st), TG_OK);
	}
	for (unsigned mask = 0; mask < LIST_VARIANTS; mask++) {
		struct tg_resource_filter flt = {0};
		struct tg_resource *out = NULL;
		size_t n = 0;
		int64_t cnt = 0;
		flt.org_id = mask & 1 ? 1 : 0;
		flt.modified_after = mask & 2 ? "2000-01-01T00:00:00Z" : NULL;
		flt.public_only = mask & 4 ? 1 : 0;
		flt.verified_before = mask & 8 ? "2000-01-01" : NULL;
		assert_int_equal(f->db->ops->resource_list(f->db, &f->a, &flt, &out, &n), TG_OK);
		assert_int_equal(f->db->ops->resource_count(f->db, &flt, &cnt), TG_OK);
	}
	for (int i = 0; i < S__FIXED; i++) {
		sqlite3_stmt *st = NULL;
		assert_int_equal(get_st(s, i, &st), TG_OK);
	}
	for (int i = 0; i < N_SLOTS; i++) {
		assert_non_null(s->st[i]);
		const char *sql = sqlite3_sql(s->st[i]);
		int touches = touches_tenant_table(sql);
		if (touches && !strstr(sql, ":tenant"))
			fail_msg("statement %d has no :tenant: %s", i, sql);
		if (!touches && strstr(sql, ":tenant"))
			fail_msg("statement %d on shared data names :tenant: %s", i, sql);
		/* bound to the connection's tenant, nothing else */
		if (touches)
			assert_int_equal(s->tix[i], sqlite3_bind_parameter_index(s->st[i], ":tenant"));
	}
	for (int k = 0; k < MI__COUNT; k++) {
		sqlite3_stmt *st = NULL;
		assert_int_equal(get_multi_st(s, k, 2, &st), TG_OK);
		assert_non_null(strstr(sqlite3_sql(st), "tenant_id"));
	}
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
	    cmocka_unit_test_setup_teardown(test_insert_many_same, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_insert_many_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_failure_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hours_range, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_get_by_source_many_same, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_org_insert_many_same, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_source_ids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_org_get_many, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_area_ensure_many_same, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changes_audit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_deletions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sql_names_tenant, setup, teardown),
	    cmocka_unit_test(test_tenant_migrate_data),
	    cmocka_unit_test_setup_teardown(test_tenant_registry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tenant_isolation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tenant_same_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tenant_references, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tenant_none, setup, teardown),
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
