/* rcache.c - the direct-mapped resource cache (see rcache.h). */
#include "app/rcache.h"

#include <pthread.h>
#include <stdatomic.h>

#define STRIPES 64

struct entry {
	int64_t id;               /* 0 = empty */
	struct tg_resource *res;  /* points into blob */
	void *blob;
	char *summary;            /* rendered summary JSON, or NULL */
	void *desc;               /* normalized description: text, then the map; NULL = none */
	size_t desc_len, desc_n_map;
	size_t summary_len;
	char summary_day[11];
};

struct tg_rcache {
	struct entry slots[TG_RCACHE_SLOTS];
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

void tg_rcache_free(struct tg_rcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < TG_RCACHE_SLOTS; i++) {
		free(c->slots[i].blob);
		free(c->slots[i].summary);
		free(c->slots[i].desc);
	}
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c);
}

static size_t slot_of(int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 40) % TG_RCACHE_SLOTS;
}

static pthread_mutex_t *lock_of(struct tg_rcache *c, size_t slot)
{
	return &c->locks[slot % STRIPES];
}

void tg_rcache_forget(struct tg_rcache *c, int64_t id)
{
	atomic_fetch_add(&c->generation, 1);
	size_t s = slot_of(id);
	pthread_mutex_lock(lock_of(c, s));
	if (c->slots[s].id == id) {
		free(c->slots[s].blob);
		free(c->slots[s].summary);
		free(c->slots[s].desc);
		c->slots[s].summary = NULL;
		c->slots[s].desc = NULL;
		c->slots[s].blob = NULL;
		c->slots[s].res = NULL;
		c->slots[s].id = 0;
	}
	pthread_mutex_unlock(lock_of(c, s));
}

static void put(struct tg_rcache *c, const struct tg_resource *r, unsigned long long gen)
{
	struct bump m = {NULL, 0};
	copy_into(&m, r);
	void *blob = tg_xmalloc(m.used);
	struct bump b = {blob, 0};
	struct tg_resource *res = copy_into(&b, r);
	size_t s = slot_of(r->id);
	pthread_mutex_lock(lock_of(c, s));
	if (atomic_load(&c->generation) != gen) {
		pthread_mutex_unlock(lock_of(c, s));
		free(blob);
		return;
	}
	void *old = c->slots[s].blob;
	free(c->slots[s].summary);
	free(c->slots[s].desc);
	c->slots[s].summary = NULL;
	c->slots[s].desc = NULL;
	c->slots[s].id = r->id;
	c->slots[s].res = res;
	c->slots[s].blob = blob;
	pthread_mutex_unlock(lock_of(c, s));
	free(old);
}

enum tg_rc tg_rcache_get_many(struct tg_rcache *c, struct tg_db *db, struct tg_arena *a, const int64_t *ids,
                              size_t n_ids, struct tg_resource **out, size_t *n)
{
	struct tg_resource *res = TG_ARENA_ARRAY(a, struct tg_resource, n_ids ? n_ids : 1);
	char *have = TG_ARENA_ARRAY(a, char, n_ids ? n_ids : 1);
	int64_t *miss = TG_ARENA_ARRAY(a, int64_t, n_ids ? n_ids : 1);
	size_t n_miss = 0;
	for (size_t i = 0; i < n_ids; i++) {
		size_t s = slot_of(ids[i]);
		pthread_mutex_lock(lock_of(c, s));
		if (c->slots[s].id == ids[i] && c->slots[s].res) {
			tg_resource_copy(&res[i], c->slots[s].res, a);
			have[i] = 1;
		}
		pthread_mutex_unlock(lock_of(c, s));
		if (!have[i])
			miss[n_miss++] = ids[i];
	}
	if (n_miss) {
		unsigned long long gen = atomic_load(&c->generation);
		struct tg_resource *got;
		size_t n_got;
		enum tg_rc rc = db->ops->resource_get_many(db, a, miss, n_miss, &got, &n_got);
		if (rc)
			return rc;
		/* got is in the order of miss, unknown ids skipped */
		size_t g = 0;
		for (size_t i = 0; i < n_ids && g < n_got; i++) {
			if (have[i] || ids[i] != got[g].id)
				continue;
			res[i] = got[g++];
			have[i] = 1;
			put(c, &res[i], gen);
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < n_ids; i++)
		if (have[i])
			res[k++] = res[i];
	*out = res;
	*n = k;
	return TG_OK;
}

const char *tg_rcache_summary_get(struct tg_rcache *c, int64_t id, int64_t version, const char *day,
                                  struct tg_arena *a, size_t *len)
{
	size_t s = slot_of(id);
	char *out = NULL;
	pthread_mutex_lock(lock_of(c, s));
	struct entry *e = &c->slots[s];
	if (e->id == id && e->res && e->res->version == version && e->summary && !strcmp(e->summary_day, day)) {
		out = tg_arena_strndup(a, e->summary, e->summary_len);
		*len = e->summary_len;
	}
	pthread_mutex_unlock(lock_of(c, s));
	return out;
}

void tg_rcache_summary_put(struct tg_rcache *c, int64_t id, int64_t version, const char *day, const char *json,
                           size_t len)
{
	size_t s = slot_of(id);
	char *copy = tg_xstrndup(json, len);
	pthread_mutex_lock(lock_of(c, s));
	struct entry *e = &c->slots[s];
	if (e->id == id && e->res && e->res->version == version && strlen(day) < sizeof(e->summary_day)) {
		char *old = e->summary;
		e->summary = copy;
		e->summary_len = len;
		snprintf(e->summary_day, sizeof(e->summary_day), "%s", day);
		copy = old;
	}
	pthread_mutex_unlock(lock_of(c, s));
	free(copy);
}

/* desc block layout: the map (n_map ranges) first, for alignment, then the
 * normalized text with its NUL. */
int tg_rcache_desc_get(struct tg_rcache *c, int64_t id, int64_t version, struct tg_arena *a, struct tg_text_norm *out)
{
	size_t s = slot_of(id);
	int hit = 0;
	pthread_mutex_lock(lock_of(c, s));
	struct entry *e = &c->slots[s];
	if (e->id == id && e->res && e->res->version == version && e->desc) {
		size_t map_bytes = e->desc_n_map * sizeof(struct tg_text_range);
		char *copy = tg_arena_alloc(a, map_bytes + e->desc_len + 1);
		memcpy(copy, e->desc, map_bytes + e->desc_len + 1);
		out->map = (struct tg_text_range *)(void *)copy;
		out->n_map = e->desc_n_map;
		out->text = copy + map_bytes;
		out->len = e->desc_len;
		hit = 1;
	}
	pthread_mutex_unlock(lock_of(c, s));
	return hit;
}

void tg_rcache_desc_put(struct tg_rcache *c, int64_t id, int64_t version, const struct tg_text_norm *nrm)
{
	size_t map_bytes = nrm->n_map * sizeof(struct tg_text_range);
	char *block = tg_xmalloc(map_bytes + nrm->len + 1);
	if (map_bytes)
		memcpy(block, nrm->map, map_bytes);
	memcpy(block + map_bytes, nrm->text, nrm->len);
	block[map_bytes + nrm->len] = '\0';
	size_t s = slot_of(id);
	pthread_mutex_lock(lock_of(c, s));
	struct entry *e = &c->slots[s];
	if (e->id == id && e->res && e->res->version == version) {
		void *old = e->desc;
		e->desc = block;
		e->desc_len = nrm->len;
		e->desc_n_map = nrm->n_map;
		block = old;
	}
	pthread_mutex_unlock(lock_of(c, s));
	free(block);
}
