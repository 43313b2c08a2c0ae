/*
 * resources.c - the community resource directory.
 *
 *   GET    /api/v1/resources                 search (docs/api.md "Search"); anonymous: public only
 *   POST   /api/v1/resources                 ResourceInput -> 201 Resource
 *   GET    /api/v1/resources/{id}            Resource; hidden ones -> 404
 *   PUT    /api/v1/resources/{id}            ResourceInput with "version" -> Resource; stale -> 409
 *   DELETE /api/v1/resources/{id}            -> 204
 *   POST   /api/v1/resources/{id}/verify     -> Resource (verified_at = today in Japan)
 *   GET    /api/v1/resources/{id}/changes    -> {"items":[{id,at,action,user_name,before,after}]}
 *   GET    /api/v1/verification-due          -> {"items":[ResourceSummary]} the caller may edit
 *
 * Visibility (core/access.h): a resource the caller may not see answers 404,
 * not 403, so that ids of non-public resources are not confirmed to exist.
 * A confidential resource's address and coordinates are rendered only for
 * those who may locate it, everywhere: detail, search, history.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <time.h>

#include "app/app.h"
#include "app/rcache.h"
#include "core/geo.h"
#include "core/memo.h"
#include "core/schedule.h"
#include "core/search.h"
#include "core/text.h"
#include "http/handlers/handlers.h"
#include "io/resource_json.h"
#include "util/json_write.h"
#include "util/memfind.h"
#include "util/timefmt.h"

#define SNIPPET_CP 80

struct view {
	struct tg_req *req;
	struct tg_refdata *ref;
	struct tg_actor actor;
	struct tg_localtime now;
	char today[11];
};

static void view_init(struct view *v, struct tg_req *req)
{
	v->req = req;
	v->ref = tg_app_ref_acquire(req->app);
	tg_h_actor(req, &v->actor);
	time_t t = time(NULL);
	tg_localtime_jst((long long)t, &v->now);
	tg_date_jst(t, v->today);
}

static void view_release(struct view *v)
{
	tg_app_ref_release(v->req->app, v->ref);
}

static int in_actor_area(const struct view *v, int64_t area_id)
{
	return tg_ref_area_within(v->ref, area_id, v->req->user_area_id);
}

static int can_locate(const struct view *v, const struct tg_resource *r)
{
	return tg_access_can_locate(&v->actor, r->org_id, r->is_confidential, in_actor_area(v, r->area_id));
}

static int can_edit(const struct view *v, const struct tg_resource *r)
{
	return tg_access_can_edit(&v->actor, r->org_id, in_actor_area(v, r->area_id));
}

static int verification_due(const struct view *v, const struct tg_resource *r)
{
	if (!r->verified_at)
		return 1;
	return tg_days_between(r->verified_at, v->today) > v->req->app->verify_after_days;
}

/* What applies today (Asia/Tokyo): the date, whether it is a national
 * holiday, the day's exception if any, and its opening intervals (none:
 * closed), by the rules of open_now and open_today. */
static json_t *today_json(const struct view *v, const struct tg_resource *r)
{
	struct tg_day_hours d;
	tg_schedule_day(r->hours, r->n_hours, r->exceptions, r->n_exceptions, &v->now, &d);
	json_t *hours = json_array();
	for (size_t i = 0; i < d.n; i++) {
		char o[6], c[6];
		tg_time_format(d.open_min[i], o);
		tg_time_format(d.close_min[i], c);
		json_array_append_new(hours, json_pack("{s:s,s:s}", "open", o, "close", c));
	}
	return json_pack("{s:s,s:i,s:b,s:b,s:o,s:o}", "date", v->today, "weekday", v->now.weekday, "holiday", d.holiday,
	                 "exception", d.ex != NULL, "hours", hours, "note",
	                 d.ex && d.ex->note ? json_string(d.ex->note) : json_null());
}

static json_t *render_as(struct view *v, const struct tg_resource *r, int summary, int show_location)
{
	const char *path[8];
	int64_t chain[8];
	size_t n = tg_ref_area_chain(v->ref, r->area_id, chain, 8);
	/* chain is innermost first; the API lists the city first */
	for (size_t i = 0; i < n; i++)
		path[i] = tg_ref_area(v->ref, chain[n - 1 - i])->name;
	const struct tg_resource_type *ty = tg_ref_type(v->ref, r->type_code);
	struct tg_resource_json_opts o = {
	    .type_name = ty ? ty->name_ja : NULL,
	    .area_path = path,
	    .n_area_path = n,
	    .show_location = show_location,
	    .can_edit = can_edit(v, r),
	    .open_now = tg_schedule_open_at(r->hours, r->n_hours, r->exceptions, r->n_exceptions, &v->now),
	    .verification_due = verification_due(v, r),
	    .summary = summary,
	};
	json_t *j = tg_resource_to_json(r, &o);
	if (!summary && j)
		json_object_set_new(j, "today", today_json(v, r));
	return j;
}

static json_t *render(struct view *v, const struct tg_resource *r, int summary)
{
	return render_as(v, r, summary, can_locate(v, r));
}

/* Load a resource the caller may see; 404 otherwise. */
static enum tg_rc load_visible(struct view *v, int64_t id, struct tg_resource *r)
{
	struct tg_req *req = v->req;
	enum tg_rc rc = req->db->ops->resource_get(req->db, &req->arena, id, r);
	if (rc == TG_ERR_NOT_FOUND || (!rc && !tg_access_can_see(&v->actor, r->is_public)))
		return tg_req_fail(req, TG_ERR_NOT_FOUND, "id", "その情報は見つかりません (resource not found)");
	return rc;
}

/* ---- search ---- */

static int parse_ll(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || !*s || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Split a comma list into arena strings (max n). */
static size_t split_list(struct tg_req *req, const char *s, const char **out, size_t max)
{
	size_t n = 0;
	while (*s && n < max) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len)
			out[n++] = tg_arena_strndup(&req->arena, s, len);
		if (!e)
			break;
		s = e + 1;
	}
	return n;
}

struct locate_ctx {
	struct view *v;
};

static int may_locate_cb(void *p, int64_t id, int64_t org_id)
{
	struct locate_ctx *c = p;
	struct view *v = c->v;
	if (!v->actor.authed)
		return 0;
	if (v->actor.role == TG_ROLE_ADMIN || v->actor.org_id == org_id)
		return 1;
	if (v->actor.role != TG_ROLE_COORDINATOR)
		return 0;
	if (!v->req->user_area_id)
		return 1;
	/* rare (confidential and another org's): look at the resource's area */
	struct tg_resource r;
	if (v->req->db->ops->resource_get(v->req->db, &v->req->arena, id, &r))
		return 0;
	return in_actor_area(v, r.area_id);
}

/* Whether the index may memoize this viewer's searches, and under which
 * key: may_locate_cb must answer from the document alone for everyone
 * with that key. It does for anonymous callers (never), admins and
 * coordinators of the whole area (always) and every other role (by
 * organization); not for a coordinator of part of the area, whose answer
 * depends on the area tree, which can change without a change to the
 * index. */
static int memo_viewer(const struct view *v, uint64_t *key)
{
	const struct tg_actor *a = &v->actor;
	if (!a->authed)
		*key = 0;
	else if (a->role == TG_ROLE_ADMIN || (a->role == TG_ROLE_COORDINATOR && !v->req->user_area_id))
		*key = 1;
	else if (a->role != TG_ROLE_COORDINATOR)
		*key = 2 + 4 * (uint64_t)a->org_id;
	else
		return 0;
	return 1;
}

/* ---- why a result matched, where the page does not show it ----
 *
 * A result's name and snippet carry highlights; a term found only in the
 * reading, the organization, the type, a tag, an area or the body beyond
 * the description (address, notes, fee) would leave the result
 * unexplained. For such terms the item lists the texts that hold them,
 * with their own highlights ("also_matched"), in the order below; at most
 * ALSO_MAX texts. A confidential resource's address is not searched (see
 * core/search.h), so it is never listed. */
#define ALSO_MAX 3

struct also {
	const char *field; /* kana, org, type, service, access, area, address, access_notes, schedule_note, fee */
	const char *text;
	struct tg_text_range *rg;
	size_t n_rg;
};

struct also_src {
	const char *field, *text;
};

/* The texts a term could be in, besides the name and the description. */
static size_t also_sources(const struct view *v, const struct tg_resource *r, struct tg_arena *a, struct also_src *out,
                           size_t max)
{
	size_t n = 0;
#define ADD(f, t)                                                                                                      \
	do {                                                                                                           \
		if ((t) && *(t) && n < max)                                                                            \
			out[n++] = (struct also_src){(f), (t)};                                                        \
	} while (0)
	ADD("kana", r->name_kana);
	ADD("org", r->org_name);
	const struct tg_resource_type *ty = tg_ref_type(v->ref, r->type_code);
	if (ty)
		ADD("type", ty->name_ja);
	for (size_t i = 0; i < r->n_services; i++) {
		const struct tg_tag *t = tg_ref_tag(v->ref, r->services[i]);
		if (t)
			ADD("service", t->name_ja);
	}
	for (size_t i = 0; i < r->n_access; i++) {
		const struct tg_tag *t = tg_ref_tag(v->ref, r->access[i]);
		if (t)
			ADD("access", t->name_ja);
	}
	int64_t chain[TG_SEARCH_MAX_AREAS];
	size_t nc = tg_ref_area_chain(v->ref, r->area_id, chain, TG_SEARCH_MAX_AREAS);
	for (size_t i = 0; i < nc; i++) {
		const struct tg_area *ar = tg_ref_area(v->ref, chain[i]);
		if (ar)
			ADD("area", ar->name);
	}
	if (!r->is_confidential) {
		const char *parts[] = {r->prefecture, r->city, r->address_line, r->building};
		struct tg_buf b = TG_BUF_INIT;
		for (size_t i = 0; i < 4; i++)
			if (parts[i] && *parts[i]) {
				if (b.len)
					tg_buf_addc(&b, ' ');
				tg_buf_adds(&b, parts[i]);
			}
		if (b.len)
			ADD("address", tg_arena_strndup(a, b.data, b.len));
		tg_buf_release(&b);
	}
	ADD("access_notes", r->accessibility_notes);
	ADD("schedule_note", r->schedule_note);
	ADD("fee", r->fee_text);
#undef ADD
	return n;
}

#define ALSO_SRC_MAX 64

/* What a card keeps of also_sources: the texts normalized, separated by
 * 0x1F, and which of them normalized code point for code point (ident:
 * bit k for text k), whose highlight ranges need no map. */
struct also_norm {
	const char *text; /* NULL: none */
	size_t len;
	uint64_t ident;
};

/* Part k of an also_norm text (NULL when there is no such part). */
static const char *also_part(const struct also_norm *an, size_t k, size_t *len)
{
	const char *p = an->text, *end = an->text + an->len;
	for (; k && p; k--) {
		p = memchr(p, TG_SEARCH_FIELD_SEP, (size_t)(end - p));
		if (p)
			p++;
	}
	if (!p)
		return NULL;
	const char *e = memchr(p, TG_SEARCH_FIELD_SEP, (size_t)(end - p));
	*len = (size_t)((e ? e : end) - p);
	return p;
}

/* The normalized form of src (with its map) for highlighting: from the
 * card when the card's part k maps code point for code point and still has
 * as many code points as src (else the card is older than the texts). */
static enum tg_rc also_norm_of(const struct also_norm *an, size_t k, const char *src, struct tg_arena *a,
                               struct tg_text_norm *out)
{
	size_t len;
	const char *p = an->text && k < 64 && (an->ident >> k & 1) ? also_part(an, k, &len) : NULL;
	if (p) {
		size_t n = tg_text_cp_count(p, len);
		if (n && n == tg_text_cp_count(src, strlen(src))) {
			struct tg_text_range *map = tg_arena_alloc_uninit(a, n * sizeof(*map));
			for (size_t i = 0; i < n; i++)
				map[i] = (struct tg_text_range){(uint32_t)i, (uint32_t)i + 1};
			*out = (struct tg_text_norm){tg_arena_strndup(a, p, len), len, map, n};
			return TG_OK;
		}
	}
	return tg_text_norm_make(src, strlen(src), a, out);
}

/* The texts that hold the terms of mask (bit t: terms[t]) into out. The
 * card's normalized copy of the texts tells which to look at, and mostly
 * spares normalizing them again; all are looked at when it is out of
 * date. */
static size_t also_matched(const struct view *v, const struct tg_resource *r, const struct also_norm *an,
                           const char *const *terms, uint32_t mask, struct tg_arena *a, struct also *out)
{
	struct also_src src[ALSO_SRC_MAX];
	uint64_t parts = UINT64_MAX; /* bit k: text k may hold a term */
	size_t need = ALSO_SRC_MAX, n = 0;
	if (an->text) {
		parts = 0;
		for (uint32_t t = 0; t < 32; t++) {
			size_t tl = (mask >> t & 1) ? strlen(terms[t]) : 0;
			const char *m = tl ? tg_memfind(an->text, an->len, terms[t], tl, tl - 1) : NULL;
			size_t k = 0;
			for (const char *q = an->text; m && q < m; q++)
				k += *q == TG_SEARCH_FIELD_SEP;
			if (m && k < 64)
				parts |= 1ull << k;
		}
		need = parts ? 64 - (size_t)__builtin_clzll(parts) : 0; /* up to the last of them */
	}
	size_t n_src = also_sources(v, r, a, src, need);
	for (int pass = 0; pass < 2 && mask && n < ALSO_MAX; pass++) {
		if (pass) { /* the card is older than the texts: the others too */
			parts = ~parts;
			n_src = also_sources(v, r, a, src, ALSO_SRC_MAX);
		}
		for (size_t i = 0; i < n_src && mask && n < ALSO_MAX; i++) {
			const char *in[32];
			size_t n_in = 0;
			struct tg_text_norm nrm;
			if (!(parts >> i & 1) || also_norm_of(an, i, src[i].text, a, &nrm))
				continue;
			for (uint32_t t = 0; t < 32; t++)
				if ((mask >> t & 1) && tg_text_norm_contains(&nrm, terms[t])) {
					in[n_in++] = terms[t];
					mask &= ~(1u << t);
				}
			struct tg_text_range *rg;
			size_t nrg;
			if (n_in && !tg_text_highlight_norm(&nrm, in, n_in, a, &rg, &nrg, NULL) && nrg)
				out[n++] = (struct also){src[i].field, src[i].text, rg, nrg};
		}
	}
	return n;
}

/* ---- search result cards ----
 *
 * What a search result shows of a resource apart from the per-search
 * members is the same for every search on one day, so it is derived once
 * and kept with the cached resource (rcache.h "view"): the
 * ResourceSummary JSON in both forms (address shown and hidden: the
 * choice stays per request), the normalized name and description for
 * marking terms, the snippet shown when no term is in the description,
 * the day's opening intervals (open_now only compares the minute), and
 * the other texts a term may be in, normalized (also_matched). */
struct card {
	const char *sum[2]; /* ResourceSummary without its closing brace: [0] location hidden, [1] shown */
	size_t sum_len[2];
	int name_ok; /* name normalized (valid UTF-8) */
	struct tg_text_norm name;
	int desc_ok;    /* description prepared (present, valid UTF-8) */
	int desc_plain; /* no byte of the description needs a JSON escape */
	struct tg_text_snip_src desc;
	const char *snip0; /* the "snippet" value without a marked term: a JSON string or null */
	size_t snip0_len;
	size_t n_open; /* today's opening intervals [open, close) in minutes */
	const uint16_t (*open)[2];
	struct also_norm also; /* the texts of also_sources */
};

/* The key of a card: the day it was made for (verification_due and the
 * opening intervals change with the date). */
static uint64_t card_key(const struct view *v)
{
	return (uint64_t)v->now.year * 10000 + (uint64_t)v->now.month * 100 + (uint64_t)v->now.day;
}

/* A bump layout over one block: pass 1 (base NULL) measures, pass 2 copies. */
struct pack {
	char *base;
	size_t used;
};

static void *pack_put(struct pack *p, const void *src, size_t n)
{
	void *d = p->base ? p->base + p->used : NULL;
	if (d && n)
		memcpy(d, src, n);
	p->used += (n + 15) & ~(size_t)15;
	return d;
}

/* Copy c and everything it points to into p; returns the copy (pass 2). */
static struct card *card_pack(struct pack *p, const struct card *c)
{
	struct card *d = pack_put(p, c, sizeof(*c));
	const char *s0 = pack_put(p, c->sum[0], c->sum_len[0]);
	const char *s1 = c->sum[1] == c->sum[0] ? s0 : pack_put(p, c->sum[1], c->sum_len[1]);
	const char *nt = NULL, *dt = NULL, *dn = NULL;
	void *nm = NULL, *dm = NULL, *off = NULL;
	if (c->name_ok) {
		nt = pack_put(p, c->name.text, c->name.len + 1);
		nm = pack_put(p, c->name.map, c->name.n_map * sizeof(*c->name.map));
	}
	if (c->desc_ok) {
		dt = pack_put(p, c->desc.text, c->desc.len + 1);
		dn = pack_put(p, c->desc.nrm.text, c->desc.nrm.len + 1);
		dm = pack_put(p, c->desc.nrm.map, c->desc.nrm.n_map * sizeof(*c->desc.nrm.map));
		off = pack_put(p, c->desc.cp_off, (c->desc.n_cp + 1) * sizeof(*c->desc.cp_off));
	}
	const char *sn = pack_put(p, c->snip0, c->snip0_len);
	void *op = pack_put(p, c->open, c->n_open * sizeof(*c->open));
	const char *al = c->also.text ? pack_put(p, c->also.text, c->also.len + 1) : NULL;
	if (d) {
		d->sum[0] = s0;
		d->sum[1] = s1;
		d->name.text = nt;
		d->name.map = nm;
		d->desc.text = dt;
		d->desc.nrm.text = dn;
		d->desc.nrm.map = dm;
		d->desc.cp_off = off;
		d->snip0 = sn;
		d->open = op;
		d->also.text = al;
	}
	return d;
}

/* The summary JSON of r without its closing brace, into arena a. */
static const char *card_summary(struct view *v, const struct tg_resource *r, int show, struct tg_arena *a, size_t *len)
{
	json_t *j = render_as(v, r, 1, show);
	struct tg_buf b;
	const char *out = NULL;
	tg_buf_init(&b, 0);
	if (j && tg_json_write(j, &b) == TG_OK && b.len >= 2) {
		out = tg_arena_strndup(a, b.data, b.len - 1);
		*len = b.len - 1;
	}
	tg_buf_release(&b);
	json_decref(j);
	return out;
}

/* tg_rcache_view_fn: the card of r for the day of the view ctx. */
static void *card_build(void *ctx, const struct tg_resource *r)
{
	struct view *v = ctx;
	struct tg_arena a = TG_ARENA_INIT;
	struct card c;
	void *blk = NULL;
	memset(&c, 0, sizeof(c));
	c.sum[1] = card_summary(v, r, 1, &a, &c.sum_len[1]);
	if (!c.sum[1])
		goto out;
	c.sum[0] = c.sum[1];
	c.sum_len[0] = c.sum_len[1];
	if (r->is_confidential && !(c.sum[0] = card_summary(v, r, 0, &a, &c.sum_len[0])))
		goto out;
	if (r->name && !tg_text_norm_make(r->name, strlen(r->name), &a, &c.name))
		c.name_ok = 1;
	struct tg_buf sb;
	tg_buf_init(&sb, 0);
	if (r->description) {
		size_t len = strlen(r->description);
		char *snip;
		struct tg_text_range *rg;
		size_t nrg;
		if (!tg_text_snip_src_make(r->description, len, &a, &c.desc)) {
			c.desc_ok = 1;
			c.desc_plain = 1;
			for (size_t i = 0; i < len && c.desc_plain; i++) {
				unsigned char ch = (unsigned char)r->description[i];
				c.desc_plain = ch >= 0x20 && ch != '"' && ch != '\\';
			}
		}
		if (!tg_text_snippet(r->description, len, NULL, 0, SNIPPET_CP, &a, &snip, &rg, &nrg))
			tg_json_write_string(&sb, snip, strlen(snip));
	}
	if (!sb.len)
		tg_buf_adds(&sb, "null");
	c.snip0 = tg_arena_strndup(&a, sb.data, sb.len);
	c.snip0_len = sb.len;
	tg_buf_release(&sb);
	/* today's intervals, as tg_schedule_open_at decides them: an exception
	 * for the date, else the weekly hours of the day (holidays are day 7) */
	char today[16];
	snprintf(today, sizeof(today), "%04d-%02d-%02d", v->now.year, v->now.month, v->now.day);
	uint16_t(*open)[2] = tg_arena_alloc(&a, (r->n_hours + 1) * sizeof(*open));
	size_t i;
	for (i = 0; i < r->n_exceptions; i++)
		if (r->exceptions[i].date && !strcmp(r->exceptions[i].date, today))
			break;
	if (i < r->n_exceptions) {
		if (!r->exceptions[i].closed) {
			open[0][0] = (uint16_t)r->exceptions[i].open_min;
			open[0][1] = (uint16_t)r->exceptions[i].close_min;
			c.n_open = 1;
		}
	} else {
		int wd = tg_jp_is_holiday(v->now.year, v->now.month, v->now.day) ? TG_WEEKDAY_HOLIDAY : v->now.weekday;
		for (i = 0; i < r->n_hours; i++)
			if (r->hours[i].weekday == wd) {
				open[c.n_open][0] = (uint16_t)r->hours[i].open_min;
				open[c.n_open][1] = (uint16_t)r->hours[i].close_min;
				c.n_open++;
			}
	}
	c.open = (const uint16_t(*)[2])open;
	struct also_src src[ALSO_SRC_MAX];
	size_t n_src = also_sources(v, r, &a, src, ALSO_SRC_MAX);
	struct tg_buf ab;
	tg_buf_init(&ab, 0);
	for (size_t k = 0; k < n_src; k++) {
		if (k)
			tg_buf_addc(&ab, TG_SEARCH_FIELD_SEP);
		struct tg_text_norm nrm;
		size_t len = strlen(src[k].text);
		if (tg_text_norm_make(src[k].text, len, &a, &nrm))
			continue; /* invalid UTF-8: an empty part */
		tg_buf_add(&ab, nrm.text, nrm.len);
		int ident = nrm.n_map == tg_text_cp_count(src[k].text, len);
		for (size_t j = 0; j < nrm.n_map && ident; j++)
			ident = nrm.map[j].start == j && nrm.map[j].end == j + 1;
		if (ident && k < 64)
			c.also.ident |= 1ull << k;
	}
	if (ab.len) {
		c.also.text = tg_arena_strndup(&a, ab.data, ab.len);
		c.also.len = ab.len;
	}
	tg_buf_release(&ab);
	struct pack m = {NULL, 0};
	card_pack(&m, &c);
	struct pack w = {tg_xmalloc(m.used), 0};
	blk = w.base;
	card_pack(&w, &c);
out:
	tg_arena_release(&a);
	return blk;
}

static int card_open_at(const struct card *c, int minute)
{
	for (size_t i = 0; i < c->n_open; i++)
		if (minute >= c->open[i][0] && minute < c->open[i][1])
			return 1;
	return 0;
}

/* The output of one search result, worked out before the page is sized. */
struct item {
	const struct tg_search_hit *hit;
	const struct tg_resource *res;
	const struct card *card;
	const char *sum; /* summary without its closing brace */
	size_t sum_len;
	int open;
	int located;      /* a confidential location shown (audited) */
	const char *snip; /* NULL: the card's snip0 */
	int snip_plain;   /* snip needs no escape */
	const struct tg_text_range *name_rg, *snip_rg;
	size_t n_name_rg, n_snip_rg;
	struct also *also; /* n_also, from the arena */
	size_t n_also;
	uint64_t serial;  /* of the cache entry of card */
	const char *tail; /* NULL, else the explanation part, memoized */
	size_t tail_len;
};

#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* [[start,end],…]: at most 2 + 24 n bytes */
static char *put_ranges(char *p, const struct tg_text_range *rg, size_t n)
{
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '[';
		p = tg_json_put_int(p, rg[i].start);
		*p++ = ',';
		p = tg_json_put_int(p, rg[i].end);
		*p++ = ']';
	}
	*p++ = ']';
	return p;
}

/* Bytes put_item may write for it. */
static size_t item_bound(const struct item *it)
{
	size_t n = 1 + it->sum_len + 200 + TG_JSON_FIXED3_MAX + TG_JSON_INT_MAX;
	if (it->tail)
		return n + it->tail_len;
	n += it->snip ? 6 * strlen(it->snip) + 2 : it->card->snip0_len;
	n += 4 + 24 * (it->n_name_rg + it->n_snip_rg);
	if (it->n_also)
		n += 20;
	for (size_t i = 0; i < it->n_also; i++)
		n += 40 + strlen(it->also[i].field) + 6 * strlen(it->also[i].text) + 24 * it->also[i].n_rg;
	return n;
}

/* The item: its summary, then the members of this search: open_now,
 * score and distance_m, then its explanation (matched_in to the end; see
 * explain_key), which *tail_at is set to point at. */
static char *put_item(char *p, const struct item *it, char **tail_at)
{
	static const struct {
		unsigned bit;
		const char *name;
		size_t len;
	} where[] = {{TG_SEARCH_IN_NAME, "\"name\"", 6},
	             {TG_SEARCH_IN_KANA, "\"name_kana\"", 11},
	             {TG_SEARCH_IN_META, "\"meta\"", 6},
	             {TG_SEARCH_IN_BODY, "\"description\"", 13}};
	const struct tg_search_hit *h = it->hit;

	memcpy(p, it->sum, it->sum_len);
	p += it->sum_len;
	p = it->open ? PUT(p, ",\"open_now\":true,\"score\":") : PUT(p, ",\"open_now\":false,\"score\":");
	/* a score is a ranking aid: three decimals are plenty */
	p = tg_json_put_fixed3(p, h->score);
	p = PUT(p, ",\"distance_m\":");
	p = h->distance_m >= 0 ? tg_json_put_int(p, h->distance_m) : PUT(p, "null");
	*tail_at = p;
	if (it->tail) {
		memcpy(p, it->tail, it->tail_len);
		return p + it->tail_len;
	}
	p = PUT(p, ",\"matched_in\":[");
	int first = 1;
	for (size_t w = 0; w < 4; w++) {
		if (!(h->matched_in & where[w].bit))
			continue;
		if (!first)
			*p++ = ',';
		memcpy(p, where[w].name, where[w].len);
		p += where[w].len;
		first = 0;
	}
	p = PUT(p, "],\"snippet\":");
	if (!it->snip) {
		memcpy(p, it->card->snip0, it->card->snip0_len);
		p += it->card->snip0_len;
	} else if (it->snip_plain) {
		size_t n = strlen(it->snip);
		*p++ = '"';
		memcpy(p, it->snip, n);
		p += n;
		*p++ = '"';
	} else {
		p = tg_json_put_string(p, it->snip, strlen(it->snip));
	}
	p = PUT(p, ",\"highlights\":{\"name\":");
	p = put_ranges(p, it->name_rg, it->n_name_rg);
	p = PUT(p, ",\"snippet\":");
	p = put_ranges(p, it->snip_rg, it->n_snip_rg);
	*p++ = '}';
	if (it->n_also) {
		p = PUT(p, ",\"also_matched\":[");
		for (size_t i = 0; i < it->n_also; i++) {
			const struct also *x = &it->also[i];
			if (i)
				*p++ = ',';
			p = PUT(p, "{\"field\":");
			p = tg_json_put_string(p, x->field, strlen(x->field));
			p = PUT(p, ",\"text\":");
			p = tg_json_put_string(p, x->text, strlen(x->text));
			p = PUT(p, ",\"ranges\":");
			p = put_ranges(p, x->rg, x->n_rg);
			*p++ = '}';
		}
		*p++ = ']';
	}
	*p++ = '}';
	return p;
}

/* ---- a page's explanations, memoized ----
 *
 * What put_item writes after distance_m depends on the query's terms, each
 * item's card and resource (the rcache entry: its serial names them), the
 * hit's matched_in and the reference data (also_matched names types, tags
 * and areas): the key holds all of them. The value is each item's tail, a
 * 32-bit length then the bytes. Entries never go stale: a changed resource,
 * card or reference snapshot has a new serial or version, so its key is new
 * and the old entry is simply never asked for again (the memo's
 * least-recently-used order drops it). */

/* The highlights, snippet and also_matched of it for terms. */
static void explain(const struct view *v, struct item *it, const char *const *terms, size_t n_terms, struct tg_arena *a)
{
	const struct card *cd = it->card;
	unsigned in = it->hit->matched_in;
	/* mark only the fields the index says a term is in */
	size_t name_terms = (in & TG_SEARCH_IN_NAME) ? n_terms : 0;
	size_t body_terms = (in & TG_SEARCH_IN_BODY) ? n_terms : 0;
	struct tg_text_range *rg;
	size_t nrg;
	uint32_t shown = 0; /* terms in the name or the description */
	if (name_terms && cd->name_ok && !tg_text_highlight_norm(&cd->name, terms, name_terms, a, &rg, &nrg, &shown)) {
		it->name_rg = rg;
		it->n_name_rg = nrg;
	}
	/* without a marked term the window is the one cut in advance */
	char *snip;
	if (body_terms && cd->desc_ok &&
	    !tg_text_snippet_src(&cd->desc, terms, body_terms, SNIPPET_CP, a, &snip, &rg, &nrg, &shown) && nrg) {
		it->snip = snip;
		it->snip_plain = cd->desc_plain;
		it->snip_rg = rg;
		it->n_snip_rg = nrg;
	}
	/* terms that neither the name nor the description shows */
	uint32_t hidden = (n_terms >= 32 ? UINT32_MAX : (1u << n_terms) - 1) & ~shown;
	if (hidden) {
		it->also = tg_arena_alloc_uninit(a, ALSO_MAX * sizeof(*it->also));
		it->n_also = also_matched(v, it->res, &cd->also, terms, hidden, a, it->also);
	}
}

static unsigned char *explain_key(const struct view *v, const char *const *terms, size_t n_terms,
                                  const struct item *items, size_t n_items, struct tg_arena *a, size_t *len)
{
	size_t cap = 16 + n_items * 12;
	for (size_t i = 0; i < n_terms; i++)
		cap += 4 + strlen(terms[i]);
	unsigned char *k = tg_arena_alloc_uninit(a, cap), *p = k;
	memcpy(p, &v->ref->version, 8);
	p += 8;
	for (size_t i = 0; i < n_terms; i++) {
		uint32_t n = (uint32_t)strlen(terms[i]);
		memcpy(p, &n, 4);
		memcpy(p + 4, terms[i], n);
		p += 4 + n;
	}
	uint32_t sep = UINT32_MAX; /* no term is that long */
	memcpy(p, &sep, 4);
	p += 4;
	for (size_t i = 0; i < n_items; i++) {
		uint32_t in = items[i].hit->matched_in;
		memcpy(p, &items[i].serial, 8);
		memcpy(p + 8, &in, 4);
		p += 12;
	}
	*len = (size_t)(p - k);
	assert(*len <= cap);
	return k;
}

/* Sets every item's tail from the memo, or none. */
static void explain_get(struct tg_memo *m, const unsigned char *key, size_t klen, struct item *items, size_t n_items,
                        struct tg_arena *a)
{
	void *val;
	size_t vlen;
	if (!tg_memo_get(m, 0, key, klen, a, &val, &vlen))
		return;
	const char *p = val, *end = p + vlen;
	for (size_t i = 0; i < n_items; i++) {
		uint32_t n;
		if ((size_t)(end - p) < 4)
			goto bad;
		memcpy(&n, p, 4);
		if ((size_t)(end - p - 4) < n)
			goto bad;
		items[i].tail = p + 4;
		items[i].tail_len = n;
		p += 4 + n;
	}
	if (p == end)
		return;
bad: /* not what explain_put wrote (cannot happen): compute instead */
	for (size_t i = 0; i < n_items; i++)
		items[i].tail = NULL;
}

static void explain_put(struct tg_memo *m, const unsigned char *key, size_t klen, const struct item *items,
                        const char *const *tails, size_t n_items, struct tg_arena *a)
{
	size_t vlen = 0;
	for (size_t i = 0; i < n_items; i++)
		vlen += 4 + items[i].tail_len;
	if (!tg_memo_fits(m, klen, vlen))
		return;
	char *val = tg_arena_alloc_uninit(a, vlen ? vlen : 1), *p = val;
	for (size_t i = 0; i < n_items; i++) {
		uint32_t n = (uint32_t)items[i].tail_len;
		memcpy(p, &n, 4);
		memcpy(p + 4, tails[i], n);
		p += 4 + n;
	}
	tg_memo_put(m, 0, key, klen, val, vlen);
}

#define BAD(field, msg)                                                                                                \
	do {                                                                                                           \
		rc = tg_req_fail(req, TG_ERR_INVALID, field, msg);                                                     \
		goto out;                                                                                              \
	} while (0)

enum tg_rc tg_h_resource_search(struct tg_req *req)
{
	struct view v;
	view_init(&v, req);
	enum tg_rc rc = TG_OK;
	struct tg_search_query q;
	memset(&q, 0, sizeof(q));
	q.age_months = -1;
	q.weekday = -1;
	q.limit = 20;
	q.public_only = !req->authed;
	struct locate_ctx lc = {&v};
	q.may_see_location = may_locate_cb;
	q.visible_ctx = &lc;
	q.memo_ok = memo_viewer(&v, &q.memo_viewer);
	const char *s;
	long long n;
	const char **terms = NULL;
	size_t n_terms = 0;
	const char *types[32], *services[32], *access[32];

	if ((s = tg_req_query(req, "q")) && *s) {
		if (strlen(s) > 1000)
			BAD("q", "検索語が長すぎます (query too long)");
		rc = tg_text_terms(s, strlen(s), &req->arena, &terms, &n_terms);
		if (rc == TG_ERR_TOO_LARGE)
			BAD("q", "検索語が多すぎるか長すぎます (too many or too long search terms)");
		if (rc)
			BAD("q", "検索語の文字が正しくありません (query is not valid UTF-8)");
		q.terms = (const char *const *)terms;
		q.n_terms = n_terms;
	}
	if ((s = tg_req_query(req, "type")) && *s) {
		q.n_types = split_list(req, s, types, 32);
		for (size_t i = 0; i < q.n_types; i++)
			if (!tg_ref_type(v.ref, types[i]))
				BAD("type",
				    tg_arena_printf(&req->arena, "種別 %s はありません (unknown type)", types[i]));
		q.types = types;
	}
	if ((s = tg_req_query(req, "area")) && *s) {
		if (parse_ll(s, 1, INT64_MAX, &n) || !tg_ref_area(v.ref, n))
			BAD("area", "その地域はありません (unknown area)");
		q.area_id = n;
	}
	if ((s = tg_req_query(req, "age_months")) && *s) {
		if (parse_ll(s, 0, 1200, &n))
			BAD("age_months", "年齢は0〜1200か月で指定してください (age_months must be 0..1200)");
		q.age_months = (int)n;
	}
	if ((s = tg_req_query(req, "day")) && *s) {
		if (parse_ll(s, 0, 7, &n))
			BAD("day", "曜日は0(日)〜6(土)、7(祝日)です (day must be 0..7)");
		q.weekday = (int)n;
	}
	if ((s = tg_req_query(req, "open_now")) && !strcmp(s, "1"))
		q.open_at = &v.now;
	if ((s = tg_req_query(req, "open_today")) && !strcmp(s, "1"))
		q.open_on = &v.now;
	if ((s = tg_req_query(req, "free")) && !strcmp(s, "1"))
		q.free_only = 1;
	if ((s = tg_req_query(req, "services")) && *s) {
		q.n_services = split_list(req, s, services, 32);
		for (size_t i = 0; i < q.n_services; i++) {
			const struct tg_tag *t = tg_ref_tag(v.ref, services[i]);
			if (!t || strcmp(t->kind, "service"))
				BAD("services",
				    tg_arena_printf(&req->arena, "サービス %s はありません (unknown service)",
				                    services[i]));
		}
		q.services = services;
	}
	if ((s = tg_req_query(req, "access")) && *s) {
		q.n_access = split_list(req, s, access, 32);
		for (size_t i = 0; i < q.n_access; i++) {
			const struct tg_tag *t = tg_ref_tag(v.ref, access[i]);
			if (!t || strcmp(t->kind, "access"))
				BAD("access",
				    tg_arena_printf(&req->arena, "設備 %s はありません (unknown access feature)",
				                    access[i]));
		}
		q.access = access;
	}
	if ((s = tg_req_query(req, "near")) && *s) {
		if (tg_geo_parse(s, &q.lat, &q.lon))
			BAD("near", "near は「緯度,経度」で指定してください (near must be LAT,LON)");
		q.has_origin = 1;
	}
	if ((s = tg_req_query(req, "near_resource")) && *s) {
		struct tg_resource origin;
		if (parse_ll(s, 1, INT64_MAX, &n))
			BAD("near_resource", "near_resource はIDです (near_resource must be an id)");
		rc = load_visible(&v, n, &origin);
		if (rc) {
			req->err_field = "near_resource";
			goto out;
		}
		if (!origin.has_geo || !can_locate(&v, &origin))
			BAD("near_resource", "その場所の位置はわかりません (that resource has no known location)");
		q.lat = origin.lat;
		q.lon = origin.lon;
		q.has_origin = 1;
	}
	if ((s = tg_req_query(req, "radius_km")) && *s) {
		char *end;
		double r = strtod(s, &end);
		if (*end || !(r > 0 && r <= 2000))
			BAD("radius_km", "radius_km は0より大きく2000以下です (radius_km must be in (0, 2000])");
		if (!q.has_origin)
			BAD("radius_km",
			    "radius_km には near か near_resource が必要です (radius_km needs near or near_resource)");
		q.radius_km = r;
	}
	q.sort = n_terms ? TG_SEARCH_SORT_RELEVANCE : (q.has_origin ? TG_SEARCH_SORT_DISTANCE : TG_SEARCH_SORT_NAME);
	if ((s = tg_req_query(req, "sort")) && *s) {
		if (!strcmp(s, "relevance"))
			q.sort = TG_SEARCH_SORT_RELEVANCE;
		else if (!strcmp(s, "distance")) {
			if (!q.has_origin)
				BAD("sort",
				    "距離順には near か near_resource が必要です (distance sort needs an origin)");
			q.sort = TG_SEARCH_SORT_DISTANCE;
		} else if (!strcmp(s, "name"))
			q.sort = TG_SEARCH_SORT_NAME;
		else
			BAD("sort", "sort は relevance, distance, name のどれかです (unknown sort)");
	}
	if ((s = tg_req_query(req, "limit")) && *s) {
		if (parse_ll(s, 1, 100, &n))
			BAD("limit", "limit は1〜100です (limit must be 1..100)");
		q.limit = (size_t)n;
	}
	if ((s = tg_req_query(req, "offset")) && *s) {
		if (parse_ll(s, 0, 100000, &n))
			BAD("offset", "offset は0〜100000です (offset must be 0..100000)");
		q.offset = (size_t)n;
	}

	if ((rc = tg_app_wait_index(req->app, 10000)))
		goto out;
	struct tg_search_hit *hits;
	size_t n_hits, total;
	int estimated = 0;
	q.total_estimated = &estimated;
	if ((rc = tg_search_run(req->app->index, &q, &req->arena, &hits, &n_hits, &total)))
		goto out;
	int64_t *ids = tg_arena_alloc(&req->arena, sizeof(int64_t) * (n_hits ? n_hits : 1));
	for (size_t i = 0; i < n_hits; i++)
		ids[i] = hits[i].id;
	const struct tg_rcache_entry **es;
	size_t n_es;
	struct tg_rcache_viewer vw = {card_key(&v), card_build, &v};
	if ((rc = tg_rcache_hold_many(req->app->rcache, req->db, &req->arena, ids, n_hits, &vw, &es, &n_es)))
		goto out;
	/* The items are worked out first, then the page is written at once
	 * into arena memory sized for it: each item is its cached
	 * ResourceSummary followed by the members that depend on this search. */
	struct item *items = tg_arena_alloc_uninit(&req->arena, (n_hits ? n_hits : 1) * sizeof(struct item));
	size_t n_items = 0, j = 0;
	for (size_t i = 0; i < n_hits; i++) {
		if (j >= n_es || es[j]->res->id != hits[i].id)
			continue; /* deleted between index and store: skip */
		const struct tg_rcache_entry *e = es[j++];
		const struct tg_resource *r = e->res;
		const struct card *cd = e->view;
		if (!cd)
			continue; /* could not render: left out */
		if (!isfinite(hits[i].score)) {
			rc = TG_ERR_INVALID;
			break;
		}
		struct item *it = &items[n_items++];
		int show = r->is_confidential ? can_locate(&v, r) : 1;
		*it = (struct item){.hit = &hits[i],
		                    .res = r,
		                    .card = cd,
		                    .sum = cd->sum[show],
		                    .sum_len = cd->sum_len[show],
		                    .open = card_open_at(cd, v.now.minute),
		                    .located = r->is_confidential && show,
		                    .serial = e->serial};
	}
	if (rc) {
		tg_rcache_release(es, n_es);
		goto out;
	}
	/* The explanations (matched_in, snippet, highlights, also_matched)
	 * follow from the terms, the cards and the reference data alone: a page
	 * asked again takes them from the memo. */
	unsigned char *ekey = NULL;
	size_t eklen = 0;
	if (req->app->explain && n_terms && n_items) {
		ekey = explain_key(&v, q.terms, n_terms, items, n_items, &req->arena, &eklen);
		explain_get(req->app->explain, ekey, eklen, items, n_items, &req->arena);
	}
	size_t bound = 128 + 2 * TG_JSON_INT_MAX + 3;
	for (size_t i = 0; i < n_items; i++) {
		struct item *it = &items[i];
		if (!it->tail)
			explain(&v, it, q.terms, n_terms, &req->arena);
		bound += item_bound(it);
	}
	char *body = tg_arena_alloc_uninit(&req->arena, bound), *p = body;
	p = PUT(p, "{\"total\":");
	p = tg_json_put_int(p, (long long)total);
	p = estimated ? PUT(p, ",\"total_exact\":false,\"offset\":") : PUT(p, ",\"total_exact\":true,\"offset\":");
	p = tg_json_put_int(p, (long long)q.offset);
	p = PUT(p, ",\"limit\":");
	p = tg_json_put_int(p, (long long)q.limit);
	p = PUT(p, ",\"items\":[");
	char **tails = tg_arena_alloc_uninit(&req->arena, (n_items + 1) * sizeof(*tails));
	for (size_t i = 0; i < n_items; i++) {
		if (i)
			*p++ = ',';
		p = put_item(p, &items[i], &tails[i]);
		items[i].tail_len = (size_t)(p - tails[i]);
	}
	if (ekey && !items[0].tail)
		explain_put(req->app->explain, ekey, eklen, items, (const char *const *)tails, n_items, &req->arena);
	p = PUT(p, "]}");
	*p = '\0';
	size_t olen = (size_t)(p - body);
	assert(olen < bound);        /* item_bound covers put_item */
	tg_rcache_release(es, n_es); /* items point into the entries' cards */
	/* a confidential location shown is a read of it, as in GET /resources/{id} */
	for (size_t i = 0; i < n_items; i++)
		if (items[i].located &&
		    (rc = tg_req_audit(req, "read", "resource_location",
		                       tg_arena_printf(&req->arena, "%lld", (long long)items[i].hit->id), "search")))
			goto out;
	tg_resp_raw(req, 200, "application/json; charset=utf-8", body, olen);
out:
	view_release(&v);
	return rc;
}

/* ---- read one ---- */

/* The resource named by the path, which the caller may see (else 404). The
 * view is initialised here, also on error, and must be released. */
static enum tg_rc load_seen(struct tg_req *req, struct view *v, int64_t *id, struct tg_resource *r)
{
	enum tg_rc rc = tg_req_param_id(req, 0, id);
	view_init(v, req);
	return rc ? rc : load_visible(v, *id, r);
}

enum tg_rc tg_h_resource_get(struct tg_req *req)
{
	int64_t id;
	struct view v;
	struct tg_resource r;
	enum tg_rc rc = load_seen(req, &v, &id, &r);
	if (rc)
		goto out;
	if (r.is_confidential && can_locate(&v, &r))
		tg_req_audit(req, "read", "resource_location", tg_arena_printf(&req->arena, "%lld", (long long)id),
		             NULL);
	tg_resp_json(req, 200, render(&v, &r, 0));
out:
	view_release(&v);
	return rc;
}

/* ---- writes ---- */

static enum tg_rc fail_field(struct tg_req *req, enum tg_rc rc, const struct tg_field_error *err)
{
	/* err->field may point into err itself (validate.h): copy it out */
	if (rc == TG_ERR_INVALID)
		return tg_req_fail(req, rc, tg_arena_strdup(&req->arena, err->field),
		                   tg_arena_strdup(&req->arena, err->message));
	return rc;
}

/* Parse the body into r; TG_ERR_INVALID with the field filled in. */
static enum tg_rc parse_input(struct tg_req *req, struct tg_resource *r)
{
	json_t *body = NULL;
	enum tg_rc rc = tg_req_json_body(req, &body);
	if (rc)
		return rc;
	struct tg_field_error err = {0};
	rc = tg_resource_from_json(body, &req->arena, r, &err);
	json_decref(body);
	if (rc)
		return fail_field(req, rc, &err);
	return TG_OK;
}

static enum tg_rc forbid(struct tg_req *req)
{
	return tg_req_fail(req, TG_ERR_FORBIDDEN, NULL,
	                   "この情報を変更する権限がありません (you may not change this resource)");
}

/* The resource named by the path, which the caller may see (else 404) and
 * edit (else 403). The view is initialised here and must be released. */
static enum tg_rc load_editable(struct tg_req *req, struct view *v, int64_t *id, struct tg_resource *r)
{
	enum tg_rc rc = load_seen(req, v, id, r);
	if (!rc && !can_edit(v, r))
		rc = forbid(req);
	return rc;
}

enum tg_rc tg_h_resource_create(struct tg_req *req)
{
	struct tg_resource r;
	enum tg_rc rc = parse_input(req, &r);
	if (rc)
		return rc;
	struct view v;
	view_init(&v, req);
	if (!r.org_id)
		r.org_id = req->user.org_id;
	if (!tg_access_can_create(&v.actor, r.org_id, in_actor_area(&v, r.area_id))) {
		rc = forbid(req);
		goto out;
	}
	r.id = 0;
	r.uuid = NULL;
	r.source = "manual";
	r.source_id = NULL;
	struct tg_field_error err = {0};
	rc = tg_dir_create(req->app, req->db, req->user.id, &r, &req->arena, &err);
	if (rc) {
		rc = fail_field(req, rc, &err);
		goto out;
	}
	tg_req_audit(req, "create", "resource", tg_arena_printf(&req->arena, "%lld", (long long)r.id), NULL);
	tg_resp_header(req, "Location", tg_arena_printf(&req->arena, "/api/v1/resources/%lld", (long long)r.id));
	tg_resp_json(req, 201, render(&v, &r, 0));
out:
	view_release(&v);
	return rc;
}

enum tg_rc tg_h_resource_update(struct tg_req *req)
{
	int64_t id;
	struct view v;
	struct tg_resource cur, r;
	enum tg_rc rc = load_editable(req, &v, &id, &cur);
	if (rc)
		goto out;
	if ((rc = parse_input(req, &r)))
		goto out;
	if (!r.version) {
		rc = tg_req_fail(req, TG_ERR_INVALID, "version",
		                 "version は必須です。読み込んだときの version を送ってください (version is required)");
		goto out;
	}
	if (!r.org_id)
		r.org_id = cur.org_id;
	/* moving it to another org or area needs the right to edit there too */
	if ((r.org_id != cur.org_id || r.area_id != cur.area_id) &&
	    !tg_access_can_edit(&v.actor, r.org_id, in_actor_area(&v, r.area_id))) {
		rc = forbid(req);
		goto out;
	}
	r.id = id;
	r.uuid = cur.uuid;
	r.source = cur.source;
	r.source_id = cur.source_id;
	r.created_at = cur.created_at;
	struct tg_field_error err = {0};
	rc = tg_dir_update(req->app, req->db, req->user.id, &r, "update", &req->arena, &err);
	if (rc == TG_ERR_CONFLICT) {
		rc = tg_req_fail(req, rc, "version",
		                 "ほかの人が先に更新しました。再読み込みしてから編集してください (someone saved this "
		                 "first: reload and edit again)");
		goto out;
	}
	if (rc) {
		rc = fail_field(req, rc, &err);
		goto out;
	}
	tg_req_audit(req, "update", "resource", tg_arena_printf(&req->arena, "%lld", (long long)id), NULL);
	tg_resp_json(req, 200, render(&v, &r, 0));
out:
	view_release(&v);
	return rc;
}

enum tg_rc tg_h_resource_delete(struct tg_req *req)
{
	int64_t id;
	struct view v;
	struct tg_resource cur;
	enum tg_rc rc = load_editable(req, &v, &id, &cur);
	if (rc)
		goto out;
	if ((rc = tg_dir_delete(req->app, req->db, req->user.id, id, &req->arena)))
		goto out;
	tg_req_audit(req, "delete", "resource", tg_arena_printf(&req->arena, "%lld", (long long)id), NULL);
	tg_resp_raw(req, 204, NULL, NULL, 0);
out:
	view_release(&v);
	return rc;
}

enum tg_rc tg_h_resource_verify(struct tg_req *req)
{
	int64_t id;
	struct view v;
	struct tg_resource r;
	enum tg_rc rc = load_editable(req, &v, &id, &r);
	if (rc)
		goto out;
	r.verified_at = tg_arena_strdup(&req->arena, v.today);
	struct tg_field_error err = {0};
	rc = tg_dir_update(req->app, req->db, req->user.id, &r, "verify", &req->arena, &err);
	if (rc) {
		rc = fail_field(req, rc, &err);
		goto out;
	}
	tg_req_audit(req, "verify", "resource", tg_arena_printf(&req->arena, "%lld", (long long)id), NULL);
	tg_resp_json(req, 200, render(&v, &r, 0));
out:
	view_release(&v);
	return rc;
}

/* One side of a history entry, with the location taken out unless the
 * caller may locate the resource both now (show_now) and as it was in that
 * side: a shelter's old address is as secret as its current one, and an
 * address from before it became confidential may still be where it is.
 * *located is set when a confidential side's location is shown. */
static json_t *history_side(const struct view *v, const char *s, int show_now, int *located)
{
	if (!s)
		return json_null();
	json_t *j = json_loads(s, 0, NULL);
	if (!j)
		return json_null();
	int show = show_now;
	if (show && json_is_true(json_object_get(j, "is_confidential"))) {
		/* the resource API's shape has org.id, an import's org_id */
		json_t *org = json_object_get(j, "org");
		json_int_t org_id = json_integer_value(org ? json_object_get(org, "id") : json_object_get(j, "org_id"));
		json_int_t area_id = json_integer_value(json_object_get(j, "area_id"));
		show = tg_access_can_locate(&v->actor, org_id, 1, in_actor_area(v, area_id));
		*located |= show;
	}
	if (!show) {
		json_object_set_new(j, "address", json_null());
		json_object_set_new(j, "location", json_null());
		json_object_set_new(j, "address_hidden", json_true());
	}
	return j;
}

enum tg_rc tg_h_resource_changes(struct tg_req *req)
{
	int64_t id;
	struct view v;
	struct tg_resource r;
	enum tg_rc rc = load_seen(req, &v, &id, &r);
	if (rc)
		goto out;
	int show = can_locate(&v, &r), located = r.is_confidential && show;
	struct tg_change *ch;
	size_t n;
	if ((rc = req->db->ops->change_list(req->db, &req->arena, id, &ch, &n)))
		goto out;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "id", json_integer(ch[i].id));
		json_object_set_new(e, "at", json_string(ch[i].at));
		json_object_set_new(e, "action", json_string(ch[i].action));
		json_object_set_new(e, "user_name", ch[i].user_name ? json_string(ch[i].user_name) : json_null());
		json_object_set_new(e, "before", history_side(&v, ch[i].before_json, show, &located));
		const char *after = ch[i].after_json;
		if (!after && strcmp(ch[i].action, "delete") != 0) {
			/* imports store no copy of a created row (io/import.c): its
			 * state is the next change's "before", or the row as it is now */
			if (i > 0 && ch[i - 1].before_json) {
				after = ch[i - 1].before_json;
			} else if (i == 0) {
				struct tg_resource_json_opts o = {.show_location = 1};
				json_t *cur = tg_resource_to_json(&r, &o);
				char *txt = json_dumps(cur, JSON_COMPACT);
				json_decref(cur);
				after = tg_arena_strdup(&req->arena, txt ? txt : "null");
				free(txt);
			}
		}
		json_object_set_new(e, "after", history_side(&v, after, show, &located));
		json_array_append_new(items, e);
	}
	/* a confidential location read, current or past, is audited */
	if (located && (rc = tg_req_audit(req, "read", "resource_location",
	                                  tg_arena_printf(&req->arena, "%lld", (long long)id), "history"))) {
		json_decref(items);
		goto out;
	}
	json_t *res = json_object();
	json_object_set_new(res, "items", items);
	tg_resp_json(req, 200, res);
out:
	view_release(&v);
	return rc;
}

/* A resource due for verification, as the list keeps it: never verified
 * ("") first, then the longest unverified, then by id. */
struct due {
	char date[11];
	int64_t id;
};

static int due_cmp(const struct due *a, const struct due *b)
{
	int c = strcmp(a->date, b->date);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

enum tg_rc tg_h_verification_due(struct tg_req *req)
{
	struct view v;
	view_init(&v, req);
	enum tg_rc rc = TG_OK;
	json_t *items = json_array();
	int more = 0;
	enum { MAX_ITEMS = 200 };
	/* the MAX_ITEMS + 1 most overdue (one more says "more"), sorted */
	struct due best[MAX_ITEMS + 1];
	size_t n_best = 0;
	/* The store lists only rows due by date (never verified, or verified
	 * before today minus the period: verification_due's rule), so a
	 * well-kept directory is not read whole; the exact checks follow. */
	char before[11];
	tg_date_jst(time(NULL) - (time_t)req->app->verify_after_days * 86400, before);
	struct tg_resource_filter f = {.after_id = 0, .limit = 1000, .verified_before = before};
	/* staff see their own org's; coordinators and admins scan (paged) */
	if (v.actor.role < TG_ROLE_COORDINATOR)
		f.org_id = req->user.org_id;
	if (v.actor.role < TG_ROLE_STAFF)
		goto done;
	int settled = 0;
	while (!settled) {
		struct tg_arena a = TG_ARENA_INIT;
		struct tg_resource *rs;
		size_t n;
		if ((rc = req->db->ops->resource_list(req->db, &a, &f, &rs, &n))) {
			tg_arena_release(&a);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (!can_edit(&v, &rs[i]) || !verification_due(&v, &rs[i]))
				continue;
			struct due d = {"", rs[i].id};
			if (rs[i].verified_at)
				snprintf(d.date, sizeof(d.date), "%s", rs[i].verified_at);
			if (n_best == MAX_ITEMS + 1 && due_cmp(&d, &best[MAX_ITEMS]) >= 0)
				continue;
			size_t k = n_best < MAX_ITEMS + 1 ? n_best++ : MAX_ITEMS;
			for (; k > 0 && due_cmp(&d, &best[k - 1]) < 0; k--)
				best[k] = best[k - 1];
			best[k] = d;
			/* pages come in id order: once the list is full of rows never
			 * verified, no later row can come before any of them */
			if (n_best == MAX_ITEMS + 1 && !best[MAX_ITEMS].date[0])
				settled = 1;
		}
		if (n)
			f.after_id = rs[n - 1].id;
		tg_arena_release(&a);
		if (n < f.limit)
			break;
	}
	if (rc || !n_best)
		goto done;
	more = n_best > MAX_ITEMS;
	size_t shown = more ? MAX_ITEMS : n_best;
	int64_t ids[MAX_ITEMS];
	for (size_t i = 0; i < shown; i++)
		ids[i] = best[i].id;
	struct tg_resource *rs;
	size_t n_rs = 0;
	if ((rc = req->db->ops->resource_get_many(req->db, &req->arena, ids, shown, &rs, &n_rs)))
		goto done;
	for (size_t i = 0; i < shown && !rc; i++) {
		const struct tg_resource *r = NULL;
		for (size_t k = 0; k < n_rs && !r; k++)
			if (rs[k].id == ids[i])
				r = &rs[k];
		if (!r) /* deleted meanwhile */
			continue;
		if (r->is_confidential && can_locate(&v, r) &&
		    (rc = tg_req_audit(req, "read", "resource_location",
		                       tg_arena_printf(&req->arena, "%lld", (long long)r->id), "verification_due")))
			break;
		json_array_append_new(items, render(&v, r, 1));
	}
done:
	if (rc) {
		json_decref(items);
	} else {
		json_t *res = json_object();
		json_object_set_new(res, "items", items);
		json_object_set_new(res, "more", json_boolean(more));
		json_object_set_new(res, "verify_after_days", json_integer(req->app->verify_after_days));
		tg_resp_json(req, 200, res);
	}
	view_release(&v);
	return rc;
}
