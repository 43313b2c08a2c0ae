/*
 * store.h - the one narrow storage interface.
 *
 * A struct tg_db is ONE database connection (not thread safe; the server
 * keeps one per worker thread). It is a struct of function pointers, so a
 * SQLite (store/sqlite.c) and a PostgreSQL (store/pg.c) implementation can
 * live behind it; no SQL exists outside src/store/.
 *
 * Conventions:
 *  - Every call returns enum tg_rc. Unknown id -> TG_ERR_NOT_FOUND;
 *    unique-key clash -> TG_ERR_CONFLICT; lock/serialization -> TG_ERR_BUSY.
 *  - Results are allocated from the caller's arena and live as long as it.
 *  - Writes are not implicitly transactional across calls: callers bracket
 *    related writes with tg_db_begin()/tg_db_commit() (tg_db_rollback() on
 *    error) so that nothing is half written. Each single call is atomic.
 *  - Timestamps are ISO 8601 UTC strings "YYYY-MM-DDTHH:MM:SSZ" produced by
 *    the store on write.
 *  - Resource reads fill the nested arrays (hours, exceptions, services,
 *    access) and org_name; list calls do so in batches, never per row.
 *
 * Tenants (migration 0003): a connection works for one tenant at a time,
 * db->tenant_id, set with tg_db_set_tenant() (the server does it per
 * request, the CLI per command). Every call on tenant data reads and writes
 * only that tenant's rows: each statement carries "tenant_id = ?" and each
 * insert the tenant's id, so ids, uuids and logins of another tenant are
 * TG_ERR_NOT_FOUND, and a reference to another tenant's organization or
 * area is refused (TG_ERR_INVALID; the composite foreign keys refuse it in
 * the database too). On PostgreSQL row-level security repeats the filter
 * (the connection's setting tsunagu.tenant follows db->tenant_id).
 *  - tenant_id 0 (the state after open): no tenant; reads of tenant data find
 *    nothing, writes fail.
 *  - TG_TENANT_ALL: whole-database work only (the copy ops of migrate-db,
 *    drop_all, migrate); on PostgreSQL it lifts row-level security. Do not
 *    call the tenant-scoped operations in it.
 * Shared data has no tenant: settings, tags, the built-in resource types
 * (custom types belong to a tenant; type_list gives the built-in ones and the
 * tenant's own), and the registry (tenant_* calls, any tenant_id).
 */
#ifndef TG_STORE_H
#define TG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "util/mem.h"
#include "util/rc.h"

struct tg_db;

/* Filter for tg_db_resource_list: keyset paging by id. */
struct tg_resource_filter {
	int64_t after_id;           /* return ids > after_id */
	size_t limit;               /* 0 = no limit */
	int64_t org_id;             /* 0 = any */
	const char *modified_after; /* ISO timestamp or NULL */
	int public_only;
	/* YYYY-MM-DD or NULL: only resources never verified or verified before
	 * that day (the verification-due list) */
	const char *verified_before;
};

struct tg_change {
	int64_t id;
	int64_t resource_id;
	int64_t user_id;       /* 0 = system (import, CLI) */
	const char *user_name; /* display name, filled on read */
	const char *at;
	const char *action;      /* "create" | "update" | "delete" | "import" | "verify" */
	const char *before_json; /* NULL for create */
	const char *after_json;  /* NULL for delete */
};

struct tg_audit {
	int64_t id;
	const char *at;
	int64_t user_id;
	const char *action;      /* "read", "create", "update", "delete", "login", ... */
	const char *object_type; /* "resource", "user", "session", ... */
	const char *object_id;
	const char *detail; /* never personal data */
};

struct tg_session {
	int64_t user_id;
	const char *csrf_token;
	const char *expires_at;
};

/* A tenant: one municipality or federation in the deployment. */
struct tg_tenant {
	int64_t id;
	const char *code;   /* 1-32 of [a-z0-9-], starting with a letter or digit */
	const char *name;   /* display name, e.g. "みなと市さくら区" */
	int disabled;       /* 1: its users cannot log in and nothing is served */
	const char **hosts; /* host names it answers on (lower case, no port) */
	size_t n_hosts;
	const char *created_at;
	const char *updated_at;
};

#define TG_TENANT_ALL ((int64_t)-1)

struct tg_db_copy_ops;

struct tg_db_ops {
	const char *name; /* "sqlite" */
	void (*close)(struct tg_db *db);
	enum tg_rc (*begin)(struct tg_db *db); /* write transaction (IMMEDIATE) */
	enum tg_rc (*commit)(struct tg_db *db);
	void (*rollback)(struct tg_db *db);
	/* Apply pending migrations; *applied = how many. Idempotent. */
	enum tg_rc (*migrate)(struct tg_db *db, int *applied);
	/* Current schema version (0 = empty database). */
	enum tg_rc (*schema_version)(struct tg_db *db, int *version);
	/* Online, consistent copy to a new file/database at dest. */
	enum tg_rc (*backup)(struct tg_db *db, const char *dest);
	/* Bulk mode for large imports: 1 = give this connection a large page
	 * cache so one big transaction does not spill pages mid-way; 0 = back
	 * to the normal size. Inside begin() in bulk mode a failed write fails
	 * the whole transaction (PostgreSQL: no savepoints), and a write may
	 * report its failure from the next call or from commit instead of its
	 * own return (resource_insert_many), and from every call after it until
	 * rollback. Call bulk(0) only outside begin(). Else a hint:
	 * implementations may do nothing. */
	void (*bulk)(struct tg_db *db, int on);
	/* Inside begin(): wait until no other transaction of the tenant that
	 * creates organizations or areas by name (an import) is running, as
	 * SQLite's IMMEDIATE transactions already do; held until COMMIT or
	 * ROLLBACK. A wait past the busy timeout is TG_ERR_BUSY. NULL: nothing
	 * to do. */
	enum tg_rc (*lock_names)(struct tg_db *db);
	/* Last error text, for logs (never contains row data). */
	const char *(*errmsg)(struct tg_db *db);
	/* Drop every tsunagu table (and schema_migrations), leaving an empty
	 * database for migrate(): `tsunagu demo --force` and the tests on a
	 * server database. Optional: NULL where deleting the file does it
	 * (SQLite). Not inside begin(). */
	enum tg_rc (*drop_all)(struct tg_db *db);

	/* The tenant registry (not tenant-scoped). Lists in id order, each with
	 * its hosts. insert sets id and timestamps and stores the hosts; a code or
	 * host already taken -> TG_ERR_CONFLICT. update replaces name, disabled
	 * and the hosts of t->id. */
	enum tg_rc (*tenant_list)(struct tg_db *db, struct tg_arena *a, struct tg_tenant **out, size_t *n);
	enum tg_rc (*tenant_get_by_code)(struct tg_db *db, struct tg_arena *a, const char *code, struct tg_tenant *out);
	enum tg_rc (*tenant_insert)(struct tg_db *db, struct tg_tenant *t);
	enum tg_rc (*tenant_update)(struct tg_db *db, const struct tg_tenant *t);

	/* settings: small key/value configuration of the deployment (shared) */
	enum tg_rc (*setting_get)(struct tg_db *db, struct tg_arena *a, const char *key, const char **value);
	enum tg_rc (*setting_set)(struct tg_db *db, const char *key, const char *value);

	/* areas, in (level, id) order */
	enum tg_rc (*area_list)(struct tg_db *db, struct tg_arena *a, struct tg_area **out, size_t *n);
	/* Find by (parent_id, level, name) or insert; sets area->id. */
	enum tg_rc (*area_ensure)(struct tg_db *db, struct tg_area *area);
	/* Optional (NULL: call area_ensure per area). The same as
	 * area_ensure(areas[i]) for i = 0..n-1 in order: the same rows and ids
	 * (an area named twice gets one id; the ids of new areas may skip
	 * numbers). Parents must exist already: ensure a level before the
	 * next. For large imports (a few statements instead of two round trips
	 * per new area). */
	enum tg_rc (*area_ensure_many)(struct tg_db *db, struct tg_area *const *areas, size_t n);

	/* organizations */
	enum tg_rc (*org_get)(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_org *out);
	enum tg_rc (*org_get_by_uuid)(struct tg_db *db, struct tg_arena *a, const char *uuid, struct tg_org *out);
	enum tg_rc (*org_find_by_name)(struct tg_db *db, struct tg_arena *a, const char *name, struct tg_org *out);
	enum tg_rc (*org_list)(struct tg_db *db, struct tg_arena *a, int64_t after_id, size_t limit,
	                       struct tg_org **out, size_t *n);
	/* The organizations of ids[0..n) (repeats allowed), each once, in id
	 * order; ids of none are left out. For a page of places, each naming
	 * its organization: one query instead of one org_get per place. */
	enum tg_rc (*org_get_many)(struct tg_db *db, struct tg_arena *a, const int64_t *ids, size_t n,
	                           struct tg_org **out, size_t *n_out);
	enum tg_rc (*org_count)(struct tg_db *db, int64_t *n);
	enum tg_rc (*org_insert)(struct tg_db *db, struct tg_org *org); /* sets id, uuid if NULL */
	/* Optional (NULL: call org_insert per org). Insert n organizations: the
	 * same rows, ids and results as org_insert(orgs[i]) for i = 0..n-1 in
	 * order (sets id, uuid if NULL, created_at, updated_at). Atomic: all n
	 * or nothing. For large imports (one round trip per chunk of new orgs). */
	enum tg_rc (*org_insert_many)(struct tg_db *db, struct tg_org *const *orgs, size_t n);
	enum tg_rc (*org_update)(struct tg_db *db, const struct tg_org *org);

	/* users */
	enum tg_rc (*user_get)(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_user *out);
	enum tg_rc (*user_get_by_login)(struct tg_db *db, struct tg_arena *a, const char *login, struct tg_user *out);
	enum tg_rc (*user_list)(struct tg_db *db, struct tg_arena *a, int64_t org_id /* 0 = all */,
	                        struct tg_user **out, size_t *n);
	enum tg_rc (*user_insert)(struct tg_db *db, struct tg_user *u); /* sets id */
	/* Updates org_id, display_name, role, disabled (not the password). */
	enum tg_rc (*user_update)(struct tg_db *db, const struct tg_user *u);
	enum tg_rc (*user_set_password)(struct tg_db *db, int64_t user_id, const char *hash);

	/* sessions, keyed by a hash of the cookie token (the token is never stored) */
	enum tg_rc (*session_insert)(struct tg_db *db, const char *token_hash, int64_t user_id, const char *csrf_token,
	                             const char *expires_at);
	enum tg_rc (*session_get)(struct tg_db *db, struct tg_arena *a, const char *token_hash,
	                          struct tg_session *out); /* expired -> TG_ERR_NOT_FOUND */
	enum tg_rc (*session_delete)(struct tg_db *db, const char *token_hash);
	enum tg_rc (*session_delete_user)(struct tg_db *db, int64_t user_id, const char *keep_token_hash);

	/* resource types and tags */
	/* Built-in types and the tenant's own. insert adds a custom type to the
	 * tenant; a code taken by a built-in type or the tenant's own ->
	 * TG_ERR_CONFLICT (another tenant's codes do not clash). */
	enum tg_rc (*type_list)(struct tg_db *db, struct tg_arena *a, struct tg_resource_type **out, size_t *n);
	enum tg_rc (*type_insert)(struct tg_db *db, const struct tg_resource_type *t);
	enum tg_rc (*tag_list)(struct tg_db *db, struct tg_arena *a, struct tg_tag **out, size_t *n);

	/* resources */
	enum tg_rc (*resource_get)(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_resource *out);
	enum tg_rc (*resource_get_by_uuid)(struct tg_db *db, struct tg_arena *a, const char *uuid,
	                                   struct tg_resource *out);
	enum tg_rc (*resource_get_by_source)(struct tg_db *db, struct tg_arena *a, const char *source,
	                                     const char *source_id, struct tg_resource *out);
	/* Optional (NULL: call resource_get_by_source per pair). For i = 0..n-1,
	 * out[i] = the resource (sources[i], source_ids[i]) exactly as
	 * resource_get_by_source fills it (every field, nested arrays in the
	 * same order), or all zero (id 0) when there is none; a NULL source or
	 * source_id is "" as there. A pair asked twice gets the same values
	 * (shared arrays). out has room for n. For imports, which compare every
	 * row of a file with the stored one: a few statements per chunk instead
	 * of a few per row. */
	enum tg_rc (*resource_get_by_source_many)(struct tg_db *db, struct tg_arena *a, const char *const *sources,
	                                          const char *const *source_ids, size_t n, struct tg_resource *out);
	/* Fetch many by id, in the order given; missing ids are skipped. */
	enum tg_rc (*resource_get_many)(struct tg_db *db, struct tg_arena *a, const int64_t *ids, size_t n_ids,
	                                struct tg_resource **out, size_t *n);
	enum tg_rc (*resource_list)(struct tg_db *db, struct tg_arena *a, const struct tg_resource_filter *f,
	                            struct tg_resource **out, size_t *n);
	enum tg_rc (*resource_count)(struct tg_db *db, const struct tg_resource_filter *f, int64_t *n);
	/* Insert; sets r->id, r->uuid (if NULL), version = 1, timestamps.
	 * search_text is the normalized text the search index uses. */
	enum tg_rc (*resource_insert)(struct tg_db *db, struct tg_resource *r, const char *search_text);
	/* Optional (NULL: call the two below per row). Insert n resources, each
	 * followed by its history row: the same rows, ids and results as
	 * resource_insert(rs[i], search_texts[i]) then change_insert() of
	 * {resource_id = rs[i]->id, user_id = ch->user_id, action = ch->action}
	 * for i = 0..n-1 in order (ch->before_json and after_json must be NULL).
	 * Atomic: all n or nothing. For large imports, where one call per
	 * chunk of rows saves a round trip per statement. In bulk mode inside
	 * begin() it may return once the rows are sent (PostgreSQL), with the
	 * ids already set: the server writes them while the caller prepares
	 * the next chunk, and a failure comes out of the next call or commit. */
	enum tg_rc (*resource_insert_many)(struct tg_db *db, struct tg_resource *const *rs,
	                                   const char *const *search_texts, size_t n, const struct tg_change *ch);
	/* Update when the stored version equals r->version (else TG_ERR_CONFLICT);
	 * bumps r->version, sets updated_at. Replaces nested arrays. */
	enum tg_rc (*resource_update)(struct tg_db *db, struct tg_resource *r, const char *search_text);
	enum tg_rc (*resource_delete)(struct tg_db *db, int64_t id);
	/* Replace the stored search text of a resource (derived data: when the
	 * name of its organization changes) and set updated_at, so that other
	 * processes' indexes pick it up; the version stays. Every write of a
	 * search text also records TG_SEARCH_TEXT_VERSION (resources.text_version). */
	enum tg_rc (*resource_set_search_text)(struct tg_db *db, int64_t id, const char *search_text);
	/* Replace the stored search text of a resource whose version is still
	 * `version` and whose text is still of older rules (else
	 * TG_ERR_CONFLICT, also when it is gone: an edit, or an organization's
	 * rename, which does not change the version, stored a current text) by
	 * one built with the current rules (NULL: the stored one reads the same), and
	 * mark it TG_SEARCH_TEXT_VERSION, leaving updated_at and the version
	 * alone: the resource did not change, only the rules its text is built
	 * with. An edit made meanwhile has stored a current text already. */
	enum tg_rc (*resource_rewrite_search_text)(struct tg_db *db, int64_t id, int64_t version,
	                                           const char *search_text);

	/* change history of resources */
	enum tg_rc (*change_insert)(struct tg_db *db, const struct tg_change *c);
	enum tg_rc (*change_list)(struct tg_db *db, struct tg_arena *a, int64_t resource_id, struct tg_change **out,
	                          size_t *n); /* newest first */
	/* The tenant's newest change id (0 when none), and the resource ids
	 * deleted by its changes after_id < id <= upto_id (action "delete"), in
	 * change order. A server's index refresher uses them to drop resources
	 * that another process deleted. */
	enum tg_rc (*change_mark)(struct tg_db *db, int64_t *last_id);
	/* How many of the tenant's resources have updated_at equal to the given
	 * timestamp, and the sums of their versions and of their ids. The index
	 * refresher tells by them whether the rows of its latest second changed
	 * again within that second (timestamps have one-second resolution;
	 * every update raises a row's version). */
	enum tg_rc (*resource_versions_at)(struct tg_db *db, const char *updated_at, int64_t *count,
	                                   int64_t *version_sum, int64_t *id_sum);
	enum tg_rc (*change_deletions)(struct tg_db *db, struct tg_arena *a, int64_t after_id, int64_t upto_id,
	                               int64_t **resource_ids, size_t *n);

	/* audit log */
	enum tg_rc (*audit_insert)(struct tg_db *db, const struct tg_audit *e);
	enum tg_rc (*audit_list)(struct tg_db *db, struct tg_arena *a, int64_t before_id, size_t limit,
	                         struct tg_audit **out, size_t *n); /* newest first */

	/* The (source, source_id) of every resource whose source is one of
	 * sources[0..n_sources) (distinct) and whose source_id is not NULL, in any order:
	 * out_sources[i], out_ids[i] for i < *n (*n = 0 when none; a NULL
	 * source is ""). Lets an import look up only the rows that can exist
	 * instead of querying once per row, with one query for all of a file's
	 * sources (the bench file has 1,786: one round trip each cost 0.8 s). */
	enum tg_rc (*resource_source_ids)(struct tg_db *db, struct tg_arena *a, const char *const *sources,
	                                  size_t n_sources, const char ***out_sources, const char ***out_ids,
	                                  size_t *n);

	/* Schema-driven whole-database copy (`tsunagu migrate-db`), below. */
	const struct tg_db_copy_ops *copy;
};

struct tg_db {
	const struct tg_db_ops *ops;
	int64_t tenant_id; /* the tenant every call works for; see the top */
};

static inline void tg_db_set_tenant(struct tg_db *db, int64_t tenant_id)
{
	db->tenant_id = tenant_id;
}

/*
 * Generic, schema-driven copy of a whole database (`tsunagu migrate-db`,
 * store/copy.c), through db->ops->copy. Nothing here knows tsunagu's tables:
 * they come from the database's own catalog, so a new migration needs no
 * change. Values travel as typed cells, exactly:
 *   TG_VAL_NULL; TG_VAL_INT (64-bit); TG_VAL_REAL (a double, bit for bit:
 *   PostgreSQL's text form is read with extra_float_digits = 3 and written as
 *   "%.17g"); TG_VAL_TEXT (bytes and length unchanged; no NUL bytes).
 * A column's kind comes from its declared type (SQLite affinity rules:
 * "INT" -> INT; "CHAR", "CLOB", "TEXT" -> TEXT; "REAL", "FLOA", "DOUB" ->
 * REAL; PostgreSQL: smallint/integer/bigint, real/double precision, text and
 * varchar); a stored value of another kind (possible in SQLite) is refused
 * with TG_ERR_INVALID rather than converted.
 * Identifiers are quoted ("name") in the SQL; copy.c accepts only
 * [A-Za-z_][A-Za-z0-9_]* names.
 */
enum tg_val_kind { TG_VAL_NULL, TG_VAL_INT, TG_VAL_REAL, TG_VAL_TEXT };

struct tg_value {
	enum tg_val_kind kind;
	int64_t i;     /* TG_VAL_INT */
	double d;      /* TG_VAL_REAL */
	const char *s; /* TG_VAL_TEXT: len bytes, NUL-terminated */
	size_t len;
};

struct tg_column {
	const char *name;
	enum tg_val_kind kind; /* TG_VAL_INT, TG_VAL_REAL or TG_VAL_TEXT */
	int pk;                /* 1-based position in the primary key, 0 = not in it */
};

struct tg_table {
	const char *name;
	const char **deps; /* tables its foreign keys reference (not itself) */
	size_t n_deps;
};

/* rows_read hands each row to fn; values are valid during the call only.
 * A non-zero return stops the read and is returned by rows_read. */
typedef enum tg_rc (*tg_row_fn)(void *ctx, const struct tg_value *row, size_t ncols);

struct tg_db_copy_ops {
	/* The tables of the database (its current schema), without
	 * schema_migrations and the database's own (sqlite_*), in dependency
	 * order: a table comes after every table its foreign keys reference
	 * (ties by name, so both databases give the same order). */
	enum tg_rc (*table_list)(struct tg_db *db, struct tg_arena *a, struct tg_table **out, size_t *n);
	/* Columns of a table in declaration order (*n = 0: no such table). */
	enum tg_rc (*table_columns)(struct tg_db *db, struct tg_arena *a, const char *table, struct tg_column **out,
	                            size_t *n);
	enum tg_rc (*table_count)(struct tg_db *db, const char *table, int64_t *n);
	/* DELETE every row of a table (the vocabulary rows migrations insert,
	 * before a copy replaces them). */
	enum tg_rc (*table_clear)(struct tg_db *db, const char *table);
	/* Open a read-only transaction whose reads all see one snapshot (SQLite:
	 * a deferred BEGIN, whose WAL snapshot does not block writers;
	 * PostgreSQL: REPEATABLE READ READ ONLY). End it with rollback(). */
	enum tg_rc (*snapshot)(struct tg_db *db);
	/* Stream every row of table, the given columns in that order, sorted by
	 * the primary key (tables without one: by every column, NULLs first),
	 * text compared as bytes on both databases. Memory stays bounded: SQLite
	 * steps one statement, PostgreSQL uses single-row mode. */
	enum tg_rc (*rows_read)(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
	                        tg_row_fn fn, void *ctx);
	/* Insert rows (nrows x ncols values, row-major) with explicit ids;
	 * atomic like every call (a savepoint inside begin()). */
	enum tg_rc (*rows_write)(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
	                         const struct tg_value *rows, size_t nrows);
	/* After inserting explicit ids: PostgreSQL moves every identity
	 * sequence past MAX(id) of its table; SQLite needs nothing (rowids
	 * continue from the largest). */
	enum tg_rc (*sequences_reset)(struct tg_db *db);
};

/* Sort tables into dependency order in place (Kahn, ties by name; a
 * cycle keeps the remaining tables in name order). For the
 * implementations of table_list (store/copy.c). */
void tg_store_sort_tables(struct tg_table *t, size_t n);

/*
 * Open a connection. url is a SQLite path ("data/x.db", "sqlite:PATH") or a
 * libpq URL ("postgresql://...", "postgres://..."). create: make the file if
 * missing (SQLite; a PostgreSQL database must exist).
 * On error returns NULL and writes a message into err (size errlen).
 */
struct tg_db *tg_db_open(const char *url, int create, char *err, size_t errlen);

/* Shorthands for db->ops->begin/commit/rollback/close (store/db.c);
 * tg_db_close(NULL) does nothing. */
enum tg_rc tg_db_begin(struct tg_db *db);
enum tg_rc tg_db_commit(struct tg_db *db);
void tg_db_rollback(struct tg_db *db);
void tg_db_close(struct tg_db *db);

/* SQLite implementation entry point (store/sqlite.c). */
struct tg_db *tg_sqlite_open(const char *path, int create, char *err, size_t errlen);

/* PostgreSQL implementation entry point (store/pg.c); url is a libpq URL. */
struct tg_db *tg_pg_open(const char *url, int create, char *err, size_t errlen);

/* A migration's text for one database, "sqlite" or "postgresql": the
 * "-- @both" sections and those of that dialect (malloc'd; store/migrate_sql.c). */
char *tg_migration_sql(const char *sql, const char *dialect);

/* The PostgreSQL text of a portable migration (malloc'd); see store/pg.c. */
char *tg_pg_rewrite_migration(const char *sql);

/* 1 when url names a database server (postgresql:// or postgres://), 0 for a
 * SQLite file. */
int tg_db_url_is_server(const char *url);

/* 0 when url is a form tg_db_open() understands; -1, with a message in err,
 * when it starts with a URL scheme ("name://") other than postgresql:// and
 * postgres:// (it would otherwise be taken for a file path). */
int tg_db_url_check(const char *url, char *err, size_t errlen);

#endif
