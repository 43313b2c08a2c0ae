/*
 * resource_json.c - Resource / ResourceSummary / ResourceInput JSON (see
 * resource_json.h and docs/api.md).
 *
 * Shapes handled:
 *   address    {"postal_code","prefecture","city","line","building"} | null
 *   location   {"lat": number, "lon": number} | null   (both or neither)
 *   ages       {"min_months": int|null, "max_months": int|null}
 *   fee        {"free": bool|null (null: not known), "text": string|null}
 *   hours[i]   {"weekday": 0..7, "open": "HH:MM", "close": "HH:MM"}
 *   exceptions[i] {"date": "YYYY-MM-DD", "closed": bool,
 *                  "open": "HH:MM"|null, "close": "HH:MM"|null, "note": string|null}
 *
 * Invariants: parsing never keeps a pointer into the jansson value (every
 * string is copied into the arena); errors name the JSON path of the
 * offending member; writing emits members in the order of docs/api.md.
 */
#include "io/resource_json.h"

#include <limits.h>

#include "core/jpparse.h"
#include "core/schedule.h"

/* ---- reading -------------------------------------------------------- */

struct reader {
	struct tg_arena *a;
	struct tg_field_error *err;
};

/* A phone number or postal code as typed with a Japanese input method:
 * full-width digits and dashes (０４５－１２３), the long vowel mark typed for
 * a dash between digits (045ー123) and surrounding spaces become ASCII, so
 * that the validator judges the number, not the keyboard. */
static const char *fold_number(struct reader *rd, const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	char *out = tg_arena_alloc(rd->a, len + 1);
	size_t n = tg_jp_fold(s, len, out), k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && memcmp(out + i, "\xE3\x83\xBC", 3) == 0 && k && out[k - 1] >= '0' &&
		    out[k - 1] <= '9') {
			out[k++] = '-'; /* ー after a digit */
			i += 2;
			continue;
		}
		out[k++] = out[i];
	}
	while (k && out[k - 1] == ' ')
		k--;
	size_t b = 0;
	while (b < k && out[b] == ' ')
		b++;
	out[k] = '\0';
	return b < k ? out + b : NULL; /* blank: not given, as "" */
}

static enum tg_rc shape_error(struct reader *rd, const char *field, const char *ja, const char *en)
{
	if (rd->err) {
		rd->err->field = field;
		rd->err->message = tg_arena_printf(rd->a, "%sは%s (%s %s)", field, ja, field, en);
	}
	return TG_ERR_INVALID;
}

static enum tg_rc want(struct reader *rd, const char *field, const char *ja_type, const char *en_type)
{
	const char *ja = tg_arena_printf(rd->a, "%sで指定してください", ja_type);
	const char *en = tg_arena_printf(rd->a, "must be %s", en_type);
	return shape_error(rd, field, ja, en);
}

static char *path(struct reader *rd, const char *parent, const char *member)
{
	return tg_arena_printf(rd->a, "%s.%s", parent, member);
}

static char *path_at(struct reader *rd, const char *array, size_t i, const char *member)
{
	if (member)
		return tg_arena_printf(rd->a, "%s[%zu].%s", array, i, member);
	return tg_arena_printf(rd->a, "%s[%zu]", array, i);
}

/* Reject members of obj not named in allowed (NULL-terminated) nor in
 * ignored (may be NULL). */
static enum tg_rc check_members(struct reader *rd, const json_t *obj, const char *prefix, const char *const *allowed,
                                const char *const *ignored)
{
	/* jansson's iterator API takes a non-const object but does not modify it */
	json_t *o = (json_t *)obj;
	for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const char *key = json_object_iter_key(it);
		int known = 0;
		for (size_t i = 0; !known && allowed[i]; i++)
			known = strcmp(allowed[i], key) == 0;
		for (size_t i = 0; !known && ignored && ignored[i]; i++)
			known = strcmp(ignored[i], key) == 0;
		if (!known) {
			const char *f = prefix ? path(rd, prefix, key) : tg_arena_strdup(rd->a, key);
			return shape_error(rd, f, "不明な項目です", "is not a known member; check the spelling");
		}
	}
	return TG_OK;
}

/* String member: NULL when absent or null; keep_empty keeps "" as "". */
static enum tg_rc get_string(struct reader *rd, const json_t *obj, const char *key, const char *field, int keep_empty,
                             const char **out)
{
	const json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return TG_OK;
	if (!json_is_string(v))
		return want(rd, field, "文字列", "a string");
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);
	if (strlen(s) != len)
		return shape_error(rd, field, "NUL文字を含められません", "must not contain NUL characters");
	if (len == 0 && !keep_empty)
		return TG_OK;
	*out = tg_arena_strndup(rd->a, s, len);
	return TG_OK;
}

/* Integer member in [min, max]; *out unchanged when absent or null. */
static enum tg_rc get_int64(struct reader *rd, const json_t *obj, const char *key, const char *field, long long min,
                            long long max, int64_t *out)
{
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return TG_OK;
	if (!json_is_integer(v))
		return want(rd, field, "整数", "an integer");
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return shape_error(rd, field, "範囲外の値です", "is out of range");
	*out = (int64_t)n;
	return TG_OK;
}

static enum tg_rc get_int(struct reader *rd, const json_t *obj, const char *key, const char *field, int *out)
{
	int64_t v = *out;
	enum tg_rc rc = get_int64(rd, obj, key, field, INT_MIN, INT_MAX, &v);
	if (!rc)
		*out = (int)v;
	return rc;
}

/* A count or an age: a number of 0 or more, null or absent for none.
 * The model keeps "none" as -1, so a -1 in the JSON must not pass for
 * none: any negative number becomes -2, which the validator refuses with
 * its own message (validate.c: 0..1200 months, 0..100000 places). */
static enum tg_rc get_count(struct reader *rd, const json_t *obj, const char *key, const char *field, int *out)
{
	enum tg_rc rc = get_int(rd, obj, key, field, out);
	if (!rc && *out < 0 && json_is_integer(json_object_get(obj, key)))
		*out = -2;
	return rc;
}

/* Boolean member; *out unchanged when absent or null. */
static enum tg_rc get_bool(struct reader *rd, const json_t *obj, const char *key, const char *field, int *out)
{
	const json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return TG_OK;
	if (!json_is_boolean(v))
		return want(rd, field, "真偽値（true/false）", "true or false");
	*out = json_is_true(v);
	return TG_OK;
}

/* fee.free: true, false, or null / absent for not known. */
static enum tg_rc get_fee_free(struct reader *rd, const json_t *obj, int *out)
{
	const json_t *v = json_object_get(obj, "free");
	if (!v || json_is_null(v)) {
		*out = TG_FEE_UNKNOWN;
		return TG_OK;
	}
	if (!json_is_boolean(v))
		return want(rd, "fee.free", "true（無料）、false（有料）か null（不明）",
		            "true, false or null (not known)");
	*out = json_is_true(v) ? TG_FEE_FREE : TG_FEE_PAID;
	return TG_OK;
}

/* Object member: *out NULL when absent or null. */
static enum tg_rc get_object(struct reader *rd, const json_t *obj, const char *key, const json_t **out)
{
	const json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return TG_OK;
	if (!json_is_object(v))
		return want(rd, key, "オブジェクト", "an object");
	*out = v;
	return TG_OK;
}

static enum tg_rc get_array(struct reader *rd, const json_t *obj, const char *key, const json_t **out)
{
	const json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return TG_OK;
	if (!json_is_array(v))
		return want(rd, key, "配列", "an array");
	*out = v;
	return TG_OK;
}

/* "HH:MM" member; *out = -1 when absent or null. */
static enum tg_rc get_time(struct reader *rd, const json_t *obj, const char *key, const char *field, int *out)
{
	const char *s;
	enum tg_rc rc = get_string(rd, obj, key, field, 1, &s);
	*out = -1;
	if (rc || !s)
		return rc;
	*out = tg_time_parse(s);
	if (*out < 0)
		return shape_error(rd, field, "時刻をHH:MMの形（例: 09:30）で指定してください",
		                   "must be a time HH:MM, e.g. 09:30");
	return TG_OK;
}

static enum tg_rc read_address(struct reader *rd, const json_t *in, struct tg_resource *r)
{
	static const char *const members[] = {"postal_code", "prefecture", "city", "line", "building", NULL};
	const json_t *o;
	enum tg_rc rc = get_object(rd, in, "address", &o);
	if (rc || !o)
		return rc;
	rc = check_members(rd, o, "address", members, NULL);
	if (!rc)
		rc = get_string(rd, o, "postal_code", "address.postal_code", 0, &r->postal_code);
	if (!rc)
		r->postal_code = fold_number(rd, r->postal_code);
	if (!rc)
		rc = get_string(rd, o, "prefecture", "address.prefecture", 0, &r->prefecture);
	if (!rc)
		rc = get_string(rd, o, "city", "address.city", 0, &r->city);
	if (!rc)
		rc = get_string(rd, o, "line", "address.line", 0, &r->address_line);
	if (!rc)
		rc = get_string(rd, o, "building", "address.building", 0, &r->building);
	return rc;
}

static enum tg_rc read_location(struct reader *rd, const json_t *in, struct tg_resource *r)
{
	static const char *const members[] = {"lat", "lon", NULL};
	const json_t *o;
	enum tg_rc rc = get_object(rd, in, "location", &o);
	if (rc || !o)
		return rc;
	rc = check_members(rd, o, "location", members, NULL);
	if (rc)
		return rc;
	const json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");
	int has_lat = lat && !json_is_null(lat), has_lon = lon && !json_is_null(lon);
	if (has_lat && !json_is_number(lat))
		return want(rd, "location.lat", "数値", "a number");
	if (has_lon && !json_is_number(lon))
		return want(rd, "location.lon", "数値", "a number");
	if (has_lat != has_lon)
		return shape_error(rd, has_lat ? "location.lon" : "location.lat", "緯度と経度の両方を指定してください",
		                   "lat and lon go together");
	if (has_lat) {
		r->has_geo = 1;
		r->lat = json_number_value(lat);
		r->lon = json_number_value(lon);
	}
	return TG_OK;
}

static enum tg_rc read_ages_fee(struct reader *rd, const json_t *in, struct tg_resource *r)
{
	static const char *const age_members[] = {"min_months", "max_months", NULL};
	static const char *const fee_members[] = {"free", "text", NULL};
	const json_t *o;
	enum tg_rc rc = get_object(rd, in, "ages", &o);
	if (!rc && o) {
		rc = check_members(rd, o, "ages", age_members, NULL);
		if (!rc)
			rc = get_count(rd, o, "min_months", "ages.min_months", &r->age_min_months);
		if (!rc)
			rc = get_count(rd, o, "max_months", "ages.max_months", &r->age_max_months);
	}
	if (!rc)
		rc = get_object(rd, in, "fee", &o);
	if (!rc && o) {
		rc = check_members(rd, o, "fee", fee_members, NULL);
		if (!rc)
			rc = get_fee_free(rd, o, &r->fee_free);
		if (!rc)
			rc = get_string(rd, o, "text", "fee.text", 0, &r->fee_text);
	}
	return rc;
}

static enum tg_rc read_tags(struct reader *rd, const json_t *in, const char *key, const char ***out, size_t *n_out)
{
	const json_t *arr;
	enum tg_rc rc = get_array(rd, in, key, &arr);
	*out = NULL;
	*n_out = 0;
	if (rc || !arr)
		return rc;
	size_t n = json_array_size(arr);
	const char **codes = TG_ARENA_ARRAY(rd->a, const char *, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_array_get(arr, i);
		if (!json_is_string(v))
			return want(rd, path_at(rd, key, i, NULL), "文字列", "a string");
		codes[i] = tg_arena_strndup(rd->a, json_string_value(v), json_string_length(v));
	}
	*out = codes;
	*n_out = n;
	return TG_OK;
}

static enum tg_rc read_hours(struct reader *rd, const json_t *in, struct tg_resource *r)
{
	static const char *const members[] = {"weekday", "open", "close", NULL};
	const json_t *arr;
	enum tg_rc rc = get_array(rd, in, "hours", &arr);
	if (rc || !arr)
		return rc;
	size_t n = json_array_size(arr);
	struct tg_hours *h = TG_ARENA_ARRAY(rd->a, struct tg_hours, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_array_get(arr, i);
		if (!json_is_object(o))
			return want(rd, path_at(rd, "hours", i, NULL), "オブジェクト", "an object");
		rc = check_members(rd, o, path_at(rd, "hours", i, NULL), members, NULL);
		if (rc)
			return rc;
		static const char *const required[] = {"weekday", "open", "close"};
		for (size_t k = 0; k < 3; k++) {
			const json_t *v = json_object_get(o, required[k]);
			if (!v || json_is_null(v))
				return shape_error(rd, path_at(rd, "hours", i, required[k]), "必須です", "is required");
		}
		h[i].weekday = -1;
		rc = get_int(rd, o, "weekday", path_at(rd, "hours", i, "weekday"), &h[i].weekday);
		if (!rc)
			rc = get_time(rd, o, "open", path_at(rd, "hours", i, "open"), &h[i].open_min);
		if (!rc)
			rc = get_time(rd, o, "close", path_at(rd, "hours", i, "close"), &h[i].close_min);
		if (rc)
			return rc;
	}
	r->hours = h;
	r->n_hours = n;
	return TG_OK;
}

static enum tg_rc read_exceptions(struct reader *rd, const json_t *in, struct tg_resource *r)
{
	static const char *const members[] = {"date", "closed", "open", "close", "note", NULL};
	const json_t *arr;
	enum tg_rc rc = get_array(rd, in, "exceptions", &arr);
	if (rc || !arr)
		return rc;
	size_t n = json_array_size(arr);
	struct tg_exception *ex = TG_ARENA_ARRAY(rd->a, struct tg_exception, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		const json_t *o = json_array_get(arr, i);
		struct tg_exception *e = &ex[i];
		if (!json_is_object(o))
			return want(rd, path_at(rd, "exceptions", i, NULL), "オブジェクト", "an object");
		rc = check_members(rd, o, path_at(rd, "exceptions", i, NULL), members, NULL);
		if (!rc)
			rc = get_string(rd, o, "date", path_at(rd, "exceptions", i, "date"), 1, &e->date);
		if (!rc && !e->date)
			return shape_error(rd, path_at(rd, "exceptions", i, "date"), "必須です", "is required");
		if (!rc)
			rc = get_bool(rd, o, "closed", path_at(rd, "exceptions", i, "closed"), &e->closed);
		if (!rc)
			rc = get_time(rd, o, "open", path_at(rd, "exceptions", i, "open"), &e->open_min);
		if (!rc)
			rc = get_time(rd, o, "close", path_at(rd, "exceptions", i, "close"), &e->close_min);
		if (!rc)
			rc = get_string(rd, o, "note", path_at(rd, "exceptions", i, "note"), 0, &e->note);
		if (rc)
			return rc;
		if (e->closed)
			e->open_min = e->close_min = 0;
	}
	r->exceptions = ex;
	r->n_exceptions = n;
	return TG_OK;
}

static enum tg_rc read_org(struct reader *rd, const json_t *in, struct tg_resource *r)
{
	enum tg_rc rc = get_int64(rd, in, "org_id", "org_id", 0, LLONG_MAX, &r->org_id);
	if (rc || json_object_get(in, "org_id"))
		return rc;
	const json_t *org;
	rc = get_object(rd, in, "org", &org);
	if (!rc && org)
		rc = get_int64(rd, org, "id", "org.id", 0, LLONG_MAX, &r->org_id);
	return rc;
}

enum tg_rc tg_resource_from_json(const json_t *in, struct tg_arena *a, struct tg_resource *out,
                                 struct tg_field_error *err)
{
	static const char *const members[] = {"version",
	                                      "org_id",
	                                      "type",
	                                      "name",
	                                      "name_kana",
	                                      "description",
	                                      "area_id",
	                                      "address",
	                                      "location",
	                                      "front_door",
	                                      "phone",
	                                      "email",
	                                      "url",
	                                      "ages",
	                                      "fee",
	                                      "capacity",
	                                      "services",
	                                      "access",
	                                      "accessibility_notes",
	                                      "hours",
	                                      "exceptions",
	                                      "schedule_note",
	                                      "is_public",
	                                      "is_confidential",
	                                      "verified_at",
	                                      "source",
	                                      "source_id",
	                                      NULL};
	static const char *const read_only[] = {"id",         "uuid",           "org",      "type_name",
	                                        "area_path",  "address_hidden", "open_now", "verification_due",
	                                        "created_at", "updated_at",     "can_edit", "today",
	                                        NULL};
	struct reader rd = {a, err};
	struct tg_resource *r = out;
	enum tg_rc rc;

	memset(r, 0, sizeof *r);
	r->age_min_months = r->age_max_months = -1;
	r->capacity = -1;
	r->fee_free = TG_FEE_UNKNOWN; /* no fee object: not known */
	if (!json_is_object(in)) {
		if (err) {
			err->field = NULL;
			err->message = "JSONオブジェクトで送ってください (the resource must be a JSON object)";
		}
		rc = TG_ERR_INVALID;
		goto out;
	}
	rc = check_members(&rd, in, NULL, members, read_only);
	if (rc)
		goto out;
	rc = get_int64(&rd, in, "version", "version", 0, LLONG_MAX, &r->version);
	if (!rc)
		rc = read_org(&rd, in, r);
	if (!rc)
		rc = get_string(&rd, in, "type", "type", 0, &r->type_code);
	if (!rc)
		rc = get_string(&rd, in, "name", "name", 1, &r->name);
	if (!rc)
		rc = get_string(&rd, in, "name_kana", "name_kana", 0, &r->name_kana);
	if (!rc)
		rc = get_string(&rd, in, "description", "description", 0, &r->description);
	if (!rc)
		rc = get_int64(&rd, in, "area_id", "area_id", 0, LLONG_MAX, &r->area_id);
	if (!rc)
		rc = read_address(&rd, in, r);
	if (!rc)
		rc = read_location(&rd, in, r);
	if (!rc)
		rc = get_string(&rd, in, "front_door", "front_door", 0, &r->front_door);
	if (!rc)
		rc = get_string(&rd, in, "phone", "phone", 0, &r->phone);
	if (!rc)
		r->phone = fold_number(&rd, r->phone);
	if (!rc)
		rc = get_string(&rd, in, "email", "email", 0, &r->email);
	if (!rc)
		rc = get_string(&rd, in, "url", "url", 0, &r->url);
	if (!rc)
		rc = read_ages_fee(&rd, in, r);
	if (!rc)
		rc = get_count(&rd, in, "capacity", "capacity", &r->capacity);
	if (!rc)
		rc = read_tags(&rd, in, "services", &r->services, &r->n_services);
	if (!rc)
		rc = read_tags(&rd, in, "access", &r->access, &r->n_access);
	if (!rc)
		rc = get_string(&rd, in, "accessibility_notes", "accessibility_notes", 0, &r->accessibility_notes);
	if (!rc)
		rc = read_hours(&rd, in, r);
	if (!rc)
		rc = read_exceptions(&rd, in, r);
	if (!rc)
		rc = get_string(&rd, in, "schedule_note", "schedule_note", 0, &r->schedule_note);
	if (!rc)
		rc = get_bool(&rd, in, "is_public", "is_public", &r->is_public);
	if (!rc)
		rc = get_bool(&rd, in, "is_confidential", "is_confidential", &r->is_confidential);
	if (!rc)
		rc = get_string(&rd, in, "verified_at", "verified_at", 0, &r->verified_at);
	if (!rc)
		rc = get_string(&rd, in, "source", "source", 0, &r->source);
	if (!rc)
		rc = get_string(&rd, in, "source_id", "source_id", 0, &r->source_id);
out:
	return rc;
}

/* ---- writing -------------------------------------------------------- */

static json_t *jstr(const char *s)
{
	json_t *v = s ? json_string(s) : NULL;
	return v ? v : json_null();
}

static json_t *jtime(int minutes)
{
	char buf[6];
	tg_time_format(minutes, buf);
	return json_string(buf);
}

static json_t *jid(int64_t id)
{
	return id > 0 ? json_integer((json_int_t)id) : json_null();
}

static json_t *jopt_int(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *jcodes(const char *const *codes, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, jstr(codes[i]));
	return arr;
}

static int has_address(const struct tg_resource *r)
{
	return r->postal_code || r->prefecture || r->city || r->address_line || r->building;
}

static json_t *address_json(const struct tg_resource *r)
{
	if (!has_address(r))
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "postal_code", jstr(r->postal_code));
	json_object_set_new(o, "prefecture", jstr(r->prefecture));
	json_object_set_new(o, "city", jstr(r->city));
	json_object_set_new(o, "line", jstr(r->address_line));
	json_object_set_new(o, "building", jstr(r->building));
	return o;
}

static json_t *location_json(const struct tg_resource *r)
{
	if (!r->has_geo)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "lat", json_real(r->lat));
	json_object_set_new(o, "lon", json_real(r->lon));
	return o;
}

static json_t *hours_json(const struct tg_resource *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < r->n_hours; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "weekday", json_integer(r->hours[i].weekday));
		json_object_set_new(o, "open", jtime(r->hours[i].open_min));
		json_object_set_new(o, "close", jtime(r->hours[i].close_min));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *exceptions_json(const struct tg_resource *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < r->n_exceptions; i++) {
		const struct tg_exception *e = &r->exceptions[i];
		json_t *o = json_object();
		json_object_set_new(o, "date", jstr(e->date));
		json_object_set_new(o, "closed", json_boolean(e->closed));
		json_object_set_new(o, "open", e->closed ? json_null() : jtime(e->open_min));
		json_object_set_new(o, "close", e->closed ? json_null() : jtime(e->close_min));
		json_object_set_new(o, "note", jstr(e->note));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *tg_resource_to_json(const struct tg_resource *r, const struct tg_resource_json_opts *o)
{
	static const struct tg_resource_json_opts none = {0};
	json_t *j = json_object();
	if (!j)
		goto out;
	if (!o)
		o = &none;
	int full = !o->summary;

	json_object_set_new(j, "id", json_integer((json_int_t)r->id));
	json_object_set_new(j, "uuid", jstr(r->uuid));
	if (full)
		json_object_set_new(j, "version", json_integer((json_int_t)r->version));
	if (r->org_id > 0) {
		json_t *org = json_object();
		json_object_set_new(org, "id", json_integer((json_int_t)r->org_id));
		json_object_set_new(org, "name", jstr(r->org_name));
		json_object_set_new(j, "org", org);
	} else {
		json_object_set_new(j, "org", json_null());
	}
	json_object_set_new(j, "type", jstr(r->type_code));
	json_object_set_new(j, "type_name", jstr(o->type_name));
	json_object_set_new(j, "name", jstr(r->name));
	json_object_set_new(j, "name_kana", jstr(r->name_kana));
	if (full) {
		json_object_set_new(j, "description", jstr(r->description));
		json_object_set_new(j, "area_id", jid(r->area_id));
	}
	json_object_set_new(j, "area_path", jcodes(o->area_path, o->area_path ? o->n_area_path : 0));
	json_object_set_new(j, "address", o->show_location ? address_json(r) : json_null());
	json_object_set_new(j, "location", o->show_location ? location_json(r) : json_null());
	json_object_set_new(j, "address_hidden", json_boolean(!o->show_location));
	/* in summaries too: for a place whose address is hidden it is the
	 * only way a family finds from a list of results */
	json_object_set_new(j, "front_door", jstr(r->front_door));
	json_object_set_new(j, "phone", jstr(r->phone));
	if (full) {
		json_object_set_new(j, "email", jstr(r->email));
		json_object_set_new(j, "url", jstr(r->url));
	}
	json_t *ages = json_object();
	json_object_set_new(ages, "min_months", jopt_int(r->age_min_months));
	json_object_set_new(ages, "max_months", jopt_int(r->age_max_months));
	json_object_set_new(j, "ages", ages);
	json_t *fee = json_object();
	json_object_set_new(fee, "free",
	                    r->fee_free == TG_FEE_UNKNOWN ? json_null() : json_boolean(r->fee_free == TG_FEE_FREE));
	json_object_set_new(fee, "text", jstr(r->fee_text));
	json_object_set_new(j, "fee", fee);
	if (full)
		json_object_set_new(j, "capacity", jopt_int(r->capacity));
	json_object_set_new(j, "services", jcodes(r->services, r->n_services));
	if (full) {
		json_object_set_new(j, "access", jcodes(r->access, r->n_access));
		json_object_set_new(j, "accessibility_notes", jstr(r->accessibility_notes));
		json_object_set_new(j, "hours", hours_json(r));
		json_object_set_new(j, "exceptions", exceptions_json(r));
		json_object_set_new(j, "schedule_note", jstr(r->schedule_note));
		json_object_set_new(j, "open_now", json_boolean(o->open_now));
	}
	json_object_set_new(j, "is_public", json_boolean(r->is_public));
	json_object_set_new(j, "is_confidential", json_boolean(r->is_confidential));
	json_object_set_new(j, "verified_at", jstr(r->verified_at));
	json_object_set_new(j, "verification_due", json_boolean(o->verification_due));
	if (full) {
		json_object_set_new(j, "source", jstr(r->source));
		json_object_set_new(j, "source_id", jstr(r->source_id));
		json_object_set_new(j, "created_at", jstr(r->created_at));
		json_object_set_new(j, "updated_at", jstr(r->updated_at));
		json_object_set_new(j, "can_edit", json_boolean(o->can_edit));
	}
out:
	return j;
}
