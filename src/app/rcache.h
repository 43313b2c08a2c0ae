/*
 * rcache.h - a small in-memory cache of resources as stored, in front of
 * resource_get_many for the read paths that show many resources at once
 * (search results). Searching is answered from the in-memory index in tens
 * of microseconds; fetching the twenty rows and their hours, exceptions and
 * tags from the database cost ten times that, so the rows people keep
 * looking at are kept here.
 *
 * Entries are immutable once published and shared by reference: a reader
 * takes a reference under the set's lock and reads the entry without any
 * lock and without copying it; the entry is freed when the cache has
 * dropped it and the last reader has released it. An entry holds a deep
 * copy of the resource (without its search_text) and, optionally, a "view":
 * a block the caller derives from the resource once (the search handler
 * keeps the rendered ResourceSummary JSON, the normalized name and
 * description and today's opening hours there), tagged with a caller key
 * (the day: some of it changes with the date). An entry whose view has
 * another key is replaced by a new entry with a fresh view, never changed.
 *
 * Layout: TG_RCACHE_SETS sets of TG_RCACHE_WAYS entries, set = hash(id);
 * a new entry takes a free way, else the least recently used one.
 * Entries are dropped by tg_rcache_forget(), which every write path reaches
 * through tg_app_index_put/drop, so a cached row is never older than the
 * index. Thread safe: sets are guarded by striped mutexes; reference counts
 * are atomic.
 */
#ifndef TG_RCACHE_H
#define TG_RCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"
#include "util/mem.h"

#define TG_RCACHE_SETS 2048
#define TG_RCACHE_WAYS 4

struct tg_rcache;

/* One cached resource. Read only; valid while the caller holds it. */
struct tg_rcache_entry {
	const struct tg_resource *res; /* deep copy, search_text NULL */
	const void *view;              /* from the view function, or NULL */
	uint64_t view_key;
	/* unique to this entry in the process: two holds with the same serial
	 * saw the same resource and view (keys of what is derived from them) */
	uint64_t serial;
	/* private */
	_Atomic unsigned refs;
	uint32_t used; /* recency stamp within its set, under the set's lock */
};

/* Builds an entry's view from its resource: one block from malloc (freed
 * with free() when the entry goes), or NULL for none. Runs outside the
 * cache's locks, possibly for the same resource in two threads at once. */
typedef void *(*tg_rcache_view_fn)(void *ctx, const struct tg_resource *r);

struct tg_rcache_viewer {
	uint64_t key; /* entries whose view has another key get a new one */
	tg_rcache_view_fn build;
	void *ctx;
};

struct tg_rcache *tg_rcache_new(void);
void tg_rcache_free(struct tg_rcache *c);

/* The resources of ids, held: *out (an array from arena a) lists them in
 * the order of ids, unknown ids skipped, each with a view for vw->key when
 * vw is not NULL. Misses are fetched from db in one resource_get_many call.
 * The caller must tg_rcache_release(*out, *n) when done, also on its error
 * paths; nothing is held when this returns an error. */
enum tg_rc tg_rcache_hold_many(struct tg_rcache *c, struct tg_db *db, struct tg_arena *a, const int64_t *ids,
                               size_t n_ids, const struct tg_rcache_viewer *vw, const struct tg_rcache_entry ***out,
                               size_t *n);
void tg_rcache_release(const struct tg_rcache_entry *const *e, size_t n);

/* Drop the entry of id (readers holding it keep their reference). */
void tg_rcache_forget(struct tg_rcache *c, int64_t id);

/* Deep copy of r into arena a (search_text not copied). */
void tg_resource_copy(struct tg_resource *dst, const struct tg_resource *r, struct tg_arena *a);

#endif
