/*
 * bench_search.c - micro benchmark of the in-memory search index
 * (core/search.c): synthesizes 100,000 Japanese resources, builds the
 * index with tg_search_bulk_add + tg_search_finalize, and reports build
 * time, memory, and mean/p99 latency of typical queries.
 *
 * Build and run (from the repository root):
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -include src/util/prelude.h \
 *      bench/bench_search.c src/core/search.c src/core/text.c src/core/schedule.c \
 *      src/util/buf.c src/util/mem.c src/util/rc.c -lutf8proc -lpthread -lm -o build/bench_search
 *   ./build/bench_search [n_docs]
 *
 * The corpus is deterministic (fixed PRNG seed): names are built from area
 * words, place words and nicknames (10-20 characters), descriptions from
 * 3-5 of 40 stock sentences (60-120 characters), plus an address, tags,
 * areas (20 cities x 10 wards x 10 districts), ages, hours and coordinates.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "core/search.h"
#include "core/text.h"

static uint64_t seed = 20261122;

static uint32_t rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(seed >> 33);
}

#define PICK(arr) (arr[rnd() % (sizeof(arr) / sizeof(arr[0]))])

static const char *area_words[] = {
	"さくら", "青葉", "港北", "みどり", "中央", "緑ヶ丘", "若葉", "本町", "桜木", "旭",
	"ひかり", "泉", "栄", "森の台", "つくし野", "希望が丘", "大森", "東山", "西原", "南台",
	"北山", "日吉", "新田", "上永谷", "戸塚", "都筑", "金沢", "磯子", "瀬谷", "鶴見",
};
static const char *place_words[] = {
	"子育てひろば", "子ども食堂", "親子サロン", "学習支援教室", "つどいの広場", "地域子育て支援拠点",
	"児童館", "ファミリーサポート", "子育て相談室", "プレイパーク", "こども図書室", "ママカフェ",
	"パパの会", "ふたごの会", "多文化子育てサロン", "赤ちゃん広場",
};
static const char *nick_words[] = {
	"", "", "ぽかぽか", "すくすく", "にこにこ", "ひだまり", "どんぐり", "たんぽぽ", "きらきら",
	"ＨＡＰＰＹ", "ﾆｺﾆｺ", "おひさま", "なかよし",
};
static const char *kana_words[] = {
	"さくら", "あおば", "こうほく", "みどり", "ちゅうおう", "わかば", "ほんちょう", "ひかり",
	"いずみ", "さかえ", "もりのだい", "おおもり", "ひがしやま", "ひよし", "つるみ",
};
static const char *sentences[] = {
	"親子で自由に遊べるひろばです。",
	"毎週火曜日は助産師さんによる育児相談があります。",
	"予約は不要です。お気軽にお越しください。",
	"地域の子育て情報を掲示しています。",
	"０歳から３歳までのお子さんと保護者が対象です。",
	"子ども食堂では温かいごはんを一緒に食べます。",
	"学習支援では大学生ボランティアが宿題を見ます。",
	"ベビーカーでそのまま入れます。",
	"授乳室とおむつ替えスペースがあります。",
	"外国にルーツのある家庭の相談も受け付けています。",
	"ひとり親家庭の方もお気軽にどうぞ。",
	"季節の行事や手遊びの会を開いています。",
	"保育士が常駐しているので安心です。",
	"一時預かりは事前登録が必要です。",
	"駐車場はありませんので公共交通機関をご利用ください。",
	"雨の日でも室内で思いきり遊べます。",
	"絵本の読み聞かせを毎週行っています。",
	"地域のボランティアが運営しています。",
	"利用料は無料です。",
	"おやつ代として百円いただきます。",
	"ふたごや三つ子の家庭の交流会です。",
	"パパと子どもの遊びの会を月一回開催。",
	"子育てサポーターが話を聞きます。",
	"離乳食の進め方の講座があります。",
	"民生委員・児童委員が見守りをしています。",
	"中学生の居場所として夕方も開いています。",
	"フードパントリーも行っています。",
	"発達が気になるお子さんの相談もどうぞ。",
	"妊娠中の方の見学も歓迎します。",
	"区役所のこども家庭支援課と連携しています。",
	"社会福祉協議会が事務局です。",
	"夏休みは特別プログラムがあります。",
	"ＬＩＮＥで予約できます。",
	"おもちゃの貸し出しをしています。",
	"看護師による身体測定を毎月行います。",
	"地域子育て支援拠点のサテライトです。",
	"近くの公園で外遊びもします。",
	"誰でも参加できるオープンスペースです。",
	"親同士の仲間づくりを応援します。",
	"スタッフが子育ての悩みを一緒に考えます。",
};
static const char *types[] = {"hiroba", "shokudo", "salon", "gakushu", "kyoten",
                              "jidokan", "famisapo", "soudan", "park", "library"};
static const char *type_names[] = {"子育てひろば", "子ども食堂", "親子サロン", "学習支援", "地域子育て支援拠点",
                                   "児童館", "ファミリー・サポート", "相談窓口", "プレイパーク", "図書室"};
static const char *svc_codes[] = {"ibasho", "soudan", "shokuji", "gakushu", "azukari", "kouza"};
static const char *svc_names[] = {"居場所", "相談", "食事", "学習", "一時預かり", "講座"};
static const char *acc_codes[] = {"stroller", "nursing_room", "elevator", "parking"};
static const char *acc_names[] = {"ベビーカー可", "授乳室", "エレベーター", "駐車場"};

struct gen {
	char *text;
	int64_t areas[3];
	int type;
	int age_min, age_max, fee_free, is_public, is_confidential;
	double lat, lon;
	const char *svc[3], *acc[2];
	size_t n_svc, n_acc;
	struct tg_hours hours[5];
	size_t n_hours;
};

static double city_lat(int c)
{
	return 33.0 + (c % 10) * 0.5;
}

static double city_lon(int c)
{
	return 131.0 + (c / 2) * 0.5;
}

static void gen_doc(struct gen *g)
{
	char name[256], kana[256], desc[1024], addr[256];
	int city = (int)(rnd() % 20), ward = (int)(rnd() % 10), dist = (int)(rnd() % 10);
	struct tg_resource r;
	const char *tag_names[8], *area_names[3];
	size_t nt = 0;
	struct tg_buf b = TG_BUF_INIT;

	g->type = (int)(rnd() % 10);
	snprintf(name, sizeof(name), "%s%s%s", PICK(area_words), place_words[g->type % 16 == 0 ? 0 : rnd() % 16],
	         PICK(nick_words));
	snprintf(kana, sizeof(kana), "%s%s", PICK(kana_words), PICK(kana_words));
	size_t k = 0, ns = 3 + rnd() % 3;
	desc[0] = '\0';
	for (size_t i = 0; i < ns; i++)
		k += (size_t)snprintf(desc + k, sizeof(desc) - k, "%s", PICK(sentences));
	snprintf(addr, sizeof(addr), "%s%u丁目%u-%u", PICK(area_words), 1 + rnd() % 5, 1 + rnd() % 30,
	         1 + rnd() % 20);
	g->areas[0] = 100000 + city * 100 + ward * 10 + dist; /* district */
	g->areas[1] = 1000 + city * 10 + ward;                /* ward */
	g->areas[2] = 1 + city;                               /* city */
	g->n_svc = 1 + rnd() % 3;
	for (size_t i = 0; i < g->n_svc; i++) {
		size_t j = (rnd() % 6);
		g->svc[i] = svc_codes[j];
		tag_names[nt++] = svc_names[j];
	}
	g->n_acc = rnd() % 3;
	for (size_t i = 0; i < g->n_acc; i++) {
		size_t j = (rnd() % 4);
		g->acc[i] = acc_codes[j];
		tag_names[nt++] = acc_names[j];
	}
	g->age_min = rnd() % 3 ? 0 : -1;
	g->age_max = rnd() % 2 ? 36 : 180;
	g->fee_free = rnd() % 3 != 0;
	g->is_public = rnd() % 10 != 0;
	g->is_confidential = rnd() % 50 == 0;
	g->lat = city_lat(city) + ((double)(rnd() % 2000) - 1000) / 10000.0;
	g->lon = city_lon(city) + ((double)(rnd() % 2000) - 1000) / 10000.0;
	g->n_hours = 0;
	for (int d = 1; d <= 5; d++)
		if (rnd() % 3)
			g->hours[g->n_hours++] = (struct tg_hours){d, 600, 900};
	memset(&r, 0, sizeof(r));
	r.name = name;
	r.name_kana = kana;
	r.description = desc;
	r.address_line = addr;
	r.city = "みなと市";
	area_names[0] = "みなと市";
	area_names[1] = PICK(area_words);
	area_names[2] = "北地区";
	struct tg_search_text_extra x = {"NPO法人 ひだまり", type_names[g->type], tag_names, nt, area_names, 3};
	if (tg_search_text_build(&r, &x, &b) != TG_OK)
		abort();
	g->text = tg_buf_detach(&b, NULL);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* CPU time of this thread: on a shared machine wall time also counts the
 * time other processes held the CPU. */
static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &res) != 2)
		res = -1;
	fclose(f);
	return res * 4;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

enum { ITER = 2000 };

/* Run a query shape ITER times with varying areas/origins. */
static void bench_query(struct tg_search *idx, const char *label, const char *text, int with_type,
                        int with_area, int with_origin, int with_age)
{
	static double lat[ITER];
	double cpu = 0;
	struct tg_arena a = TG_ARENA_INIT;
	const char **terms = NULL;
	size_t n_terms = 0, total_sum = 0;
	double sum = 0;

	if (text && tg_text_terms(text, strlen(text), &a, &terms, &n_terms) != TG_OK)
		abort();
	for (int i = 0; i < ITER; i++) {
		struct tg_search_query q;
		struct tg_search_hit *h;
		size_t n, total;
		int city = i % 20, ward = (i / 20) % 10;
		const char *ty[1] = {types[i % 10]};
		memset(&q, 0, sizeof(q));
		q.terms = terms;
		q.n_terms = n_terms;
		q.age_months = with_age ? 12 : -1;
		q.weekday = -1;
		q.limit = 20;
		q.sort = TG_SEARCH_SORT_RELEVANCE;
		if (with_type) {
			q.types = ty;
			q.n_types = 1;
		}
		if (with_area)
			q.area_id = with_area == 2 ? 1 + city : 1000 + city * 10 + ward;
		if (with_origin) {
			q.has_origin = 1;
			q.lat = city_lat(city) + 0.01;
			q.lon = city_lon(city) - 0.01;
			q.sort = TG_SEARCH_SORT_DISTANCE;
		}
		double c0 = cpu_us(), t0 = now_us();
		if (tg_search_run(idx, &q, &a, &h, &n, &total) != TG_OK)
			abort();
		lat[i] = now_us() - t0;
		cpu += cpu_us() - c0;
		sum += lat[i];
		total_sum += total;
		tg_arena_clear(&a);
		if (text && tg_text_terms(text, strlen(text), &a, &terms, &n_terms) != TG_OK)
			abort();
	}
	qsort(lat, ITER, sizeof(lat[0]), cmp_d);
	printf("%-40s cpu mean %8.1f  wall mean %8.1f  p50 %8.1f  p99 %8.1f us  matches %zu\n", label,
	       cpu / ITER, sum / ITER, lat[ITER / 2], lat[ITER * 99 / 100], total_sum / ITER);
	tg_arena_release(&a);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
	struct gen *g = calloc(n, sizeof(*g));
	struct tg_search *idx = tg_search_new();
	size_t text_bytes = 0;
	double t0, t1;
	long rss0, rss1;

	t0 = now_us();
	for (size_t i = 0; i < n; i++) {
		gen_doc(&g[i]);
		text_bytes += strlen(g[i].text);
	}
	t1 = now_us();
	printf("docs %zu, search_text %.1f MB (avg %zu bytes), generate+normalize %.0f ms\n", n,
	       (double)text_bytes / 1e6, text_bytes / n, (t1 - t0) / 1e3);
	malloc_trim(0);
	rss0 = rss_kb();
	t0 = now_us();
	for (size_t i = 0; i < n; i++) {
		struct tg_search_doc d;
		memset(&d, 0, sizeof(d));
		d.id = (int64_t)i + 1;
		d.org_id = (int64_t)(i % 500) + 1;
		d.type_code = types[g[i].type];
		d.areas = g[i].areas;
		d.n_areas = 3;
		d.search_text = g[i].text;
		d.search_text_len = strlen(g[i].text);
		d.age_min = g[i].age_min;
		d.age_max = g[i].age_max;
		d.fee_free = g[i].fee_free;
		d.is_public = g[i].is_public;
		d.is_confidential = g[i].is_confidential;
		d.has_geo = 1;
		d.lat = g[i].lat;
		d.lon = g[i].lon;
		d.services = g[i].svc;
		d.n_services = g[i].n_svc;
		d.access = g[i].acc;
		d.n_access = g[i].n_acc;
		d.hours = g[i].hours;
		d.n_hours = g[i].n_hours;
		if (tg_search_bulk_add(idx, &d) != TG_OK)
			abort();
	}
	t1 = now_us();
	tg_search_finalize(idx);
	double t2 = now_us();
	malloc_trim(0);
	rss1 = rss_kb();
	printf("build: bulk_add %.0f ms + finalize %.0f ms = %.0f ms\n", (t1 - t0) / 1e3, (t2 - t1) / 1e3,
	       (t2 - t0) / 1e3);
	printf("memory: RSS growth %.1f MB, index's own count %.1f MB\n", (double)(rss1 - rss0) / 1024.0,
	       (double)tg_search_memory(idx) / 1e6);

	bench_query(idx, "1 char  \"森\"", "森", 0, 0, 0, 0);
	bench_query(idx, "1 char  \"子\" (in most docs)", "子", 0, 0, 0, 0);
	bench_query(idx, "2 char  \"食堂\"", "食堂", 0, 0, 0, 0);
	bench_query(idx, "3 char  \"子育て\" (in most docs)", "子育て", 0, 0, 0, 0);
	bench_query(idx, "3 terms \"子育て ひろば さくら\"", "子育て ひろば さくら", 0, 0, 0, 0);
	bench_query(idx, "\"ひろば\" + type + ward, distance, 20", "ひろば", 1, 1, 1, 0);
	bench_query(idx, "\"子育て\" + ward + age, distance, 20", "子育て", 0, 1, 1, 1);
	bench_query(idx, "\"ひろば\" + type + city, distance, 20", "ひろば", 1, 2, 1, 0);
	bench_query(idx, "no text, ward + age, distance, 20", NULL, 0, 1, 1, 1);
	bench_query(idx, "no text, type + age, distance, 20", NULL, 1, 0, 1, 1);

	t0 = now_us();
	for (size_t i = 0; i < 1000; i++) {
		struct tg_search_doc d;
		memset(&d, 0, sizeof(d));
		d.id = (int64_t)(i * 97 % n) + 1;
		d.type_code = types[g[i].type];
		d.areas = g[i].areas;
		d.n_areas = 3;
		d.search_text = g[i].text;
		d.search_text_len = strlen(g[i].text);
		d.age_min = d.age_max = -1;
		if (tg_search_upsert(idx, &d) != TG_OK)
			abort();
	}
	printf("upsert (replace): mean %.1f us\n", (now_us() - t0) / 1000.0);
	for (size_t i = 0; i < n; i++)
		free(g[i].text);
	free(g);
	tg_search_free(idx);
	return 0;
}
