/*
 * transfer.c - import and export of the directory.
 *
 *   POST /api/v1/import?format=jp-facilities|hsds[&dry_run=1][&public=0][&org_id=N]
 *        body: the file (Shift_JIS or UTF-8 CSV, or HSDS JSON), up to 64 MiB
 *        -> 200 ImportReport, or 422 ImportReport when any row was rejected
 *           (then nothing was written)                          (coordinator+)
 *   GET  /api/v1/export?format=hsds|csv -> a file download         (logged in)
 *
 * Exports follow the viewer's rights for rows (non-public resources only for
 * logged-in users, all of whom may see them) and hold no confidential
 * location for anyone (app/export.h). Every import and export is audited.
 */
#include <errno.h>
#include <time.h>

#include "app/app.h"
#include "http/handlers/handlers.h"
#include "app/export.h"
#include "io/import.h"
#include "util/timefmt.h"

struct import_auth {
	struct tg_req *req;
	struct tg_refdata *ref;
	struct tg_actor actor;
};

/* The rules of the resource API, row by row: an update needs the right to
 * edit the stored row, and the row as imported (its organization and area,
 * maybe new ones) needs the right to create there. */
static int import_may_write(void *p, const struct tg_resource *r, const struct tg_resource *old)
{
	struct import_auth *x = p;
	if (old &&
	    !tg_access_can_edit(&x->actor, old->org_id, tg_ref_area_within(x->ref, old->area_id, x->req->user_area_id)))
		return 0;
	return tg_access_can_create(&x->actor, r->org_id, tg_ref_area_within(x->ref, r->area_id, x->req->user_area_id));
}

static int import_may_see_location(void *p, const struct tg_resource *old)
{
	struct import_auth *x = p;
	return tg_access_can_locate(&x->actor, old->org_id, old->is_confidential,
	                            tg_ref_area_within(x->ref, old->area_id, x->req->user_area_id));
}

/* ?name=1|true|0|false into *out (left as it is when absent). */
static enum tg_rc query_flag(struct tg_req *req, const char *name, int *out)
{
	const char *s = tg_req_query(req, name);
	if (!s)
		return TG_OK;
	if (!strcmp(s, "1") || !strcmp(s, "true"))
		*out = 1;
	else if (!strcmp(s, "0") || !strcmp(s, "false"))
		*out = 0;
	else
		return tg_req_fail(
		    req, TG_ERR_INVALID, name,
		    tg_arena_printf(&req->arena, "%s は 1 か 0 です (%s must be 1, true, 0 or false)", name, name));
	return TG_OK;
}

enum tg_rc tg_h_import(struct tg_req *req)
{
	enum tg_rc rc = tg_req_require_role(req, TG_ROLE_COORDINATOR);
	if (rc)
		return rc;
	const char *format = tg_req_query(req, "format");
	if (!format || (strcmp(format, "jp-facilities") && strcmp(format, "hsds")))
		return tg_req_fail(req, TG_ERR_INVALID, "format",
		                   "format は jp-facilities か hsds です (format must be jp-facilities or hsds)");
	const char *ct = tg_req_header(req, "Content-Type");
	if (ct && strncmp(ct, "text/", 5) && strncmp(ct, "application/json", 16) &&
	    strncmp(ct, "application/csv", 15) && strncmp(ct, "application/octet-stream", 24) &&
	    strncmp(ct, "application/vnd.ms-excel", 24))
		return tg_req_fail(req, TG_ERR_UNSUPPORTED, NULL,
		                   "CSV か JSON のファイルを送ってください (send a CSV or JSON file)");
	if (req->body.len == 0)
		return tg_req_fail(req, TG_ERR_INVALID, NULL, "ファイルが空です (the file is empty)");
	struct tg_import_options o;
	tg_import_options_init(&o);
	const char *s;
	/* both choose what is written: a value that is neither yes nor no is
	 * refused, never read as the riskier one (a real import, public rows) */
	if ((rc = query_flag(req, "dry_run", &o.dry_run)) || (rc = query_flag(req, "public", &o.make_public)))
		return rc;
	o.default_org_id = req->user.org_id;
	if ((s = tg_req_query(req, "org_id")) && *s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		struct tg_org org;
		if (errno || *end || v <= 0 || req->db->ops->org_get(req->db, &req->arena, v, &org))
			return tg_req_fail(req, TG_ERR_INVALID, "org_id",
			                   "その団体はありません (unknown organization)");
		o.default_org_id = v;
	}
	o.user_id = req->user.id;
	o.search_text = tg_app_import_search_text;
	o.search_text_ctx = req->app;

	struct import_auth auth = {.req = req, .ref = tg_app_ref_acquire(req->app)};
	tg_h_actor(req, &auth.actor);
	o.may_write = import_may_write;
	o.may_see_location = import_may_see_location;
	o.may_write_ctx = &auth;

	struct tg_import_report rep;
	rc = tg_import_run(req->db, format, req->body.data, req->body.len, &o, &req->arena, &rep);
	tg_app_ref_release(req->app, auth.ref);
	json_t *j = tg_import_report_to_json(&rep);
	tg_req_audit(req, o.dry_run ? "import_check" : "import", "resource", NULL,
	             tg_arena_printf(&req->arena, "format=%s rows=%zu created=%zu updated=%zu rejected=%zu rc=%s",
	                             format, rep.rows, rep.created, rep.updated, rep.rejected, tg_rc_code(rc)));
	if (rc == TG_ERR_INVALID || rc == TG_ERR_UNSUPPORTED || rc == TG_ERR_FORBIDDEN) {
		tg_resp_json(req, rc == TG_ERR_FORBIDDEN ? 403 : 422, j);
		return TG_OK;
	}
	if (rc) {
		json_decref(j);
		return rc;
	}
	if (!o.dry_run && (rep.created || rep.updated)) {
		tg_app_ref_reload(req->app, req->db);
		tg_app_index_refresh(req->app, req->db);
	}
	tg_resp_json(req, 200, j);
	return TG_OK;
}

enum tg_rc tg_h_export(struct tg_req *req)
{
	const char *format = tg_req_query(req, "format");
	if (!format)
		format = "hsds";
	if (strcmp(format, "hsds") && strcmp(format, "csv"))
		return tg_req_fail(req, TG_ERR_INVALID, "format",
		                   "format は hsds か csv です (format must be hsds or csv)");
	struct tg_buf out;
	tg_buf_init(&out, (size_t)1 << 30);
	int csv = !strcmp(format, "csv");
	size_t count = 0;
	/* A file leaves tsunagu's access rules: no confidential place's location
	 * in it, for anyone (app/export.h) */
	enum tg_rc rc = tg_app_export(req->app, req->db, csv, !req->authed, NULL, NULL, &out, &count);
	if (rc) {
		tg_buf_release(&out);
		return rc;
	}
	tg_req_audit(req, "export", "resource", NULL,
	             tg_arena_printf(&req->arena, "format=%s count=%zu", format, count));
	char day[11];
	tg_date_jst(time(NULL), day);
	size_t len;
	char *data = tg_buf_detach(&out, &len);
	/* hand the buffer to the arena's lifetime: copy (exports are rare) */
	char *copy = tg_arena_alloc(&req->arena, len + 1);
	memcpy(copy, data, len);
	free(data);
	tg_resp_raw(req, 200, csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8", copy, len);
	tg_resp_header(
	    req, "Content-Disposition",
	    tg_arena_printf(&req->arena, "attachment; filename=\"tsunagu-%s.%s\"", day, csv ? "csv" : "json"));
	return TG_OK;
}
