/*
 * search.c - the in-memory search index (API in search.h, design and
 * ranking in docs/internals/search.md).
 *
 * Layout:
 *  - Documents live in one array indexed by ordinal (uint32). An upsert
 *    appends a new ordinal and kills the old one, so posting lists only
 *    ever grow at the tail and stay sorted without re-sorting; dead slots
 *    keep about 100 bytes each until the index is rebuilt (at restart).
 *  - Text is stored rank-coded: every code point is replaced by its rank in
 *    a per-index table (most frequent first at the first bulk load) and the
 *    rank is written with UTF-8's byte layout. Japanese text shrinks from
 *    ~3 bytes to ~1.3-1.8 bytes per code point, and because the layout is
 *    self-synchronizing memmem() on coded text finds exactly the coded
 *    term's occurrences, as it would on UTF-8. Rank 0 is the field
 *    separator 0x1F (byte 0x00), rank 1 is the space.
 *  - Postings: for every bigram of adjacent code points inside a word, and
 *    for every word-final code point paired with "boundary" (rank 0), a
 *    sorted list of ordinals. A list is a plain uint32 array while small
 *    and a bitmap once the array would be bigger than the bitmap. Every
 *    occurrence of a code point starts exactly one such gram, so a
 *    one-character term is the union of the grams that start with it.
 *  - Area filter: one posting list per area id over the docs whose chain
 *    contains it; it joins the intersection like a gram list.
 *  - Filter lists: per type, per weekday, public, and per distinct
 *    (age_min, age_max) pair; they join the intersection when selective.
 *  - Grid: the located live documents bucketed into 0.05° cells (CSR),
 *    rebuilt at finalize and after GRID_MAX_EXTRA upserts (g_extra holds the
 *    documents indexed since; g_nogeo those without coordinates).
 * Query: intersect the lists (rarest first; arrays by galloping, all-bitmap
 * by word AND), then per candidate: cheap filters, memmem verification of
 * every term per field (bigram co-occurrence is not substring), distance,
 * score, bounded heap of offset+limit. Distance sort with many candidates
 * instead walks the grid in rings outward from the origin, testing the
 * candidate bitmap per document and verifying only the terms the lists do
 * not prove, and stops when the heap is full of documents nearer than any
 * unvisited cell (total is then estimated) or the radius is exhausted; the
 * page is scored afterwards.
 *
 * Invariants: a live document's ordinal is in exactly the lists of its
 * grams and areas; pending (bulk-added, not finalized) and dead documents
 * are in no list; arrays are strictly increasing; plist.n is the number of
 * ordinals in the list; every rank < n_ranks has rank2cp and cp2rank
 * entries that invert each other. Writers hold the write lock; tg_search_run
 * reads only and allocates from the caller's arena.
 */
#include "core/search.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "core/memo.h"
#include "core/schedule.h"
#include "core/text.h"
#include "util/memfind.h"

/* ---- search_text builder ---- */

static enum tg_rc add_part(struct tg_buf *out, const char *s, size_t field_start)
{
	size_t before = out->len;
	enum tg_rc rc;

	if (!s || !*s)
		return TG_OK;
	if (out->len > field_start) {
		rc = tg_buf_addc(out, ' ');
		if (rc)
			return rc;
	}
	rc = tg_text_normalize(s, strlen(s), out);
	if (rc == TG_OK && out->len == before + 1 && before > field_start) {
		/* the part normalized to nothing: take the space back */
		out->len = before;
		out->data[before] = '\0';
	}
	return rc;
}

enum tg_rc tg_search_text_build(const struct tg_resource *r, const struct tg_search_text_extra *x, struct tg_buf *out)
{
	size_t start = out->len, f;
	enum tg_rc rc;
	const char *org = x && x->org_name ? x->org_name : r->org_name;

	f = out->len;
	if ((rc = add_part(out, r->name, f)))
		goto out;
	if ((rc = tg_buf_addc(out, TG_SEARCH_FIELD_SEP)))
		goto out;
	f = out->len;
	if ((rc = add_part(out, r->name_kana, f)))
		goto out;
	if ((rc = tg_buf_addc(out, TG_SEARCH_FIELD_SEP)))
		goto out;
	f = out->len;
	if ((rc = add_part(out, org, f)))
		goto out;
	if (x) {
		if ((rc = add_part(out, x->type_name, f)))
			goto out;
		for (size_t i = 0; i < x->n_tag_names; i++)
			if ((rc = add_part(out, x->tag_names[i], f)))
				goto out;
		for (size_t i = 0; i < x->n_area_names; i++)
			if ((rc = add_part(out, x->area_names[i], f)))
				goto out;
	}
	if ((rc = tg_buf_addc(out, TG_SEARCH_FIELD_SEP)))
		goto out;
	f = out->len;
	/* no address for a confidential resource (see search.h) */
	const char *body[] = {r->description,
	                      r->is_confidential ? NULL : r->prefecture,
	                      r->is_confidential ? NULL : r->city,
	                      r->is_confidential ? NULL : r->address_line,
	                      r->is_confidential ? NULL : r->building,
	                      r->accessibility_notes,
	                      r->schedule_note,
	                      r->fee_text};
	for (size_t i = 0; i < sizeof(body) / sizeof(body[0]); i++)
		if ((rc = add_part(out, body[i], f)))
			goto out;
out:
	if (rc && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

/* ---- posting lists ---- */

struct plist {
	uint32_t n;     /* ordinals in the list */
	uint32_t cap;   /* array capacity, or bitmap words */
	uint32_t *a;    /* sorted ordinals (when bits == NULL) */
	uint64_t *bits; /* bitmap (dense lists) */
};

static int pl_bit(const struct plist *p, uint32_t x)
{
	return (x >> 6) < p->cap && (p->bits[x >> 6] >> (x & 63) & 1);
}

/* Index of the first element >= x. */
static uint32_t arr_lower(const uint32_t *a, uint32_t n, uint32_t x)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Convert to a bitmap once the array is the bigger of the two. */
static void pl_maybe_bitmap(struct plist *p, uint32_t n_slots)
{
	uint32_t words = (n_slots + 63) / 64;

	if (p->bits || p->n < 16 || (size_t)p->n * 4 <= (size_t)words * 8)
		return;
	uint64_t *b = tg_xcalloc(words, sizeof(*b));
	for (uint32_t i = 0; i < p->n; i++)
		b[p->a[i] >> 6] |= 1ull << (p->a[i] & 63);
	free(p->a);
	p->a = NULL;
	p->bits = b;
	p->cap = words;
}

static void pl_add(struct plist *p, uint32_t x)
{
	if (p->bits) {
		if ((x >> 6) >= p->cap) {
			uint32_t words = p->cap * 2 > (x >> 6) + 1 ? p->cap * 2 : (x >> 6) + 1;
			p->bits = tg_xrealloc(p->bits, words * sizeof(*p->bits));
			memset(p->bits + p->cap, 0, (words - p->cap) * sizeof(*p->bits));
			p->cap = words;
		}
		if (!(p->bits[x >> 6] >> (x & 63) & 1)) {
			p->bits[x >> 6] |= 1ull << (x & 63);
			p->n++;
		}
		return;
	}
	if (p->n && p->a[p->n - 1] >= x) {
		/* Not the append fast path: bulk loading never gets here. */
		uint32_t i = arr_lower(p->a, p->n, x);
		if (i < p->n && p->a[i] == x)
			return;
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 4;
			p->a = tg_xrealloc(p->a, p->cap * sizeof(*p->a));
		}
		memmove(p->a + i + 1, p->a + i, (p->n - i) * sizeof(*p->a));
		p->a[i] = x;
		p->n++;
		return;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4;
		p->a = tg_xrealloc(p->a, p->cap * sizeof(*p->a));
	}
	p->a[p->n++] = x;
}

static void pl_del(struct plist *p, uint32_t x)
{
	if (p->bits) {
		if (pl_bit(p, x)) {
			p->bits[x >> 6] &= ~(1ull << (x & 63));
			p->n--;
		}
		return;
	}
	uint32_t i = arr_lower(p->a, p->n, x);
	if (i < p->n && p->a[i] == x) {
		memmove(p->a + i, p->a + i + 1, (p->n - i - 1) * sizeof(*p->a));
		p->n--;
	}
}

/* Trim array slack after a bulk load. */
static void pl_shrink(struct plist *p)
{
	if (!p->bits && p->cap > p->n && p->n > 0) {
		p->a = tg_xrealloc(p->a, p->n * sizeof(*p->a));
		p->cap = p->n;
	}
}

static void pl_release(struct plist *p)
{
	free(p->a);
	free(p->bits);
}

/* Galloping membership test for increasing x; *cur is the search start. */
static int arr_seek(const uint32_t *a, uint32_t n, uint32_t *cur, uint32_t x)
{
	uint32_t lo = *cur, step = 1, hi;

	if (lo >= n)
		return 0;
	if (a[lo] >= x)
		return a[lo] == x;
	while (lo + step < n && a[lo + step] < x) {
		lo += step;
		step <<= 1;
	}
	hi = lo + step < n ? lo + step : n;
	lo++;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	*cur = lo;
	return lo < n && a[lo] == x;
}

/* ---- small maps ---- */

/* int64 (> 0) -> uint32, open addressing; keys are never removed. */
struct i64map {
	int64_t *keys; /* 0 = empty */
	uint32_t *vals;
	size_t cap, n;
};

static size_t i64_slot(const struct i64map *m, int64_t k)
{
	size_t i = (size_t)(((uint64_t)k * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static uint32_t *i64_get(const struct i64map *m, int64_t k)
{
	if (!m->cap)
		return NULL;
	size_t i = i64_slot(m, k);
	return m->keys[i] ? &m->vals[i] : NULL;
}

static uint32_t *i64_put(struct i64map *m, int64_t k, uint32_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct i64map old = *m;
		m->cap = m->cap ? m->cap * 2 : 64;
		m->keys = tg_xcalloc(m->cap, sizeof(*m->keys));
		m->vals = tg_xcalloc(m->cap, sizeof(*m->vals));
		for (size_t j = 0; j < old.cap; j++) {
			if (old.keys[j]) {
				size_t s = i64_slot(m, old.keys[j]);
				m->keys[s] = old.keys[j];
				m->vals[s] = old.vals[j];
			}
		}
		free(old.keys);
		free(old.vals);
	}
	size_t i = i64_slot(m, k);
	if (!m->keys[i]) {
		m->keys[i] = k;
		m->n++;
	}
	m->vals[i] = v;
	return &m->vals[i];
}

/* Interned strings (type codes, tag codes). */
struct strtab {
	char **names;
	uint32_t n, cap;
	uint32_t *slots; /* index + 1, 0 = empty */
	uint32_t n_slots;
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int strtab_find(const struct strtab *t, const char *s)
{
	if (!t->n_slots)
		return -1;
	for (uint32_t i = str_hash(s) & (t->n_slots - 1);; i = (i + 1) & (t->n_slots - 1)) {
		if (!t->slots[i])
			return -1;
		if (strcmp(t->names[t->slots[i] - 1], s) == 0)
			return (int)(t->slots[i] - 1);
	}
}

static uint32_t strtab_intern(struct strtab *t, const char *s)
{
	int f = strtab_find(t, s);

	if (f >= 0)
		return (uint32_t)f;
	if ((t->n + 1) * 2 > t->n_slots) {
		t->n_slots = t->n_slots ? t->n_slots * 2 : 64;
		free(t->slots);
		t->slots = tg_xcalloc(t->n_slots, sizeof(*t->slots));
		for (uint32_t j = 0; j < t->n; j++) {
			uint32_t i = str_hash(t->names[j]) & (t->n_slots - 1);
			while (t->slots[i])
				i = (i + 1) & (t->n_slots - 1);
			t->slots[i] = j + 1;
		}
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->names = tg_xrealloc(t->names, t->cap * sizeof(*t->names));
	}
	t->names[t->n] = tg_xstrdup(s);
	uint32_t i = str_hash(s) & (t->n_slots - 1);
	while (t->slots[i])
		i = (i + 1) & (t->n_slots - 1);
	t->slots[i] = t->n + 1;
	return t->n++;
}

static void strtab_release(struct strtab *t)
{
	for (uint32_t i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->names);
	free(t->slots);
}

/* ---- the index ---- */

#define F_PENDING      1u
#define F_DEAD         2u
#define F_FREE         4u
#define F_PUBLIC       8u
#define F_CONFIDENTIAL 16u
#define F_GEO          32u

#define N_PAGES    (0x110000 / 256)
#define SEP_RANK   0u
#define SPACE_RANK 1u
#define NO_GRAM    UINT32_MAX
#define AGE_KEYS   64

/* Schedules without exceptions are shared between documents with the same
 * weekly hours (refs counts them; sched_tab chains them by hash). */
struct sched {
	struct tg_exception *ex;
	struct tg_hours *hours;
	uint32_t n_ex, n_hours;
	uint32_t refs, hash;
	struct sched *next;
};

#define SCHED_BUCKETS 4096

struct doc {
	int64_t id, org_id;
	double lat, lon;
	uint64_t svc, acc; /* bit i = interned tag code i */
	uint8_t *text;     /* rank-coded (raw UTF-8 while pending) */
	uint64_t name_key; /* name order's first three code points (name_key_of) */
	struct sched *sched;
	uint32_t text_len;
	uint32_t f_end[3];                  /* byte offsets of the three separators */
	uint32_t area[TG_SEARCH_MAX_AREAS]; /* interned area list indexes */
	uint16_t type;                      /* interned type + 1, 0 = none */
	int16_t age_min, age_max;
	uint8_t n_area, flags, days; /* days: bit w = hours on weekday w */
	uint32_t version;            /* the row's, 0 = not given (in the padding) */
};

/* What the filters read, 12 bytes per ordinal (docs[] entries are ~110). */
struct hot {
	float lat;
	uint16_t type;
	int16_t age_min, age_max;
	uint8_t flags, days;
};

/* What the distance walk reads of a located document, stored in grid
 * order next to g_ords so that a walk reads memory in sequence instead of
 * one cache miss per document (docs[] and hot[] are in ordinal order). */
struct ghot {
	double lat, lon;
	double cos_lat; /* cos_lat_of(lat), for the distance */
	uint16_t type;
	int16_t age_min, age_max;
	uint8_t flags, days; /* flags: F_DEAD is kept current (doc_unindex) */
};

static double cos_lat_of(double lat)
{
	return cos(lat * (M_PI / 180.0));
}

static void hot_set(struct hot *h, const struct doc *d)
{
	h->lat = (float)d->lat;
	h->type = d->type;
	h->age_min = d->age_min;
	h->age_max = d->age_max;
	h->flags = d->flags;
	h->days = d->days;
}

struct gram {
	uint64_t key; /* rank1 << 32 | rank2 (0 = word end) */
	struct plist pl;
	uint32_t next_first; /* next gram with the same first rank, + 1 */
};

struct tg_search {
	pthread_rwlock_t lock;
	struct doc *docs;
	struct hot *hot; /* parallel to docs */
	uint32_t n_docs, cap_docs, n_live, n_pending;
	struct i64map ids;   /* id -> ordinal, UINT32_MAX once removed */
	struct i64map areas; /* area id -> index into area_pl */
	struct plist *area_pl;
	uint32_t n_area_pl, cap_area_pl;
	struct strtab types, svcs, accs;
	uint32_t *cp2rank[N_PAGES]; /* pages of 256, rank + 1, 0 = none */
	uint32_t *rank2cp;
	uint32_t n_ranks, cap_ranks;
	uint32_t *first_head; /* per rank: first gram starting with it, + 1 */
	struct gram *grams;
	uint32_t n_grams, cap_grams;
	uint32_t *gslots; /* hash of gram keys not in direct[], gram + 1 */
	uint32_t n_gslots;
	uint32_t *direct; /* grams of two ranks < 256, gram + 1 */
	/* filter lists, joined to the intersection when they are selective */
	struct plist *type_pl; /* per interned type */
	uint32_t cap_type_pl;
	struct plist day_pl[TG_WEEKDAY_HOLIDAY + 1];
	struct plist pub_pl;
	/* one list per distinct (age_min, age_max); unusable once a document's
	 * pair did not fit (age_over) */
	int16_t age_key[AGE_KEYS][2];
	struct plist age_pl[AGE_KEYS];
	uint32_t n_age_keys;
	int age_over;
	/* spatial grid over the located live documents at the last build */
	double g_lat0, g_lon0, g_step;
	uint32_t g_rows, g_cols;
	uint32_t *g_start; /* g_rows * g_cols + 1 offsets into g_ords */
	uint32_t *g_ords;
	struct ghot *g_hot; /* parallel to g_ords */
	uint32_t g_n;       /* ordinals in the grid */
	int g_ident;        /* g_ords[i] == i: ordinal o < g_n is at grid position o */
	uint32_t *g_nogeo;  /* live docs without coordinates at the build */
	uint32_t n_nogeo;
	uint32_t *g_conf; /* grid positions of the confidential documents (see walk) */
	uint32_t n_conf;
	uint32_t *g_conf_out; /* confidential documents outside the grid (ordinals) */
	uint32_t n_conf_out;
	uint32_t *g_extra; /* docs indexed after the build (any location) */
	uint32_t n_extra, cap_extra;
	struct sched **sched_tab; /* SCHED_BUCKETS chains of shared schedules */
	size_t sched_bytes;       /* held by schedules, each counted once */
	/* bumped (atomically, under the write lock) by every change, so that
	 * memoized answers of older data are never returned */
	uint64_t gen;
	struct tg_memo *memo; /* NULL: answers are not memoized */
};

#define GRID_DEG       0.05
#define GRID_MAX_EXTRA 2048

static uint32_t grid_clamp(double v, uint32_t n)
{
	return v <= 0 ? 0 : v >= (double)(n - 1) ? n - 1 : (uint32_t)v;
}

/* The cell of (lat, lon) in a grid of rows x cols cells of step degrees
 * from (lat0, lon0), row-major; outside points go to the nearest cell. */
static size_t cell_of(double lat0, double lon0, double step, uint32_t rows, uint32_t cols, double lat, double lon)
{
	uint32_t r = grid_clamp((lat - lat0) / step, rows);
	uint32_t c = grid_clamp((lon - lon0) / step, cols);

	return (size_t)r * cols + c;
}

static size_t grid_cell(const struct tg_search *idx, double lat, double lon)
{
	return cell_of(idx->g_lat0, idx->g_lon0, idx->g_step, idx->g_rows, idx->g_cols, lat, lon);
}

static uint32_t rank_of(const struct tg_search *idx, int32_t cp)
{
	const uint32_t *pg = idx->cp2rank[cp >> 8];

	return pg && pg[cp & 255] ? pg[cp & 255] - 1 : UINT32_MAX;
}

static uint32_t rank_new(struct tg_search *idx, int32_t cp)
{
	uint32_t **pg = &idx->cp2rank[cp >> 8];

	if (!*pg)
		*pg = tg_xcalloc(256, sizeof(**pg));
	if (idx->n_ranks == idx->cap_ranks) {
		uint32_t old = idx->cap_ranks;
		idx->cap_ranks = old ? old * 2 : 1024;
		idx->rank2cp = tg_xrealloc(idx->rank2cp, idx->cap_ranks * sizeof(*idx->rank2cp));
		idx->first_head = tg_xrealloc(idx->first_head, idx->cap_ranks * sizeof(*idx->first_head));
		memset(idx->first_head + old, 0, (idx->cap_ranks - old) * sizeof(*idx->first_head));
	}
	idx->rank2cp[idx->n_ranks] = (uint32_t)cp;
	(*pg)[cp & 255] = idx->n_ranks + 1;
	return idx->n_ranks++;
}

/* Ranks are written with UTF-8's byte layout (any value < 2^21). */
static size_t rank_put(uint8_t *o, uint32_t r)
{
	if (r < 0x80) {
		o[0] = (uint8_t)r;
		return 1;
	}
	if (r < 0x800) {
		o[0] = (uint8_t)(0xC0 | (r >> 6));
		o[1] = (uint8_t)(0x80 | (r & 63));
		return 2;
	}
	if (r < 0x10000) {
		o[0] = (uint8_t)(0xE0 | (r >> 12));
		o[1] = (uint8_t)(0x80 | ((r >> 6) & 63));
		o[2] = (uint8_t)(0x80 | (r & 63));
		return 3;
	}
	o[0] = (uint8_t)(0xF0 | (r >> 18));
	o[1] = (uint8_t)(0x80 | ((r >> 12) & 63));
	o[2] = (uint8_t)(0x80 | ((r >> 6) & 63));
	o[3] = (uint8_t)(0x80 | (r & 63));
	return 4;
}

static inline uint32_t rank_get(const uint8_t *p, size_t *k)
{
	uint8_t b = p[0];

	if (b < 0x80) {
		*k = 1;
		return b;
	}
	if (b < 0xE0) {
		*k = 2;
		return (uint32_t)(b & 0x1F) << 6 | (p[1] & 63u);
	}
	if (b < 0xF0) {
		*k = 3;
		return (uint32_t)(b & 0x0F) << 12 | (uint32_t)(p[1] & 63u) << 6 | (p[2] & 63u);
	}
	*k = 4;
	return (uint32_t)(b & 0x07) << 18 | (uint32_t)(p[1] & 63u) << 12 | (uint32_t)(p[2] & 63u) << 6 | (p[3] & 63u);
}

static uint32_t gram_hash_slot(const struct tg_search *idx, uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (idx->n_gslots - 1);
}

static uint32_t gram_find(const struct tg_search *idx, uint32_t r1, uint32_t r2)
{
	uint64_t key = (uint64_t)r1 << 32 | r2;

	if (r1 < 256 && r2 < 256)
		return idx->direct[r1 << 8 | r2] - 1; /* 0 - 1 = NO_GRAM */
	if (!idx->n_gslots)
		return NO_GRAM;
	for (uint32_t i = gram_hash_slot(idx, key);; i = (i + 1) & (idx->n_gslots - 1)) {
		uint32_t g = idx->gslots[i];
		if (!g)
			return NO_GRAM;
		if (idx->grams[g - 1].key == key)
			return g - 1;
	}
}

static void gram_slot_insert(struct tg_search *idx, uint32_t g)
{
	uint32_t i = gram_hash_slot(idx, idx->grams[g].key);

	while (idx->gslots[i])
		i = (i + 1) & (idx->n_gslots - 1);
	idx->gslots[i] = g + 1;
}

static uint32_t gram_get(struct tg_search *idx, uint32_t r1, uint32_t r2)
{
	uint32_t g = gram_find(idx, r1, r2);

	if (g != NO_GRAM)
		return g;
	if (idx->n_grams == idx->cap_grams) {
		idx->cap_grams = idx->cap_grams ? idx->cap_grams * 2 : 4096;
		idx->grams = tg_xrealloc(idx->grams, idx->cap_grams * sizeof(*idx->grams));
	}
	g = idx->n_grams++;
	memset(&idx->grams[g], 0, sizeof(idx->grams[g]));
	idx->grams[g].key = (uint64_t)r1 << 32 | r2;
	idx->grams[g].next_first = idx->first_head[r1];
	idx->first_head[r1] = g + 1;
	if (r1 < 256 && r2 < 256) {
		idx->direct[r1 << 8 | r2] = g + 1;
		return g;
	}
	if ((idx->n_grams + 1) * 2 > idx->n_gslots) {
		idx->n_gslots = idx->n_gslots ? idx->n_gslots * 2 : 4096;
		free(idx->gslots);
		idx->gslots = tg_xcalloc(idx->n_gslots, sizeof(*idx->gslots));
		for (uint32_t j = 0; j < idx->n_grams; j++) {
			uint64_t k = idx->grams[j].key;
			if ((k >> 32) >= 256 || (k & 0xFFFFFFFFu) >= 256)
				gram_slot_insert(idx, j);
		}
	} else {
		gram_slot_insert(idx, g);
	}
	return g;
}

struct tg_search *tg_search_new(void)
{
	struct tg_search *idx = tg_xcalloc(1, sizeof(*idx));

	if (pthread_rwlock_init(&idx->lock, NULL) != 0) {
		free(idx);
		return NULL;
	}
	idx->direct = tg_xcalloc(65536, sizeof(*idx->direct));
	rank_new(idx, TG_SEARCH_FIELD_SEP); /* SEP_RANK */
	rank_new(idx, ' ');                 /* SPACE_RANK */
	return idx;
}

static size_t sched_size(const struct sched *s)
{
	return sizeof(struct sched) + s->n_ex * (sizeof(struct tg_exception) + 11) +
	       s->n_hours * sizeof(struct tg_hours);
}

static void sched_unref(struct tg_search *idx, struct sched *s)
{
	if (!s || --s->refs)
		return;
	if (!s->n_ex) {
		struct sched **pp = &idx->sched_tab[s->hash % SCHED_BUCKETS];
		while (*pp != s)
			pp = &(*pp)->next;
		*pp = s->next;
	}
	idx->sched_bytes -= sched_size(s);
	free(s);
}

/* The shared copy of s when there is one (s is freed), else s, now shared. */
static struct sched *sched_intern(struct tg_search *idx, struct sched *s)
{
	uint32_t h = 2166136261u;
	const unsigned char *p = (const unsigned char *)s->hours;

	s->refs = 1;
	idx->sched_bytes += sched_size(s);
	if (s->n_ex)
		return s;
	for (size_t i = 0; i < s->n_hours * sizeof(struct tg_hours); i++)
		h = (h ^ p[i]) * 16777619u;
	s->hash = h;
	if (!idx->sched_tab)
		idx->sched_tab = tg_xcalloc(SCHED_BUCKETS, sizeof(*idx->sched_tab));
	for (struct sched *o = idx->sched_tab[h % SCHED_BUCKETS]; o; o = o->next) {
		if (o->hash == h && o->n_hours == s->n_hours &&
		    !memcmp(o->hours, s->hours, s->n_hours * sizeof(struct tg_hours))) {
			idx->sched_bytes -= sched_size(s);
			free(s);
			o->refs++;
			return o;
		}
	}
	s->next = idx->sched_tab[h % SCHED_BUCKETS];
	idx->sched_tab[h % SCHED_BUCKETS] = s;
	return s;
}

static void doc_release(struct tg_search *idx, struct doc *d)
{
	free(d->text);
	sched_unref(idx, d->sched);
	d->text = NULL;
	d->sched = NULL;
}

void tg_search_free(struct tg_search *idx)
{
	if (!idx)
		return;
	tg_memo_free(idx->memo);
	for (uint32_t i = 0; i < idx->n_docs; i++)
		doc_release(idx, &idx->docs[i]);
	free(idx->docs);
	free(idx->hot);
	free(idx->sched_tab);
	free(idx->ids.keys);
	free(idx->ids.vals);
	free(idx->areas.keys);
	free(idx->areas.vals);
	for (uint32_t i = 0; i < idx->n_area_pl; i++)
		pl_release(&idx->area_pl[i]);
	free(idx->area_pl);
	strtab_release(&idx->types);
	strtab_release(&idx->svcs);
	strtab_release(&idx->accs);
	for (size_t i = 0; i < N_PAGES; i++)
		free(idx->cp2rank[i]);
	free(idx->rank2cp);
	free(idx->first_head);
	for (uint32_t i = 0; i < idx->n_grams; i++)
		pl_release(&idx->grams[i].pl);
	free(idx->grams);
	free(idx->gslots);
	free(idx->direct);
	for (uint32_t i = 0; i < idx->cap_type_pl; i++)
		pl_release(&idx->type_pl[i]);
	free(idx->type_pl);
	for (int w = 0; w <= TG_WEEKDAY_HOLIDAY; w++)
		pl_release(&idx->day_pl[w]);
	pl_release(&idx->pub_pl);
	for (uint32_t i = 0; i < AGE_KEYS; i++)
		pl_release(&idx->age_pl[i]);
	free(idx->g_start);
	free(idx->g_ords);
	free(idx->g_hot);
	free(idx->g_nogeo);
	free(idx->g_conf);
	free(idx->g_conf_out);
	free(idx->g_extra);
	pthread_rwlock_destroy(&idx->lock);
	free(idx);
}

/* Check search_text: valid UTF-8 and at most three separators. */
static enum tg_rc check_text(const char *s, size_t len)
{
	size_t i = 0, seps = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0)
			return TG_ERR_INVALID;
		if (cp == TG_SEARCH_FIELD_SEP && ++seps > 3)
			return TG_ERR_INVALID;
		i += (size_t)k;
	}
	return TG_OK;
}

/* Fill d from doc (everything but the index postings); d->text is a raw
 * copy of search_text. */
static enum tg_rc doc_fill(struct tg_search *idx, struct doc *d, const struct tg_search_doc *doc)
{
	uint64_t svc = 0, acc = 0;
	enum tg_rc rc;

	if (doc->id <= 0 || doc->n_areas > TG_SEARCH_MAX_AREAS || doc->age_min < -1 || doc->age_max < -1 ||
	    doc->age_min > INT16_MAX || doc->age_max > INT16_MAX || (doc->search_text_len && !doc->search_text))
		return TG_ERR_INVALID;
	for (size_t i = 0; i < doc->n_areas; i++)
		if (doc->areas[i] <= 0)
			return TG_ERR_INVALID;
	rc = check_text(doc->search_text, doc->search_text_len);
	if (rc)
		return rc;
	for (size_t i = 0; i < doc->n_services; i++) {
		if (strtab_find(&idx->svcs, doc->services[i]) < 0 && idx->svcs.n >= TG_SEARCH_MAX_TAG_CODES)
			return TG_ERR_TOO_LARGE;
		svc |= 1ull << strtab_intern(&idx->svcs, doc->services[i]);
	}
	for (size_t i = 0; i < doc->n_access; i++) {
		if (strtab_find(&idx->accs, doc->access[i]) < 0 && idx->accs.n >= TG_SEARCH_MAX_TAG_CODES)
			return TG_ERR_TOO_LARGE;
		acc |= 1ull << strtab_intern(&idx->accs, doc->access[i]);
	}
	memset(d, 0, sizeof(*d));
	d->id = doc->id;
	d->version = doc->version > 0 ? (uint32_t)(doc->version > UINT32_MAX ? UINT32_MAX : doc->version) : 0;
	d->org_id = doc->org_id;
	d->svc = svc;
	d->acc = acc;
	d->age_min = (int16_t)doc->age_min;
	d->age_max = (int16_t)doc->age_max;
	d->flags = F_PENDING | (doc->fee_free == TG_FEE_FREE ? F_FREE : 0) | (doc->is_public ? F_PUBLIC : 0) |
	           (doc->is_confidential ? F_CONFIDENTIAL : 0) | (doc->has_geo ? F_GEO : 0);
	if (doc->has_geo) {
		d->lat = doc->lat;
		d->lon = doc->lon;
	}
	if (doc->type_code && *doc->type_code) {
		if (idx->types.n >= UINT16_MAX)
			return TG_ERR_TOO_LARGE;
		d->type = (uint16_t)(strtab_intern(&idx->types, doc->type_code) + 1);
	}
	for (size_t i = 0; i < doc->n_areas; i++) {
		uint32_t *v = i64_get(&idx->areas, doc->areas[i]);
		if (!v) {
			if (idx->n_area_pl == idx->cap_area_pl) {
				idx->cap_area_pl = idx->cap_area_pl ? idx->cap_area_pl * 2 : 64;
				idx->area_pl = tg_xrealloc(idx->area_pl, idx->cap_area_pl * sizeof(*idx->area_pl));
			}
			memset(&idx->area_pl[idx->n_area_pl], 0, sizeof(struct plist));
			v = i64_put(&idx->areas, doc->areas[i], idx->n_area_pl++);
		}
		d->area[d->n_area++] = *v;
	}
	for (int w = 0; w <= TG_WEEKDAY_HOLIDAY; w++)
		if (tg_schedule_open_on_weekday(doc->hours, doc->n_hours, w))
			d->days |= (uint8_t)(1u << w);
	if (doc->n_hours || doc->n_exceptions) {
		size_t sz = sizeof(struct sched) + doc->n_exceptions * (sizeof(struct tg_exception) + 11) +
		            doc->n_hours * sizeof(struct tg_hours);
		struct sched *s = tg_xcalloc(1, sz);
		char *dates;
		s->ex = (struct tg_exception *)(s + 1);
		s->hours = (struct tg_hours *)(s->ex + doc->n_exceptions);
		dates = (char *)(s->hours + doc->n_hours);
		s->n_ex = (uint32_t)doc->n_exceptions;
		s->n_hours = (uint32_t)doc->n_hours;
		if (doc->n_hours)
			memcpy(s->hours, doc->hours, doc->n_hours * sizeof(*s->hours));
		for (size_t i = 0; i < doc->n_exceptions; i++) {
			s->ex[i] = doc->exceptions[i];
			s->ex[i].note = NULL;
			s->ex[i].date = dates + 11 * i;
			if (doc->exceptions[i].date)
				snprintf(dates + 11 * i, 11, "%s", doc->exceptions[i].date);
		}
		d->sched = sched_intern(idx, s);
	}
	/* a text stored before a word fold was added (text.h rule 11) is
	 * brought up to date here, so that the stored texts need no rewrite */
	if (doc->search_text_len && tg_text_has_fold(doc->search_text, doc->search_text_len)) {
		struct tg_buf b = TG_BUF_INIT;
		size_t len = 0;
		if (tg_text_fold_words(doc->search_text, doc->search_text_len, &b) == TG_OK &&
		    b.len <= UINT32_MAX - 1) {
			d->text = (uint8_t *)tg_buf_detach(&b, &len);
			d->text_len = (uint32_t)len;
			return TG_OK;
		}
		tg_buf_release(&b);
	}
	d->text = tg_xmalloc(doc->search_text_len + 1);
	if (doc->search_text_len)
		memcpy(d->text, doc->search_text, doc->search_text_len);
	d->text_len = (uint32_t)doc->search_text_len;
	return TG_OK;
}

static const uint8_t *field_ptr(const struct doc *d, int f, size_t *len);
static uint64_t name_key_of(const struct tg_search *idx, const struct doc *d);

/* Raw UTF-8 -> rank-coded text, separator offsets and name key. */
static void doc_encode(struct tg_search *idx, struct doc *d)
{
	/* A rare ASCII character may get a multi-byte rank: 4 bytes per input
	 * byte is the worst case; the buffer is trimmed below. */
	uint8_t *out = tg_xmalloc((size_t)d->text_len * 4 + 1), *o = out;
	size_t i = 0, seps = 0;

	d->f_end[0] = d->f_end[1] = d->f_end[2] = UINT32_MAX;
	while (i < d->text_len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(d->text + i, (utf8proc_ssize_t)(d->text_len - i), &cp);
		uint32_t r = rank_of(idx, cp);
		if (r == UINT32_MAX)
			r = rank_new(idx, cp);
		if (r == SEP_RANK)
			d->f_end[seps++] = (uint32_t)(o - out);
		o += rank_put(o, r);
		i += (size_t)k;
	}
	for (; seps < 3; seps++)
		d->f_end[seps] = (uint32_t)(o - out);
	free(d->text);
	d->text_len = (uint32_t)(o - out);
	d->text = tg_xrealloc(out, (size_t)d->text_len + 1);
	d->name_key = name_key_of(idx, d);
}

/* Call fn for every gram of coded text (duplicates included). */
static void for_grams(struct tg_search *idx, const struct doc *d,
                      void (*fn)(struct tg_search *, uint32_t, uint32_t, uint32_t), uint32_t ord)
{
	size_t i = 0, k;
	uint32_t prev = SEP_RANK;

	while (i < d->text_len) {
		uint32_t r = rank_get(d->text + i, &k);
		if (r <= SPACE_RANK)
			r = SEP_RANK;
		if (prev != SEP_RANK)
			fn(idx, prev, r, ord);
		prev = r;
		i += k;
	}
	if (prev != SEP_RANK)
		fn(idx, prev, SEP_RANK, ord);
}

static void gram_add_fn(struct tg_search *idx, uint32_t r1, uint32_t r2, uint32_t ord)
{
	uint32_t g = gram_get(idx, r1, r2); /* may move idx->grams */
	struct plist *p = &idx->grams[g].pl;

	pl_add(p, ord);
	if (!p->bits && p->n >= 16 && (p->n & (p->n - 1)) == 0)
		pl_maybe_bitmap(p, idx->n_docs);
}

static void gram_del_fn(struct tg_search *idx, uint32_t r1, uint32_t r2, uint32_t ord)
{
	uint32_t g = gram_find(idx, r1, r2);

	if (g != NO_GRAM)
		pl_del(&idx->grams[g].pl, ord);
}

/* Add ord to (or remove it from) the type, weekday and public lists. */
static void filters_apply(struct tg_search *idx, const struct doc *d, uint32_t ord,
                          void (*fn)(struct plist *, uint32_t))
{
	if (d->type) {
		if (d->type > idx->cap_type_pl) {
			uint32_t old = idx->cap_type_pl, cap = old ? old * 2 : 16;
			while (cap < d->type)
				cap *= 2;
			idx->type_pl = tg_xrealloc(idx->type_pl, cap * sizeof(*idx->type_pl));
			memset(idx->type_pl + old, 0, (cap - old) * sizeof(*idx->type_pl));
			idx->cap_type_pl = cap;
		}
		fn(&idx->type_pl[d->type - 1], ord);
	}
	for (int w = 0; w <= TG_WEEKDAY_HOLIDAY; w++)
		if (d->days >> w & 1)
			fn(&idx->day_pl[w], ord);
	if (d->flags & F_PUBLIC)
		fn(&idx->pub_pl, ord);
	uint32_t k = 0;
	while (k < idx->n_age_keys && (idx->age_key[k][0] != d->age_min || idx->age_key[k][1] != d->age_max))
		k++;
	if (k == idx->n_age_keys) {
		if (k == AGE_KEYS) {
			idx->age_over = 1;
			return;
		}
		idx->age_key[k][0] = d->age_min;
		idx->age_key[k][1] = d->age_max;
		idx->n_age_keys++;
	}
	fn(&idx->age_pl[k], ord);
}

static void grid_build(struct tg_search *idx);

/* Post an encoded document to the lists. */
static void doc_post(struct tg_search *idx, uint32_t ord)
{
	struct doc *d = &idx->docs[ord];

	for_grams(idx, d, gram_add_fn, ord);
	for (uint32_t i = 0; i < d->n_area; i++)
		pl_add(&idx->area_pl[d->area[i]], ord);
	filters_apply(idx, d, ord, pl_add);
	d->flags &= (uint8_t)~F_PENDING;
	idx->hot[ord].flags = d->flags;
	idx->n_live++;
}

static void doc_index(struct tg_search *idx, uint32_t ord)
{
	doc_encode(idx, &idx->docs[ord]);
	doc_post(idx, ord);
}

static void doc_unindex(struct tg_search *idx, uint32_t ord)
{
	struct doc *d = &idx->docs[ord];

	for_grams(idx, d, gram_del_fn, ord);
	for (uint32_t i = 0; i < d->n_area; i++)
		pl_del(&idx->area_pl[d->area[i]], ord);
	filters_apply(idx, d, ord, pl_del);
	d->flags |= F_DEAD;
	idx->hot[ord].flags = d->flags;
	if ((d->flags & F_GEO) && idx->g_n) {
		/* its grid copy, if it was located at the last build */
		size_t cell = grid_cell(idx, d->lat, d->lon);
		for (uint32_t i = idx->g_start[cell]; i < idx->g_start[cell + 1]; i++)
			if (idx->g_ords[i] == ord)
				idx->g_hot[i].flags |= F_DEAD;
	}
	doc_release(idx, d);
	idx->n_live--;
	*i64_get(&idx->ids, d->id) = UINT32_MAX;
}

static enum tg_rc queue_doc(struct tg_search *idx, const struct tg_search_doc *doc, uint32_t *ord)
{
	struct doc d;
	enum tg_rc rc = doc_fill(idx, &d, doc);

	if (rc)
		return rc;
	if (idx->n_docs == UINT32_MAX - 1) {
		doc_release(idx, &d);
		return TG_ERR_TOO_LARGE;
	}
	if (idx->n_docs == idx->cap_docs) {
		idx->cap_docs = idx->cap_docs ? idx->cap_docs * 2 : 1024;
		idx->docs = tg_xrealloc(idx->docs, idx->cap_docs * sizeof(*idx->docs));
		idx->hot = tg_xrealloc(idx->hot, idx->cap_docs * sizeof(*idx->hot));
	}
	*ord = idx->n_docs;
	hot_set(&idx->hot[*ord], &d);
	idx->docs[idx->n_docs++] = d;
	i64_put(&idx->ids, doc->id, *ord);
	idx->n_pending++;
	return TG_OK;
}

struct cpcount {
	uint32_t cp, n;
};

static int cpcount_cmp(const void *pa, const void *pb)
{
	const struct cpcount *x = pa, *y = pb;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->cp < y->cp ? -1 : x->cp > y->cp;
}

/* On the first load, give the most frequent code points the shortest codes. */
static void assign_ranks_by_frequency(struct tg_search *idx)
{
	uint32_t **cnt = tg_xcalloc(N_PAGES, sizeof(*cnt));
	struct cpcount *all = NULL;
	size_t n_all = 0, cap_all = 0;

	for (uint32_t o = 0; o < idx->n_docs; o++) {
		const struct doc *d = &idx->docs[o];
		size_t i = 0;
		if (!(d->flags & F_PENDING))
			continue;
		while (i < d->text_len) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t k = utf8proc_iterate(d->text + i, (utf8proc_ssize_t)(d->text_len - i), &cp);
			if (!cnt[cp >> 8])
				cnt[cp >> 8] = tg_xcalloc(256, sizeof(**cnt));
			cnt[cp >> 8][cp & 255]++;
			i += (size_t)k;
		}
	}
	for (size_t p = 0; p < N_PAGES; p++) {
		if (!cnt[p])
			continue;
		for (uint32_t j = 0; j < 256; j++) {
			uint32_t cp = (uint32_t)p << 8 | j;
			if (!cnt[p][j] || rank_of(idx, (int32_t)cp) != UINT32_MAX)
				continue;
			if (n_all == cap_all) {
				cap_all = cap_all ? cap_all * 2 : 1024;
				all = tg_xrealloc(all, cap_all * sizeof(*all));
			}
			all[n_all].cp = cp;
			all[n_all++].n = cnt[p][j];
		}
		free(cnt[p]);
	}
	if (n_all)
		qsort(all, n_all, sizeof(*all), cpcount_cmp);
	for (size_t i = 0; i < n_all; i++)
		rank_new(idx, (int32_t)all[i].cp);
	free(all);
	free(cnt);
}

/* Bucket the located live documents into GRID_DEG cells (CSR layout);
 * the others go to g_nogeo. Clears g_extra. */
/* The grid over the located live documents: a GRID_DEG step (doubled until
 * there are at most ~4M cells; coordinates are degrees, so this only bounds
 * a pathological spread) from the corner of their bounding box. Returns the
 * number of located documents (0: no grid). skip: the flags of the
 * documents to leave out. */
static uint32_t grid_params(const struct tg_search *idx, unsigned skip, double *lat0, double *lon0, double *step,
                            uint32_t *rows, uint32_t *cols)
{
	double lat_min = HUGE_VAL, lat_max = -HUGE_VAL, lon_min = HUGE_VAL, lon_max = -HUGE_VAL;
	uint32_t n_geo = 0;

	for (uint32_t o = 0; o < idx->n_docs; o++) {
		const struct doc *d = &idx->docs[o];
		if ((d->flags & skip) || !(d->flags & F_GEO))
			continue;
		n_geo++;
		lat_min = d->lat < lat_min ? d->lat : lat_min;
		lat_max = d->lat > lat_max ? d->lat : lat_max;
		lon_min = d->lon < lon_min ? d->lon : lon_min;
		lon_max = d->lon > lon_max ? d->lon : lon_max;
	}
	if (!n_geo)
		return 0;
	*step = GRID_DEG;
	while (((lat_max - lat_min) / *step + 1) * ((lon_max - lon_min) / *step + 1) > 4e6)
		*step *= 2;
	*lat0 = lat_min;
	*lon0 = lon_min;
	*rows = (uint32_t)((lat_max - lat_min) / *step) + 1;
	*cols = (uint32_t)((lon_max - lon_min) / *step) + 1;
	return n_geo;
}

/* The grid's frame comes from the documents everyone may locate only: a
 * confidential location must not move the cells, or the rings a distance
 * walk visits and so its estimated total would say where it is. A
 * confidential document outside that frame is kept out of the grid
 * (g_conf_out). */
#define GRID_SKIP_FRAME F_CONFIDENTIAL

static int outside_frame(double lat0, double lon0, double step, uint32_t rows, uint32_t cols, const struct doc *d)
{
	double y = (d->lat - lat0) / step, x = (d->lon - lon0) / step;
	return !(y >= 0 && y < (double)rows && x >= 0 && x < (double)cols);
}

/* Before the first bulk load is indexed (every document pending): renumber
 * the documents in grid order, cell by cell (row-major), keeping the load
 * order inside a cell, the unlocated ones last. The grid built next then
 * holds each cell's documents as one run of consecutive ordinals, so a
 * distance walk reads a cell's candidates a bitmap word at a time
 * (walk_cell) and its documents lie together in memory. The order inside
 * a cell, which a walk follows, is the load order as before, so results and
 * estimated totals do not change. */
static void spatial_order(struct tg_search *idx)
{
	double lat0 = 0, lon0 = 0, step = GRID_DEG;
	uint32_t rows = 0, cols = 0, n = idx->n_docs;

	if (n < 2 || !grid_params(idx, F_DEAD | GRID_SKIP_FRAME, &lat0, &lon0, &step, &rows, &cols))
		return;
	size_t cells = (size_t)rows * cols;
	uint32_t *start = tg_xcalloc(cells + 2, sizeof(uint32_t)), *key = tg_xmalloc(n * sizeof(uint32_t));
	for (uint32_t o = 0; o < n; o++) {
		const struct doc *d = &idx->docs[o];
		/* the cell grid_build will give it: same parameters, same cell_of */
		key[o] = (d->flags & F_GEO) &&
		                 !((d->flags & F_CONFIDENTIAL) && outside_frame(lat0, lon0, step, rows, cols, d))
		             ? (uint32_t)cell_of(lat0, lon0, step, rows, cols, d->lat, d->lon)
		             : (uint32_t)cells;
		start[key[o] + 1]++;
	}
	for (size_t i = 0; i <= cells; i++)
		start[i + 1] += start[i];
	struct doc *docs = tg_xmalloc(idx->cap_docs * sizeof(*docs));
	struct hot *hot = tg_xmalloc(idx->cap_docs * sizeof(*hot));
	for (uint32_t o = 0; o < n; o++) {
		uint32_t to = start[key[o]]++;
		uint32_t *v = i64_get(&idx->ids, idx->docs[o].id);
		if (v && *v == o)
			*v = to;
		docs[to] = idx->docs[o];
		hot[to] = idx->hot[o];
	}
	free(idx->docs);
	free(idx->hot);
	idx->docs = docs;
	idx->hot = hot;
	free(start);
	free(key);
}

static void grid_build(struct tg_search *idx)
{
	uint32_t n_geo = 0, n_no = 0, n_out = 0;

	free(idx->g_start);
	free(idx->g_ords);
	free(idx->g_hot);
	free(idx->g_nogeo);
	free(idx->g_conf);
	free(idx->g_conf_out);
	idx->g_start = idx->g_ords = idx->g_nogeo = idx->g_conf = idx->g_conf_out = NULL;
	idx->g_hot = NULL;
	idx->g_rows = idx->g_cols = idx->g_n = idx->n_nogeo = idx->n_conf = idx->n_conf_out = 0;
	idx->g_ident = 0;
	idx->n_extra = 0;
	int framed = grid_params(idx, F_PENDING | F_DEAD | GRID_SKIP_FRAME, &idx->g_lat0, &idx->g_lon0, &idx->g_step,
	                         &idx->g_rows, &idx->g_cols) > 0;
	/* in the grid: the located live documents, but the confidential ones
	 * outside the frame (all of them when there is no frame) */
#define IN_GRID(d)                                                                                                     \
	(!((d)->flags & (F_PENDING | F_DEAD)) && ((d)->flags & F_GEO) &&                                               \
	 (!((d)->flags & F_CONFIDENTIAL) ||                                                                            \
	  (framed && !outside_frame(idx->g_lat0, idx->g_lon0, idx->g_step, idx->g_rows, idx->g_cols, (d)))))
	for (uint32_t o = 0; o < idx->n_docs; o++) {
		const struct doc *d = &idx->docs[o];
		if (d->flags & (F_PENDING | F_DEAD))
			continue;
		if (!(d->flags & F_GEO))
			n_no++;
		else if (IN_GRID(d))
			n_geo++;
		else
			n_out++;
	}
	idx->g_nogeo = tg_xmalloc((n_no ? n_no : 1) * sizeof(uint32_t));
	idx->g_conf_out = tg_xmalloc((n_out ? n_out : 1) * sizeof(uint32_t));
	if (n_geo) {
		size_t cells = (size_t)idx->g_rows * idx->g_cols;
		idx->g_start = tg_xcalloc(cells + 1, sizeof(uint32_t));
		idx->g_ords = tg_xmalloc(n_geo * sizeof(uint32_t));
		for (uint32_t o = 0; o < idx->n_docs; o++) {
			const struct doc *d = &idx->docs[o];
			if (IN_GRID(d))
				idx->g_start[grid_cell(idx, d->lat, d->lon) + 1]++;
		}
		for (size_t i = 0; i < cells; i++)
			idx->g_start[i + 1] += idx->g_start[i];
		for (uint32_t o = 0; o < idx->n_docs; o++) {
			const struct doc *d = &idx->docs[o];
			if (IN_GRID(d))
				idx->g_ords[idx->g_start[grid_cell(idx, d->lat, d->lon)]++] = o;
		}
		/* the fill advanced every start to the next cell's: shift back */
		memmove(idx->g_start + 1, idx->g_start, cells * sizeof(uint32_t));
		idx->g_start[0] = 0;
		idx->g_n = n_geo;
		idx->g_ident = 1;
		for (uint32_t i = 0; i < n_geo && idx->g_ident; i++)
			idx->g_ident = idx->g_ords[i] == i;
		idx->g_hot = tg_xmalloc(n_geo * sizeof(*idx->g_hot));
		for (uint32_t i = 0; i < n_geo; i++) {
			const struct doc *d = &idx->docs[idx->g_ords[i]];
			struct ghot *g = &idx->g_hot[i];
			g->lat = d->lat;
			g->lon = d->lon;
			g->type = d->type;
			g->age_min = d->age_min;
			g->age_max = d->age_max;
			g->flags = d->flags;
			g->days = d->days;
			g->cos_lat = cos_lat_of(d->lat);
			if (d->flags & F_CONFIDENTIAL)
				idx->n_conf++;
		}
		idx->g_conf = tg_xmalloc((idx->n_conf ? idx->n_conf : 1) * sizeof(uint32_t));
		idx->n_conf = 0;
		for (uint32_t i = 0; i < n_geo; i++)
			if (idx->g_hot[i].flags & F_CONFIDENTIAL)
				idx->g_conf[idx->n_conf++] = i;
	} else {
		idx->g_rows = idx->g_cols = 0;
	}
	for (uint32_t o = 0; o < idx->n_docs; o++) {
		const struct doc *d = &idx->docs[o];
		if (d->flags & (F_PENDING | F_DEAD))
			continue;
		if (!(d->flags & F_GEO))
			idx->g_nogeo[idx->n_nogeo++] = o;
		else if (!IN_GRID(d))
			idx->g_conf_out[idx->n_conf_out++] = o;
	}
#undef IN_GRID
}

/* A document indexed after the grid build: remember it, rebuild when many. */
static void grid_note(struct tg_search *idx, uint32_t ord)
{
	if (idx->n_extra >= GRID_MAX_EXTRA) {
		grid_build(idx);
		return;
	}
	if (idx->n_extra == idx->cap_extra) {
		idx->cap_extra = idx->cap_extra ? idx->cap_extra * 2 : 64;
		idx->g_extra = tg_xrealloc(idx->g_extra, idx->cap_extra * sizeof(uint32_t));
	}
	idx->g_extra[idx->n_extra++] = ord;
}

static void finalize_locked(struct tg_search *idx)
{
	if (!idx->n_pending)
		return;
	if (idx->n_ranks == 2)
		assign_ranks_by_frequency(idx);
	if (idx->n_pending == idx->n_docs) {
		/* the first load: encode in load order (each coded text takes the
		 * place its raw text frees), then renumber, then post */
		for (uint32_t o = 0; o < idx->n_docs; o++)
			doc_encode(idx, &idx->docs[o]);
		spatial_order(idx);
		for (uint32_t o = 0; o < idx->n_docs; o++)
			doc_post(idx, o);
	} else {
		for (uint32_t o = 0; o < idx->n_docs; o++)
			if (idx->docs[o].flags & F_PENDING)
				doc_index(idx, o);
	}
	idx->n_pending = 0;
	for (uint32_t g = 0; g < idx->n_grams; g++) {
		pl_maybe_bitmap(&idx->grams[g].pl, idx->n_docs);
		pl_shrink(&idx->grams[g].pl);
	}
	for (uint32_t i = 0; i < idx->n_area_pl; i++) {
		pl_maybe_bitmap(&idx->area_pl[i], idx->n_docs);
		pl_shrink(&idx->area_pl[i]);
	}
	for (uint32_t i = 0; i < idx->cap_type_pl; i++) {
		pl_maybe_bitmap(&idx->type_pl[i], idx->n_docs);
		pl_shrink(&idx->type_pl[i]);
	}
	for (int w = 0; w <= TG_WEEKDAY_HOLIDAY; w++) {
		pl_maybe_bitmap(&idx->day_pl[w], idx->n_docs);
		pl_shrink(&idx->day_pl[w]);
	}
	pl_maybe_bitmap(&idx->pub_pl, idx->n_docs);
	pl_shrink(&idx->pub_pl);
	if (idx->cap_docs > idx->n_docs + idx->n_docs / 16) {
		/* trim the doubling slack of the bulk load */
		idx->cap_docs = idx->n_docs + idx->n_docs / 16;
		idx->docs = tg_xrealloc(idx->docs, idx->cap_docs * sizeof(*idx->docs));
		idx->hot = tg_xrealloc(idx->hot, idx->cap_docs * sizeof(*idx->hot));
	}
	for (uint32_t i = 0; i < idx->n_age_keys; i++) {
		pl_maybe_bitmap(&idx->age_pl[i], idx->n_docs);
		pl_shrink(&idx->age_pl[i]);
	}
	grid_build(idx);
}

/* Under the write lock, before a change. Readers load gen without the
 * lock (see tg_search_run). */
static void gen_bump(struct tg_search *idx)
{
	__atomic_store_n(&idx->gen, idx->gen + 1, __ATOMIC_RELEASE);
}

void tg_search_finalize(struct tg_search *idx)
{
	pthread_rwlock_wrlock(&idx->lock);
	gen_bump(idx);
	finalize_locked(idx);
	pthread_rwlock_unlock(&idx->lock);
}

enum tg_rc tg_search_bulk_add(struct tg_search *idx, const struct tg_search_doc *doc)
{
	uint32_t ord, *v;
	enum tg_rc rc;

	pthread_rwlock_wrlock(&idx->lock);
	gen_bump(idx);
	v = doc->id > 0 ? i64_get(&idx->ids, doc->id) : NULL;
	if (v && *v != UINT32_MAX) {
		rc = TG_ERR_CONFLICT;
		goto out;
	}
	rc = queue_doc(idx, doc, &ord);
out:
	pthread_rwlock_unlock(&idx->lock);
	return rc;
}

enum tg_rc tg_search_upsert(struct tg_search *idx, const struct tg_search_doc *doc)
{
	uint32_t ord, *v, old = UINT32_MAX;
	enum tg_rc rc = TG_OK;

	pthread_rwlock_wrlock(&idx->lock);
	gen_bump(idx);
	finalize_locked(idx);
	v = doc->id > 0 ? i64_get(&idx->ids, doc->id) : NULL;
	if (v)
		old = *v;
	if (old != UINT32_MAX && doc->version > 0 && idx->docs[old].version > doc->version)
		goto out; /* an older version than the indexed one, put late: keep the newer */
	rc = queue_doc(idx, doc, &ord);
	if (rc) {
		if (v)
			*i64_get(&idx->ids, doc->id) = old;
		goto out;
	}
	if (old != UINT32_MAX)
		doc_unindex(idx, old);
	*i64_get(&idx->ids, doc->id) = ord;
	doc_index(idx, ord);
	idx->n_pending--;
	grid_note(idx, ord);
out:
	pthread_rwlock_unlock(&idx->lock);
	return rc;
}

enum tg_rc tg_search_remove(struct tg_search *idx, int64_t id)
{
	uint32_t *v;
	enum tg_rc rc = TG_OK;

	pthread_rwlock_wrlock(&idx->lock);
	gen_bump(idx);
	finalize_locked(idx);
	v = id > 0 ? i64_get(&idx->ids, id) : NULL;
	if (!v || *v == UINT32_MAX) {
		rc = TG_ERR_NOT_FOUND;
		goto out;
	}
	doc_unindex(idx, *v);
out:
	pthread_rwlock_unlock(&idx->lock);
	return rc;
}

size_t tg_search_count(struct tg_search *idx)
{
	size_t n;

	pthread_rwlock_rdlock(&idx->lock);
	n = idx->n_live;
	pthread_rwlock_unlock(&idx->lock);
	return n;
}

static size_t pl_bytes(const struct plist *p)
{
	return p->bits ? (size_t)p->cap * 8 : (size_t)p->cap * 4;
}

size_t tg_search_memory(struct tg_search *idx)
{
	size_t m = sizeof(*idx);

	pthread_rwlock_rdlock(&idx->lock);
	m += (size_t)idx->cap_docs * (sizeof(struct doc) + sizeof(struct hot));
	for (uint32_t i = 0; i < idx->n_docs; i++) {
		const struct doc *d = &idx->docs[i];
		m += d->text ? d->text_len : 0;
	}
	m += idx->sched_bytes + (idx->sched_tab ? SCHED_BUCKETS * sizeof(*idx->sched_tab) : 0);
	m += idx->ids.cap * 12 + idx->areas.cap * 12 + (size_t)idx->cap_area_pl * sizeof(struct plist);
	for (uint32_t i = 0; i < idx->n_area_pl; i++)
		m += pl_bytes(&idx->area_pl[i]);
	m += (size_t)idx->cap_grams * sizeof(struct gram) + (size_t)idx->n_gslots * 4 + 65536 * 4;
	for (uint32_t i = 0; i < idx->n_grams; i++)
		m += pl_bytes(&idx->grams[i].pl);
	m += (size_t)idx->cap_ranks * 8;
	m += (size_t)idx->cap_type_pl * sizeof(struct plist);
	for (uint32_t i = 0; i < idx->cap_type_pl; i++)
		m += pl_bytes(&idx->type_pl[i]);
	for (int w = 0; w <= TG_WEEKDAY_HOLIDAY; w++)
		m += pl_bytes(&idx->day_pl[w]);
	m += pl_bytes(&idx->pub_pl);
	for (uint32_t i = 0; i < idx->n_age_keys; i++)
		m += pl_bytes(&idx->age_pl[i]);
	if (idx->g_start)
		m += ((size_t)idx->g_rows * idx->g_cols + 1) * 4;
	m += (size_t)idx->g_n * (4 + sizeof(struct ghot)) + (size_t)idx->n_nogeo * 4 + (size_t)idx->cap_extra * 4;
	for (size_t i = 0; i < N_PAGES; i++)
		m += idx->cp2rank[i] ? 1024 : 0;
	pthread_rwlock_unlock(&idx->lock);
	return m;
}

/* ---- query ---- */

struct qterm {
	uint8_t *code; /* rank-coded term */
	size_t len;    /* bytes */
	size_t anchor; /* the byte find() looks for: the last of the rarest character's */
	size_t n_cp;
	uint32_t first_rank;
};

struct cand {
	uint32_t ord;
	uint8_t matched;
	double score;
	double dist; /* metres, HUGE_VAL when none */
};

struct qctx {
	const struct tg_search *idx;
	const struct tg_search_query *q;
	struct qterm *terms;
	size_t n_terms;
	uint32_t *types;
	size_t n_types;
	uint64_t svc, acc;
	double radius_m, cos_lat0;
	struct cand *heap;
	size_t k, n_heap, total;
	uint8_t *exact; /* per term: the candidate set alone proves it occurs */
	int verify;     /* some term is not exact */
	int full_in;    /* score_doc searches the description for proven terms too */
	int walking;    /* in walk(): hidden locations are left to walk_hidden */
	struct tg_arena *arena;
	uint32_t *deferred; /* see defer() */
	size_t n_deferred, cap_deferred;
};

static const uint8_t *field_ptr(const struct doc *d, int f, size_t *len)
{
	uint32_t s = f == 0 ? 0 : d->f_end[f - 1] + 1, e = f == 3 ? d->text_len : d->f_end[f];

	if (s > d->text_len)
		s = d->text_len;
	if (e < s)
		e = s;
	*len = e - s;
	return d->text + s;
}

static size_t coded_cp_count(const uint8_t *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += (p[i] & 0xC0) != 0x80;
	return n;
}

/* Name order reads a reading as it is spelled in kana: the words that
 * text.h rule 11 folds to a spelling with kanji (こども -> 子ども) are read
 * back as their kana variant, so the folding keeps gojūon order. */
#define UNFOLD_MAX_CP 8
struct unfold {
	uint32_t to[UNFOLD_MAX_CP], kana[UNFOLD_MAX_CP];
	uint8_t n_to, n_kana;
};
static struct unfold g_unfold[32];
static size_t g_n_unfold;
static uint64_t g_unfold_first; /* bit (cp & 63) of each spelling's first code point */
static pthread_once_t g_unfold_once = PTHREAD_ONCE_INIT;

static size_t to_cps(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0, i = 0, len = strlen(s);
	while (i < len && n < max) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0)
			return 0;
		out[n++] = (uint32_t)cp;
		i += (size_t)k;
	}
	return i == len ? n : 0;
}

static void unfold_init(void)
{
	/* each spelling once, with its first all-hiragana variant; the table
	 * lists longer variants first, so 遊び場 comes before 遊び */
	for (size_t i = 0; i < tg_text_n_word_folds && g_n_unfold < sizeof(g_unfold) / sizeof(g_unfold[0]); i++) {
		struct unfold u;
		size_t nt = to_cps(tg_text_word_folds[i].to, u.to, UNFOLD_MAX_CP);
		size_t nk = to_cps(tg_text_word_folds[i].from, u.kana, UNFOLD_MAX_CP);
		int kana = nk > 0, dup = 0;
		for (size_t j = 0; j < nk; j++)
			kana &= u.kana[j] >= 0x3041 && u.kana[j] <= 0x309F;
		for (size_t j = 0; j < g_n_unfold; j++)
			dup |= g_unfold[j].n_to == nt && memcmp(g_unfold[j].to, u.to, nt * sizeof(uint32_t)) == 0;
		if (!kana || dup || nt == 0)
			continue;
		u.n_to = (uint8_t)nt;
		u.n_kana = (uint8_t)nk;
		g_unfold[g_n_unfold++] = u;
		g_unfold_first |= 1ull << (u.to[0] & 63);
	}
}

/* Code points of a name field in name order. */
struct name_rd {
	const struct tg_search *idx;
	const uint8_t *p;
	size_t len, i;
	int unfold; /* the reading: folded words read as kana */
	const uint32_t *pend;
	size_t n_pend;
};

static void name_rd_init(struct name_rd *r, const struct tg_search *idx, const uint8_t *p, size_t len, int unfold)
{
	r->idx = idx;
	r->p = p;
	r->len = len;
	r->i = 0;
	r->unfold = unfold && g_n_unfold;
	r->pend = NULL;
	r->n_pend = 0;
}

/* name_next's slow part: cp may start a folded spelling; if the text from
 * r->i continues it, the kana variant is returned instead (its rest queued). */
static __attribute__((noinline)) uint32_t name_unfold(struct name_rd *r, uint32_t cp)
{
	size_t k;
	for (size_t u = 0; u < g_n_unfold; u++) {
		const struct unfold *w = &g_unfold[u];
		size_t j = r->i, m = 1;
		if (w->to[0] != cp)
			continue;
		while (m < w->n_to && j < r->len && r->idx->rank2cp[rank_get(r->p + j, &k)] == w->to[m]) {
			j += k;
			m++;
		}
		if (m < w->n_to)
			continue;
		r->i = j;
		r->pend = w->kana + 1;
		r->n_pend = (size_t)w->n_kana - 1;
		return w->kana[0];
	}
	return cp;
}

/* The next code point, 0 at the end (code points are never 0). Inline: name
 * comparisons of ties call it for every code point they read. */
static inline uint32_t name_next(struct name_rd *r)
{
	size_t k;
	if (__builtin_expect(r->n_pend != 0, 0)) {
		r->n_pend--;
		return *r->pend++;
	}
	if (r->i >= r->len)
		return 0;
	uint32_t cp = r->idx->rank2cp[rank_get(r->p + r->i, &k)];
	r->i += k;
	if (!r->unfold || !(g_unfold_first >> (cp & 63) & 1))
		return cp; /* most code points start no spelling: one test */
	return name_unfold(r, cp);
}

/* Its first three code points, 21 bits each, 0 past its end (code points
 * are never 0): keys compare as name_cmp does when they differ. */
static uint64_t name_key_of(const struct tg_search *idx, const struct doc *d)
{
	size_t len;
	const uint8_t *p = field_ptr(d, 1, &len);
	struct name_rd r;
	uint64_t key = 0;

	pthread_once(&g_unfold_once, unfold_init);
	int reading = len > 0;
	if (!reading)
		p = field_ptr(d, 0, &len);
	name_rd_init(&r, idx, p, len, reading);
	for (int n = 0; n < 3; n++)
		key = key << 21 | name_next(&r);
	return key;
}

/* Name order: the kana reading (or the name when there is none), then the
 * name, compared as normalized code points, so hiragana sort in gojūon
 * order whatever script the original used. The name keys decide most
 * comparisons without reading the texts. */
static int name_cmp(const struct tg_search *idx, const struct doc *a, const struct doc *b)
{
	if (a->name_key != b->name_key)
		return a->name_key < b->name_key ? -1 : 1;
	for (int pass = 0; pass < 2; pass++) {
		size_t la, lb;
		int fa = 0, fb = 0;
		struct name_rd ra, rb;
		if (pass == 0) {
			field_ptr(a, 1, &la);
			field_ptr(b, 1, &lb);
			fa = la ? 1 : 0;
			fb = lb ? 1 : 0;
		}
		const uint8_t *pa = field_ptr(a, fa, &la), *pb = field_ptr(b, fb, &lb);
		name_rd_init(&ra, idx, pa, la, fa);
		name_rd_init(&rb, idx, pb, lb, fb);
		for (;;) {
			uint32_t ca = name_next(&ra), cb = name_next(&rb);
			if (ca != cb)
				return ca < cb ? -1 : 1; /* the end (0) sorts first */
			if (!ca)
				break;
		}
	}
	return 0;
}

/* Ties on what the sort looks at: name order, then id. */
static __attribute__((noinline)) int better_tie(const struct qctx *c, const struct cand *x, const struct cand *y)
{
	const struct doc *dx = &c->idx->docs[x->ord], *dy = &c->idx->docs[y->ord];
	int r = name_cmp(c->idx, dx, dy);

	if (r)
		return -r;
	return dx->id < dy->id ? 1 : dx->id > dy->id ? -1 : 0;
}

/* > 0 when x ranks before y in the result order. */
static inline int better(const struct qctx *c, const struct cand *x, const struct cand *y)
{
	if (c->q->sort == TG_SEARCH_SORT_RELEVANCE && x->score != y->score)
		return x->score > y->score ? 1 : -1;
	if ((c->q->sort == TG_SEARCH_SORT_DISTANCE || (c->q->sort == TG_SEARCH_SORT_RELEVANCE && c->q->has_origin)) &&
	    x->dist != y->dist)
		return x->dist < y->dist ? 1 : -1;
	return better_tie(c, x, y);
}

static void heap_sift_down(const struct qctx *c, struct cand *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, w = i;
		if (l < n && better(c, &h[w], &h[l]) > 0)
			w = l;
		if (l + 1 < n && better(c, &h[w], &h[l + 1]) > 0)
			w = l + 1;
		if (w == i)
			return;
		struct cand t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void heap_push(struct qctx *c, const struct cand *x)
{
	struct cand *h = c->heap;

	if (c->k == 0)
		return;
	if (c->n_heap < c->k) {
		size_t i = c->n_heap++;
		h[i] = *x;
		while (i > 0) {
			size_t p = (i - 1) / 2;
			if (better(c, &h[p], &h[i]) <= 0)
				break;
			struct cand t = h[i];
			h[i] = h[p];
			h[p] = t;
			i = p;
		}
		return;
	}
	if (better(c, x, &h[0]) <= 0)
		return;
	h[0] = *x;
	heap_sift_down(c, h, c->n_heap, 0);
}

/* cos_lat1, cos_lat2: cos(lat * (M_PI / 180.0)) of each point (see
 * cos_lat_of), the second one stored with the grid's copy of a document. */
static double haversine_m(double lat1, double lon1, double lat2, double lon2, double cos_lat1, double cos_lat2)
{
	const double rad = M_PI / 180.0, earth = 6371008.8;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
	double h = s1 * s1 + cos_lat1 * cos_lat2 * s2 * s2;

	return 2 * earth * asin(sqrt(h < 1 ? h : 1));
}

/* First occurrence of term t in h (see memfind.h: anchored on the last
 * byte of the term's rarest character). */
static const uint8_t *find(const uint8_t *h, size_t hl, const struct qterm *t)
{
	return tg_memfind(h, hl, t->code, t->len, t->anchor);
}

/* Score one term: the weight of the best field it occurs in (fields are
 * stored best-first, so that is the first occurrence in the text) plus
 * position bonuses; *in gets every field it occurs in. 0 when nowhere.
 *
 * proven: the document is known to contain the term (the candidate set
 * proves it), so the description, by far the longest field, is not
 * searched: a term absent from the fields before it is in it, and weighs
 * the same wherever it is there. *in then lacks the description when the
 * term is also in an earlier field; the caller completes it for the
 * documents it keeps (score_doc with full_in). */
static double score_term(const struct doc *d, const struct qterm *t, unsigned *in, size_t *name_hit_cp, int proven)
{
	static const double weight[4] = {100, 60, 30, 10};
	double s = 0;
	uint32_t from = 0, lim = d->text_len;

	if (proven && d->f_end[2] < lim)
		lim = d->f_end[2];
	while (from < lim) {
		const uint8_t *m = find(d->text + from, lim - from, t);
		if (!m)
			break;
		uint32_t o = (uint32_t)(m - d->text);
		/* a term never contains the separator, so a match lies inside one field */
		int f = (o > d->f_end[0]) + (o > d->f_end[1]) + (o > d->f_end[2]);
		*in |= 1u << f;
		if (s == 0) {
			size_t len;
			const uint8_t *p = field_ptr(d, f, &len);
			s = weight[f];
			if (f == 0) {
				size_t pos = coded_cp_count(p, (size_t)(m - p)), n = coded_cp_count(p, len);
				if (pos == 0)
					s += 30;
				s += 10.0 * (double)(n - pos) / (double)n;
				*name_hit_cp += t->n_cp;
			} else if (f == 1 && m == p) {
				s += 15;
			}
		}
		if (f == 3)
			break;
		from = d->f_end[f] + 1;
	}
	if (proven && s == 0) {
		*in |= 1u << 3;
		s = weight[3];
	}
	return s;
}

/* 1 when field f without spaces equals the terms concatenated in order. */
static int field_equals_terms(const struct doc *d, int f, const struct qctx *c)
{
	size_t len, j = 0;
	const uint8_t *p = field_ptr(d, f, &len);

	for (size_t t = 0; t < c->n_terms; t++) {
		for (size_t i = 0; i < c->terms[t].len; i++) {
			while (j < len && p[j] == SPACE_RANK)
				j++;
			if (j >= len || p[j] != c->terms[t].code[i])
				return 0;
			j++;
		}
	}
	while (j < len && p[j] == SPACE_RANK)
		j++;
	return j == len && c->n_terms > 0;
}

/* The filters that need no text, on a document's filter fields (from
 * hot[] or the grid's copy): 1 when it passes them. */
static inline int cheap_fields(const struct qctx *c, uint32_t ord, unsigned flags, uint32_t type, int age_min,
                               int age_max, unsigned days)
{
	const struct tg_search_query *q = c->q;

	if (flags & (F_PENDING | F_DEAD))
		return 0;
	if (q->public_only && !(flags & F_PUBLIC))
		return 0;
	if (q->free_only && !(flags & F_FREE))
		return 0;
	if (c->n_types) {
		size_t i = 0;
		while (i < c->n_types && c->types[i] != type)
			i++;
		if (i == c->n_types)
			return 0;
	}
	if (q->age_months >= 0 &&
	    ((age_min >= 0 && q->age_months < age_min) || (age_max >= 0 && q->age_months > age_max)))
		return 0;
	if (q->weekday >= 0 && !(days >> q->weekday & 1))
		return 0;
	if (c->svc || c->acc || q->open_at || q->open_on) {
		const struct doc *d = &c->idx->docs[ord];
		if ((d->svc & c->svc) != c->svc || (d->acc & c->acc) != c->acc)
			return 0;
		if (q->open_at && (!d->sched || !tg_schedule_open_at(d->sched->hours, d->sched->n_hours, d->sched->ex,
		                                                     d->sched->n_ex, q->open_at)))
			return 0;
		if (q->open_on && (!d->sched || !tg_schedule_open_on(d->sched->hours, d->sched->n_hours, d->sched->ex,
		                                                     d->sched->n_ex, q->open_on)))
			return 0;
	}
	return 1;
}

/* The filters that need no text: 1 when document ord passes them. */
static int cheap_ok(const struct qctx *c, uint32_t ord)
{
	const struct hot *h = &c->idx->hot[ord];

	return cheap_fields(c, ord, h->flags, h->type, h->age_min, h->age_max, h->days);
}

/* Score d against every term into x (score, matched); 0 when a term does
 * not occur. */
static int score_doc(const struct qctx *c, const struct doc *d, struct cand *x)
{
	unsigned in = 0;
	size_t name_cp = 0;

	x->score = 0;
	for (size_t t = 0; t < c->n_terms; t++) {
		unsigned tin = 0;
		double s = score_term(d, &c->terms[t], &tin, &name_cp, c->exact[t] && !c->full_in);
		if (!tin)
			return 0;
		in |= tin;
		x->score += s;
	}
	if (c->n_terms) {
		size_t len;
		const uint8_t *name = field_ptr(d, 0, &len);
		size_t n = coded_cp_count(name, len);
		if (name_cp && n)
			x->score += 20.0 * (name_cp < n ? (double)name_cp / (double)n : 1.0);
		if (field_equals_terms(d, 0, c))
			x->score += 200;
		else if (field_equals_terms(d, 1, c))
			x->score += 100;
	}
	x->matched = (uint8_t)in;
	return 1;
}

/* 1 when the caller may see the location of confidential document ord. */
static int may_locate(const struct qctx *c, uint32_t ord)
{
	const struct tg_search_query *q = c->q;
	return q->may_see_location &&
	       q->may_see_location(q->visible_ctx, c->idx->docs[ord].id, c->idx->docs[ord].org_id);
}

/* Distance to document ord (flags, lat, lon, cos_lat: its fields) in
 * metres, HUGE_VAL when there is no visible location. */
static double dist_of(const struct qctx *c, uint32_t ord, unsigned flags, double lat, double lon, double cos_lat)
{
	const struct tg_search_query *q = c->q;

	if (q->has_origin && (flags & F_GEO) &&
	    (!(flags & F_CONFIDENTIAL) ||
	     (q->may_see_location &&
	      q->may_see_location(q->visible_ctx, c->idx->docs[ord].id, c->idx->docs[ord].org_id))))
		return haversine_m(q->lat, q->lon, lat, lon, c->cos_lat0, cos_lat);
	return HUGE_VAL;
}

static double doc_dist(const struct qctx *c, const struct doc *d)
{
	if (!c->q->has_origin)
		return HUGE_VAL;
	return dist_of(c, (uint32_t)(d - c->idx->docs), d->flags, d->lat, d->lon, cos_lat_of(d->lat));
}

/* A candidate that passed cheap_ok(): scored, and pushed when it matches
 * (relevance and name order; see consider_batch). */
static void consider_rest(struct qctx *c, uint32_t ord)
{
	const struct doc *d = &c->idx->docs[ord];
	struct cand x = {ord, 0, 0, HUGE_VAL};

	if (!score_doc(c, d, &x))
		return;
	x.dist = doc_dist(c, d);
	if (c->radius_m > 0 && !(x.dist <= c->radius_m))
		return;
	c->total++;
	heap_push(c, &x);
}

/* Candidates in order, a batch at a time, with the memory that the
 * survivors of the filters need (their docs[] entries, then the start of
 * their texts) prefetched for the whole batch before the first is scored:
 * the cache misses of a listing overlap instead of coming one by one. */
#define CBATCH 16
struct cbatch {
	uint32_t ord[CBATCH];
	size_t n;
};

static void consider_batch(struct qctx *c, struct cbatch *b)
{
	const struct doc *docs = c->idx->docs;
	size_t m = 0;

	for (size_t i = 0; i < b->n; i++)
		if (cheap_ok(c, b->ord[i])) {
			const char *e = (const char *)&docs[b->ord[i]];
			__builtin_prefetch(e);
			__builtin_prefetch(e + sizeof(*docs) - 1);
			b->ord[m++] = b->ord[i];
		}
	for (size_t i = 0; i < m; i++) {
		const uint8_t *t = docs[b->ord[i]].text;
		__builtin_prefetch(t);
		__builtin_prefetch(t + 64);
	}
	for (size_t i = 0; i < m; i++)
		consider_rest(c, b->ord[i]);
	b->n = 0;
}

static inline void cbatch_add(struct qctx *c, struct cbatch *b, uint32_t ord)
{
	b->ord[b->n++] = ord;
	if (b->n == CBATCH)
		consider_batch(c, b);
}

/* Distance order: the score does not affect the order, so only the terms
 * the candidate set does not already prove are searched in the text; the
 * heap's survivors are scored at the end (rescore). */
static int terms_found(const struct qctx *c, const struct doc *d)
{
	for (size_t t = 0; t < c->n_terms; t++)
		if (!c->exact[t] && !find(d->text, d->text_len, &c->terms[t]))
			return 0;
	return 1;
}

/* A candidate that passes everything but the text search and cannot enter
 * the full heap: its text is only searched if the walk ends without
 * stopping early (for the exact total); an early stop counts it as a match
 * in the estimate. Without unproven terms it simply counts. */
static void defer(struct qctx *c, uint32_t ord)
{
	if (!c->verify) {
		c->total++;
		return;
	}
	if (c->n_deferred == c->cap_deferred) {
		size_t cap = c->cap_deferred ? c->cap_deferred * 2 : 256;
		uint32_t *v = tg_arena_alloc_uninit(c->arena, cap * sizeof(uint32_t));
		if (c->n_deferred)
			memcpy(v, c->deferred, c->n_deferred * sizeof(*v));
		c->deferred = v;
		c->cap_deferred = cap;
	}
	c->deferred[c->n_deferred++] = ord;
}

/* consider_dist after the cheap filters, on the document's flags and
 * location (from docs[] or the grid's copy). */
static void consider_dist_at(struct qctx *c, uint32_t ord, unsigned flags, double lat, double lon)
{
	struct cand x = {ord, 0, 0, HUGE_VAL};
	int full = c->k && c->n_heap == c->k;

	if (flags & F_GEO) {
		/* the latitude difference alone can rule d out (d >= R * dlat):
		 * outside the radius, or unable to enter a full heap */
		double lb = fabs(lat - c->q->lat) * (M_PI / 180.0 * 6371008.8) * (1 - 1e-9) - 0.01;
		if (c->radius_m > 0 && lb > c->radius_m)
			return;
		if (c->radius_m <= 0 && full && lb > c->heap[0].dist) {
			defer(c, ord);
			return;
		}
	}
	x.dist = dist_of(c, ord, flags, lat, lon, cos_lat_of(lat));
	if (c->radius_m > 0 && !(x.dist <= c->radius_m))
		return;
	if (full && x.dist > c->heap[0].dist) {
		defer(c, ord);
		return;
	}
	if (!terms_found(c, &c->idx->docs[ord]))
		return;
	c->total++;
	heap_push(c, &x);
}

static void consider_dist(struct qctx *c, uint32_t ord)
{
	const struct doc *d = &c->idx->docs[ord];

	if (cheap_ok(c, ord))
		consider_dist_at(c, ord, d->flags, d->lat, d->lon);
}

/* consider_dist for the documents at grid positions pos[0..n) (n <= 64),
 * in that order, in three passes so that the cache misses of the text
 * search overlap instead of following one another:
 * 1. the filters, the radius and the distance, and deferral against the
 *    heap as it was before the batch (its bound only tightens, so whatever
 *    it defers, considering one by one would defer too); the survivors'
 *    docs[] entries are prefetched;
 * 2. their texts are prefetched;
 * 3. one by one, exactly as consider_dist_at: deferral against the heap as
 *    it is now, the text search, the heap.
 * The heap, the totals and the deferred set are those of considering the
 * documents one by one. */
static void consider_grid_batch(struct qctx *c, const uint32_t *pos, uint32_t n)
{
	const struct tg_search *idx = c->idx;
	struct {
		uint32_t ord;
		double dist;
	} pd[64];
	uint32_t np = 0;
	int full = c->k && c->n_heap == c->k;
	double h0 = full ? c->heap[0].dist : HUGE_VAL;

	for (uint32_t j = 0; j < n; j++) {
		const struct ghot *g = &idx->g_hot[pos[j]];
		uint32_t ord = idx->g_ords[pos[j]];
		if (!cheap_fields(c, ord, g->flags, g->type, g->age_min, g->age_max, g->days))
			continue;
		if ((g->flags & F_CONFIDENTIAL) && c->walking && !may_locate(c, ord))
			continue; /* see walk_hidden */
		if (g->flags & F_GEO) {
			/* as in consider_dist_at */
			double lb = fabs(g->lat - c->q->lat) * (M_PI / 180.0 * 6371008.8) * (1 - 1e-9) - 0.01;
			if (c->radius_m > 0 && lb > c->radius_m)
				continue;
			if (c->radius_m <= 0 && full && lb > h0) {
				defer(c, ord);
				continue;
			}
		}
		double dist = dist_of(c, ord, g->flags, g->lat, g->lon, g->cos_lat);
		if (c->radius_m > 0 && !(dist <= c->radius_m))
			continue;
		if (full && dist > h0) {
			defer(c, ord);
			continue;
		}
		if (c->verify)
			__builtin_prefetch(&idx->docs[ord]);
		pd[np].ord = ord;
		pd[np++].dist = dist;
	}
	if (c->verify)
		for (uint32_t j = 0; j < np; j++)
			__builtin_prefetch(idx->docs[pd[j].ord].text);
	for (uint32_t j = 0; j < np; j++) {
		if (c->k && c->n_heap == c->k && pd[j].dist > c->heap[0].dist) {
			defer(c, pd[j].ord);
			continue;
		}
		if (!terms_found(c, &idx->docs[pd[j].ord]))
			continue;
		struct cand x = {pd[j].ord, 0, 0, pd[j].dist};
		c->total++;
		heap_push(c, &x);
	}
}

/* Candidates of a listing in grid order (idx->g_ident): those in the grid
 * go through consider_grid_batch 64 at a time, the others (unlocated, or
 * indexed since the grid was built) through consider_dist. A listing has
 * no early stop, so the heap and the exact total do not depend on the
 * order. */
struct gbatch {
	uint32_t pos[64];
	uint32_t n;
};

static void gbatch_add(struct qctx *c, struct gbatch *b, uint32_t ord)
{
	if (ord >= c->idx->g_n) {
		consider_dist(c, ord);
		return;
	}
	__builtin_prefetch(&c->idx->g_hot[ord]);
	b->pos[b->n++] = ord;
	if (b->n == 64) {
		consider_grid_batch(c, b->pos, b->n);
		b->n = 0;
	}
}

/* The refinement before a walk: cheap filters, and for a radius the
 * latitude bound (an unlocated document has no distance: out too). */
static int refine_ok(const struct qctx *c, uint32_t ord)
{
	const struct hot *h = &c->idx->hot[ord];

	if (!cheap_ok(c, ord))
		return 0;
	/* hot lat is a float: 1 m of margin covers its rounding. A location
	 * the caller may not see is never within a radius, wherever it is (the
	 * count kept here chooses the plan, which must not depend on it). */
	if (c->radius_m > 0)
		return (h->flags & F_GEO) && (!(h->flags & F_CONFIDENTIAL) || may_locate(c, ord)) &&
		       fabs((double)h->lat - c->q->lat) * (M_PI / 180.0 * 6371008.8) - 1.0 <= c->radius_m;
	return 1;
}

static void rescore(struct qctx *c)
{
	for (size_t i = 0; i < c->n_heap; i++)
		score_doc(c, &c->idx->docs[c->heap[i].ord], &c->heap[i]);
}

/* Without -mpopcnt, __builtin_popcountll is a libgcc call. */
static size_t popcount64(uint64_t v)
{
	v = v - ((v >> 1) & 0x5555555555555555ull);
	v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
	v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
	return (size_t)((v * 0x0101010101010101ull) >> 56);
}

#define REFINE_MAX 512

static int cbit(const uint64_t *cb, uint32_t o)
{
	return !cb || (cb[o >> 6] >> (o & 63) & 1);
}

/* Lower bound (metres) of the distance from the origin to any point
 * outside the grid box of rows [r_lo, r_hi] x cols [c_lo, c_hi] (the origin
 * is inside it); edges with no grid cell beyond them are ignored.
 * HUGE_VAL: nothing lies outside. On a sphere, reaching a parallel takes at
 * least the latitude difference, and crossing a meridian at least the
 * distance to its great circle, asin(cos(lat) sin(dlon)). */
static double grid_bound(const struct qctx *c, long r_lo, long r_hi, long c_lo, long c_hi)
{
	const struct tg_search *idx = c->idx;
	const double rad = M_PI / 180.0, earth = 6371008.8;
	double lat = c->q->lat, lon = c->q->lon, b = HUGE_VAL, v;

	if (r_hi + 1 < (long)idx->g_rows) {
		v = (idx->g_lat0 + (double)(r_hi + 1) * idx->g_step - lat) * rad * earth;
		b = v < b ? v : b;
	}
	if (r_lo > 0) {
		v = (lat - (idx->g_lat0 + (double)r_lo * idx->g_step)) * rad * earth;
		b = v < b ? v : b;
	}
	if (c_hi + 1 < (long)idx->g_cols) {
		double dl = (idx->g_lon0 + (double)(c_hi + 1) * idx->g_step - lon) * rad;
		v = dl >= M_PI / 2 ? earth * M_PI / 2 * c->cos_lat0 : earth * asin(c->cos_lat0 * sin(dl));
		b = v < b ? v : b;
	}
	if (c_lo > 0) {
		double dl = (lon - (idx->g_lon0 + (double)c_lo * idx->g_step)) * rad;
		v = dl >= M_PI / 2 ? earth * M_PI / 2 * c->cos_lat0 : earth * asin(c->cos_lat0 * sin(dl));
		b = v < b ? v : b;
	}
	if (b == HUGE_VAL)
		return b;
	b = b * (1 - 1e-9) - 0.01; /* rounding margin */
	return b < 0 ? 0 : b;
}

#define WALK_BATCH 32

/* consider_grid_batch for the candidates among grid positions [s, e), in order.
 * The candidates of a cell are sparse in g_hot, so each one's entry is a
 * cache miss; they are found a batch at a time and all their entries
 * prefetched before the first is considered, so the misses overlap.
 * A cell whose ordinals are consecutive (every cell after the first load,
 * see spatial_order; a cell stays so until the grid is rebuilt with
 * documents upserted since) is read from the candidate bitmap a word at a
 * time; otherwise one bit test per document. */
static void walk_cell(struct qctx *c, const uint64_t *cb, uint32_t s, uint32_t e)
{
	const struct tg_search *idx = c->idx;
	uint32_t pos[WALK_BATCH > 64 ? WALK_BATCH : 64];

	if (s == e)
		return;
	if (cb && idx->g_ords[e - 1] - idx->g_ords[s] == e - 1 - s) {
		uint32_t lo = idx->g_ords[s], hi = lo + (e - s); /* ordinals [lo, hi) */
		for (uint32_t w = lo >> 6; w <= (hi - 1) >> 6; w++) {
			uint64_t v = cb[w];
			uint32_t n = 0;
			if (w == lo >> 6)
				v &= ~0ull << (lo & 63);
			if (w == (hi - 1) >> 6 && (hi & 63))
				v &= ~0ull >> (64 - (hi & 63));
			for (; v; v &= v - 1) {
				uint32_t p = s + (w * 64 + (uint32_t)__builtin_ctzll(v) - lo);
				const char *g = (const char *)&idx->g_hot[p];
				__builtin_prefetch(g);
				__builtin_prefetch(g + sizeof(struct ghot) - 1);
				pos[n++] = p;
			}
			consider_grid_batch(c, pos, n);
		}
		return;
	}
	while (s < e) {
		uint32_t n = 0, b = e - s < WALK_BATCH ? e : s + WALK_BATCH;
		for (; s < b; s++)
			if (cbit(cb, idx->g_ords[s])) {
				const char *g = (const char *)&idx->g_hot[s];
				__builtin_prefetch(g);
				__builtin_prefetch(g + sizeof(struct ghot) - 1);
				pos[n++] = s;
			}
		consider_grid_batch(c, pos, n);
	}
}

/* The grid cell (y, x) lies within the radius of the origin (the planar
 * approximation of walk's estimate). */
static int cell_in_radius(const struct qctx *c, long y, long x, double m_per_lon)
{
	const struct tg_search *idx = c->idx;
	double la = idx->g_lat0 + (double)y * idx->g_step, lb = la + idx->g_step;
	double ny = c->q->lat < la ? la - c->q->lat : c->q->lat > lb ? c->q->lat - lb : 0;
	double oa = idx->g_lon0 + (double)x * idx->g_step, ob = oa + idx->g_step;
	double nx = c->q->lon < oa ? oa - c->q->lon : c->q->lon > ob ? c->q->lon - ob : 0;
	double dy = ny * 111195.0, dx = nx * m_per_lon;
	return dy * dy + dx * dx <= c->radius_m * c->radius_m;
}

/* The confidential documents of the grid whose location the caller may not
 * see. The rings skip them (consider_grid_batch), so that nothing the walk
 * reports depends on where they are: a hidden location sorts last and is
 * never within a radius, so a match counts exactly (and goes to the heap,
 * last) wherever it is; *in_rings and *in_area count those in the cells
 * the rings visited (Chebyshev distance <= r_last from (r0, c0); none when
 * r_last < 0) and in the radius's cells, which the estimate leaves out;
 * *all counts them all. */
static void walk_hidden(struct qctx *c, const uint64_t *cb, long r0, long c0, long r_last, double m_per_lon,
                        size_t *in_rings, size_t *in_area, size_t *all)
{
	const struct tg_search *idx = c->idx;

	*in_rings = *in_area = *all = 0;
	/* those outside the grid: exactly, as below; no cell, no estimate */
	for (uint32_t i = 0; c->radius_m <= 0 && i < idx->n_conf_out; i++) {
		uint32_t ord = idx->g_conf_out[i];
		if (may_locate(c, ord) || !cbit(cb, ord) || !cheap_ok(c, ord) || !terms_found(c, &idx->docs[ord]))
			continue;
		struct cand x_ = {ord, 0, 0, HUGE_VAL};
		c->total++;
		heap_push(c, &x_);
	}
	for (uint32_t i = 0; i < idx->n_conf; i++) {
		uint32_t s = idx->g_conf[i], ord = idx->g_ords[s];
		const struct ghot *g = &idx->g_hot[s];
		if ((g->flags & (F_PENDING | F_DEAD)) || may_locate(c, ord))
			continue;
		(*all)++;
		size_t cell = grid_cell(idx, g->lat, g->lon);
		long y = (long)(cell / idx->g_cols), x = (long)(cell % idx->g_cols);
		long dy = y > r0 ? y - r0 : r0 - y, dx = x > c0 ? x - c0 : c0 - x;
		if (r_last >= 0 && (dy > dx ? dy : dx) <= r_last)
			(*in_rings)++;
		if (c->radius_m > 0) {
			*in_area += (size_t)cell_in_radius(c, y, x, m_per_lon);
			continue; /* never within a radius */
		}
		if (!cbit(cb, ord) || !cheap_fields(c, ord, g->flags, g->type, g->age_min, g->age_max, g->days) ||
		    !terms_found(c, &idx->docs[ord]))
			continue;
		struct cand x_ = {ord, 0, 0, HUGE_VAL};
		c->total++;
		heap_push(c, &x_);
	}
}

/* Distance sort over the grid: rings of cells outward from the origin,
 * stopping once the heap is full of documents nearer than anything
 * unvisited (or everything within the radius is visited). Documents
 * without a visible location come after all located ones, so they are only
 * needed when the walk ends without stopping early (those in the grid:
 * walk_hidden). cb: the candidate bitmap (NULL = all). Returns 1 when
 * *total had to be estimated. */
static int walk(struct qctx *c, const uint64_t *cb)
{
	const struct tg_search *idx = c->idx;
	size_t visited = 0;
	int early = 0;
	long r0 = 0, c0 = 0, r_last = -1;
	double m_per_lon = 111195.0 * c->cos_lat0;

	for (uint32_t i = 0; i < idx->n_extra; i++)
		if (cbit(cb, idx->g_extra[i]))
			consider_dist(c, idx->g_extra[i]);
	/* confidential documents outside the grid: where the caller may see
	 * them, like those indexed since the build; the others in walk_hidden */
	for (uint32_t i = 0; i < idx->n_conf_out; i++)
		if (cbit(cb, idx->g_conf_out[i]) && may_locate(c, idx->g_conf_out[i]))
			consider_dist(c, idx->g_conf_out[i]);
	if (idx->g_n) {
		long rows = (long)idx->g_rows, cols = (long)idx->g_cols;
		double fr = floor((c->q->lat - idx->g_lat0) / idx->g_step);
		double fc = floor((c->q->lon - idx->g_lon0) / idx->g_step);
		r0 = fr < -1e6 ? -1000000 : fr > 1e6 ? 1000000 : (long)fr;
		c0 = fc < -1e6 ? -1000000 : fc > 1e6 ? 1000000 : (long)fc;
		c->walking = 1;
		long rs = r0 < 0 ? -r0 : r0 >= rows ? r0 - rows + 1 : 0;
		long cs = c0 < 0 ? -c0 : c0 >= cols ? c0 - cols + 1 : 0;
		for (long r = rs > cs ? rs : cs;; r++) {
			long rlo = r0 - r, rhi = r0 + r, clo = c0 - r, chi = c0 + r;
			long ya = rlo < 0 ? 0 : rlo, yb = rhi >= rows ? rows - 1 : rhi;
			long xa = clo < 0 ? 0 : clo, xb = chi >= cols ? cols - 1 : chi;
			for (long y = ya; y <= yb; y++) {
				int full = y == rlo || y == rhi;
				for (long x = xa; x <= xb; x++) {
					if (!full && x != clo && x != chi) {
						if (chi > xb)
							break;
						x = chi - 1;
						continue;
					}
					size_t cell = (size_t)y * (size_t)cols + (size_t)x;
					walk_cell(c, cb, idx->g_start[cell], idx->g_start[cell + 1]);
					visited += idx->g_start[cell + 1] - idx->g_start[cell];
				}
			}
			r_last = r;
			if (rlo <= 0 && rhi >= rows - 1 && clo <= 0 && chi >= cols - 1)
				break;
			double b = grid_bound(c, rlo, rhi, clo, chi);
			if (b == HUGE_VAL || (c->radius_m > 0 && b > c->radius_m))
				break;
			if (!c->q->exact_total && c->k && c->n_heap == c->k && c->heap[0].dist < b) {
				early = 1;
				break;
			}
		}
	}
	c->walking = 0;
	size_t hid_rings = 0, hid_area = 0, hid_all = 0, seen;
	if (!early) {
		for (uint32_t i = 0; i < idx->n_nogeo; i++)
			if (cbit(cb, idx->g_nogeo[i]))
				consider_dist(c, idx->g_nogeo[i]);
		for (size_t i = 0; i < c->n_deferred; i++)
			c->total += (size_t)terms_found(c, &idx->docs[c->deferred[i]]);
		walk_hidden(c, cb, r0, c0, r_last, m_per_lon, &hid_rings, &hid_area, &hid_all);
		return 0;
	}
	c->total += c->n_deferred;
	seen = c->total;
	walk_hidden(c, cb, r0, c0, r_last, m_per_lon, &hid_rings, &hid_area, &hid_all);
	/* Estimate the matches left unvisited at the rate seen so far, without
	 * the hidden locations (counted exactly by walk_hidden) */
	visited -= hid_rings;
	size_t rest = idx->g_n - hid_all - visited + (c->radius_m > 0 ? 0 : idx->n_nogeo);
	if (c->radius_m > 0) {
		/* located documents in the unvisited cells that reach into the radius
		 * (planar approximation; an estimate) */
		double dlat = c->radius_m / 111195.0;
		double dlon = m_per_lon > 1 ? c->radius_m / m_per_lon : 360;
		long ya = (long)floor((c->q->lat - dlat - idx->g_lat0) / idx->g_step);
		long yb = (long)floor((c->q->lat + dlat - idx->g_lat0) / idx->g_step);
		long xa = (long)floor((c->q->lon - dlon - idx->g_lon0) / idx->g_step);
		long xb = (long)floor((c->q->lon + dlon - idx->g_lon0) / idx->g_step);
		ya = ya < 0 ? 0 : ya;
		xa = xa < 0 ? 0 : xa;
		yb = yb >= (long)idx->g_rows ? (long)idx->g_rows - 1 : yb;
		xb = xb >= (long)idx->g_cols ? (long)idx->g_cols - 1 : xb;
		size_t in_area = 0;
		for (long y = ya; y <= yb; y++)
			for (long x = xa; x <= xb; x++)
				if (cell_in_radius(c, y, x, m_per_lon)) {
					size_t cell = (size_t)y * idx->g_cols + (size_t)x;
					in_area += idx->g_start[cell + 1] - idx->g_start[cell];
				}
		in_area -= hid_area;
		rest = in_area > visited ? in_area - visited : 0;
	}
	if (visited)
		c->total += (size_t)((double)seen / (double)visited * (double)rest + 0.5);
	return 1;
}

/* Bitmap word loops, 32 bytes a step as two GCC vectors of 16 bytes (SSE2
 * on baseline x86-64; memcpy loads and stores, so no alignment is
 * assumed): d &= s, d = a & b, d |= s over n words. */
typedef uint64_t words2 __attribute__((vector_size(16)));

#define WORDS4(d, a, b, op)                                                                                            \
	do {                                                                                                           \
		words2 x0, x1, y0, y1;                                                                                 \
		memcpy(&x0, (a), 16);                                                                                  \
		memcpy(&x1, (a) + 2, 16);                                                                              \
		memcpy(&y0, (b), 16);                                                                                  \
		memcpy(&y1, (b) + 2, 16);                                                                              \
		x0 op y0;                                                                                              \
		x1 op y1;                                                                                              \
		memcpy((d), &x0, 16);                                                                                  \
		memcpy((d) + 2, &x1, 16);                                                                              \
	} while (0)

static void words_and(uint64_t *d, const uint64_t *s, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		WORDS4(d + i, d + i, s + i, &=);
	for (; i < n; i++)
		d[i] &= s[i];
}

static void words_and2(uint64_t *d, const uint64_t *a, const uint64_t *b, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		WORDS4(d + i, a + i, b + i, &=);
	for (; i < n; i++)
		d[i] = a[i] & b[i];
}

static void words_or(uint64_t *d, const uint64_t *s, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		WORDS4(d + i, d + i, s + i, |=);
	for (; i < n; i++)
		d[i] |= s[i];
}

/* Per-thread scratch bitmaps of n_docs bits, reused from query to query:
 * taking fresh (cold) arena memory for them and zeroing it cost more than
 * the AND/OR work itself. Slots: the candidate bitmap and the unions. */
enum { MAP_CAND, MAP_TYPES, MAP_AGES, MAP_ONECHAR, N_MAPS };

struct scratch {
	uint64_t *map[N_MAPS];
	size_t cap[N_MAPS];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	struct scratch *sc = p;

	for (int i = 0; i < N_MAPS; i++)
		free(sc->map[i]);
	free(sc);
}

static void scratch_key_init(void)
{
	if (pthread_key_create(&scratch_key, scratch_free))
		abort();
}

/* words uninitialized words of this thread's slot; valid until the
 * thread's next query. */
static uint64_t *scratch_map(int slot, size_t words)
{
	struct scratch *sc;

	pthread_once(&scratch_once, scratch_key_init);
	sc = pthread_getspecific(scratch_key);
	if (!sc) {
		sc = tg_xcalloc(1, sizeof(*sc));
		pthread_setspecific(scratch_key, sc);
	}
	if (sc->cap[slot] < words) {
		free(sc->map[slot]);
		sc->cap[slot] = words + words / 8;
		sc->map[slot] = tg_xmalloc(sc->cap[slot] * sizeof(uint64_t));
	}
	return sc->map[slot];
}

/* OR of lists into a scratch bitmap (n = sum of sizes, an upper bound). */
static struct plist *union_lists(const struct tg_search *idx, const struct plist *const *ls, size_t n,
                                 struct tg_arena *a, int slot)
{
	struct plist *u = TG_ARENA_NEW(a, struct plist);
	uint32_t words = (idx->n_docs + 63) / 64;

	u->cap = words ? words : 1;
	u->bits = scratch_map(slot, u->cap);
	memset(u->bits, 0, u->cap * sizeof(uint64_t));
	for (size_t i = 0; i < n; i++) {
		const struct plist *p = ls[i];
		u->n += p->n;
		if (p->bits) {
			words_or(u->bits, p->bits, p->cap < words ? p->cap : words);
		} else {
			for (uint32_t j = 0; j < p->n; j++)
				u->bits[p->a[j] >> 6] |= 1ull << (p->a[j] & 63);
		}
	}
	return u;
}

static int pl_size_cmp(const void *pa, const void *pb)
{
	const struct plist *x = *(const struct plist *const *)pa, *y = *(const struct plist *const *)pb;

	return x->n < y->n ? -1 : x->n > y->n;
}

/* Union of the grams starting with rank r, as a scratch bitmap. */
static struct plist *union_first(const struct tg_search *idx, uint32_t r, struct tg_arena *a)
{
	struct plist *u = TG_ARENA_NEW(a, struct plist);
	uint32_t words = (idx->n_docs + 63) / 64;

	u->cap = words ? words : 1;
	u->bits = scratch_map(MAP_ONECHAR, u->cap);
	memset(u->bits, 0, u->cap * sizeof(uint64_t));
	for (uint32_t g = idx->first_head[r]; g; g = idx->grams[g - 1].next_first) {
		const struct plist *p = &idx->grams[g - 1].pl;
		if (p->bits) {
			uint32_t w = p->cap < words ? p->cap : words;
			for (uint32_t i = 0; i < w; i++)
				u->bits[i] |= p->bits[i];
		} else {
			for (uint32_t i = 0; i < p->n; i++)
				u->bits[p->a[i] >> 6] |= 1ull << (p->a[i] & 63);
		}
	}
	for (uint32_t i = 0; i < words; i++)
		u->n += (uint32_t)__builtin_popcountll(u->bits[i]);
	return u;
}

/* Sum of the list sizes union_first would merge (its cost). */
static size_t union_cost(const struct tg_search *idx, uint32_t r)
{
	size_t n = 0;

	for (uint32_t g = idx->first_head[r]; g; g = idx->grams[g - 1].next_first)
		n += idx->grams[g - 1].pl.n;
	return n;
}

/* Encode the query terms; *impossible when a term has a code point no
 * document has. */
static enum tg_rc prepare_terms(const struct tg_search *idx, struct qctx *c, struct tg_arena *a, int *impossible)
{
	c->terms = TG_ARENA_ARRAY(a, struct qterm, c->q->n_terms ? c->q->n_terms : 1);
	for (size_t t = 0; t < c->q->n_terms; t++) {
		const char *s = c->q->terms[t];
		size_t len = s ? strlen(s) : 0, i = 0;
		uint32_t top = 0;
		struct qterm *qt = &c->terms[c->n_terms];
		if (len == 0)
			continue;
		qt->code = tg_arena_alloc(a, len * 4 + 4);
		while (i < len) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t k =
			    utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
			if (k <= 0 || cp <= 0x20 || cp == 0x7F)
				return TG_ERR_INVALID;
			uint32_t r = rank_of(idx, cp);
			if (r == UINT32_MAX) {
				*impossible = 1;
			} else {
				/* ranks go by frequency: the highest is the rarest */
				qt->len += rank_put(qt->code + qt->len, r);
				if (r >= top) {
					top = r;
					qt->anchor = qt->len - 1;
				}
			}
			if (qt->n_cp == 0)
				qt->first_rank = r;
			qt->n_cp++;
			i += (size_t)k;
		}
		c->n_terms++;
	}
	return TG_OK;
}

/* 1 when p is one of the gram lists (not a filter list); n: how many
 * gram lists the query has (none: no need to look). */
static int is_gram_list(const struct tg_search *idx, const struct plist *p, size_t n)
{
	uintptr_t x = (uintptr_t)p, lo = (uintptr_t)idx->grams, hi = (uintptr_t)(idx->grams + idx->n_grams);

	return n && x >= lo && x < hi;
}

/* Keep the elements of the sorted array cand[0..n) that are in p; returns
 * how many. A bitmap is a bit test each; an array much longer than cand is
 * searched by galloping, a comparable one merged (branch-free steps: the
 * lists of one term's grams mostly agree, which defeats prediction). */
static size_t narrow(uint32_t *cand, size_t n, const struct plist *p)
{
	size_t k = 0;

	if (p->bits) {
		for (size_t i = 0; i < n; i++) {
			uint32_t x = cand[i];
			cand[k] = x;
			k += (size_t)pl_bit(p, x);
		}
	} else if (p->n / 8 > n) {
		uint32_t cur = 0;
		for (size_t i = 0; i < n; i++) {
			uint32_t x = cand[i];
			cand[k] = x;
			k += (size_t)arr_seek(p->a, p->n, &cur, x);
		}
	} else {
		const uint32_t *b = p->a;
		size_t i = 0, m = 0, pn = p->n;
		while (i < n && m < pn) {
			uint32_t x = cand[i], y = b[m];
			cand[k] = x;
			k += x == y;
			i += x <= y;
			m += x >= y;
		}
	}
	return k;
}

static void sort_out(struct qctx *c)
{
	/* heap sort: pop the worst to the back until the array is best-first */
	for (size_t n = c->n_heap; n > 1; n--) {
		struct cand t = c->heap[0];
		c->heap[0] = c->heap[n - 1];
		c->heap[n - 1] = t;
		heap_sift_down(c, c->heap, n - 1, 0);
	}
}

static enum tg_rc search_run(struct tg_search *idx, const struct tg_search_query *q, struct tg_arena *a,
                             struct tg_search_hit **hits, size_t *n_hits, size_t *total, uint64_t *gen)
{
	struct qctx c = {0};
	struct plist **lists = NULL, *onechar = NULL;
	size_t n_lists = 0, max_lists, n_gram_lists = 0;
	int impossible = 0, score_late = 0, estimated = 0;
	enum tg_rc rc;

	*hits = TG_ARENA_ARRAY(a, struct tg_search_hit, 1);
	*n_hits = 0;
	*total = 0;
	if (q->total_estimated)
		*q->total_estimated = 0;
	if (q->weekday > TG_WEEKDAY_HOLIDAY)
		return TG_ERR_INVALID;
	pthread_rwlock_rdlock(&idx->lock);
	*gen = idx->gen;
	c.idx = idx;
	c.q = q;
	rc = prepare_terms(idx, &c, a, &impossible);
	if (rc || impossible)
		goto out;

	c.types = TG_ARENA_ARRAY(a, uint32_t, q->n_types ? q->n_types : 1);
	for (size_t i = 0; i < q->n_types; i++) {
		int t = q->types[i] ? strtab_find(&idx->types, q->types[i]) : -1;
		if (t >= 0)
			c.types[c.n_types++] = (uint32_t)t + 1;
	}
	if (q->n_types && !c.n_types)
		goto out;
	for (size_t i = 0; i < q->n_services; i++) {
		int t = strtab_find(&idx->svcs, q->services[i]);
		if (t < 0)
			goto out;
		c.svc |= 1ull << t;
	}
	for (size_t i = 0; i < q->n_access; i++) {
		int t = strtab_find(&idx->accs, q->access[i]);
		if (t < 0)
			goto out;
		c.acc |= 1ull << t;
	}
	c.radius_m = q->has_origin && q->radius_km > 0 ? q->radius_km * 1000.0 : 0;
	c.cos_lat0 = cos(q->lat * M_PI / 180.0);

	max_lists = 5;
	for (size_t t = 0; t < c.n_terms; t++)
		max_lists += c.terms[t].n_cp;
	lists = TG_ARENA_ARRAY(a, struct plist *, max_lists);
	c.exact = TG_ARENA_ARRAY(a, uint8_t, c.n_terms ? c.n_terms : 1);
	if (q->area_id) {
		uint32_t *v = i64_get(&idx->areas, q->area_id);
		if (!v)
			goto out;
		lists[n_lists++] = &idx->area_pl[*v];
	}
	for (size_t t = 0; t < c.n_terms; t++) {
		const struct qterm *qt = &c.terms[t];
		size_t i = 0, k;
		uint32_t prev = rank_get(qt->code, &k);
		for (i = k; i < qt->len; i += k) {
			uint32_t r = rank_get(qt->code + i, &k);
			uint32_t g = gram_find(idx, prev, r);
			if (g == NO_GRAM)
				goto out;
			lists[n_lists++] = &idx->grams[g].pl;
			n_gram_lists++;
			prev = r;
		}
		/* a two-character term is exactly its gram (terms have no spaces) */
		c.exact[t] = qt->n_cp == 2;
	}
	if (n_lists == 0 && c.n_terms) {
		/* only one-character terms: drive from the cheapest one's union */
		size_t best = 0, best_cost = SIZE_MAX;
		for (size_t t = 0; t < c.n_terms; t++) {
			size_t cost = union_cost(idx, c.terms[t].first_rank);
			if (cost < best_cost) {
				best_cost = cost;
				best = t;
			}
		}
		onechar = union_first(idx, c.terms[best].first_rank, a);
		lists[n_lists++] = onechar;
		c.exact[best] = 1;
	}
	/* Filter lists join the intersection when they remove at least a
	 * quarter of the documents (the candidates' filters are checked anyway). */
	uint32_t selective = idx->n_live - idx->n_live / 4;
	static const struct plist empty;
	if (c.n_types) {
		const struct plist **ls = TG_ARENA_ARRAY(a, const struct plist *, c.n_types);
		size_t sum = 0, n_ls = 0;
		for (size_t i = 0; i < c.n_types; i++)
			if (c.types[i] <= idx->cap_type_pl) {
				ls[n_ls] = &idx->type_pl[c.types[i] - 1];
				sum += ls[n_ls++]->n;
			}
		if (sum == 0)
			lists[n_lists++] = (struct plist *)&empty;
		else if (sum < selective)
			lists[n_lists++] = n_ls == 1 ? (struct plist *)ls[0] : union_lists(idx, ls, n_ls, a, MAP_TYPES);
	}
	if (q->age_months >= 0 && !idx->age_over) {
		const struct plist *ls[AGE_KEYS];
		size_t sum = 0, n_ls = 0;
		for (uint32_t i = 0; i < idx->n_age_keys; i++) {
			int lo = idx->age_key[i][0], hi = idx->age_key[i][1];
			if ((lo < 0 || q->age_months >= lo) && (hi < 0 || q->age_months <= hi) && idx->age_pl[i].n) {
				ls[n_ls] = &idx->age_pl[i];
				sum += ls[n_ls++]->n;
			}
		}
		if (sum == 0)
			lists[n_lists++] = (struct plist *)&empty;
		else if (sum < selective)
			lists[n_lists++] = n_ls == 1 ? (struct plist *)ls[0] : union_lists(idx, ls, n_ls, a, MAP_AGES);
	}
	if (q->weekday >= 0 && idx->day_pl[q->weekday].n < selective)
		lists[n_lists++] = &idx->day_pl[q->weekday];
	if (q->public_only && idx->pub_pl.n < selective)
		lists[n_lists++] = &idx->pub_pl;

	c.k = q->offset + q->limit;
	if (c.k < q->offset || c.k > idx->n_live)
		c.k = idx->n_live;
	c.heap = tg_arena_alloc_uninit(a, (c.k ? c.k : 1) * sizeof(struct cand)); /* written before read */

	c.arena = a;
	for (size_t t = 0; t < c.n_terms; t++)
		c.verify |= !c.exact[t];
	int by_distance = q->sort == TG_SEARCH_SORT_DISTANCE && q->has_origin;
	int walkable = by_distance && (idx->g_n || idx->n_extra || idx->n_conf_out);
	/* Walk when the candidates are many: a walk visits about
	 * k * located / candidates documents at a bit test each, listing the
	 * candidates costs a full check each. */
	/* from the documents everyone may locate: a confidential one's place
	 * (in the grid or outside its frame) must not choose the plan */
	double walk_min = sqrt((double)(c.k ? c.k : 1) * (double)(idx->g_n - idx->n_conf) / 25.0);
	if (n_lists == 0) {
		if (walkable) {
			estimated = walk(&c, NULL);
			score_late = 1;
		} else {
			struct cbatch b = {.n = 0};
			for (uint32_t o = 0; o < idx->n_docs; o++)
				cbatch_add(&c, &b, o);
			consider_batch(&c, &b);
		}
	} else {
		uint32_t words = (idx->n_docs + 63) / 64;
		uint64_t *cb = NULL;
		uint32_t *cand = NULL;
		size_t n_cand = 0;
		qsort(lists, n_lists, sizeof(*lists), pl_size_cmp);
		if (lists[0]->n == 0)
			goto out;
		if (!lists[0]->bits) {
			/* The rarest list is an array: a copy of it is narrowed by each
			 * other list in turn (smallest first). */
			cand = tg_arena_alloc_uninit(a, lists[0]->n * sizeof(uint32_t));
			memcpy(cand, lists[0]->a, lists[0]->n * sizeof(*cand));
			n_cand = lists[0]->n;
			/* The grams of one term mostly hold the same documents, so the
			 * filter lists (independent of the text) narrow first. */
			for (int grams = 0; grams < 2; grams++)
				for (size_t j = 1; j < n_lists && n_cand; j++)
					if (is_gram_list(idx, lists[j], n_gram_lists) == grams)
						n_cand = narrow(cand, n_cand, lists[j]);
		} else {
			/* The rarest list is a bitmap: AND all bitmaps word by word,
			 * then check the (rare) array lists that shrank below a bitmap
			 * after deletions by galloping. */
			struct plist **ar = TG_ARENA_ARRAY(a, struct plist *, n_lists);
			uint32_t *cur = TG_ARENA_ARRAY(a, uint32_t, n_lists);
			size_t n_ar = 0;
			const struct plist *bm0 = NULL; /* the first bitmap, until a second one */
			int started = 0;                /* cb holds the AND of the bitmaps so far */
			uint32_t have = 0;              /* words of that AND (beyond: zero) */
			cb = scratch_map(MAP_CAND, words ? words : 1);
			for (size_t j = 0; j < n_lists; j++) {
				const struct plist *p = lists[j];
				uint32_t w = p->bits ? (p->cap < words ? p->cap : words) : 0;
				if (!p->bits) {
					ar[n_ar++] = lists[j];
					continue;
				}
				if (!bm0) {
					bm0 = p;
					have = w;
					continue;
				}
				have = have < w ? have : w;
				if (!started)
					words_and2(cb, bm0->bits, p->bits, have); /* one pass, no copy */
				else
					words_and(cb, p->bits, have);
				started = 1;
			}
			if (!started)
				memcpy(cb, bm0->bits, (size_t)have * 8);
			memset(cb + have, 0, (size_t)(words - have) * 8);
			for (uint32_t w = 0; w < words; w++) {
				uint64_t v = cb[w];
				if (n_ar) {
					for (uint64_t m = v; m; m &= m - 1) {
						uint32_t x = w * 64 + (uint32_t)__builtin_ctzll(m);
						for (size_t j = 0; j < n_ar; j++)
							if (!arr_seek(ar[j]->a, ar[j]->n, &cur[j], x)) {
								v &= ~(1ull << (x & 63));
								break;
							}
					}
					cb[w] = v;
				}
				/* the count only decides between the paths (walk_min,
				 * REFINE_MAX): stop counting once past both, and stop
				 * there when no array list is left to apply */
				if (n_cand <= REFINE_MAX || (double)n_cand <= walk_min) {
					if (v) /* sparse results are mostly empty words */
						n_cand += popcount64(v);
				} else if (!n_ar) {
					break;
				}
			}
		}
		if (walkable && (double)n_cand > walk_min && n_cand <= REFINE_MAX) {
			/* Few enough to check the cheap filters now (a random access
			 * per candidate): a walk for sparse candidates that the filters
			 * reject would visit every cell. */
			size_t kept = 0;
			if (cb) {
				for (uint32_t w = 0; w < words; w++)
					for (uint64_t v = cb[w]; v; v &= v - 1) {
						uint32_t x = w * 64 + (uint32_t)__builtin_ctzll(v);
						if (refine_ok(&c, x))
							kept++;
						else
							cb[w] &= ~(1ull << (x & 63));
					}
			} else {
				for (size_t i = 0; i < n_cand; i++)
					if (refine_ok(&c, cand[i]))
						cand[kept++] = cand[i];
			}
			n_cand = kept;
		}
		if (walkable && (double)n_cand > walk_min) {
			if (!cb) {
				cb = scratch_map(MAP_CAND, words ? words : 1);
				memset(cb, 0, (size_t)(words ? words : 1) * 8);
				for (size_t i = 0; i < n_cand; i++)
					cb[cand[i] >> 6] |= 1ull << (cand[i] & 63);
			}
			estimated = walk(&c, cb);
			score_late = 1;
		} else {
			/* Few candidates, all checked. A distance sort, as a walk,
			 * searches only the unproven terms and scores only the
			 * survivors. */
/* stmt for every candidate x, in ordinal order: the bits of cb, or cand[] */
#define EACH_CAND(x, stmt)                                                                                             \
	do {                                                                                                           \
		if (cb) {                                                                                              \
			for (uint32_t w_ = 0; w_ < words; w_++)                                                        \
				for (uint64_t v_ = cb[w_]; v_; v_ &= v_ - 1) {                                         \
					uint32_t x = w_ * 64 + (uint32_t)__builtin_ctzll(v_);                          \
					stmt;                                                                          \
				}                                                                                      \
		} else {                                                                                               \
			for (size_t i_ = 0; i_ < n_cand; i_++) {                                                       \
				uint32_t x = cand[i_];                                                                 \
				stmt;                                                                                  \
			}                                                                                              \
		}                                                                                                      \
	} while (0)
			if (by_distance && idx->g_ident) {
				/* the grid's copy is at the ordinal: batches, as a walk */
				struct gbatch b = {.n = 0};
				EACH_CAND(x, gbatch_add(&c, &b, x));
				if (b.n)
					consider_grid_batch(&c, b.pos, b.n);
			} else if (!by_distance) {
				struct cbatch b = {.n = 0};
				EACH_CAND(x, cbatch_add(&c, &b, x));
				consider_batch(&c, &b);
			} else {
				EACH_CAND(x, consider_dist(&c, x));
			}
#undef EACH_CAND
			if (by_distance) {
				for (size_t i = 0; i < c.n_deferred; i++)
					c.total += (size_t)terms_found(&c, &idx->docs[c.deferred[i]]);
				score_late = 1;
			}
		}
	}
	/* Only the heap's survivors were scored (score_late), or their
	 * matched fields lack the description for proven terms (score_term):
	 * score them in full; the scores, and so the order, are the same. */
	c.full_in = 1;
	if (score_late || (c.n_terms && !by_distance))
		rescore(&c);

	sort_out(&c);
	*total = c.total;
	if (q->total_estimated)
		*q->total_estimated = estimated;
	if (c.n_heap > q->offset) {
		size_t n = c.n_heap - q->offset;
		struct tg_search_hit *h = tg_arena_alloc_uninit(a, n * sizeof(struct tg_search_hit));
		for (size_t i = 0; i < n; i++) {
			const struct cand *x = &c.heap[q->offset + i];
			h[i].id = idx->docs[x->ord].id;
			h[i].score = x->score;
			h[i].distance_m = x->dist == HUGE_VAL ? -1 : (int64_t)llround(x->dist);
			h[i].matched_in = x->matched;
		}
		*hits = h;
		*n_hits = n;
	}
out:
	pthread_rwlock_unlock(&idx->lock);
	return rc;
}

/* ---- memoized answers ----
 *
 * The key is every field of the query that can change the answer, written
 * out in a fixed order (strings with their lengths); the value is the
 * answer: total, estimated flag, hits. Generations (memo.h) keep answers
 * from outliving the data they were computed from. */

struct memo_head {
	uint64_t total;
	uint32_t n_hits;
	uint32_t estimated;
};

struct keybuf {
	unsigned char *p, *end;
};

static void key_put(struct keybuf *k, const void *v, size_t n)
{
	assert((size_t)(k->end - k->p) >= n);
	memcpy(k->p, v, n);
	k->p += n;
}

static void key_i64(struct keybuf *k, int64_t v)
{
	key_put(k, &v, sizeof(v));
}

static void key_f64(struct keybuf *k, double v)
{
	key_put(k, &v, sizeof(v));
}

/* t to the minute, or (day) to its date: open_on does not look at the
 * minute, and keying it so would make open_today a new search every minute. */
static void key_time(struct keybuf *k, const struct tg_localtime *t, int day)
{
	key_i64(k, t ? 1 : 0);
	if (t) {
		int32_t f[5] = {t->year, t->month, t->day, t->weekday, day ? -1 : t->minute};
		key_put(k, f, sizeof(f));
	}
}

static void key_strs(struct keybuf *k, const char *const *v, size_t n)
{
	key_i64(k, (int64_t)n);
	for (size_t i = 0; i < n; i++) {
		size_t len = v[i] ? strlen(v[i]) : 0;
		key_i64(k, v[i] ? (int64_t)len : -1);
		key_put(k, v[i] ? v[i] : "", len);
	}
}

static size_t strs_bound(const char *const *v, size_t n)
{
	size_t b = 8;
	for (size_t i = 0; i < n; i++)
		b += 8 + (v[i] ? strlen(v[i]) : 0);
	return b;
}

static unsigned char *memo_key(const struct tg_search_query *q, struct tg_arena *a, size_t *len)
{
	size_t cap = 24 * 8 + 2 * (8 + 5 * 4) + strs_bound(q->terms, q->n_terms) + strs_bound(q->types, q->n_types) +
	             strs_bound(q->services, q->n_services) + strs_bound(q->access, q->n_access);
	unsigned char *buf = tg_arena_alloc_uninit(a, cap);
	struct keybuf k = {buf, buf + cap};
	key_i64(&k, (int64_t)q->memo_viewer);
	key_i64(&k, q->public_only);
	key_i64(&k, q->may_see_location != NULL);
	key_i64(&k, q->sort);
	key_i64(&k, (int64_t)q->limit);
	key_i64(&k, (int64_t)q->offset);
	key_i64(&k, q->exact_total);
	key_i64(&k, q->area_id);
	key_i64(&k, q->age_months);
	key_i64(&k, q->weekday);
	key_i64(&k, q->free_only);
	key_i64(&k, q->has_origin);
	key_f64(&k, q->has_origin ? q->lat : 0);
	key_f64(&k, q->has_origin ? q->lon : 0);
	key_f64(&k, q->radius_km);
	key_time(&k, q->open_at, 0);
	key_time(&k, q->open_on, 1);
	key_strs(&k, q->terms, q->n_terms);
	key_strs(&k, q->types, q->n_types);
	key_strs(&k, q->services, q->n_services);
	key_strs(&k, q->access, q->n_access);
	*len = (size_t)(k.p - buf);
	return buf;
}

void tg_search_set_memo(struct tg_search *idx, size_t max_entries, size_t max_bytes)
{
	pthread_rwlock_wrlock(&idx->lock);
	tg_memo_free(idx->memo);
	idx->memo = max_entries && max_bytes ? tg_memo_new(max_entries, max_bytes) : NULL;
	pthread_rwlock_unlock(&idx->lock);
}

void tg_search_memo_stats(struct tg_search *idx, uint64_t *hits, uint64_t *misses)
{
	struct tg_memo_stats st = {0};
	if (idx->memo)
		tg_memo_get_stats(idx->memo, &st);
	*hits = st.hits;
	*misses = st.misses;
}

enum tg_rc tg_search_run(struct tg_search *idx, const struct tg_search_query *q, struct tg_arena *a,
                         struct tg_search_hit **hits, size_t *n_hits, size_t *total)
{
	uint64_t gen;
	if (!idx->memo || !q->memo_ok)
		return search_run(idx, q, a, hits, n_hits, total, &gen);

	size_t klen, vlen;
	unsigned char *key = memo_key(q, a, &klen);
	void *val;
	/* An answer memoized at the generation loaded here was computed after
	 * every change up to it and before the next one started: returning it
	 * is as if this search ran just before that next change. */
	gen = __atomic_load_n(&idx->gen, __ATOMIC_ACQUIRE);
	const struct memo_head *h;
	if (tg_memo_get(idx->memo, gen, key, klen, a, &val, &vlen) && vlen >= sizeof(*h) &&
	    vlen == sizeof(*h) + (h = val)->n_hits * sizeof(struct tg_search_hit)) {
		*hits = h->n_hits ? (struct tg_search_hit *)(h + 1) : TG_ARENA_ARRAY(a, struct tg_search_hit, 1);
		*n_hits = h->n_hits;
		*total = (size_t)h->total;
		if (q->total_estimated)
			*q->total_estimated = (int)h->estimated;
		return TG_OK;
	}
	int estimated = 0;
	struct tg_search_query q2 = *q;
	q2.total_estimated = &estimated;
	enum tg_rc rc = search_run(idx, &q2, a, hits, n_hits, total, &gen);
	if (q->total_estimated)
		*q->total_estimated = estimated;
	if (rc)
		return rc;
	vlen = sizeof(struct memo_head) + *n_hits * sizeof(struct tg_search_hit);
	if (*n_hits > UINT32_MAX || !tg_memo_fits(idx->memo, klen, vlen))
		return TG_OK; /* too large to keep (an HSDS post-filter asks for every match) */
	struct memo_head *m = tg_arena_alloc_uninit(a, vlen);
	*m = (struct memo_head){(uint64_t)*total, (uint32_t)*n_hits, (uint32_t)estimated};
	if (*n_hits)
		memcpy(m + 1, *hits, *n_hits * sizeof(struct tg_search_hit));
	tg_memo_put(idx->memo, gen, key, klen, m, vlen);
	return TG_OK;
}
