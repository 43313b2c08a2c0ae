/*
 * tenancy.h - the tenants a server serves, and which one a request is for.
 *
 * A deployment holds one or more tenants (municipalities, federations; the
 * store's registry, migration 0003). The server keeps one struct tg_app per
 * enabled tenant (its index, caches and reference data), created at start
 * and, for tenants added later with `tsunagu tenant add`, by
 * tg_tenancy_sync() (the server's background thread calls it every few
 * seconds). An app lives until tg_tenancy_release(): pointers returned by
 * the lookups stay valid while the server runs.
 *
 * Which tenant a request is for (tg_tenancy_resolve), first match wins:
 *   1. the header X-Tsunagu-Tenant: CODE (scripts and other systems on a
 *      shared host name); an unknown or disabled code is an error, never a
 *      fallback;
 *   2. the Host header (port and case ignored) among the tenants' hosts;
 *   3. the default tenant (serve --default-tenant CODE, "default" unless
 *      given; "" for none: then requests that match no host are refused).
 * A session belongs to one tenant: the store looks it up in the request's
 * tenant only, so a cookie of tenant A is no session at tenant B.
 *
 * Thread safety: the registry is guarded by a rwlock; lookups take it for
 * reading, sync for writing.
 */
#ifndef TG_TENANCY_H
#define TG_TENANCY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "store/store.h"
#include "util/mem.h"

struct tg_tenancy_opts {
	const char *default_code; /* NULL = "default"; "" = no default tenant */
	const char *tile_url;     /* NULL = the database setting or the built-in default */
	int tile_trusted;         /* 1: the tile server is the deployment's own (serve --tile-trusted) */
	int secure_cookies;
	int verify_after_days; /* 0 = the database setting */
	int search_cache;      /* answers the index memoizes (search.h), 0 = none */
};

struct tg_tenant_slot {
	int64_t id;
	char *code;
	char *name;
	char **hosts;
	size_t n_hosts;
	int disabled;
	struct tg_app *app; /* NULL while disabled and never enabled since start */
};

struct tg_tenancy {
	char *db_url;
	struct tg_tenancy_opts opts; /* strings owned */
	pthread_rwlock_t lock;
	struct tg_tenant_slot *v;
	size_t n, cap;
	volatile int stopping;
};

/* Load the registry with db and create an app for every enabled tenant.
 * TG_ERR_NOT_FOUND when there is no enabled tenant at all. */
enum tg_rc tg_tenancy_init(struct tg_tenancy *t, const char *db_url, struct tg_db *db,
                           const struct tg_tenancy_opts *opts);
void tg_tenancy_release(struct tg_tenancy *t);

/* Re-read the registry: new tenants get an app (*added counts them, their
 * index still to be loaded), renamed, re-hosted, disabled and re-enabled
 * tenants change in place. */
enum tg_rc tg_tenancy_sync(struct tg_tenancy *t, struct tg_db *db, size_t *added);

/* The app of the request's tenant (rules above), or NULL when the header
 * names no enabled tenant, or nothing matched and there is no default. */
struct tg_app *tg_tenancy_resolve(struct tg_tenancy *t, const char *header_code, const char *host);

/* The i-th app (registry order), NULL past the end or for a disabled slot
 * without one; for the background index thread. *more = 0 past the end. */
struct tg_app *tg_tenancy_app_at(struct tg_tenancy *t, size_t i, int *more);

/* The tenant's display name, copied into a (NULL if unknown). */
const char *tg_tenancy_name(struct tg_tenancy *t, int64_t tenant_id, struct tg_arena *a);

/* 1 when code is a valid tenant code: 1-32 of [a-z0-9-], not starting
 * or ending with '-'. */
int tg_tenant_code_ok(const char *code);
/* 1 when host is a plausible host name: 1-253 of [a-z0-9.-] (lower case),
 * no empty label. */
int tg_tenant_host_ok(const char *host);

#endif
