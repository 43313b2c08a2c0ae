/*
 * test_pg_rls.c - tenants on PostgreSQL: row-level security (migration 0003)
 * as a second wall behind the store's tenant filter, and store/pg.c keeping
 * the session setting tsunagu.tenant equal to db->tenant_id.
 *
 *  - raw libpq, as the store's role: with tsunagu.tenant unset or '' a bare
 *    SELECT of every tenant table sees no row; with '2' exactly tenant 2's;
 *    '*' all of them; a row written for another tenant is refused by the
 *    policy; every table with a tenant_id (but the registry) has row-level
 *    security enabled and forced;
 *  - through the store: switching db->tenant_id between calls on one
 *    connection, inside transactions that commit or roll back (which undoes
 *    a set_config made in them), after the backend is terminated (PQreset
 *    loses the setting), the copy ops as TG_TENANT_ALL; set_config is sent
 *    only when the tenant changes (counted in a libpq trace);
 *  - errors: a reference to another tenant's organization names the
 *    constraint, never the values;
 *  - a bulk import analyzes the tables the composite foreign keys reference,
 *    so their checks use the (tenant_id, id) key and not any index that
 *    starts with tenant_id (an O(n^2) import otherwise; store/pg.c
 *    bulk_analyze).
 *
 * Needs TSUNAGU_TEST_PG (skipped without it) connecting as an ordinary role,
 * as scripts/pg-cluster.sh's URL does: superusers and BYPASSRLS roles pass
 * row-level security, so the test fails on such a URL rather than prove
 * nothing. TSUNAGU_TEST_PG_ADMIN (optional) is used to terminate the store's
 * backend; without it the same role does (it may signal its own backends).
 * The database is emptied with drop_all().
 *
 * The file includes store/pg.c (like test_store.c includes sqlite.c) to reach
 * the store's connection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/pg.c"

static const char *url;

struct fx {
	struct tg_db *db;
	PGconn *raw;
	struct tg_arena a;
	int64_t t2;   /* the second tenant's id */
	int64_t org1; /* an organization of tenant 1 */
};

/* ---- helpers ---------------------------------------------------------------------- */

static PGresult *raw_exec(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType es = PQresultStatus(res);
	if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	return res;
}

static int64_t raw_int(PGconn *c, const char *sql)
{
	PGresult *res = raw_exec(c, sql);
	int64_t v = -1;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		const char *x = PQgetvalue(res, 0, 0);
		v = x[0] == 't' ? 1 : x[0] == 'f' ? 0 : strtoll(x, NULL, 10);
	}
	PQclear(res);
	return v;
}

/* The SQLSTATE of a statement expected to fail ("" if it did not). */
static const char *raw_fails(PGconn *c, const char *sql, char st[6])
{
	PGresult *res = PQexec(c, sql);
	const char *x = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	snprintf(st, 6, "%s", x ? x : "");
	PQclear(res);
	return st;
}

static void raw_set(PGconn *c, const char *value)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT set_config('tsunagu.tenant', '%s', false)", value);
	PQclear(raw_exec(c, sql));
}

static PGconn *raw_connect(const char *u)
{
	PGconn *c = PQconnectdb(u);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet_notices, NULL);
	return c;
}

/* The tables row-level security guards: every table with a tenant_id but
 * the registry's tenant_hosts. */
static const char *const tenant_tables[] = {
    "areas",
    "orgs",
    "users",
    "sessions",
    "resource_types",
    "resources",
    "resource_tags",
    "resource_exceptions",
    "resource_changes",
    "audit_log",
};
#define N_TENANT_TABLES (sizeof(tenant_tables) / sizeof(tenant_tables[0]))

static int64_t count_rows(PGconn *c, const char *table, const char *where)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s%s%s", table, where ? " WHERE " : "", where ? where : "");
	return raw_int(c, sql);
}

/* One tenant's data through the store: every tenant table gets rows. n
 * resources (so the tenants' counts differ). Returns the org id. */
static int64_t fill_tenant(struct fx *f, int64_t tenant, int n, const char *tag)
{
	struct tg_db *db = f->db;
	struct tg_arena *a = &f->a;
	tg_db_set_tenant(db, tenant);
	struct tg_area area = {.level = TG_AREA_CITY, .name = "みなと市"};
	assert_int_equal(db->ops->area_ensure(db, &area), TG_OK);
	struct tg_org org = {.name = tg_arena_printf(a, "org %s", tag), .area_id = area.id};
	assert_int_equal(db->ops->org_insert(db, &org), TG_OK);
	struct tg_user u = {.org_id = org.id, .login = "admin", .display_name = tag, .password_hash = "x"};
	assert_int_equal(db->ops->user_insert(db, &u), TG_OK);
	assert_int_equal(
	    db->ops->session_insert(db, tg_arena_printf(a, "hash-%s", tag), u.id, "csrf", "2099-01-01T00:00:00Z"),
	    TG_OK);
	struct tg_resource_type ty = {.code = "own", .name_ja = "独自", .name_en = "Own"};
	assert_int_equal(db->ops->type_insert(db, &ty), TG_OK);
	for (int i = 0; i < n; i++) {
		static struct tg_hours h = {1, 600, 720};
		static struct tg_exception e = {"2026-01-01", 1, 0, 0, NULL};
		static const char *svc[] = {"soudan"};
		struct tg_resource r = {0};
		r.org_id = org.id;
		r.area_id = area.id;
		r.type_code = i % 2 ? "own" : "hub";
		r.name = tg_arena_printf(a, "%s %d", tag, i);
		r.age_min_months = r.age_max_months = r.capacity = -1;
		r.hours = &h;
		r.n_hours = 1;
		r.exceptions = &e;
		r.n_exceptions = 1;
		r.services = svc;
		r.n_services = 1;
		r.source = "csv";
		r.source_id = tg_arena_printf(a, "%d", i);
		assert_int_equal(db->ops->resource_insert(db, &r, "x"), TG_OK);
		struct tg_change c = {.resource_id = r.id, .action = "create", .after_json = "{}"};
		assert_int_equal(db->ops->change_insert(db, &c), TG_OK);
	}
	struct tg_audit au = {.user_id = u.id, .action = "login", .object_type = "session"};
	assert_int_equal(db->ops->audit_insert(db, &au), TG_OK);
	return org.id;
}

static int setup(void **state)
{
	char err[256];
	int applied = 0;
	struct fx *f = tg_xcalloc(1, sizeof(*f));
	tg_arena_init(&f->a);
	f->db = tg_db_open(url, 0, err, sizeof(err));
	if (!f->db)
		fail_msg("open: %s", err);
	assert_int_equal(f->db->ops->drop_all(f->db), TG_OK);
	assert_int_equal(f->db->ops->migrate(f->db, &applied), TG_OK);
	f->raw = raw_connect(url);
	if (raw_int(f->raw, "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user") != 0)
		fail_msg("TSUNAGU_TEST_PG connects as a superuser or a BYPASSRLS role, which row-level security "
		         "does not apply to: use the URL of scripts/pg-cluster.sh (role tsunagu)");
	struct tg_tenant t = {.code = "two", .name = "二番目"};
	assert_int_equal(f->db->ops->tenant_insert(f->db, &t), TG_OK);
	f->t2 = t.id;
	assert_int_equal(f->t2, 2);
	f->org1 = fill_tenant(f, 1, 3, "one");
	fill_tenant(f, f->t2, 2, "two");
	tg_db_set_tenant(f->db, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	PQfinish(f->raw);
	tg_db_close(f->db);
	tg_arena_release(&f->a);
	free(f);
	return 0;
}

/* ---- row-level security, raw ----------------------------------------------------------- */

static void test_policies_present(void **state)
{
	struct fx *f = *state;
	/* every table with a tenant_id but the registry: enabled and forced */
	PGresult *res = raw_exec(f->raw, "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
	                                 "JOIN information_schema.columns k ON k.table_name = c.relname "
	                                 "AND k.table_schema = current_schema() AND k.column_name = 'tenant_id' "
	                                 "WHERE c.relnamespace = (SELECT oid FROM pg_namespace "
	                                 "WHERE nspname = current_schema()) AND c.relname <> 'tenant_hosts' "
	                                 "ORDER BY 1");
	assert_int_equal(PQntuples(res), (int)N_TENANT_TABLES);
	for (int i = 0; i < PQntuples(res); i++) {
		if (PQgetvalue(res, i, 1)[0] != 't' || PQgetvalue(res, i, 2)[0] != 't')
			fail_msg("%s: row-level security not enabled and forced", PQgetvalue(res, i, 0));
	}
	PQclear(res);
}

static void test_unset_sees_nothing(void **state)
{
	struct fx *f = *state;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			raw_set(f->raw, "");
		for (size_t i = 0; i < N_TENANT_TABLES; i++) {
			/* built-in types have no tenant: visible to everyone */
			const char *where =
			    strcmp(tenant_tables[i], "resource_types") == 0 ? "tenant_id IS NOT NULL" : NULL;
			if (count_rows(f->raw, tenant_tables[i], where) != 0)
				fail_msg("%s: rows visible with tsunagu.tenant %s", tenant_tables[i],
				         pass ? "''" : "unset");
		}
		assert_true(count_rows(f->raw, "resource_types", NULL) >= 10);
	}
	/* nor can anything be written */
	char st[6];
	assert_string_equal(raw_fails(f->raw,
	                              "INSERT INTO audit_log (tenant_id, at, action, object_type) "
	                              "VALUES (1, '2026-01-01T00:00:00Z', 'x', 'y')",
	                              st),
	                    "42501");
}

static void test_one_tenant_sees_its_rows(void **state)
{
	struct fx *f = *state;
	int64_t n2[N_TENANT_TABLES], all[N_TENANT_TABLES];
	raw_set(f->raw, "*");
	for (size_t i = 0; i < N_TENANT_TABLES; i++) {
		all[i] = count_rows(f->raw, tenant_tables[i], "tenant_id IS NOT NULL");
		n2[i] = count_rows(f->raw, tenant_tables[i], "tenant_id = 2");
		if (n2[i] == 0 || n2[i] == all[i])
			fail_msg("%s: the fixture needs rows of both tenants", tenant_tables[i]);
	}
	assert_int_equal(count_rows(f->raw, "resources", NULL), 5);
	raw_set(f->raw, "2");
	for (size_t i = 0; i < N_TENANT_TABLES; i++) {
		const char *where = strcmp(tenant_tables[i], "resource_types") == 0 ? "tenant_id IS NOT NULL" : NULL;
		if (count_rows(f->raw, tenant_tables[i], where) != n2[i])
			fail_msg("%s: tenant 2 sees %lld rows, has %lld", tenant_tables[i],
			         (long long)count_rows(f->raw, tenant_tables[i], where), (long long)n2[i]);
	}
	assert_int_equal(count_rows(f->raw, "resources", NULL), 2);
	assert_int_equal(count_rows(f->raw, "resources", "tenant_id <> 2"), 0);
	/* built-in types stay visible */
	assert_int_equal(count_rows(f->raw, "resource_types", "tenant_id IS NULL"),
	                 count_rows(f->raw, "resource_types", "builtin = 1"));

	/* writing into another tenant is refused by the policy */
	char st[6];
	assert_string_equal(raw_fails(f->raw,
	                              "INSERT INTO audit_log (tenant_id, at, action, object_type) "
	                              "VALUES (1, '2026-01-01T00:00:00Z', 'x', 'y')",
	                              st),
	                    "42501");
	assert_string_equal(raw_fails(f->raw,
	                              "INSERT INTO resource_types (tenant_id, code, name_ja, name_en) "
	                              "VALUES (NULL, 'fake_builtin', 'x', 'x')",
	                              st),
	                    "42501");
	assert_string_equal(raw_fails(f->raw, "UPDATE resources SET tenant_id = 1", st), "42501");
	/* rows of tenant 1 cannot be touched: not even found */
	PGresult *res = raw_exec(f->raw, "DELETE FROM audit_log WHERE tenant_id = 1");
	assert_string_equal(PQcmdTuples(res), "0");
	PQclear(res);
	/* its own rows, yes */
	PQclear(raw_exec(f->raw, "INSERT INTO audit_log (tenant_id, at, action, object_type) "
	                         "VALUES (2, '2026-01-01T00:00:00Z', 'x', 'y')"));

	raw_set(f->raw, "*");
	for (size_t i = 0; i < N_TENANT_TABLES; i++) {
		int64_t extra = strcmp(tenant_tables[i], "audit_log") == 0;
		assert_int_equal(count_rows(f->raw, tenant_tables[i], "tenant_id IS NOT NULL"), all[i] + extra);
	}
	assert_int_equal(count_rows(f->raw, "audit_log", "tenant_id = 1"), 1);
}

/* ---- the store's session setting ------------------------------------------------------ */

/* tsunagu.tenant on the store's own session ("(null)" when unset). */
static const char *store_setting(struct fx *f, char *buf, size_t n)
{
	PGresult *res = raw_exec(PG(f->db)->c, "SELECT current_setting('tsunagu.tenant', true)");
	snprintf(buf, n, "%s", PQgetisnull(res, 0, 0) ? "(null)" : PQgetvalue(res, 0, 0));
	PQclear(res);
	return buf;
}

/* Counting set_config round trips: a libpq trace of the store's connection. */
struct trace {
	char *buf;
	size_t len;
	FILE *fp;
};

static void trace_on(struct fx *f, struct trace *t)
{
	t->buf = NULL;
	t->len = 0;
	t->fp = open_memstream(&t->buf, &t->len);
	assert_non_null(t->fp);
	PQtrace(PG(f->db)->c, t->fp);
}

static int trace_off(struct fx *f, struct trace *t) /* -> number of set_config sent */
{
	int n = 0;
	PQuntrace(PG(f->db)->c);
	fclose(t->fp);
	for (const char *p = t->buf; (p = strstr(p, "Parse")) != NULL; p++) {
		const char *e = strchr(p, '\n');
		const char *hit = strstr(p, "set_config('tsunagu.tenant'");
		if (hit && (!e || hit < e))
			n++;
	}
	free(t->buf);
	return n;
}

static int64_t res_count(struct fx *f)
{
	int64_t n = -1;
	assert_int_equal(f->db->ops->resource_count(f->db, NULL, &n), TG_OK);
	return n;
}

static void test_switch_between_calls(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct trace t;
	char buf[32];
	tg_db_set_tenant(db, 1);
	assert_int_equal(res_count(f), 3);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "1");
	tg_db_set_tenant(db, f->t2);
	assert_int_equal(res_count(f), 2);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "2");
	tg_db_set_tenant(db, 0);
	assert_int_equal(res_count(f), 0);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "");

	/* unchanged: no round trip; changed: exactly one */
	tg_db_set_tenant(db, 1);
	assert_int_equal(res_count(f), 3);
	trace_on(f, &t);
	for (int i = 0; i < 3; i++)
		assert_int_equal(res_count(f), 3);
	struct tg_org o;
	assert_int_equal(db->ops->org_get(db, &f->a, f->org1, &o), TG_OK);
	assert_int_equal(trace_off(f, &t), 0);
	trace_on(f, &t);
	tg_db_set_tenant(db, f->t2);
	assert_int_equal(res_count(f), 2);
	assert_int_equal(db->ops->org_get(db, &f->a, f->org1, &o), TG_ERR_NOT_FOUND);
	tg_db_set_tenant(db, 1);
	assert_int_equal(res_count(f), 3);
	assert_int_equal(trace_off(f, &t), 2);
}

static void test_switch_in_transactions(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct trace t;
	char buf[32];
	tg_db_set_tenant(db, 1);
	assert_int_equal(res_count(f), 3);

	/* set inside a transaction that rolls back: PostgreSQL undoes it */
	assert_int_equal(tg_db_begin(db), TG_OK);
	tg_db_set_tenant(db, f->t2);
	assert_int_equal(res_count(f), 2);
	tg_db_rollback(db);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "1"); /* the server went back */
	assert_int_equal(res_count(f), 2);                            /* and the store set it again */
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "2");

	/* set inside a transaction that commits: it stays, no second round trip */
	tg_db_set_tenant(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(res_count(f), 3);
	assert_int_equal(tg_db_commit(db), TG_OK);
	trace_on(f, &t);
	assert_int_equal(res_count(f), 3);
	assert_int_equal(trace_off(f, &t), 0);

	/* a failed call inside begin() (its savepoint rolled back), after a switch */
	assert_int_equal(tg_db_begin(db), TG_OK);
	tg_db_set_tenant(db, f->t2);
	struct tg_org bad = {.name = "bad", .area_id = 999999};
	assert_int_equal(db->ops->org_insert(db, &bad), TG_ERR_INVALID);
	assert_int_equal(res_count(f), 2);
	struct tg_audit au = {.action = "x", .object_type = "y"};
	assert_int_equal(db->ops->audit_insert(db, &au), TG_OK);
	assert_int_equal(tg_db_commit(db), TG_OK);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "2");
	assert_int_equal(res_count(f), 2);

	/* a COMMIT that rolls back: in bulk mode a failed call aborts the whole
	 * transaction, and PostgreSQL answers its COMMIT with "ROLLBACK" */
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	tg_db_set_tenant(db, 1);
	assert_int_equal(res_count(f), 3);
	assert_int_equal(db->ops->org_insert(db, &bad), TG_ERR_INVALID);
	assert_int_equal(tg_db_commit(db), TG_ERR_DB); /* not silently "committed" */
	db->ops->bulk(db, 0);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "2");
	assert_int_equal(res_count(f), 3);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "1");
}

static void terminate_store_backend(struct fx *f)
{
	const char *admin = getenv("TSUNAGU_TEST_PG_ADMIN");
	PGconn *c = admin && *admin ? raw_connect(admin) : f->raw;
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d)", PQbackendPID(PG(f->db)->c));
	assert_int_equal(raw_int(c, sql), 1);
	if (c != f->raw)
		PQfinish(c);
	usleep(100 * 1000);
}

static void test_after_reconnect(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	char buf[32];
	/* the same tenant before and after: the new session has no setting */
	tg_db_set_tenant(db, f->t2);
	assert_int_equal(res_count(f), 2);
	terminate_store_backend(f);
	assert_int_equal(res_count(f), 2);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "2");
	/* a switch that meets the dead connection */
	terminate_store_backend(f);
	tg_db_set_tenant(db, 1);
	assert_int_equal(res_count(f), 3);
	/* inside a transaction: busy, and the rollback reconnects */
	assert_int_equal(tg_db_begin(db), TG_OK);
	terminate_store_backend(f);
	assert_int_equal(db->ops->resource_count(db, NULL, &(int64_t){0}), TG_ERR_BUSY);
	tg_db_rollback(db);
	assert_int_equal(res_count(f), 3);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "1");
}

static void test_whole_database_ops(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	int64_t n = 0;
	tg_db_set_tenant(db, f->t2);
	assert_int_equal(res_count(f), 2);
	/* the copy ops see every tenant, and leave the caller's tenant */
	assert_int_equal(db->ops->copy->table_count(db, "resources", &n), TG_OK);
	assert_int_equal(n, 5);
	assert_int_equal(db->tenant_id, f->t2);
	assert_int_equal(res_count(f), 2);
	/* also inside the snapshot the copy reads in */
	assert_int_equal(db->ops->copy->snapshot(db), TG_OK);
	assert_int_equal(db->ops->copy->table_count(db, "resource_tags", &n), TG_OK);
	assert_int_equal(n, 5);
	tg_db_rollback(db);
	assert_int_equal(res_count(f), 2);
	/* migrate as well (nothing to apply, but it must not leave '*') */
	int applied = -1;
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(db->tenant_id, f->t2);
	char buf[32];
	assert_int_equal(res_count(f), 2);
	assert_string_equal(store_setting(f, buf, sizeof(buf)), "2");
}

static void test_cross_tenant_errors(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	char id[32];
	tg_db_set_tenant(db, f->t2);
	struct tg_resource r = {0};
	r.org_id = f->org1; /* tenant 1's */
	r.type_code = "hub";
	r.name = "x";
	r.age_min_months = r.age_max_months = r.capacity = -1;
	assert_int_equal(db->ops->resource_insert(db, &r, ""), TG_ERR_INVALID);
	const char *msg = db->ops->errmsg(db);
	snprintf(id, sizeof(id), "%lld", (long long)f->org1);
	assert_non_null(strstr(msg, "resources_tenant_id_org_id_fkey"));
	assert_null(strstr(msg, id));
	assert_null(strstr(msg, "DETAIL"));
	/* a user moved to another tenant's organization */
	struct tg_user u;
	assert_int_equal(db->ops->user_get_by_login(db, &f->a, "admin", &u), TG_OK);
	u.org_id = f->org1;
	assert_int_equal(db->ops->user_update(db, &u), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "users_tenant_id_org_id_fkey"));
	/* another tenant's custom type does not exist here; built-in codes are taken */
	tg_db_set_tenant(db, 1);
	struct tg_resource_type ty = {.code = "only_one", .name_ja = "x", .name_en = "x"};
	assert_int_equal(db->ops->type_insert(db, &ty), TG_OK);
	ty.code = "hub";
	assert_int_equal(db->ops->type_insert(db, &ty), TG_ERR_CONFLICT);
	tg_db_set_tenant(db, f->t2);
	struct tg_org o;
	assert_int_equal(db->ops->org_find_by_name(db, &f->a, "org two", &o), TG_OK);
	r.org_id = o.id;
	r.type_code = "only_one";
	assert_int_equal(db->ops->resource_insert(db, &r, ""), TG_ERR_INVALID);
	assert_non_null(strstr(db->ops->errmsg(db), "unknown resource type"));
	r.type_code = "own";
	assert_int_equal(db->ops->resource_insert(db, &r, ""), TG_OK);
	r.type_code = "only_one";
	assert_int_equal(db->ops->resource_update(db, &r, ""), TG_ERR_INVALID);
	/* no tenant: writes refused before the database */
	tg_db_set_tenant(db, 0);
	r.uuid = NULL;
	assert_int_equal(db->ops->resource_insert(db, &r, ""), TG_ERR_INTERNAL);
}

static void test_registry(void **state)
{
	struct fx *f = *state;
	struct tg_db *db = f->db;
	struct tg_tenant *ts = NULL, t;
	size_t n = 0;
	const char *h3[] = {"three.example.jp", "drei.example.jp"};
	struct tg_tenant x = {.code = "three", .name = "3", .hosts = h3, .n_hosts = 2};
	tg_db_set_tenant(db, 0); /* the registry needs no tenant */
	assert_int_equal(db->ops->tenant_insert(db, &x), TG_OK);
	assert_int_equal(x.id, 3);
	assert_non_null(x.created_at);
	/* a taken code or host: conflict, and nothing of it stays */
	const char *h4[] = {"four.example.jp", "drei.example.jp"};
	struct tg_tenant y = {.code = "four", .name = "4", .hosts = h4, .n_hosts = 2};
	assert_int_equal(db->ops->tenant_insert(db, &y), TG_ERR_CONFLICT);
	y.code = "three";
	y.n_hosts = 1;
	assert_int_equal(db->ops->tenant_insert(db, &y), TG_ERR_CONFLICT);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "four", &t), TG_ERR_NOT_FOUND);
	assert_int_equal(db->ops->tenant_list(db, &f->a, &ts, &n), TG_OK);
	assert_int_equal(n, 3);
	assert_string_equal(ts[0].code, "default");
	assert_int_equal(ts[0].n_hosts, 0);
	assert_int_equal(ts[2].n_hosts, 2);
	assert_string_equal(ts[2].hosts[0], "drei.example.jp"); /* byte order */
	/* update replaces name, disabled and hosts */
	x.name = "三";
	x.disabled = 1;
	x.hosts = h4;
	x.n_hosts = 1;
	assert_int_equal(db->ops->tenant_update(db, &x), TG_OK);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "three", &t), TG_OK);
	assert_string_equal(t.name, "三");
	assert_int_equal(t.disabled, 1);
	assert_int_equal(t.n_hosts, 1);
	assert_string_equal(t.hosts[0], "four.example.jp");
	/* a host of another tenant: conflict, the old hosts kept */
	x.hosts = h3;
	x.n_hosts = 2;
	x.id = 2;
	assert_int_equal(db->ops->tenant_update(db, &x), TG_OK);
	x.id = 3;
	assert_int_equal(db->ops->tenant_update(db, &x), TG_ERR_CONFLICT);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "three", &t), TG_OK);
	assert_string_equal(t.hosts[0], "four.example.jp");
	x.id = 99;
	assert_int_equal(db->ops->tenant_update(db, &x), TG_ERR_NOT_FOUND);
	/* inside begin() too */
	assert_int_equal(tg_db_begin(db), TG_OK);
	assert_int_equal(db->ops->tenant_insert(db, &y), TG_ERR_CONFLICT);
	y.code = "five";
	y.hosts = NULL;
	y.n_hosts = 0;
	assert_int_equal(db->ops->tenant_insert(db, &y), TG_OK);
	assert_int_equal(tg_db_commit(db), TG_OK);
	assert_int_equal(db->ops->tenant_get_by_code(db, &f->a, "five", &t), TG_OK);
}

static void test_drop_all_from_catalog(void **state)
{
	struct fx *f = *state;
	PQclear(raw_exec(f->raw, "CREATE TABLE later_table (id bigint PRIMARY KEY, "
	                         "tenant_id bigint REFERENCES tenants(id))"));
	assert_int_equal(f->db->ops->drop_all(f->db), TG_OK);
	assert_int_equal(raw_int(f->raw, "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = "
	                                 "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"),
	                 0);
	assert_int_equal(raw_int(f->raw, "SELECT count(*) FROM pg_proc WHERE proname = 'tsunagu_tenant_ok'"), 0);
	int applied = 0;
	assert_int_equal(f->db->ops->migrate(f->db, &applied), TG_OK);
	assert_int_equal(applied, (int)tg_n_migrations);
}

/* n resources of tenant 1 inserted in bulk mode, in one transaction. */
static void bulk_insert(struct fx *f, int n)
{
	struct tg_db *db = f->db;
	tg_db_set_tenant(db, 1);
	db->ops->bulk(db, 1);
	assert_int_equal(tg_db_begin(db), TG_OK);
	for (int i = 0; i < n; i++) {
		struct tg_resource r = {0};
		r.org_id = f->org1;
		r.type_code = "hub";
		r.name = "bulk";
		r.age_min_months = r.age_max_months = r.capacity = -1;
		assert_int_equal(db->ops->resource_insert(db, &r, ""), TG_OK);
	}
	assert_int_equal(tg_db_commit(db), TG_OK);
	db->ops->bulk(db, 0);
}

static void test_bulk_statistics(void **state)
{
	struct fx *f = *state;
	bulk_insert(f, BULK_ANALYZE_AT + 10);
	assert_true(raw_int(f->raw, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'resources'") >=
	            BULK_ANALYZE_AT);
	/* the check PostgreSQL runs for a reference, planned generically now */
	PQclear(raw_exec(f->raw, "SET plan_cache_mode = force_generic_plan"));
	PQclear(raw_exec(f->raw, "PREPARE fk(bigint, bigint) AS SELECT 1 FROM ONLY resources x "
	                         "WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE OF x"));
	PGresult *res = raw_exec(f->raw, "EXPLAIN EXECUTE fk(1, 1)");
	int exact = 0;
	for (int i = 0; i < PQntuples(res); i++)
		exact |= strstr(PQgetvalue(res, i, 0), "resources_tenant_id_id_key") != NULL ||
		         strstr(PQgetvalue(res, i, 0), "resources_pkey") != NULL;
	PQclear(res);
	assert_true(exact);
}

/* A large import leaves statistics of its final tables, not of the point
 * where bulk_analyze first ran (plans of other connections follow them). */
static void test_bulk_final_statistics(void **state)
{
	struct fx *f = *state;
	const int n = 2 * BULK_ANALYZE_AT + 700;
	bulk_insert(f, n);
	assert_true(raw_int(f->raw, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'resources'") >= n);
}

/* The commit-time ANALYZE samples less only when the import brought most
 * of the table, so that autovacuum's own analyze follows soon (its
 * threshold is 10 % of the table); a small import into a large table keeps
 * the database's own target (0). */
static void test_commit_analyze_target(void **state)
{
	(void)state;
	assert_int_equal(commit_analyze_target(100000, 0), 30);
	assert_int_equal(commit_analyze_target(2048, -5), 30);
	assert_int_equal(commit_analyze_target(4000, 1000), 30);
	assert_int_equal(commit_analyze_target(3999, 1000), 0);
	assert_int_equal(commit_analyze_target(2100, 30000), 0);
	assert_int_equal(commit_analyze_target(100000, 100000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_policies_present, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_final_statistics, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unset_sees_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_tenant_sees_its_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_switch_between_calls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_switch_in_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_after_reconnect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_whole_database_ops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cross_tenant_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drop_all_from_catalog, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_statistics, setup, teardown),
	    cmocka_unit_test(test_commit_analyze_target),
	};
	url = getenv("TSUNAGU_TEST_PG");
	if (!url || !*url) {
		printf("TSUNAGU_TEST_PG not set: row-level security tests skipped\n");
		return 0;
	}
	return cmocka_run_group_tests_name("pg_rls", tests, NULL, NULL);
}
