/*
 * orgs.c - member organizations.
 *
 *   GET  /api/v1/orgs        -> {"items":[Org]}      (logged in)
 *   GET  /api/v1/orgs/{id}   -> Org                  (logged in)
 *   POST /api/v1/orgs        Org fields -> 201 Org   (admin)
 *   PUT  /api/v1/orgs/{id}   Org fields -> Org       (admin)
 * Org contact data is the organization's public face, not personal data.
 */
#include "app/app.h"
#include "core/validate.h"
#include "http/handlers/handlers.h"

enum tg_rc tg_h_org_list(struct tg_req *req)
{
	struct tg_org *orgs;
	size_t n;
	json_t *items = json_array();
	int64_t after = 0;
	for (;;) {
		enum tg_rc rc = req->db->ops->org_list(req->db, &req->arena, after, 1000, &orgs, &n);
		if (rc) {
			json_decref(items);
			return rc;
		}
		for (size_t i = 0; i < n; i++)
			json_array_append_new(items, tg_h_org_json(&orgs[i]));
		if (n < 1000)
			break;
		after = orgs[n - 1].id;
	}
	json_t *j = json_object();
	json_object_set_new(j, "items", items);
	tg_resp_json(req, 200, j);
	return TG_OK;
}

enum tg_rc tg_h_org_get(struct tg_req *req)
{
	int64_t id;
	enum tg_rc rc = tg_req_param_id(req, 0, &id);
	if (rc)
		return rc;
	struct tg_org o;
	if ((rc = req->db->ops->org_get(req->db, &req->arena, id, &o)))
		return rc;
	tg_resp_json(req, 200, tg_h_org_json(&o));
	return TG_OK;
}

static enum tg_rc parse_org(struct tg_req *req, json_t *body, struct tg_org *o)
{
	static const char *const allowed[] = {"name", "name_kana",   "kind", "area_id", "phone", "email",
	                                      "url",  "description", "id",   "uuid",    NULL};
	enum tg_rc rc;
	if ((rc = tg_h_only_fields(req, body, allowed)) || (rc = tg_h_get_name(req, body, "name", 1, 200, &o->name)) ||
	    (rc = tg_h_get_string(req, body, "name_kana", 0, 200, &o->name_kana)) ||
	    (rc = tg_h_get_string(req, body, "kind", 0, 100, &o->kind)) ||
	    (rc = tg_h_get_string(req, body, "phone", 0, 40, &o->phone)) ||
	    (rc = tg_h_get_string(req, body, "email", 0, 254, &o->email)) ||
	    (rc = tg_h_get_string(req, body, "url", 0, 2000, &o->url)) ||
	    (rc = tg_h_get_string(req, body, "description", 0, 4000, &o->description)))
		return rc;
	json_t *area = json_object_get(body, "area_id");
	o->area_id = 0;
	if (area && !json_is_null(area)) {
		if (!json_is_integer(area))
			return tg_req_fail(req, TG_ERR_INVALID, "area_id",
			                   "area_id は整数にしてください (area_id must be an integer)");
		o->area_id = json_integer_value(area);
		struct tg_refdata *r = tg_app_ref_acquire(req->app);
		int known = tg_ref_area(r, o->area_id) != NULL;
		tg_app_ref_release(req->app, r);
		if (!known)
			return tg_req_fail(req, TG_ERR_INVALID, "area_id", "その地域はありません (unknown area)");
	}
	if (o->phone && !tg_valid_phone(o->phone))
		return tg_req_fail(req, TG_ERR_INVALID, "phone",
		                   "電話番号の形式が正しくありません (invalid phone number)");
	if (o->email && !tg_valid_email(o->email))
		return tg_req_fail(req, TG_ERR_INVALID, "email",
		                   "メールアドレスの形式が正しくありません (invalid email)");
	if (o->url && !tg_valid_url(o->url))
		return tg_req_fail(req, TG_ERR_INVALID, "url",
		                   "URLは http:// か https:// で始めてください (invalid URL)");
	return TG_OK;
}

enum tg_rc tg_h_org_create(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_ADMIN);
	if (rc)
		return rc;
	json_t *body = NULL;
	if ((rc = tg_req_json_body(req, &body)))
		return rc;
	struct tg_org o = {0};
	if ((rc = parse_org(req, body, &o)))
		goto out;
	if ((rc = req->db->ops->org_insert(req->db, &o)))
		goto out;
	tg_req_audit(req, "create", "org", tg_arena_printf(&req->arena, "%lld", (long long)o.id), NULL);
	struct tg_org stored;
	if ((rc = req->db->ops->org_get(req->db, &req->arena, o.id, &stored)))
		goto out;
	tg_resp_json(req, 201, tg_h_org_json(&stored));
out:
	json_decref(body);
	return rc;
}

enum tg_rc tg_h_org_update(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_ADMIN);
	if (rc)
		return rc;
	int64_t id;
	if ((rc = tg_req_param_id(req, 0, &id)))
		return rc;
	struct tg_org cur;
	if ((rc = req->db->ops->org_get(req->db, &req->arena, id, &cur)))
		return rc;
	json_t *body = NULL;
	if ((rc = tg_req_json_body(req, &body)))
		return rc;
	struct tg_org o = {0};
	if ((rc = parse_org(req, body, &o)))
		goto out;
	o.id = id;
	o.uuid = cur.uuid;
	if ((rc = tg_dir_org_update(req->app, req->db, &o, &req->arena)))
		goto out;
	tg_req_audit(req, "update", "org", tg_arena_printf(&req->arena, "%lld", (long long)id), NULL);
	struct tg_org stored;
	if ((rc = req->db->ops->org_get(req->db, &req->arena, id, &stored)))
		goto out;
	tg_resp_json(req, 200, tg_h_org_json(&stored));
out:
	json_decref(body);
	return rc;
}
