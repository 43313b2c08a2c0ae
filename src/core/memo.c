/*
 * memo.c - bounded LRU map with generations (memo.h).
 *
 * Layout: a chained hash table of 2^k buckets (at least twice max_entries)
 * plus one doubly linked recency list through the same entries, most
 * recent at the head. An entry is one allocation: the header, the key, the
 * value.
 */
#include "core/memo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	struct entry *chain;       /* next in the bucket */
	struct entry *prev, *next; /* recency list */
	uint64_t hash;
	size_t klen, vlen;
	unsigned char data[]; /* key, then value */
};

struct tg_memo {
	pthread_mutex_t lock;
	struct entry **buckets;
	size_t mask;
	struct entry head; /* sentinel: head.next is the most recent */
	size_t max_entries, max_bytes;
	uint64_t gen;
	struct tg_memo_stats st;
};

static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0x94d049bb133111ebull;
	return h ^ (h >> 29);
}

static size_t entry_bytes(const struct entry *e)
{
	return sizeof(*e) + e->klen + e->vlen;
}

struct tg_memo *tg_memo_new(size_t max_entries, size_t max_bytes)
{
	struct tg_memo *m = tg_xcalloc(1, sizeof(*m));
	if (max_entries < 1)
		max_entries = 1;
	size_t n = 16;
	while (n < 2 * max_entries && n < ((size_t)1 << 30))
		n *= 2;
	m->buckets = tg_xcalloc(n, sizeof(*m->buckets));
	m->mask = n - 1;
	m->head.prev = m->head.next = &m->head;
	m->max_entries = max_entries;
	m->max_bytes = max_bytes ? max_bytes : 1;
	pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void list_unlink(struct entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void list_push(struct tg_memo *m, struct entry *e)
{
	e->prev = &m->head;
	e->next = m->head.next;
	m->head.next->prev = e;
	m->head.next = e;
}

/* The link that points at the entry of (hash, key), or at the bucket's end. */
static struct entry **find(struct tg_memo *m, uint64_t hash, const void *key, size_t klen)
{
	struct entry **pp = &m->buckets[hash & m->mask];
	for (; *pp; pp = &(*pp)->chain)
		if ((*pp)->hash == hash && (*pp)->klen == klen && !memcmp((*pp)->data, key, klen))
			break;
	return pp;
}

static void drop(struct tg_memo *m, struct entry *e)
{
	struct entry **pp = find(m, e->hash, e->data, e->klen);
	*pp = e->chain;
	list_unlink(e);
	m->st.entries--;
	m->st.bytes -= entry_bytes(e);
	free(e);
}

static void flush(struct tg_memo *m)
{
	struct entry *e = m->head.next;
	while (e != &m->head) {
		struct entry *next = e->next;
		free(e);
		e = next;
	}
	memset(m->buckets, 0, (m->mask + 1) * sizeof(*m->buckets));
	m->head.prev = m->head.next = &m->head;
	if (m->st.entries)
		m->st.flushes++;
	m->st.entries = 0;
	m->st.bytes = 0;
}

void tg_memo_free(struct tg_memo *m)
{
	if (!m)
		return;
	flush(m);
	free(m->buckets);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

int tg_memo_get(struct tg_memo *m, uint64_t gen, const void *key, size_t klen, struct tg_arena *a, void **val,
                size_t *vlen)
{
	uint64_t hash = hash_bytes(key, klen);
	int found = 0;

	pthread_mutex_lock(&m->lock);
	if (gen > m->gen) {
		flush(m);
		m->gen = gen;
	}
	struct entry *e = gen == m->gen ? *find(m, hash, key, klen) : NULL;
	if (e) {
		list_unlink(e);
		list_push(m, e);
		*vlen = e->vlen;
		*val = tg_arena_alloc_uninit(a, e->vlen ? e->vlen : 1);
		memcpy(*val, e->data + e->klen, e->vlen);
		m->st.hits++;
		found = 1;
	} else {
		m->st.misses++;
	}
	pthread_mutex_unlock(&m->lock);
	return found;
}

int tg_memo_fits(const struct tg_memo *m, size_t klen, size_t vlen)
{
	/* max_bytes is immutable: no lock */
	return klen <= m->max_bytes && vlen <= m->max_bytes &&
	       sizeof(struct entry) + klen + vlen <= m->max_bytes / 4 + 1;
}

void tg_memo_put(struct tg_memo *m, uint64_t gen, const void *key, size_t klen, const void *val, size_t vlen)
{
	uint64_t hash = hash_bytes(key, klen);
	size_t need = sizeof(struct entry) + klen + vlen;

	if (!tg_memo_fits(m, klen, vlen))
		return;
	struct entry *e = tg_xmalloc(need);
	e->hash = hash;
	e->klen = klen;
	e->vlen = vlen;
	memcpy(e->data, key, klen);
	if (vlen)
		memcpy(e->data + klen, val, vlen);

	pthread_mutex_lock(&m->lock);
	if (gen < m->gen) {
		/* computed from data that has changed since */
		pthread_mutex_unlock(&m->lock);
		free(e);
		return;
	}
	if (gen > m->gen) {
		flush(m);
		m->gen = gen;
	}
	struct entry **pp = find(m, hash, key, klen);
	if (*pp)
		drop(m, *pp);
	while (m->st.entries && (m->st.entries >= m->max_entries || m->st.bytes + need > m->max_bytes)) {
		drop(m, m->head.prev);
		m->st.evictions++;
	}
	pp = &m->buckets[hash & m->mask];
	e->chain = *pp;
	*pp = e;
	list_push(m, e);
	m->st.entries++;
	m->st.bytes += need;
	m->st.puts++;
	pthread_mutex_unlock(&m->lock);
}

void tg_memo_get_stats(struct tg_memo *m, struct tg_memo_stats *s)
{
	pthread_mutex_lock(&m->lock);
	*s = m->st;
	pthread_mutex_unlock(&m->lock);
}
