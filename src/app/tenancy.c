/*
 * tenancy.c - the server's tenants and request-to-tenant resolution
 * (see tenancy.h).
 */
#include "app/tenancy.h"

#include <string.h>
#include <strings.h>

#include "core/memo.h"
#include "core/search.h"
#include "util/log.h"

static void slot_free_strings(struct tg_tenant_slot *s)
{
	free(s->code);
	free(s->name);
	for (size_t i = 0; i < s->n_hosts; i++)
		free(s->hosts[i]);
	free(s->hosts);
	s->code = s->name = NULL;
	s->hosts = NULL;
	s->n_hosts = 0;
}

static void slot_set(struct tg_tenant_slot *s, const struct tg_tenant *t)
{
	char *code = tg_xstrdup(t->code);
	slot_free_strings(s);
	s->id = t->id;
	s->code = code;
	s->name = tg_xstrdup(t->name);
	s->disabled = t->disabled;
	s->n_hosts = t->n_hosts;
	s->hosts = t->n_hosts ? tg_xcalloc(t->n_hosts, sizeof(*s->hosts)) : NULL;
	for (size_t i = 0; i < t->n_hosts; i++)
		s->hosts[i] = tg_xstrdup(t->hosts[i]);
}

/* A new app for tenant t, reference data loaded with db. */
static struct tg_app *app_new(struct tg_tenancy *tn, struct tg_db *db, const struct tg_tenant *t, enum tg_rc *rc)
{
	struct tg_app *app = tg_xcalloc(1, sizeof(*app));
	tg_db_set_tenant(db, t->id);
	*rc = tg_app_init(app, tn->db_url, db);
	if (*rc) {
		tg_app_release(app);
		free(app);
		return NULL;
	}
	app->tenant_code = tg_xstrdup(t->code);
	app->tenancy = tn;
	if (tn->opts.tile_url) {
		free(app->tile_url);
		app->tile_url = tg_xstrdup(tn->opts.tile_url);
	}
	if (tn->opts.tile_trusted)
		app->tile_trusted = 1;
	app->secure_cookies = tn->opts.secure_cookies;
	if (tn->opts.verify_after_days > 0)
		app->verify_after_days = tn->opts.verify_after_days;
	if (tn->opts.search_cache > 0) {
		/* at least 64 KiB, so that even a small cache keeps pages of 100 */
		size_t n = (size_t)tn->opts.search_cache, bytes = n * TG_SEARCH_CACHE_ENTRY_BYTES;
		if (bytes < TG_SEARCH_CACHE_MIN_BYTES)
			bytes = TG_SEARCH_CACHE_MIN_BYTES;
		tg_search_set_memo(app->index, n, bytes);
		app->explain = tg_memo_new(n, bytes);
	}
	return app;
}

static struct tg_tenant_slot *find_id(struct tg_tenancy *t, int64_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

enum tg_rc tg_tenancy_sync(struct tg_tenancy *t, struct tg_db *db, size_t *added)
{
	struct tg_arena a = TG_ARENA_INIT;
	struct tg_tenant *ts = NULL;
	size_t n = 0;
	if (added)
		*added = 0;
	enum tg_rc rc = db->ops->tenant_list(db, &a, &ts, &n);
	if (rc) {
		tg_arena_release(&a);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		/* Build a new tenant's app outside the lock: it reads the database. */
		pthread_rwlock_rdlock(&t->lock);
		struct tg_tenant_slot *s = find_id(t, ts[i].id);
		int need_app = !ts[i].disabled && (!s || !s->app);
		pthread_rwlock_unlock(&t->lock);
		struct tg_app *app = NULL;
		if (need_app) {
			app = app_new(t, db, &ts[i], &rc);
			if (!app) {
				tg_log_error("tenant_load_failed", "tenant=%lld rc=%s", (long long)ts[i].id,
				             tg_rc_code(rc));
				continue;
			}
		}
		pthread_rwlock_wrlock(&t->lock);
		s = find_id(t, ts[i].id);
		if (!s) {
			if (t->n == t->cap) {
				t->cap = t->cap ? t->cap * 2 : 8;
				t->v = tg_xrealloc(t->v, t->cap * sizeof(*t->v));
			}
			s = &t->v[t->n++];
			memset(s, 0, sizeof(*s));
		}
		slot_set(s, &ts[i]);
		if (app && !s->app) {
			s->app = app;
			app = NULL;
			if (added)
				(*added)++;
		}
		pthread_rwlock_unlock(&t->lock);
		if (app) { /* lost a race with another sync: not expected, but harmless */
			tg_app_release(app);
			free(app);
		}
	}
	tg_arena_release(&a);
	return TG_OK;
}

enum tg_rc tg_tenancy_init(struct tg_tenancy *t, const char *db_url, struct tg_db *db,
                           const struct tg_tenancy_opts *opts)
{
	memset(t, 0, sizeof(*t));
	pthread_rwlock_init(&t->lock, NULL);
	t->db_url = tg_xstrdup(db_url);
	if (opts) {
		t->opts = *opts;
		t->opts.default_code = opts->default_code ? tg_xstrdup(opts->default_code) : NULL;
		t->opts.tile_url = opts->tile_url ? tg_xstrdup(opts->tile_url) : NULL;
	}
	enum tg_rc rc = tg_tenancy_sync(t, db, NULL);
	if (rc)
		return rc;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].app)
			return TG_OK;
	return TG_ERR_NOT_FOUND;
}

void tg_tenancy_release(struct tg_tenancy *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].app) {
			tg_app_release(t->v[i].app);
			free(t->v[i].app);
		}
		slot_free_strings(&t->v[i]);
	}
	free(t->v);
	free(t->db_url);
	free((char *)t->opts.default_code);
	free((char *)t->opts.tile_url);
	pthread_rwlock_destroy(&t->lock);
	memset(t, 0, sizeof(*t));
}

/* host without ":port", compared case-insensitively (hosts are stored in
 * lower case). */
static int host_eq(const char *stored, const char *host)
{
	size_t n = strlen(stored);
	if (strncasecmp(stored, host, n) != 0)
		return 0;
	return host[n] == '\0' || host[n] == ':';
}

static struct tg_app *slot_app(const struct tg_tenant_slot *s)
{
	return s->disabled ? NULL : s->app;
}

struct tg_app *tg_tenancy_resolve(struct tg_tenancy *t, const char *header_code, const char *host)
{
	struct tg_app *app = NULL;
	pthread_rwlock_rdlock(&t->lock);
	if (header_code) {
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(t->v[i].code, header_code) == 0) {
				app = slot_app(&t->v[i]);
				break;
			}
		goto out;
	}
	if (host && *host) {
		for (size_t i = 0; i < t->n; i++)
			for (size_t k = 0; k < t->v[i].n_hosts; k++)
				if (host_eq(t->v[i].hosts[k], host)) {
					app = slot_app(&t->v[i]);
					goto out;
				}
	}
	const char *def = t->opts.default_code ? t->opts.default_code : "default";
	if (*def) {
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(t->v[i].code, def) == 0) {
				app = slot_app(&t->v[i]);
				break;
			}
	}
out:
	pthread_rwlock_unlock(&t->lock);
	return app;
}

struct tg_app *tg_tenancy_app_at(struct tg_tenancy *t, size_t i, int *more)
{
	struct tg_app *app = NULL;
	pthread_rwlock_rdlock(&t->lock);
	*more = i < t->n;
	if (*more)
		app = slot_app(&t->v[i]);
	pthread_rwlock_unlock(&t->lock);
	return app;
}

const char *tg_tenancy_name(struct tg_tenancy *t, int64_t tenant_id, struct tg_arena *a)
{
	const char *name = NULL;
	pthread_rwlock_rdlock(&t->lock);
	struct tg_tenant_slot *s = find_id(t, tenant_id);
	if (s)
		name = tg_arena_strdup(a, s->name);
	pthread_rwlock_unlock(&t->lock);
	return name;
}

int tg_tenant_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > 32 || code[0] == '-' || code[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

int tg_tenant_host_ok(const char *host)
{
	size_t n = host ? strlen(host) : 0;
	if (n < 1 || n > 253 || host[0] == '.' || host[n - 1] == '.' || host[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = host[i];
		if (c == '.' && host[i + 1] == '.')
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}
