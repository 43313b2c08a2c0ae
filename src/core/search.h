/*
 * search.h - the in-memory search index of the resource directory, and the
 * builder of the normalized text (resources.search_text) it indexes.
 *
 * The index is pure (no SQL, no I/O, no clock): the store loads it at start
 * (tg_search_bulk_add for every row, then tg_search_finalize) and keeps it
 * current with tg_search_upsert / tg_search_remove after each committed
 * write. It is thread safe: any number of tg_search_run calls in parallel,
 * writers exclusive (one pthread rwlock). Design, ranking formula and
 * measured numbers: docs/internals/search.md.
 *
 * search_text layout: four fields separated by 0x1F, each normalized with
 * tg_text_normalize (so no field contains 0x1F):
 *   [0] name  [1] name_kana  [2] meta: org name, type name, service and
 *   access tag names, area names  [3] body: description, address,
 *   accessibility notes, schedule note, fee text.
 * Parts inside a field are joined by one space.
 *
 * A confidential resource's text has no address: its location is hidden
 * from most viewers, and the index, shared by all of them, would otherwise
 * answer "found" or "not found" to a search for any guess at the address.
 */
#ifndef TG_SEARCH_H
#define TG_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/schedule.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/rc.h"

#define TG_SEARCH_FIELD_SEP     '\x1f'
#define TG_SEARCH_MAX_AREAS     4  /* a resource's area and its ancestors */
#define TG_SEARCH_MAX_TAG_CODES 64 /* distinct service codes, and access codes, per index */

/* Extra strings for tg_search_text_build that are not in struct tg_resource. */
struct tg_search_text_extra {
	const char *org_name;         /* NULL = none (r->org_name is used if set) */
	const char *type_name;        /* e.g. 親と子のつどいの広場 */
	const char *const *tag_names; /* service and access tag names (name_ja) */
	size_t n_tag_names;
	const char *const *area_names; /* the area chain, any order */
	size_t n_area_names;
};

/* Append the search_text of r to out (see layout above). x may be NULL.
 * Invalid UTF-8 in any part is TG_ERR_INVALID; out is unchanged on error. */
enum tg_rc tg_search_text_build(const struct tg_resource *r, const struct tg_search_text_extra *x, struct tg_buf *out);

/* The rules stored search texts are built with. The store keeps each
 * row's (resources.text_version, migration 0005) and writes this one with
 * every text. A text stored under an older version may read differently
 * now: the server rebuilds those at its index load and writes them back
 * (tg_app_index_load, tg_app_text_upgrade).
 *   1: text.h rules 1-11, and texts an import stored without the names of
 *      the organizations and areas it created.
 *   2: rule 12 (ヶ and ケ in place names and after numbers); imports store
 *      the organization and area names. */
#define TG_SEARCH_TEXT_VERSION     2
#define TG_SEARCH_TEXT_VERSION_SQL "2" /* the same, for the store's SQL */

/* What the index needs of one resource. Everything is copied; the caller's
 * memory may go away after the call. */
struct tg_search_doc {
	int64_t id;      /* > 0, unique */
	int64_t version; /* the row's; an upsert older than the indexed version is
	                  * ignored (a late put of stale data); 0 = not given */
	int64_t org_id;
	const char *type_code;   /* NULL or "" = none */
	const int64_t *areas;    /* the resource's area id and all ancestors */
	size_t n_areas;          /* <= TG_SEARCH_MAX_AREAS */
	const char *search_text; /* from tg_search_text_build */
	size_t search_text_len;
	int age_min, age_max; /* months, -1 = open bound */
	int fee_free;         /* TG_FEE_*: only TG_FEE_FREE passes free_only */
	int is_public, is_confidential;
	int has_geo;
	double lat, lon;
	const char *const *services; /* service tag codes */
	size_t n_services;
	const char *const *access; /* access tag codes */
	size_t n_access;
	const struct tg_hours *hours;
	size_t n_hours;
	const struct tg_exception *exceptions; /* note is not kept */
	size_t n_exceptions;
};

enum tg_search_sort {
	TG_SEARCH_SORT_RELEVANCE = 0,
	TG_SEARCH_SORT_DISTANCE,
	TG_SEARCH_SORT_NAME,
};

/* matched_in bits */
#define TG_SEARCH_IN_NAME 1u
#define TG_SEARCH_IN_KANA 2u
#define TG_SEARCH_IN_META 4u
#define TG_SEARCH_IN_BODY 8u

/* May the viewer see the location of confidential resource (id, org_id)?
 * Called only for confidential documents, under the index's read lock:
 * it must not call back into the index. */
typedef int (*tg_search_visible_fn)(void *ctx, int64_t id, int64_t org_id);

struct tg_search_query {
	const char *const *terms; /* normalized terms (tg_text_terms), all must match */
	size_t n_terms;
	const char *const *types; /* type codes, any may match; n_types 0 = any */
	size_t n_types;
	int64_t area_id;                    /* 0 = any; else the area or anything inside it */
	int age_months;                     /* -1 = any */
	int weekday;                        /* -1 = any; 0..7 = has weekly hours that day */
	const struct tg_localtime *open_at; /* NULL = any; else open at that moment */
	const struct tg_localtime *open_on; /* NULL = any; else open at some time on that date */
	int free_only;
	const char *const *services; /* all required */
	size_t n_services;
	const char *const *access; /* all required */
	size_t n_access;
	int has_origin;
	double lat, lon;
	double radius_km; /* <= 0: no radius; needs has_origin */
	int public_only;
	tg_search_visible_fn may_see_location; /* NULL: no confidential location is visible */
	void *visible_ctx;
	enum tg_search_sort sort;
	size_t limit, offset;
	/* Distance sort with an origin walks a spatial grid outward and stops
	 * once the page is settled; *total is then estimated from the match
	 * rate in the visited cells (exact whenever the walk reaches the end of
	 * the radius or of the data). 1: always count every match exactly. */
	int exact_total;
	/* Optional out: set to 1 when *total was estimated, else 0. */
	int *total_estimated;
	/* The answer may be memoized (tg_search_set_memo) and a memoized one
	 * returned: the caller vouches that may_see_location's answers depend
	 * only on the document and on memo_viewer, which is part of the key
	 * with every other field above. */
	int memo_ok;
	uint64_t memo_viewer;
};

struct tg_search_hit {
	int64_t id;
	double score;        /* 0 when the query has no terms */
	int64_t distance_m;  /* -1 when no origin, no location, or location hidden */
	unsigned matched_in; /* TG_SEARCH_IN_* where any term occurs */
};

struct tg_search;

struct tg_search *tg_search_new(void);
void tg_search_free(struct tg_search *idx);

/* Insert or replace the document with doc->id; searchable on return
 * (unless doc->version is older than the indexed one's: TG_OK, no change).
 * TG_ERR_INVALID: bad search_text (invalid UTF-8, more than four fields),
 * id <= 0, too many areas; TG_ERR_TOO_LARGE: a 65th distinct tag code. */
enum tg_rc tg_search_upsert(struct tg_search *idx, const struct tg_search_doc *doc);
/* TG_ERR_NOT_FOUND when id is not indexed. */
enum tg_rc tg_search_remove(struct tg_search *idx, int64_t id);

/* Fast loading: queue a new document (TG_ERR_CONFLICT if its id is already
 * indexed or queued). Queued documents are not searchable until
 * tg_search_finalize, which indexes them all in one pass. */
enum tg_rc tg_search_bulk_add(struct tg_search *idx, const struct tg_search_doc *doc);
void tg_search_finalize(struct tg_search *idx);

/* Run q. *hits (arena a) holds at most q->limit hits after skipping
 * q->offset; *total counts every match before paging (an estimate for an
 * early-stopped distance walk, see exact_total). TG_ERR_INVALID for a
 * term that is not valid UTF-8 or has a space or control character. */
enum tg_rc tg_search_run(struct tg_search *idx, const struct tg_search_query *q, struct tg_arena *a,
                         struct tg_search_hit **hits, size_t *n_hits, size_t *total);

/* Memoize up to max_entries answers of at most max_bytes in all (0
 * entries: none; the default). Answers are dropped at every change to the
 * index, so a memoized answer is always the one tg_search_run would
 * compute now. Call before searching starts. */
void tg_search_set_memo(struct tg_search *idx, size_t max_entries, size_t max_bytes);
/* What `tsunagu serve` keeps by default (--search-cache), and the bytes it
 * allows per entry on average: a page of 20 hits and its key take about
 * 0.8 KB, a page of 100 about 3.4 KB. */
#define TG_SEARCH_CACHE_DEFAULT     2048
#define TG_SEARCH_CACHE_ENTRY_BYTES 2048
#define TG_SEARCH_CACHE_MIN_BYTES   ((size_t)64 << 10)
/* Hits and misses so far (zeros without a memo). */
void tg_search_memo_stats(struct tg_search *idx, uint64_t *hits, uint64_t *misses);

/* Number of searchable documents, and bytes the index holds (approximate:
 * the sum of its own allocations). */
size_t tg_search_count(struct tg_search *idx);
size_t tg_search_memory(struct tg_search *idx);

#endif
