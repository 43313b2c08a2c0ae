/*
 * hsds.c - HSDS 3.0 export and import (see hsds.h).
 *
 * Mapping (tsunagu -> HSDS; import is the inverse):
 *   resource.uuid/name/description/url/email  -> service.id/name/description/url/email
 *   resource.org                              -> service.organization, organization_id
 *   age_min/max_months                        -> minimum_age / maximum_age in years
 *       (max_months = 12y+11 <-> maximum_age = y; other values as fractions;
 *       a whole y is read as 12y+11, so 72 months comes back as 83, except on
 *       a resource's own service, which keeps its 72: import.c keep_not_in_hsds)
 *   fee_text                                  -> fees_description
 *   updated_at                                -> last_modified (date-time)
 *   phone                                     -> phones[0].number
 *   front_door (confidential)                 -> contacts[0].name
 *   hours (same open/close grouped)           -> schedules[]: freq WEEKLY,
 *       byday "MO,TU", opens_at/closes_at "HH:MM:SS"; national holidays
 *       (weekday 7) have no RRULE day and are noted in description
 *   schedule_note                             -> schedules[].notes / service schedule
 *   address, lat/lon                          -> location (physical) + addresses[0]
 *   type_code, services[], access[]           -> attributes[].taxonomy_term
 * Required fields (schema): service id/name/status, organization
 * id/name/description, location id/location_type, address id/address_1/
 * city/state_province/postal_code/country/address_type, phone id/number,
 * schedule/contact/attribute id, taxonomy_term id/name/description.
 * Missing optional strings are omitted, required ones become "".
 */
#include "io/hsds.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* fees_description of a free place without a fee text (export and import) */
#define HSDS_FREE_TEXT "無料 (free)"
/* a schedule's description when its hours hold on national holidays too, or
 * only on them (RRULE has no holiday day; export and import) */
#define HSDS_HOLIDAY_ALSO "祝日も開所 (also open on national holidays)"
#define HSDS_HOLIDAY_ONLY "祝日のみ開所 (open on national holidays only)"
/* the title of a confidential place's only contact, its front door */
#define HSDS_FRONT_DOOR_TITLE "窓口 (front door)"

char *tg_hsds_derived_uuid(char out[37], const char *base, const char *role, int index)
{
	uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
	char idx[16];
	snprintf(idx, sizeof(idx), "|%d", index);
	const char *parts[4] = {base ? base : "", "|", role, idx};
	for (int k = 0; k < 4; k++)
		for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++) {
			h1 = (h1 ^ *p) * 0x100000001b3ULL;
			h2 = (h2 ^ *p) * 0x100000001b3ULL;
			h2 ^= h2 >> 29;
		}
	unsigned char b[16];
	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(h1 >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(h2 >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x80); /* version 8 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
	         b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return out;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

static void set_req(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v ? v : ""));
}

/* ---- taxonomies ---- */

static json_t *taxonomy_obj(const char *name)
{
	char id[37];
	json_t *t = json_object();
	set_req(t, "id", tg_hsds_derived_uuid(id, name, "taxonomy", 0));
	set_req(t, "name", name);
	set_req(t, "description",
	        strcmp(name, TG_HSDS_TAXONOMY_TYPES) == 0
	            ? "tsunagu resource types (社会資源の種別)"
	            : "tsunagu service and accessibility tags (サービス・バリアフリーのタグ)");
	set_req(t, "version", "1");
	return t;
}

json_t *tg_hsds_taxonomies(void)
{
	json_t *a = json_array();
	json_array_append_new(a, taxonomy_obj(TG_HSDS_TAXONOMY_TYPES));
	json_array_append_new(a, taxonomy_obj(TG_HSDS_TAXONOMY_TAGS));
	return a;
}

static json_t *term_obj(const char *taxonomy, const char *code, const char *name_ja, const char *name_en)
{
	char id[37];
	json_t *t = json_object();
	set_req(t, "id", tg_hsds_derived_uuid(id, taxonomy, code, 0));
	set_req(t, "code", code);
	set_req(t, "name", name_ja ? name_ja : code);
	set_req(t, "description", name_en ? name_en : code);
	set_req(t, "taxonomy", taxonomy);
	set_req(t, "taxonomy_id", tg_hsds_derived_uuid(id, taxonomy, "taxonomy", 0));
	json_object_set_new(t, "taxonomy_detail", taxonomy_obj(taxonomy));
	set_req(t, "language", "ja");
	return t;
}

static json_t *type_term(const struct tg_hsds_ctx *ctx, const char *code)
{
	for (size_t i = 0; ctx && i < ctx->n_types; i++)
		if (strcmp(ctx->types[i].code, code) == 0)
			return term_obj(TG_HSDS_TAXONOMY_TYPES, code, ctx->types[i].name_ja, ctx->types[i].name_en);
	return term_obj(TG_HSDS_TAXONOMY_TYPES, code, NULL, NULL);
}

static json_t *tag_term(const struct tg_hsds_ctx *ctx, const char *code)
{
	for (size_t i = 0; ctx && i < ctx->n_tags; i++)
		if (strcmp(ctx->tags[i].code, code) == 0)
			return term_obj(TG_HSDS_TAXONOMY_TAGS, code, ctx->tags[i].name_ja, ctx->tags[i].name_en);
	return term_obj(TG_HSDS_TAXONOMY_TAGS, code, NULL, NULL);
}

json_t *tg_hsds_taxonomy_terms(const struct tg_hsds_ctx *ctx)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ctx->n_types; i++)
		json_array_append_new(a, type_term(ctx, ctx->types[i].code));
	for (size_t i = 0; i < ctx->n_tags; i++)
		json_array_append_new(a, tag_term(ctx, ctx->tags[i].code));
	return a;
}

/* ---- export ---- */

json_t *tg_hsds_organization(const struct tg_org *org)
{
	json_t *o = json_object();
	set_req(o, "id", org->uuid);
	set_req(o, "name", org->name);
	set_req(o, "description", org->description);
	set_str(o, "alternate_name", org->name_kana);
	set_str(o, "email", org->email);
	set_str(o, "website", org->url);
	set_str(o, "legal_status", org->kind);
	if (org->phone && *org->phone) {
		char id[37];
		json_t *ph = json_object();
		set_req(ph, "id", tg_hsds_derived_uuid(id, org->uuid, "org-phone", 0));
		set_req(ph, "organization_id", org->uuid);
		set_req(ph, "number", org->phone);
		json_t *arr = json_array();
		json_array_append_new(arr, ph);
		json_object_set_new(o, "phones", arr);
	}
	return o;
}

static int has_place(const struct tg_resource *r)
{
	return r->has_geo || (r->address_line && *r->address_line) || (r->city && *r->city);
}

json_t *tg_hsds_location(const struct tg_resource *r, int hide_location)
{
	char id[37], aid[37];
	if (hide_location || !has_place(r))
		return NULL;
	json_t *l = json_object();
	tg_hsds_derived_uuid(id, r->uuid, "location", 0);
	set_req(l, "id", id);
	set_req(l, "location_type", "physical");
	set_str(l, "name", r->name);
	if (r->has_geo) {
		json_object_set_new(l, "latitude", json_real(r->lat));
		json_object_set_new(l, "longitude", json_real(r->lon));
	}
	set_str(l, "transportation", r->accessibility_notes);
	if ((r->address_line && *r->address_line) || (r->city && *r->city)) {
		json_t *ad = json_object();
		set_req(ad, "id", tg_hsds_derived_uuid(aid, r->uuid, "address", 0));
		set_req(ad, "location_id", id);
		set_req(ad, "address_1", r->address_line);
		set_str(ad, "address_2", r->building);
		set_req(ad, "city", r->city);
		set_req(ad, "state_province", r->prefecture);
		set_req(ad, "postal_code", r->postal_code);
		set_req(ad, "country", "JP");
		set_req(ad, "address_type", "physical");
		json_t *arr = json_array();
		json_array_append_new(arr, ad);
		json_object_set_new(l, "addresses", arr);
	}
	return l;
}

json_t *tg_hsds_service_at_location(const struct tg_resource *r, int hide_location)
{
	json_t *loc = tg_hsds_location(r, hide_location);
	if (!loc)
		return NULL;
	json_t *s = json_object();
	/* one location per service: the service's id names its service_at_location
	 * too (ids are unique per table), so /service_at_locations/{id} is a lookup */
	set_req(s, "id", r->uuid);
	set_req(s, "service_id", r->uuid);
	set_req(s, "location_id", json_string_value(json_object_get(loc, "id")));
	json_object_set_new(s, "location", loc);
	return s;
}

/* "HH:MM:SS"; min is 0..1440 (1440 -> "24:00:00", the end of the day). */
static void hhmmss(char out[16], int min)
{
	unsigned m = min < 0 ? 0u : min > 1440 ? 1440u : (unsigned)min;
	snprintf(out, 16, "%02u:%02u:00", m / 60, m % 60);
}

static json_t *schedules(const struct tg_resource *r)
{
	static const char *const rr[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
	json_t *arr = json_array();
	char *done = tg_xcalloc(r->n_hours ? r->n_hours : 1, 1);
	int k = 0;
	for (size_t i = 0; i < r->n_hours; i++) {
		if (done[i])
			continue;
		char byday[64] = "";
		size_t bl = 0;
		int holiday = 0;
		for (size_t j = i; j < r->n_hours; j++) {
			const struct tg_hours *h = &r->hours[j];
			if (done[j] || h->open_min != r->hours[i].open_min || h->close_min != r->hours[i].close_min)
				continue;
			done[j] = 1;
			if (h->weekday == TG_WEEKDAY_HOLIDAY) {
				holiday = 1;
			} else if (h->weekday >= 0 && h->weekday < 7 && !strstr(byday, rr[h->weekday])) {
				int w = snprintf(byday + bl, sizeof(byday) - bl, "%s%s", bl ? "," : "", rr[h->weekday]);
				if (w > 0 && (size_t)w < sizeof(byday) - bl)
					bl += (size_t)w;
			}
		}
		char id[37], t1[16], t2[16];
		json_t *s = json_object();
		set_req(s, "id", tg_hsds_derived_uuid(id, r->uuid, "schedule", k++));
		set_req(s, "service_id", r->uuid);
		set_req(s, "freq", "WEEKLY");
		set_str(s, "wkst", "MO");
		set_str(s, "byday", byday);
		hhmmss(t1, r->hours[i].open_min);
		hhmmss(t2, r->hours[i].close_min);
		set_req(s, "opens_at", t1);
		set_req(s, "closes_at", t2);
		if (holiday)
			set_req(s, "description", bl ? HSDS_HOLIDAY_ALSO : HSDS_HOLIDAY_ONLY);
		set_str(s, "notes", r->schedule_note);
		json_array_append_new(arr, s);
	}
	free(done);
	if (!r->n_hours && r->schedule_note && *r->schedule_note) {
		char id[37];
		json_t *s = json_object();
		set_req(s, "id", tg_hsds_derived_uuid(id, r->uuid, "schedule", 0));
		set_req(s, "service_id", r->uuid);
		set_req(s, "description", r->schedule_note);
		json_array_append_new(arr, s);
	}
	return arr;
}

static void add_attr(json_t *arr, const char *service_uuid, json_t *term, int k)
{
	char id[37];
	json_t *a = json_object();
	set_req(a, "id", tg_hsds_derived_uuid(id, service_uuid, "attribute", k));
	set_req(a, "link_id", service_uuid);
	set_req(a, "link_type", "service");
	set_req(a, "link_entity", "service");
	set_req(a, "taxonomy_term_id", json_string_value(json_object_get(term, "id")));
	json_object_set_new(a, "taxonomy_term", term);
	json_array_append_new(arr, a);
}

json_t *tg_hsds_service(const struct tg_resource *r, const struct tg_org *org, const struct tg_hsds_ctx *ctx,
                        int hide_location)
{
	char id[37];
	json_t *s = json_object();
	set_req(s, "id", r->uuid);
	set_req(s, "name", r->name);
	set_req(s, "status", "active");
	set_str(s, "alternate_name", r->name_kana);
	set_str(s, "description", r->description);
	set_str(s, "url", r->url);
	set_str(s, "fees_description",
	        r->fee_free == TG_FEE_FREE ? (r->fee_text ? r->fee_text : HSDS_FREE_TEXT) : r->fee_text);
	if (r->age_min_months >= 0)
		json_object_set_new(s, "minimum_age", json_real(r->age_min_months / 12.0));
	if (r->age_max_months >= 0) {
		if (r->age_max_months % 12 == 11)
			json_object_set_new(s, "maximum_age", json_integer((r->age_max_months - 11) / 12));
		else
			json_object_set_new(s, "maximum_age", json_real(r->age_max_months / 12.0));
	}
	set_str(s, "assured_date", r->verified_at);
	set_str(s, "last_modified", r->updated_at);
	if (org) {
		set_req(s, "organization_id", org->uuid);
		json_object_set_new(s, "organization", tg_hsds_organization(org));
	}
	json_t *phones = json_array(), *contacts = json_array();
	if (!hide_location) {
		set_str(s, "email", r->email);
		if (r->phone && *r->phone) {
			json_t *ph = json_object();
			set_req(ph, "id", tg_hsds_derived_uuid(id, r->uuid, "phone", 0));
			set_req(ph, "service_id", r->uuid);
			set_req(ph, "number", r->phone);
			set_req(ph, "type", "voice");
			json_array_append_new(phones, ph);
		}
	} else if (r->front_door && *r->front_door) {
		json_t *c = json_object();
		set_req(c, "id", tg_hsds_derived_uuid(id, r->uuid, "front_door", 0));
		set_req(c, "service_id", r->uuid);
		set_req(c, "name", r->front_door);
		set_req(c, "title", HSDS_FRONT_DOOR_TITLE);
		json_array_append_new(contacts, c);
	}
	json_object_set_new(s, "phones", phones);
	json_object_set_new(s, "contacts", contacts);
	json_object_set_new(s, "schedules", schedules(r));
	json_t *sal = json_array();
	json_t *one = tg_hsds_service_at_location(r, hide_location);
	if (one)
		json_array_append_new(sal, one);
	json_object_set_new(s, "service_at_locations", sal);
	json_t *attrs = json_array();
	int k = 0;
	if (r->type_code)
		add_attr(attrs, r->uuid, type_term(ctx, r->type_code), k++);
	for (size_t i = 0; i < r->n_services; i++)
		add_attr(attrs, r->uuid, tag_term(ctx, r->services[i]), k++);
	for (size_t i = 0; i < r->n_access; i++)
		add_attr(attrs, r->uuid, tag_term(ctx, r->access[i]), k++);
	json_object_set_new(s, "attributes", attrs);
	return s;
}

/* ---- import ---- */

struct hctx {
	struct tg_import_batch *b;
	const struct tg_hsds_import_options *o;
	json_t *orgs; /* "organizations" array or NULL */
	size_t line;
	const char *path; /* "services[3]" */
	int errors;
};

static void herr(struct hctx *x, const char *field, const char *msg)
{
	char col[128];
	snprintf(col, sizeof(col), "%s.%s", x->path, field);
	tg_import_batch_error(x->b, x->line, col, msg);
	x->errors++;
}

/* A string member copied into the arena, NULL when absent/empty/not a string. */
static const char *jstr(struct hctx *x, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		herr(x, k, "文字列ではありません (not a string)");
		return NULL;
	}
	if (!json_string_length(v))
		return NULL;
	return tg_arena_strndup(x->b->arena, json_string_value(v), json_string_length(v));
}

static int parse_hms(const char *s, int *min)
{
	int h, m, sec = 0, n = 0;
	if (!s || (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2))
		return -1;
	if (s[n] == ':' && sscanf(s + n, ":%2d", &sec) != 1)
		return -1;
	if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	return 0;
}

static void import_schedules(struct hctx *x, json_t *arr, struct tg_resource *r, const char *where)
{
	static const char *const rr[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
	size_t i;
	json_t *s;
	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, s)
	{
		const char *freq = json_string_value(json_object_get(s, "freq"));
		const char *byday = json_string_value(json_object_get(s, "byday"));
		const char *oa = json_string_value(json_object_get(s, "opens_at"));
		const char *ca = json_string_value(json_object_get(s, "closes_at"));
		const char *desc = json_string_value(json_object_get(s, "description"));
		int open, close;
		/* tsunagu's own export says so when the hours hold on holidays */
		int holiday = desc && (!strcmp(desc, HSDS_HOLIDAY_ALSO) || !strcmp(desc, HSDS_HOLIDAY_ONLY));
		if ((!byday && !holiday) || !oa || !ca || (freq && strcmp(freq, "WEEKLY") != 0)) {
			if (desc && *desc && !r->schedule_note)
				r->schedule_note = tg_arena_strdup(x->b->arena, desc);
			continue;
		}
		if (parse_hms(oa, &open) || parse_hms(ca, &close) || open >= close) {
			herr(x, where, "スケジュールの時刻が不正です (invalid opens_at/closes_at)");
			continue;
		}
		if (holiday && r->n_hours < 64)
			r->hours[r->n_hours++] = (struct tg_hours){TG_WEEKDAY_HOLIDAY, open, close};
		for (const char *p = byday ? byday : ""; *p;) {
			while (*p == ',' || *p == ' ')
				p++;
			if (!*p)
				break;
			int d = -1;
			for (int k = 0; k < 7; k++)
				if (strncmp(p, rr[k], 2) == 0)
					d = k;
			if (d < 0 || r->n_hours >= 64) {
				herr(x, where, "bydayが不正です (invalid byday)");
				break;
			}
			r->hours[r->n_hours].weekday = d;
			r->hours[r->n_hours].open_min = open;
			r->hours[r->n_hours].close_min = close;
			r->n_hours++;
			p += 2;
		}
		const char *notes = json_string_value(json_object_get(s, "notes"));
		if (notes && *notes && !r->schedule_note)
			r->schedule_note = tg_arena_strdup(x->b->arena, notes);
	}
}

static const struct tg_tag *find_tag(const struct tg_hsds_ctx *c, const char *code)
{
	for (size_t i = 0; c && i < c->n_tags; i++)
		if (strcmp(c->tags[i].code, code) == 0)
			return &c->tags[i];
	return NULL;
}

static void import_attributes(struct hctx *x, json_t *arr, struct tg_resource *r)
{
	size_t i;
	json_t *a;
	struct tg_arena *ar = x->b->arena;
	if (!json_is_array(arr))
		return;
	size_t n = json_array_size(arr);
	r->services = TG_ARENA_ARRAY(ar, const char *, n + 1);
	r->access = TG_ARENA_ARRAY(ar, const char *, n + 1);
	json_array_foreach(arr, i, a)
	{
		json_t *t = json_object_get(a, "taxonomy_term");
		const char *code = json_string_value(json_object_get(t, "code"));
		const char *tax = json_string_value(json_object_get(t, "taxonomy"));
		if (!tax)
			tax = json_string_value(json_object_get(json_object_get(t, "taxonomy_detail"), "name"));
		if (!code || !tax)
			continue;
		if (strcmp(tax, TG_HSDS_TAXONOMY_TYPES) == 0) {
			r->type_code = tg_arena_strdup(ar, code);
		} else if (strcmp(tax, TG_HSDS_TAXONOMY_TAGS) == 0) {
			const struct tg_tag *tag = find_tag(x->o->ctx, code);
			if (!tag)
				herr(x, "attributes", "不明なタグです (unknown tag)");
			else if (strcmp(tag->kind, "access") == 0)
				r->access[r->n_access++] = tag->code;
			else
				r->services[r->n_services++] = tag->code;
		}
	}
}

static json_t *find_org(struct hctx *x, const char *id)
{
	size_t i;
	json_t *o;
	if (!id || !json_is_array(x->orgs))
		return NULL;
	json_array_foreach(x->orgs, i, o)
	{
		const char *oid = json_string_value(json_object_get(o, "id"));
		if (oid && strcmp(oid, id) == 0)
			return o;
	}
	return NULL;
}

static void import_service(struct hctx *x, json_t *s)
{
	struct tg_arena *a = x->b->arena;
	struct tg_import_row *row = tg_import_batch_add_row(x->b, x->line);
	struct tg_resource *r = &row->res;
	if (!json_is_object(s)) {
		herr(x, "id", "サービスはオブジェクトである必要があります (service must be an object)");
		goto out;
	}
	r->source = "hsds";
	r->source_id = jstr(x, s, "id");
	if (!r->source_id)
		herr(x, "id", "idは必須です (id is required)");
	r->name = jstr(x, s, "name");
	if (!r->name)
		herr(x, "name", "名称は必須です (name is required)");
	r->name_kana = jstr(x, s, "alternate_name");
	r->description = jstr(x, s, "description");
	r->url = jstr(x, s, "url");
	r->email = jstr(x, s, "email");
	r->fee_text = jstr(x, s, "fees_description");
	if (r->fee_text && !strcmp(r->fee_text, HSDS_FREE_TEXT)) {
		/* what the export writes for a free place without a fee text */
		r->fee_free = TG_FEE_FREE;
		r->fee_text = NULL;
	}
	r->verified_at = NULL;
	json_t *v = json_object_get(s, "minimum_age");
	if (json_is_number(v)) {
		double y = json_number_value(v);
		if (y < 0 || y > 120)
			herr(x, "minimum_age", "年齢が不正です (invalid age)");
		else
			r->age_min_months = (int)lround(y * 12);
	}
	v = json_object_get(s, "maximum_age");
	if (json_is_number(v)) {
		double y = json_number_value(v);
		if (y < 0 || y > 120)
			herr(x, "maximum_age", "年齢が不正です (invalid age)");
		else if (y == floor(y))
			r->age_max_months = (int)y * 12 + 11;
		else
			r->age_max_months = (int)lround(y * 12);
	}
	/* organization: embedded, or by organization_id in "organizations" */
	json_t *org = json_object_get(s, "organization");
	if (!json_is_object(org))
		org = find_org(x, json_string_value(json_object_get(s, "organization_id")));
	if (json_is_object(org)) {
		struct tg_org *o = TG_ARENA_NEW(a, struct tg_org);
		o->uuid = jstr(x, org, "id");
		o->name = jstr(x, org, "name");
		o->description = jstr(x, org, "description");
		o->email = jstr(x, org, "email");
		o->url = jstr(x, org, "website");
		o->name_kana = jstr(x, org, "alternate_name");
		row->org = o;
		row->org_name = o->name;
	}
	json_t *ph = json_array_get(json_object_get(s, "phones"), 0);
	if (ph)
		r->phone = jstr(x, ph, "number");
	r->hours = TG_ARENA_ARRAY(a, struct tg_hours, 64);
	import_schedules(x, json_object_get(s, "schedules"), r, "schedules");
	json_t *sal = json_array_get(json_object_get(s, "service_at_locations"), 0);
	json_t *loc = json_object_get(sal, "location");
	if (json_is_object(loc)) {
		json_t *la = json_object_get(loc, "latitude"), *lo = json_object_get(loc, "longitude");
		if (json_is_number(la) && json_is_number(lo)) {
			r->lat = json_number_value(la);
			r->lon = json_number_value(lo);
			r->has_geo = 1;
		}
		json_t *ad = json_array_get(json_object_get(loc, "addresses"), 0);
		if (json_is_object(ad)) {
			r->address_line = jstr(x, ad, "address_1");
			r->building = jstr(x, ad, "address_2");
			r->city = jstr(x, ad, "city");
			r->prefecture = jstr(x, ad, "state_province");
			r->postal_code = jstr(x, ad, "postal_code");
			row->area_city = r->city;
		}
		if (!r->phone)
			r->phone = jstr(x, json_array_get(json_object_get(loc, "phones"), 0), "number");
		r->accessibility_notes = jstr(x, loc, "transportation");
		if (!r->n_hours)
			import_schedules(x, json_object_get(loc, "schedules"), r, "location.schedules");
	}
	if (!r->n_hours)
		import_schedules(x, json_object_get(sal, "schedules"), r, "service_at_locations.schedules");
	import_attributes(x, json_object_get(s, "attributes"), r);
	if (!r->type_code)
		r->type_code = x->o->default_type;
	if (!r->type_code)
		herr(x, "attributes", "種別の分類がありません (no " TG_HSDS_TAXONOMY_TYPES " taxonomy term)");
	r->is_public = x->o->make_public;
	/* tsunagu's own export derives its ids from the service's (the type's
	 * attribute always, the location when there is one): the service may be
	 * a resource of this database, matched by uuid (import.h uuid_hint) */
	char did[37];
	const char *aid = json_string_value(json_object_get(json_array_get(json_object_get(s, "attributes"), 0), "id"));
	const char *lid = json_string_value(json_object_get(loc, "id"));
	if (r->source_id && ((aid && !strcmp(aid, tg_hsds_derived_uuid(did, r->source_id, "attribute", 0))) ||
	                     (lid && !strcmp(lid, tg_hsds_derived_uuid(did, r->source_id, "location", 0))))) {
		row->uuid_hint = r->source_id;
		/* HSDS cannot say whether a place is public: a tsunagu export holds
		 * staff-only places too, so one this import creates (not found here
		 * by uuid) is staff-only; a place whose only contact is its front
		 * door was confidential. A place found keeps its own (keep_unowned).
		 * tsunagu's CSV export carries both flags. */
		r->is_public = 0;
		json_t *c = json_array_get(json_object_get(s, "contacts"), 0);
		const char *title = json_string_value(json_object_get(c, "title"));
		if (title && !strcmp(title, HSDS_FRONT_DOOR_TITLE)) {
			r->front_door = jstr(x, c, "name");
			r->is_confidential = r->front_door != NULL;
		}
	}
out:
	if (x->errors)
		tg_import_batch_reject_last(x->b);
}

enum tg_rc tg_hsds_parse(const char *json, size_t len, const struct tg_hsds_import_options *o,
                         struct tg_import_batch *b)
{
	enum tg_rc rc = TG_OK;
	json_error_t jerr;
	json_t *root = NULL, *services = NULL;
	char msg[300];

	if (len > TG_HSDS_MAX_INPUT) {
		tg_import_batch_error(b, 1, "", "ファイルが大きすぎます (file too large)");
		rc = TG_ERR_TOO_LARGE;
		goto fatal;
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(msg, sizeof(msg), "JSONとして読めません (%d行目) (invalid JSON at line %d: %s)", jerr.line,
		         jerr.line, jerr.text);
		tg_import_batch_error(b, jerr.line > 0 ? (size_t)jerr.line : 1, "", msg);
		rc = TG_ERR_INVALID;
		goto fatal;
	}
	struct hctx x = {b, o, NULL, 0, "", 0};
	if (json_is_array(root)) {
		services = root;
	} else if (json_is_object(root) && json_is_array(json_object_get(root, "services"))) {
		services = json_object_get(root, "services");
		x.orgs = json_object_get(root, "organizations");
	} else if (json_is_object(root) && json_is_array(json_object_get(root, "contents"))) {
		services = json_object_get(root, "contents");
	} else if (json_is_object(root) && json_object_get(root, "id") && json_object_get(root, "name")) {
		services = json_array();
		json_array_append(services, root);
		json_decref(root);
		root = services;
	} else {
		tg_import_batch_error(b, 1, "",
		                      "HSDSのサービス配列がありません (expected an array of services or "
		                      "{\"services\": [...]})");
		rc = TG_ERR_INVALID;
		goto fatal;
	}
	size_t i;
	json_t *s;
	char path[48];
	json_array_foreach(services, i, s)
	{
		snprintf(path, sizeof(path), "services[%zu]", i);
		x.path = path;
		x.line = i + 1;
		x.errors = 0;
		import_service(&x, s);
	}
	goto out;
fatal:
	b->fatal = 1;
out:
	json_decref(root);
	return rc;
}
