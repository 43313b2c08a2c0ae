/*
 * memo.h - a bounded, thread-safe map from byte-string keys to byte-string
 * values, for answers that are expensive to compute and cheap to keep (the
 * search index memoizes its answers here, like Solr's queryResultCache).
 *
 * Staleness is handled by generations, not by per-entry invalidation: the
 * owner stamps every get and put with the generation of the data the answer
 * was (or would be) computed from, and a memo keeps entries of one
 * generation only. A put or get of a newer generation drops every entry; a
 * put of an older one is ignored; a get of another generation misses. So an
 * answer computed from data that changed since is never returned, provided
 * the owner bumps its generation on every change.
 *
 * Bounds: at most max_entries entries and max_bytes of keys and values
 * (entry overhead included); the least recently used entries go first. A
 * value larger than a quarter of max_bytes is not kept.
 *
 * Owns its entries; values are copied in on put and out on get (into the
 * caller's arena), so no reference outlives the memo's lock. Thread safe:
 * one mutex, held for a hash lookup and a copy.
 */
#ifndef TG_MEMO_H
#define TG_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "util/mem.h"

struct tg_memo;

struct tg_memo_stats {
	uint64_t hits, misses, puts, evictions, flushes;
	size_t entries, bytes;
};

/* max_entries >= 1 and max_bytes >= 1; see tg_memo_free. */
struct tg_memo *tg_memo_new(size_t max_entries, size_t max_bytes);
void tg_memo_free(struct tg_memo *m); /* NULL is fine */

/* 1 and a copy of the value in a (*val, 16-byte aligned, *vlen bytes) when
 * key is held for generation gen; else 0. */
int tg_memo_get(struct tg_memo *m, uint64_t gen, const void *key, size_t klen, struct tg_arena *a, void **val,
                size_t *vlen);

/* Keep a copy of (key, val) for generation gen, replacing an entry of the
 * same key. */
void tg_memo_put(struct tg_memo *m, uint64_t gen, const void *key, size_t klen, const void *val, size_t vlen);

/* 1 when a put of these sizes would be kept (see the bounds above). */
int tg_memo_fits(const struct tg_memo *m, size_t klen, size_t vlen);

void tg_memo_get_stats(struct tg_memo *m, struct tg_memo_stats *s);

#endif
