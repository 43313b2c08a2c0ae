/*
 * users.c - accounts (admin only). User records are personal data: every
 * read of the list and every write is audited.
 *
 *   GET  /api/v1/users        -> {"items":[User]}
 *   POST /api/v1/users        {"login","display_name","role","org_id","password"} -> 201 User
 *   PUT  /api/v1/users/{id}   {"display_name","role","org_id","disabled"} -> User
 * Disabling a user ends all their sessions. An admin cannot disable or
 * demote themselves (so a deployment always keeps one admin who can act).
 */
#include "core/validate.h"
#include "http/handlers/handlers.h"
#include "util/password.h"

static const char *org_name_of(struct tg_req *req, int64_t org_id)
{
	struct tg_org o;
	if (req->db->ops->org_get(req->db, &req->arena, org_id, &o))
		return NULL;
	return o.name;
}

enum tg_rc tg_h_user_list(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_ADMIN);
	if (rc)
		return rc;
	struct tg_user *users;
	size_t n;
	if ((rc = req->db->ops->user_list(req->db, &req->arena, 0, &users, &n)))
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, tg_h_user_json(&users[i], org_name_of(req, users[i].org_id)));
	tg_req_audit(req, "read", "user", NULL, tg_arena_printf(&req->arena, "list count=%zu", n));
	json_t *j = json_object();
	json_object_set_new(j, "items", items);
	tg_resp_json(req, 200, j);
	return TG_OK;
}

static enum tg_rc get_role(struct tg_req *req, json_t *body, int required, enum tg_role *out, int *given)
{
	const char *s;
	enum tg_rc rc = tg_h_get_string(req, body, "role", required, 20, &s);
	*given = 0;
	if (rc || !s)
		return rc;
	if (tg_role_parse(s, out))
		return tg_req_fail(req, TG_ERR_INVALID, "role",
		                   "役割は admin, coordinator, staff, volunteer, viewer のどれかです (unknown role)");
	*given = 1;
	return TG_OK;
}

static enum tg_rc get_org(struct tg_req *req, json_t *body, int required, int64_t *out, int *given)
{
	json_t *v = json_object_get(body, "org_id");
	*given = 0;
	if (!v || json_is_null(v)) {
		if (required)
			return tg_req_fail(req, TG_ERR_INVALID, "org_id", "団体は必須です (org_id is required)");
		return TG_OK;
	}
	if (!json_is_integer(v))
		return tg_req_fail(req, TG_ERR_INVALID, "org_id",
		                   "org_id は整数にしてください (org_id must be an integer)");
	struct tg_org o;
	if (req->db->ops->org_get(req->db, &req->arena, json_integer_value(v), &o))
		return tg_req_fail(req, TG_ERR_INVALID, "org_id", "その団体はありません (unknown organization)");
	*out = o.id;
	*given = 1;
	return TG_OK;
}

enum tg_rc tg_h_user_create(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_ADMIN);
	if (rc)
		return rc;
	json_t *body = NULL;
	if ((rc = tg_req_json_body(req, &body)))
		return rc;
	static const char *const allowed[] = {"login", "display_name", "role", "org_id", "password", NULL};
	struct tg_user u = {0};
	const char *password;
	int given;
	if ((rc = tg_h_only_fields(req, body, allowed)) ||
	    (rc = tg_h_get_string(req, body, "login", 1, 64, &u.login)) ||
	    (rc = tg_h_get_name(req, body, "display_name", 1, 100, &u.display_name)) ||
	    (rc = get_role(req, body, 1, &u.role, &given)) || (rc = get_org(req, body, 1, &u.org_id, &given)) ||
	    (rc = tg_h_get_string(req, body, "password", 1, 1024, &password)))
		goto out;
	if (!tg_valid_login(u.login)) {
		rc = tg_req_fail(
		    req, TG_ERR_INVALID, "login",
		    "ログインIDは半角英数字と . _ @ - の3〜64文字です (login must be 3-64 of A-Z a-z 0-9 . _ @ -)");
		goto out;
	}
	int len = tg_password_check_length(password);
	if (len) {
		rc = tg_req_fail(req, TG_ERR_INVALID, "password",
		                 len < 0 ? "パスワードは8文字以上にしてください (password needs at least 8 characters)"
		                         : "パスワードは1024文字までです (password must be at most 1024 characters)");
		goto out;
	}
	char hash[TG_PASSWORD_HASH_MAX];
	if (tg_password_hash(password, hash)) {
		rc = TG_ERR_INTERNAL;
		goto out;
	}
	u.password_hash = hash;
	rc = req->db->ops->user_insert(req->db, &u);
	if (rc == TG_ERR_CONFLICT) {
		rc = tg_req_fail(req, TG_ERR_CONFLICT, "login",
		                 "そのログインIDはすでに使われています (login already taken)");
		goto out;
	}
	if (rc)
		goto out;
	tg_req_audit(req, "create", "user", tg_arena_printf(&req->arena, "%lld", (long long)u.id), NULL);
	tg_resp_json(req, 201, tg_h_user_json(&u, org_name_of(req, u.org_id)));
out:
	json_decref(body);
	return rc;
}

enum tg_rc tg_h_user_update(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_ADMIN);
	if (rc)
		return rc;
	int64_t id;
	if ((rc = tg_req_param_id(req, 0, &id)))
		return rc;
	struct tg_user u;
	if ((rc = req->db->ops->user_get(req->db, &req->arena, id, &u)))
		return rc;
	json_t *body = NULL;
	if ((rc = tg_req_json_body(req, &body)))
		return rc;
	static const char *const allowed[] = {"display_name", "role",  "org_id",   "disabled",
	                                      "id",           "login", "org_name", NULL};
	const char *name;
	int given;
	enum tg_role role;
	int64_t org_id;
	if ((rc = tg_h_only_fields(req, body, allowed)) ||
	    (rc = tg_h_get_name(req, body, "display_name", 0, 100, &name)))
		goto out;
	if (name) {
		if (!*name) {
			rc = tg_req_fail(req, TG_ERR_INVALID, "display_name",
			                 "表示名は必須です (display_name is required)");
			goto out;
		}
		u.display_name = name;
	}
	if ((rc = get_role(req, body, 0, &role, &given)))
		goto out;
	if (given)
		u.role = role;
	if ((rc = get_org(req, body, 0, &org_id, &given)))
		goto out;
	if (given)
		u.org_id = org_id;
	json_t *dis = json_object_get(body, "disabled");
	if (dis && !json_is_null(dis)) {
		if (!json_is_boolean(dis)) {
			rc = tg_req_fail(req, TG_ERR_INVALID, "disabled",
			                 "disabled は true か false です (disabled must be a boolean)");
			goto out;
		}
		u.disabled = json_is_true(dis);
	}
	if (u.id == req->user.id && (u.disabled || u.role != TG_ROLE_ADMIN)) {
		rc = tg_req_fail(
		    req, TG_ERR_INVALID, "role",
		    "自分自身を無効にしたり管理者から外したりはできません (you cannot disable or demote yourself)");
		goto out;
	}
	if ((rc = req->db->ops->begin(req->db)))
		goto out;
	if ((rc = req->db->ops->user_update(req->db, &u)) ||
	    (u.disabled && (rc = req->db->ops->session_delete_user(req->db, u.id, NULL))) ||
	    (rc = tg_req_audit(req, "update", "user", tg_arena_printf(&req->arena, "%lld", (long long)u.id),
	                       u.disabled ? "disabled" : NULL)) ||
	    (rc = req->db->ops->commit(req->db))) {
		req->db->ops->rollback(req->db);
		goto out;
	}
	tg_resp_json(req, 200, tg_h_user_json(&u, org_name_of(req, u.org_id)));
out:
	json_decref(body);
	return rc;
}
