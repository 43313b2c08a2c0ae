/* export.c - page through every resource and write it out (see export.h). */
#include "app/export.h"

#include <jansson.h>

#include "io/hsds.h"

enum tg_rc tg_app_page_orgs(struct tg_db *db, struct tg_arena *a, const struct tg_resource *rs, size_t n,
                            struct tg_org **orgs, size_t *n_orgs)
{
	int64_t *ids = TG_ARENA_ARRAY(a, int64_t, n ? n : 1);
	for (size_t i = 0; i < n; i++)
		ids[i] = rs[i].org_id;
	return db->ops->org_get_many(db, a, ids, n, orgs, n_orgs);
}

const struct tg_org *tg_app_page_org(const struct tg_org *orgs, size_t n_orgs, int64_t id)
{
	size_t lo = 0, hi = n_orgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (orgs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n_orgs && orgs[lo].id == id ? &orgs[lo] : NULL;
}

enum tg_rc tg_app_export(struct tg_app *app, struct tg_db *db, int csv, int public_only, tg_export_hide_fn hide,
                         void *ctx, struct tg_buf *out, size_t *count)
{
	struct tg_refdata *ref = tg_app_ref_acquire(app);
	struct tg_hsds_ctx hc = {ref->types, ref->n_types, ref->tags, ref->n_tags};
	struct tg_resource_filter f = {.limit = 1000, .public_only = public_only};
	enum tg_rc rc = csv ? tg_export_csv_begin(out) : tg_buf_adds(out, "[");
	*count = 0;
	while (!rc) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource *rs;
		size_t n;
		if ((rc = db->ops->resource_list(db, &a, &f, &rs, &n))) {
			tg_arena_release(&a);
			break;
		}
		struct tg_org *orgs = NULL;
		size_t n_orgs = 0;
		if (csv)
			rc = tg_export_csv_rows(out, rs, n, hide, ctx);
		else
			rc = tg_app_page_orgs(db, &a, rs, n, &orgs, &n_orgs);
		for (size_t i = 0; i < n && !rc && !csv; i++) {
			int hidden = hide ? hide(ctx, &rs[i]) : rs[i].is_confidential;
			json_t *s = tg_hsds_service(&rs[i], tg_app_page_org(orgs, n_orgs, rs[i].org_id), &hc, hidden);
			char *txt = json_dumps(s, JSON_COMPACT | JSON_REAL_PRECISION(10));
			json_decref(s);
			if (*count + i)
				rc = tg_buf_addc(out, ',');
			if (!rc)
				rc = tg_buf_adds(out, txt ? txt : "null");
			free(txt);
		}
		if (!rc)
			*count += n;
		if (n)
			f.after_id = rs[n - 1].id;
		tg_arena_release(&a);
		if (n < f.limit)
			break;
	}
	if (!rc && !csv)
		rc = tg_buf_adds(out, "]\n");
	tg_app_ref_release(app, ref);
	return rc;
}
