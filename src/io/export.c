/*
 * export.c - resources -> CSV in the newer jp-facilities layout (see export.h).
 *
 * Columns: the 自治体標準オープンデータセット names the importer reads
 * (全国地方公共団体コード, ID, 地方公共団体名, 名称, 名称_カナ, 種別, 住所, 方書, 緯度,
 * 経度, 電話番号, 団体名, 収容定員, 受入年齢, 利用可能曜日, 開始時間, 終了時間,
 * 利用可能日時特記事項, 一時預かりの有無, URL, 備考) followed by tsunagu columns
 * (tsunagu_uuid, tsunagu_type, tsunagu_services, tsunagu_access, tsunagu_hours,
 * 窓口). 利用可能曜日/開始時間/終了時間 are filled only when every weekly
 * interval has the same times; tsunagu_hours always carries the full
 * schedule as "weekday:HH:MM-HH:MM" separated by spaces.
 *
 * Invariant: every field goes through tg_csv_write_field, so commas, quotes
 * and line breaks in data are quoted; a hidden row never contains the
 * address (nor its city), coordinates or phone.
 *
 * Spreadsheets (Excel, LibreOffice) read a cell that starts with = + - @, a
 * tab or a carriage return as a formula, which can compute with, or send
 * away, the other cells of the file (CSV injection, CWE-1236). Every cell
 * that starts so (all but the coordinates) gets a leading apostrophe
 * (OWASP's advice), which the spreadsheet shows as text; tsunagu's importer
 * takes it off again in a file that has the tsunagu_uuid column
 * (jp_facilities.c), so an exported file imports as it was, and leaves
 * other files' text alone.
 */
#include "io/export.h"

#include <stdio.h>
#include <string.h>

#include "io/csv.h"
#include "util/mem.h"

enum { N_COLS = 29 };

static const char *const header[N_COLS] = {
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "種別",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "団体名",
    "収容定員",
    "受入年齢",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "一時預かりの有無",
    "URL",
    "備考",
    "tsunagu_uuid",
    "tsunagu_type",
    "tsunagu_services",
    "tsunagu_access",
    "tsunagu_hours",
    "窓口",
    "tsunagu_public",
    "tsunagu_confidential",
};

enum tg_rc tg_export_csv_begin(struct tg_buf *out)
{
	enum tg_rc rc = tg_buf_add(out, "\xEF\xBB\xBF", 3);
	if (!rc)
		rc = tg_csv_write_row(out, header, N_COLS);
	return rc;
}

/* A 種別 text that tg_jpf_type_code maps back to the same code. */
static const char *kind_ja(const char *code)
{
	static const char *const map[][2] = {
	    {"nursery", "保育所"},
	    {"kindergarten", "幼稚園"},
	    {"hub", "地域子育て支援拠点"},
	    {"tsudoi", "親と子のつどいの広場"},
	    {"kodomo_shokudo", "子ども食堂"},
	    {"study_support", "学習支援"},
	    {"consultation", "相談窓口"},
	    {"salon", "子育てサロン"},
	};
	for (size_t i = 0; code && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(code, map[i][0]) == 0)
			return map[i][1];
	return code;
}

static const char *const wd[8] = {"日", "月", "火", "水", "木", "金", "土", "祝"};

static void join_codes(char *dst, size_t cap, const char **v, size_t n)
{
	size_t len = 0;
	dst[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(dst + len, cap - len, "%s%s", i ? " " : "", v[i]);
		if (w < 0 || (size_t)w >= cap - len)
			break;
		len += (size_t)w;
	}
}

int tg_export_csv_formula_start(const char *s)
{
	return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
}

static enum tg_rc row(struct tg_buf *out, const struct tg_resource *r, int hidden)
{
	char code[16] = "", id[128] = "", lat[32] = "", lon[32] = "", cap[16] = "", ages[64] = "";
	char days[64] = "", open[8] = "", close[8] = "", svc[1024], acc[1024], hours[1024] = "";
	const char *f[N_COLS] = {0};
	int uniform = r->n_hours > 0;

	if (r->source && strncmp(r->source, "jp-facilities:", 14) == 0) {
		snprintf(code, sizeof(code), "%s", r->source + 14);
		snprintf(id, sizeof(id), "%s", r->source_id ? r->source_id : "");
	} else {
		snprintf(id, sizeof(id), "%lld", (long long)r->id);
	}
	if (r->has_geo && !hidden) {
		snprintf(lat, sizeof(lat), "%.7f", r->lat);
		snprintf(lon, sizeof(lon), "%.7f", r->lon);
	}
	if (r->capacity >= 0)
		snprintf(cap, sizeof(cap), "%d", r->capacity);
	if (r->age_min_months >= 0 || r->age_max_months >= 0) {
		char lo[24] = "", hi[24] = "";
		if (r->age_min_months >= 0)
			snprintf(lo, sizeof(lo), r->age_min_months % 12 ? "%dか月" : "%d歳",
			         r->age_min_months % 12 ? r->age_min_months : r->age_min_months / 12);
		if (r->age_max_months >= 0)
			snprintf(hi, sizeof(hi), r->age_max_months % 12 == 11 ? "%d歳" : "%dか月",
			         r->age_max_months % 12 == 11 ? r->age_max_months / 12 : r->age_max_months);
		snprintf(ages, sizeof(ages), "%s～%s", lo, hi);
		if (!*hi)
			snprintf(ages, sizeof(ages), "%s以上", lo);
		else if (!*lo)
			snprintf(ages, sizeof(ages), "%s以下", hi);
	}
	size_t dl = 0, hl = 0;
	for (size_t i = 0; i < r->n_hours; i++) {
		const struct tg_hours *h = &r->hours[i];
		if (h->open_min != r->hours[0].open_min || h->close_min != r->hours[0].close_min)
			uniform = 0;
		if (h->weekday >= 0 && h->weekday <= 7 && !strstr(days, wd[h->weekday])) {
			int w = snprintf(days + dl, sizeof(days) - dl, "%s%s", dl ? "・" : "", wd[h->weekday]);
			if (w > 0 && (size_t)w < sizeof(days) - dl)
				dl += (size_t)w;
		}
		int w = snprintf(hours + hl, sizeof(hours) - hl, "%s%d:%02d:%02d-%02d:%02d", hl ? " " : "", h->weekday,
		                 h->open_min / 60, h->open_min % 60, h->close_min / 60, h->close_min % 60);
		if (w > 0 && (size_t)w < sizeof(hours) - hl)
			hl += (size_t)w;
	}
	if (uniform) {
		snprintf(open, sizeof(open), "%02d:%02d", r->hours[0].open_min / 60 % 100, r->hours[0].open_min % 60);
		snprintf(close, sizeof(close), "%02d:%02d", r->hours[0].close_min / 60 % 100,
		         r->hours[0].close_min % 60);
	}
	join_codes(svc, sizeof(svc), r->services, r->n_services);
	join_codes(acc, sizeof(acc), r->access, r->n_access);
	int ichiji = 0;
	for (size_t i = 0; i < r->n_services; i++)
		if (strcmp(r->services[i], "ichiji") == 0)
			ichiji = 1;

	f[0] = code;
	f[1] = id;
	f[2] = hidden ? NULL : r->city;
	f[3] = r->name;
	f[4] = r->name_kana;
	f[5] = kind_ja(r->type_code);
	f[6] = hidden ? NULL : r->address_line;
	f[7] = hidden ? NULL : r->building;
	f[8] = lat;
	f[9] = lon;
	f[10] = hidden ? NULL : r->phone;
	f[11] = r->org_name;
	f[12] = cap;
	f[13] = ages;
	f[14] = uniform ? days : NULL;
	f[15] = open;
	f[16] = close;
	f[17] = r->schedule_note;
	f[18] = ichiji ? "有" : "無";
	f[19] = r->url;
	f[20] = r->description;
	f[21] = r->uuid;
	f[22] = r->type_code;
	f[23] = svc;
	f[24] = acc;
	f[25] = hours;
	f[26] = hidden ? r->front_door : NULL;
	/* so that a file imported into another tsunagu keeps a staff-only place
	 * off the public page and a shelter hidden (jp_facilities.c) */
	f[27] = r->is_public ? "1" : "0";
	f[28] = r->is_confidential ? "1" : "0";
	/* every cell but the coordinates (a latitude may start with '-'):
	 * the code and ID come from the imported file too */
	char *safe[N_COLS] = {0};
	for (size_t i = 0; i < N_COLS; i++)
		if (i != 8 && i != 9 && tg_export_csv_formula_start(f[i])) {
			size_t n = strlen(f[i]);
			safe[i] = tg_xmalloc(n + 2);
			safe[i][0] = '\'';
			memcpy(safe[i] + 1, f[i], n + 1);
			f[i] = safe[i];
		}
	enum tg_rc rc = tg_csv_write_row(out, f, N_COLS);
	for (size_t i = 0; i < N_COLS; i++)
		free(safe[i]);
	return rc;
}

enum tg_rc tg_export_csv_rows(struct tg_buf *out, const struct tg_resource *rs, size_t n, tg_export_hide_fn hide,
                              void *ctx)
{
	enum tg_rc rc = TG_OK;
	for (size_t i = 0; i < n; i++) {
		int hidden = hide ? hide(ctx, &rs[i]) : rs[i].is_confidential;
		if ((rc = row(out, &rs[i], hidden)))
			goto out;
	}
out:
	return rc;
}
