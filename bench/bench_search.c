/*
 * bench_search.c - micro benchmark of the in-memory search index
 * (core/search.c): synthesizes 100,000 Japanese resources, builds the
 * index with tg_search_bulk_add + tg_search_finalize, and reports build
 * time, memory, and mean/p99 latency of typical queries.
 *
 * Build and run (from the repository root):
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -include src/util/prelude.h \
 *      bench/bench_search.c src/core/search.c src/core/text.c src/core/schedule.c src/core/validate.c \
 *      src/util/buf.c src/util/mem.c src/util/rc.c -lutf8proc -lpthread -lm -o build/bench_search
 *   ./build/bench_search [n_docs]
 *   ./build/bench_search --facilities FACILITIES.csv QUERIES.txt
 *
 * Side by side with another version of search.c (e.g. main's), in one run:
 *   git show main:src/core/search.c > build/search_old.c
 *   cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -include src/util/prelude.h -c build/search_old.c -o build/search_old.o
 *   nm build/search_old.o | awk '$2=="T" && $3 ~ /^tg_search_/ {print $3, "old_" $3}' > build/old.syms
 *   objcopy --redefine-syms=build/old.syms build/search_old.o
 *   cc ... -DWITH_OLD bench/bench_search.c build/search_old.o src/core/search.c ... -o build/bench_search
 *
 * --facilities indexes the CSV of bench/gen_facilities.c (100k rows spread over
 * Japan, the same rows bench/run.sh imports) and runs the query paths of
 * `gen_facilities --query-terms` (text + type + age/day/radius, distance sort,
 * limit 20, public only), FITER rounds of each, reporting mean and p99 of the
 * thread's CPU time per query and over all. BENCH_ROTATE=N instead runs N
 * rounds over all the queries in turn with the caches swept before each
 * (closer to a server that does other work between searches) and reports
 * the mean per query. BENCH_QUERY=i runs query i only:
 *   BENCH_QUERY=29 valgrind --tool=callgrind --toggle-collect=tg_search_run \
 *     --toggle-collect=old_tg_search_run ./build/bench_search --facilities F.csv Q.txt
 *
 * The corpus is deterministic (fixed PRNG seed): names are built from area
 * words, place words and nicknames (10-20 characters), descriptions from
 * 3-5 of 40 stock sentences (60-120 characters), plus an address, tags,
 * areas (20 cities x 10 wards x 10 districts), ages, hours and coordinates.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    "さくら", "青葉", "港北", "みどり", "中央",     "緑ヶ丘",   "若葉", "本町", "桜木", "旭",
    "ひかり", "泉",   "栄",   "森の台", "つくし野", "希望が丘", "大森", "東山", "西原", "南台",
    "北山",   "日吉", "新田", "上永谷", "戸塚",     "都筑",     "金沢", "磯子", "瀬谷", "鶴見",
};
static const char *place_words[] = {
    "子育てひろば", "子ども食堂",         "親子サロン",         "学習支援教室", "つどいの広場", "地域子育て支援拠点",
    "児童館",       "ファミリーサポート", "子育て相談室",       "プレイパーク", "こども図書室", "ママカフェ",
    "パパの会",     "ふたごの会",         "多文化子育てサロン", "赤ちゃん広場",
};
static const char *nick_words[] = {
    "",         "",         "ぽかぽか",   "すくすく", "にこにこ", "ひだまり", "どんぐり",
    "たんぽぽ", "きらきら", "ＨＡＰＰＹ", "ﾆｺﾆｺ",     "おひさま", "なかよし",
};
static const char *kana_words[] = {
    "さくら", "あおば", "こうほく",   "みどり",   "ちゅうおう", "わかば", "ほんちょう", "ひかり",
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
static const char *types[] = {"hiroba",  "shokudo",  "salon",  "gakushu", "kyoten",
                              "jidokan", "famisapo", "soudan", "park",    "library"};
static const char *type_names[] = {"子育てひろば",       "子ども食堂", "親子サロン",           "学習支援",
                                   "地域子育て支援拠点", "児童館",     "ファミリー・サポート", "相談窓口",
                                   "プレイパーク",       "図書室"};
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
	snprintf(addr, sizeof(addr), "%s%u丁目%u-%u", PICK(area_words), 1 + rnd() % 5, 1 + rnd() % 30, 1 + rnd() % 20);
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
static void bench_query(struct tg_search *idx, const char *label, const char *text, int with_type, int with_area,
                        int with_origin, int with_age)
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
	printf("%-40s cpu mean %8.1f  wall mean %8.1f  p50 %8.1f  p99 %8.1f us  matches %zu\n", label, cpu / ITER,
	       sum / ITER, lat[ITER / 2], lat[ITER * 99 / 100], total_sum / ITER);
	tg_arena_release(&a);
}

/* ---- --facilities: the gen_facilities corpus and query paths ---- */

struct ops {
	const char *name;
	struct tg_search *(*new_)(void);
	void (*free_)(struct tg_search *);
	enum tg_rc (*bulk_add)(struct tg_search *, const struct tg_search_doc *);
	void (*finalize)(struct tg_search *);
	enum tg_rc (*run)(struct tg_search *, const struct tg_search_query *, struct tg_arena *,
	                  struct tg_search_hit **, size_t *, size_t *);
	size_t (*memory)(struct tg_search *);
};

#ifdef WITH_OLD
struct tg_search *old_tg_search_new(void);
void old_tg_search_free(struct tg_search *);
enum tg_rc old_tg_search_bulk_add(struct tg_search *, const struct tg_search_doc *);
void old_tg_search_finalize(struct tg_search *);
enum tg_rc old_tg_search_run(struct tg_search *, const struct tg_search_query *, struct tg_arena *,
                             struct tg_search_hit **, size_t *, size_t *);
size_t old_tg_search_memory(struct tg_search *);
#endif

struct fdoc {
	char *text;
	const char *type;
	int age_min, age_max, has_geo;
	double lat, lon;
	struct tg_hours hours[8];
	size_t n_hours;
};

/* One CSV record (RFC 4180 quoting); fields point into buf. 0 at EOF. */
static int csv_record(FILE *f, char *buf, size_t cap, char **fld, int max)
{
	int c, n = 0, q = 0;
	size_t k = 0;

	c = getc(f);
	if (c == EOF)
		return 0;
	fld[n++] = buf;
	for (; c != EOF; c = getc(f)) {
		if (q) {
			if (c == '"') {
				int d = getc(f);
				if (d == '"') {
					buf[k++] = '"';
					continue;
				}
				q = 0;
				if (d == EOF)
					break;
				c = d;
			} else {
				buf[k++] = (char)c;
				continue;
			}
		}
		if (c == '"')
			q = 1;
		else if (c == ',') {
			buf[k++] = '\0';
			if (n < max)
				fld[n++] = buf + k;
		} else if (c == '\n')
			break;
		else if (c != '\r')
			buf[k++] = (char)c;
		if (k + 8 > cap)
			abort();
	}
	buf[k] = '\0';
	return n;
}

static void parse_days(const char *s, struct fdoc *d)
{
	static const char *wd[] = {"日", "月", "火", "水", "木", "金", "土"};
	int on[8] = {0};

	if (strstr(s, "月～金") || strstr(s, "土日祝除く"))
		for (int i = 1; i <= 5; i++)
			on[i] = 1;
	else if (strstr(s, "月～土"))
		for (int i = 1; i <= 6; i++)
			on[i] = 1;
	else
		for (int i = 0; i < 7; i++)
			if (strstr(s, wd[i]))
				on[i] = 1;
	d->n_hours = 0;
	for (int i = 0; i < 7; i++)
		if (on[i])
			d->hours[d->n_hours++] = (struct tg_hours){i, 450, 1110};
}

static size_t load_facilities(const char *path, struct fdoc **out)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 16];
	char *fl[32];
	size_t n = 0, cap = 0;
	struct fdoc *v = NULL;
	int nf;

	if (!f) {
		perror(path);
		exit(1);
	}
	csv_record(f, buf, sizeof(buf), fl, 32); /* header */
	while ((nf = csv_record(f, buf, sizeof(buf), fl, 32)) > 0) {
		if (nf < 20)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
		}
		struct fdoc *d = &v[n++];
		memset(d, 0, sizeof(*d));
		const char *kind = fl[5];
		int kinder = strstr(kind, "幼稚園") && !strstr(kind, "こども園");
		d->type = kinder ? "kindergarten" : "nursery";
		const char *ages = fl[13];
		d->age_min = strstr(ages, "満3歳") ? 36 : strstr(ages, "6か月") ? 6 : strstr(ages, "1歳") ? 12 : 0;
		d->age_max = strstr(ages, "就学前") ? 83 : 71;
		parse_days(fl[14], d);
		if (*fl[8] && *fl[9]) {
			d->has_geo = 1;
			d->lat = atof(fl[8]);
			d->lon = atof(fl[9]);
		}
		struct tg_resource r;
		memset(&r, 0, sizeof(r));
		r.name = fl[3];
		r.name_kana = fl[4];
		r.description = fl[19];
		r.address_line = fl[6];
		r.building = fl[7];
		const char *area_names[1] = {fl[2]};
		struct tg_search_text_extra x = {
		    fl[11], kinder ? "幼稚園の広場" : "保育所・こども園の子育て支援", NULL, 0, area_names, 1};
		struct tg_buf b = TG_BUF_INIT;
		if (tg_search_text_build(&r, &x, &b) != TG_OK)
			abort();
		d->text = tg_buf_detach(&b, NULL);
	}
	fclose(f);
	*out = v;
	return n;
}

struct fquery {
	char text[256];
	const char *types[2];
	size_t n_types;
	int age, day;
	double radius, lat, lon;
};

static int hexv(int c)
{
	return c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}

static void url_decode(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '%' && s[1] && s[2]) {
			*o++ = (char)(hexv(s[1]) * 16 + hexv(s[2]));
			s += 2;
		} else
			*o++ = *s == '+' ? ' ' : *s;
	}
	*o = '\0';
}

static size_t load_queries(const char *path, struct fquery *qs, size_t max)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t n = 0;

	if (!f) {
		perror(path);
		exit(1);
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		struct fquery *q = &qs[n];
		char *p = strchr(line, '?'), *save = NULL;
		memset(q, 0, sizeof(*q));
		q->age = q->day = -1;
		if (!p)
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (char *kv = strtok_r(p + 1, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
			char *v = strchr(kv, '=');
			if (!v)
				continue;
			*v++ = '\0';
			url_decode(v);
			if (!strcmp(kv, "q"))
				snprintf(q->text, sizeof(q->text), "%s", v);
			else if (!strcmp(kv, "type")) {
				if (strstr(v, "nursery"))
					q->types[q->n_types++] = "nursery";
				if (strstr(v, "kindergarten"))
					q->types[q->n_types++] = "kindergarten";
			} else if (!strcmp(kv, "age_months"))
				q->age = atoi(v);
			else if (!strcmp(kv, "day"))
				q->day = atoi(v);
			else if (!strcmp(kv, "radius_km"))
				q->radius = atof(v);
			else if (!strcmp(kv, "near"))
				sscanf(v, "%lf,%lf", &q->lat, &q->lon);
		}
		n++;
	}
	fclose(f);
	return n;
}

static struct tg_search *fac_build(const struct ops *o, const struct fdoc *d, size_t n)
{
	struct tg_search *idx = o->new_();
	long rss0, rss1;
	double t0, t1, t2;

	malloc_trim(0);
	rss0 = rss_kb();
	t0 = now_us();
	for (size_t i = 0; i < n; i++) {
		struct tg_search_doc x;
		memset(&x, 0, sizeof(x));
		x.id = (int64_t)i + 1;
		x.org_id = (int64_t)(i % 20000) + 1;
		x.type_code = d[i].type;
		x.search_text = d[i].text;
		x.search_text_len = strlen(d[i].text);
		x.age_min = d[i].age_min;
		x.age_max = d[i].age_max;
		x.fee_free = i % 3 == 0;
		x.is_public = i % 20 != 0;
		x.is_confidential = i % 97 == 0;
		x.has_geo = d[i].has_geo;
		x.lat = d[i].lat;
		x.lon = d[i].lon;
		x.hours = d[i].hours;
		x.n_hours = d[i].n_hours;
		if (o->bulk_add(idx, &x) != TG_OK)
			abort();
	}
	t1 = now_us();
	o->finalize(idx);
	t2 = now_us();
	malloc_trim(0);
	rss1 = rss_kb();
	printf("%-4s build: bulk_add %.0f ms + finalize %.0f ms = %.0f ms; memory: own count %.1f MB, RSS growth %.1f "
	       "MB\n",
	       o->name, (t1 - t0) / 1e3, (t2 - t1) / 1e3, (t2 - t0) / 1e3, (double)o->memory(idx) / 1e6,
	       (double)(rss1 - rss0) / 1024.0);
#ifdef MB_REPORT
	if (o->memory == tg_search_memory) {
		void mb_report(struct tg_search *);
		mb_report(idx);
	}
#endif
	return idx;
}

enum { FITER = 100 };

/* Mean and p99 (microseconds, thread CPU time) of query qi, FITER runs. */
/* The server's search for fq: anonymous (public only), distance sort, 20 results. */
static void fac_query(const struct fquery *fq, const char **terms, size_t n_terms, struct tg_search_query *q)
{
	memset(q, 0, sizeof(*q));
	q->terms = terms;
	q->n_terms = n_terms;
	q->types = fq->types;
	q->n_types = fq->n_types;
	q->age_months = fq->age;
	q->weekday = fq->day;
	q->has_origin = 1;
	q->lat = fq->lat;
	q->lon = fq->lon;
	q->radius_km = fq->radius;
	q->public_only = 1;
	q->sort = TG_SEARCH_SORT_DISTANCE;
	q->limit = 20;
}

static void fac_time(const struct ops *o, struct tg_search *idx, const struct fquery *fq, double *mean, double *p99,
                     size_t *total, int64_t *first, double *all, size_t *n_all)
{
	static double lat[FITER];
	struct tg_arena a = TG_ARENA_INIT;
	double sum = 0;

	for (int i = 0; i < FITER; i++) {
		struct tg_search_query q;
		struct tg_search_hit *h;
		const char **terms = NULL;
		size_t n, n_terms = 0;
		double c0 = cpu_us();
		if (tg_text_terms(fq->text, strlen(fq->text), &a, &terms, &n_terms) != TG_OK)
			abort();
		fac_query(fq, terms, n_terms, &q);
		if (o->run(idx, &q, &a, &h, &n, total) != TG_OK)
			abort();
		lat[i] = cpu_us() - c0;
		sum += lat[i];
		all[(*n_all)++] = lat[i];
		*first = n ? h[0].id : 0;
		tg_arena_clear(&a);
	}
	tg_arena_release(&a);
	qsort(lat, FITER, sizeof(lat[0]), cmp_d);
	*mean = sum / FITER;
	*p99 = lat[FITER * 99 / 100];
}

/* BENCH_ROTATE=N: N rounds over all the queries in turn, each query after a
 * sweep over 16 MB (as the server's other work evicts the index from the
 * caches between two searches); returns the mean thread CPU time of a
 * query, sweeps excluded. Closer to the server than FITER runs in a row. */
static double fac_rotate(const struct ops *o, struct tg_search *idx, const struct fquery *qs, size_t nq, int rounds)
{
	static unsigned char *junk;
	const size_t junk_len = (size_t)16 << 20;
	struct tg_arena a = TG_ARENA_INIT;
	double sum = 0;
	size_t n_runs = 0;
	volatile unsigned sink = 0;

	if (!junk)
		junk = calloc(1, junk_len);
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < nq; i++) {
			const struct fquery *fq = &qs[i];
			struct tg_search_query q;
			struct tg_search_hit *h;
			const char **terms = NULL;
			size_t n, n_terms = 0, total;
			for (size_t k = 0; k < junk_len; k += 64)
				junk[k]++;
			sink += junk[(size_t)r * 64 % junk_len];
			double c0 = cpu_us();
			if (tg_text_terms(fq->text, strlen(fq->text), &a, &terms, &n_terms) != TG_OK)
				abort();
			fac_query(fq, terms, n_terms, &q);
			if (o->run(idx, &q, &a, &h, &n, &total) != TG_OK)
				abort();
			sum += cpu_us() - c0;
			n_runs++;
			tg_arena_clear(&a);
		}
	tg_arena_release(&a);
	return n_runs ? sum / (double)n_runs : 0;
}

static int bench_facilities(const char *csv, const char *qpath)
{
	struct fdoc *d;
	static struct fquery qs[256];
	size_t n = load_facilities(csv, &d), nq = load_queries(qpath, qs, 256);
	struct ops ops[] = {
	    {"new", tg_search_new, tg_search_free, tg_search_bulk_add, tg_search_finalize, tg_search_run,
	     tg_search_memory},
#ifdef WITH_OLD
	    {"old", old_tg_search_new, old_tg_search_free, old_tg_search_bulk_add, old_tg_search_finalize,
	     old_tg_search_run, old_tg_search_memory},
#endif
	};
	size_t n_ops = sizeof(ops) / sizeof(ops[0]);
	struct tg_search *idx[2];
	double *all[2];
	size_t n_all[2] = {0, 0};

	printf("facilities: %zu docs, %zu queries, %d runs each, times are thread CPU us\n", n, nq, FITER);
	for (size_t k = n_ops; k-- > 0;) {
		idx[k] = fac_build(&ops[k], d, n);
		all[k] = malloc(sizeof(double) * nq * FITER);
	}
	printf("%-44s", "query");
	for (size_t k = n_ops; k-- > 0;)
		printf(" | %s mean    p99  total", ops[k].name);
	printf("\n");
	const char *rotate = getenv("BENCH_ROTATE");
	if (rotate) {
		/* alternate the versions round by round, so both see the same machine */
		int rounds = atoi(rotate);
		double sum[2] = {0, 0};
		for (int r = 0; r < rounds; r++)
			for (size_t k = n_ops; k-- > 0;)
				sum[k] += fac_rotate(&ops[k], idx[k], qs, nq, 1);
		for (size_t k = n_ops; k-- > 0;)
			printf("%s: rotating, caches swept before each query: mean %.1f us per query (%d rounds)\n",
			       ops[k].name, sum[k] / rounds, rounds);
		for (size_t k = n_ops; k-- > 0;)
			ops[k].free_(idx[k]);
		return 0;
	}
	const char *only = getenv("BENCH_QUERY"); /* run one query (index from 0), e.g. under callgrind */
	for (size_t i = 0; i < nq; i++) {
		char label[512];
		if (only && (size_t)atoi(only) != i)
			continue;
		int64_t first[2];
		size_t tot[2];
		snprintf(label, sizeof(label), "%s %s%s age %d day %d r %.0f", qs[i].text, qs[i].types[0],
		         qs[i].n_types > 1 ? "+" : "", qs[i].age, qs[i].day, qs[i].radius);
		printf("%-40s", label);
		for (size_t k = n_ops; k-- > 0;) {
			double mean, p99;
			fac_time(&ops[k], idx[k], &qs[i], &mean, &p99, &tot[k], &first[k], all[k], &n_all[k]);
			printf(" | %7.1f %7.1f %6zu", mean, p99, tot[k]);
		}
		if (n_ops == 2 && first[0] != first[1])
			printf("  FIRST HIT DIFFERS");
		printf("\n");
	}
	for (size_t k = n_ops; k-- > 0;) {
		double sum = 0;
		for (size_t i = 0; i < n_all[k]; i++)
			sum += all[k][i];
		qsort(all[k], n_all[k], sizeof(double), cmp_d);
		printf("%s: all queries mean %.1f us, p50 %.1f, p99 %.1f, max %.1f\n", ops[k].name,
		       sum / (double)n_all[k], all[k][n_all[k] / 2], all[k][n_all[k] * 99 / 100], all[k][n_all[k] - 1]);
		ops[k].free_(idx[k]);
		free(all[k]);
	}
	for (size_t i = 0; i < n; i++)
		free(d[i].text);
	free(d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--facilities"))
		return bench_facilities(argv[2], argv[3]);
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
