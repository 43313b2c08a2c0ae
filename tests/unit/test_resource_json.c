/*
 * test_resource_json.c - unit tests for io/resource_json.c: the Resource
 * example of docs/api.md reproduced exactly, summary and hidden-location
 * shapes, round trip (to_json then from_json), every JSON type error with
 * its field path, unknown and read-only members, nulls and empty strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "io/resource_json.h"

struct fixture {
	struct tg_resource r;
	struct tg_hours hours[2];
	struct tg_exception ex[2];
	const char *services[2];
	const char *access[2];
};

/* The Resource of docs/api.md ("…" replaced by concrete text). */
static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	struct tg_resource *r = &f->r;
	r->id = 12;
	r->uuid = "7d0c1a52-2f3e-4b8e-9a51-0c4f1b2d3e4f";
	r->version = 3;
	r->org_id = 2;
	r->org_name = "NPO法人 ひだまり";
	r->type_code = "tsudoi";
	r->name = "ひだまりひろば";
	r->name_kana = "ひだまりひろば";
	r->description = "親子で過ごせる広場です。";
	r->area_id = 5;
	r->postal_code = "231-0001";
	r->prefecture = "神奈川県";
	r->city = "みなと市さくら区";
	r->address_line = "本町1-2-3";
	r->building = "さくらビル2階";
	r->has_geo = 1;
	r->lat = 35.44;
	r->lon = 139.63;
	r->phone = "045-123-4567";
	r->age_min_months = 0;
	r->age_max_months = 36;
	r->fee_free = 1;
	r->capacity = 15;
	f->services[0] = "ibasho";
	f->services[1] = "soudan";
	r->services = f->services;
	r->n_services = 2;
	f->access[0] = "stroller";
	f->access[1] = "nursing_room";
	r->access = f->access;
	r->n_access = 2;
	r->accessibility_notes = "エレベーターあり";
	f->hours[0] = (struct tg_hours){1, 600, 900};
	r->hours = f->hours;
	r->n_hours = 1;
	f->ex[0] = (struct tg_exception){"2026-12-29", 1, 0, 0, "年末年始"};
	r->exceptions = f->ex;
	r->n_exceptions = 1;
	r->is_public = 1;
	r->verified_at = "2026-04-01";
	r->source = "manual";
	r->created_at = "2026-04-01T01:02:03Z";
	r->updated_at = "2026-04-02T01:02:03Z";
}

static const char *const area_path[] = {"みなと市", "さくら区", "北地区"};

static const char doc_example[] =
    "{\"id\": 12, \"uuid\": \"7d0c1a52-2f3e-4b8e-9a51-0c4f1b2d3e4f\", \"version\": 3,"
    " \"org\": {\"id\": 2, \"name\": \"NPO法人 ひだまり\"},"
    " \"type\": \"tsudoi\", \"type_name\": \"親と子のつどいの広場\","
    " \"name\": \"ひだまりひろば\", \"name_kana\": \"ひだまりひろば\","
    " \"description\": \"親子で過ごせる広場です。\","
    " \"area_id\": 5, \"area_path\": [\"みなと市\", \"さくら区\", \"北地区\"],"
    " \"address\": {\"postal_code\": \"231-0001\", \"prefecture\": \"神奈川県\","
    " \"city\": \"みなと市さくら区\", \"line\": \"本町1-2-3\", \"building\": \"さくらビル2階\"},"
    " \"location\": {\"lat\": 35.44, \"lon\": 139.63},"
    " \"address_hidden\": false, \"front_door\": null,"
    " \"phone\": \"045-123-4567\", \"email\": null, \"url\": null,"
    " \"ages\": {\"min_months\": 0, \"max_months\": 36},"
    " \"fee\": {\"free\": true, \"text\": null},"
    " \"capacity\": 15,"
    " \"services\": [\"ibasho\", \"soudan\"], \"access\": [\"stroller\", \"nursing_room\"],"
    " \"accessibility_notes\": \"エレベーターあり\","
    " \"hours\": [{\"weekday\": 1, \"open\": \"10:00\", \"close\": \"15:00\"}],"
    " \"exceptions\": [{\"date\": \"2026-12-29\", \"closed\": true, \"open\": null,"
    " \"close\": null, \"note\": \"年末年始\"}],"
    " \"schedule_note\": null, \"open_now\": false,"
    " \"is_public\": true, \"is_confidential\": false,"
    " \"verified_at\": \"2026-04-01\", \"verification_due\": false,"
    " \"source\": \"manual\", \"source_id\": null,"
    " \"created_at\": \"2026-04-01T01:02:03Z\", \"updated_at\": \"2026-04-02T01:02:03Z\","
    " \"can_edit\": true}";

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_ALLOW_NUL, &e);
	if (!j)
		fail_msg("bad test JSON: %s: %s", e.text, text);
	return j;
}

static struct tg_resource_json_opts full_opts(void)
{
	struct tg_resource_json_opts o = {0};
	o.type_name = "親と子のつどいの広場";
	o.area_path = area_path;
	o.n_area_path = 3;
	o.show_location = 1;
	o.can_edit = 1;
	return o;
}

static void test_doc_example_exact(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	struct tg_resource_json_opts o = full_opts();
	json_t *got = tg_resource_to_json(&f.r, &o);
	json_t *want = load(doc_example);
	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS);
		char *w = json_dumps(want, JSON_SORT_KEYS);
		fail_msg("got  %s\nwant %s", g, w);
	}
	/* members come out in the documented order */
	const char *order[] = {"id", "uuid", "version", "org", "type", "type_name", "name"};
	void *it = json_object_iter(got);
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++, it = json_object_iter_next(got, it))
		assert_string_equal(json_object_iter_key(it), order[i]);
	json_decref(got);
	json_decref(want);
}

static void test_hidden_location(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	f.r.is_confidential = 1;
	f.r.front_door = "区こども家庭支援課 045-000-0000";
	struct tg_resource_json_opts o = full_opts();
	o.show_location = 0;
	json_t *j = tg_resource_to_json(&f.r, &o);
	assert_true(json_is_null(json_object_get(j, "address")));
	assert_true(json_is_null(json_object_get(j, "location")));
	assert_true(json_is_true(json_object_get(j, "address_hidden")));
	assert_true(json_is_true(json_object_get(j, "is_confidential")));
	assert_string_equal(json_string_value(json_object_get(j, "front_door")), "区こども家庭支援課 045-000-0000");
	/* nothing of the address leaks anywhere in the text */
	char *text = json_dumps(j, 0);
	assert_null(strstr(text, "本町"));
	assert_null(strstr(text, "35.44"));
	assert_null(strstr(text, "231-0001"));
	free(text);
	json_decref(j);

	/* NULL options: hidden too, and flags false */
	j = tg_resource_to_json(&f.r, NULL);
	assert_true(json_is_null(json_object_get(j, "address")));
	assert_true(json_is_true(json_object_get(j, "address_hidden")));
	assert_true(json_is_false(json_object_get(j, "can_edit")));
	assert_true(json_is_null(json_object_get(j, "type_name")));
	assert_int_equal(json_array_size(json_object_get(j, "area_path")), 0);
	json_decref(j);
}

static void test_summary_shape(void **state)
{
	(void)state;
	static const char *const keys[] = {"id",
	                                   "uuid",
	                                   "org",
	                                   "type",
	                                   "type_name",
	                                   "name",
	                                   "name_kana",
	                                   "area_path",
	                                   "address",
	                                   "location",
	                                   "address_hidden",
	                                   "front_door",
	                                   "phone",
	                                   "ages",
	                                   "fee",
	                                   "services",
	                                   "is_public",
	                                   "is_confidential",
	                                   "verified_at",
	                                   "verification_due"};
	struct fixture f;
	fixture_init(&f);
	struct tg_resource_json_opts o = full_opts();
	o.summary = 1;
	o.verification_due = 1;
	json_t *j = tg_resource_to_json(&f.r, &o);
	size_t n = sizeof keys / sizeof keys[0];
	assert_int_equal(json_object_size(j), n);
	for (size_t i = 0; i < n; i++) {
		if (!json_object_get(j, keys[i]))
			fail_msg("summary lacks %s", keys[i]);
	}
	assert_true(json_is_true(json_object_get(j, "verification_due")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "org"), "name")), "NPO法人 ひだまり");
	/* the caller may add search members */
	json_object_set_new(j, "distance_m", json_integer(812));
	assert_int_equal(json_integer_value(json_object_get(j, "distance_m")), 812);
	json_decref(j);
}

static void test_nulls_out(void **state)
{
	(void)state;
	struct tg_resource r;
	memset(&r, 0, sizeof r);
	r.name = "ひろば";
	r.type_code = "hiroba";
	r.age_min_months = r.age_max_months = r.capacity = -1;
	struct tg_resource_json_opts o = {0};
	o.show_location = 1;
	json_t *j = tg_resource_to_json(&r, &o);
	assert_true(json_is_null(json_object_get(j, "org")));
	assert_true(json_is_null(json_object_get(j, "area_id")));
	assert_true(json_is_null(json_object_get(j, "address")));
	assert_true(json_is_null(json_object_get(j, "location")));
	assert_true(json_is_false(json_object_get(j, "address_hidden")));
	assert_true(json_is_null(json_object_get(j, "capacity")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "ages"), "min_months")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "ages"), "max_months")));
	assert_int_equal(json_array_size(json_object_get(j, "hours")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "services")), 0);
	/* invalid UTF-8 never reaches the output as a string */
	r.description = "bad\xFF";
	json_decref(j);
	j = tg_resource_to_json(&r, &o);
	assert_true(json_is_null(json_object_get(j, "description")));
	json_decref(j);
}

static void assert_str_eq(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		fail_msg("%s: %s != %s", what, a ? a : "(null)", b ? b : "(null)");
}

static void assert_same_input(const struct tg_resource *a, const struct tg_resource *b)
{
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->org_id, b->org_id);
	assert_str_eq(a->type_code, b->type_code, "type");
	assert_str_eq(a->name, b->name, "name");
	assert_str_eq(a->name_kana, b->name_kana, "name_kana");
	assert_str_eq(a->description, b->description, "description");
	assert_int_equal(a->area_id, b->area_id);
	assert_str_eq(a->postal_code, b->postal_code, "postal_code");
	assert_str_eq(a->prefecture, b->prefecture, "prefecture");
	assert_str_eq(a->city, b->city, "city");
	assert_str_eq(a->address_line, b->address_line, "line");
	assert_str_eq(a->building, b->building, "building");
	assert_int_equal(a->has_geo, b->has_geo);
	if (a->has_geo) {
		assert_true(a->lat == b->lat);
		assert_true(a->lon == b->lon);
	}
	assert_str_eq(a->front_door, b->front_door, "front_door");
	assert_str_eq(a->phone, b->phone, "phone");
	assert_str_eq(a->email, b->email, "email");
	assert_str_eq(a->url, b->url, "url");
	assert_int_equal(a->age_min_months, b->age_min_months);
	assert_int_equal(a->age_max_months, b->age_max_months);
	assert_int_equal(a->fee_free, b->fee_free);
	assert_str_eq(a->fee_text, b->fee_text, "fee_text");
	assert_int_equal(a->capacity, b->capacity);
	assert_int_equal(a->n_services, b->n_services);
	for (size_t i = 0; i < a->n_services; i++)
		assert_str_eq(a->services[i], b->services[i], "services");
	assert_int_equal(a->n_access, b->n_access);
	for (size_t i = 0; i < a->n_access; i++)
		assert_str_eq(a->access[i], b->access[i], "access");
	assert_str_eq(a->accessibility_notes, b->accessibility_notes, "accessibility_notes");
	assert_int_equal(a->n_hours, b->n_hours);
	for (size_t i = 0; i < a->n_hours; i++) {
		assert_int_equal(a->hours[i].weekday, b->hours[i].weekday);
		assert_int_equal(a->hours[i].open_min, b->hours[i].open_min);
		assert_int_equal(a->hours[i].close_min, b->hours[i].close_min);
	}
	assert_int_equal(a->n_exceptions, b->n_exceptions);
	for (size_t i = 0; i < a->n_exceptions; i++) {
		assert_str_eq(a->exceptions[i].date, b->exceptions[i].date, "date");
		assert_int_equal(a->exceptions[i].closed, b->exceptions[i].closed);
		assert_int_equal(a->exceptions[i].open_min, b->exceptions[i].open_min);
		assert_int_equal(a->exceptions[i].close_min, b->exceptions[i].close_min);
		assert_str_eq(a->exceptions[i].note, b->exceptions[i].note, "note");
	}
	assert_str_eq(a->schedule_note, b->schedule_note, "schedule_note");
	assert_int_equal(a->is_public, b->is_public);
	assert_int_equal(a->is_confidential, b->is_confidential);
	assert_str_eq(a->verified_at, b->verified_at, "verified_at");
	assert_str_eq(a->source, b->source, "source");
	assert_str_eq(a->source_id, b->source_id, "source_id");
}

static void round_trip(const struct tg_resource *r)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_resource back;
	struct tg_field_error err = {0};
	struct tg_resource_json_opts o = full_opts();
	json_t *j = tg_resource_to_json(r, &o);
	/* through text, as the API does */
	char *text = json_dumps(j, 0);
	json_t *parsed = load(text);
	enum tg_rc rc = tg_resource_from_json(parsed, &a, &back, &err);
	if (rc)
		fail_msg("round trip failed at %s: %s", err.field, err.message);
	assert_same_input(r, &back);
	assert_int_equal(back.id, 0); /* read-only, ignored */
	assert_null(back.uuid);
	assert_null(back.created_at);
	free(text);
	json_decref(parsed);
	json_decref(j);
	tg_arena_release(&a);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	round_trip(&f.r);

	/* every optional field set, several hours, an open exception */
	f.r.email = "info@hidamari.example.jp";
	f.r.url = "https://hidamari.example.jp/";
	f.r.fee_free = 0;
	f.r.fee_text = "1回100円\n兄弟は無料";
	f.r.front_door = "代表電話へ";
	f.r.is_confidential = 1;
	f.r.schedule_note = "第3水曜は休み";
	f.r.source = "jp-facilities:141003";
	f.r.source_id = "A-17";
	f.r.lat = -33.868812345678;
	f.r.lon = 151.209312345678;
	f.hours[1] = (struct tg_hours){7, 570, 1440};
	f.r.n_hours = 2;
	f.ex[1] = (struct tg_exception){"2027-01-11", 0, 780, 840, NULL};
	f.r.n_exceptions = 2;
	round_trip(&f.r);

	/* the minimum */
	struct tg_resource r;
	memset(&r, 0, sizeof r);
	r.name = "ひろば";
	r.type_code = "hiroba";
	r.age_min_months = r.age_max_months = r.capacity = -1;
	round_trip(&r);
}

struct bad_case {
	const char *json;
	const char *field;
	const char *english; /* substring of the message */
};

static const struct bad_case bad_cases[] = {
    {"{\"name\": 1}", "name", "name must be a string"},
    {"{\"name\": \"a\\u0000b\"}", "name", "NUL"},
    {"{\"type\": [\"hiroba\"]}", "type", "type must be a string"},
    {"{\"name_kana\": true}", "name_kana", "must be a string"},
    {"{\"description\": {}}", "description", "must be a string"},
    {"{\"capacity\": \"10\"}", "capacity", "capacity must be an integer"},
    {"{\"capacity\": 1.5}", "capacity", "capacity must be an integer"},
    {"{\"capacity\": 99999999999}", "capacity", "out of range"},
    {"{\"version\": \"3\"}", "version", "version must be an integer"},
    {"{\"version\": -1}", "version", "out of range"},
    {"{\"org_id\": \"2\"}", "org_id", "must be an integer"},
    {"{\"org\": \"NPO\"}", "org", "must be an object"},
    {"{\"org\": {\"id\": \"2\"}}", "org.id", "must be an integer"},
    {"{\"area_id\": true}", "area_id", "must be an integer"},
    {"{\"area_id\": -3}", "area_id", "out of range"},
    {"{\"address\": \"本町1-2-3\"}", "address", "address must be an object"},
    {"{\"address\": {\"city\": 5}}", "address.city", "must be a string"},
    {"{\"address\": {\"postal_code\": 2310001}}", "address.postal_code", "must be a string"},
    {"{\"address\": {\"line\": null, \"building\": false}}", "address.building", "string"},
    {"{\"location\": [35.4, 139.6]}", "location", "must be an object"},
    {"{\"location\": {\"lat\": \"35.4\", \"lon\": 139.6}}", "location.lat", "must be a number"},
    {"{\"location\": {\"lat\": 35.4, \"lon\": \"139.6\"}}", "location.lon", "must be a number"},
    {"{\"location\": {\"lat\": 35.4}}", "location.lon", "lat and lon go together"},
    {"{\"location\": {\"lon\": 139.6, \"lat\": null}}", "location.lat", "together"},
    {"{\"front_door\": 1}", "front_door", "must be a string"},
    {"{\"phone\": 451234567}", "phone", "must be a string"},
    {"{\"email\": []}", "email", "must be a string"},
    {"{\"url\": false}", "url", "must be a string"},
    {"{\"ages\": 3}", "ages", "must be an object"},
    {"{\"ages\": {\"min_months\": \"0\"}}", "ages.min_months", "must be an integer"},
    {"{\"ages\": {\"max_months\": 3.5}}", "ages.max_months", "must be an integer"},
    {"{\"fee\": true}", "fee", "must be an object"},
    {"{\"fee\": {\"free\": \"yes\"}}", "fee.free", "true, false or null"},
    {"{\"fee\": {\"free\": 1}}", "fee.free", "true, false or null"},
    {"{\"fee\": {\"text\": 100}}", "fee.text", "must be a string"},
    {"{\"services\": \"ibasho\"}", "services", "must be an array"},
    {"{\"services\": [\"ibasho\", 2]}", "services[1]", "must be a string"},
    {"{\"access\": [null]}", "access[0]", "must be a string"},
    {"{\"accessibility_notes\": 1}", "accessibility_notes", "must be a string"},
    {"{\"hours\": {}}", "hours", "must be an array"},
    {"{\"hours\": [1]}", "hours[0]", "must be an object"},
    {"{\"hours\": [{\"weekday\": \"1\", \"open\": \"10:00\", \"close\": \"15:00\"}]}", "hours[0].weekday",
     "must be an integer"},
    {"{\"hours\": [{\"weekday\": 1, \"open\": \"10:00\", \"close\": \"15:00\"},"
     " {\"weekday\": 2, \"open\": \"10時\", \"close\": \"15:00\"}]}",
     "hours[1].open", "HH:MM"},
    {"{\"hours\": [{\"weekday\": 1, \"open\": 600, \"close\": \"15:00\"}]}", "hours[0].open", "must be a string"},
    {"{\"hours\": [{\"weekday\": 1, \"open\": \"10:00\", \"close\": \"25:00\"}]}", "hours[0].close", "HH:MM"},
    {"{\"hours\": [{\"weekday\": 1, \"open\": \"10:00\"}]}", "hours[0].close", "required"},
    {"{\"hours\": [{\"open\": \"10:00\", \"close\": \"12:00\"}]}", "hours[0].weekday", "required"},
    {"{\"exceptions\": \"2026-12-29\"}", "exceptions", "must be an array"},
    {"{\"exceptions\": [\"2026-12-29\"]}", "exceptions[0]", "must be an object"},
    {"{\"exceptions\": [{\"closed\": true}]}", "exceptions[0].date", "required"},
    {"{\"exceptions\": [{\"date\": 20261229, \"closed\": true}]}", "exceptions[0].date", "must be a string"},
    {"{\"exceptions\": [{\"date\": \"2026-12-29\", \"closed\": \"true\"}]}", "exceptions[0].closed", "true or false"},
    {"{\"exceptions\": [{\"date\": \"2026-12-29\", \"open\": \"朝\"}]}", "exceptions[0].open", "HH:MM"},
    {"{\"exceptions\": [{\"date\": \"2026-12-29\", \"close\": \"9\"}]}", "exceptions[0].close", "HH:MM"},
    {"{\"exceptions\": [{\"date\": \"2026-12-29\", \"note\": 1}]}", "exceptions[0].note", "must be a string"},
    {"{\"schedule_note\": 3}", "schedule_note", "must be a string"},
    {"{\"is_public\": \"true\"}", "is_public", "true or false"},
    {"{\"is_confidential\": 1}", "is_confidential", "true or false"},
    {"{\"verified_at\": 20260401}", "verified_at", "must be a string"},
    {"{\"source\": 1}", "source", "must be a string"},
    {"{\"source_id\": 17}", "source_id", "must be a string"},
    /* unknown members: typos are caught, with the path */
    {"{\"nmae\": \"ひろば\"}", "nmae", "not a known member"},
    {"{\"org_name\": \"NPO\"}", "org_name", "not a known member"},
    {"{\"address\": {\"postcode\": \"231-0001\"}}", "address.postcode", "not a known member"},
    {"{\"location\": {\"lat\": 35, \"lng\": 139}}", "location.lng", "not a known member"},
    {"{\"ages\": {\"min\": 0}}", "ages.min", "not a known member"},
    {"{\"fee\": {\"amount\": 100}}", "fee.amount", "not a known member"},
    {"{\"hours\": [{\"day\": 1, \"open\": \"10:00\", \"close\": \"15:00\"}]}", "hours[0].day", "not a known member"},
    {"{\"exceptions\": [{\"date\": \"2026-12-29\", \"reason\": \"x\"}]}", "exceptions[0].reason", "not a known member"},
};

static void test_type_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource r;
		struct tg_field_error err = {0};
		json_t *j = load(c->json);
		enum tg_rc rc = tg_resource_from_json(j, &a, &r, &err);
		if (rc != TG_ERR_INVALID)
			fail_msg("%s: expected invalid, got %d", c->json, (int)rc);
		if (!err.field || strcmp(err.field, c->field) != 0)
			fail_msg("%s: expected field %s, got %s", c->json, c->field, err.field ? err.field : "(null)");
		if (!err.message || !strstr(err.message, c->english) ||
		    (unsigned char)err.message[strlen(c->field)] < 0x80)
			fail_msg("%s: message %s lacks %s or is not Japanese first", c->json,
			         err.message ? err.message : "(null)", c->english);
		json_decref(j);
		tg_arena_release(&a);
	}
	/* the exact message of the brief */
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_resource r;
	struct tg_field_error err = {0};
	json_t *j = load("{\"capacity\": \"ten\"}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_ERR_INVALID);
	assert_string_equal(err.message, "capacityは整数で指定してください (capacity must be an integer)");
	json_decref(j);

	/* not an object */
	j = load("[1, 2]");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_ERR_INVALID);
	assert_null(err.field);
	assert_non_null(strstr(err.message, "JSON object"));
	json_decref(j);
	assert_int_equal(tg_resource_from_json(NULL, &a, &r, NULL), TG_ERR_INVALID);
	tg_arena_release(&a);
}

/* fee.free: true, false, or null / absent (not known), in and out */
static void test_fee_known_or_not(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int want;
		const char *out;
	} cases[] = {
	    {"{\"fee\": {\"free\": true, \"text\": null}}", TG_FEE_FREE, "true"},
	    {"{\"fee\": {\"free\": false, \"text\": \"300円\"}}", TG_FEE_PAID, "false"},
	    {"{\"fee\": {\"free\": null, \"text\": null}}", TG_FEE_UNKNOWN, "null"},
	    {"{\"fee\": {\"text\": \"実費\"}}", TG_FEE_UNKNOWN, "null"},
	    {"{\"fee\": null}", TG_FEE_UNKNOWN, "null"},
	    {"{}", TG_FEE_UNKNOWN, "null"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource r;
		struct tg_field_error err = {0};
		json_t *j = load(cases[i].in);
		assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
		assert_int_equal(r.fee_free, cases[i].want);
		json_decref(j);
		struct tg_resource_json_opts o = {0};
		json_t *out = tg_resource_to_json(&r, &o);
		json_t *free_ = json_object_get(json_object_get(out, "fee"), "free");
		char *s = json_dumps(free_, JSON_ENCODE_ANY);
		assert_string_equal(s, cases[i].out);
		free(s);
		json_decref(out);
		tg_arena_release(&a);
	}
	assert_int_equal(tg_fee_norm(5), TG_FEE_FREE);
	assert_int_equal(tg_fee_norm(0), TG_FEE_PAID);
	assert_int_equal(tg_fee_norm(-7), TG_FEE_UNKNOWN);
}

static void test_input_defaults(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_resource r;
	struct tg_field_error err = {0};
	json_t *j = load("{\"name\": \"ひろば\", \"phone\": \"\", \"email\": null,"
	                 " \"capacity\": null, \"location\": null, \"address\": null,"
	                 " \"ages\": {\"min_months\": null, \"max_months\": 36},"
	                 " \"location\": {\"lat\": null, \"lon\": null},"
	                 " \"exceptions\": [{\"date\": \"2026-12-29\", \"closed\": true,"
	                 " \"open\": \"10:00\", \"close\": null},"
	                 " {\"date\": \"2026-12-30\", \"open\": null, \"close\": \"12:00\"}]}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_string_equal(r.name, "ひろば");
	assert_null(r.phone); /* "" from a form means not given */
	assert_null(r.email);
	assert_int_equal(r.capacity, -1);
	assert_int_equal(r.age_min_months, -1);
	assert_int_equal(r.age_max_months, 36);
	assert_int_equal(r.fee_free, TG_FEE_UNKNOWN); /* no fee: not known */
	assert_int_equal(r.has_geo, 0);
	assert_null(r.postal_code);
	assert_int_equal(r.version, 0); /* none given */
	assert_int_equal(r.is_public, 0);
	assert_int_equal(r.n_exceptions, 2);
	assert_int_equal(r.exceptions[0].closed, 1);
	assert_int_equal(r.exceptions[0].open_min, 0); /* closed: canonical */
	assert_int_equal(r.exceptions[1].closed, 0);
	assert_int_equal(r.exceptions[1].open_min, -1); /* validate reports it */
	assert_int_equal(r.exceptions[1].close_min, 720);
	json_decref(j);

	/* an empty name stays "" so validation says it is required */
	j = load("{\"name\": \"\", \"version\": 7}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_string_equal(r.name, "");
	assert_int_equal(r.version, 7);
	json_decref(j);

	/* org_id wins over org.id; org.id is used without it */
	j = load("{\"org\": {\"id\": 4, \"name\": \"x\"}}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_int_equal(r.org_id, 4);
	assert_null(r.org_name);
	json_decref(j);
	j = load("{\"org\": {\"id\": 4}, \"org_id\": 9}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_int_equal(r.org_id, 9);
	json_decref(j);

	/* read-only members are ignored */
	j = load("{\"id\": 99, \"uuid\": \"u\", \"type_name\": \"x\", \"area_path\": [\"a\"],"
	         " \"address_hidden\": true, \"open_now\": true, \"verification_due\": true,"
	         " \"created_at\": \"c\", \"updated_at\": \"u\", \"can_edit\": true,"
	         " \"name\": \"ひろば\"}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_int_equal(r.id, 0);
	assert_null(r.uuid);
	assert_null(r.created_at);
	assert_string_equal(r.name, "ひろば");
	json_decref(j);

	/* integer coordinates are numbers too */
	j = load("{\"location\": {\"lat\": 35, \"lon\": 139}}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_int_equal(r.has_geo, 1);
	assert_true(r.lat == 35.0 && r.lon == 139.0);
	json_decref(j);

	/* "24:00" closes at midnight */
	j = load("{\"hours\": [{\"weekday\": 7, \"open\": \"9:30\", \"close\": \"24:00\"}]}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_int_equal(r.hours[0].weekday, 7);
	assert_int_equal(r.hours[0].open_min, 570);
	assert_int_equal(r.hours[0].close_min, 1440);
	json_decref(j);

	/* numbers typed with a Japanese input method: ASCII digits and dashes */
	j = load("{\"phone\": \" ０４５－１２３－４５６７ \", \"address\": {\"postal_code\": \"２３１ー０００１\"}}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_string_equal(r.phone, "045-123-4567");
	assert_string_equal(r.postal_code, "231-0001");
	json_decref(j);
	j = load("{\"phone\": \"045ー123ー4567\", \"address\": {\"postal_code\": \"　\"}}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	assert_string_equal(r.phone, "045-123-4567");
	assert_null(r.postal_code);
	json_decref(j);

	/* strings are copied: the JSON can go away */
	j = load("{\"name\": \"コピー\", \"services\": [\"ibasho\"]}");
	assert_int_equal(tg_resource_from_json(j, &a, &r, &err), TG_OK);
	json_decref(j);
	assert_string_equal(r.name, "コピー");
	assert_string_equal(r.services[0], "ibasho");
	tg_arena_release(&a);
}

/* from_json does shapes, validate does meaning: the two together, as the
 * handlers call them */
static void test_with_validate(void **state)
{
	(void)state;
	static const struct tg_resource_type types[] = {{"hiroba", "ひろば", "drop-in", 1}};
	static const struct tg_tag tags[] = {{"ibasho", "service", "居場所", "place"}};
	const struct tg_validate_ctx vctx = {types, 1, tags, 1};
	static const struct {
		const char *json;
		const char *field; /* NULL: valid */
	} cases[] = {
	    {"{\"name\": \"ひろば\", \"type\": \"hiroba\"}", NULL},
	    {"{\"name\": \"\", \"type\": \"hiroba\"}", "name"},
	    {"{\"name\": \"ひろば\", \"type\": \"hiroba\", \"hours\": [{\"weekday\": 9,"
	     " \"open\": \"10:00\", \"close\": \"12:00\"}]}",
	     "hours[0].weekday"},
	    {"{\"name\": \"ひろば\", \"type\": \"hiroba\", \"exceptions\": [{\"date\":"
	     " \"2026-12-29\", \"open\": null, \"close\": \"12:00\"}]}",
	     "exceptions[0].open"},
	    {"{\"name\": \"ひろば\", \"type\": \"hiroba\", \"location\": {\"lat\": 95,"
	     " \"lon\": 139}}",
	     "location.lat"},
	    {"{\"name\": \"ひろば\", \"type\": \"hiroba\", \"services\": [\"ibasho\","
	     " \"ibasho\"]}",
	     "services[1]"},
	    {"{\"name\": \"ひろば\", \"type\": \"hiroba\", \"is_confidential\": true}", "front_door"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource r;
		struct tg_field_error err = {0};
		json_t *j = load(cases[i].json);
		enum tg_rc rc = tg_resource_from_json(j, &a, &r, &err);
		if (!rc)
			rc = tg_resource_validate(&r, &vctx, &err);
		if (!cases[i].field && rc != TG_OK)
			fail_msg("%s: unexpected %s", cases[i].json, err.field);
		if (cases[i].field && (rc != TG_ERR_INVALID || !err.field || strcmp(err.field, cases[i].field) != 0))
			fail_msg("%s: expected %s, got %s", cases[i].json, cases[i].field,
			         err.field ? err.field : "(null)");
		json_decref(j);
		tg_arena_release(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_doc_example_exact), cmocka_unit_test(test_hidden_location),
	    cmocka_unit_test(test_summary_shape),     cmocka_unit_test(test_nulls_out),
	    cmocka_unit_test(test_round_trip),        cmocka_unit_test(test_type_errors),
	    cmocka_unit_test(test_input_defaults),    cmocka_unit_test(test_with_validate),
	    cmocka_unit_test(test_fee_known_or_not),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
