/*
 * demo.c - the demo data loader (see demo.h). Everything goes in one
 * transaction, so a failure leaves nothing behind; resources go through
 * tg_dir_create_in_tx so that the demo exercises the same validation and
 * history as the API. The reference data is reloaded inside the
 * transaction (the organizations and resources refer to the new areas).
 */
#include "app/demo.h"

#include <jansson.h>

#include "io/resource_json.h"
#include "util/password.h"

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static enum tg_rc load_areas(struct tg_db *db, json_t *arr, int64_t parent, int level, size_t *count)
{
	size_t i;
	json_t *a;
	json_array_foreach(arr, i, a)
	{
		struct tg_area area = {.parent_id = parent,
		                       .level = (enum tg_area_level)level,
		                       .name = jstr(a, "name"),
		                       .name_kana = jstr(a, "name_kana")};
		if (!area.name || level > TG_AREA_DISTRICT)
			return TG_ERR_INVALID;
		enum tg_rc rc = db->ops->area_ensure(db, &area);
		if (rc)
			return rc;
		(*count)++;
		json_t *kids = json_object_get(a, "children");
		if (json_is_array(kids) && (rc = load_areas(db, kids, area.id, level + 1, count)))
			return rc;
	}
	return TG_OK;
}

/* Area id for a path of names (city first), from the reference snapshot. */
static int64_t area_for_path(const struct tg_refdata *ref, json_t *path)
{
	int64_t parent = 0;
	size_t i;
	json_t *name;
	json_array_foreach(path, i, name)
	{
		int64_t found = 0;
		for (size_t k = 0; k < ref->n_areas; k++)
			if (ref->areas[k].parent_id == parent && json_is_string(name) &&
			    !strcmp(ref->areas[k].name, json_string_value(name))) {
				found = ref->areas[k].id;
				break;
			}
		if (!found)
			return -1;
		parent = found;
	}
	return parent;
}

struct orgkey {
	const char *key;
	int64_t id;
	int64_t area_id;
};

static int64_t org_for_key(struct orgkey *keys, size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (!strcmp(keys[i].key, key))
			return keys[i].id;
	return 0;
}

enum tg_rc tg_demo_load(struct tg_app *app, struct tg_db *db, const char *path, struct tg_demo_summary *sum, char *msg,
                        size_t msglen)
{
	json_error_t je;
	enum tg_rc rc = TG_OK;
	struct tg_arena a = TG_ARENA_INIT;
	struct orgkey *keys = NULL;
	struct tg_refdata *ref = NULL;
	int in_tx = 0;
	memset(sum, 0, sizeof(*sum));
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(msg, msglen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return TG_ERR_INVALID;
	}
	const char *password = jstr(root, "demo_password");
	if (!password) {
		snprintf(msg, msglen, "%s: demo_password is missing", path);
		rc = TG_ERR_INVALID;
		goto out;
	}

	/* areas */
	if ((rc = db->ops->begin(db)))
		goto out;
	in_tx = 1;
	if ((rc = load_areas(db, json_object_get(root, "areas"), 0, TG_AREA_CITY, &sum->areas))) {
		snprintf(msg, msglen, "areas: %s", tg_rc_code(rc));
		goto out;
	}
	if ((rc = tg_app_ref_reload(app, db)))
		goto out;
	ref = tg_app_ref_acquire(app);

	/* organizations */
	json_t *orgs = json_object_get(root, "orgs");
	size_t n_orgs = json_array_size(orgs), i;
	keys = tg_xcalloc(n_orgs ? n_orgs : 1, sizeof(*keys));
	json_t *o;
	json_array_foreach(orgs, i, o)
	{
		struct tg_org org = {.name = jstr(o, "name"),
		                     .name_kana = jstr(o, "name_kana"),
		                     .kind = jstr(o, "kind"),
		                     .phone = jstr(o, "phone"),
		                     .email = jstr(o, "email"),
		                     .url = jstr(o, "url"),
		                     .description = jstr(o, "description")};
		json_t *ap = json_object_get(o, "area");
		if (json_is_array(ap)) {
			int64_t aid = area_for_path(ref, ap);
			if (aid < 0) {
				snprintf(msg, msglen, "orgs[%zu]: unknown area path", i);
				rc = TG_ERR_INVALID;
				break;
			}
			org.area_id = aid;
		}
		if (!org.name || !jstr(o, "key")) {
			snprintf(msg, msglen, "orgs[%zu]: key and name are required", i);
			rc = TG_ERR_INVALID;
			break;
		}
		if ((rc = db->ops->org_insert(db, &org))) {
			snprintf(msg, msglen, "orgs[%zu]: %s", i, tg_rc_code(rc));
			break;
		}
		keys[i].key = jstr(o, "key");
		keys[i].id = org.id;
		sum->orgs++;
	}
	/* users */
	json_t *users = json_object_get(root, "users"), *u;
	char hash[TG_PASSWORD_HASH_MAX];
	if (!rc && tg_password_hash(password, hash))
		rc = TG_ERR_INTERNAL;
	json_array_foreach(users, i, u)
	{
		if (rc)
			break;
		struct tg_user usr = {.login = jstr(u, "login"),
		                      .display_name = jstr(u, "display_name"),
		                      .org_id = org_for_key(keys, n_orgs, jstr(u, "org")),
		                      .password_hash = hash};
		if (!usr.login || !usr.display_name || !usr.org_id || !jstr(u, "role") ||
		    tg_role_parse(jstr(u, "role"), &usr.role)) {
			snprintf(msg, msglen, "users[%zu]: login, display_name, a known role and org key are required",
			         i);
			rc = TG_ERR_INVALID;
			break;
		}
		if ((rc = db->ops->user_insert(db, &usr))) {
			snprintf(msg, msglen, "users[%zu]: %s", i, tg_rc_code(rc));
			break;
		}
		sum->users++;
	}
	if (rc)
		goto out;

	/* resources: each through the API's write path */
	json_t *resources = json_object_get(root, "resources"), *r;
	json_array_foreach(resources, i, r)
	{
		json_t *copy = json_deep_copy(r);
		const char *okey = jstr(copy, "org");
		json_t *ap = json_object_get(copy, "area");
		int64_t org_id = org_for_key(keys, n_orgs, okey);
		int64_t area_id = json_is_array(ap) ? area_for_path(ref, ap) : 0;
		json_object_del(copy, "org");
		json_object_del(copy, "area");
		struct tg_resource res;
		struct tg_field_error err = {0};
		if (!org_id || area_id < 0) {
			snprintf(msg, msglen, "resources[%zu]: unknown org key or area path", i);
			rc = TG_ERR_INVALID;
		} else if ((rc = tg_resource_from_json(copy, &a, &res, &err))) {
			snprintf(msg, msglen, "resources[%zu].%s: %s", i, err.field ? err.field : "", err.message);
		} else {
			res.org_id = org_id;
			res.area_id = area_id;
			res.source = "demo";
			res.source_id = tg_arena_printf(&a, "%zu", i + 1);
			if ((rc = tg_dir_create_in_tx(app, db, 0, &res, &a, &err)))
				snprintf(msg, msglen, "resources[%zu] (%s).%s: %s", i, res.name ? res.name : "?",
				         err.field ? err.field : "", err.message ? err.message : tg_rc_code(rc));
		}
		json_decref(copy);
		if (rc)
			break;
		sum->resources++;
	}
	if (!rc && (rc = db->ops->commit(db)))
		snprintf(msg, msglen, "commit: %s", tg_rc_code(rc));
	in_tx = !!rc;
out:
	if (in_tx) {
		db->ops->rollback(db);
		memset(sum, 0, sizeof(*sum)); /* nothing was loaded */
	}
	if (ref)
		tg_app_ref_release(app, ref);
	free(keys);
	json_decref(root);
	tg_arena_release(&a);
	return rc;
}
