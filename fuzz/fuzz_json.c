/*
 * fuzz_json.c - libFuzzer target: the JSON edge of the API. Arbitrary bytes
 * go through what a POST /api/v1/resources body meets (UTF-8 check, jansson,
 * tg_resource_from_json, tg_resource_validate, tg_resource_to_json) and
 * through the HSDS importer's parser.
 *
 * Build: make fuzz (builds every fuzz/fuzz_*.c into build/fuzz/).
 * Run:   build/fuzz/fuzz_json -max_total_time=60 tests/hsds/examples
 * Invariants: no crash or sanitizer report; a resource that passed
 * validation renders to JSON and parses back (round trip) and validates again.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/validate.h"
#include "io/hsds.h"
#include "io/import.h"
#include "io/resource_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct tg_resource_type types[] = {
    {"hub", "地域子育て支援拠点", "Hub", 1},
    {"tsudoi", "親と子のつどいの広場", "Drop-in", 1},
};
static const struct tg_tag tags[] = {
    {"ibasho", "service", "居場所", "Drop-in place"},
    {"stroller", "access", "ベビーカー置き場", "Stroller parking"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_validate_ctx vctx = {types, 2, tags, 2};
	if (!tg_valid_utf8((const char *)data, size))
		return 0;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (j && json_is_object(j)) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource r;
		struct tg_field_error err = {0};
		if (tg_resource_from_json(j, &a, &r, &err) == TG_OK && tg_resource_validate(&r, &vctx, &err) == TG_OK) {
			struct tg_resource_json_opts o = {.show_location = 1};
			json_t *out = tg_resource_to_json(&r, &o);
			struct tg_resource back;
			if (!out || tg_resource_from_json(out, &a, &back, &err) != TG_OK ||
			    tg_resource_validate(&back, &vctx, &err) != TG_OK)
				__builtin_trap();
			json_decref(out);
		}
		tg_arena_release(&a);
	}
	json_decref(j);

	struct tg_arena a2 = TG_ARENA_INIT;
	struct tg_import_batch b;
	tg_import_batch_init(&b, &a2);
	struct tg_hsds_ctx hc = {types, 2, tags, 2};
	struct tg_hsds_import_options ho = {.make_public = 1, .default_type = "hub", .ctx = &hc};
	tg_hsds_parse((const char *)data, size, &ho, &b);
	tg_import_batch_release(&b);
	tg_arena_release(&a2);
	return 0;
}
