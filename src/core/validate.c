/*
 * validate.c - the rules a resource must satisfy before the store sees it
 * (see validate.h), and the single-field format checks shared with other
 * validators.
 *
 * Rules, checked in this order; the first failure is reported with the JSON
 * field path of docs/api.md:
 *   text     every string is valid UTF-8 without control characters (C0, DEL,
 *            C1); only the long free-text fields (description, fee.text,
 *            accessibility_notes, schedule_note, front_door) may contain
 *            '\n' and '\t'. Lengths are in code points (limits below).
 *   name     required, not blank, 1..200.
 *   name_kana no kanji (kana, digits, Latin letters, punctuation are fine).
 *   type     required, one of ctx->types.
 *   area_id  >= 0.
 *   address  postal_code NNN-NNNN or NNNNNNN; prefecture/city/line/building
 *            lengths.
 *   location when has_geo: lat in [-90, 90], lon in [-180, 180], finite.
 *            (Both-or-neither is a JSON shape rule: resource_json.c.)
 *   contact  phone (10-13 digits), email, url (http/https only, so no
 *            javascript: links reach the UI).
 *   ages     each -1 or 0..1200 months; min <= max when both are given.
 *   capacity -1 or 0..100000.
 *   tags     services[i] a known tag of kind "service", access[i] of kind
 *            "access", no duplicates, at most 64 each.
 *   hours    at most 56; weekday 0..7, 0 <= open < close <= 1440, no overlap
 *            on the same weekday (tg_schedule_check).
 *   exceptions at most 500; valid date, no two for the same date; when not
 *            closed, 0 <= open < close <= 1440.
 *   verified_at a valid date in 1980..2099. No clock is read (validation is
 *            pure), so "not in the far future" means the calendar range the
 *            holiday rules cover; the handler that sets it uses today's date.
 *   source, source_id lengths.
 *   is_confidential requires a non-blank front_door, so families can still
 *            reach a place whose address is hidden.
 *
 * Invariant: messages are static strings, Japanese first with English in
 * parentheses; indexed field paths live in err->field_buf.
 */
#include "core/validate.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/geo.h"
#include "core/schedule.h"

#define MAX_TAGS       64
#define MAX_HOURS      56
#define MAX_EXCEPTIONS 500

#define MSG_UTF8    "文字コードが正しくありません (text is not valid UTF-8)"
#define MSG_CTRL    "制御文字や改行は使えません (control characters are not allowed)"
#define TOO_LONG(n) n "文字以内で入力してください (at most " n " characters)"

void tg_field_error_copy(struct tg_field_error *dst, const struct tg_field_error *src)
{
	if (dst == src)
		return;
	memcpy(dst->field_buf, src->field_buf, sizeof dst->field_buf);
	dst->message = src->message;
	if (src->field == src->field_buf)
		dst->field = dst->field_buf;
	else
		dst->field = src->field;
}

static enum tg_rc fail(struct tg_field_error *err, const char *field, const char *msg)
{
	if (err) {
		err->field = field;
		err->message = msg;
	}
	return TG_ERR_INVALID;
}

/* Fail with field "<array>[<i>]" or "<array>[<i>].<member>". */
static enum tg_rc fail_at(struct tg_field_error *err, const char *array, size_t i, const char *member, const char *msg)
{
	if (!err)
		return TG_ERR_INVALID;
	int n = snprintf(err->field_buf, sizeof err->field_buf, "%s[%zu]%s%s", array, i, member ? "." : "",
	                 member ? member : "");
	if (n < 0 || (size_t)n >= sizeof err->field_buf)
		return fail(err, array, msg); /* cannot happen with our short names */
	return fail(err, err->field_buf, msg);
}

/* ---- UTF-8 ---------------------------------------------------------- */

/* Decode one code point at s[*i] (s valid UTF-8 up to len); advances *i. */
static uint32_t next_cp(const unsigned char *s, size_t len, size_t *i)
{
	uint32_t c = s[*i];
	size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if (*i + n > len) {
		*i = len;
		return 0xFFFD;
	}
	if (n == 2)
		c = ((c & 0x1F) << 6) | (s[*i + 1] & 0x3F);
	else if (n == 3)
		c = ((c & 0x0F) << 12) | ((uint32_t)(s[*i + 1] & 0x3F) << 6) | (s[*i + 2] & 0x3F);
	else if (n == 4)
		c = ((c & 0x07) << 18) | ((uint32_t)(s[*i + 1] & 0x3F) << 12) | ((uint32_t)(s[*i + 2] & 0x3F) << 6) |
		    (s[*i + 3] & 0x3F);
	*i += n;
	return c;
}

int tg_valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	if (!s)
		return 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp, min;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2;
			cp = c & 0x1F;
			min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			cp = c & 0x0F;
			min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (len - i < n)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n;
	}
	return 1;
}

size_t tg_utf8_length(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) != 0x80)
			n++;
	}
	return n;
}

enum text_result { TEXT_OK, TEXT_UTF8, TEXT_CTRL, TEXT_LONG };

static enum text_result check_text(const char *s, size_t max_cp, int multiline)
{
	size_t len = strlen(s);
	if (!tg_valid_utf8(s, len))
		return TEXT_UTF8;
	size_t i = 0, n = 0;
	while (i < len) {
		uint32_t c = next_cp((const unsigned char *)s, len, &i);
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7F || (c >= 0x80 && c <= 0x9F))
			return TEXT_CTRL;
		n++;
	}
	return n > max_cp ? TEXT_LONG : TEXT_OK;
}

static enum tg_rc text_rule(struct tg_field_error *err, const char *field, const char *s, size_t max_cp, int multiline,
                            const char *too_long)
{
	if (!s)
		return TG_OK;
	switch (check_text(s, max_cp, multiline)) {
	case TEXT_OK: return TG_OK;
	case TEXT_UTF8: return fail(err, field, MSG_UTF8);
	case TEXT_CTRL: return fail(err, field, MSG_CTRL);
	case TEXT_LONG: return fail(err, field, too_long);
	}
	return fail(err, field, MSG_UTF8);
}

int tg_blank(const char *s)
{
	if (!s)
		return 1;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		else if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
			s += 3; /* U+3000 */
		else
			return 0;
	}
	return 1;
}

/* A reading may hold kana, digits, Latin letters (ＮＰＯ, 2ちょうめ) and
 * punctuation as facility names do; what it must not hold is kanji, which
 * is the mistake this rule catches (the name typed into the wrong box). */
static int kana_cp(uint32_t c)
{
	return !((c >= 0x3400 && c <= 0x4DBF) ||   /* CJK extension A */
	         (c >= 0x4E00 && c <= 0x9FFF) ||   /* CJK unified ideographs */
	         (c >= 0xF900 && c <= 0xFAFF) ||   /* compatibility ideographs */
	         (c >= 0x20000 && c <= 0x3FFFF) || /* supplementary ideographs */
	         c == 0x3005);                     /* 々 */
}

static int valid_kana(const char *s)
{
	size_t len = strlen(s), i = 0;
	while (i < len) {
		if (!kana_cp(next_cp((const unsigned char *)s, len, &i)))
			return 0;
	}
	return 1;
}

/* ---- single-field formats ------------------------------------------- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int tg_valid_postal_code(const char *s)
{
	if (!s)
		return 0;
	size_t len = strlen(s);
	if (len == 7) {
		for (size_t i = 0; i < 7; i++) {
			if (!is_digit(s[i]))
				return 0;
		}
		return 1;
	}
	if (len != 8 || s[3] != '-')
		return 0;
	for (size_t i = 0; i < 8; i++) {
		if (i != 3 && !is_digit(s[i]))
			return 0;
	}
	return 1;
}

int tg_valid_phone(const char *s)
{
	if (!s || !*s)
		return 0;
	size_t digits = 0;
	int depth = 0;
	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		if (is_digit(c)) {
			digits++;
		} else if (c == '+') {
			if (i != 0)
				return 0;
		} else if (c == '-') {
			if (i == 0 || s[i + 1] == '\0' || s[i + 1] == '-')
				return 0;
		} else if (c == '(') {
			if (depth++)
				return 0;
		} else if (c == ')') {
			if (--depth)
				return 0;
		} else {
			return 0;
		}
	}
	return depth == 0 && digits >= 10 && digits <= 13;
}

static int email_local_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       (c && strchr("!#$%&'*+/=?^_`{|}~-.", c));
}

/* Host name: dot-separated labels of [A-Za-z0-9-], 1..63 each, no label
 * starting or ending with '-'; at least min_labels labels; n bytes. */
static int valid_hostname(const char *s, size_t n, int min_labels)
{
	if (n == 0 || n > 253)
		return 0;
	int labels = 0;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			size_t l = i - start;
			if (l == 0 || l > 63 || s[start] == '-' || s[i - 1] == '-')
				return 0;
			labels++;
			start = i + 1;
			continue;
		}
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-'))
			return 0;
	}
	return labels >= min_labels;
}

int tg_valid_email(const char *s)
{
	if (!s)
		return 0;
	size_t len = strlen(s);
	const char *at = strchr(s, '@');
	if (len > 254 || !at || strchr(at + 1, '@'))
		return 0;
	size_t local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || s[local - 1] == '.')
		return 0;
	for (size_t i = 0; i < local; i++) {
		if (!email_local_char(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			return 0;
	}
	return valid_hostname(at + 1, len - local - 1, 2);
}

int tg_valid_url(const char *s)
{
	if (!s)
		return 0;
	size_t len = strlen(s), p;
	if (len > 2000 || !tg_valid_utf8(s, len))
		return 0;
	if (strncasecmp(s, "https://", 8) == 0)
		p = 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		p = 7;
	else
		return 0;
	/* authority: host[:port]; userinfo ("user@") is refused because it is
	 * a classic way to disguise the real host of a link */
	size_t host = p;
	while (p < len && s[p] != '/' && s[p] != '?' && s[p] != '#' && s[p] != ':')
		p++;
	size_t host_end = p;
	if (host_end == host)
		return 0;
	for (size_t i = host; i < host_end; i++) {
		unsigned char c = (unsigned char)s[i];
		/* letters, digits, '-', '.', or UTF-8 bytes of an IDN */
		if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit((char)c) || c == '-' ||
		      c == '.'))
			return 0;
	}
	if (s[host] == '.' || s[host] == '-' || s[host_end - 1] == '.')
		return 0;
	if (p < len && s[p] == ':') {
		size_t port = ++p;
		while (p < len && is_digit(s[p]))
			p++;
		if (p == port || p - port > 5)
			return 0;
		if (p < len && s[p] != '/' && s[p] != '?' && s[p] != '#')
			return 0;
	}
	for (; p < len; p++) {
		unsigned char c = (unsigned char)s[p];
		if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' || c == '{' ||
		    c == '}' || c == '|' || c == '^')
			return 0;
	}
	return 1;
}

int tg_valid_code(const char *s)
{
	if (!s)
		return 0;
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_'))
			return 0;
	}
	return n >= 1 && n <= 32;
}

int tg_valid_login(const char *s)
{
	if (!s)
		return 0;
	size_t n = 0;
	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' ||
		      c == '@' || c == '-'))
			return 0;
	}
	return n >= 3 && n <= 64;
}

/* ---- the resource rules --------------------------------------------- */

static enum tg_rc check_name(const struct tg_resource *r, struct tg_field_error *err)
{
	enum tg_rc rc;
	if (!r->name || tg_blank(r->name))
		return fail(err, "name", "名称は必須です (name is required)");
	rc = text_rule(err, "name", r->name, 200, 0, TOO_LONG("200"));
	if (rc)
		return rc;
	rc = text_rule(err, "name_kana", r->name_kana, 200, 0, TOO_LONG("200"));
	if (rc)
		return rc;
	if (r->name_kana && !valid_kana(r->name_kana))
		return fail(err, "name_kana",
		            "ふりがなに漢字は使えません。ひらがなかカタカナで入力してください "
		            "(name_kana must not contain kanji)");
	return text_rule(err, "description", r->description, 4000, 1, TOO_LONG("4000"));
}

static enum tg_rc check_type(const struct tg_resource *r, const struct tg_validate_ctx *ctx, struct tg_field_error *err)
{
	if (!r->type_code || !*r->type_code)
		return fail(err, "type", "種別は必須です (type is required)");
	for (size_t i = 0; i < ctx->n_types; i++) {
		if (ctx->types[i].code && strcmp(ctx->types[i].code, r->type_code) == 0)
			return TG_OK;
	}
	return fail(err, "type", "登録されていない種別です (unknown type)");
}

static enum tg_rc check_address(const struct tg_resource *r, struct tg_field_error *err)
{
	enum tg_rc rc;
	if (r->area_id < 0)
		return fail(err, "area_id", "地域の指定が正しくありません (invalid area_id)");
	if (r->postal_code && !tg_valid_postal_code(r->postal_code))
		return fail(err, "address.postal_code",
		            "郵便番号は123-4567の形で入力してください "
		            "(postal code must look like 123-4567)");
	rc = text_rule(err, "address.prefecture", r->prefecture, 10, 0, TOO_LONG("10"));
	if (!rc)
		rc = text_rule(err, "address.city", r->city, 100, 0, TOO_LONG("100"));
	if (!rc)
		rc = text_rule(err, "address.line", r->address_line, 200, 0, TOO_LONG("200"));
	if (!rc)
		rc = text_rule(err, "address.building", r->building, 200, 0, TOO_LONG("200"));
	if (rc)
		return rc;
	if (r->has_geo) {
		if (!isfinite(r->lat) || r->lat < -90.0 || r->lat > 90.0)
			return fail(err, "location.lat",
			            "緯度は-90〜90の範囲で指定してください "
			            "(lat must be between -90 and 90)");
		if (!isfinite(r->lon) || r->lon < -180.0 || r->lon > 180.0)
			return fail(err, "location.lon",
			            "経度は-180〜180の範囲で指定してください "
			            "(lon must be between -180 and 180)");
	}
	return TG_OK;
}

static enum tg_rc check_contact(const struct tg_resource *r, struct tg_field_error *err)
{
	enum tg_rc rc = text_rule(err, "front_door", r->front_door, 500, 1, TOO_LONG("500"));
	if (rc)
		return rc;
	if (r->phone && !tg_valid_phone(r->phone))
		return fail(err, "phone",
		            "電話番号の形が正しくありません（例: 045-123-4567） "
		            "(invalid phone number, e.g. 045-123-4567)");
	if (r->email && !tg_valid_email(r->email))
		return fail(err, "email", "メールアドレスの形が正しくありません (invalid email address)");
	rc = text_rule(err, "url", r->url, 2000, 0, TOO_LONG("2000"));
	if (rc)
		return rc;
	if (r->url && !tg_valid_url(r->url))
		return fail(err, "url",
		            "URLはhttp://かhttps://で始まる形で入力してください "
		            "(url must be an http:// or https:// address)");
	return TG_OK;
}

static enum tg_rc check_numbers(const struct tg_resource *r, struct tg_field_error *err)
{
	static const char bad_age[] = "月齢は0〜1200か月で指定してください (age must be 0 to 1200 months)";
	if (r->age_min_months != -1 && (r->age_min_months < 0 || r->age_min_months > 1200))
		return fail(err, "ages.min_months", bad_age);
	if (r->age_max_months != -1 && (r->age_max_months < 0 || r->age_max_months > 1200))
		return fail(err, "ages.max_months", bad_age);
	if (r->age_min_months != -1 && r->age_max_months != -1 && r->age_min_months > r->age_max_months)
		return fail(err, "ages.max_months",
		            "対象年齢の上限は下限以上にしてください "
		            "(max_months must not be less than min_months)");
	enum tg_rc rc = text_rule(err, "fee.text", r->fee_text, 1000, 1, TOO_LONG("1000"));
	if (rc)
		return rc;
	if (r->capacity != -1 && (r->capacity < 0 || r->capacity > 100000))
		return fail(err, "capacity", "定員は0〜100000で指定してください (capacity must be 0 to 100000)");
	return TG_OK;
}

static enum tg_rc check_tags(const char *field, const char *kind, const char *const *codes, size_t n,
                             const struct tg_validate_ctx *ctx, struct tg_field_error *err)
{
	int service = strcmp(kind, "service") == 0;
	if (n > MAX_TAGS)
		return fail(err, field, "64件までにしてください (at most 64 entries)");
	for (size_t i = 0; i < n; i++) {
		const struct tg_tag *tag = NULL;
		for (size_t k = 0; codes[i] && k < ctx->n_tags; k++) {
			if (ctx->tags[k].code && strcmp(ctx->tags[k].code, codes[i]) == 0) {
				tag = &ctx->tags[k];
				break;
			}
		}
		if (!tag)
			return fail_at(err, field, i, NULL,
			               service ? "登録されていないサービスです (unknown service tag)"
			                       : "登録されていないバリアフリー項目です "
			                         "(unknown accessibility tag)");
		if (!tag->kind || strcmp(tag->kind, kind) != 0)
			return fail_at(err, field, i, NULL,
			               service ? "サービスの項目ではありません (not a service tag)"
			                       : "バリアフリーの項目ではありません "
			                         "(not an accessibility tag)");
		for (size_t j = 0; j < i; j++) {
			if (strcmp(codes[j], codes[i]) == 0)
				return fail_at(err, field, i, NULL, "同じ項目が重複しています (duplicate tag)");
		}
	}
	return TG_OK;
}

static enum tg_rc check_hours(const struct tg_resource *r, struct tg_field_error *err)
{
	size_t bad = 0;
	if (r->n_hours > MAX_HOURS)
		return fail(err, "hours", "時間帯は56件までにしてください (at most 56 intervals)");
	if (tg_schedule_check(r->hours, r->n_hours, &bad) == 0)
		return TG_OK;
	const struct tg_hours *h = &r->hours[bad];
	if (h->weekday < 0 || h->weekday > TG_WEEKDAY_HOLIDAY)
		return fail_at(err, "hours", bad, "weekday",
		               "曜日は0（日）〜6（土）か7（祝日）で指定してください "
		               "(weekday must be 0-6, or 7 for holidays)");
	if (h->open_min < 0 || h->open_min > 1439)
		return fail_at(err, "hours", bad, "open", "開始時刻が正しくありません (invalid open time)");
	if (h->close_min <= h->open_min || h->close_min > 1440)
		return fail_at(err, "hours", bad, "close",
		               "終了時刻は開始時刻より後にしてください (close must be after open)");
	return fail_at(err, "hours", bad, "open",
	               "同じ曜日の時間帯が重なっています (overlaps another interval that day)");
}

static enum tg_rc check_exceptions(const struct tg_resource *r, struct tg_field_error *err)
{
	if (r->n_exceptions > MAX_EXCEPTIONS)
		return fail(err, "exceptions", "臨時の予定は500件までにしてください (at most 500 exceptions)");
	for (size_t i = 0; i < r->n_exceptions; i++) {
		const struct tg_exception *e = &r->exceptions[i];
		if (!tg_date_valid(e->date))
			return fail_at(err, "exceptions", i, "date",
			               "日付はYYYY-MM-DDの形で入力してください "
			               "(date must be YYYY-MM-DD)");
		for (size_t j = 0; j < i; j++) {
			if (strcmp(r->exceptions[j].date, e->date) == 0)
				return fail_at(err, "exceptions", i, "date",
				               "同じ日付が重複しています (duplicate date)");
		}
		if (!e->closed) {
			if (e->open_min < 0 || e->open_min > 1439)
				return fail_at(err, "exceptions", i, "open",
				               "開始時刻を入力してください (open time is required "
				               "unless closed)");
			if (e->close_min <= e->open_min || e->close_min > 1440)
				return fail_at(err, "exceptions", i, "close",
				               "終了時刻は開始時刻より後にしてください "
				               "(close must be after open)");
		}
		if (e->note) {
			enum tg_rc rc = TG_OK;
			switch (check_text(e->note, 200, 0)) {
			case TEXT_OK: break;
			case TEXT_UTF8: rc = fail_at(err, "exceptions", i, "note", MSG_UTF8); break;
			case TEXT_CTRL: rc = fail_at(err, "exceptions", i, "note", MSG_CTRL); break;
			case TEXT_LONG: rc = fail_at(err, "exceptions", i, "note", TOO_LONG("200")); break;
			}
			if (rc)
				return rc;
		}
	}
	return TG_OK;
}

static enum tg_rc check_rest(const struct tg_resource *r, struct tg_field_error *err)
{
	enum tg_rc rc;
	rc = text_rule(err, "accessibility_notes", r->accessibility_notes, 2000, 1, TOO_LONG("2000"));
	if (!rc)
		rc = text_rule(err, "schedule_note", r->schedule_note, 1000, 1, TOO_LONG("1000"));
	if (!rc)
		rc = text_rule(err, "source", r->source, 100, 0, TOO_LONG("100"));
	if (!rc)
		rc = text_rule(err, "source_id", r->source_id, 200, 0, TOO_LONG("200"));
	if (rc)
		return rc;
	if (r->verified_at) {
		if (!tg_date_valid(r->verified_at) || strcmp(r->verified_at, "1980-01-01") < 0 ||
		    strcmp(r->verified_at, "2099-12-31") > 0)
			return fail(err, "verified_at",
			            "確認日はYYYY-MM-DDの形で1980〜2099年の日付にしてください "
			            "(verified_at must be a date YYYY-MM-DD in 1980-2099)");
	}
	if (r->is_confidential && tg_blank(r->front_door))
		return fail(err, "front_door",
		            "所在地を公開しない場所には問い合わせ先が必要です "
		            "(a confidential place needs a front_door contact)");
	return TG_OK;
}

enum tg_rc tg_resource_validate(const struct tg_resource *r, const struct tg_validate_ctx *ctx,
                                struct tg_field_error *err)
{
	static const struct tg_validate_ctx empty = {NULL, 0, NULL, 0};
	enum tg_rc rc;
	if (!ctx)
		ctx = &empty;
	rc = check_name(r, err);
	if (rc)
		goto out;
	rc = check_type(r, ctx, err);
	if (rc)
		goto out;
	rc = check_address(r, err);
	if (rc)
		goto out;
	rc = check_contact(r, err);
	if (rc)
		goto out;
	rc = check_numbers(r, err);
	if (rc)
		goto out;
	rc = check_tags("services", "service", r->services, r->n_services, ctx, err);
	if (rc)
		goto out;
	rc = check_tags("access", "access", r->access, r->n_access, ctx, err);
	if (rc)
		goto out;
	rc = check_hours(r, err);
	if (rc)
		goto out;
	rc = check_exceptions(r, err);
	if (rc)
		goto out;
	rc = check_rest(r, err);
out:
	return rc;
}
