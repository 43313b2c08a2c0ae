/*
 * test_search.c - unit tests for core/search.c: search_text building,
 * ranking (field weights, exact and prefix bonuses), AND of terms in any
 * order, 1- and 2-character terms, every filter, distance sort and radius,
 * the visibility callback for confidential documents, paging and total,
 * upsert/remove/bulk loading, and a randomized cross-check of the index
 * against a brute-force scan (which exercises arrays, bitmaps, galloping
 * and deletions).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/schedule.h"
#include "core/search.h"
#include "core/text.h"

/* Build a search_text from four raw fields (normalized here). */
static char *mk_text(const char *name, const char *kana, const char *meta, const char *body)
{
	struct tg_buf b = TG_BUF_INIT;
	const char *f[4] = {name, kana, meta, body};

	for (int i = 0; i < 4; i++) {
		if (i)
			assert_int_equal(tg_buf_addc(&b, TG_SEARCH_FIELD_SEP), TG_OK);
		if (f[i])
			assert_int_equal(tg_text_normalize(f[i], strlen(f[i]), &b), TG_OK);
	}
	return tg_buf_detach(&b, NULL);
}

static struct tg_search_doc base_doc(int64_t id, const char *text)
{
	struct tg_search_doc d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.org_id = 1;
	d.type_code = "hiroba";
	d.search_text = text;
	d.search_text_len = strlen(text);
	d.age_min = -1;
	d.age_max = -1;
	d.is_public = 1;
	return d;
}

static void put(struct tg_search *idx, int64_t id, const char *name, const char *kana, const char *meta,
                const char *body)
{
	char *t = mk_text(name, kana, meta, body);
	struct tg_search_doc d = base_doc(id, t);

	assert_int_equal(tg_search_upsert(idx, &d), TG_OK);
	free(t);
}

/* Every index here memoizes its answers and every query may be
 * memoized, so that each test also checks that a memoized answer is the
 * one computed now: the key must hold every field that changes the answer
 * (the tests change one at a time), and changes must drop old answers.
 * Tests that change the location callback say which viewer it is. */
static struct tg_search *new_index(void)
{
	struct tg_search *idx = tg_search_new();
	tg_search_set_memo(idx, 256, 1 << 20);
	return idx;
}

static struct tg_search_query base_query(void)
{
	struct tg_search_query q;

	memset(&q, 0, sizeof(q));
	q.age_months = -1;
	q.weekday = -1;
	q.limit = 20;
	q.memo_ok = 1;
	return q;
}

/* Run q with terms parsed from text; returns total, fills hits. */
static size_t run(struct tg_search *idx, struct tg_search_query *q, const char *text, struct tg_arena *a,
                  struct tg_search_hit **hits, size_t *n)
{
	const char **terms = NULL;
	size_t n_terms = 0, total = 0;

	if (text) {
		assert_int_equal(tg_text_terms(text, strlen(text), a, &terms, &n_terms), TG_OK);
		q->terms = terms;
		q->n_terms = n_terms;
	}
	assert_int_equal(tg_search_run(idx, q, a, hits, n, &total), TG_OK);
	assert_true(*n <= total);
	return total;
}

static void test_text_build(void **state)
{
	struct tg_resource r;
	struct tg_buf b = TG_BUF_INIT;
	const char *tags[] = {"ベビーカー可", "相談"};
	const char *areas[] = {"みなと市", "さくら区"};
	struct tg_search_text_extra x = {"NPO法人　ひだまり", "親と子のつどいの広場", tags, 2, areas, 2};

	(void)state;
	memset(&r, 0, sizeof(r));
	r.name = "ヒダマリ ﾋﾛﾊﾞ";
	r.name_kana = "ヒダマリヒロバ";
	r.description = "親子で　遊べます";
	r.city = "みなと市";
	r.fee_text = "";
	r.schedule_note = "  ";
	assert_int_equal(tg_search_text_build(&r, &x, &b), TG_OK);
	assert_string_equal(b.data, "ひだまり ひろば\x1fひだまりひろば\x1f"
	                            "npo法人 ひだまり 親と子のつどいの広場 べびーかー可 相談 みなと市 さくら区\x1f"
	                            "親子で 遊べます みなと市");
	/* a confidential resource's address is left out, the rest stays */
	tg_buf_reset(&b);
	r.prefecture = "神奈川県";
	r.address_line = "秘密町3丁目9番";
	r.building = "ひだまり荘";
	r.accessibility_notes = "段差なし";
	r.is_confidential = 1;
	assert_int_equal(tg_search_text_build(&r, &x, &b), TG_OK);
	assert_string_equal(b.data, "ひだまり ひろば\x1fひだまりひろば\x1f"
	                            "npo法人 ひだまり 親と子のつどいの広場 べびーかー可 相談 みなと市 さくら区\x1f"
	                            "親子で 遊べます 段差なし");
	tg_buf_reset(&b);
	r.is_confidential = 0;
	assert_int_equal(tg_search_text_build(&r, &x, &b), TG_OK);
	assert_non_null(strstr(b.data, "\x1f親子で 遊べます 神奈川県 みなと市 秘密町3丁目9番 ひだまり荘 段差なし"));
	tg_buf_reset(&b);
	r.description = "bad \xff";
	assert_int_equal(tg_search_text_build(&r, NULL, &b), TG_ERR_INVALID);
	assert_int_equal(b.len, 0);
	tg_buf_release(&b);
}

static void test_ranking(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q = base_query();
	struct tg_search_hit *h;
	size_t n;

	(void)state;
	put(idx, 1, "こども広場", NULL, NULL, "森のひろばのとなりです");
	put(idx, 2, "さくらひろば", NULL, NULL, NULL);
	put(idx, 3, "ひろば", NULL, NULL, NULL);
	put(idx, 4, "ひろばさくら", NULL, NULL, NULL);
	put(idx, 5, "子育て支援センター", "ひろばせんたー", NULL, NULL);
	put(idx, 6, "つどいの家", NULL, "ひろば事業", NULL);
	assert_int_equal(run(idx, &q, "ヒロバ", &a, &h, &n), 6);
	assert_int_equal(n, 6);
	/* exact name, then name prefix, then name elsewhere, kana, meta, body */
	assert_int_equal(h[0].id, 3);
	assert_int_equal(h[1].id, 4);
	assert_int_equal(h[2].id, 2);
	assert_int_equal(h[3].id, 5);
	assert_int_equal(h[4].id, 6);
	assert_int_equal(h[5].id, 1);
	assert_true(h[0].score > h[1].score && h[1].score > h[2].score && h[2].score > h[3].score &&
	            h[3].score > h[4].score && h[4].score > h[5].score);
	assert_int_equal(h[0].matched_in, TG_SEARCH_IN_NAME);
	assert_int_equal(h[3].matched_in, TG_SEARCH_IN_KANA);
	assert_int_equal(h[4].matched_in, TG_SEARCH_IN_META);
	assert_int_equal(h[5].matched_in, TG_SEARCH_IN_BODY);
	/* earlier position in the name is slightly better */
	put(idx, 7, "あおぞら森の会", NULL, NULL, NULL);
	put(idx, 8, "森の会あおぞら", NULL, NULL, NULL);
	put(idx, 9, "あおぞらの会森", NULL, NULL, NULL);
	q.limit = 3;
	assert_int_equal(run(idx, &q, "森", &a, &h, &n), 4); /* 1 has 森 in its body */
	assert_int_equal(h[0].id, 8);
	assert_int_equal(h[1].id, 7);
	assert_int_equal(h[2].id, 9);
	tg_search_free(idx);
	tg_arena_release(&a);
}

/* A term the candidate set proves (one or two characters) is not searched
 * in the description while candidates are scored; the fields it is in
 * must still be complete in the results, and more candidates than one
 * batch (consider_batch) must give the same ranking and total. */
static void test_proven_terms(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q = base_query();
	struct tg_search_hit *h;
	size_t n;

	(void)state;
	put(idx, 1, "ひろば", NULL, NULL, "ひろばで遊ぼう");
	put(idx, 2, "さくら", NULL, NULL, "ひろばがあります");
	put(idx, 3, "もり", NULL, "ひろ町", NULL);
	for (int64_t id = 4; id <= 40; id++) {
		char name[32];
		snprintf(name, sizeof(name), "園%lld", (long long)id);
		put(idx, id, name, NULL, NULL, "ひろばの近く");
	}
	const char *queries[] = {"ひろ", "ろ"}; /* a bigram, and a character's union */
	for (size_t k = 0; k < 2; k++) {
		for (size_t limit = 1; limit <= 50; limit += 49) {
			q.limit = limit;
			assert_int_equal(run(idx, &q, queries[k], &a, &h, &n), 40);
			assert_int_equal(n, limit < 40 ? limit : 40);
			assert_int_equal(h[0].id, 1);
			assert_int_equal(h[0].matched_in, TG_SEARCH_IN_NAME | TG_SEARCH_IN_BODY);
			if (limit == 1)
				continue;
			assert_int_equal(h[1].id, 3);
			assert_int_equal(h[1].matched_in, TG_SEARCH_IN_META);
			for (size_t i = 2; i < n; i++) {
				assert_int_equal(h[i].matched_in, TG_SEARCH_IN_BODY);
				assert_true(h[i].score == h[2].score && h[i].score < h[1].score);
			}
		}
	}
	tg_arena_release(&a);
	tg_search_free(idx);
}

static void test_terms_and_short(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q = base_query();
	struct tg_search_hit *h;
	size_t n;

	(void)state;
	put(idx, 1, "子育てひろば 大森", NULL, NULL, NULL);
	put(idx, 2, "ひろば", NULL, NULL, "子育ての相談");
	put(idx, 3, "子育てサロン", NULL, NULL, NULL);
	put(idx, 4, "森", "もり", NULL, NULL);
	put(idx, 5, "育てる子", NULL, NULL, NULL); /* has 子, 育, て but not 子育て */
	/* AND of terms, any order */
	assert_int_equal(run(idx, &q, "子育て ひろば", &a, &h, &n), 2);
	assert_int_equal(run(idx, &q, "ひろば　子育て", &a, &h, &n), 2);
	assert_int_equal(h[0].id, 1);
	assert_int_equal(h[1].id, 2);
	assert_int_equal(h[1].matched_in, TG_SEARCH_IN_NAME | TG_SEARCH_IN_BODY);
	/* bigram co-occurrence is not enough: 5 has 子育? no; 育て yes */
	assert_int_equal(run(idx, &q, "子育て", &a, &h, &n), 3);
	/* 1 character: word-final (大森), whole field (森), and 3-term mixes */
	assert_int_equal(run(idx, &q, "森", &a, &h, &n), 2);
	assert_int_equal(h[0].id, 4); /* exact name */
	assert_int_equal(h[1].id, 1);
	assert_int_equal(run(idx, &q, "子", &a, &h, &n), 4);
	assert_int_equal(run(idx, &q, "子 森", &a, &h, &n), 1);
	assert_int_equal(run(idx, &q, "森 子育て ば", &a, &h, &n), 1);
	/* 2 characters */
	assert_int_equal(run(idx, &q, "ひろ", &a, &h, &n), 2);
	assert_int_equal(run(idx, &q, "モリ", &a, &h, &n), 1);
	assert_int_equal(h[0].matched_in, TG_SEARCH_IN_KANA);
	/* unknown characters, no match, invalid terms */
	assert_int_equal(run(idx, &q, "象", &a, &h, &n), 0);
	assert_int_equal(run(idx, &q, "ろひ", &a, &h, &n), 0);
	const char *bad[] = {"a b"};
	size_t total;
	q.terms = bad;
	q.n_terms = 1;
	assert_int_equal(tg_search_run(idx, &q, &a, &h, &n, &total), TG_ERR_INVALID);
	tg_search_free(idx);
	tg_arena_release(&a);
}

static void test_filters(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q;
	struct tg_search_hit *h;
	size_t n;
	char *t = mk_text("ひろば", NULL, NULL, NULL);
	int64_t chain1[] = {30, 20, 10}, chain2[] = {21, 10};
	const char *svc1[] = {"ibasho", "soudan"}, *svc2[] = {"soudan"};
	const char *acc1[] = {"stroller"};
	int wd = tg_weekday(2026, 11, 24);
	struct tg_hours h1[] = {{wd, 600, 900}};
	struct tg_exception ex[] = {{"2026-12-01", 1, 0, 0, "休み"}};
	struct tg_localtime at = {2026, 11, 24, wd, 700};
	struct tg_localtime late = {2026, 11, 24, wd, 1000};
	struct tg_localtime closed_day = {2026, 12, 1, tg_weekday(2026, 12, 1), 700};

	(void)state;
	struct tg_search_doc d1 = base_doc(1, t), d2 = base_doc(2, t), d3 = base_doc(3, t);
	d1.type_code = "hiroba";
	d1.areas = chain1;
	d1.n_areas = 3;
	d1.age_min = 0;
	d1.age_max = 36;
	d1.fee_free = 1;
	d1.services = svc1;
	d1.n_services = 2;
	d1.access = acc1;
	d1.n_access = 1;
	d1.hours = h1;
	d1.n_hours = 1;
	d1.exceptions = ex;
	d1.n_exceptions = 1;
	d2.type_code = "shokudo";
	d2.areas = chain2;
	d2.n_areas = 2;
	d2.age_min = 24;
	d2.services = svc2;
	d2.n_services = 1;
	d2.is_public = 0;
	d3.type_code = "soudan";
	assert_int_equal(tg_search_upsert(idx, &d1), TG_OK);
	assert_int_equal(tg_search_upsert(idx, &d2), TG_OK);
	assert_int_equal(tg_search_upsert(idx, &d3), TG_OK);
	free(t);

	q = base_query();
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 3);
	const char *ty[] = {"shokudo", "soudan", "nope"};
	q.types = ty;
	q.n_types = 3;
	assert_int_equal(run(idx, &q, "ひろば", &a, &h, &n), 2);
	q.n_types = 1;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);
	assert_int_equal(h[0].id, 2);
	q.types = ty + 2; /* only an unknown type */
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);

	q = base_query();
	q.area_id = 10; /* city: both chains */
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2);
	q.area_id = 20;
	assert_int_equal(run(idx, &q, "ひろば", &a, &h, &n), 1);
	assert_int_equal(h[0].id, 1);
	q.area_id = 99;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);

	q = base_query();
	q.age_months = 12; /* 1: 0..36, 2: 24.., 3: open */
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2);
	q.age_months = 40;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2);
	q.age_months = 30;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 3);

	q = base_query();
	q.weekday = wd;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);
	q.weekday = (wd + 1) % 7;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);
	q.weekday = 8;
	size_t total;
	assert_int_equal(tg_search_run(idx, &q, &a, &h, &n, &total), TG_ERR_INVALID);

	q = base_query();
	q.open_at = &at;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);
	q.open_at = &late;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);
	q.open_at = &closed_day; /* the exception closes the day */
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);

	/* open_on is memoized per day (it does not look at the minute), open_at
	 * per minute */
	uint64_t hits0, hits1, misses0, misses1;
	q = base_query();
	q.open_on = &at;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);
	tg_search_memo_stats(idx, &hits0, &misses0);
	q.open_on = &late; /* the same day, later */
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);
	tg_search_memo_stats(idx, &hits1, &misses1);
	assert_int_equal(hits1, hits0 + 1);
	q.open_on = &closed_day;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);
	q = base_query();
	q.open_at = &at;
	tg_search_memo_stats(idx, &hits0, &misses0);
	struct tg_localtime at2 = at;
	at2.minute++;
	q.open_at = &at2;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);
	tg_search_memo_stats(idx, &hits1, &misses1);
	assert_int_equal(misses1, misses0 + 1);

	q = base_query();
	q.free_only = 1;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);

	q = base_query();
	q.services = svc2;
	q.n_services = 1;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2);
	q.services = svc1;
	q.n_services = 2;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 1);
	q.access = acc1;
	q.n_access = 1;
	assert_int_equal(run(idx, &q, "ひろば", &a, &h, &n), 1);
	const char *unknown[] = {"elevator"};
	q.access = unknown;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);

	q = base_query();
	q.public_only = 1;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2);
	tg_search_free(idx);
	tg_arena_release(&a);
}

struct seen {
	int calls;
	int64_t allow_org;
};

static int may_see(void *ctx, int64_t id, int64_t org_id)
{
	struct seen *s = ctx;

	(void)id;
	s->calls++;
	return org_id == s->allow_org;
}

static void test_distance(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q;
	struct tg_search_hit *h;
	size_t n;
	char *t = mk_text("ひろば", NULL, NULL, NULL);
	/* origin Yokohama station area; docs roughly 0.5, 1.1, 3.3 km north */
	double lat0 = 35.4658, lon0 = 139.6223;
	struct seen s = {0, 7};

	(void)state;
	for (int i = 1; i <= 5; i++) {
		struct tg_search_doc d = base_doc(i, t);
		d.has_geo = i <= 4;
		d.lat = lat0 + (i == 1 ? 0.03 : i == 2 ? 0.005 : i == 3 ? 0.01 : 0.004);
		d.lon = lon0;
		d.is_confidential = i == 4; /* closest of all, but hidden */
		d.org_id = i == 4 ? 9 : 1;
		assert_int_equal(tg_search_upsert(idx, &d), TG_OK);
	}
	free(t);
	q = base_query();
	q.has_origin = 1;
	q.lat = lat0;
	q.lon = lon0;
	q.sort = TG_SEARCH_SORT_DISTANCE;
	q.may_see_location = may_see;
	q.memo_viewer = 2; /* the callback is the viewer */
	q.visible_ctx = &s;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 5);
	assert_int_equal(h[0].id, 2);
	assert_int_equal(h[1].id, 3);
	assert_int_equal(h[2].id, 1);
	/* no location: last, by name then id */
	assert_int_equal(h[3].id, 4);
	assert_int_equal(h[4].id, 5);
	assert_int_equal(h[3].distance_m, -1);
	assert_int_equal(h[4].distance_m, -1);
	assert_true(h[0].distance_m > 540 && h[0].distance_m < 570); /* 0.005 deg = 556 m */
	assert_true(h[2].distance_m > 3300 && h[2].distance_m < 3370);
	assert_true(s.calls > 0);
	/* radius: hidden and location-less docs are excluded */
	q.radius_km = 1.5;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2);
	assert_int_equal(h[0].id, 2);
	assert_int_equal(h[1].id, 3);
	/* a viewer who may see org 9's confidential location */
	s.allow_org = 9;
	q.memo_viewer = 5;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 3);
	assert_int_equal(h[0].id, 4);
	/* no callback: confidential locations stay hidden */
	q.may_see_location = NULL;
	q.memo_viewer = 0; /* the callback is the viewer */
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2);
	/* relevance with an origin: equal scores fall back to distance */
	q = base_query();
	q.has_origin = 1;
	q.lat = lat0;
	q.lon = lon0;
	assert_int_equal(run(idx, &q, "ひろば", &a, &h, &n), 5);
	assert_int_equal(h[0].id, 2);
	assert_true(h[0].score == h[4].score);
	/* no origin: no distance */
	q.has_origin = 0;
	assert_int_equal(run(idx, &q, "ひろば", &a, &h, &n), 5);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(h[i].distance_m, -1);
	tg_search_free(idx);
	tg_arena_release(&a);
}

/* Variant spellings (text.h rule 11) find each other, also in texts stored
 * before the rule existed (raw, unfolded: the index folds them), in bulk
 * loading and in upserts; name order still reads readings as kana. */
static void test_word_folds(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q = base_query();
	struct tg_search_hit *h;
	size_t n;
	/* stored texts as an older version wrote them: normalized without rule 11 */
	const char *old1 = "みんなのこども食堂\x1fみんなのこどもしよくどう\x1f\x1f毎週土曜日";
	const char *old2 = "わくわく広場\x1fわくわくひろば\x1f\x1f子供と一緒にあそびましよう";
	struct tg_search_doc d1 = base_doc(1, old1), d2 = base_doc(2, old2);

	(void)state;
	assert_int_equal(tg_search_bulk_add(idx, &d1), TG_OK);
	assert_int_equal(tg_search_bulk_add(idx, &d2), TG_OK);
	tg_search_finalize(idx);
	put(idx, 3, "子供食堂 ひまわり", "こどもしょくどう ひまわり", NULL, NULL);
	put(idx, 4, "子ども食堂 あおぞら", "こどもしょくどう あおぞら", NULL, "外遊び");
	put(idx, 5, "こどもの森", NULL, NULL, NULL);
	put(idx, 6, "ことり文庫", "ことりぶんこ", NULL, NULL);

	const char *same[] = {"こども食堂", "子供食堂", "子ども食堂", "コドモ食堂", "ｺﾄﾞﾓ 食堂"};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(run(idx, &q, same[i], &a, &h, &n), 3);
		for (size_t k = 0; k < n; k++)
			assert_true(h[k].id == 1 || h[k].id == 3 || h[k].id == 4);
	}
	assert_int_equal(run(idx, &q, "子ども", &a, &h, &n), 5); /* 1 3 4 5, and 2's 子供 */
	assert_int_equal(run(idx, &q, "子", &a, &h, &n), 5);     /* one character still finds them */
	assert_int_equal(run(idx, &q, "あそび", &a, &h, &n), 2); /* 2's あそび and 4's 遊び */
	assert_int_equal(run(idx, &q, "遊び", &a, &h, &n), 2);
	assert_int_equal(run(idx, &q, "ことり", &a, &h, &n), 1); /* こ.. that is not こども */
	/* name order by reading, read as kana: ことり < こどもしょくどう あ.. <
	 * こどもしょくどう ひ.. < みんなの.. < わくわく.., then こどもの森, which
	 * has no reading: its name 子どもの森 sorts by its kanji */
	q = base_query();
	q.sort = TG_SEARCH_SORT_NAME;
	int64_t want[] = {6, 4, 3, 1, 2, 5};
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 6);
	for (size_t k = 0; k < 6; k++)
		assert_int_equal(h[k].id, want[k]);
	tg_search_free(idx);
	tg_arena_release(&a);
}

/* Name order decided by the first three code points (the name keys) and,
 * when they are equal, by the rest: a longer reading, the same reading
 * with different names, a name without a reading, kanji after kana. */
static void test_name_order_keys(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q = base_query();
	struct tg_search_hit *h;
	size_t n;

	(void)state;
	put(idx, 16, "東京", NULL, NULL, NULL);
	put(idx, 11, "青葉こども", "アオバコドモ", NULL, NULL);
	put(idx, 14, "桜", "さくら", NULL, NULL);
	put(idx, 17, "西", NULL, NULL, NULL);
	put(idx, 12, "青葉ひろば", "あおばひろば", NULL, NULL);
	put(idx, 15, "さくら", NULL, NULL, NULL);
	put(idx, 13, "青", "あお", NULL, NULL);
	q.sort = TG_SEARCH_SORT_NAME;
	int64_t want[] = {13, 11, 12, 15, 14, 16, 17};
	for (size_t limit = 1; limit <= 7; limit++) {
		q.limit = limit;
		for (size_t off = 0; off + limit <= 7; off++) {
			q.offset = off;
			assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 7);
			assert_int_equal(n, limit);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(h[i].id, want[off + i]);
		}
	}
	tg_search_free(idx);
	tg_arena_release(&a);
}

static void test_paging_and_name_sort(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q = base_query();
	struct tg_search_hit *h;
	size_t n;

	(void)state;
	/* name order follows the reading (kana), in gojūon order */
	put(idx, 1, "渋谷ひろば", "シブヤヒロバ", NULL, NULL);
	put(idx, 2, "青葉ひろば", "あおばひろば", NULL, NULL);
	put(idx, 3, "港ひろば", "ミナトヒロバ", NULL, NULL);
	put(idx, 4, "かもめひろば", NULL, NULL, NULL);
	put(idx, 5, "栄ひろば", "さかえひろば", NULL, NULL);
	q.sort = TG_SEARCH_SORT_NAME;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 5);
	int64_t want[] = {2, 4, 5, 1, 3};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(h[i].id, want[i]);
	q.limit = 2;
	q.offset = 1;
	assert_int_equal(run(idx, &q, "ひろば", &a, &h, &n), 5);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].id, 4);
	assert_int_equal(h[1].id, 5);
	q.offset = 4;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 5);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].id, 3);
	q.offset = 10;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 5);
	assert_int_equal(n, 0);
	q.offset = 0;
	q.limit = 0;
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 5);
	assert_int_equal(n, 0);
	tg_search_free(idx);
	tg_arena_release(&a);
}

static void test_upsert_remove_bulk(void **state)
{
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_search_query q = base_query();
	struct tg_search_hit *h;
	size_t n;
	char *t1 = mk_text("さくらひろば", NULL, NULL, NULL);
	char *t2 = mk_text("もみじ食堂", NULL, NULL, NULL);

	(void)state;
	struct tg_search_doc d1 = base_doc(1, t1), d2 = base_doc(2, t2);
	assert_int_equal(tg_search_bulk_add(idx, &d1), TG_OK);
	assert_int_equal(tg_search_bulk_add(idx, &d2), TG_OK);
	assert_int_equal(tg_search_bulk_add(idx, &d1), TG_ERR_CONFLICT);
	/* queued documents are not searchable yet */
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 0);
	assert_int_equal(tg_search_count(idx), 0);
	tg_search_finalize(idx);
	assert_int_equal(tg_search_count(idx), 2);
	assert_int_equal(run(idx, &q, NULL, &a, &h, &n), 2); /* the same query: now answered */
	assert_int_equal(run(idx, &q, "さくら", &a, &h, &n), 1);
	/* replace: the old text is gone, the new one found */
	d1.search_text = t2;
	d1.search_text_len = strlen(t2);
	assert_int_equal(tg_search_upsert(idx, &d1), TG_OK);
	assert_int_equal(tg_search_count(idx), 2);
	assert_int_equal(run(idx, &q, "さくら", &a, &h, &n), 0);
	assert_int_equal(run(idx, &q, "食堂", &a, &h, &n), 2);
	assert_int_equal(tg_search_remove(idx, 2), TG_OK);
	assert_int_equal(tg_search_remove(idx, 2), TG_ERR_NOT_FOUND);
	assert_int_equal(tg_search_remove(idx, 42), TG_ERR_NOT_FOUND);
	assert_int_equal(run(idx, &q, "食堂", &a, &h, &n), 1);
	assert_int_equal(h[0].id, 1);
	/* re-adding a removed id works, through bulk too */
	assert_int_equal(tg_search_bulk_add(idx, &d2), TG_OK);
	tg_search_finalize(idx);
	assert_int_equal(run(idx, &q, "食堂", &a, &h, &n), 2);
	/* versions: a late put of an older version changes nothing; the same
	 * version (a text rewrite) or no version replaces */
	char *t5 = mk_text("かえでひろば", NULL, NULL, NULL);
	char *t6 = mk_text("いちょうひろば", NULL, NULL, NULL);
	struct tg_search_doc dv = base_doc(1, t5);
	dv.version = 5;
	assert_int_equal(tg_search_upsert(idx, &dv), TG_OK);
	assert_int_equal(run(idx, &q, "かえで", &a, &h, &n), 1);
	dv.search_text = t6;
	dv.search_text_len = strlen(t6);
	dv.version = 4;
	assert_int_equal(tg_search_upsert(idx, &dv), TG_OK);
	assert_int_equal(run(idx, &q, "かえで", &a, &h, &n), 1);
	assert_int_equal(run(idx, &q, "いちょう", &a, &h, &n), 0);
	dv.version = 5;
	assert_int_equal(tg_search_upsert(idx, &dv), TG_OK);
	assert_int_equal(run(idx, &q, "いちょう", &a, &h, &n), 1);
	assert_int_equal(run(idx, &q, "かえで", &a, &h, &n), 0);
	dv.search_text = t5;
	dv.search_text_len = strlen(t5);
	dv.version = 0;
	assert_int_equal(tg_search_upsert(idx, &dv), TG_OK);
	assert_int_equal(run(idx, &q, "かえで", &a, &h, &n), 1);
	/* removed, then back with a lower version (SQLite may reuse an id) */
	assert_int_equal(tg_search_remove(idx, 1), TG_OK);
	dv.version = 1;
	dv.search_text = t6;
	dv.search_text_len = strlen(t6);
	assert_int_equal(tg_search_upsert(idx, &dv), TG_OK);
	assert_int_equal(run(idx, &q, "いちょう", &a, &h, &n), 1);
	free(t5);
	free(t6);
	/* bad documents */
	struct tg_search_doc bad = base_doc(3, "a\x1f"
	                                       "b\x1f"
	                                       "c\x1f"
	                                       "d\x1f"
	                                       "e");
	assert_int_equal(tg_search_upsert(idx, &bad), TG_ERR_INVALID);
	bad = base_doc(3, "\xff");
	assert_int_equal(tg_search_upsert(idx, &bad), TG_ERR_INVALID);
	bad = base_doc(0, "x");
	assert_int_equal(tg_search_upsert(idx, &bad), TG_ERR_INVALID);
	assert_int_equal(tg_search_count(idx), 2);
	assert_true(tg_search_memory(idx) > 0);
	free(t1);
	free(t2);
	tg_search_free(idx);
	tg_arena_release(&a);
}

/* Deterministic PRNG for the cross-check. */
static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

static void test_cross_check(void **state)
{
	enum { N = 3000, Q = 300 };
	static const char *syl[] = {"あ", "い", "う", "か", "き", "森", "子", "育", "て", "ー"};
	char **texts = calloc(N + 1, sizeof(*texts));
	int *alive = calloc(N + 1, sizeof(*alive));
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	uint64_t seed = 42;

	(void)state;
	/* Docs from a 10-character alphabet: common bigrams become bitmaps,
	 * rarer ones stay arrays. */
	for (int id = 1; id <= N; id++) {
		struct tg_buf b = TG_BUF_INIT;
		for (int f = 0; f < 4; f++) {
			int len = (int)(rnd(&seed) % (f == 3 ? 12 : 5));
			if (f)
				tg_buf_addc(&b, TG_SEARCH_FIELD_SEP);
			for (int i = 0; i < len; i++) {
				if (i && rnd(&seed) % 5 == 0)
					tg_buf_addc(&b, ' ');
				tg_buf_adds(&b, syl[rnd(&seed) % (rnd(&seed) % 3 ? 5 : 10)]);
			}
		}
		texts[id] = tg_buf_detach(&b, NULL);
		struct tg_search_doc d = base_doc(id, texts[id]);
		assert_int_equal(tg_search_bulk_add(idx, &d), TG_OK);
		alive[id] = 1;
	}
	tg_search_finalize(idx);
	for (int round = 0; round < Q; round++) {
		/* mutate a little: remove some, re-upsert others with new text */
		int id = 1 + (int)(rnd(&seed) % N);
		if (round % 3 == 0 && alive[id]) {
			assert_int_equal(tg_search_remove(idx, id), TG_OK);
			alive[id] = 0;
		} else if (round % 3 == 1) {
			struct tg_search_doc d = base_doc(id, texts[1 + (id * 7) % N]);
			char *copy = strdup(texts[1 + (id * 7) % N]);
			d.search_text = copy;
			assert_int_equal(tg_search_upsert(idx, &d), TG_OK);
			free(texts[id]);
			texts[id] = copy;
			alive[id] = 1;
		}
		/* random query of 1-2 terms of 1-3 characters */
		char qs[64] = "";
		size_t ql = 0;
		int nt = 1 + (int)(rnd(&seed) % 2);
		const char *terms[2];
		char tb[2][16];
		for (int t = 0; t < nt; t++) {
			int len = 1 + (int)(rnd(&seed) % 3);
			size_t k = 0;
			for (int i = 0; i < len; i++) {
				const char *c = syl[rnd(&seed) % 10];
				memcpy(tb[t] + k, c, strlen(c));
				k += strlen(c);
			}
			tb[t][k] = '\0';
			terms[t] = tb[t];
			ql += (size_t)snprintf(qs + ql, sizeof(qs) - ql, "%s ", tb[t]);
		}
		size_t want = 0;
		for (int d = 1; d <= N; d++) {
			int ok = alive[d];
			for (int t = 0; t < nt && ok; t++)
				ok = strstr(texts[d], terms[t]) != NULL;
			want += ok;
		}
		struct tg_search_query q = base_query();
		struct tg_search_hit *h;
		size_t n, total;
		q.terms = terms;
		q.n_terms = (size_t)nt;
		q.limit = 5;
		q.memo_ok = 1;
		/* twice: computed (or memoized in an earlier round with no change
		 * since), then memoized */
		for (int rep = 0; rep < 2; rep++) {
			assert_int_equal(tg_search_run(idx, &q, &a, &h, &n, &total), TG_OK);
			if (total != want)
				fail_msg("query '%s' (run %d): index %zu, scan %zu", qs, rep, total, want);
			for (size_t i = 0; i < n; i++)
				for (int t = 0; t < nt; t++)
					assert_non_null(strstr(texts[h[i].id], terms[t]));
		}
		tg_arena_clear(&a);
	}
	for (int id = 1; id <= N; id++)
		free(texts[id]);
	free(texts);
	free(alive);
	tg_search_free(idx);
	tg_arena_release(&a);
}

/* ---- distance sort: the grid walk against brute force ---- */

struct gdoc {
	char *text;
	int alive, type, age_min, age_max, is_public, conf, has_geo;
	double lat, lon;
	struct tg_hours hours[3];
	size_t n_hours;
};

static double ref_dist(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180.0, earth = 6371008.8;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
	double h = s1 * s1 + cos(lat1 * M_PI / 180.0) * cos(lat2 * rad) * s2 * s2;

	return 2 * earth * asin(sqrt(h < 1 ? h : 1));
}

static int see_even(void *ctx, int64_t id, int64_t org_id)
{
	(void)ctx;
	(void)org_id;
	return id % 2 == 0;
}

struct ref_hit {
	int64_t id;
	double dist;
};

static int ref_cmp(const void *pa, const void *pb)
{
	const struct ref_hit *x = pa, *y = pb;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int see_none(void *ctx, int64_t id, int64_t org_id)
{
	(void)ctx;
	(void)id;
	(void)org_id;
	return 0;
}

/* A walk that stops early estimates its total from what it has seen. A
 * confidential document whose location the caller may not see must not
 * change anything the search reports with where it is: otherwise moving
 * the origin around and watching the total would locate it. The same
 * index is built with the hidden document at the origin, far away, and
 * outside the area of all the others (north-east, and south-west, where it
 * would move the corner of the grid: the grid's frame must come from the
 * documents everyone may locate); the results must be the same, with and
 * without a radius. Whoever may see it finds it first from near it. */
static int see_all(void *ctx, int64_t id, int64_t org_id)
{
	(void)ctx;
	(void)id;
	(void)org_id;
	return 1;
}

static void test_hidden_location_no_oracle(void **state)
{
	(void)state;
	enum { PLACES = 4 };
	static const double plat[PLACES] = {36.0, 36.4, 38.5, 34.3}, plon[PLACES] = {140.0, 140.6, 142.5, 138.2};
	struct tg_search_hit *h[PLACES];
	size_t n[PLACES], total[PLACES];
	int est[PLACES];
	struct tg_arena a = TG_ARENA_INIT;
	const char *terms[] = {"ひろば"};
	for (int radius = 0; radius < 2; radius++) {
		for (int place = 0; place < PLACES; place++) {
			struct tg_search *idx = new_index();
			uint64_t seed = 7;
			for (int64_t id = 1; id <= 3000; id++) {
				struct tg_search_doc d = base_doc(id, "ひろば\x1f\x1f\x1f");
				d.has_geo = 1;
				d.lat = 35.0 + (double)(rnd(&seed) % 20001) / 10000.0;
				d.lon = 139.0 + (double)(rnd(&seed) % 20001) / 10000.0;
				if (id == 1500) { /* the shelter */
					d.is_confidential = 1;
					d.lat = plat[place];
					d.lon = plon[place];
				}
				assert_int_equal(tg_search_bulk_add(idx, &d), TG_OK);
			}
			tg_search_finalize(idx);
			struct tg_search_query q = base_query();
			q.terms = terms;
			q.n_terms = 1;
			q.has_origin = 1;
			q.lat = 36.0;
			q.lon = 140.0;
			q.sort = TG_SEARCH_SORT_DISTANCE;
			q.radius_km = radius ? 50 : 0;
			q.may_see_location = see_none;
			q.memo_viewer = 3; /* the callback is the viewer */
			q.total_estimated = &est[place];
			assert_int_equal(tg_search_run(idx, &q, &a, &h[place], &n[place], &total[place]), TG_OK);
			assert_true(est[place]); /* the walk stopped early */
			for (size_t i = 0; i < n[place]; i++)
				assert_true(h[place][i].id != 1500 && h[place][i].distance_m >= 0);
			/* whoever may see it: the nearest from its own place */
			struct tg_search_query qs = q;
			struct tg_search_hit *hs;
			size_t ns, ts;
			qs.lat = plat[place];
			qs.lon = plon[place];
			qs.radius_km = 0;
			qs.may_see_location = see_all;
			qs.memo_viewer = 4; /* the callback is the viewer */
			qs.total_estimated = NULL;
			assert_int_equal(tg_search_run(idx, &qs, &a, &hs, &ns, &ts), TG_OK);
			assert_true(ns > 0);
			assert_int_equal(hs[0].id, 1500);
			assert_true(hs[0].distance_m < 5);
			tg_search_free(idx);
		}
		for (int place = 1; place < PLACES; place++) {
			assert_int_equal(total[0], total[place]);
			assert_int_equal(est[0], est[place]);
			assert_int_equal(n[0], n[place]);
			for (size_t i = 0; i < n[0]; i++)
				assert_int_equal(h[0][i].id, h[place][i].id);
		}
	}
	tg_arena_release(&a);
}

/* The same for the choice between walking the grid and listing the
 * candidates, which depends on how many documents the grid holds: a hidden
 * document inside the others' frame or outside it must not change it (60
 * candidates of one type, and page sizes around the point where the
 * choice flips). */
static void test_hidden_location_no_plan_oracle(void **state)
{
	(void)state;
	enum { PLACES = 2, KMAX = 80 };
	static const double plat[PLACES] = {36.0, 38.5}, plon[PLACES] = {140.0, 142.5};
	size_t total[PLACES][KMAX + 1];
	int est[PLACES][KMAX + 1];
	int64_t first[PLACES][KMAX + 1];
	struct tg_arena a = TG_ARENA_INIT;
	const char *types[] = {"study"};
	for (int place = 0; place < PLACES; place++) {
		struct tg_search *idx = new_index();
		uint64_t seed = 11;
		for (int64_t id = 1; id <= 3000; id++) {
			struct tg_search_doc d = base_doc(id, "ひろば\x1f\x1f\x1f");
			d.type_code = id % 50 == 0 ? "study" : "hiroba";
			d.has_geo = 1;
			d.lat = 35.0 + (double)(rnd(&seed) % 20001) / 10000.0;
			d.lon = 139.0 + (double)(rnd(&seed) % 20001) / 10000.0;
			if (id == 1501) { /* the shelter, not a candidate */
				d.is_confidential = 1;
				d.lat = plat[place];
				d.lon = plon[place];
			}
			assert_int_equal(tg_search_bulk_add(idx, &d), TG_OK);
		}
		tg_search_finalize(idx);
		for (size_t k = 1; k <= KMAX; k++) {
			struct tg_search_query q = base_query();
			q.types = types;
			q.n_types = 1;
			q.has_origin = 1;
			q.lat = 35.5;
			q.lon = 139.5;
			q.sort = TG_SEARCH_SORT_DISTANCE;
			q.limit = k;
			q.may_see_location = see_none;
			q.memo_viewer = 3; /* the callback is the viewer */
			q.total_estimated = &est[place][k];
			struct tg_search_hit *h;
			size_t n;
			assert_int_equal(tg_search_run(idx, &q, &a, &h, &n, &total[place][k]), TG_OK);
			first[place][k] = n ? h[n - 1].id : 0;
		}
		tg_search_free(idx);
	}
	for (size_t k = 1; k <= KMAX; k++) {
		assert_int_equal(total[0][k], total[1][k]);
		assert_int_equal(est[0][k], est[1][k]);
		assert_int_equal(first[0][k], first[1][k]);
	}
	tg_arena_release(&a);
}

static const char *gtypes[] = {"nursery", "kindergarten", "hub"};

static void gdoc_put(struct tg_search *idx, struct gdoc *g, int64_t id, int bulk)
{
	struct tg_search_doc d = base_doc(id, g->text);

	d.type_code = gtypes[g->type];
	d.age_min = g->age_min;
	d.age_max = g->age_max;
	d.is_public = g->is_public;
	d.is_confidential = g->conf;
	d.has_geo = g->has_geo;
	d.lat = g->lat;
	d.lon = g->lon;
	d.hours = g->hours;
	d.n_hours = g->n_hours;
	assert_int_equal(bulk ? tg_search_bulk_add(idx, &d) : tg_search_upsert(idx, &d), TG_OK);
	g->alive = 1;
}

static void gdoc_random(struct gdoc *g, uint64_t *seed)
{
	static const char *syl[] = {"あ", "い", "う", "か", "森", "子"};
	static const double centers[][2] = {{35.69, 139.70}, {34.69, 135.50}, {43.06, 141.35}, {26.21, 127.68}};
	struct tg_buf b = TG_BUF_INIT;
	int len = 2 + (int)(rnd(seed) % 10);

	/* empty name and reading: ties in distance fall back to the id */
	tg_buf_adds(&b, "\x1f\x1f");
	for (int i = 0; i < len; i++)
		tg_buf_adds(&b, syl[rnd(seed) % (rnd(seed) % 4 ? 3 : 6)]);
	free(g->text);
	g->text = tg_buf_detach(&b, NULL);
	g->type = (int)(rnd(seed) % 3);
	g->age_min = rnd(seed) % 3 ? (int)(rnd(seed) % 40) : -1;
	g->age_max = rnd(seed) % 3 ? g->age_min + 12 + (int)(rnd(seed) % 40) : -1;
	g->is_public = rnd(seed) % 5 != 0;
	g->conf = rnd(seed) % 10 == 0;
	g->has_geo = rnd(seed) % 15 != 0;
	const double *c = centers[rnd(seed) % 4];
	/* some share a point exactly (distance ties) */
	if (rnd(seed) % 8 == 0) {
		g->lat = c[0];
		g->lon = c[1];
	} else {
		g->lat = c[0] + ((double)(rnd(seed) % 20001) - 10000) / 10000.0 * 0.6;
		g->lon = c[1] + ((double)(rnd(seed) % 20001) - 10000) / 10000.0 * 0.6;
	}
	g->n_hours = 0;
	for (int w = 0; w < 7 && g->n_hours < 3; w++)
		if (rnd(seed) % 3 == 0)
			g->hours[g->n_hours++] = (struct tg_hours){w, 540, 1020};
}

static void test_distance_cross_check(void **state)
{
	enum { N = 4000, Q = 400 };
	struct gdoc *g = calloc(N + 1, sizeof(*g));
	struct ref_hit *ref = calloc(N + 1, sizeof(*ref));
	struct tg_search *idx = new_index();
	struct tg_arena a = TG_ARENA_INIT;
	uint64_t seed = 7;
	size_t early = 0;

	(void)state;
	for (int id = 1; id <= N; id++) {
		gdoc_random(&g[id], &seed);
		gdoc_put(idx, &g[id], id, 1);
	}
	tg_search_finalize(idx);
	for (int round = 0; round < Q; round++) {
		int id = 1 + (int)(rnd(&seed) % N);
		if (round == Q / 2) {
			/* enough upserts to rebuild the grid */
			for (int i = 0; i < 2100; i++) {
				int j = 1 + (int)(rnd(&seed) % N);
				gdoc_random(&g[j], &seed);
				gdoc_put(idx, &g[j], j, 0);
			}
		} else if (round % 4 == 0 && g[id].alive) {
			assert_int_equal(tg_search_remove(idx, id), TG_OK);
			g[id].alive = 0;
		} else if (round % 4 == 1) {
			gdoc_random(&g[id], &seed);
			gdoc_put(idx, &g[id], id, 0);
		}
		static const char *qsyl[] = {"あ", "い", "う", "か", "森", "子", "あい", "いう", "あいう", "うか"};
		const char *term = rnd(&seed) % 6 ? qsyl[rnd(&seed) % 10] : NULL;
		const char *types[2];
		struct tg_search_query q = base_query();
		q.sort = TG_SEARCH_SORT_DISTANCE;
		q.has_origin = 1;
		if (rnd(&seed) % 10 == 0) { /* far from every document */
			q.lat = -30;
			q.lon = 20;
		} else {
			q.lat = g[1 + rnd(&seed) % N].lat + 0.01;
			q.lon = g[1 + rnd(&seed) % N].lon - 0.01;
		}
		q.radius_km = rnd(&seed) % 3 == 0 ? 1 + rnd(&seed) % 60 : 0;
		q.n_types = rnd(&seed) % 3;
		for (size_t i = 0; i < q.n_types; i++)
			types[i] = gtypes[(i + rnd(&seed)) % 3];
		q.types = types;
		q.age_months = rnd(&seed) % 3 == 0 ? (int)(rnd(&seed) % 70) : -1;
		q.weekday = rnd(&seed) % 4 == 0 ? (int)(rnd(&seed) % 7) : -1;
		q.public_only = rnd(&seed) % 2;
		if (rnd(&seed) % 2) {
			q.may_see_location = see_even;
			q.memo_viewer = 1; /* the callback is the viewer */
		}
		q.limit = 1 + rnd(&seed) % 25;
		q.offset = rnd(&seed) % 4 == 0 ? rnd(&seed) % 10 : 0;
		q.terms = &term;
		q.n_terms = term ? 1 : 0;

		size_t n_ref = 0;
		for (int d = 1; d <= N; d++) {
			const struct gdoc *x = &g[d];
			int ok = x->alive && (!term || strstr(x->text, term)) && (!q.public_only || x->is_public);
			if (ok && q.n_types) {
				ok = 0;
				for (size_t i = 0; i < q.n_types; i++)
					ok |= !strcmp(types[i], gtypes[x->type]);
			}
			if (ok && q.age_months >= 0)
				ok = (x->age_min < 0 || q.age_months >= x->age_min) &&
				     (x->age_max < 0 || q.age_months <= x->age_max);
			if (ok && q.weekday >= 0)
				ok = tg_schedule_open_on_weekday(x->hours, x->n_hours, q.weekday);
			if (!ok)
				continue;
			double dist = HUGE_VAL;
			if (x->has_geo && (!x->conf || (q.may_see_location && d % 2 == 0)))
				dist = ref_dist(q.lat, q.lon, x->lat, x->lon);
			if (q.radius_km > 0 && !(dist <= q.radius_km * 1000))
				continue;
			ref[n_ref].id = d;
			ref[n_ref++].dist = dist;
		}
		qsort(ref, n_ref, sizeof(*ref), ref_cmp);
		for (int exact = 0; exact < 4; exact++) {
			struct tg_search_hit *h;
			size_t n, total;
			/* the second pair is memoized */
			q.exact_total = exact % 2;
			assert_int_equal(tg_search_run(idx, &q, &a, &h, &n, &total), TG_OK);
			size_t want_n = n_ref > q.offset ? n_ref - q.offset : 0;
			want_n = want_n < q.limit ? want_n : q.limit;
			if (n != want_n)
				fail_msg("round %d: %zu hits, want %zu", round, n, want_n);
			for (size_t i = 0; i < n; i++) {
				const struct ref_hit *r = &ref[q.offset + i];
				if (h[i].id != r->id)
					fail_msg("round %d hit %zu: id %lld, want %lld", round, i, (long long)h[i].id,
					         (long long)r->id);
				assert_int_equal(h[i].distance_m, r->dist == HUGE_VAL ? -1 : (int64_t)llround(r->dist));
				if (term)
					assert_true(h[i].score > 0 && h[i].matched_in != 0);
			}
			if (exact % 2)
				assert_int_equal(total, n_ref);
			else if (total != n_ref)
				early++;
			tg_arena_clear(&a);
		}
	}
	/* the early stop (and its estimated total) really happened */
	assert_true(early > 0);
	for (int id = 1; id <= N; id++)
		free(g[id].text);
	free(g);
	free(ref);
	tg_search_free(idx);
	tg_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_build),
	    cmocka_unit_test(test_ranking),
	    cmocka_unit_test(test_terms_and_short),
	    cmocka_unit_test(test_proven_terms),
	    cmocka_unit_test(test_name_order_keys),
	    cmocka_unit_test(test_word_folds),
	    cmocka_unit_test(test_hidden_location_no_oracle),
	    cmocka_unit_test(test_hidden_location_no_plan_oracle),
	    cmocka_unit_test(test_filters),
	    cmocka_unit_test(test_distance),
	    cmocka_unit_test(test_paging_and_name_sort),
	    cmocka_unit_test(test_upsert_remove_bulk),
	    cmocka_unit_test(test_cross_check),
	    cmocka_unit_test(test_distance_cross_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
