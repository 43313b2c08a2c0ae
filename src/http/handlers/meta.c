/*
 * meta.c - reference data the UI needs to draw its forms and filters.
 *
 *   GET  /api/v1/meta   -> {"tenant":{"code","name"},"types":[…],"tags":[…],"areas":[…],
 *                           "tile_url","tile_attribution","verify_after_days"}
 *   POST /api/v1/types  {"code","name_ja","name_en"} -> 201 (coordinator+)
 */
#include "app/app.h"
#include "app/tenancy.h"
#include "core/validate.h"
#include "http/handlers/handlers.h"

enum tg_rc tg_h_meta(struct tg_req *req)
{
	struct tg_refdata *r = tg_app_ref_acquire(req->app);
	json_t *j = json_object();
	json_t *types = json_array(), *tags = json_array(), *areas = json_array();
	for (size_t i = 0; i < r->n_types; i++) {
		json_t *t = json_object();
		json_object_set_new(t, "code", json_string(r->types[i].code));
		json_object_set_new(t, "name_ja", json_string(r->types[i].name_ja));
		json_object_set_new(t, "name_en", json_string(r->types[i].name_en));
		json_object_set_new(t, "builtin", json_boolean(r->types[i].builtin));
		json_array_append_new(types, t);
	}
	for (size_t i = 0; i < r->n_tags; i++) {
		json_t *t = json_object();
		json_object_set_new(t, "code", json_string(r->tags[i].code));
		json_object_set_new(t, "kind", json_string(r->tags[i].kind));
		json_object_set_new(t, "name_ja", json_string(r->tags[i].name_ja));
		json_object_set_new(t, "name_en", json_string(r->tags[i].name_en));
		json_array_append_new(tags, t);
	}
	for (size_t i = 0; i < r->n_areas; i++) {
		json_t *a = json_object();
		json_object_set_new(a, "id", json_integer(r->areas[i].id));
		json_object_set_new(a, "parent_id",
		                    r->areas[i].parent_id ? json_integer(r->areas[i].parent_id) : json_null());
		json_object_set_new(a, "level", json_integer(r->areas[i].level));
		json_object_set_new(a, "name", json_string(r->areas[i].name));
		json_object_set_new(a, "name_kana",
		                    r->areas[i].name_kana ? json_string(r->areas[i].name_kana) : json_null());
		json_array_append_new(areas, a);
	}
	tg_app_ref_release(req->app, r);
	json_t *tenant = json_object();
	const char *tname =
	    req->app->tenancy ? tg_tenancy_name(req->app->tenancy, req->app->tenant_id, &req->arena) : NULL;
	json_object_set_new(tenant, "code", json_string(req->app->tenant_code ? req->app->tenant_code : ""));
	json_object_set_new(tenant, "name", json_string(tname ? tname : ""));
	json_object_set_new(j, "tenant", tenant);
	json_object_set_new(j, "types", types);
	json_object_set_new(j, "tags", tags);
	json_object_set_new(j, "areas", areas);
	json_object_set_new(j, "tile_url", json_string(req->app->tile_url ? req->app->tile_url : ""));
	json_object_set_new(j, "tile_attribution",
	                    json_string(req->app->tile_attribution ? req->app->tile_attribution : ""));
	json_object_set_new(j, "tile_trusted", json_boolean(tg_app_tile_trusted(req->app)));
	json_object_set_new(j, "verify_after_days", json_integer(req->app->verify_after_days));
	tg_resp_json(req, 200, j);
	return TG_OK;
}

enum tg_rc tg_h_type_create(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_COORDINATOR);
	if (rc)
		return rc;
	json_t *body = NULL;
	if ((rc = tg_req_json_body(req, &body)))
		return rc;
	static const char *const allowed[] = {"code", "name_ja", "name_en", NULL};
	struct tg_resource_type t = {0};
	if ((rc = tg_h_only_fields(req, body, allowed)) || (rc = tg_h_get_string(req, body, "code", 1, 32, &t.code)) ||
	    (rc = tg_h_get_name(req, body, "name_ja", 1, 60, &t.name_ja)) ||
	    (rc = tg_h_get_string(req, body, "name_en", 0, 60, &t.name_en)))
		goto out;
	if (!tg_valid_code(t.code)) {
		rc = tg_req_fail(
		    req, TG_ERR_INVALID, "code",
		    "コードは半角英小文字・数字・_ の32文字以内にしてください (code must match [a-z0-9_]{1,32})");
		goto out;
	}
	if (!t.name_en)
		t.name_en = t.name_ja;
	rc = req->db->ops->type_insert(req->db, &t);
	if (rc == TG_ERR_CONFLICT) {
		rc =
		    tg_req_fail(req, TG_ERR_CONFLICT, "code", "そのコードはすでに使われています (code already exists)");
		goto out;
	}
	if (rc)
		goto out;
	tg_req_audit(req, "create", "resource_type", t.code, NULL);
	if ((rc = tg_app_ref_reload(req->app, req->db)))
		goto out;
	json_t *j = json_object();
	json_object_set_new(j, "code", json_string(t.code));
	json_object_set_new(j, "name_ja", json_string(t.name_ja));
	json_object_set_new(j, "name_en", json_string(t.name_en));
	json_object_set_new(j, "builtin", json_false());
	tg_resp_json(req, 201, j);
out:
	json_decref(body);
	return rc;
}
