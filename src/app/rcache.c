/* rcache.c - the direct-mapped resource cache (see rcache.h). */
#include "app/rcache.h"

#include <pthread.h>
#include <stdatomic.h>

#define STRIPES 64

struct set {
	struct tg_rcache_entry *way[TG_RCACHE_WAYS];
	uint32_t tick; /* recency clock of the set */
};

struct tg_rcache {
	struct set sets[TG_RCACHE_SETS];
	pthread_mutex_t locks[STRIPES];
	/* bumped by every forget: a reader that fetched rows from the database
	 * while a write happened must not cache what it read (it may predate
	 * the write), so it only stores them when the generation is unchanged */
	atomic_ullong generation;
};

/* A bump allocator over a caller-sized block: the first pass (buf NULL)
 * only counts, the second copies. */
struct bump {
	char *buf;
	size_t used;
};

static void *bump(struct bump *b, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	void *p = b->buf ? b->buf + b->used : NULL;
	b->used += need;
	return p;
}

static const char *bstr(struct bump *b, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = bump(b, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static const char **bstrs(struct bump *b, const char **v, size_t n)
{
	if (!n)
		return NULL;
	const char **p = bump(b, n * sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		const char *s = bstr(b, v[i]);
		if (p)
			p[i] = s;
	}
	return p;
}

/* Copy r (minus search_text) into b; with b->buf NULL only measure. */
static struct tg_resource *copy_into(struct bump *b, const struct tg_resource *r)
{
	struct tg_resource *d = bump(b, sizeof(*d));
	struct tg_resource tmp = *r;
	tmp.search_text = NULL;
	tmp.uuid = bstr(b, r->uuid);
	tmp.org_name = bstr(b, r->org_name);
	tmp.type_code = bstr(b, r->type_code);
	tmp.name = bstr(b, r->name);
	tmp.name_kana = bstr(b, r->name_kana);
	tmp.description = bstr(b, r->description);
	tmp.postal_code = bstr(b, r->postal_code);
	tmp.prefecture = bstr(b, r->prefecture);
	tmp.city = bstr(b, r->city);
	tmp.address_line = bstr(b, r->address_line);
	tmp.building = bstr(b, r->building);
	tmp.phone = bstr(b, r->phone);
	tmp.email = bstr(b, r->email);
	tmp.url = bstr(b, r->url);
	tmp.fee_text = bstr(b, r->fee_text);
	tmp.accessibility_notes = bstr(b, r->accessibility_notes);
	tmp.schedule_note = bstr(b, r->schedule_note);
	tmp.front_door = bstr(b, r->front_door);
	tmp.verified_at = bstr(b, r->verified_at);
	tmp.source = bstr(b, r->source);
	tmp.source_id = bstr(b, r->source_id);
	tmp.created_at = bstr(b, r->created_at);
	tmp.updated_at = bstr(b, r->updated_at);
	tmp.services = bstrs(b, r->services, r->n_services);
	tmp.access = bstrs(b, r->access, r->n_access);
	tmp.hours = NULL;
	if (r->n_hours) {
		tmp.hours = bump(b, r->n_hours * sizeof(*r->hours));
		if (tmp.hours)
			memcpy(tmp.hours, r->hours, r->n_hours * sizeof(*r->hours));
	}
	tmp.exceptions = NULL;
	if (r->n_exceptions) {
		tmp.exceptions = bump(b, r->n_exceptions * sizeof(*r->exceptions));
		for (size_t i = 0; i < r->n_exceptions; i++) {
			struct tg_exception e = r->exceptions[i];
			e.date = bstr(b, e.date);
			e.note = bstr(b, e.note);
			if (tmp.exceptions)
				tmp.exceptions[i] = e;
		}
	}
	if (d)
		*d = tmp;
	return d;
}

void tg_resource_copy(struct tg_resource *dst, const struct tg_resource *r, struct tg_arena *a)
{
	struct bump m = {NULL, 0};
	copy_into(&m, r);
	struct bump c = {tg_arena_alloc(a, m.used), 0};
	*dst = *copy_into(&c, r);
}

struct tg_rcache *tg_rcache_new(void)
{
	struct tg_rcache *c = tg_xcalloc(1, sizeof(*c));
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->locks[i], NULL);
	return c;
}

/* One block: the entry, then the resource copy. */
#define ENTRY_HEAD ((sizeof(struct tg_rcache_entry) + 15) & ~(size_t)15)

/* A new entry holding one reference (the caller's); takes view. */
static struct tg_rcache_entry *entry_new(const struct tg_resource *r, void *view, uint64_t key)
{
	struct bump m = {NULL, 0};
	copy_into(&m, r);
	char *blk = tg_xmalloc(ENTRY_HEAD + m.used);
	struct tg_rcache_entry *e = (struct tg_rcache_entry *)(void *)blk;
	struct bump b = {blk + ENTRY_HEAD, 0};
	e->res = copy_into(&b, r);
	e->view = view;
	e->view_key = key;
	static _Atomic uint64_t serials;
	e->serial = atomic_fetch_add(&serials, 1) + 1;
	e->used = 0;
	atomic_init(&e->refs, 1);
	return e;
}

static void entry_unref(const struct tg_rcache_entry *ce)
{
	struct tg_rcache_entry *e = (struct tg_rcache_entry *)(uintptr_t)ce;
	if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1) {
		free((void *)(uintptr_t)e->view);
		free(e);
	}
}

void tg_rcache_release(const struct tg_rcache_entry *const *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		entry_unref(e[i]);
}

void tg_rcache_free(struct tg_rcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < TG_RCACHE_SETS; i++)
		for (size_t w = 0; w < TG_RCACHE_WAYS; w++)
			if (c->sets[i].way[w])
				entry_unref(c->sets[i].way[w]);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c);
}

static size_t set_of(int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 40) % TG_RCACHE_SETS;
}

static pthread_mutex_t *lock_of(struct tg_rcache *c, size_t set)
{
	return &c->locks[set % STRIPES];
}

void tg_rcache_forget(struct tg_rcache *c, int64_t id)
{
	atomic_fetch_add(&c->generation, 1);
	size_t si = set_of(id);
	struct set *s = &c->sets[si];
	struct tg_rcache_entry *gone = NULL;
	pthread_mutex_lock(lock_of(c, si));
	for (size_t w = 0; w < TG_RCACHE_WAYS; w++)
		if (s->way[w] && s->way[w]->res->id == id) {
			gone = s->way[w];
			s->way[w] = NULL;
		}
	pthread_mutex_unlock(lock_of(c, si));
	if (gone)
		entry_unref(gone);
}

/* Publish e (the cache takes a reference of its own) in place of old when
 * old is given and still cached, else in place of the entry with the same
 * id, a free way or the least recently used one. With check_gen, only when
 * no forget happened since gen was read. */
static void install(struct tg_rcache *c, struct tg_rcache_entry *e, const struct tg_rcache_entry *old, int check_gen,
                    unsigned long long gen)
{
	size_t si = set_of(e->res->id);
	struct set *s = &c->sets[si];
	struct tg_rcache_entry *gone = NULL;
	size_t w, pick = TG_RCACHE_WAYS;
	pthread_mutex_lock(lock_of(c, si));
	if (check_gen && atomic_load(&c->generation) != gen)
		goto out;
	for (w = 0; w < TG_RCACHE_WAYS; w++)
		if (s->way[w] && s->way[w]->res->id == e->res->id)
			break;
	if (old && (w == TG_RCACHE_WAYS || s->way[w] != old))
		goto out; /* forgotten or replaced meanwhile */
	if (w < TG_RCACHE_WAYS) {
		pick = w;
	} else {
		uint32_t oldest = 0;
		for (w = 0; w < TG_RCACHE_WAYS; w++) {
			if (!s->way[w]) {
				pick = w;
				break;
			}
			uint32_t age = s->tick - s->way[w]->used;
			if (pick == TG_RCACHE_WAYS || age > oldest) {
				pick = w;
				oldest = age;
			}
		}
	}
	gone = s->way[pick];
	atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
	e->used = ++s->tick;
	s->way[pick] = e;
out:
	pthread_mutex_unlock(lock_of(c, si));
	if (gone)
		entry_unref(gone);
}

/* The cached entry of id, held, or NULL. */
static const struct tg_rcache_entry *hold(struct tg_rcache *c, int64_t id)
{
	size_t si = set_of(id);
	struct set *s = &c->sets[si];
	struct tg_rcache_entry *e = NULL;
	pthread_mutex_lock(lock_of(c, si));
	for (size_t w = 0; w < TG_RCACHE_WAYS; w++)
		if (s->way[w] && s->way[w]->res->id == id) {
			e = s->way[w];
			atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
			e->used = ++s->tick;
			break;
		}
	pthread_mutex_unlock(lock_of(c, si));
	return e;
}

enum tg_rc tg_rcache_hold_many(struct tg_rcache *c, struct tg_db *db, struct tg_arena *a, const int64_t *ids,
                               size_t n_ids, const struct tg_rcache_viewer *vw, const struct tg_rcache_entry ***out,
                               size_t *n)
{
	size_t cap = n_ids ? n_ids : 1;
	const struct tg_rcache_entry **res = TG_ARENA_ARRAY(a, const struct tg_rcache_entry *, cap);
	int64_t *miss = TG_ARENA_ARRAY(a, int64_t, cap);
	size_t n_miss = 0;
	*out = res;
	*n = 0;
	for (size_t i = 0; i < n_ids; i++)
		if (!(res[i] = hold(c, ids[i])))
			miss[n_miss++] = ids[i];
	if (n_miss) {
		unsigned long long gen = atomic_load(&c->generation);
		struct tg_resource *got;
		size_t n_got;
		enum tg_rc rc = db->ops->resource_get_many(db, a, miss, n_miss, &got, &n_got);
		if (rc) {
			for (size_t i = 0; i < n_ids; i++)
				if (res[i])
					entry_unref(res[i]);
			return rc;
		}
		/* got is in the order of miss, unknown ids skipped */
		size_t g = 0;
		for (size_t i = 0; i < n_ids && g < n_got; i++) {
			if (res[i] || ids[i] != got[g].id)
				continue;
			struct tg_rcache_entry *e =
			    entry_new(&got[g], vw ? vw->build(vw->ctx, &got[g]) : NULL, vw ? vw->key : 0);
			install(c, e, NULL, 1, gen);
			res[i] = e;
			g++;
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < n_ids; i++) {
		const struct tg_rcache_entry *e = res[i];
		if (!e)
			continue;
		if (vw && e->view_key != vw->key) {
			/* a view of another day: a new entry with a fresh one */
			struct tg_rcache_entry *f = entry_new(e->res, vw->build(vw->ctx, e->res), vw->key);
			install(c, f, e, 0, 0);
			entry_unref(e);
			e = f;
		}
		res[k++] = e;
	}
	*n = k;
	return TG_OK;
}
