/*
 * gen_facilities.c - synthetic national-scale childcare facility list for the benchmark.
 *
 * Writes a CSV in the newer header variant of the Japanese local-government standard data
 * set (自治体標準オープンデータセット 子育て施設一覧, see docs/formats in the shared brief):
 *
 *   全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,住所,方書,緯度,経度,電話番号,
 *   団体名,収容定員,受入年齢,利用可能曜日,開始時間,終了時間,一時預かりの有無,URL,備考
 *
 * UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting (some 方書/備考 values carry ASCII
 * commas, double quotes or an LF line break, as files in the wild do). Everything is invented:
 * the 47 prefectures and their approximate centres are real, the ~1,750 municipalities,
 * their codes (with a valid check digit), addresses, phone numbers, names and operators are
 * composed from parts. Output is a pure function of (rows, seed): the PRNG is splitmix64
 * and no clock, locale or address is consulted.
 *
 *   cc -O2 -o build/gen_facilities bench/gen_facilities.c
 *   build/gen_facilities [-n ROWS] [-s SEED] [-o FILE]       CSV (default 100000 rows, stdout)
 *   build/gen_facilities --query-terms [-s SEED] [-q COUNT]   search request paths, one a line
 *
 * --query-terms prints URL-encoded paths for GET /api/v1/resources built from the same
 * vocabulary: free text + two filters + a distance origin near a big city + sort=distance.
 * The bench rotates among them (bench/run.sh).
 *
 * Standalone on purpose: no project headers, no libraries beyond libc and libm.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic PRNG (splitmix64) ------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static unsigned rnd(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

/* Uniform in [0, 1). */
static double rndf(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* Approximately normal, mean 0, sd 1 (sum of uniforms; cheap and deterministic). */
static double rndn(void)
{
	double s = 0;
	for (int i = 0; i < 6; i++)
		s += rndf();
	return (s - 3.0) * 1.41421356;
}

static int chance(double p)
{
	return rndf() < p;
}

/* ---- vocabulary ---------------------------------------------------------------------- */

struct word {
	const char *s;
	const char *kana; /* hiragana; written as katakana in 名称_カナ */
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct pref {
	const char *name;
	double lat, lon, spread; /* centre and spread (degrees) of its municipalities */
	int weight;              /* population, 100k */
	const char *area_code;   /* main telephone area code, "" = per municipality */
};

static const struct pref prefs[47] = {
    {"北海道", 43.06, 141.35, 1.30, 51, "011"}, {"青森県", 40.82, 140.74, 0.40, 12, ""},
    {"岩手県", 39.70, 141.15, 0.50, 12, ""},    {"宮城県", 38.27, 140.87, 0.30, 23, "022"},
    {"秋田県", 39.72, 140.10, 0.45, 9, ""},     {"山形県", 38.24, 140.36, 0.40, 10, ""},
    {"福島県", 37.75, 140.47, 0.50, 18, ""},    {"茨城県", 36.34, 140.45, 0.35, 28, ""},
    {"栃木県", 36.57, 139.88, 0.30, 19, ""},    {"群馬県", 36.39, 139.06, 0.30, 19, ""},
    {"埼玉県", 35.86, 139.65, 0.25, 73, "048"}, {"千葉県", 35.61, 140.12, 0.30, 63, "043"},
    {"東京都", 35.69, 139.69, 0.15, 140, "03"}, {"神奈川県", 35.45, 139.64, 0.15, 92, "045"},
    {"新潟県", 37.90, 139.02, 0.50, 22, "025"}, {"富山県", 36.70, 137.21, 0.25, 10, ""},
    {"石川県", 36.59, 136.63, 0.35, 11, ""},    {"福井県", 36.07, 136.22, 0.25, 7, ""},
    {"山梨県", 35.66, 138.57, 0.25, 8, ""},     {"長野県", 36.65, 138.18, 0.50, 20, ""},
    {"岐阜県", 35.39, 136.72, 0.40, 20, ""},    {"静岡県", 34.98, 138.38, 0.40, 36, "054"},
    {"愛知県", 35.18, 136.91, 0.25, 75, "052"}, {"三重県", 34.73, 136.51, 0.35, 17, ""},
    {"滋賀県", 35.00, 135.87, 0.25, 14, ""},    {"京都府", 35.02, 135.76, 0.30, 25, "075"},
    {"大阪府", 34.69, 135.52, 0.15, 88, "06"},  {"兵庫県", 34.69, 135.18, 0.35, 54, "078"},
    {"奈良県", 34.69, 135.83, 0.25, 13, ""},    {"和歌山県", 34.23, 135.17, 0.35, 9, ""},
    {"鳥取県", 35.50, 134.24, 0.30, 5, ""},     {"島根県", 35.47, 133.05, 0.45, 6, ""},
    {"岡山県", 34.66, 133.93, 0.30, 19, "086"}, {"広島県", 34.40, 132.46, 0.35, 28, "082"},
    {"山口県", 34.19, 131.47, 0.35, 13, ""},    {"徳島県", 34.07, 134.56, 0.25, 7, ""},
    {"香川県", 34.34, 134.04, 0.20, 9, ""},     {"愛媛県", 33.84, 132.77, 0.35, 13, ""},
    {"高知県", 33.56, 133.53, 0.40, 7, ""},     {"福岡県", 33.61, 130.42, 0.30, 51, "092"},
    {"佐賀県", 33.25, 130.30, 0.20, 8, ""},     {"長崎県", 32.74, 129.87, 0.30, 13, ""},
    {"熊本県", 32.79, 130.74, 0.35, 17, "096"}, {"大分県", 33.24, 131.61, 0.35, 11, ""},
    {"宮崎県", 31.91, 131.42, 0.40, 10, ""},    {"鹿児島県", 31.56, 130.56, 0.45, 16, ""},
    {"沖縄県", 26.21, 127.68, 0.25, 15, "098"},
};

static const struct word city_head[] = {
    {"東", "ひがし"},   {"西", "にし"},   {"南", "みなみ"}, {"北", "きた"},   {"新", "しん"},     {"大", "おお"},
    {"小", "こ"},       {"上", "かみ"},   {"下", "しも"},   {"中", "なか"},   {"高", "たか"},     {"長", "なが"},
    {"白", "しら"},     {"若", "わか"},   {"松", "まつ"},   {"桜", "さくら"}, {"青", "あお"},     {"緑", "みどり"},
    {"朝日", "あさひ"}, {"富士", "ふじ"}, {"美", "み"},     {"八", "や"},     {"三", "み"},       {"石", "いし"},
    {"岩", "いわ"},     {"竹", "たけ"},   {"梅", "うめ"},   {"豊", "とよ"},   {"福", "ふく"},     {"平", "ひら"},
    {"広", "ひろ"},     {"日", "ひ"},     {"清", "きよ"},   {"水", "みず"},   {"金", "かな"},     {"玉", "たま"},
    {"宮", "みや"},     {"柏", "かしわ"}, {"鶴", "つる"},   {"亀", "かめ"},   {"春日", "かすが"}, {"千代", "ちよ"},
    {"花", "はな"},     {"横", "よこ"},   {"秋", "あき"},
};

static const struct word city_tail[] = {
    {"川", "かわ"}, {"田", "た"},   {"野", "の"},   {"原", "はら"}, {"浜", "はま"}, {"岡", "おか"},
    {"沢", "さわ"}, {"島", "しま"}, {"山", "やま"}, {"崎", "さき"}, {"井", "い"},   {"津", "つ"},
    {"谷", "や"},   {"瀬", "せ"},   {"森", "もり"}, {"里", "さと"}, {"見", "み"},   {"ケ丘", "がおか"},
    {"部", "べ"},   {"坂", "さか"}, {"江", "え"},   {"根", "ね"},   {"城", "しろ"}, {"尾", "お"},
    {"木", "き"},   {"橋", "はし"}, {"戸", "と"},   {"倉", "くら"}, {"浦", "うら"}, {"宮", "みや"},
};

static const struct word towns[] = {
    {"本町", "ほんちょう"},   {"中央", "ちゅうおう"},     {"栄町", "さかえまち"},     {"緑町", "みどりちょう"},
    {"旭町", "あさひまち"},   {"幸町", "さいわいちょう"}, {"東町", "ひがしまち"},     {"西町", "にしまち"},
    {"桜町", "さくらまち"},   {"若葉", "わかば"},         {"松原", "まつばら"},       {"港町", "みなとまち"},
    {"駅前", "えきまえ"},     {"新町", "しんまち"},       {"元町", "もとまち"},       {"宮前", "みやまえ"},
    {"柳町", "やなぎまち"},   {"錦町", "にしきちょう"},   {"寿町", "ことぶきちょう"}, {"日吉", "ひよし"},
    {"青葉台", "あおばだい"}, {"緑ケ丘", "みどりがおか"}, {"桜台", "さくらだい"},     {"富士見", "ふじみ"},
    {"大和町", "やまとまち"}, {"昭和町", "しょうわまち"}, {"平和町", "へいわまち"},   {"泉町", "いずみちょう"},
    {"千代田", "ちよだ"},     {"住吉", "すみよし"},       {"稲荷町", "いなりまち"},   {"天神", "てんじん"},
    {"北町", "きたまち"},     {"南町", "みなみまち"},     {"山手", "やまて"},         {"浜町", "はまちょう"},
};

/* Name stems for facilities and operators. */
static const struct word stems[] = {
    {"ひまわり", "ひまわり"},
    {"さくら", "さくら"},
    {"こもれび", "こもれび"},
    {"たんぽぽ", "たんぽぽ"},
    {"すみれ", "すみれ"},
    {"わかば", "わかば"},
    {"あおば", "あおば"},
    {"ひかり", "ひかり"},
    {"どんぐり", "どんぐり"},
    {"つくし", "つくし"},
    {"こすもす", "こすもす"},
    {"なのはな", "なのはな"},
    {"すずらん", "すずらん"},
    {"もみじ", "もみじ"},
    {"かえで", "かえで"},
    {"あじさい", "あじさい"},
    {"にじいろ", "にじいろ"},
    {"そらいろ", "そらいろ"},
    {"おひさま", "おひさま"},
    {"ひだまり", "ひだまり"},
    {"うみかぜ", "うみかぜ"},
    {"やまびこ", "やまびこ"},
    {"みどり", "みどり"},
    {"はなぞの", "はなぞの"},
    {"こばと", "こばと"},
    {"ひばり", "ひばり"},
    {"つばめ", "つばめ"},
    {"ぱんだ", "ぱんだ"},
    {"りすのおうち", "りすのおうち"},
    {"うさぎ", "うさぎ"},
    {"森の", "もりの"},
    {"星の子", "ほしのこ"},
    {"虹の", "にじの"},
    {"青葉", "あおば"},
    {"若草", "わかくさ"},
    {"若竹", "わかたけ"},
    {"白百合", "しらゆり"},
    {"聖マリア", "せいまりあ"},
    {"太陽", "たいよう"},
    {"光", "ひかり"},
    {"希望", "きぼう"},
    {"旭", "あさひ"},
    {"平和", "へいわ"},
    {"愛児", "あいじ"},
    {"双葉", "ふたば"},
    {"明星", "みょうじょう"},
    {"くすのき", "くすのき"},
    {"けやき", "けやき"},
    {"ぶどうの木", "ぶどうのき"},
    {"オリーブ", "おりーぶ"},
    {"ポプラ", "ぽぷら"},
    {"ききょう", "ききょう"},
    {"れんげ", "れんげ"},
    {"ひなた", "ひなた"},
    {"のぞみ", "のぞみ"},
    {"あゆみ", "あゆみ"},
    {"めぐみ", "めぐみ"},
    {"なかよし", "なかよし"},
    {"すくすく", "すくすく"},
    {"にこにこ", "にこにこ"},
    {"ぽかぽか", "ぽかぽか"},
    {"ちゅーりっぷ", "ちゅーりっぷ"},
    {"あさがお", "あさがお"},
    {"しいのみ", "しいのみ"},
    {"まつぼっくり", "まつぼっくり"},
    {"こぐま", "こぐま"},
    {"きりん", "きりん"},
    {"ぞうさん", "ぞうさん"},
    {"いるか", "いるか"},
    {"かもめ", "かもめ"},
    {"せせらぎ", "せせらぎ"},
    {"わかくさ", "わかくさ"},
    {"しらかば", "しらかば"},
    {"カトリック", "かとりっく"},
    {"みのり", "みのり"},
    {"ゆりかご", "ゆりかご"},
    {"ふたば", "ふたば"},
    {"あけぼの", "あけぼの"},
    {"ときわ", "ときわ"},
    {"まつかぜ", "まつかぜ"},
    {"かがやき", "かがやき"},
    {"はぐくみ", "はぐくみ"},
    {"すこやか", "すこやか"},
    {"えがお", "えがお"},
};

/* 種別 (the nine values of the standard data set) with weights in per mille. */
enum kind {
	K_PUB_KG,
	K_PRIV_KG,
	K_PUB_NURSERY,
	K_PRIV_NURSERY,
	K_UNLICENSED,
	K_KODOMOEN_JOINT,
	K_KODOMOEN_KG,
	K_KODOMOEN_NURSERY,
	K_KODOMOEN_LOCAL,
	K_N
};
static const char *const kind_name[K_N] = {
    "公立幼稚園",
    "私立幼稚園",
    "認可公立保育所",
    "認可私立保育所",
    "認可外保育所",
    "認定こども園（幼保連携型）",
    "認定こども園（幼稚園型）",
    "認定こども園（保育所型）",
    "認定こども園（地方裁量型）",
};
static const int kind_weight[K_N] = {40, 120, 150, 350, 120, 140, 40, 30, 10};

static const char *const remarks[] = {
    "園庭開放を毎週水曜日の10時から行っています。",
    "未就園児の親子向けに子育てひろばを月2回開いています。",
    "一時預かりは事前の登録が必要です。",
    "最寄り駅から徒歩5分です。",
    "駐車場があります（5台）。",
    "地域の子ども食堂と連携し、月1回園内で食事会を開いています。",
    "パパの参加も歓迎しています。",
    "土曜日も開所しています。",
    "栄養士が離乳食の相談に応じます。",
    "少人数でアットホームな雰囲気の園です。",
    "外国籍の家庭も多く、英語でのやりとりができます。",
    "広い園庭があり、外遊びを大切にしています。",
    "延長保育は19時までです。",
    "障害のあるお子さんの受け入れについてはご相談ください。",
    "育児講座や身体測定の日を設けています。",
    "妊娠中の方の見学も受け付けています。",
    "森の中の自然豊かな環境で、散歩や畑づくりをしています。",
    "給食は自園調理で、アレルギーに対応しています。",
    "見学は電話で予約してください。",
    "近くの公園に毎日お散歩に出かけます。",
    "小学校との交流活動を行っています。",
    "地域の高齢者施設との交流があります。",
};
/* Remarks with an ASCII comma, a double quote or a line break: quoting must hold. The
 * line break inside a cell is a bare LF, as spreadsheet programs write it (rows end in
 * CRLF). A CR inside a value would be rejected as a control character by validation. */
static const char *const tricky_remarks[] = {
    "開放日:月,水,金(祝日を除く)。",
    "愛称は\"こもれびの家\"です。",
    "送迎バスあり。\n詳しくは園にお問い合わせください。",
};

static const char *const weekdays_text[] = {
    "月～金", "月～土", "月火水木金", "平日", "月・水・金", "土日祝除く", "月～土（祝日除く）",
};
static const char *const ages_text[] = {
    "0歳～5歳", "生後57日～就学前", "満3歳以上", "1歳～5歳", "満3歳～5歳", "生後6か月～就学前", "0歳～2歳",
};

/* ---- small helpers ------------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "gen_facilities: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* Bounded concatenation into a fixed buffer; a too-long result is a bug in the tables. */
static void cat(char *dst, size_t cap, const char *a, const char *b, const char *c, const char *d)
{
	int n = snprintf(dst, cap, "%s%s%s%s", a, b ? b : "", c ? c : "", d ? d : "");
	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "gen_facilities: name too long: %s%s...\n", a, b ? b : "");
		exit(1);
	}
}

/* Number of Unicode code points in UTF-8 s. */
static size_t u8len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Copies s into dst converting hiragana (U+3041..U+3096) to katakana (+0x60). */
static void to_katakana(char *dst, size_t cap, const char *s)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && o + 4 < cap) {
		if (p[0] == 0xe3 && (p[1] == 0x81 || p[1] == 0x82)) {
			unsigned cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
			if (cp >= 0x3041 && cp <= 0x3096)
				cp += 0x60;
			dst[o++] = (char)(0xe0 | (cp >> 12));
			dst[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			dst[o++] = (char)(0x80 | (cp & 0x3f));
			p += 3;
		} else {
			dst[o++] = (char)*p++;
		}
	}
	dst[o] = '\0';
}

/* FNV-1a, for the operator-name set. */
static uint64_t fnv(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* ---- municipalities ----------------------------------------------------------------- */

struct muni {
	int pref;
	char code[7];      /* 6 digits with check digit */
	char name[64];     /* 東川市 */
	char kana[96];     /* ひがしかわし */
	char fullname[96]; /* 神奈川県東川市 (地方公共団体名) */
	char tel[8];       /* area code */
	double lat, lon;
	double weight;
	int *orgs; /* operators based here */
	int n_orgs, cap_orgs;
};

static struct muni *munis;
static int n_munis;

/* 全国地方公共団体コード check digit (JIS X 0402). */
static int check_digit(const char five[5])
{
	int sum = 0;
	for (int i = 0; i < 5; i++)
		sum += (five[i] - '0') * (6 - i);
	return (11 - sum % 11) % 10;
}

static void make_munis(void)
{
	int total = 0;
	for (int p = 0; p < 47; p++)
		total += 25 + prefs[p].weight / 2;
	munis = xmalloc(sizeof(*munis) * (size_t)total);
	for (int p = 0; p < 47; p++) {
		int want = 25 + prefs[p].weight / 2;
		int n_city = 0, n_town = 0, first = n_munis;
		for (int k = 0; k < want; k++) {
			struct muni *m = &munis[n_munis];
			memset(m, 0, sizeof(*m));
			m->pref = p;
			int is_city = k < want / 2 + 3 || chance(0.2);
			int is_village = !is_city && chance(0.15);
			const char *suffix = is_city ? "市" : is_village ? "村" : "町";
			const char *suffix_kana = is_city ? "し" : is_village ? "むら" : "まち";
			for (int tries = 0;; tries++) {
				const struct word *h = &city_head[rnd(COUNT(city_head))];
				const struct word *t = &city_tail[rnd(COUNT(city_tail))];
				cat(m->name, sizeof(m->name), h->s, t->s, suffix, NULL);
				int dup = 0;
				for (int j = first; j < n_munis && !dup; j++) {
					char a[64], b[64];
					cat(a, sizeof(a), h->s, t->s, NULL, NULL);
					cat(b, sizeof(b), munis[j].name, NULL, NULL, NULL);
					dup = strncmp(a, b, strlen(a)) == 0;
				}
				if (!dup || tries > 50) {
					cat(m->kana, sizeof(m->kana), h->kana, t->kana, suffix_kana, NULL);
					break;
				}
			}
			cat(m->fullname, sizeof(m->fullname), prefs[p].name, m->name, NULL, NULL);
			int local = is_city ? 201 + n_city++ : 301 + 20 * (n_town / 8) + n_town % 8;
			if (!is_city)
				n_town++;
			char five[6];
			snprintf(five, sizeof(five), "%02d%03d", p + 1, local % 1000);
			snprintf(m->code, sizeof(m->code), "%s%d", five, check_digit(five));
			double sp = prefs[p].spread;
			m->lat = prefs[p].lat + rndn() * sp * 0.6;
			m->lon = prefs[p].lon + rndn() * sp * 0.8;
			if (prefs[p].area_code[0] && (is_city || chance(0.5)))
				snprintf(m->tel, sizeof(m->tel), "%s", prefs[p].area_code);
			else
				snprintf(m->tel, sizeof(m->tel), "0%u", 120 + rnd(870));
			m->weight = (double)prefs[p].weight / want * (is_city ? 3.0 : 0.7) * (0.3 + 1.4 * rndf());
			n_munis++;
		}
	}
}

static int pick_muni(const double *cum)
{
	double x = rndf() * cum[n_munis - 1];
	int lo = 0, hi = n_munis - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- operators (団体名) --------------------------------------------------------------- */

static char **orgs;
static int n_orgs;

static void muni_add_org(struct muni *m, int org)
{
	if (m->n_orgs == m->cap_orgs) {
		m->cap_orgs = m->cap_orgs ? m->cap_orgs * 2 : 8;
		int *p = realloc(m->orgs, sizeof(int) * (size_t)m->cap_orgs);
		if (!p) {
			fprintf(stderr, "gen_facilities: out of memory\n");
			exit(1);
		}
		m->orgs = p;
	}
	m->orgs[m->n_orgs++] = org;
}

static void make_orgs(int want, const double *cum)
{
	size_t cap = 1;
	while (cap < (size_t)want * 2)
		cap *= 2;
	int *set = xmalloc(sizeof(int) * cap);
	for (size_t i = 0; i < cap; i++)
		set[i] = -1;
	orgs = xmalloc(sizeof(char *) * (size_t)want);
	long attempts = 0;
	while (n_orgs < want && attempts++ < (long)want * 50) {
		int mi = pick_muni(cum);
		struct muni *m = &munis[mi];
		const struct word *s = &stems[rnd(COUNT(stems))];
		const struct word *t = &towns[rnd(COUNT(towns))];
		char place[64];
		/* The municipality name without its 市/町/村 suffix. */
		snprintf(place, sizeof(place), "%s", m->name);
		place[strlen(place) - 3] = '\0';
		char name[160];
		switch (rnd(12)) {
		case 0: cat(name, sizeof(name), "社会福祉法人 ", s->s, "会", NULL); break;
		case 1: cat(name, sizeof(name), "社会福祉法人 ", place, s->s, "福祉会"); break;
		case 2: cat(name, sizeof(name), "社会福祉法人 ", place, "保育会", NULL); break;
		case 3: cat(name, sizeof(name), "社会福祉法人 ", s->s, t->s, "会"); break;
		case 4: cat(name, sizeof(name), "学校法人 ", s->s, "学園", NULL); break;
		case 5: cat(name, sizeof(name), "学校法人 ", place, s->s, "学園"); break;
		case 6: cat(name, sizeof(name), "学校法人 ", place, "学院", NULL); break;
		case 7: cat(name, sizeof(name), "株式会社", s->s, "キッズ", NULL); break;
		case 8: cat(name, sizeof(name), "株式会社", place, s->s, NULL); break;
		case 9: cat(name, sizeof(name), "NPO法人 ", place, s->s, NULL); break;
		case 10: cat(name, sizeof(name), "一般社団法人 ", s->s, t->s, NULL); break;
		default: cat(name, sizeof(name), "社会福祉法人 ", place, t->s, s->s); break;
		}
		size_t i = fnv(name) & (cap - 1);
		int found = -1;
		while (set[i] >= 0) {
			if (strcmp(orgs[set[i]], name) == 0) {
				found = set[i];
				break;
			}
			i = (i + 1) & (cap - 1);
		}
		if (found >= 0)
			continue;
		set[i] = n_orgs;
		orgs[n_orgs] = xstrdup(name);
		muni_add_org(m, n_orgs);
		n_orgs++;
	}
	free(set);
}

/* ---- CSV output --------------------------------------------------------------------- */

static FILE *out;

static void field(const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static enum kind pick_kind(void)
{
	int x = (int)rnd(1000);
	for (int k = 0; k < K_N; k++) {
		if (x < kind_weight[k])
			return (enum kind)k;
		x -= kind_weight[k];
	}
	return K_PRIV_NURSERY;
}

static void facility_name(enum kind k, const struct muni *m, const struct word *s, const struct word *t, char *name,
                          size_t ncap, char *kana, size_t kcap)
{
	char place[64], place_kana[96];
	snprintf(place, sizeof(place), "%s", m->name);
	snprintf(place_kana, sizeof(place_kana), "%s", m->kana);
	int v = (int)rnd(4);
	switch (k) {
	case K_PUB_KG:
		cat(name, ncap, place, "立", t->s, "幼稚園");
		cat(kana, kcap, place_kana, "りつ", t->kana, "ようちえん");
		break;
	case K_PUB_NURSERY:
		if (v < 2) {
			cat(name, ncap, place, "立", t->s, "保育所");
			cat(kana, kcap, place_kana, "りつ", t->kana, "ほいくしょ");
		} else {
			cat(name, ncap, t->s, "保育園", NULL, NULL);
			cat(kana, kcap, t->kana, "ほいくえん", NULL, NULL);
		}
		break;
	case K_PRIV_KG:
	case K_KODOMOEN_KG:
		if (v == 0) {
			cat(name, ncap, s->s, t->s, "幼稚園", NULL);
			cat(kana, kcap, s->kana, t->kana, "ようちえん", NULL);
		} else {
			cat(name, ncap, s->s, "幼稚園", NULL, NULL);
			cat(kana, kcap, s->kana, "ようちえん", NULL, NULL);
		}
		break;
	case K_PRIV_NURSERY:
	case K_KODOMOEN_NURSERY: {
		static const struct word sfx[] = {
		    {"保育園", "ほいくえん"},
		    {"第二保育園", "だいにほいくえん"},
		    {"キッズ保育園", "きっずほいくえん"},
		    {"乳児保育園", "にゅうじほいくえん"},
		};
		const struct word *x = &sfx[v];
		if (chance(0.3)) {
			cat(name, ncap, s->s, t->s, x->s, NULL);
			cat(kana, kcap, s->kana, t->kana, x->kana, NULL);
		} else {
			cat(name, ncap, s->s, x->s, NULL, NULL);
			cat(kana, kcap, s->kana, x->kana, NULL, NULL);
		}
		break;
	}
	case K_UNLICENSED: {
		static const struct word sfx[] = {
		    {"キッズルーム", "きっずるーむ"},
		    {"保育室", "ほいくしつ"},
		    {"ひろば保育室", "ひろばほいくしつ"},
		    {"ベビールーム", "べびーるーむ"},
		};
		cat(name, ncap, s->s, sfx[v].s, NULL, NULL);
		cat(kana, kcap, s->kana, sfx[v].kana, NULL, NULL);
		break;
	}
	default: /* the other こども園 */
		if (v < 2) {
			cat(name, ncap, "認定こども園 ", s->s, "こども園", NULL);
			cat(kana, kcap, "にんていこどもえん ", s->kana, "こどもえん", NULL);
		} else {
			cat(name, ncap, s->s, t->s, "こども園", NULL);
			cat(kana, kcap, s->kana, t->kana, "こどもえん", NULL);
		}
		break;
	}
}

static void remark(char *dst, size_t cap, int una)
{
	dst[0] = '\0';
	size_t len = 0;
	int used[COUNT(remarks)] = {0};
	if (una) {
		/* 認可外 places often say so first. */
		snprintf(dst, cap, "%s", "認可外保育施設です。");
		len = u8len(dst);
	}
	for (int tries = 0; tries < 40 && len < 60; tries++) {
		unsigned i = rnd(COUNT(remarks));
		size_t l = u8len(remarks[i]);
		if (used[i] || len + l > 120)
			continue;
		used[i] = 1;
		size_t have = strlen(dst);
		snprintf(dst + have, cap - have, "%s", remarks[i]);
		len += l;
	}
	if (chance(0.02)) {
		const char *t = tricky_remarks[rnd(COUNT(tricky_remarks))];
		if (len + u8len(t) <= 120) {
			size_t have = strlen(dst);
			snprintf(dst + have, cap - have, "%s", t);
		}
	}
}

static void write_csv(long rows, const double *cum)
{
	static const char header[] =
	    "\xEF\xBB\xBF"
	    "全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,住所,方書,緯度,経度,"
	    "電話番号,団体名,収容定員,受入年齢,利用可能曜日,開始時間,終了時間,一時預かりの有無,URL,"
	    "備考\r\n";
	fputs(header, out);
	int *next_id = xmalloc(sizeof(int) * (size_t)n_munis);
	for (int i = 0; i < n_munis; i++)
		next_id[i] = 1;
	char name[256], kana_h[384], kana[384], addr[256], bldg[128], lat[24], lon[24], tel[32];
	char id[16], cap_s[16], open_s[16], close_s[16], url[128], rem[1024];
	for (long r = 0; r < rows; r++) {
		int mi = pick_muni(cum);
		const struct muni *m = &munis[mi];
		enum kind k = pick_kind();
		const struct word *s = &stems[rnd(COUNT(stems))];
		const struct word *t = &towns[rnd(COUNT(towns))];
		int pub = k == K_PUB_KG || k == K_PUB_NURSERY;

		facility_name(k, m, s, t, name, sizeof(name), kana_h, sizeof(kana_h));
		to_katakana(kana, sizeof(kana), kana_h);
		snprintf(id, sizeof(id), "%06d", next_id[mi]++);

		unsigned c1 = 1 + rnd(5), c2 = 1 + rnd(30), c3 = 1 + rnd(25);
		char num[48];
		if (chance(0.6))
			snprintf(num, sizeof(num), "%u丁目%u番%u号", c1, c2, c3);
		else
			snprintf(num, sizeof(num), "%u-%u-%u", c1, c2, c3);
		cat(addr, sizeof(addr), prefs[m->pref].name, m->name, t->s, num);

		bldg[0] = '\0';
		if (k == K_UNLICENSED || chance(0.12)) {
			static const char *const b[] = {"ビル", "マンション", "ハイツ", "駅前ビル", "メゾン"};
			snprintf(bldg, sizeof(bldg), "%s%s%u階", t->s, b[rnd(COUNT(b))], 1 + rnd(4));
			if (chance(0.03)) /* an ASCII comma inside the building line */
				snprintf(bldg + strlen(bldg), sizeof(bldg) - strlen(bldg), ",%u号室", 101 + rnd(5));
		}

		if (chance(0.03)) {
			lat[0] = lon[0] = '\0';
		} else {
			snprintf(lat, sizeof(lat), "%.6f", m->lat + rndn() * 0.02);
			snprintf(lon, sizeof(lon), "%.6f", m->lon + rndn() * 0.025);
		}

		size_t al = strlen(m->tel);
		if (al == 2)
			snprintf(tel, sizeof(tel), "%s-%04u-%04u", m->tel, 1000 + rnd(9000), rnd(10000));
		else if (al == 3)
			snprintf(tel, sizeof(tel), "%s-%03u-%04u", m->tel, 200 + rnd(800), rnd(10000));
		else
			snprintf(tel, sizeof(tel), "%s-%02u-%04u", m->tel, 20 + rnd(80), rnd(10000));

		const char *org;
		if (pub || m->n_orgs == 0)
			org = pub ? m->name : orgs[rnd((unsigned)n_orgs)];
		else
			org = orgs[m->orgs[rnd((unsigned)m->n_orgs)]];

		int capacity;
		const char *ages, *days;
		switch (k) {
		case K_PUB_KG:
		case K_PRIV_KG:
			capacity = 70 + 10 * (int)rnd(29);
			ages = chance(0.7) ? "満3歳以上" : "満3歳～5歳";
			days = chance(0.8) ? "月～金" : "月火水木金";
			snprintf(open_s, sizeof(open_s), "%s", chance(0.8) ? "9:00" : "8:30");
			snprintf(close_s, sizeof(close_s), "%s", chance(0.6) ? "14:00" : "17:00");
			break;
		case K_UNLICENSED:
			capacity = 6 + (int)rnd(25);
			ages = ages_text[rnd(COUNT(ages_text))];
			days = weekdays_text[rnd(COUNT(weekdays_text))];
			snprintf(open_s, sizeof(open_s), "%u:%s", 7 + rnd(2), chance(0.5) ? "00" : "30");
			snprintf(close_s, sizeof(close_s), "%u:00", 18 + rnd(5));
			break;
		default:
			capacity = 30 + 5 * (int)rnd(35);
			ages = chance(0.6) ? ages_text[rnd(3)] : ages_text[rnd(COUNT(ages_text))];
			days = weekdays_text[rnd(COUNT(weekdays_text))];
			snprintf(open_s, sizeof(open_s), chance(0.7) ? "7:%s" : "07:%s", chance(0.5) ? "00" : "30");
			snprintf(close_s, sizeof(close_s), "%s",
			         chance(0.1)   ? "19:00:00"
			         : chance(0.6) ? "19:00"
			                       : "18:30");
			break;
		}
		snprintf(cap_s, sizeof(cap_s), "%d", capacity);
		const char *temp =
		    (k == K_UNLICENSED || k >= K_KODOMOEN_JOINT || chance(0.35)) && chance(0.7) ? "有" : "無";

		url[0] = '\0';
		if (chance(0.45))
			snprintf(url, sizeof(url), "https://www.city-%s.example.jp/kosodate/shisetsu/%s.html", m->code,
			         id);
		else if (chance(0.3))
			snprintf(url, sizeof(url), "https://n%08x.example.jp/", (unsigned)(fnv(org) & 0xffffffffu));

		remark(rem, sizeof(rem), k == K_UNLICENSED);

		field(m->code, 0);
		field(id, 0);
		field(m->fullname, 0);
		field(name, 0);
		field(kana, 0);
		field(kind_name[k], 0);
		field(addr, 0);
		field(bldg, 0);
		field(lat, 0);
		field(lon, 0);
		field(tel, 0);
		field(org, 0);
		field(cap_s, 0);
		field(ages, 0);
		field(days, 0);
		field(open_s, 0);
		field(close_s, 0);
		field(temp, 0);
		field(url, 0);
		field(rem, 1);
	}
	free(next_id);
}

/* ---- query terms -------------------------------------------------------------------- */

static void urlenc(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~')
			fputc(*p, f);
		else if (*p == ' ')
			fputs("+", f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

static void write_queries(int count)
{
	/* What a family or a hub worker types: stems, kinds, a reading in katakana, features. */
	static const char *const texts[] = {
	    "ひまわり",    "さくら 保育園", "こども園",   "一時預かり", "森の",   "ひろば",       "子ども食堂",
	    "幼稚園 園庭", "もみじ",        "ホイクエン", "ヒカリ",     "土曜日", "パパ",         "離乳食 相談",
	    "すくすく",    "駅 徒歩",       "アレルギー", "にじいろ",   "外遊び", "キッズルーム",
	};
	/* Origins near big cities (where most rows are). */
	static const double origins[][2] = {
	    {35.690, 139.700}, {35.450, 139.630}, {34.690, 135.500}, {35.170, 136.900}, {33.590, 130.400},
	    {43.060, 141.350}, {38.270, 140.870}, {34.390, 132.460}, {35.860, 139.650}, {34.690, 135.190},
	};
	static const char *const types[] = {"nursery,kindergarten", "nursery", "kindergarten"};
	for (int i = 0; i < count; i++) {
		const char *q = texts[rnd(COUNT(texts))];
		const double *o = origins[rnd(COUNT(origins))];
		fputs("/api/v1/resources?q=", out);
		urlenc(out, q);
		fprintf(out, "&type=");
		urlenc(out, types[rnd(COUNT(types))]);
		switch (rnd(3)) {
		case 0: fprintf(out, "&age_months=%u", 6 + rnd(55)); break;
		case 1: fprintf(out, "&day=%u", 1 + rnd(6)); break;
		default: fprintf(out, "&radius_km=%u", 5 + 5 * rnd(6)); break;
		}
		fprintf(out, "&near=%.4f%%2C%.4f&sort=distance&limit=20\n", o[0] + rndn() * 0.03, o[1] + rndn() * 0.03);
	}
}

/* ---- main --------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: gen_facilities [-n ROWS] [-s SEED] [-o FILE]\n"
	                "       gen_facilities --query-terms [-q COUNT] [-s SEED] [-o FILE]\n");
	exit(2);
}

static long arg_num(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	long rows = 100000, seed = 20261122, queries = 32;
	const char *path = NULL;
	int query_mode = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--query-terms") == 0)
			query_mode = 1;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			rows = arg_num(argv[++i]);
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			seed = arg_num(argv[++i]);
		else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc)
			queries = arg_num(argv[++i]);
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			path = argv[++i];
		else
			usage();
	}
	out = stdout;
	if (path && !(out = fopen(path, "wb"))) {
		fprintf(stderr, "gen_facilities: %s: %s\n", path, strerror(errno));
		return 1;
	}
	static char obuf[1 << 16];
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	rng_state = (uint64_t)seed;

	if (query_mode) {
		write_queries((int)queries);
	} else {
		make_munis();
		double *cum = xmalloc(sizeof(double) * (size_t)n_munis);
		double acc = 0;
		for (int i = 0; i < n_munis; i++)
			cum[i] = (acc += munis[i].weight);
		/* ~20,000 operators at 100k rows; public facilities add their municipality. */
		int want = (int)(rows * 0.185) + 10;
		make_orgs(want, cum);
		write_csv(rows, cum);
		free(cum);
	}
	if (fflush(out) != 0 || (path && fclose(out) != 0)) {
		fprintf(stderr, "gen_facilities: write failed: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
