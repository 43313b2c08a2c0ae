/*
 * test_routes.c - the router and the OpenAPI document agree: every /api/v1
 * route is documented with its method, every documented /api/v1 operation is
 * routed, and the matcher handles placeholders, trailing slashes and 405s.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctype.h>

#include "http/http.h"

extern const unsigned char tg_openapi_json[];
extern const size_t tg_openapi_json_len;

static json_t *load_openapi(void)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)tg_openapi_json, tg_openapi_json_len, 0, &e);
	assert_non_null(j);
	return j;
}

static void lower(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static void test_every_route_documented(void **state)
{
	(void)state;
	json_t *doc = load_openapi();
	json_t *paths = json_object_get(doc, "paths");
	assert_non_null(paths);
	for (size_t i = 0; i < tg_n_routes; i++) {
		const struct tg_route *r = &tg_routes[i];
		if (strncmp(r->pattern, "/api/v1/", 8))
			continue;
		json_t *p = json_object_get(paths, r->pattern);
		if (!p)
			fail_msg("route %s %s is not in openapi.json", r->method, r->pattern);
		char m[16];
		lower(r->method, m, sizeof(m));
		if (!json_object_get(p, m))
			fail_msg("route %s %s: method not documented", r->method, r->pattern);
	}
	json_decref(doc);
}

static void test_every_operation_routed(void **state)
{
	(void)state;
	json_t *doc = load_openapi();
	const char *path, *method;
	json_t *ops, *op;
	json_object_foreach(json_object_get(doc, "paths"), path, ops)
	{
		if (strncmp(path, "/api/v1/", 8))
			continue;
		json_object_foreach(ops, method, op)
		{
			if (strcmp(method, "get") && strcmp(method, "post") && strcmp(method, "put") &&
			    strcmp(method, "delete") && strcmp(method, "patch"))
				continue;
			int found = 0;
			for (size_t i = 0; i < tg_n_routes && !found; i++) {
				char m[16];
				lower(tg_routes[i].method, m, sizeof(m));
				found = !strcmp(tg_routes[i].pattern, path) && !strcmp(m, method);
			}
			if (!found)
				fail_msg("documented %s %s has no route", method, path);
		}
	}
	json_decref(doc);
}

static void test_matching(void **state)
{
	(void)state;
	struct tg_req req;
	memset(&req, 0, sizeof(req));
	tg_arena_init(&req.arena);
	int known;
	const struct tg_route *r = tg_router_match(&req, "GET", "/api/v1/resources/42", &known);
	assert_non_null(r);
	assert_string_equal(r->pattern, "/api/v1/resources/{id}");
	assert_int_equal(req.n_params, 1);
	assert_string_equal(req.params[0], "42");
	r = tg_router_match(&req, "GET", "/api/v1/resources/42/changes/", &known);
	assert_non_null(r);
	assert_string_equal(r->pattern, "/api/v1/resources/{id}/changes");
	assert_null(tg_router_match(&req, "PATCH", "/api/v1/resources/42", &known));
	assert_true(known);
	assert_null(tg_router_match(&req, "GET", "/api/v1/nothing", &known));
	assert_false(known);
	assert_null(tg_router_match(&req, "GET", "/api/v1/resources//changes", &known));
	r = tg_router_match(&req, "HEAD", "/healthz", &known);
	assert_non_null(r);
	char allow[64];
	tg_router_allowed("/api/v1/resources/7", allow, sizeof(allow));
	assert_string_equal(allow, "GET, PUT, DELETE");
	tg_arena_release(&req.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_route_documented),
	    cmocka_unit_test(test_every_operation_routed),
	    cmocka_unit_test(test_matching),
	};
	return cmocka_run_group_tests_name("routes", tests, NULL, NULL);
}
