/*
 * test_validate.c - unit tests for core/validate.c. Each rule has a valid
 * and an invalid case: a fixture holds a resource that passes every rule,
 * each case changes one thing and checks TG_OK, or TG_ERR_INVALID with the
 * exact field path and a Japanese-first message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "core/validate.h"

static const struct tg_resource_type types[] = {
    {"hiroba", "親子の広場", "drop-in space", 1},
    {"kodomo_shokudo", "子ども食堂", "children's diner", 1},
};

static const struct tg_tag tags[] = {
    {"ibasho", "service", "居場所", "a place to be"},
    {"soudan", "service", "相談", "consultation"},
    {"stroller", "access", "ベビーカー可", "stroller access"},
    {"nursing_room", "access", "授乳室", "nursing room"},
};

static const struct tg_validate_ctx ctx = {types, 2, tags, 4};

struct fixture {
	struct tg_resource r;
	struct tg_hours hours[3];
	struct tg_exception ex[2];
	const char *services[2];
	const char *access[2];
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	struct tg_resource *r = &f->r;
	r->org_id = 2;
	r->type_code = "hiroba";
	r->name = "ひだまりひろば";
	r->name_kana = "ひだまりひろば";
	r->description = "0〜3歳の親子が自由に過ごせます。\n\t予約不要です。";
	r->area_id = 5;
	r->postal_code = "231-0001";
	r->prefecture = "神奈川県";
	r->city = "横浜市中区";
	r->address_line = "本町1-2-3";
	r->building = "さくらビル2階";
	r->has_geo = 1;
	r->lat = 35.44;
	r->lon = 139.63;
	r->phone = "045-123-4567";
	r->email = "info@hidamari.example.jp";
	r->url = "https://hidamari.example.jp/hiroba?x=1#top";
	r->age_min_months = 0;
	r->age_max_months = 36;
	r->fee_free = 1;
	r->fee_text = NULL;
	r->capacity = 15;
	r->accessibility_notes = "エレベーターあり";
	f->services[0] = "ibasho";
	f->services[1] = "soudan";
	r->services = f->services;
	r->n_services = 2;
	f->access[0] = "stroller";
	f->access[1] = "nursing_room";
	r->access = f->access;
	r->n_access = 2;
	f->hours[0] = (struct tg_hours){1, 600, 900};
	f->hours[1] = (struct tg_hours){2, 600, 720};
	f->hours[2] = (struct tg_hours){2, 780, 900};
	r->hours = f->hours;
	r->n_hours = 3;
	f->ex[0] = (struct tg_exception){"2026-12-29", 1, 0, 0, "年末年始"};
	f->ex[1] = (struct tg_exception){"2026-01-12", 0, 600, 720, NULL};
	r->exceptions = f->ex;
	r->n_exceptions = 2;
	r->schedule_note = "第3水曜は休み";
	r->is_public = 1;
	r->verified_at = "2026-04-01";
	r->source = "manual";
	r->version = 1;
}

static void check_ok(struct fixture *f, int line)
{
	struct tg_field_error err = {0};
	enum tg_rc rc = tg_resource_validate(&f->r, &ctx, &err);
	if (rc != TG_OK)
		fail_msg("line %d: expected valid, got field %s: %s", line, err.field ? err.field : "(null)",
		         err.message ? err.message : "(null)");
}

static void check_bad(struct fixture *f, const char *field, int line)
{
	struct tg_field_error err = {0};
	enum tg_rc rc = tg_resource_validate(&f->r, &ctx, &err);
	if (rc != TG_ERR_INVALID)
		fail_msg("line %d: expected invalid %s, got rc %d", line, field, (int)rc);
	if (!err.field || strcmp(err.field, field) != 0)
		fail_msg("line %d: expected field %s, got %s", line, field, err.field ? err.field : "(null)");
	/* Japanese first, English in parentheses at the end */
	const char *m = err.message;
	const char *paren = m ? strstr(m, " (") : NULL;
	int japanese = 0;
	for (const char *p = m; p && p < paren; p++)
		japanese |= (unsigned char)*p >= 0x80;
	if (!japanese || m[strlen(m) - 1] != ')')
		fail_msg("line %d: message not Japanese (English): %s", line, m ? m : "(null)");
}

#define OK(stmt)                                                                                                       \
	do {                                                                                                           \
		struct fixture f;                                                                                      \
		fixture_init(&f);                                                                                      \
		stmt;                                                                                                  \
		check_ok(&f, __LINE__);                                                                                \
	} while (0)

#define BAD(stmt, field)                                                                                               \
	do {                                                                                                           \
		struct fixture f;                                                                                      \
		fixture_init(&f);                                                                                      \
		stmt;                                                                                                  \
		check_bad(&f, field, __LINE__);                                                                        \
	} while (0)

static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static struct tg_hours hr(int weekday, int open_min, int close_min)
{
	struct tg_hours h = {weekday, open_min, close_min};
	return h;
}

static void test_fixture_valid(void **state)
{
	(void)state;
	OK((void)0);
	/* the minimum: name and type only */
	struct tg_resource r;
	memset(&r, 0, sizeof r);
	r.name = "ひろば";
	r.type_code = "kodomo_shokudo";
	r.age_min_months = r.age_max_months = r.capacity = -1;
	struct tg_field_error err = {0};
	assert_int_equal(tg_resource_validate(&r, &ctx, &err), TG_OK);
	/* without a context every type is unknown */
	assert_int_equal(tg_resource_validate(&r, NULL, &err), TG_ERR_INVALID);
	assert_string_equal(err.field, "type");
	/* err may be NULL */
	r.name = NULL;
	assert_int_equal(tg_resource_validate(&r, &ctx, NULL), TG_ERR_INVALID);
}

static void test_name(void **state)
{
	(void)state;
	char *n200 = repeat("あ", 200), *n201 = repeat("あ", 201);
	OK(f.r.name = n200);
	OK(f.r.name = "A");
	BAD(f.r.name = n201, "name");
	BAD(f.r.name = NULL, "name");
	BAD(f.r.name = "", "name");
	BAD(f.r.name = " \xE3\x80\x80 ", "name"); /* spaces only, incl. U+3000 */
	BAD(f.r.name = "ひろば\nB", "name");      /* newline not allowed in a name */
	BAD(f.r.name = "ひろば\tB", "name");
	BAD(f.r.name = "bad\xFFutf8", "name");
	BAD(f.r.name = "c1\xC2\x85x", "name"); /* U+0085 NEL */
	BAD(f.r.name = "del\x7F", "name");
	/* the message for required */
	struct fixture f;
	fixture_init(&f);
	f.r.name = NULL;
	struct tg_field_error err = {0};
	tg_resource_validate(&f.r, &ctx, &err);
	assert_string_equal(err.message, "名称は必須です (name is required)");
	free(n200);
	free(n201);
}

static void test_name_kana(void **state)
{
	(void)state;
	char *k201 = repeat("カ", 201), *k200 = repeat("カ", 200);
	OK(f.r.name_kana = NULL);
	OK(f.r.name_kana = "ファミリー・サポート センター");
	OK(f.r.name_kana = "ひだまり\xE3\x80\x80ひろば");
	OK(f.r.name_kana = "\xEF\xBE\x8B\xEF\xBE\x80\xEF\xBE\x9E"); /* ﾋﾀﾞ half width */
	OK(f.r.name_kana = k200);
	BAD(f.r.name_kana = k201, "name_kana");
	BAD(f.r.name_kana = "ひだまり広場", "name_kana");
	OK(f.r.name_kana = "だい2ひろば NPO");
	BAD(f.r.name_kana = "ひだまり々", "name_kana");
	BAD(f.r.name_kana = "ひだまり\n", "name_kana");
	free(k201);
	free(k200);
}

static void test_description(void **state)
{
	(void)state;
	char *d4000 = repeat("説", 4000), *d4001 = repeat("説", 4001);
	OK(f.r.description = d4000);
	OK(f.r.description = NULL);
	OK(f.r.description = "行1\n行2\tタブ");
	BAD(f.r.description = d4001, "description");
	BAD(f.r.description = "行1\r\n行2", "description");
	BAD(f.r.description = "bell\a", "description");
	BAD(f.r.description = "\xE3\x81", "description"); /* truncated UTF-8 */
	free(d4000);
	free(d4001);
}

static void test_type(void **state)
{
	(void)state;
	OK(f.r.type_code = "kodomo_shokudo");
	BAD(f.r.type_code = NULL, "type");
	BAD(f.r.type_code = "", "type");
	BAD(f.r.type_code = "salon", "type");
	BAD(f.r.type_code = "HIROBA", "type");
}

static void test_address(void **state)
{
	(void)state;
	char *p11 = repeat("県", 11), *c101 = repeat("市", 101), *l201 = repeat("町", 201);
	OK(f.r.area_id = 0);
	BAD(f.r.area_id = -1, "area_id");
	OK(f.r.postal_code = "2310001");
	OK(f.r.postal_code = NULL);
	BAD(f.r.postal_code = "231-00011", "address.postal_code");
	BAD(f.r.postal_code = "231 0001", "address.postal_code");
	BAD(f.r.postal_code = "２３１-０００１", "address.postal_code");
	BAD(f.r.postal_code = "23-10001", "address.postal_code");
	OK(f.r.prefecture = "北海道");
	BAD(f.r.prefecture = p11, "address.prefecture");
	BAD(f.r.city = c101, "address.city");
	BAD(f.r.address_line = l201, "address.line");
	BAD(f.r.building = l201, "address.building");
	BAD(f.r.building = "2F\n", "address.building");
	free(p11);
	free(c101);
	free(l201);
}

static void test_location(void **state)
{
	(void)state;
	OK(f.r.lat = 90; f.r.lon = 180);
	OK(f.r.lat = -90; f.r.lon = -180);
	OK(f.r.has_geo = 0; f.r.lat = 999); /* ignored without has_geo */
	BAD(f.r.lat = 90.5, "location.lat");
	BAD(f.r.lat = -91, "location.lat");
	BAD(f.r.lat = NAN, "location.lat");
	BAD(f.r.lon = 180.01, "location.lon");
	BAD(f.r.lon = -181, "location.lon");
	BAD(f.r.lon = INFINITY, "location.lon");
}

static void test_phone(void **state)
{
	(void)state;
	OK(f.r.phone = "0451234567");
	OK(f.r.phone = "090-1234-5678");
	OK(f.r.phone = "0120-123-456");
	OK(f.r.phone = "+81-45-123-4567");
	OK(f.r.phone = "045(123)4567");
	OK(f.r.phone = NULL);
	BAD(f.r.phone = "123-4567", "phone"); /* too few digits */
	BAD(f.r.phone = "0451234567890123", "phone");
	BAD(f.r.phone = "045-123-4567 内線2", "phone");
	BAD(f.r.phone = "045--123-4567", "phone");
	BAD(f.r.phone = "-045-123-4567", "phone");
	BAD(f.r.phone = "045-123-4567-", "phone");
	BAD(f.r.phone = "81+45-123-4567", "phone");
	BAD(f.r.phone = "045)123(4567", "phone");
	BAD(f.r.phone = "045(123-4567", "phone");
	BAD(f.r.phone = "", "phone");
	BAD(f.r.phone = "０４５-１２３-４５６７", "phone");
}

static void test_email(void **state)
{
	(void)state;
	OK(f.r.email = "a.b+c@example.co.jp");
	OK(f.r.email = NULL);
	BAD(f.r.email = "example.co.jp", "email");
	BAD(f.r.email = "a@b@example.jp", "email");
	BAD(f.r.email = "a@localhost", "email");
	BAD(f.r.email = ".a@example.jp", "email");
	BAD(f.r.email = "a..b@example.jp", "email");
	BAD(f.r.email = "a b@example.jp", "email");
	BAD(f.r.email = "a@-example.jp", "email");
	BAD(f.r.email = "a@example..jp", "email");
	BAD(f.r.email = "@example.jp", "email");
	BAD(f.r.email = "あ@example.jp", "email");
}

static void test_url(void **state)
{
	(void)state;
	OK(f.r.url = "http://example.jp");
	OK(f.r.url = "HTTPS://Example.JP:8443/path/ページ?q=1");
	OK(f.r.url = NULL);
	BAD(f.r.url = "javascript:alert(1)", "url");
	BAD(f.r.url = "ftp://example.jp/", "url");
	BAD(f.r.url = "https://", "url");
	BAD(f.r.url = "https:///path", "url");
	BAD(f.r.url = "https://user@evil.example/", "url");
	BAD(f.r.url = "https://example.jp/a b", "url");
	BAD(f.r.url = "https://example.jp/<script>", "url");
	BAD(f.r.url = "https://example.jp:/", "url");
	BAD(f.r.url = "https://example.jp:123456/", "url");
	BAD(f.r.url = "https://.example.jp/", "url");
	BAD(f.r.url = "https://example.jp/\n", "url");
	BAD(f.r.url = "example.jp", "url");
}

static void test_ages(void **state)
{
	(void)state;
	OK(f.r.age_min_months = -1; f.r.age_max_months = -1);
	OK(f.r.age_min_months = 1200; f.r.age_max_months = 1200);
	OK(f.r.age_min_months = -1; f.r.age_max_months = 0);
	OK(f.r.age_min_months = 36; f.r.age_max_months = -1);
	BAD(f.r.age_min_months = -2, "ages.min_months");
	BAD(f.r.age_min_months = 1201; f.r.age_max_months = -1, "ages.min_months");
	BAD(f.r.age_max_months = 1201, "ages.max_months");
	BAD(f.r.age_max_months = -5, "ages.max_months");
	BAD(f.r.age_min_months = 37, "ages.max_months"); /* min > max (36) */
}

static void test_fee_capacity(void **state)
{
	(void)state;
	char *t1001 = repeat("円", 1001);
	OK(f.r.fee_text = "1回100円\n兄弟は無料");
	BAD(f.r.fee_text = t1001, "fee.text");
	OK(f.r.capacity = -1);
	OK(f.r.capacity = 0);
	OK(f.r.capacity = 100000);
	BAD(f.r.capacity = 100001, "capacity");
	BAD(f.r.capacity = -2, "capacity");
	free(t1001);
}

static void test_tags(void **state)
{
	(void)state;
	const char *many[65];
	for (size_t i = 0; i < 65; i++)
		many[i] = "ibasho";
	OK(f.r.n_services = 0);
	OK(f.r.n_access = 0; f.r.access = NULL);
	BAD(f.services[1] = "unknown", "services[1]");
	BAD(f.services[0] = NULL, "services[0]");
	BAD(f.services[1] = "stroller", "services[1]"); /* access tag among services */
	BAD(f.access[0] = "soudan", "access[0]");       /* service tag among access */
	BAD(f.access[1] = "no_such_tag", "access[1]");
	BAD(f.services[1] = "ibasho", "services[1]"); /* duplicate */
	BAD(f.access[1] = "stroller", "access[1]");
	BAD(f.r.services = many; f.r.n_services = 65, "services");
}

static void test_hours(void **state)
{
	(void)state;
	struct tg_hours many[57];
	for (int i = 0; i < 57; i++)
		many[i] = hr(i % 8, i * 10, i * 10 + 5);
	OK(f.r.n_hours = 0; f.r.hours = NULL);
	OK(f.hours[2] = hr(7, 0, 1440));
	OK(f.hours[2] = hr(2, 720, 780)); /* adjacent to both */
	BAD(f.hours[2] = hr(8, 600, 700), "hours[2].weekday");
	BAD(f.hours[0] = hr(-1, 600, 700), "hours[0].weekday");
	BAD(f.hours[1] = hr(2, -5, 700), "hours[1].open");
	BAD(f.hours[1] = hr(2, 1440, 1440), "hours[1].open");
	BAD(f.hours[2] = hr(2, 800, 800), "hours[2].close");
	BAD(f.hours[2] = hr(2, 800, 1441), "hours[2].close");
	BAD(f.hours[2] = hr(2, 700, 800), "hours[2].open"); /* overlaps [1] */
	BAD(f.r.hours = many; f.r.n_hours = 57, "hours");
}

static void test_exceptions(void **state)
{
	(void)state;
	OK(f.r.n_exceptions = 0);
	OK(f.ex[1].closed = 1; f.ex[1].open_min = -1; f.ex[1].close_min = -1);
	OK(f.ex[1].open_min = 0; f.ex[1].close_min = 1440);
	BAD(f.ex[0].date = "2026-02-30", "exceptions[0].date");
	BAD(f.ex[0].date = NULL, "exceptions[0].date");
	BAD(f.ex[1].date = "2026/01/12", "exceptions[1].date");
	BAD(f.ex[1].date = "2026-12-29", "exceptions[1].date"); /* duplicate */
	BAD(f.ex[1].open_min = -1, "exceptions[1].open");
	BAD(f.ex[1].open_min = 1440; f.ex[1].close_min = 1440, "exceptions[1].open");
	BAD(f.ex[1].close_min = 600, "exceptions[1].close");
	BAD(f.ex[1].close_min = 1441, "exceptions[1].close");
	BAD(f.ex[0].note = "改行\nあり", "exceptions[0].note");
	char *n201 = repeat("休", 201);
	BAD(f.ex[0].note = n201, "exceptions[0].note");
	free(n201);
	struct tg_exception *many = calloc(501, sizeof *many);
	assert_non_null(many);
	BAD(f.r.exceptions = many; f.r.n_exceptions = 501, "exceptions");
	free(many);
}

static void test_other_text(void **state)
{
	(void)state;
	char *a2001 = repeat("a", 2001), *s1001 = repeat("s", 1001), *x201 = repeat("x", 201);
	OK(f.r.accessibility_notes = "段差なし\n多目的トイレあり");
	BAD(f.r.accessibility_notes = a2001, "accessibility_notes");
	BAD(f.r.schedule_note = s1001, "schedule_note");
	BAD(f.r.schedule_note = "\x01", "schedule_note");
	BAD(f.r.source = "jp-facilities:\n", "source");
	BAD(f.r.source_id = x201, "source_id");
	BAD(f.r.front_door = a2001, "front_door");
	free(a2001);
	free(s1001);
	free(x201);
}

static void test_verified_at(void **state)
{
	(void)state;
	OK(f.r.verified_at = NULL);
	OK(f.r.verified_at = "1980-01-01");
	OK(f.r.verified_at = "2099-12-31");
	BAD(f.r.verified_at = "2100-01-01", "verified_at");
	BAD(f.r.verified_at = "1979-12-31", "verified_at");
	BAD(f.r.verified_at = "2026-04-31", "verified_at");
	BAD(f.r.verified_at = "2026-04-01T00:00:00Z", "verified_at");
}

static void test_confidential(void **state)
{
	(void)state;
	OK(f.r.is_confidential = 1; f.r.front_door = "区こども家庭支援課 045-000-0000");
	OK(f.r.is_confidential = 0; f.r.front_door = NULL);
	BAD(f.r.is_confidential = 1; f.r.front_door = NULL, "front_door");
	BAD(f.r.is_confidential = 1; f.r.front_door = " \xE3\x80\x80", "front_door");
}

static void test_field_error_copy(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	f.hours[2].weekday = 9;
	struct tg_field_error a = {0}, b = {0};
	assert_int_equal(tg_resource_validate(&f.r, &ctx, &a), TG_ERR_INVALID);
	tg_field_error_copy(&b, &a);
	memset(&a, 0, sizeof a);
	assert_string_equal(b.field, "hours[2].weekday");
	assert_ptr_equal(b.field, b.field_buf);
	/* a static field stays static */
	fixture_init(&f);
	f.r.name = NULL;
	assert_int_equal(tg_resource_validate(&f.r, &ctx, &a), TG_ERR_INVALID);
	tg_field_error_copy(&b, &a);
	assert_string_equal(b.field, "name");
	assert_ptr_equal(b.field, a.field);
}

static void test_single_field_helpers(void **state)
{
	(void)state;
	assert_true(tg_valid_utf8("", 0));
	assert_true(tg_valid_utf8("日本語abc", strlen("日本語abc")));
	assert_true(tg_valid_utf8("\xF0\x9F\x98\x80", 4));  /* emoji */
	assert_false(tg_valid_utf8("\xC0\xAF", 2));         /* overlong */
	assert_false(tg_valid_utf8("\xE0\x80\xAF", 3));     /* overlong */
	assert_false(tg_valid_utf8("\xED\xA0\x80", 3));     /* surrogate */
	assert_false(tg_valid_utf8("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(tg_valid_utf8("\x80", 1));
	assert_false(tg_valid_utf8("\xE3\x81", 2));
	assert_false(tg_valid_utf8(NULL, 0));
	assert_int_equal(tg_utf8_length("日本語abc"), 6);
	assert_int_equal(tg_utf8_length(""), 0);
	assert_int_equal(tg_utf8_length("\xF0\x9F\x98\x80"), 1);

	assert_true(tg_valid_code("kodomo_shokudo"));
	assert_true(tg_valid_code("a"));
	assert_true(tg_valid_code("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(tg_valid_code("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(tg_valid_code(""));
	assert_false(tg_valid_code("Hiroba"));
	assert_false(tg_valid_code("hi-roba"));
	assert_false(tg_valid_code(NULL));

	assert_true(tg_valid_login("sato.k@hub"));
	assert_true(tg_valid_login("abc"));
	assert_false(tg_valid_login("ab"));
	assert_false(tg_valid_login("with space"));
	assert_false(tg_valid_login("佐藤"));
	char *l65 = repeat("a", 65);
	assert_false(tg_valid_login(l65));
	l65[64] = '\0';
	assert_true(tg_valid_login(l65));
	free(l65);
	assert_false(tg_valid_login(NULL));

	assert_true(tg_valid_postal_code("231-0001"));
	assert_false(tg_valid_postal_code(NULL));
	assert_false(tg_valid_phone(NULL));
	assert_false(tg_valid_email(NULL));
	assert_false(tg_valid_url(NULL));
}

/* model.c's role names: parsed from API input (users), so tested with the
 * other input rules */
static void test_role_names(void **state)
{
	(void)state;
	static const char *const names[] = {"viewer", "volunteer", "staff", "coordinator", "admin"};
	for (int i = TG_ROLE_VIEWER; i <= TG_ROLE_ADMIN; i++) {
		enum tg_role r = TG_ROLE_ADMIN;
		assert_string_equal(tg_role_name((enum tg_role)i), names[i]);
		assert_int_equal(tg_role_parse(names[i], &r), 0);
		assert_int_equal(r, i);
	}
	assert_null(tg_role_name((enum tg_role)5));
	assert_null(tg_role_name((enum tg_role) - 1));
	enum tg_role r = TG_ROLE_STAFF;
	assert_int_equal(tg_role_parse("Admin", &r), -1);
	assert_int_equal(tg_role_parse("", &r), -1);
	assert_int_equal(tg_role_parse(NULL, &r), -1);
	assert_int_equal(r, TG_ROLE_STAFF);
	assert_true(TG_ROLE_ADMIN > TG_ROLE_COORDINATOR && TG_ROLE_COORDINATOR > TG_ROLE_STAFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_valid),
	    cmocka_unit_test(test_name),
	    cmocka_unit_test(test_name_kana),
	    cmocka_unit_test(test_description),
	    cmocka_unit_test(test_type),
	    cmocka_unit_test(test_address),
	    cmocka_unit_test(test_location),
	    cmocka_unit_test(test_phone),
	    cmocka_unit_test(test_email),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_ages),
	    cmocka_unit_test(test_fee_capacity),
	    cmocka_unit_test(test_tags),
	    cmocka_unit_test(test_hours),
	    cmocka_unit_test(test_exceptions),
	    cmocka_unit_test(test_other_text),
	    cmocka_unit_test(test_verified_at),
	    cmocka_unit_test(test_confidential),
	    cmocka_unit_test(test_field_error_copy),
	    cmocka_unit_test(test_single_field_helpers),
	    cmocka_unit_test(test_role_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
