/* common.c - small helpers shared by the handlers (see handlers.h). */
#include "http/handlers/handlers.h"

#include "core/validate.h"

void tg_h_actor(const struct tg_req *req, struct tg_actor *a)
{
	a->authed = req->authed;
	a->user_id = req->authed ? req->user.id : 0;
	a->role = req->authed ? req->user.role : TG_ROLE_VIEWER;
	a->org_id = req->authed ? req->user.org_id : 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *tg_h_user_json(const struct tg_user *u, const char *org_name)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(u->id));
	json_object_set_new(j, "login", json_string(u->login));
	json_object_set_new(j, "display_name", json_string(u->display_name));
	json_object_set_new(j, "role", json_string(tg_role_name(u->role)));
	json_object_set_new(j, "org_id", json_integer(u->org_id));
	json_object_set_new(j, "org_name", str_or_null(org_name));
	json_object_set_new(j, "disabled", json_boolean(u->disabled));
	return j;
}

json_t *tg_h_org_json(const struct tg_org *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "uuid", str_or_null(o->uuid));
	json_object_set_new(j, "name", str_or_null(o->name));
	json_object_set_new(j, "name_kana", str_or_null(o->name_kana));
	json_object_set_new(j, "kind", str_or_null(o->kind));
	json_object_set_new(j, "area_id", o->area_id ? json_integer(o->area_id) : json_null());
	json_object_set_new(j, "phone", str_or_null(o->phone));
	json_object_set_new(j, "email", str_or_null(o->email));
	json_object_set_new(j, "url", str_or_null(o->url));
	json_object_set_new(j, "description", str_or_null(o->description));
	return j;
}

enum tg_rc tg_h_get_string(struct tg_req *req, json_t *obj, const char *key, int required, size_t max_len,
                           const char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return tg_req_fail(req, TG_ERR_INVALID, key,
			                   tg_arena_printf(&req->arena, "%s は必須です (%s is required)", key, key));
		return TG_OK;
	}
	if (!json_is_string(v))
		return tg_req_fail(
		    req, TG_ERR_INVALID, key,
		    tg_arena_printf(&req->arena, "%s は文字列にしてください (%s must be a string)", key, key));
	const char *s = json_string_value(v);
	if (required && !*s)
		return tg_req_fail(req, TG_ERR_INVALID, key,
		                   tg_arena_printf(&req->arena, "%s は必須です (%s is required)", key, key));
	if (tg_utf8_length(s) > max_len)
		return tg_req_fail(req, TG_ERR_INVALID, key,
		                   tg_arena_printf(&req->arena,
		                                   "%s は%zu文字以内にしてください (%s is longer than %zu characters)",
		                                   key, max_len, key, max_len));
	*out = tg_arena_strdup(&req->arena, s);
	return TG_OK;
}

enum tg_rc tg_h_get_name(struct tg_req *req, json_t *obj, const char *key, int required, size_t max_len,
                         const char **out)
{
	enum tg_rc rc = tg_h_get_string(req, obj, key, required, max_len, out);
	if (!rc && *out && tg_blank(*out))
		return tg_req_fail(req, TG_ERR_INVALID, key,
		                   tg_arena_printf(&req->arena, "%s が空白だけです (%s is blank)", key, key));
	return rc;
}

enum tg_rc tg_h_only_fields(struct tg_req *req, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (!strcmp(*a, key)) {
				ok = 1;
				break;
			}
		if (!ok)
			return tg_req_fail(req, TG_ERR_INVALID, tg_arena_strdup(&req->arena, key),
			                   tg_arena_printf(&req->arena, "不明な項目です: %s (unknown field)", key));
	}
	return TG_OK;
}
