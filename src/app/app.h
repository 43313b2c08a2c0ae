/*
 * app.h - the running application's shared state and the directory
 * operations that several edges (HTTP handlers, CLI, demo loader) share.
 *
 * struct tg_app is created once by the server (or a CLI command) and shared
 * by all worker threads. Mutable parts are guarded:
 *  - the search index has its own rwlock (core/search.h);
 *  - the reference data cache (areas, types, tags) is swapped under
 *    ref_lock: readers take a counted snapshot, writers replace it whole.
 * The index is built in the background at start; searches wait for it
 * (tg_app_wait_index) so the server answers /healthz at once.
 */
#ifndef TG_APP_H
#define TG_APP_H

#include <pthread.h>
#include <stdint.h>

#include "core/model.h"
#include "core/validate.h"
#include "store/store.h"
#include "util/mem.h"

struct tg_search;
struct tg_rcache;

/* Immutable snapshot of reference data; refcounted. */
struct tg_refdata {
	struct tg_arena arena;
	struct tg_area *areas;
	size_t n_areas;
	struct tg_resource_type *types;
	size_t n_types;
	struct tg_tag *tags;
	size_t n_tags;
	uint64_t version; /* unique to this snapshot in the process */
	int refs;         /* private: guarded by app->ref_lock */
};

struct tg_tenancy;
struct tg_memo;

/* One tenant's directory: each tenant of the deployment has its own
 * struct tg_app (its index, caches and reference data); app/tenancy.h keeps
 * them. Every database call made for it runs with db->tenant_id =
 * tenant_id (the functions below set it on the db they are given). */
/* A search text rebuilt at load because it was stored by older rules. */
struct tg_text_rewrite {
	int64_t id, version; /* the row's version when it was read */
	char *text;          /* NULL: the stored text reads the same */
};

struct tg_app {
	int64_t tenant_id;
	char *tenant_code;          /* immutable */
	struct tg_tenancy *tenancy; /* the registry it belongs to (NULL in the CLI) */
	char *db_url;
	struct tg_search *index;
	struct tg_rcache *rcache; /* resources as stored, for search results (rcache.h) */
	struct tg_memo *explain;  /* search pages' explanations (handlers/resources.c), or NULL */
	pthread_mutex_t index_lock;
	pthread_cond_t index_cond;
	int index_ready;           /* 1 when fully loaded, -1 when loading failed */
	char *index_since;         /* updated_at high-water mark for the refresher */
	int64_t index_since_count; /* rows indexed whose updated_at equals the mark */
	int64_t index_since_vsum;  /* the sum of their versions as indexed */
	int64_t index_since_idsum; /* and of their ids */
	int since_dirty;           /* a row was dropped since the last refresh */
	int64_t *since_ids;        /* their ids (a set, see app.c note_since) */
	int64_t *since_versions;   /* parallel to since_ids */
	size_t since_cap;
	int64_t index_docs;
	int64_t change_mark; /* newest resource_changes id whose deletions the index has seen */
	/* rows whose search text the last load found built by older rules
	 * (TG_SEARCH_TEXT_VERSION), to be marked current by tg_app_text_upgrade;
	 * index thread only */
	struct tg_text_rewrite *rewrites;
	size_t n_rewrites, cap_rewrites;

	pthread_mutex_t ref_lock;
	struct tg_refdata *ref;

	char *tile_url;
	char *tile_attribution;
	int tile_trusted;      /* tiles served by the deployment or under its contract: no consent asked (docs/ui.md) */
	int verify_after_days; /* flag resources not verified for this long */
	int secure_cookies;
	volatile int stopping;
};

/* Create with db_url for the tenant db->tenant_id (code: its code); loads
 * reference data using db. */
enum tg_rc tg_app_init(struct tg_app *app, const char *db_url, struct tg_db *db);
void tg_app_release(struct tg_app *app);

/* Reference data snapshot: acquire/release pairs. Never NULL after init. */
struct tg_refdata *tg_app_ref_acquire(struct tg_app *app);
void tg_app_ref_release(struct tg_app *app, struct tg_refdata *r);
/* Whether maps may load tiles without asking (meta.tile_trusted): the
 * deployment said its tile server is its own (tile_trusted setting, serve
 * --tile-trusted), or the URL is relative ("/tiles/{z}/{x}/{y}.png": this
 * server or its proxy). Otherwise the public page asks first and no map
 * draws tiles around a confidential place (docs/ui.md "Maps and privacy"). */
int tg_app_tile_trusted(const struct tg_app *app);
/* Reload areas/types/tags from db (after an import or a new type). */
enum tg_rc tg_app_ref_reload(struct tg_app *app, struct tg_db *db);

/* Area helpers over a snapshot. chain[0] = id, then ancestors; returns count. */
size_t tg_ref_area_chain(const struct tg_refdata *r, int64_t area_id, int64_t *chain, size_t max);
const struct tg_area *tg_ref_area(const struct tg_refdata *r, int64_t id);
const struct tg_resource_type *tg_ref_type(const struct tg_refdata *r, const char *code);
const struct tg_tag *tg_ref_tag(const struct tg_refdata *r, const char *code);
void tg_ref_validate_ctx(const struct tg_refdata *r, struct tg_validate_ctx *ctx);
/* 1 if area a is inside (or equal to) area container (0 = whole deployment). */
int tg_ref_area_within(const struct tg_refdata *r, int64_t a, int64_t container);

/* Search index life cycle. */
enum tg_rc tg_app_index_load(struct tg_app *app, struct tg_db *db);    /* full build */
enum tg_rc tg_app_index_refresh(struct tg_app *app, struct tg_db *db); /* rows changed since */
/* Store the search texts the last tg_app_index_load rebuilt because they
 * were built by older rules (resources.text_version below
 * TG_SEARCH_TEXT_VERSION), each only if the row was not edited meanwhile,
 * and mark them current. Call after the load, on the same thread; the index
 * has the new texts already. *written counts the rows marked. A row not
 * marked (an error) is rebuilt again at the next start. */
enum tg_rc tg_app_text_upgrade(struct tg_app *app, struct tg_db *db, size_t *written);
/* Wait up to timeout_ms for the index; TG_ERR_BUSY if not ready. */
enum tg_rc tg_app_wait_index(struct tg_app *app, int timeout_ms);
/* Put one resource (as stored) into the index / take it out. */
void tg_app_index_put(struct tg_app *app, const struct tg_resource *r);
void tg_app_index_drop(struct tg_app *app, int64_t id);

/* The normalized search text the store keeps for r (arena-owned). */
const char *tg_app_search_text(struct tg_app *app, const struct tg_refdata *ref, const struct tg_resource *r,
                               struct tg_arena *a);
/* The same for an import (a tg_import_search_text_fn; app is the
 * struct tg_app): names of areas the import created come from it. */
const char *tg_app_import_search_text(void *app, const struct tg_resource *r, const char *const *area_names,
                                      size_t n_area_names, struct tg_arena *a);

/* Directory writes shared by the API, the CLI and the demo loader: validate,
 * store, record history (resource_changes) in one transaction, then update
 * the index. user_id 0 = system. On TG_ERR_INVALID *err says what. */
enum tg_rc tg_dir_create(struct tg_app *app, struct tg_db *db, int64_t user_id, struct tg_resource *r,
                         struct tg_arena *a, struct tg_field_error *err);
/* tg_dir_create's writes inside the caller's transaction (begun on db),
 * without the index update: for loaders that commit many at once. */
enum tg_rc tg_dir_create_in_tx(struct tg_app *app, struct tg_db *db, int64_t user_id, struct tg_resource *r,
                               struct tg_arena *a, struct tg_field_error *err);
/* r->version must be the version the caller read; TG_ERR_CONFLICT when stale. */
enum tg_rc tg_dir_update(struct tg_app *app, struct tg_db *db, int64_t user_id, struct tg_resource *r,
                         const char *action, struct tg_arena *a, struct tg_field_error *err);
enum tg_rc tg_dir_delete(struct tg_app *app, struct tg_db *db, int64_t user_id, int64_t id, struct tg_arena *a);
/* Update an organization (o->id; unknown -> TG_ERR_NOT_FOUND). When its
 * name changes, its resources' search text (which holds the name) is
 * rewritten in the same transaction and they are re-indexed, so a search
 * for the new name finds them and results show it. */
enum tg_rc tg_dir_org_update(struct tg_app *app, struct tg_db *db, const struct tg_org *o, struct tg_arena *a);

#endif
