/*
 * app.c - shared application state and the directory write operations
 * (see app.h).
 *
 * Writes follow one order so that a failure leaves nothing half done:
 *   validate -> BEGIN -> store row -> history row -> COMMIT -> index.
 * The index is touched only after COMMIT; if the process dies in between,
 * the next start rebuilds the index from the database, which is the truth.
 */
#include "app/app.h"

#include <jansson.h>
#include <malloc.h>
#include <stdatomic.h>
#include <time.h>

#include "app/rcache.h"
#include "core/memo.h"
#include "core/search.h"
#include "core/text.h"
#include "io/resource_json.h"
#include "util/log.h"
#include "util/timefmt.h"

#define DEFAULT_TILE_URL         "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#define DEFAULT_TILE_ATTRIBUTION "© OpenStreetMap contributors"
#define LOAD_PAGE                2000
#define REWRITE_BATCH            500

static struct tg_refdata *ref_load(struct tg_db *db, enum tg_rc *rc)
{
	struct tg_refdata *r = tg_xcalloc(1, sizeof(*r));
	tg_arena_init(&r->arena);
	if ((*rc = db->ops->area_list(db, &r->arena, &r->areas, &r->n_areas)) ||
	    (*rc = db->ops->type_list(db, &r->arena, &r->types, &r->n_types)) ||
	    (*rc = db->ops->tag_list(db, &r->arena, &r->tags, &r->n_tags))) {
		tg_arena_release(&r->arena);
		free(r);
		return NULL;
	}
	static _Atomic uint64_t versions;
	r->version = atomic_fetch_add(&versions, 1) + 1;
	r->refs = 1;
	return r;
}

static void ref_unref(struct tg_refdata *r)
{
	if (--r->refs == 0) {
		tg_arena_release(&r->arena);
		free(r);
	}
}

enum tg_rc tg_app_init(struct tg_app *app, const char *db_url, struct tg_db *db)
{
	enum tg_rc rc;
	memset(app, 0, sizeof(*app));
	app->db_url = tg_xstrdup(db_url);
	app->tenant_id = db->tenant_id;
	pthread_mutex_init(&app->index_lock, NULL);
	pthread_cond_init(&app->index_cond, NULL);
	pthread_mutex_init(&app->ref_lock, NULL);
	app->index = tg_search_new();
	app->rcache = tg_rcache_new();
	app->verify_after_days = 365;
	app->ref = ref_load(db, &rc);
	if (!app->ref)
		return rc;

	struct tg_arena a = TG_ARENA_INIT;
	const char *v;
	if (db->ops->setting_get(db, &a, "tile_url", &v) == TG_OK)
		app->tile_url = tg_xstrdup(v);
	else
		app->tile_url = tg_xstrdup(DEFAULT_TILE_URL);
	if (db->ops->setting_get(db, &a, "tile_attribution", &v) == TG_OK)
		app->tile_attribution = tg_xstrdup(v);
	else
		app->tile_attribution = tg_xstrdup(DEFAULT_TILE_ATTRIBUTION);
	if (db->ops->setting_get(db, &a, "tile_trusted", &v) == TG_OK)
		app->tile_trusted = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	if (db->ops->setting_get(db, &a, "verify_after_days", &v) == TG_OK) {
		int d = atoi(v);
		if (d > 0 && d < 3650)
			app->verify_after_days = d;
	}
	tg_arena_release(&a);
	return TG_OK;
}

int tg_app_tile_trusted(const struct tg_app *app)
{
	const char *u = app->tile_url;
	return app->tile_trusted || (u && u[0] == '/' && u[1] != '/');
}

void tg_app_release(struct tg_app *app)
{
	if (app->index)
		tg_search_free(app->index);
	tg_rcache_free(app->rcache);
	tg_memo_free(app->explain);
	if (app->ref)
		ref_unref(app->ref);
	free(app->db_url);
	free(app->tenant_code);
	free(app->tile_url);
	free(app->tile_attribution);
	free(app->index_since);
	free(app->since_ids);
	free(app->since_versions);
	for (size_t i = 0; i < app->n_rewrites; i++)
		free(app->rewrites[i].text);
	free(app->rewrites);
	pthread_mutex_destroy(&app->index_lock);
	pthread_cond_destroy(&app->index_cond);
	pthread_mutex_destroy(&app->ref_lock);
	memset(app, 0, sizeof(*app));
}

struct tg_refdata *tg_app_ref_acquire(struct tg_app *app)
{
	pthread_mutex_lock(&app->ref_lock);
	struct tg_refdata *r = app->ref;
	r->refs++;
	pthread_mutex_unlock(&app->ref_lock);
	return r;
}

void tg_app_ref_release(struct tg_app *app, struct tg_refdata *r)
{
	pthread_mutex_lock(&app->ref_lock);
	ref_unref(r);
	pthread_mutex_unlock(&app->ref_lock);
}

enum tg_rc tg_app_ref_reload(struct tg_app *app, struct tg_db *db)
{
	tg_db_set_tenant(db, app->tenant_id);
	enum tg_rc rc;
	struct tg_refdata *r = ref_load(db, &rc);
	if (!r)
		return rc;
	pthread_mutex_lock(&app->ref_lock);
	struct tg_refdata *old = app->ref;
	app->ref = r;
	ref_unref(old);
	pthread_mutex_unlock(&app->ref_lock);
	return TG_OK;
}

const struct tg_area *tg_ref_area(const struct tg_refdata *r, int64_t id)
{
	/* areas come sorted by id from the store: binary search */
	size_t lo = 0, hi = r->n_areas;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->areas[mid].id == id)
			return &r->areas[mid];
		if (r->areas[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = 0; i < r->n_areas; i++) /* in case the order was not by id */
		if (r->areas[i].id == id)
			return &r->areas[i];
	return NULL;
}

size_t tg_ref_area_chain(const struct tg_refdata *r, int64_t area_id, int64_t *chain, size_t max)
{
	size_t n = 0;
	while (area_id && n < max) {
		const struct tg_area *a = tg_ref_area(r, area_id);
		if (!a)
			break;
		chain[n++] = a->id;
		area_id = a->parent_id;
	}
	return n;
}

int tg_ref_area_within(const struct tg_refdata *r, int64_t a, int64_t container)
{
	if (!container)
		return 1;
	int64_t chain[8];
	size_t n = tg_ref_area_chain(r, a, chain, 8);
	for (size_t i = 0; i < n; i++)
		if (chain[i] == container)
			return 1;
	return 0;
}

const struct tg_resource_type *tg_ref_type(const struct tg_refdata *r, const char *code)
{
	for (size_t i = 0; code && i < r->n_types; i++)
		if (!strcmp(r->types[i].code, code))
			return &r->types[i];
	return NULL;
}

const struct tg_tag *tg_ref_tag(const struct tg_refdata *r, const char *code)
{
	for (size_t i = 0; code && i < r->n_tags; i++)
		if (!strcmp(r->tags[i].code, code))
			return &r->tags[i];
	return NULL;
}

void tg_ref_validate_ctx(const struct tg_refdata *r, struct tg_validate_ctx *ctx)
{
	ctx->types = r->types;
	ctx->n_types = r->n_types;
	ctx->tags = r->tags;
	ctx->n_tags = r->n_tags;
}

/* The search text of r; its area's names from ref, or when ref does not
 * know the area, the names given (an import's new areas). */
static const char *search_text(const struct tg_refdata *ref, const struct tg_resource *r,
                               const char *const *area_names_in, size_t n_area_names_in, struct tg_arena *a)
{
	const char *tag_names[128];
	const char *area_names[8];
	size_t nt = 0, na = 0;
	for (size_t i = 0; i < r->n_services && nt < 64; i++) {
		const struct tg_tag *t = tg_ref_tag(ref, r->services[i]);
		if (t)
			tag_names[nt++] = t->name_ja;
	}
	for (size_t i = 0; i < r->n_access && nt < 128; i++) {
		const struct tg_tag *t = tg_ref_tag(ref, r->access[i]);
		if (t)
			tag_names[nt++] = t->name_ja;
	}
	int64_t chain[8];
	size_t nc = tg_ref_area_chain(ref, r->area_id, chain, 8);
	for (size_t i = 0; i < nc; i++)
		area_names[na++] = tg_ref_area(ref, chain[i])->name;
	for (size_t i = 0; nc == 0 && i < n_area_names_in && na < 8; i++)
		area_names[na++] = area_names_in[i];
	const struct tg_resource_type *ty = tg_ref_type(ref, r->type_code);
	struct tg_search_text_extra x = {
	    .org_name = r->org_name,
	    .type_name = ty ? ty->name_ja : NULL,
	    .tag_names = tag_names,
	    .n_tag_names = nt,
	    .area_names = area_names,
	    .n_area_names = na,
	};
	struct tg_buf b;
	tg_buf_init(&b, 1 << 20);
	const char *out = "";
	if (tg_search_text_build(r, &x, &b) == TG_OK && b.data)
		out = tg_arena_strndup(a, b.data, b.len);
	tg_buf_release(&b);
	return out;
}

const char *tg_app_search_text(struct tg_app *app, const struct tg_refdata *ref, const struct tg_resource *r,
                               struct tg_arena *a)
{
	(void)app;
	return search_text(ref, r, NULL, 0, a);
}

const char *tg_app_import_search_text(void *app, const struct tg_resource *r, const char *const *area_names,
                                      size_t n_area_names, struct tg_arena *a)
{
	struct tg_refdata *ref = tg_app_ref_acquire(app);
	const char *s = search_text(ref, r, area_names, n_area_names, a);
	tg_app_ref_release(app, ref);
	return s;
}

/* Fill doc from r; arrays point into r and the arena. */
static void make_doc(const struct tg_refdata *ref, const struct tg_resource *r, const char *text, int64_t *chain,
                     struct tg_search_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	doc->id = r->id;
	doc->version = r->version;
	doc->org_id = r->org_id;
	doc->type_code = r->type_code;
	doc->n_areas = tg_ref_area_chain(ref, r->area_id, chain, TG_SEARCH_MAX_AREAS);
	doc->areas = chain;
	doc->search_text = text;
	doc->search_text_len = strlen(text);
	doc->age_min = r->age_min_months;
	doc->age_max = r->age_max_months;
	doc->fee_free = r->fee_free;
	doc->is_public = r->is_public;
	doc->is_confidential = r->is_confidential;
	doc->has_geo = r->has_geo;
	doc->lat = r->lat;
	doc->lon = r->lon;
	doc->services = (const char *const *)r->services;
	doc->n_services = r->n_services;
	doc->access = (const char *const *)r->access;
	doc->n_access = r->n_access;
	doc->hours = r->hours;
	doc->n_hours = r->n_hours;
	doc->exceptions = r->exceptions;
	doc->n_exceptions = r->n_exceptions;
}

/* The rows indexed at the mark and the version each was indexed at: a
 * map, so that a row put twice in the same second (imported, then edited)
 * counts once, at its latest version. Open addressing, id 0 = empty (ids
 * are > 0), at most half full. index_since_vsum and _idsum are the sums
 * of the versions and ids, which the refresher compares with the store's
 * (resource_versions_at). A deletion makes the map stale (since_dirty):
 * the next refresh redoes the mark. */
static void since_ids_clear(struct tg_app *app)
{
	if (app->since_ids)
		memset(app->since_ids, 0, app->since_cap * sizeof(*app->since_ids));
	app->index_since_count = 0;
	app->index_since_vsum = 0;
	app->index_since_idsum = 0;
}

static void since_ids_add(struct tg_app *app, int64_t id, int64_t version)
{
	if ((size_t)(app->index_since_count + 1) * 2 > app->since_cap) {
		size_t old_cap = app->since_cap, cap = old_cap ? old_cap * 2 : 64;
		int64_t *old = app->since_ids, *old_v = app->since_versions;
		app->since_ids = tg_xcalloc(cap, sizeof(*app->since_ids));
		app->since_versions = tg_xcalloc(cap, sizeof(*app->since_versions));
		app->since_cap = cap;
		app->index_since_count = 0;
		app->index_since_vsum = 0;
		app->index_since_idsum = 0;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				since_ids_add(app, old[i], old_v[i]);
		free(old);
		free(old_v);
	}
	size_t mask = app->since_cap - 1, i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & mask;
	while (app->since_ids[i] && app->since_ids[i] != id)
		i = (i + 1) & mask;
	if (!app->since_ids[i]) {
		app->since_ids[i] = id;
		app->since_versions[i] = version;
		app->index_since_count++;
		app->index_since_vsum += version;
		app->index_since_idsum += id;
	} else if (version > app->since_versions[i]) {
		app->index_since_vsum += version - app->since_versions[i];
		app->since_versions[i] = version;
	}
}

/* Keep the high-water mark of updated_at and which rows carry it, so that
 * the refresher can tell "already seen" from "changed in the same second"
 * (timestamps have one-second resolution). Caller holds index_lock. */
static void note_since(struct tg_app *app, int64_t id, int64_t version, const char *updated_at)
{
	if (!updated_at)
		return;
	int c = app->index_since ? strcmp(updated_at, app->index_since) : 1;
	if (c > 0) {
		free(app->index_since);
		app->index_since = tg_xstrdup(updated_at);
		since_ids_clear(app);
		since_ids_add(app, id, version);
	} else if (c == 0) {
		since_ids_add(app, id, version);
	}
}

static void rewrite_add(struct tg_app *app, int64_t id, int64_t version, const char *text)
{
	if (app->n_rewrites == app->cap_rewrites) {
		app->cap_rewrites = app->cap_rewrites ? app->cap_rewrites * 2 : 64;
		app->rewrites = tg_xrealloc(app->rewrites, app->cap_rewrites * sizeof(*app->rewrites));
	}
	app->rewrites[app->n_rewrites++] = (struct tg_text_rewrite){id, version, text ? tg_xstrdup(text) : NULL};
}

static void rewrites_clear(struct tg_app *app)
{
	for (size_t i = 0; i < app->n_rewrites; i++)
		free(app->rewrites[i].text);
	free(app->rewrites);
	app->rewrites = NULL;
	app->n_rewrites = app->cap_rewrites = 0;
}

enum tg_rc tg_app_text_upgrade(struct tg_app *app, struct tg_db *db, size_t *written)
{
	enum tg_rc rc = TG_OK;
	*written = 0;
	tg_db_set_tenant(db, app->tenant_id);
	for (size_t i = 0; i < app->n_rewrites && !rc; i += REWRITE_BATCH) {
		size_t end = i + REWRITE_BATCH < app->n_rewrites ? i + REWRITE_BATCH : app->n_rewrites, n = 0;
		if ((rc = db->ops->begin(db)))
			break;
		for (size_t k = i; k < end && !rc; k++) {
			const struct tg_text_rewrite *w = &app->rewrites[k];
			rc = db->ops->resource_rewrite_search_text(db, w->id, w->version, w->text);
			if (rc == TG_ERR_CONFLICT)
				rc = TG_OK; /* edited or deleted since: its text is current */
			else if (!rc)
				n++;
		}
		if (!rc && !(rc = db->ops->commit(db)))
			*written += n;
		else
			db->ops->rollback(db);
	}
	rewrites_clear(app);
	malloc_trim(0); /* as after the load: the texts were many small blocks */
	return rc;
}

enum tg_rc tg_app_index_load(struct tg_app *app, struct tg_db *db)
{
	tg_db_set_tenant(db, app->tenant_id);
	/* The change mark before the rows: a delete made while loading is
	 * seen by the first refresh. */
	int64_t mark = 0;
	enum tg_rc rc = db->ops->change_mark(db, &mark);
	if (rc)
		return rc;
	pthread_mutex_lock(&app->index_lock);
	app->change_mark = mark;
	pthread_mutex_unlock(&app->index_lock);
	rewrites_clear(app);
	struct tg_refdata *ref = tg_app_ref_acquire(app);
	struct tg_resource_filter f = {.after_id = 0, .limit = LOAD_PAGE};
	int64_t docs = 0;
	for (;;) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource *rs;
		size_t n;
		rc = db->ops->resource_list(db, &a, &f, &rs, &n);
		if (rc) {
			tg_arena_release(&a);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			struct tg_search_doc doc;
			int64_t chain[TG_SEARCH_MAX_AREAS];
			/* the stored text was built on write; rebuild rows that lack it,
			 * and confidential ones, whose text may have been stored with the
			 * address before it was left out (tg_search_text_build) */
			const char *text = rs[i].search_text && *rs[i].search_text && !rs[i].is_confidential
			                       ? rs[i].search_text
			                       : tg_app_search_text(app, ref, &rs[i], &a);
			/* a text stored by older rules (or by an import that did
			 * not know the names of the organizations and areas it
			 * created): rebuilt, and marked current after the load,
			 * with the new text if it reads otherwise */
			if (rs[i].text_version < TG_SEARCH_TEXT_VERSION) {
				const char *fresh = text;
				if (text == rs[i].search_text)
					fresh = tg_app_search_text(app, ref, &rs[i], &a);
				int same = strcmp(fresh, rs[i].search_text ? rs[i].search_text : "") == 0;
				rewrite_add(app, rs[i].id, rs[i].version, same ? NULL : fresh);
				text = fresh;
			}
			make_doc(ref, &rs[i], text, chain, &doc);
			if (tg_search_bulk_add(app->index, &doc) == TG_OK)
				docs++;
			pthread_mutex_lock(&app->index_lock);
			note_since(app, rs[i].id, rs[i].version, rs[i].updated_at);
			pthread_mutex_unlock(&app->index_lock);
		}
		if (n)
			f.after_id = rs[n - 1].id;
		tg_arena_release(&a);
		if (n < LOAD_PAGE)
			break;
	}
	tg_app_ref_release(app, ref);
	tg_search_finalize(app->index);
	/* the load freed many page-sized arenas: give that memory back to the
	 * system instead of keeping it in malloc's free lists */
	malloc_trim(0);
	pthread_mutex_lock(&app->index_lock);
	app->index_docs = docs;
	app->index_ready = rc ? -1 : 1;
	pthread_cond_broadcast(&app->index_cond);
	pthread_mutex_unlock(&app->index_lock);
	return rc;
}

enum tg_rc tg_app_index_refresh(struct tg_app *app, struct tg_db *db)
{
	tg_db_set_tenant(db, app->tenant_id);
	pthread_mutex_lock(&app->index_lock);
	char *since = app->index_since ? tg_xstrdup(app->index_since) : NULL;
	int64_t seen_at_mark = app->index_since_count, seen_vsum = app->index_since_vsum;
	int64_t seen_idsum = app->index_since_idsum;
	pthread_mutex_unlock(&app->index_lock);
	if (!since)
		since = tg_xstrdup("0000-00-00T00:00:00Z");
	/* Deletions first (another process's deletes leave no row to find):
	 * drop each deleted id, then put back the ids that exist again (SQLite
	 * may reuse the largest id of a deleted row). */
	int64_t old_mark, new_mark = 0;
	pthread_mutex_lock(&app->index_lock);
	old_mark = app->change_mark;
	pthread_mutex_unlock(&app->index_lock);
	enum tg_rc drc = db->ops->change_mark(db, &new_mark);
	if (!drc && new_mark > old_mark) {
		struct tg_arena da = TG_ARENA_INIT;
		int64_t *gone = NULL;
		size_t n_gone = 0, n_back = 0;
		struct tg_resource *back = NULL;
		drc = db->ops->change_deletions(db, &da, old_mark, new_mark, &gone, &n_gone);
		if (!drc && n_gone) {
			for (size_t i = 0; i < n_gone; i++)
				tg_app_index_drop(app, gone[i]);
			drc = db->ops->resource_get_many(db, &da, gone, n_gone, &back, &n_back);
			for (size_t i = 0; !drc && i < n_back; i++)
				tg_app_index_put(app, &back[i]);
		}
		if (!drc) {
			pthread_mutex_lock(&app->index_lock);
			app->change_mark = new_mark;
			pthread_mutex_unlock(&app->index_lock);
		}
		tg_arena_release(&da);
	}
	if (drc) {
		free(since);
		return drc;
	}
	/* "…:SS" without the Z sorts just below "…:SSZ": rows at the mark too */
	char *after = tg_xstrdup(since);
	size_t len = strlen(after);
	if (len && after[len - 1] == 'Z')
		after[len - 1] = '\0';

	/* First: the rows at the mark, their versions and ids. The same count
	 * and sums as indexed (and no deletion since) = nothing new there; a row
	 * written again in the same second by another process has a higher
	 * version, another row in place of a deleted one another id. */
	struct tg_resource_filter f = {.after_id = 0, .limit = LOAD_PAGE, .modified_after = after};
	enum tg_rc rc = TG_OK;
	int64_t at_mark = 0, vsum = 0, idsum = 0;
	if ((rc = db->ops->resource_versions_at(db, since, &at_mark, &vsum, &idsum)))
		goto out;
	struct tg_resource_filter fm = {.modified_after = since};
	int64_t strictly_newer = 0;
	if ((rc = db->ops->resource_count(db, &fm, &strictly_newer)))
		goto out;
	/* a deletion so far, also by the step above: the map may hold a row
	 * that is gone (one from now on marks it again) */
	pthread_mutex_lock(&app->index_lock);
	int dirty = app->since_dirty;
	app->since_dirty = 0;
	pthread_mutex_unlock(&app->index_lock);
	int redo_mark = dirty || at_mark != seen_at_mark || vsum != seen_vsum || idsum != seen_idsum;
	if (strictly_newer == 0 && !redo_mark)
		goto out;
	if (redo_mark) {
		pthread_mutex_lock(&app->index_lock);
		since_ids_clear(app); /* recounted by note_since below */
		pthread_mutex_unlock(&app->index_lock);
	}
	for (;;) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource *rs;
		size_t n;
		rc = db->ops->resource_list(db, &a, &f, &rs, &n);
		if (rc) {
			tg_arena_release(&a);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (!redo_mark && strcmp(rs[i].updated_at, since) == 0)
				continue;
			tg_app_index_put(app, &rs[i]);
		}
		if (n)
			f.after_id = rs[n - 1].id;
		tg_arena_release(&a);
		if (n < LOAD_PAGE)
			break;
	}
out:
	free(after);
	free(since);
	return rc;
}

enum tg_rc tg_app_wait_index(struct tg_app *app, int timeout_ms)
{
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&app->index_lock);
	while (app->index_ready == 0)
		if (pthread_cond_timedwait(&app->index_cond, &app->index_lock, &dl))
			break;
	int r = app->index_ready;
	pthread_mutex_unlock(&app->index_lock);
	return r == 1 ? TG_OK : TG_ERR_BUSY;
}

void tg_app_index_put(struct tg_app *app, const struct tg_resource *r)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_refdata *ref = tg_app_ref_acquire(app);
	struct tg_search_doc doc;
	int64_t chain[TG_SEARCH_MAX_AREAS];
	const char *text = tg_app_search_text(app, ref, r, &a);
	make_doc(ref, r, text, chain, &doc);
	tg_rcache_forget(app->rcache, r->id);
	enum tg_rc rc = tg_search_upsert(app->index, &doc);
	if (rc)
		tg_log_error("index_upsert_failed", "id=%lld rc=%s", (long long)r->id, tg_rc_code(rc));
	tg_app_ref_release(app, ref);
	pthread_mutex_lock(&app->index_lock);
	note_since(app, r->id, r->version, r->updated_at);
	pthread_mutex_unlock(&app->index_lock);
	tg_arena_release(&a);
}

void tg_app_index_drop(struct tg_app *app, int64_t id)
{
	tg_rcache_forget(app->rcache, id);
	tg_search_remove(app->index, id);
	pthread_mutex_lock(&app->index_lock);
	app->since_dirty = 1; /* the row may have been at the mark */
	pthread_mutex_unlock(&app->index_lock);
}

/* Full JSON of r for the change history (arena-owned string). */
static const char *history_json(const struct tg_resource *r, struct tg_arena *a)
{
	struct tg_resource_json_opts o;
	memset(&o, 0, sizeof(o));
	o.show_location = 1;
	json_t *j = tg_resource_to_json(r, &o);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	const char *out = tg_arena_strdup(a, s ? s : "{}");
	free(s);
	return out;
}

static enum tg_rc validate(struct tg_app *app, const struct tg_resource *r, struct tg_field_error *err,
                           struct tg_refdata **ref_out)
{
	struct tg_refdata *ref = tg_app_ref_acquire(app);
	struct tg_validate_ctx ctx;
	tg_ref_validate_ctx(ref, &ctx);
	enum tg_rc rc = tg_resource_validate(r, &ctx, err);
	if (!rc && r->area_id && !tg_ref_area(ref, r->area_id)) {
		err->field = "area_id";
		err->message = "その地域はありません (unknown area)";
		rc = TG_ERR_INVALID;
	}
	if (rc) {
		tg_app_ref_release(app, ref);
		return rc;
	}
	*ref_out = ref;
	return TG_OK;
}

/* Everything a write needs before its transaction: the rules, the owning
 * organization (its name goes into the search text), the search text. */
static enum tg_rc prepare_write(struct tg_app *app, struct tg_db *db, struct tg_resource *r, struct tg_arena *a,
                                struct tg_field_error *err, const char **text)
{
	tg_db_set_tenant(db, app->tenant_id);
	struct tg_refdata *ref;
	enum tg_rc rc = validate(app, r, err, &ref);
	if (rc)
		return rc;
	struct tg_org org;
	if ((rc = db->ops->org_get(db, a, r->org_id, &org))) {
		tg_app_ref_release(app, ref);
		err->field = "org_id";
		err->message = "その団体はありません (unknown organization)";
		return rc == TG_ERR_NOT_FOUND ? TG_ERR_INVALID : rc;
	}
	r->org_name = org.name;
	*text = tg_app_search_text(app, ref, r, a);
	tg_app_ref_release(app, ref);
	return TG_OK;
}

/* The writes of a create whose search text is prepared, inside a
 * transaction: the row, then its history. */
static enum tg_rc create_prepared(struct tg_db *db, int64_t user_id, struct tg_resource *r, const char *text,
                                  struct tg_arena *a)
{
	enum tg_rc rc;
	struct tg_resource stored;

	if ((rc = db->ops->resource_insert(db, r, text)) || (rc = db->ops->resource_get(db, a, r->id, &stored)))
		return rc;
	struct tg_change c = {
	    .resource_id = r->id, .user_id = user_id, .action = "create", .after_json = history_json(&stored, a)};
	if ((rc = db->ops->change_insert(db, &c)))
		return rc;
	*r = stored;
	return TG_OK;
}

enum tg_rc tg_dir_create_in_tx(struct tg_app *app, struct tg_db *db, int64_t user_id, struct tg_resource *r,
                               struct tg_arena *a, struct tg_field_error *err)
{
	const char *text;
	enum tg_rc rc = prepare_write(app, db, r, a, err, &text);

	return rc ? rc : create_prepared(db, user_id, r, text, a);
}

enum tg_rc tg_dir_create(struct tg_app *app, struct tg_db *db, int64_t user_id, struct tg_resource *r,
                         struct tg_arena *a, struct tg_field_error *err)
{
	const char *text;
	enum tg_rc rc = prepare_write(app, db, r, a, err, &text);

	if (rc)
		return rc;
	if ((rc = db->ops->begin(db)))
		return rc;
	if ((rc = create_prepared(db, user_id, r, text, a)) || (rc = db->ops->commit(db))) {
		db->ops->rollback(db);
		return rc;
	}
	tg_app_index_put(app, r);
	return TG_OK;
}

enum tg_rc tg_dir_update(struct tg_app *app, struct tg_db *db, int64_t user_id, struct tg_resource *r,
                         const char *action, struct tg_arena *a, struct tg_field_error *err)
{
	const char *text;
	enum tg_rc rc = prepare_write(app, db, r, a, err, &text);
	if (rc)
		return rc;
	if ((rc = db->ops->begin(db)))
		return rc;
	struct tg_resource before;
	if ((rc = db->ops->resource_get(db, a, r->id, &before)))
		goto fail;
	if (before.version != r->version) {
		rc = TG_ERR_CONFLICT;
		goto fail;
	}
	if ((rc = db->ops->resource_update(db, r, text)))
		goto fail;
	struct tg_resource stored;
	if ((rc = db->ops->resource_get(db, a, r->id, &stored)))
		goto fail;
	struct tg_change c = {.resource_id = r->id,
	                      .user_id = user_id,
	                      .action = action ? action : "update",
	                      .before_json = history_json(&before, a),
	                      .after_json = history_json(&stored, a)};
	if ((rc = db->ops->change_insert(db, &c)) || (rc = db->ops->commit(db)))
		goto fail;
	*r = stored;
	tg_app_index_put(app, r);
	return TG_OK;
fail:
	db->ops->rollback(db);
	return rc;
}

enum tg_rc tg_dir_delete(struct tg_app *app, struct tg_db *db, int64_t user_id, int64_t id, struct tg_arena *a)
{
	tg_db_set_tenant(db, app->tenant_id);
	enum tg_rc rc;
	if ((rc = db->ops->begin(db)))
		return rc;
	struct tg_resource before;
	if ((rc = db->ops->resource_get(db, a, id, &before)))
		goto fail;
	if ((rc = db->ops->resource_delete(db, id)))
		goto fail;
	struct tg_change c = {
	    .resource_id = id, .user_id = user_id, .action = "delete", .before_json = history_json(&before, a)};
	if ((rc = db->ops->change_insert(db, &c)) || (rc = db->ops->commit(db)))
		goto fail;
	tg_app_index_drop(app, id);
	return TG_OK;
fail:
	db->ops->rollback(db);
	return rc;
}

enum tg_rc tg_dir_org_update(struct tg_app *app, struct tg_db *db, const struct tg_org *o, struct tg_arena *a)
{
	tg_db_set_tenant(db, app->tenant_id);
	struct tg_org cur;
	enum tg_rc rc = db->ops->org_get(db, a, o->id, &cur);
	if (rc)
		return rc;
	int renamed = strcmp(cur.name, o->name) != 0;
	struct tg_resource *all = NULL;
	size_t n_all = 0, cap = 0;
	if ((rc = db->ops->begin(db)))
		return rc;
	if ((rc = db->ops->org_update(db, o)))
		goto fail;
	if (renamed) {
		/* The organization's name is part of its resources' search text:
		 * rewrite it (the rows read now carry the new name). */
		struct tg_refdata *ref = tg_app_ref_acquire(app);
		struct tg_resource_filter f = {.after_id = 0, .limit = LOAD_PAGE, .org_id = o->id};
		for (;;) {
			struct tg_resource *rs;
			size_t n;
			if ((rc = db->ops->resource_list(db, a, &f, &rs, &n)))
				break;
			for (size_t i = 0; i < n && !rc; i++)
				rc = db->ops->resource_set_search_text(db, rs[i].id,
				                                       tg_app_search_text(app, ref, &rs[i], a));
			if (rc || n == 0)
				break;
			if (n_all + n > cap) {
				cap = (n_all + n) * 2;
				struct tg_resource *grown = TG_ARENA_ARRAY(a, struct tg_resource, cap);
				if (n_all)
					memcpy(grown, all, n_all * sizeof(*all));
				all = grown;
			}
			memcpy(all + n_all, rs, n * sizeof(*rs));
			n_all += n;
			f.after_id = rs[n - 1].id;
			if (n < LOAD_PAGE)
				break;
		}
		tg_app_ref_release(app, ref);
		if (rc)
			goto fail;
	}
	if ((rc = db->ops->commit(db)))
		goto fail;
	for (size_t i = 0; i < n_all; i++)
		tg_app_index_put(app, &all[i]);
	return TG_OK;
fail:
	db->ops->rollback(db);
	return rc;
}
