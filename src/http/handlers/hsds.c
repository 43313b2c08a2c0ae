/*
 * hsds.c - the Open Referral HSDS 3.0 read API under /hsds/.
 *
 *   GET /hsds/                              API info {version, profile, openapi_url}
 *   GET /hsds/services                      Page of services (service_list shape)
 *   GET /hsds/services/{id}                 one service (full)
 *   GET /hsds/organizations                 Page of organizations
 *   GET /hsds/organizations/{id}            one organization with its services
 *   GET /hsds/service_at_locations          Page of service_at_location
 *   GET /hsds/service_at_locations/{id}     one service_at_location (id = the service's id)
 *   GET /hsds/taxonomies                    Page of the two taxonomies
 *   GET /hsds/taxonomy_terms                Page of taxonomy terms
 *
 * Parameters: page (1-based), per_page (1..200, default 50), search (the
 * same Japanese search as the UI, through the index), organization_id,
 * taxonomy_term_id, modified_after (ISO 8601). Anonymous callers see public
 * resources only; confidential locations follow core/access.h everywhere.
 * Ids are our UUIDs; an unknown or hidden id answers 404.
 */
#include <errno.h>
#include <time.h>

#include "app/app.h"
#include "app/export.h"
#include "core/search.h"
#include "core/text.h"
#include "http/handlers/handlers.h"
#include "io/hsds.h"

#define PER_PAGE_DEFAULT 50
#define PER_PAGE_MAX     200

struct page {
	long long page, per_page;
};

static enum tg_rc parse_page(struct tg_req *req, struct page *p)
{
	const char *s;
	char *end;
	p->page = 1;
	p->per_page = PER_PAGE_DEFAULT;
	if ((s = tg_req_query(req, "page")) && *s) {
		errno = 0;
		p->page = strtoll(s, &end, 10);
		if (errno || *end || p->page < 1 || p->page > 1000000)
			return tg_req_fail(req, TG_ERR_INVALID, "page",
			                   "page は1以上の整数です (page must be a positive integer)");
	}
	if ((s = tg_req_query(req, "per_page")) && *s) {
		errno = 0;
		p->per_page = strtoll(s, &end, 10);
		if (errno || *end || p->per_page < 1 || p->per_page > PER_PAGE_MAX)
			return tg_req_fail(req, TG_ERR_INVALID, "per_page",
			                   "per_page は1〜200です (per_page must be 1..200)");
	}
	return TG_OK;
}

static json_t *page_json(const struct page *p, size_t total, json_t *contents)
{
	long long pages = total ? (long long)((total + (size_t)p->per_page - 1) / (size_t)p->per_page) : 0;
	json_t *j = json_object();
	json_object_set_new(j, "total_items", json_integer((json_int_t)total));
	json_object_set_new(j, "total_pages", json_integer(pages));
	json_object_set_new(j, "page_number", json_integer(p->page));
	json_object_set_new(j, "size", json_integer((json_int_t)json_array_size(contents)));
	json_object_set_new(j, "first_page", json_boolean(p->page == 1));
	json_object_set_new(j, "last_page", json_boolean(p->page >= pages));
	json_object_set_new(j, "empty", json_boolean(json_array_size(contents) == 0));
	json_object_set_new(j, "contents", contents);
	return j;
}

struct hctx {
	struct tg_req *req;
	struct tg_refdata *ref;
	struct tg_actor actor;
	struct tg_hsds_ctx hc;
};

static void hctx_init(struct hctx *h, struct tg_req *req)
{
	h->req = req;
	h->ref = tg_app_ref_acquire(req->app);
	tg_h_actor(req, &h->actor);
	h->hc.types = h->ref->types;
	h->hc.n_types = h->ref->n_types;
	h->hc.tags = h->ref->tags;
	h->hc.n_tags = h->ref->n_tags;
}

static void hctx_release(struct hctx *h)
{
	tg_app_ref_release(h->req->app, h->ref);
}

static int hide_location(struct hctx *h, const struct tg_resource *r)
{
	return !tg_access_can_locate(&h->actor, r->org_id, r->is_confidential,
	                             tg_ref_area_within(h->ref, r->area_id, h->req->user_area_id));
}

/* hide_location() for a resource about to be rendered: a confidential
 * location rendered is an audited read, as in the JSON API; *rc gets the
 * audit's failure. */
static int render_hide(struct hctx *h, const struct tg_resource *r, enum tg_rc *rc)
{
	int hide = hide_location(h, r);
	if (!hide && r->is_confidential && !*rc)
		*rc = tg_req_audit(h->req, "read", "resource_location",
		                   tg_arena_printf(&h->req->arena, "%lld", (long long)r->id), "hsds");
	return hide;
}

static int valid_timestamp(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *e = strptime(s, "%Y-%m-%d", &tm);
	return e != NULL;
}

enum tg_rc tg_h_hsds_root(struct tg_req *req)
{
	json_t *j = json_object();
	json_object_set_new(j, "version", json_string("3.0"));
	json_object_set_new(j, "profile", json_string("https://openreferral.org/"));
	json_object_set_new(
	    j, "openapi_url",
	    json_string("https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"));
	tg_resp_json(req, 200, j);
	return TG_OK;
}

/* The service ids (resource ids) matching the list parameters, in order. */
struct idlist {
	int64_t *ids;
	size_t n;
	size_t total;
};

static enum tg_rc find_term(struct hctx *h, const char *term_id, const char **type, const char **tag)
{
	json_t *terms = tg_hsds_taxonomy_terms(&h->hc);
	size_t i;
	json_t *t;
	enum tg_rc rc = TG_ERR_NOT_FOUND;
	json_array_foreach(terms, i, t)
	{
		const char *id = json_string_value(json_object_get(t, "id"));
		if (!id || strcmp(id, term_id))
			continue;
		const char *code = json_string_value(json_object_get(t, "code"));
		const char *tax = json_string_value(json_object_get(t, "taxonomy"));
		const char *c = tg_arena_strdup(&h->req->arena, code);
		if (tax && !strcmp(tax, TG_HSDS_TAXONOMY_TYPES))
			*type = c;
		else
			*tag = c;
		rc = TG_OK;
		break;
	}
	json_decref(terms);
	return rc;
}

/* A service_at_location exists for a service whose location the viewer may
 * see and that has an address or coordinates (io/hsds.c). */
static int sal_visible(struct hctx *h, const struct tg_resource *r)
{
	if (hide_location(h, r))
		return 0;
	return r->has_geo || r->address_line || r->city || r->postal_code || r->prefecture;
}

static enum tg_rc list_services(struct hctx *h, const struct page *p, int sal, struct tg_resource **out, size_t *n_out,
                                size_t *total)
{
	struct tg_req *req = h->req;
	enum tg_rc rc;
	const char *search = tg_req_query(req, "search");
	const char *org_uuid = tg_req_query(req, "organization_id");
	const char *term_id = tg_req_query(req, "taxonomy_term_id");
	const char *modified = tg_req_query(req, "modified_after");
	int64_t org_id = 0;
	const char *type = NULL, *tag = NULL;
	size_t offset = (size_t)((p->page - 1) * p->per_page);

	if (org_uuid && *org_uuid) {
		struct tg_org o;
		if (req->db->ops->org_get_by_uuid(req->db, &req->arena, org_uuid, &o)) {
			*n_out = *total = 0;
			*out = NULL;
			return TG_OK; /* no such organization: an empty page */
		}
		org_id = o.id;
	}
	if (modified && *modified && !valid_timestamp(modified))
		return tg_req_fail(
		    req, TG_ERR_INVALID, "modified_after",
		    "modified_after は ISO 8601 の日時です (modified_after must be an ISO 8601 date-time)");
	if (term_id && *term_id && find_term(h, term_id, &type, &tag)) {
		*n_out = *total = 0;
		*out = NULL;
		return TG_OK;
	}

	/* service_at_locations need a per-row check, which the filtered path does */
	int use_index = (search && *search) || type || tag || sal;
	if (!use_index) {
		/* plain listing in id order straight from the store */
		struct tg_resource_filter f = {.org_id = org_id,
		                               .modified_after = (modified && *modified) ? modified : NULL,
		                               .public_only = !req->authed};
		int64_t cnt;
		if ((rc = req->db->ops->resource_count(req->db, &f, &cnt)))
			return rc;
		*total = (size_t)cnt;
		size_t skip = offset;
		while (skip > 0) {
			f.limit = skip > 1000 ? 1000 : skip;
			struct tg_arena a = TG_ARENA_INIT;
			struct tg_resource *rs;
			size_t n;
			if ((rc = req->db->ops->resource_list(req->db, &a, &f, &rs, &n))) {
				tg_arena_release(&a);
				return rc;
			}
			if (n)
				f.after_id = rs[n - 1].id;
			tg_arena_release(&a);
			if (n < f.limit) {
				*out = NULL;
				*n_out = 0;
				return TG_OK;
			}
			skip -= n;
		}
		f.limit = (size_t)p->per_page;
		return req->db->ops->resource_list(req->db, &req->arena, &f, out, n_out);
	}

	struct tg_search_query q;
	memset(&q, 0, sizeof(q));
	q.age_months = -1;
	q.weekday = -1;
	q.public_only = !req->authed;
	q.memo_ok = 1; /* no location callback: public_only is the viewer */
	const char **terms = NULL;
	size_t n_terms = 0;
	if (search && *search) {
		if (strlen(search) > 1000 || tg_text_terms(search, strlen(search), &req->arena, &terms, &n_terms))
			return tg_req_fail(req, TG_ERR_INVALID, "search", "検索語が正しくありません (invalid search)");
		q.terms = (const char *const *)terms;
		q.n_terms = n_terms;
	}
	const char *one[1];
	if (type) {
		one[0] = type;
		q.types = one;
		q.n_types = 1;
	} else if (tag) {
		const struct tg_tag *t = tg_ref_tag(h->ref, tag);
		one[0] = tag;
		if (t && !strcmp(t->kind, "access")) {
			q.access = one;
			q.n_access = 1;
		} else {
			q.services = one;
			q.n_services = 1;
		}
	}
	q.sort = n_terms ? TG_SEARCH_SORT_RELEVANCE : TG_SEARCH_SORT_NAME;
	int post_filter = org_id || (modified && *modified) || sal;
	q.limit = post_filter ? 1000000 : (size_t)p->per_page;
	q.offset = post_filter ? 0 : offset;
	if ((rc = tg_app_wait_index(req->app, 10000)))
		return rc;
	struct tg_search_hit *hits;
	size_t n_hits, tot;
	if ((rc = tg_search_run(req->app->index, &q, &req->arena, &hits, &n_hits, &tot)))
		return rc;
	int64_t *ids = tg_arena_alloc(&req->arena, sizeof(int64_t) * (n_hits ? n_hits : 1));
	for (size_t i = 0; i < n_hits; i++)
		ids[i] = hits[i].id;
	if (!post_filter) {
		*total = tot;
		return req->db->ops->resource_get_many(req->db, &req->arena, ids, n_hits, out, n_out);
	}
	/* organization / modified_after on top of a search: filter the rows */
	struct tg_resource *keep = tg_arena_alloc(&req->arena, sizeof(*keep) * (size_t)p->per_page);
	size_t kept = 0, matched = 0;
	for (size_t at = 0; at < n_hits; at += 500) {
		size_t chunk = n_hits - at < 500 ? n_hits - at : 500;
		struct tg_resource *rs;
		size_t n;
		if ((rc = req->db->ops->resource_get_many(req->db, &req->arena, ids + at, chunk, &rs, &n)))
			return rc;
		for (size_t i = 0; i < n; i++) {
			if (org_id && rs[i].org_id != org_id)
				continue;
			if (modified && *modified && strcmp(rs[i].updated_at, modified) <= 0)
				continue;
			if (sal && !sal_visible(h, &rs[i]))
				continue;
			if (matched >= offset && kept < (size_t)p->per_page)
				keep[kept++] = rs[i];
			matched++;
		}
	}
	*out = keep;
	*n_out = kept;
	*total = matched;
	return TG_OK;
}

static enum tg_rc services_page(struct tg_req *req, int sal)
{
	struct hctx h;
	hctx_init(&h, req);
	struct page p;
	enum tg_rc rc = parse_page(req, &p);
	struct tg_resource *rs = NULL;
	size_t n = 0, total = 0;
	if (!rc)
		rc = list_services(&h, &p, sal, &rs, &n, &total);
	struct tg_org *orgs = NULL;
	size_t n_orgs = 0;
	if (!rc && !sal)
		rc = tg_app_page_orgs(req->db, &req->arena, rs, n, &orgs, &n_orgs);
	if (!rc) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			int hide = render_hide(&h, &rs[i], &rc);
			if (sal)
				json_array_append_new(arr, tg_hsds_service_at_location(&rs[i], hide));
			else
				json_array_append_new(
				    arr,
				    tg_hsds_service(&rs[i], tg_app_page_org(orgs, n_orgs, rs[i].org_id), &h.hc, hide));
		}
		if (rc)
			json_decref(arr);
		else
			tg_resp_json(req, 200, page_json(&p, total, arr));
	}
	hctx_release(&h);
	return rc;
}

enum tg_rc tg_h_hsds_services(struct tg_req *req)
{
	return services_page(req, 0);
}

enum tg_rc tg_h_hsds_sals(struct tg_req *req)
{
	return services_page(req, 1);
}

static enum tg_rc one_service(struct tg_req *req, int sal)
{
	struct hctx h;
	hctx_init(&h, req);
	struct tg_resource r;
	enum tg_rc rc = req->db->ops->resource_get_by_uuid(req->db, &req->arena, req->params[0], &r);
	if (rc == TG_ERR_NOT_FOUND || (!rc && !tg_access_can_see(&h.actor, r.is_public)))
		rc = tg_req_fail(req, TG_ERR_NOT_FOUND, "id", "そのサービスは見つかりません (service not found)");
	int hide = 1;
	if (!rc)
		hide = render_hide(&h, &r, &rc);
	if (!rc) {
		if (sal) {
			json_t *j = tg_hsds_service_at_location(&r, hide);
			if (j)
				tg_resp_json(req, 200, j);
			else /* no location the caller may see: no such object for them */
				rc = tg_req_fail(req, TG_ERR_NOT_FOUND, "id",
				                 "その場所は見つかりません (service_at_location not found)");
		} else {
			struct tg_org org;
			int have_org = req->db->ops->org_get(req->db, &req->arena, r.org_id, &org) == TG_OK;
			tg_resp_json(req, 200, tg_hsds_service(&r, have_org ? &org : NULL, &h.hc, hide));
		}
	}
	hctx_release(&h);
	return rc;
}

enum tg_rc tg_h_hsds_service(struct tg_req *req)
{
	return one_service(req, 0);
}

enum tg_rc tg_h_hsds_sal(struct tg_req *req)
{
	return one_service(req, 1);
}

enum tg_rc tg_h_hsds_organizations(struct tg_req *req)
{
	struct page p;
	enum tg_rc rc = parse_page(req, &p);
	if (rc)
		return rc;
	const char *search = tg_req_query(req, "search");
	const char **terms = NULL;
	size_t n_terms = 0;
	if (search && *search &&
	    (strlen(search) > 1000 || tg_text_terms(search, strlen(search), &req->arena, &terms, &n_terms)))
		return tg_req_fail(req, TG_ERR_INVALID, "search", "検索語が正しくありません (invalid search)");
	size_t offset = (size_t)((p.page - 1) * p.per_page), matched = 0;
	json_t *arr = json_array();
	int64_t after = 0;
	struct tg_buf norm;
	tg_buf_init(&norm, 1 << 16);
	for (;;) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_org *orgs;
		size_t n;
		if ((rc = req->db->ops->org_list(req->db, &a, after, 1000, &orgs, &n))) {
			tg_arena_release(&a);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (n_terms) {
				tg_buf_reset(&norm);
				if (tg_text_normalize(orgs[i].name, strlen(orgs[i].name), &norm) || !norm.data)
					continue;
				size_t k;
				for (k = 0; k < n_terms; k++)
					if (!strstr(norm.data, terms[k]))
						break;
				if (k < n_terms)
					continue;
			}
			if (matched >= offset && json_array_size(arr) < (size_t)p.per_page)
				json_array_append_new(arr, tg_hsds_organization(&orgs[i]));
			matched++;
		}
		if (n)
			after = orgs[n - 1].id;
		tg_arena_release(&a);
		if (n < 1000)
			break;
	}
	tg_buf_release(&norm);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	tg_resp_json(req, 200, page_json(&p, matched, arr));
	return TG_OK;
}

enum tg_rc tg_h_hsds_organization(struct tg_req *req)
{
	struct tg_org o;
	enum tg_rc rc = req->db->ops->org_get_by_uuid(req->db, &req->arena, req->params[0], &o);
	if (rc == TG_ERR_NOT_FOUND)
		return tg_req_fail(req, TG_ERR_NOT_FOUND, "id", "その団体は見つかりません (organization not found)");
	if (rc)
		return rc;
	struct hctx h;
	hctx_init(&h, req);
	json_t *j = tg_hsds_organization(&o);
	json_t *svcs = json_array();
	struct tg_resource_filter f = {.org_id = o.id, .limit = 1000, .public_only = !req->authed};
	for (;;) {
		struct tg_resource *rs;
		size_t n;
		if ((rc = req->db->ops->resource_list(req->db, &req->arena, &f, &rs, &n)))
			break;
		for (size_t i = 0; i < n && !rc; i++)
			json_array_append_new(svcs, tg_hsds_service(&rs[i], &o, &h.hc, render_hide(&h, &rs[i], &rc)));
		if (rc)
			break;
		if (n)
			f.after_id = rs[n - 1].id;
		if (n < f.limit)
			break;
	}
	hctx_release(&h);
	if (rc) {
		json_decref(j);
		json_decref(svcs);
		return rc;
	}
	json_object_set_new(j, "services", svcs);
	tg_resp_json(req, 200, j);
	return TG_OK;
}

enum tg_rc tg_h_hsds_taxonomies(struct tg_req *req)
{
	struct page p;
	enum tg_rc rc = parse_page(req, &p);
	if (rc)
		return rc;
	json_t *all = tg_hsds_taxonomies();
	json_t *arr = json_array();
	size_t total = json_array_size(all), off = (size_t)((p.page - 1) * p.per_page);
	for (size_t i = off; i < total && json_array_size(arr) < (size_t)p.per_page; i++)
		json_array_append(arr, json_array_get(all, i));
	json_decref(all);
	tg_resp_json(req, 200, page_json(&p, total, arr));
	return TG_OK;
}

static const char *taxonomy_id_of(json_t *t)
{
	const char *s = json_string_value(json_object_get(t, "taxonomy_id"));
	return s ? s : "";
}

enum tg_rc tg_h_hsds_taxonomy_terms(struct tg_req *req)
{
	struct page p;
	enum tg_rc rc = parse_page(req, &p);
	if (rc)
		return rc;
	struct hctx h;
	hctx_init(&h, req);
	json_t *all = tg_hsds_taxonomy_terms(&h.hc);
	hctx_release(&h);
	const char *tax = tg_req_query(req, "taxonomy_id");
	json_t *arr = json_array();
	size_t off = (size_t)((p.page - 1) * p.per_page), matched = 0, i;
	json_t *t;
	json_array_foreach(all, i, t)
	{
		if (tax && *tax && strcmp(tax, taxonomy_id_of(t)))
			continue;
		if (matched >= off && json_array_size(arr) < (size_t)p.per_page)
			json_array_append(arr, t);
		matched++;
	}
	json_decref(all);
	tg_resp_json(req, 200, page_json(&p, matched, arr));
	return TG_OK;
}
