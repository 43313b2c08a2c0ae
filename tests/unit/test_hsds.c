/* test_hsds.c - HSDS export has the schema's required fields and formats,
 * the confidential rule hides the place, and HSDS import reads the
 * service_full example and a {"services","organizations"} bundle.
 * Set TG_HSDS_DUMP=path to write the exported service for an external
 * schema check (python jsonschema against /work/shared/hsds/schema). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "io/hsds.h"
#include "util/buf.h"

static const struct tg_resource_type types[] = {
    {"tsudoi", "親と子のつどいの広場", "Parent-and-child drop-in place", 1},
    {"nursery", "保育所・こども園の子育て支援", "Nursery community support", 1},
};
static const struct tg_tag tags[] = {
    {"ibasho", "service", "居場所", "Drop-in place"},
    {"ichiji", "service", "一時預かり", "Temporary childcare"},
    {"stroller", "access", "ベビーカー置き場", "Stroller parking"},
};
static const struct tg_hsds_ctx ctx = {types, 2, tags, 3};

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	const char *dir = getenv("TG_TEST_DATA");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct tg_buf b = TG_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(tg_buf_add(&b, chunk, n), TG_OK);
	fclose(f);
	return tg_buf_detach(&b, len);
}

static int is_uuid(const char *s)
{
	if (!s || strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		int dash = (i == 8 || i == 13 || i == 18 || i == 23);
		if (dash != (s[i] == '-'))
			return 0;
		if (!dash && !strchr("0123456789abcdef", s[i]))
			return 0;
	}
	return 1;
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static struct tg_hours hours[] = {{1, 600, 900}, {3, 600, 900}, {6, 540, 720}, {7, 600, 900}};
static const char *svc[] = {"ibasho"};
static const char *acc[] = {"stroller"};

static void sample(struct tg_resource *r, struct tg_org *o)
{
	memset(r, 0, sizeof(*r));
	memset(o, 0, sizeof(*o));
	o->uuid = "0b9c6c2e-8f0b-4d0c-9f3a-1d2e3f405162";
	o->name = "NPO法人ひだまり";
	r->uuid = "5f1d3c2a-1b2c-4d3e-8f40-516273849506";
	r->name = "ひだまりひろば";
	r->type_code = "tsudoi";
	r->city = "横浜市港北区";
	r->prefecture = "神奈川県";
	r->address_line = "大豆戸町1-2-3";
	r->postal_code = "222-0032";
	r->has_geo = 1;
	r->lat = 35.51;
	r->lon = 139.62;
	r->phone = "045-123-4567";
	r->age_min_months = 0;
	r->age_max_months = 35;
	r->capacity = -1;
	r->hours = hours;
	r->n_hours = 4;
	r->services = svc;
	r->n_services = 1;
	r->access = acc;
	r->n_access = 1;
	r->updated_at = "2026-04-01T09:00:00Z";
	r->front_door = "港北区社会福祉協議会 045-000-0000";
}

/* The service of sample() exported and parsed back (doc freed by the caller). */
static const struct tg_import_row *round_trip(struct tg_resource *r, struct tg_org *o, struct tg_arena *a,
                                              struct tg_import_batch *b, char **doc)
{
	json_t *s = tg_hsds_service(r, o, &ctx, 0);
	*doc = json_dumps(s, 0);
	json_decref(s);
	tg_import_batch_init(b, a);
	struct tg_hsds_import_options opt = {0, "tsudoi", &ctx};
	assert_int_equal(tg_hsds_parse(*doc, strlen(*doc), &opt, b), TG_OK);
	assert_int_equal(b->n_rows, 1);
	return &b->rows[0];
}

/* fees through an HSDS export and import: free comes back free (the
 * export's own marker), a fee text as text, and nothing as not known */
static void test_fee_round_trip(void **state)
{
	(void)state;
	static const struct {
		int fee;
		const char *text;
		int want_fee;
		const char *want_text;
	} cases[] = {{TG_FEE_FREE, NULL, TG_FEE_FREE, NULL},
	             {TG_FEE_FREE, "おやつ代のみ", TG_FEE_UNKNOWN, "おやつ代のみ"},
	             {TG_FEE_PAID, "1回300円", TG_FEE_UNKNOWN, "1回300円"},
	             {TG_FEE_UNKNOWN, NULL, TG_FEE_UNKNOWN, NULL}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tg_resource r;
		struct tg_org o;
		sample(&r, &o);
		r.fee_free = cases[i].fee;
		r.fee_text = cases[i].text;
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_import_batch b;
		char *doc;
		const struct tg_resource *in = &round_trip(&r, &o, &a, &b, &doc)->res;
		assert_int_equal(in->fee_free, cases[i].want_fee);
		if (cases[i].want_text)
			assert_string_equal(in->fee_text, cases[i].want_text);
		else
			assert_null(in->fee_text);
		tg_import_batch_release(&b);
		tg_arena_release(&a);
		free(doc);
	}
}

static int cmp_h(const void *a, const void *b)
{
	const struct tg_hours *x = a, *y = b;
	return x->weekday != y->weekday ? x->weekday - y->weekday : x->open_min - y->open_min;
}

/* weekly hours through an HSDS export and import, national holidays too
 * (RRULE has no holiday day: the export's own description says so), and
 * holidays only; the service is marked as tsunagu's own (uuid_hint) */
static void test_hours_round_trip(void **state)
{
	(void)state;
	static struct tg_hours only[] = {{7, 600, 900}};
	struct {
		struct tg_hours *h;
		size_t n;
	} cases[] = {{hours, 4}, {only, 1}};
	for (size_t c = 0; c < 2; c++) {
		struct tg_resource r;
		struct tg_org o;
		sample(&r, &o);
		r.hours = cases[c].h;
		r.n_hours = cases[c].n;
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_import_batch b;
		char *doc;
		const struct tg_import_row *row = round_trip(&r, &o, &a, &b, &doc);
		assert_int_equal(row->res.n_hours, cases[c].n);
		struct tg_hours got[8], want[8];
		memcpy(got, row->res.hours, cases[c].n * sizeof(got[0]));
		memcpy(want, cases[c].h, cases[c].n * sizeof(want[0]));
		qsort(got, cases[c].n, sizeof(got[0]), cmp_h);
		qsort(want, cases[c].n, sizeof(want[0]), cmp_h);
		assert_memory_equal(got, want, cases[c].n * sizeof(got[0]));
		assert_null(row->res.schedule_note);
		assert_non_null(row->uuid_hint);
		assert_string_equal(row->uuid_hint, r.uuid);
		tg_import_batch_release(&b);
		tg_arena_release(&a);
		free(doc);
	}
	/* a service of another system (ids not derived from its own): no hint */
	const char *foreign = "{\"id\":\"5f1d3c2a-1b2c-4d3e-8f40-516273849506\",\"name\":\"x\",\"status\":\"active\","
	                      "\"attributes\":[{\"id\":\"a1\",\"taxonomy_term\":{\"id\":\"t\",\"name\":\"n\"}}]}";
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	struct tg_hsds_import_options opt = {0, "tsudoi", &ctx};
	assert_int_equal(tg_hsds_parse(foreign, strlen(foreign), &opt, &b), TG_OK);
	assert_int_equal(b.n_rows, 1);
	assert_null(b.rows[0].uuid_hint);
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

static void test_export_required_fields(void **state)
{
	(void)state;
	struct tg_resource r;
	struct tg_org o;
	sample(&r, &o);
	json_t *s = tg_hsds_service(&r, &o, &ctx, 0);
	assert_string_equal(sget(s, "id"), r.uuid);
	assert_string_equal(sget(s, "name"), r.name);
	assert_string_equal(sget(s, "status"), "active");
	assert_string_equal(sget(s, "last_modified"), "2026-04-01T09:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(s, "maximum_age")), 2);
	json_t *org = json_object_get(s, "organization");
	assert_true(is_uuid(sget(org, "id")));
	assert_non_null(sget(org, "name"));
	assert_non_null(sget(org, "description"));
	/* schedules grouped by time: MO,WE 10-15 (+holiday), SA 9-12 */
	json_t *sch = json_object_get(s, "schedules");
	assert_int_equal(json_array_size(sch), 2);
	json_t *s0 = json_array_get(sch, 0);
	assert_true(is_uuid(sget(s0, "id")));
	assert_string_equal(sget(s0, "byday"), "MO,WE");
	assert_string_equal(sget(s0, "opens_at"), "10:00:00");
	assert_string_equal(sget(s0, "closes_at"), "15:00:00");
	assert_string_equal(sget(s0, "freq"), "WEEKLY");
	assert_non_null(strstr(sget(s0, "description"), "holidays"));
	assert_string_equal(sget(json_array_get(sch, 1), "byday"), "SA");
	json_t *ph = json_array_get(json_object_get(s, "phones"), 0);
	assert_true(is_uuid(sget(ph, "id")));
	assert_string_equal(sget(ph, "number"), "045-123-4567");
	json_t *sal = json_array_get(json_object_get(s, "service_at_locations"), 0);
	assert_true(is_uuid(sget(sal, "id")));
	json_t *loc = json_object_get(sal, "location");
	assert_string_equal(sget(loc, "location_type"), "physical");
	assert_true(json_is_real(json_object_get(loc, "latitude")));
	json_t *ad = json_array_get(json_object_get(loc, "addresses"), 0);
	const char *req[] = {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"};
	for (size_t i = 0; i < 7; i++)
		assert_non_null(sget(ad, req[i]));
	json_t *attrs = json_object_get(s, "attributes");
	assert_int_equal(json_array_size(attrs), 3);
	json_t *t0 = json_object_get(json_array_get(attrs, 0), "taxonomy_term");
	assert_string_equal(sget(t0, "code"), "tsudoi");
	assert_string_equal(sget(t0, "taxonomy"), TG_HSDS_TAXONOMY_TYPES);
	assert_true(is_uuid(sget(t0, "id")));
	assert_non_null(sget(t0, "description"));
	/* derived ids are stable */
	json_t *again = tg_hsds_service(&r, &o, &ctx, 0);
	assert_true(json_equal(s, again));
	const char *dump = getenv("TG_HSDS_DUMP");
	if (dump)
		assert_int_equal(json_dump_file(s, dump, JSON_INDENT(2)), 0);
	json_decref(again);
	json_decref(s);
}

static void test_confidential_hides_place(void **state)
{
	(void)state;
	struct tg_resource r;
	struct tg_org o;
	sample(&r, &o);
	r.is_confidential = 1;
	json_t *s = tg_hsds_service(&r, &o, &ctx, 1);
	assert_int_equal(json_array_size(json_object_get(s, "service_at_locations")), 0);
	assert_int_equal(json_array_size(json_object_get(s, "phones")), 0);
	json_t *c = json_array_get(json_object_get(s, "contacts"), 0);
	assert_string_equal(sget(c, "name"), r.front_door);
	char *text = json_dumps(s, 0);
	assert_null(strstr(text, "大豆戸町"));
	assert_null(strstr(text, "latitude"));
	assert_null(strstr(text, "045-123-4567"));
	free(text);
	assert_null(tg_hsds_location(&r, 1));
	assert_null(tg_hsds_service_at_location(&r, 1));
	json_decref(s);
}

static void test_taxonomies(void **state)
{
	(void)state;
	json_t *t = tg_hsds_taxonomies();
	assert_int_equal(json_array_size(t), 2);
	json_t *terms = tg_hsds_taxonomy_terms(&ctx);
	assert_int_equal(json_array_size(terms), 5);
	json_t *t0 = json_array_get(terms, 0);
	assert_string_equal(sget(t0, "taxonomy_id"), sget(json_array_get(t, 0), "id"));
	json_decref(t);
	json_decref(terms);
	json_t *org =
	    tg_hsds_organization(&(struct tg_org){.uuid = "0b9c6c2e-8f0b-4d0c-9f3a-1d2e3f405162", .name = "x"});
	assert_string_equal(sget(org, "description"), "");
	json_decref(org);
}

static void test_import_bundle(void **state)
{
	(void)state;
	size_t len;
	char *data = slurp("hsds_bundle.json", &len);
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	struct tg_hsds_import_options o = {1, NULL, &ctx};
	assert_int_equal(tg_hsds_parse(data, len, &o, &b), TG_OK);
	assert_int_equal(b.n_input, 2);
	assert_int_equal(b.n_rows, 1);
	assert_int_equal(b.n_rejected, 1);
	/* the second service has no name and no type */
	assert_int_equal(b.errors[0].line, 2);
	assert_string_equal(b.errors[0].column, "services[1].name");
	const struct tg_import_row *row = &b.rows[0];
	const struct tg_resource *r = &row->res;
	assert_string_equal(r->source, "hsds");
	assert_string_equal(r->source_id, "5f1d3c2a-1b2c-4d3e-8f40-516273849506");
	assert_string_equal(row->org_name, "NPO法人ひだまり");
	assert_string_equal(row->org->url, "https://hidamari.example.jp/");
	assert_string_equal(r->type_code, "tsudoi");
	assert_int_equal(r->n_services, 1);
	assert_string_equal(r->services[0], "ibasho");
	assert_int_equal(r->n_access, 1);
	assert_string_equal(r->access[0], "stroller");
	assert_int_equal(r->n_hours, 3);
	assert_int_equal(r->hours[2].weekday, 5);
	assert_int_equal(r->hours[2].close_min, 900);
	assert_int_equal(r->age_min_months, 0);
	assert_int_equal(r->age_max_months, 35);
	assert_true(r->has_geo);
	assert_string_equal(r->postal_code, "222-0032");
	assert_string_equal(r->building, "さくらビル2階");
	assert_string_equal(r->phone, "045-123-4567");
	tg_import_batch_release(&b);
	tg_arena_release(&a);
	free(data);
}

static void test_import_service_full_example(void **state)
{
	(void)state;
	size_t len;
	char *data = slurp("hsds_service_full.json", &len);
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a);
	/* the example carries no tsunagu type term: a default type is needed */
	struct tg_hsds_import_options o = {0, "tsudoi", &ctx};
	assert_int_equal(tg_hsds_parse(data, len, &o, &b), TG_OK);
	assert_int_equal(b.n_rows, 1);
	const struct tg_resource *r = &b.rows[0].res;
	assert_string_equal(r->source_id, "ac148810-d857-441c-9679-408f346de14b");
	assert_string_equal(r->name, "Community Counselling");
	assert_string_equal(b.rows[0].org_name, "Example Organization Inc.");
	assert_int_equal(r->n_hours, 2); /* byday TH,FR */
	assert_int_equal(r->hours[0].weekday, 4);
	assert_int_equal(r->hours[0].open_min, 600);
	assert_false(r->is_public);
	tg_import_batch_release(&b);
	/* without a default type the service is rejected, not guessed */
	tg_import_batch_init(&b, &a);
	o.default_type = NULL;
	assert_int_equal(tg_hsds_parse(data, len, &o, &b), TG_OK);
	assert_int_equal(b.n_rows, 0);
	assert_int_equal(b.n_rejected, 1);
	tg_import_batch_release(&b);
	tg_arena_release(&a);
	free(data);
}

static void test_import_bad_documents(void **state)
{
	(void)state;
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_import_batch b;
	struct tg_hsds_import_options o = {1, "tsudoi", &ctx};
	const char *bad[] = {"{\"services\": [", "{\"foo\": 1}", "42"};
	for (size_t i = 0; i < 3; i++) {
		tg_import_batch_init(&b, &a);
		assert_int_equal(tg_hsds_parse(bad[i], strlen(bad[i]), &o, &b), TG_ERR_INVALID);
		assert_true(b.fatal);
		assert_int_equal(b.n_errors, 1);
		tg_import_batch_release(&b);
	}
	/* a schedule with a bad time is a row error */
	const char *doc = "[{\"id\":\"x1\",\"name\":\"n\",\"schedules\":[{\"id\":\"s\",\"freq\":\"WEEKLY\","
	                  "\"byday\":\"MO\",\"opens_at\":\"15:00\",\"closes_at\":\"10:00\"}]}]";
	tg_import_batch_init(&b, &a);
	assert_int_equal(tg_hsds_parse(doc, strlen(doc), &o, &b), TG_OK);
	assert_int_equal(b.n_rejected, 1);
	assert_string_equal(b.errors[0].column, "services[0].schedules");
	tg_import_batch_release(&b);
	tg_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fee_round_trip),
	    cmocka_unit_test(test_hours_round_trip),
	    cmocka_unit_test(test_export_required_fields),
	    cmocka_unit_test(test_confidential_hides_place),
	    cmocka_unit_test(test_taxonomies),
	    cmocka_unit_test(test_import_bundle),
	    cmocka_unit_test(test_import_service_full_example),
	    cmocka_unit_test(test_import_bad_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
