/*
 * test_app.c - the application layer over a real store: search texts stored
 * by older normalization rules (TG_SEARCH_TEXT_VERSION). The index load
 * rebuilds the texts that read differently now, so a search finds them at
 * once; tg_app_text_upgrade writes them back and marks them current (a row
 * edited meanwhile keeps its own, current text), so the next start rebuilds
 * nothing; an organization renamed meanwhile keeps its new name in them.
 * And an import stores texts that name the organizations and areas it
 * created. And the index refresher picks up what another process writes,
 * also twice within one second, and a deletion at its mark.
 *
 * Runs on SQLite (a file under /tmp), then on PostgreSQL when
 * TSUNAGU_TEST_PG holds a postgresql:// URL (scripts/pg-cluster.sh; the
 * database is emptied with drop_all).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "app/app.h"
#include "core/search.h"
#include "core/text.h"
#include "io/import.h"
#include "store/store.h"

static char dbpath[128];
static const char *pg_url; /* NULL: SQLite */

static struct tg_db *open_db(int fresh)
{
	char err[256];
	snprintf(dbpath, sizeof(dbpath), "/tmp/tg_test_app_%d.db", (int)getpid());
	if (fresh && !pg_url)
		unlink(dbpath);
	struct tg_db *db = tg_db_open(pg_url ? pg_url : dbpath, 1, err, sizeof(err));
	if (!db)
		fail_msg("open: %s", err);
	if (fresh && pg_url)
		assert_int_equal(db->ops->drop_all(db), TG_OK);
	int applied = 0;
	assert_int_equal(db->ops->migrate(db, &applied), TG_OK);
	tg_db_set_tenant(db, 1); /* "default", created by migration 0003 */
	return db;
}

static const char csv[] =
    "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,種別,住所,方書,緯度,経度,"
    "アクセス方法,駐車場情報,電話番号,内線番号,FAX番号,法人番号,団体名,認可等年月日,収容定員,受入年齢,"
    "利用可能曜日,開始時間,終了時間,利用可能日時特記事項,一時預かりの有無,URL,備考\n"
    "131016,1,東京都,千代田区,霞ヶ関こども園,,認定こども園,東京都千代田区霞ヶ関1-1,,35.675,139.751,,,,,,,"
    "法人かすみ,,,,,,,,,,\n"
    "131016,2,東京都,千代田区,宮ケ丘ひろば,,地域子育て支援拠点,東京都千代田区宮ケ丘2-2,,35.676,139.752,,,,,,,"
    "法人みやま,,,,,,,,,,\n"
    "131016,3,東京都,千代田区,たけのこ保育園,,認可保育所,東京都千代田区一番町3-3,,35.677,139.753,,,,,,,"
    "法人たけ,,,,,,,,,,\n";

/* The stored text of the row with source id sid. */
static const char *stored_text(struct tg_db *db, struct tg_arena *a, const char *sid, struct tg_resource *r)
{
	assert_int_equal(db->ops->resource_get_by_source(db, a, "jp-facilities:131016", sid, r), TG_OK);
	assert_non_null(r->search_text);
	return r->search_text;
}

/* text with every `from` replaced by `to` (same length), arena-owned */
static char *replace(struct tg_arena *a, const char *text, const char *from, const char *to)
{
	char *s = tg_arena_strdup(a, text);
	for (char *p = strstr(s, from); p; p = strstr(p + strlen(to), from))
		memcpy(p, to, strlen(to));
	return s;
}

static size_t hits(struct tg_app *app, const char *q)
{
	struct tg_arena a = TG_ARENA_INIT;
	const char **terms;
	size_t n_terms, n = 0, total = 0;
	struct tg_search_hit *h;
	assert_int_equal(tg_text_terms(q, strlen(q), &a, &terms, &n_terms), TG_OK);
	struct tg_search_query sq = {.terms = terms, .n_terms = n_terms, .age_months = -1, .weekday = -1, .limit = 20};
	assert_int_equal(tg_search_run(app->index, &sq, &a, &h, &n, &total), TG_OK);
	tg_arena_release(&a);
	return total;
}

/* SQL on the test database outside the store (as the stored rows of an
 * older binary would be); PostgreSQL as the store's role, in tenant 1. */
static void raw_exec(const char *sql)
{
	if (pg_url) {
		PGconn *c = PQconnectdb(pg_url);
		assert_int_equal(PQstatus(c), CONNECTION_OK);
		PGresult *r = PQexec(c, "SELECT set_config('tsunagu.tenant', '1', false)");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		PQclear(r);
		r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", sql, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return;
	}
	sqlite3 *h;
	char *err = NULL;
	assert_int_equal(sqlite3_open(dbpath, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(h);
}

/* Make the row of source id sid look written by rules version 1 with text. */
static void make_old(struct tg_arena *a, int64_t id, const char *text)
{
	raw_exec(tg_arena_printf(a, "UPDATE resources SET text_version = 1, search_text = '%s' WHERE id = %lld", text,
	                         (long long)id));
}

/* A fresh database holding the three rows of csv, imported as the server
 * imports (texts with the names of what the import created), and app over
 * it (its index not loaded yet). */
static struct tg_db *start_imported(struct tg_app *app, struct tg_arena *a)
{
	struct tg_db *db = open_db(1);
	assert_int_equal(tg_app_init(app, pg_url ? pg_url : dbpath, db), TG_OK);
	struct tg_import_options o;
	struct tg_import_report rep;
	tg_import_options_init(&o);
	o.search_text = tg_app_import_search_text;
	o.search_text_ctx = app;
	assert_int_equal(tg_import_run(db, "jp-facilities", csv, sizeof(csv) - 1, &o, a, &rep), TG_OK);
	assert_int_equal(rep.created, 3);
	return db;
}

static void test_text_upgrade(void **state)
{
	(void)state;
	assert_int_equal(atoi(TG_SEARCH_TEXT_VERSION_SQL), TG_SEARCH_TEXT_VERSION);
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_app app;
	struct tg_db *db = start_imported(&app, &a);

	/* an import's texts name the organizations and areas it created */
	struct tg_resource r1, r2, r3;
	const char *t1 = stored_text(db, &a, "1", &r1);
	const char *t2 = stored_text(db, &a, "2", &r2);
	const char *t3 = stored_text(db, &a, "3", &r3);
	assert_string_equal(t1, "霞が関子ども園\x1f\x1f法人かすみ 保育所・子ども園の子育て支援 千代田区\x1f"
	                        "東京都 千代田区 霞が関1-1");
	assert_non_null(strstr(t2, "宮が丘"));
	assert_int_equal(r1.text_version, TG_SEARCH_TEXT_VERSION);
	assert_int_equal(tg_app_ref_reload(&app, db), TG_OK);
	assert_string_equal(tg_app_search_text(&app, app.ref, &r1, &a), t1); /* as the server builds it */

	/* the rows as an older binary stored them: ヶ and ケ became け, and
	 * its import left the names out */
	const char *fresh3 = tg_arena_strdup(&a, t3);
	make_old(&a, r1.id, "霞け関子ども園\x1f\x1f保育所・子ども園の子育て支援\x1f東京都 千代田区 霞け関1-1");
	make_old(&a, r2.id, replace(&a, t2, "宮が丘", "宮け丘"));
	make_old(&a, r3.id, t3);

	/* the load rebuilds all three; たけのこ reads the same */
	assert_int_equal(tg_app_index_load(&app, db), TG_OK);
	assert_int_equal(app.n_rewrites, 3);
	for (size_t i = 0; i < 3; i++)
		if (app.rewrites[i].id == r3.id)
			assert_null(app.rewrites[i].text);
		else
			assert_non_null(app.rewrites[i].text);
	assert_int_equal(hits(&app, "霞ヶ関"), 1);
	assert_int_equal(hits(&app, "霞が関"), 1);
	assert_int_equal(hits(&app, "霞ケ関"), 1);
	assert_int_equal(hits(&app, "宮ヶ丘"), 1);
	assert_int_equal(hits(&app, "法人かすみ"), 1);
	assert_int_equal(hits(&app, "たけのこ"), 1);

	/* an edit before the write-back: its own text wins */
	struct tg_resource e;
	assert_int_equal(db->ops->resource_get(db, &a, r2.id, &e), TG_OK);
	e.description = "土曜日も開いています";
	struct tg_field_error fe = {0};
	assert_int_equal(tg_dir_update(&app, db, 0, &e, "update", &a, &fe), TG_OK);
	const char *edited = tg_arena_strdup(&a, stored_text(db, &a, "2", &r2));
	assert_non_null(strstr(edited, "土曜日"));
	assert_non_null(strstr(edited, "宮が丘"));

	/* and an organization renamed before the write-back (which keeps the
	 * rows' versions): the renamed text wins too */
	struct tg_org org1;
	assert_int_equal(db->ops->org_get(db, &a, r1.org_id, &org1), TG_OK);
	org1.name = "法人かすみ会";
	assert_int_equal(tg_dir_org_update(&app, db, &org1, &a), TG_OK);
	const char *renamed = tg_arena_strdup(&a, stored_text(db, &a, "1", &r1));
	assert_non_null(strstr(renamed, "法人かすみ会"));

	struct tg_resource pre;
	assert_int_equal(db->ops->resource_get(db, &a, r3.id, &pre), TG_OK);
	size_t written = 99;
	assert_int_equal(tg_app_text_upgrade(&app, db, &written), TG_OK);
	assert_int_equal(written, 1);
	assert_int_equal(app.n_rewrites, 0);
	assert_string_equal(stored_text(db, &a, "1", &r1), renamed);
	assert_string_equal(stored_text(db, &a, "2", &r2), edited);
	assert_string_equal(stored_text(db, &a, "3", &r3), fresh3);
	assert_int_equal(r1.text_version, TG_SEARCH_TEXT_VERSION);
	assert_int_equal(r2.text_version, TG_SEARCH_TEXT_VERSION);
	assert_int_equal(r3.text_version, TG_SEARCH_TEXT_VERSION);
	/* the write-back is not an edit: same version, same updated_at */
	assert_int_equal(r3.version, pre.version);
	assert_string_equal(r3.updated_at, pre.updated_at);
	tg_app_release(&app);

	/* the next start rebuilds nothing */
	assert_int_equal(tg_app_init(&app, pg_url ? pg_url : dbpath, db), TG_OK);
	assert_int_equal(tg_app_index_load(&app, db), TG_OK);
	assert_int_equal(app.n_rewrites, 0);
	assert_int_equal(hits(&app, "霞ヶ関"), 1);
	assert_int_equal(tg_app_text_upgrade(&app, db, &written), TG_OK);
	assert_int_equal(written, 0);
	tg_app_release(&app);

	tg_arena_release(&a);
	db->ops->close(db);
	if (!pg_url)
		unlink(dbpath);
}

/* Another process writes rows (here: SQL outside this app) and this
 * server's refresher picks them up, also when a row is written twice within
 * one second (timestamps have one-second resolution): its version moved. */
static void test_refresh_same_second(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_app app;
	struct tg_db *db = start_imported(&app, &a);
	assert_int_equal(tg_app_index_load(&app, db), TG_OK);
	struct tg_resource r1, r2;
	stored_text(db, &a, "1", &r1);
	stored_text(db, &a, "2", &r2);
	const char *sec = "2030-01-01T00:00:00Z"; /* one second, later than every row */
#define WRITE(id, name)                                                                                                \
	raw_exec(tg_arena_printf(&a,                                                                                   \
	                         "UPDATE resources SET name = '%s', version = version + 1, updated_at = '%s' "         \
	                         "WHERE id = %lld",                                                                    \
	                         (name), sec, (long long)(id)))
	WRITE(r1.id, "どうびょうさくら");
	assert_int_equal(tg_app_index_refresh(&app, db), TG_OK);
	assert_int_equal(hits(&app, "どうびょうさくら"), 1);
	/* the same row again, in the same second */
	WRITE(r1.id, "どうびょうもみじ");
	assert_int_equal(tg_app_index_refresh(&app, db), TG_OK);
	assert_int_equal(hits(&app, "どうびょうもみじ"), 1);
	assert_int_equal(hits(&app, "どうびょうさくら"), 0);
	/* another row in that second, then the first once more */
	WRITE(r2.id, "どうびょうかえで");
	assert_int_equal(tg_app_index_refresh(&app, db), TG_OK);
	assert_int_equal(hits(&app, "どうびょうかえで"), 1);
	WRITE(r1.id, "どうびょういちょう");
	assert_int_equal(tg_app_index_refresh(&app, db), TG_OK);
	assert_int_equal(hits(&app, "どうびょういちょう"), 1);
	assert_int_equal(hits(&app, "どうびょうもみじ"), 0);
	assert_int_equal(hits(&app, "どうびょうかえで"), 1);
	/* nothing new: a refresh changes nothing */
	assert_int_equal(tg_app_index_refresh(&app, db), TG_OK);
	assert_int_equal(hits(&app, "どうびょう"), 2);
	/* the first is deleted and the third row written in that second at the
	 * same version: the same count and version sum at the mark */
	struct tg_resource r3, cur;
	stored_text(db, &a, "3", &r3);
	assert_int_equal(db->ops->resource_get(db, &a, r1.id, &cur), TG_OK);
	/* (as another process deletes: the row and its history entry) */
	assert_int_equal(db->ops->begin(db), TG_OK);
	assert_int_equal(db->ops->resource_delete(db, r1.id), TG_OK);
	struct tg_change del = {.resource_id = r1.id, .action = "delete"};
	assert_int_equal(db->ops->change_insert(db, &del), TG_OK);
	assert_int_equal(db->ops->commit(db), TG_OK);
	raw_exec(tg_arena_printf(&a,
	                         "UPDATE resources SET name = 'どうびょうくすのき', version = %lld, updated_at = '%s' "
	                         "WHERE id = %lld",
	                         (long long)cur.version, sec, (long long)r3.id));
	assert_int_equal(tg_app_index_refresh(&app, db), TG_OK);
	assert_int_equal(hits(&app, "どうびょういちょう"), 0);
	assert_int_equal(hits(&app, "どうびょうくすのき"), 1);
#undef WRITE
	tg_app_release(&app);
	tg_arena_release(&a);
	db->ops->close(db);
	if (!pg_url)
		unlink(dbpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_upgrade),
	    cmocka_unit_test(test_refresh_same_second),
	};
	int failed = cmocka_run_group_tests_name("app_sqlite", tests, NULL, NULL);
	const char *url = getenv("TSUNAGU_TEST_PG");
	if (url && *url) {
		pg_url = url;
		failed += cmocka_run_group_tests_name("app_postgresql", tests, NULL, NULL);
	}
	return failed;
}
