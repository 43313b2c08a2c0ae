/*
 * rcache.h - a small in-memory cache of resources as stored, in front of
 * resource_get_many for the read paths that show many resources at once
 * (search results). Searching is answered from the in-memory index in tens
 * of microseconds; fetching the twenty rows and their hours, exceptions and
 * tags from the database cost ten times that, so the rows people keep
 * looking at are kept here.
 *
 * Direct-mapped: slot = hash(id) mod TG_RCACHE_SLOTS; a new entry replaces
 * whatever held its slot. Each entry is one malloc'd block holding a deep
 * copy of the resource (without its search_text). Entries are dropped by
 * tg_rcache_forget(), which every write path reaches through
 * tg_app_index_put/drop, so a cached row is never older than the index.
 * Thread safe: slots are guarded by striped mutexes; readers copy the entry
 * into their own arena under the stripe's lock.
 */
#ifndef TG_RCACHE_H
#define TG_RCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/text.h"
#include "store/store.h"
#include "util/mem.h"

#define TG_RCACHE_SLOTS 8192

struct tg_rcache;

struct tg_rcache *tg_rcache_new(void);
void tg_rcache_free(struct tg_rcache *c);
/* Like db->ops->resource_get_many: out in the order of ids, unknown ids
 * skipped; results live in arena a. Misses are fetched in one call. */
enum tg_rc tg_rcache_get_many(struct tg_rcache *c, struct tg_db *db, struct tg_arena *a, const int64_t *ids,
                              size_t n_ids, struct tg_resource **out, size_t *n);
void tg_rcache_forget(struct tg_rcache *c, int64_t id);

/* The rendered ResourceSummary JSON of a cached resource, for callers that
 * render the same text for everyone (the caller decides which resources
 * qualify: not confidential ones). Keyed by the resource's version and the
 * day it was rendered (verification_due changes with the date). get: a
 * copy in a, or NULL; put: stored only while the resource itself is cached
 * at that version. */
const char *tg_rcache_summary_get(struct tg_rcache *c, int64_t id, int64_t version, const char *day,
                                  struct tg_arena *a, size_t *len);
/* The normalized description (with its position map) of a cached resource,
 * for marking search terms in result snippets without normalizing the same
 * text for every search. get: filled into *out (memory from a), 1 on a hit. */
int tg_rcache_desc_get(struct tg_rcache *c, int64_t id, int64_t version, struct tg_arena *a, struct tg_text_norm *out);
void tg_rcache_desc_put(struct tg_rcache *c, int64_t id, int64_t version, const struct tg_text_norm *nrm);
void tg_rcache_summary_put(struct tg_rcache *c, int64_t id, int64_t version, const char *day, const char *json,
                           size_t len);
/* Deep copy of r into arena a (search_text not copied). */
void tg_resource_copy(struct tg_resource *dst, const struct tg_resource *r, struct tg_arena *a);

#endif
