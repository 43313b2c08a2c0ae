/*
 * audit.c - the audit log (admin only).
 *
 *   GET /api/v1/audit?before=ID&limit=N -> {"items":[{id,at,user_id,action,object_type,object_id,detail}],
 *                                            "next_before": ID|null}
 * Reading the audit log is itself audited.
 */
#include <errno.h>

#include "http/handlers/handlers.h"

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
	if (!s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || !*s || v < lo || v > hi)
		return -1;
	*out = v;
	return 1;
}

enum tg_rc tg_h_audit_list(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_ADMIN);
	if (rc)
		return rc;
	long long before = 0, limit = 100;
	if (parse_int(tg_req_query(req, "before"), 1, INT64_MAX, &before) < 0)
		return tg_req_fail(req, TG_ERR_INVALID, "before",
		                   "before は正の整数です (before must be a positive integer)");
	if (parse_int(tg_req_query(req, "limit"), 1, 1000, &limit) < 0)
		return tg_req_fail(req, TG_ERR_INVALID, "limit", "limit は1〜1000です (limit must be 1..1000)");
	struct tg_audit *items;
	size_t n;
	if ((rc = req->db->ops->audit_list(req->db, &req->arena, before, (size_t)limit, &items, &n)))
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "id", json_integer(items[i].id));
		json_object_set_new(e, "at", json_string(items[i].at));
		json_object_set_new(e, "user_id", items[i].user_id ? json_integer(items[i].user_id) : json_null());
		json_object_set_new(e, "action", json_string(items[i].action));
		json_object_set_new(e, "object_type", json_string(items[i].object_type));
		json_object_set_new(e, "object_id", items[i].object_id ? json_string(items[i].object_id) : json_null());
		json_object_set_new(e, "detail", items[i].detail ? json_string(items[i].detail) : json_null());
		json_array_append_new(arr, e);
	}
	tg_req_audit(req, "read", "audit", NULL, NULL);
	json_t *j = json_object();
	json_object_set_new(j, "items", arr);
	json_object_set_new(j, "next_before", n == (size_t)limit && n ? json_integer(items[n - 1].id) : json_null());
	tg_resp_json(req, 200, j);
	return TG_OK;
}
