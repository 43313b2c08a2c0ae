/*
 * jp_facilities.c - map a decoded 子育て施設一覧 CSV onto import rows.
 *
 * Column lookup is by header name (trimmed); the first matching header
 * wins, unknown headers are ignored. Required columns: an identifying
 * code column (全国地方公共団体コード or 都道府県コード又は市区町村コード), an id
 * column (ID or NO), 名称, 名称_カナ, 住所. Required values: the code (2-6
 * digits), the id, 名称.
 *
 * Policy for free text that cannot be understood:
 *  - 利用可能曜日 / 開始時間 / 終了時間: the text is kept in schedule_note (the
 *    field exists for free text) and no weekly hours are made; a row is
 *    not rejected for it.
 *  - 種別 unknown: row error unless a default type was configured.
 *  - 受入年齢, 収容定員, 緯度/経度, 一時預かりの有無: row error naming the column.
 *
 * Invariant: every string stored in a row is an arena copy; the CSV slices
 * are never kept (they die with the next record).
 */
#include "io/jp_facilities.h"

#include <stdlib.h>
#include <string.h>

#include "core/jpparse.h"
#include "io/csv.h"
#include "io/export.h"

enum col {
	C_CODE,
	C_ID,
	C_PREF,
	C_MUNI,
	C_LGNAME,
	C_NAME,
	C_KANA,
	C_KIND,
	C_ADDR,
	C_BUILDING,
	C_LAT,
	C_LON,
	C_ACCESS,
	C_PARKING,
	C_PHONE,
	C_ORG,
	C_CAPACITY,
	C_AGES,
	C_DAYS,
	C_OPEN,
	C_CLOSE,
	C_DAYNOTE,
	C_ICHIJI,
	C_URL,
	C_NOTE,
	C_UUID,
	C_TTYPE,
	C_TSERVICES,
	C_TACCESS,
	C_THOURS,
	C_FRONT,
	C_TPUBLIC,
	C_TCONF,
	C_COUNT
};

/* header names per column; alternates separated in the same entry */
static const char *const col_names[C_COUNT][3] = {
    [C_CODE] = {"全国地方公共団体コード", "都道府県コード又は市区町村コード", "市区町村コード"},
    [C_ID] = {"ID", "NO", "No"},
    [C_PREF] = {"都道府県名", NULL, NULL},
    [C_MUNI] = {"市区町村名", NULL, NULL},
    [C_LGNAME] = {"地方公共団体名", NULL, NULL},
    [C_NAME] = {"名称", NULL, NULL},
    [C_KANA] = {"名称_カナ", "名称カナ", NULL},
    [C_KIND] = {"種別", NULL, NULL},
    [C_ADDR] = {"住所", "所在地_連結表記", NULL},
    [C_BUILDING] = {"方書", NULL, NULL},
    [C_LAT] = {"緯度", NULL, NULL},
    [C_LON] = {"経度", NULL, NULL},
    [C_ACCESS] = {"アクセス方法", NULL, NULL},
    [C_PARKING] = {"駐車場情報", NULL, NULL},
    [C_PHONE] = {"電話番号", NULL, NULL},
    [C_ORG] = {"団体名", NULL, NULL},
    [C_CAPACITY] = {"収容定員", NULL, NULL},
    [C_AGES] = {"受入年齢", NULL, NULL},
    [C_DAYS] = {"利用可能曜日", NULL, NULL},
    [C_OPEN] = {"開始時間", NULL, NULL},
    [C_CLOSE] = {"終了時間", NULL, NULL},
    [C_DAYNOTE] = {"利用可能日時特記事項", NULL, NULL},
    [C_ICHIJI] = {"一時預かりの有無", NULL, NULL},
    [C_URL] = {"URL", NULL, NULL},
    [C_NOTE] = {"備考", NULL, NULL},
    /* tsunagu's own export: what the standard columns cannot say */
    [C_UUID] = {"tsunagu_uuid", NULL, NULL},
    [C_TTYPE] = {"tsunagu_type", NULL, NULL},
    [C_TSERVICES] = {"tsunagu_services", NULL, NULL},
    [C_TACCESS] = {"tsunagu_access", NULL, NULL},
    [C_THOURS] = {"tsunagu_hours", NULL, NULL},
    [C_FRONT] = {"窓口", NULL, NULL},
    [C_TPUBLIC] = {"tsunagu_public", NULL, NULL},
    [C_TCONF] = {"tsunagu_confidential", NULL, NULL},
};

static const enum col required_cols[] = {C_CODE, C_ID, C_NAME, C_KANA, C_ADDR};

const char *tg_jpf_type_code(const char *kind, size_t len)
{
	static const struct {
		const char *needle, *code;
	} map[] = {
	    /* order matters: 認定こども園（幼稚園型） is a こども園 */
	    {"こども園", "nursery"},          {"保育", "nursery"},
	    {"幼稚園", "kindergarten"},       {"子育て支援拠点", "hub"},
	    {"つどいの広場", "tsudoi"},       {"子ども食堂", "kodomo_shokudo"},
	    {"こども食堂", "kodomo_shokudo"}, {"学習支援", "study_support"},
	    {"相談", "consultation"},         {"サロン", "salon"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t n = strlen(map[i].needle);
		for (size_t k = 0; k + n <= len; k++)
			if (memcmp(kind + k, map[i].needle, n) == 0)
				return map[i].code;
	}
	return NULL;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

void tg_jpf_split_municipality(const char *name, struct tg_arena *a, const char **prefecture, const char **city,
                               const char **ward)
{
	*prefecture = *city = *ward = NULL;
	if (!name || !*name)
		return;
	size_t n = strlen(name), p = 0;
	/* prefecture: 北海道, 東京都, 京都府, 大阪府, or 2-3 kanji + 県 (3 bytes each) */
	static const char *const fixed[] = {"北海道", "東京都", "京都府", "大阪府"};
	for (size_t i = 0; i < 4 && !p; i++)
		if (strncmp(name, fixed[i], strlen(fixed[i])) == 0)
			p = strlen(fixed[i]);
	for (size_t at = 6; at <= 9 && !p; at += 3)
		if (n >= at + 3 && memcmp(name + at, "県", 3) == 0)
			p = at + 3;
	if (p >= n) { /* only a prefecture */
		*prefecture = tg_arena_strndup(a, name, n);
		return;
	}
	if (p)
		*prefecture = tg_arena_strndup(a, name, p);
	const char *m = name + p;
	size_t mn = n - p;
	/* designated city with a ward: the last 市 before a trailing ...区 */
	if (ends_with(m, mn, "区")) {
		for (size_t k = mn - 3; k >= 3; k -= 3) {
			if (memcmp(m + k - 3, "市", 3) == 0 && k < mn - 3) {
				*city = tg_arena_strndup(a, m, k);
				*ward = tg_arena_strndup(a, m + k, mn - k);
				return;
			}
			if (k < 6)
				break;
		}
	}
	*city = tg_arena_strndup(a, m, mn);
}

/* ---- batch helpers (declared in import.h, shared with hsds.c) ---- */

void tg_import_batch_init(struct tg_import_batch *b, struct tg_arena *a)
{
	memset(b, 0, sizeof(*b));
	b->arena = a;
}

void tg_import_batch_release(struct tg_import_batch *b)
{
	free(b->rows);
	free(b->errors);
	b->rows = NULL;
	b->errors = NULL;
	b->n_rows = b->alloc_rows = b->n_errors = b->alloc_errors = 0;
}

struct tg_import_row *tg_import_batch_add_row(struct tg_import_batch *b, size_t line)
{
	if (b->n_rows == b->alloc_rows) {
		b->alloc_rows = b->alloc_rows ? b->alloc_rows * 2 : 64;
		b->rows = tg_xrealloc(b->rows, b->alloc_rows * sizeof(*b->rows));
	}
	struct tg_import_row *r = &b->rows[b->n_rows++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->res.capacity = -1;
	r->res.age_min_months = -1;
	r->res.age_max_months = -1;
	r->res.fee_free = TG_FEE_UNKNOWN; /* neither format says whether a place charges */
	r->res.version = 1;
	b->n_input++;
	return r;
}

void tg_import_batch_error(struct tg_import_batch *b, size_t line, const char *column, const char *message)
{
	if (b->n_errors >= TG_IMPORT_MAX_ERRORS)
		return;
	if (b->n_errors == b->alloc_errors) {
		b->alloc_errors = b->alloc_errors ? b->alloc_errors * 2 : 16;
		b->errors = tg_xrealloc(b->errors, b->alloc_errors * sizeof(*b->errors));
	}
	struct tg_import_error *e = &b->errors[b->n_errors++];
	e->line = line;
	e->column = tg_arena_strdup(b->arena, column ? column : "");
	e->message = tg_arena_strdup(b->arena, message);
}

void tg_import_batch_reject_last(struct tg_import_batch *b)
{
	if (b->n_rows) {
		b->n_rows--;
		b->n_rejected++;
	}
}

/* ---- one row ---- */

struct rowctx {
	struct tg_import_batch *b;
	const struct tg_csv_reader *csv;
	const int *idx; /* column -> field index or -1 */
	size_t line;
	int errors;
	int ours; /* a tsunagu export (it has the tsunagu_uuid column): see get() */
};

/* The trimmed slice of column c; returns 0 when absent or empty. */
static int get(const struct rowctx *x, enum col c, const char **p, size_t *n)
{
	int i = x->idx[c];
	if (i < 0 || (size_t)i >= x->csv->n_fields)
		return 0;
	const char *s = x->csv->fields[i].p;
	size_t len = x->csv->fields[i].len;
	while (len && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	/* a full-width space alone counts as empty too */
	while (len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
		s += 3;
		len -= 3;
	}
	/* in a tsunagu export, the apostrophe it puts before text a spreadsheet
	 * would read as a formula ('=…, '+81…) is taken off again; other files
	 * keep their text as it is */
	if (x->ours && len > 1 && s[0] == '\'' && tg_export_csv_formula_start(s + 1)) {
		s++;
		len--;
	}
	*p = s;
	*n = len;
	return len > 0;
}

static const char *str(struct rowctx *x, enum col c)
{
	const char *p;
	size_t n;
	return get(x, c, &p, &n) ? tg_arena_strndup(x->b->arena, p, n) : NULL;
}

static void row_error(struct rowctx *x, enum col c, const char *msg, const char *p, size_t n)
{
	const char *m = msg;
	if (p) {
		/* the value goes into both halves of "日本語 (English)", so that
		 * a reader of either language sees it and the halves stay apart */
		int vn = (int)(n > 200 ? 200 : n);
		const char *en = strstr(msg, " (");
		size_t ml = strlen(msg);
		if (en && ml > 2 && msg[ml - 1] == ')')
			m = tg_arena_printf(x->b->arena, "%.*s: 「%.*s」 (%.*s: \"%.*s\")", (int)(en - msg), msg, vn, p,
			                    (int)(ml - (size_t)(en - msg) - 3), en + 2, vn, p);
		else
			m = tg_arena_printf(x->b->arena, "%s: 「%.*s」", msg, vn, p);
	}
	tg_import_batch_error(x->b, x->line, col_names[c][0], m);
	x->errors++;
}

static int parse_double(struct tg_arena *a, const char *p, size_t n, double lo, double hi, double *out)
{
	char buf[64];
	size_t k = tg_jp_fold(p, n > 63 ? 63 : n, buf);
	if (n > 63)
		return -1;
	buf[k] = '\0';
	(void)a;
	char *end;
	double v = strtod(buf, &end);
	if (end == buf || *end != '\0' || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

static int parse_count(const char *p, size_t n, int *out)
{
	char buf[64];
	if (n > 60)
		return -1;
	size_t k = tg_jp_fold(p, n, buf);
	size_t i = 0;
	long v = 0;
	while (i < k && buf[i] >= '0' && buf[i] <= '9' && v < 1000000)
		v = v * 10 + (buf[i++] - '0');
	if (i == 0 || v >= 1000000)
		return -1;
	while (i < k && buf[i] == ' ')
		i++;
	if (i < k && !(k - i == 3 && (memcmp(buf + i, "名", 3) == 0 || memcmp(buf + i, "人", 3) == 0)))
		return -1;
	*out = (int)v;
	return 0;
}

static int digits_only(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* Append "label: text" to *note (arena), separated by a newline. */
static void note_add(struct tg_arena *a, const char **note, const char *label, const char *p, size_t n)
{
	if (*note)
		*note = tg_arena_printf(a, "%s\n%s: %.*s", *note, label, (int)n, p);
	else
		*note = tg_arena_printf(a, "%s: %.*s", label, (int)n, p);
}

/* Space-separated codes of column c into *v (arena). */
static size_t codes_of(struct rowctx *x, enum col c, const char ***v)
{
	const char *p;
	size_t n, k = 0;
	*v = NULL;
	if (!get(x, c, &p, &n))
		return 0;
	*v = TG_ARENA_ARRAY(x->b->arena, const char *, n / 2 + 1);
	for (size_t i = 0; i < n;) {
		while (i < n && p[i] == ' ')
			i++;
		size_t j = i;
		while (j < n && p[j] != ' ')
			j++;
		if (j > i)
			(*v)[k++] = tg_arena_strndup(x->b->arena, p + i, j - i);
		i = j;
	}
	return k;
}

/* A tsunagu export's own columns, where present, say exactly what the
 * standard ones only approximate: the service and access codes and every
 * weekly interval (the type code is read with 種別, above) ("1:09:30-12:00 3:13:00-16:00"; the
 * standard 利用可能曜日/開始時間/終了時間 hold one time for all days), so
 * that exporting and importing again changes nothing. */
static void ours_columns(struct rowctx *x, struct tg_resource *r)
{
	struct tg_arena *a = x->b->arena;
	const char *p;
	size_t n;
	if (x->idx[C_TSERVICES] >= 0)
		r->n_services = codes_of(x, C_TSERVICES, &r->services);
	if (x->idx[C_TACCESS] >= 0)
		r->n_access = codes_of(x, C_TACCESS, &r->access);
	if (x->idx[C_THOURS] < 0)
		return;
	r->hours = NULL;
	r->n_hours = 0;
	if (get(x, C_DAYNOTE, &p, &n)) /* the note alone, without the standard columns' text */
		r->schedule_note = tg_arena_strndup(a, p, n);
	else
		r->schedule_note = NULL;
	if (!get(x, C_THOURS, &p, &n))
		return;
	char *t = tg_arena_strndup(a, p, n);
	r->hours = TG_ARENA_ARRAY(a, struct tg_hours, n / 12 + 1);
	char *save = NULL;
	for (char *tok = strtok_r(t, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int w, oh, om, ch, cm, used = 0;
		if (sscanf(tok, "%d:%d:%d-%d:%d%n", &w, &oh, &om, &ch, &cm, &used) != 5 || tok[used] || w < 0 ||
		    w > 7 || oh < 0 || oh > 24 || om < 0 || om > 59 || ch < 0 || ch > 24 || cm < 0 || cm > 59) {
			row_error(x, C_THOURS, "tsunagu_hours が読めません (cannot read tsunagu_hours)", p, n);
			return;
		}
		r->hours[r->n_hours++] = (struct tg_hours){w, oh * 60 + om, ch * 60 + cm};
	}
}

/* "1" / "0" of a tsunagu column into *out; absent or empty: unchanged. */
static void ours_flag(struct rowctx *x, enum col c, int *out)
{
	const char *p;
	size_t n;
	if (!get(x, c, &p, &n))
		return;
	if (n == 1 && (*p == '0' || *p == '1'))
		*out = *p == '1';
	else
		row_error(x, c, "1 か 0 にしてください (must be 1 or 0)", p, n);
}

/* A tsunagu export says whether each place is public and whether its
 * location is confidential (with its 窓口, the front door). A place it
 * creates is public only when both the file and the import say so, and
 * confidential when the file says so: a staff-only place stays off the
 * public page of the tsunagu it is imported into, and a shelter stays
 * hidden. An update keeps the stored ones (import.c keep_unowned). */
static void ours_visibility(struct rowctx *x, struct tg_resource *r)
{
	int pub = 1, conf = 0;
	ours_flag(x, C_TPUBLIC, &pub);
	ours_flag(x, C_TCONF, &conf);
	r->is_public = r->is_public && pub;
	r->is_confidential = conf;
	r->front_door = str(x, C_FRONT);
}

static void map_row(struct rowctx *x, const struct tg_jpf_options *o)
{
	struct tg_arena *a = x->b->arena;
	struct tg_import_row *row = tg_import_batch_add_row(x->b, x->line);
	struct tg_resource *r = &row->res;
	const char *p;
	size_t n;

	/* identity; a row of tsunagu's own export without one (a place entered
	 * by hand, or from HSDS) is matched by its tsunagu_uuid instead */
	const char *code = NULL;
	if (x->ours && !get(x, C_CODE, &p, &n) && get(x, C_UUID, &p, &n)) {
		row->match_uuid = tg_arena_strndup(a, p, n);
		r->source = "tsunagu";
		r->source_id = row->match_uuid;
	} else if (!get(x, C_CODE, &p, &n))
		row_error(x, C_CODE, "地方公共団体コードは必須です (municipality code is required)", NULL, 0);
	else if (n < 2 || n > 6 || !digits_only(p, n))
		row_error(x, C_CODE, "地方公共団体コードは2～6桁の数字です (code must be 2-6 digits)", p, n);
	else
		code = tg_arena_strndup(a, p, n);
	if (row->match_uuid)
		; /* the tsunagu id in ID is not an open-data identity */
	else if (!get(x, C_ID, &p, &n))
		row_error(x, C_ID, "ID/NOは必須です (ID/NO is required)", NULL, 0);
	else
		r->source_id = tg_arena_strndup(a, p, n);
	if (code)
		r->source = tg_arena_printf(a, "jp-facilities:%s", code);

	r->name = str(x, C_NAME);
	if (!r->name)
		row_error(x, C_NAME, "名称は必須です (name is required)", NULL, 0);
	r->name_kana = str(x, C_KANA);

	/* type: a tsunagu export names its code (custom types have no 種別) */
	if (x->ours && get(x, C_TTYPE, &p, &n)) {
		r->type_code = tg_arena_strndup(a, p, n);
	} else if (get(x, C_KIND, &p, &n)) {
		r->type_code = tg_jpf_type_code(p, n);
		if (!r->type_code && o->default_type)
			r->type_code = o->default_type;
		if (!r->type_code)
			row_error(x, C_KIND, "種別が不明です (unknown facility type)", p, n);
	} else if (o->default_type) {
		r->type_code = o->default_type;
	} else {
		row_error(x, C_KIND, "種別は必須です (type is required)", NULL, 0);
	}

	/* areas and address */
	const char *pref = str(x, C_PREF), *muni = str(x, C_MUNI), *lg = str(x, C_LGNAME);
	const char *sp, *sc, *sw;
	const char *whole = muni ? muni : lg;
	tg_jpf_split_municipality(whole, a, &sp, &sc, &sw);
	r->prefecture = pref ? pref : sp;
	if (sc)
		r->city = sw ? tg_arena_printf(a, "%s%s", sc, sw) : sc;
	row->area_city = sc;
	row->area_ward = sw;
	if (get(x, C_ADDR, &p, &n)) {
		/* drop a leading prefecture and municipality already held apart */
		if (r->prefecture && n > strlen(r->prefecture) &&
		    memcmp(p, r->prefecture, strlen(r->prefecture)) == 0) {
			p += strlen(r->prefecture);
			n -= strlen(r->prefecture);
		}
		if (r->city && n > strlen(r->city) && memcmp(p, r->city, strlen(r->city)) == 0) {
			p += strlen(r->city);
			n -= strlen(r->city);
		}
		r->address_line = tg_arena_strndup(a, p, n);
	}
	r->building = str(x, C_BUILDING);

	/* coordinates: both or neither */
	const char *lp, *op;
	size_t ln, on;
	int has_lat = get(x, C_LAT, &lp, &ln), has_lon = get(x, C_LON, &op, &on);
	if (has_lat || has_lon) {
		int ok = 1;
		if (!has_lat || parse_double(a, lp, ln, -90, 90, &r->lat)) {
			row_error(x, C_LAT, "緯度が不正です (invalid latitude)", has_lat ? lp : NULL, ln);
			ok = 0;
		}
		if (!has_lon || parse_double(a, op, on, -180, 180, &r->lon)) {
			row_error(x, C_LON, "経度が不正です (invalid longitude)", has_lon ? op : NULL, on);
			ok = 0;
		}
		r->has_geo = ok;
	}

	r->phone = str(x, C_PHONE);
	r->url = str(x, C_URL);
	row->org_name = str(x, C_ORG);
	r->description = str(x, C_NOTE);

	if (get(x, C_CAPACITY, &p, &n) && parse_count(p, n, &r->capacity))
		row_error(x, C_CAPACITY, "収容定員は数値で指定してください (capacity must be a number)", p, n);
	if (get(x, C_AGES, &p, &n) && tg_jp_parse_ages(p, n, &r->age_min_months, &r->age_max_months) != 0)
		row_error(x, C_AGES, "受入年齢を解釈できません (cannot parse ages)", p, n);

	/* access notes and parking */
	const char *acc = NULL;
	if (get(x, C_ACCESS, &p, &n))
		acc = tg_arena_strndup(a, p, n);
	int yes = 0;
	if (get(x, C_PARKING, &p, &n)) {
		if (tg_jp_parse_yesno(p, n, &yes) == 0) {
			if (yes) {
				r->access = TG_ARENA_ARRAY(a, const char *, 1);
				r->access[r->n_access++] = "parking";
			}
		} else {
			note_add(a, &acc, "駐車場", p, n);
		}
	}
	r->accessibility_notes = acc;

	if (get(x, C_ICHIJI, &p, &n)) {
		if (tg_jp_parse_yesno(p, n, &yes) != 0)
			row_error(x, C_ICHIJI, "一時預かりの有無は「有」か「無」です (must be 有 or 無)", p, n);
		else if (yes) {
			r->services = TG_ARENA_ARRAY(a, const char *, 1);
			r->services[r->n_services++] = "ichiji";
		}
	}

	/* weekly hours */
	const char *note = NULL;
	const char *dp, *tp1, *tp2;
	size_t dn, tn1, tn2;
	int has_d = get(x, C_DAYS, &dp, &dn), has_o = get(x, C_OPEN, &tp1, &tn1), has_c = get(x, C_CLOSE, &tp2, &tn2);
	unsigned mask = 0;
	int open = 0, close = 0;
	int ok = has_d && has_o && has_c && tg_jp_parse_weekdays(dp, dn, &mask) == 0 &&
	         tg_jp_parse_time(tp1, tn1, &open) == 0 && tg_jp_parse_time(tp2, tn2, &close) == 0 && open < close;
	if (ok) {
		r->hours = TG_ARENA_ARRAY(a, struct tg_hours, 8);
		for (int d = 0; d <= 7; d++)
			if (mask & (1u << d)) {
				r->hours[r->n_hours].weekday = d;
				r->hours[r->n_hours].open_min = open;
				r->hours[r->n_hours].close_min = close;
				r->n_hours++;
			}
	} else {
		if (has_d)
			note_add(a, &note, "利用可能曜日", dp, dn);
		if (has_o || has_c)
			note = tg_arena_printf(a, "%s%s%.*s～%.*s", note ? note : "", note ? "\n" : "",
			                       has_o ? (int)tn1 : 0, has_o ? tp1 : "", has_c ? (int)tn2 : 0,
			                       has_c ? tp2 : "");
	}
	if (get(x, C_DAYNOTE, &p, &n))
		note = note ? tg_arena_printf(a, "%.*s\n%s", (int)n, p, note) : tg_arena_strndup(a, p, n);
	r->schedule_note = note;
	if (x->ours)
		ours_columns(x, r);

	r->is_public = o->make_public;
	if (x->ours)
		ours_visibility(x, r);
	if (x->errors)
		tg_import_batch_reject_last(x->b);
}

static int header_match(const struct tg_csv_field *f, const char *name)
{
	const char *p = f->p;
	size_t n = f->len;
	while (n && (p[0] == ' ' || p[0] == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == strlen(name) && memcmp(p, name, n) == 0;
}

enum tg_rc tg_jpf_parse(const char *utf8, size_t len, const struct tg_jpf_options *o, struct tg_import_batch *b)
{
	enum tg_rc rc = TG_OK;
	struct tg_csv_reader csv;
	int idx[C_COUNT];
	int got;

	tg_csv_reader_init(&csv, utf8, len);
	got = tg_csv_next(&csv);
	if (got <= 0) {
		rc = got < 0 ? csv.rc : TG_ERR_INVALID;
		tg_import_batch_error(b, got < 0 ? csv.err_line : 1, "",
		                      got < 0 ? csv.err : "見出し行がありません (no header row)");
		b->fatal = 1;
		goto out;
	}
	for (int c = 0; c < C_COUNT; c++) {
		idx[c] = -1;
		for (size_t i = 0; i < csv.n_fields && idx[c] < 0; i++)
			for (int k = 0; k < 3 && col_names[c][k]; k++)
				if (header_match(&csv.fields[i], col_names[c][k])) {
					idx[c] = (int)i;
					break;
				}
	}
	for (size_t i = 0; i < sizeof(required_cols) / sizeof(required_cols[0]); i++) {
		enum col c = required_cols[i];
		if (idx[c] < 0) {
			char msg[256];
			snprintf(msg, sizeof(msg), "必須の列「%s」がありません (required column %s is missing)",
			         col_names[c][0], col_names[c][0]);
			tg_import_batch_error(b, csv.record_line, col_names[c][0], msg);
			b->fatal = 1;
			rc = TG_ERR_INVALID;
		}
	}
	if (rc)
		goto out;

	struct rowctx x = {b, &csv, idx, 0, 0, 0};
	for (size_t i = 0; i < csv.n_fields; i++)
		x.ours |= header_match(&csv.fields[i], "tsunagu_uuid");
	b->tsunagu_export = x.ours;
	while ((got = tg_csv_next(&csv)) == 1) {
		x.line = csv.record_line;
		x.errors = 0;
		map_row(&x, o);
	}
	if (got < 0) {
		tg_import_batch_error(b, csv.err_line, "", csv.err);
		b->fatal = 1;
		rc = csv.rc;
	}
out:
	tg_csv_reader_release(&csv);
	return rc;
}
