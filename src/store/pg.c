/*
 * pg.c - the PostgreSQL implementation of struct tg_db_ops (store/store.h),
 * through libpq. Same tables as store/sqlite.c (see the list at its top), same
 * migrations (src/store/migrations/NNNN_name.sql, rewritten for PostgreSQL by
 * tg_pg_rewrite_migration() below),
 * same results and result codes.
 *
 * Invariants:
 *  - One struct pg_db is one PGconn, used by one thread at a time.
 *  - Every statement is prepared once per connection by name ("tgN", N the
 *    slot) with PQprepare and run with PQexecPrepared; parameters and results
 *    travel in text format, except the arrays of resource_insert_many, bound
 *    in binary (store/pg_array.h: the server reads the 100,000-row bench
 *    file's in 0.22 s instead of 0.66 s). The SQL below is written with "?"
 *    like sqlite.c's and numbered ($1, $2, ...) once, when it is prepared
 *    (to_dollar()).
 *  - Transactions: begin() is BEGIN ISOLATION LEVEL READ COMMITTED. The writes
 *    tsunagu makes are safe under it: the optimistic resource update
 *    ("... WHERE id = ? AND version = ?") is re-checked by PostgreSQL on the
 *    latest row version after a row-lock wait, unique keys are enforced by
 *    indexes, and nothing reads-then-writes without such a guard (area_ensure
 *    retries its lookup after a unique clash).
 *  - Each call is atomic: a call that writes several rows runs in its own
 *    BEGIN ... COMMIT, or in SAVEPOINT tg_call inside begin(). Unlike SQLite,
 *    a failed statement aborts a whole PostgreSQL transaction, so inside
 *    begin() every writing call (single statement or not) runs in the
 *    savepoint: a failed call undoes only itself and the caller's transaction
 *    stays usable, exactly as with SQLite.
 *  - Serialization failures and deadlocks (40001, 40P01) are retried up to
 *    MAX_TRIES times when the call owns its transaction; inside begin() they
 *    are TG_ERR_BUSY (the caller owns the transaction and must redo it).
 *    A lock wait longer than lock_timeout (5 s, like SQLite's busy timeout)
 *    is TG_ERR_BUSY too.
 *  - A lost connection is re-established once (PQreset) for a call outside a
 *    transaction, and the call is run again; inside a transaction the work is
 *    lost, so the call returns TG_ERR_BUSY and the next rollback() resets.
 *  - Nested rows are loaded per batch of up to CHUNK ids with
 *    "resource_id = ANY($1::bigint[])": one query per child table and batch.
 *  - errmsg() holds the operation and PostgreSQL's primary message (names of
 *    tables, columns and constraints); never the DETAIL line, which quotes
 *    key values, and for data exceptions (class 22) only the SQLSTATE.
 *  - Timestamps are produced by the C clock as "YYYY-MM-DDTHH:MM:SSZ" text,
 *    like sqlite.c; columns are TEXT on both databases.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/search.h"
#include "store/hours_col.h"
#include "store/pg_array.h"
#include "store/migrations.h"
#include "util/buf.h"
#include "util/log.h"

#define CHUNK        500 /* ids per "= ANY($1)" batch */
#define MAX_TRIES    4   /* attempts for a serialization failure or deadlock */
#define MAX_PARAMS   64  /* the widest statement (resource_insert_many) binds 56 */
#define LOCK_TIMEOUT "5s"

enum {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_SETTING_GET,
	S_SETTING_SET,
	S_AREA_LIST,
	S_AREA_FIND,
	S_AREA_INSERT,
	S_AREA_FIND_MANY,
	S_AREA_INSERT_MANY,
	S_ORG_GET,
	S_ORG_GET_UUID,
	S_ORG_FIND_NAME,
	S_ORG_LIST,
	S_ORG_COUNT,
	S_ORG_INSERT,
	S_ORG_INSERT_MANY,
	S_ORG_GET_MANY,
	S_RES_RELTUPLES,
	S_ORG_UPDATE,
	S_USER_GET,
	S_USER_GET_LOGIN,
	S_USER_LIST,
	S_USER_INSERT,
	S_USER_UPDATE,
	S_USER_SET_PW,
	S_SESS_INSERT,
	S_SESS_PURGE,
	S_SESS_GET,
	S_SESS_DELETE,
	S_SESS_DELETE_USER,
	S_TYPE_LIST,
	S_TYPE_INSERT,
	S_TAG_LIST,
	S_RES_GET,
	S_RES_GET_UUID,
	S_RES_GET_SOURCE,
	S_RES_GET_SOURCE_MANY,
	S_RES_INSERT,
	S_RES_IDS,
	S_RES_INSERT_MANY,
	S_RES_UPDATE,
	S_RES_EXISTS,
	S_RES_DELETE,
	S_RES_SET_TEXT,
	S_RES_REWRITE_TEXT,
	S_CHANGE_MARK,
	S_CHANGE_DELETIONS,
	S_RES_VERSIONS_AT,
	S_RES_SOURCE_IDS,
	S_CHILDREN_INSERT,
	S_CHANGE_INSERT,
	S_CHANGE_LIST,
	S_AUDIT_INSERT,
	S_AUDIT_LIST,
	S_MANY,
	S_CH_EXC,
	S_CH_TAGS,
	S_TENANT_LIST,
	S_TENANT_GET_CODE,
	S_TENANT_INSERT,
	S_TENANT_UPDATE,
	S_TENANT_HOST_INSERT,
	S_TENANT_HOST_DEL,
	S_MIG_APPLIED,
	S_MIG_INSERT,
	S__FIXED
};

#define LIST_VARIANTS    16 /* bit 1: org_id, 2: modified_after, 4: public_only, 8: verified_before */
#define SLOT_LIST(mask)  (S__FIXED + (int)(mask))
#define SLOT_COUNT(mask) (S__FIXED + LIST_VARIANTS + (int)(mask))
#define N_SLOTS          (S__FIXED + 2 * LIST_VARIANTS)

#define ORG_COLS  "id, uuid, name, name_kana, kind, area_id, phone, email, url, description, created_at, updated_at"
#define USER_COLS "id, org_id, login, display_name, role, disabled, password_hash, created_at"
#define RES_COLS                                                                                                       \
	"r.id, r.uuid, r.org_id, o.name, r.type_code, r.name, r.name_kana, r.description, r.area_id, "                 \
	"r.postal_code, r.prefecture, r.city, r.address_line, r.building, r.lat, r.lon, r.phone, "                     \
	"r.email, r.url, r.age_min_months, r.age_max_months, r.fee_free, r.fee_text, r.capacity, "                     \
	"r.accessibility_notes, r.schedule_note, r.is_public, r.is_confidential, r.front_door, "                       \
	"r.verified_at, r.source, r.source_id, r.created_at, r.updated_at, r.version, r.search_text, r.text_version, " \
	"r.hours"
#define RES_FROM " FROM resources r JOIN orgs o ON o.tenant_id = r.tenant_id AND o.id = r.org_id"
/* The type_code written by insert and update: the code when it names a
 * built-in type or one of the tenant's own, else NULL, which the NOT NULL
 * constraint refuses (23502 -> TG_ERR_INVALID, errmsg "unknown resource
 * type"); resources has no foreign key to resource_types since 0003. */
#define RES_TYPE                                                                                                       \
	"(SELECT t.code FROM resource_types t WHERE t.code = ? AND (t.tenant_id IS NULL OR t.tenant_id = ?) "          \
	"LIMIT 1)"
/* The nested rows of the resource in CTE src (columns id, tenant_id), from
 * arrays (one round trip whatever their number): exceptions as text[] day,
 * integer[] closed, open_min, close_min and text[] note, tags as one text[]
 * of codes (services and access: the kind comes from tags). Data-modifying
 * CTEs run whether or not the query reads them. (The hours are a column of
 * the resource since 0007: store/hours_col.h.) */
#define CHILDREN(src)                                                                                                  \
	", e AS (INSERT INTO resource_exceptions (tenant_id, resource_id, day, closed, open_min, close_min, note) "    \
	"SELECT s.tenant_id, s.id, x.d, x.cl, x.o, x.c, x.n FROM " src " s, "                                          \
	"unnest(?::text[], ?::integer[], ?::integer[], ?::integer[], ?::text[]) AS x(d, cl, o, c, n)), "               \
	"t AS (INSERT INTO resource_tags (tenant_id, resource_id, tag_code) "                                          \
	"SELECT s.tenant_id, s.id, x.code FROM " src " s, unnest(?::text[]) AS x(code))"
#define TENANT_COLS                                                                                                    \
	"t.id, t.code, t.name, t.disabled, t.created_at, t.updated_at, h.host FROM tenants t "                         \
	"LEFT JOIN tenant_hosts h ON h.tenant_id = t.id"
#define RES_WCOLS                                                                                                      \
	"org_id, type_code, name, name_kana, description, area_id, postal_code, prefecture, city, "                    \
	"address_line, building, lat, lon, phone, email, url, age_min_months, age_max_months, "                        \
	"fee_free, fee_text, capacity, accessibility_notes, schedule_note, is_public, "                                \
	"is_confidential, front_door, verified_at, source, source_id, search_text, hours"

/* "?" placeholders are numbered at prepare time. Differences from sqlite.c:
 * BEGIN with an isolation level, explicit ::bigint where PostgreSQL would
 * otherwise infer int4 from a literal, COLLATE "C" where text order matters
 * (SQLite compares bytes), and = ANY(?::bigint[]) instead of IN (?, ...). */
static const char *const fixed_sql[S__FIXED] = {
    [S_BEGIN] = "BEGIN ISOLATION LEVEL READ COMMITTED",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT tg_call",
    [S_RELEASE] = "RELEASE SAVEPOINT tg_call",
    [S_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT tg_call",
    [S_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",
    [S_SETTING_SET] = "INSERT INTO settings (key, value) VALUES (?, ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [S_AREA_LIST] = "SELECT id, parent_id, level, name, name_kana FROM areas WHERE tenant_id = ? "
                    "ORDER BY level, id",
    [S_AREA_FIND] = "SELECT id FROM areas WHERE tenant_id = ? AND COALESCE(parent_id, 0) = ?::bigint "
                    "AND level = ? AND name = ?",
    [S_AREA_INSERT] = "INSERT INTO areas (tenant_id, parent_id, level, name, name_kana) VALUES (?, ?, ?, ?, ?) "
                      "RETURNING id",
    /* area_ensure_many: the areas of arrays (parent_id, 0 for none; level;
     * name) that exist, by their 1-based position; then the missing ones
     * inserted in array order (a clash, with another connection or a
     * repeat in the arrays, is left to the next find) */
    [S_AREA_FIND_MANY] = "SELECT x.ord, a.id FROM unnest(?::bigint[], ?::integer[], ?::text[]) WITH ORDINALITY "
                         "AS x(p, l, n, ord) JOIN areas a ON a.tenant_id = ? AND COALESCE(a.parent_id, 0) = x.p "
                         "AND a.level = x.l AND a.name = x.n",
    [S_AREA_INSERT_MANY] = "INSERT INTO areas (tenant_id, parent_id, level, name, name_kana) "
                           "SELECT ?::bigint, NULLIF(x.p, 0), x.l, x.n, x.k FROM unnest(?::bigint[], "
                           "?::integer[], ?::text[], ?::text[]) WITH ORDINALITY AS x(p, l, n, k, ord) "
                           "ORDER BY x.ord ON CONFLICT DO NOTHING",
    [S_ORG_GET] = "SELECT " ORG_COLS " FROM orgs WHERE tenant_id = ? AND id = ?",
    [S_ORG_GET_UUID] = "SELECT " ORG_COLS " FROM orgs WHERE tenant_id = ? AND uuid = ?",
    [S_ORG_FIND_NAME] = "SELECT " ORG_COLS " FROM orgs WHERE tenant_id = ? AND name = ? ORDER BY id LIMIT 1",
    [S_ORG_LIST] = "SELECT " ORG_COLS " FROM orgs WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?",
    /* rows of resources as the last ANALYZE counted them (bulk_analyze) */
    [S_RES_RELTUPLES] = "SELECT reltuples::bigint FROM pg_class WHERE oid = 'resources'::regclass",
    [S_ORG_GET_MANY] = "SELECT " ORG_COLS " FROM orgs WHERE tenant_id = ? AND id = ANY(?::bigint[]) ORDER BY id",
    [S_ORG_COUNT] = "SELECT COUNT(*) FROM orgs WHERE tenant_id = ?",
    [S_ORG_INSERT] = "INSERT INTO orgs (tenant_id, uuid, name, name_kana, kind, area_id, phone, email, url, "
                     "description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "RETURNING id",
    /* org_insert_many: rows in array order, so the identity column gives
     * them the ids of n org_insert calls; RETURNING maps ids by uuid */
    [S_ORG_INSERT_MANY] = "INSERT INTO orgs (tenant_id, uuid, name, name_kana, kind, area_id, phone, email, url, "
                          "description, created_at, updated_at) SELECT ?::bigint, x.uuid, x.name, x.name_kana, "
                          "x.kind, x.area_id, x.phone, x.email, x.url, x.description, ?::text, ?::text "
                          "FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], "
                          "?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS x(uuid, name, name_kana, kind, "
                          "area_id, phone, email, url, description, ord) ORDER BY x.ord RETURNING id, uuid",
    [S_ORG_UPDATE] = "UPDATE orgs SET name = ?, name_kana = ?, kind = ?, area_id = ?, phone = ?, "
                     "email = ?, url = ?, description = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
    [S_USER_GET] = "SELECT " USER_COLS " FROM users WHERE tenant_id = ? AND id = ?",
    [S_USER_GET_LOGIN] = "SELECT " USER_COLS " FROM users WHERE tenant_id = ? AND login = ?",
    [S_USER_LIST] = "SELECT " USER_COLS " FROM users WHERE tenant_id = ? AND (?::bigint = 0 OR org_id = ?) "
                    "ORDER BY id",
    [S_USER_INSERT] = "INSERT INTO users (tenant_id, org_id, login, display_name, role, password_hash, "
                      "disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [S_USER_UPDATE] = "UPDATE users SET org_id = ?, display_name = ?, role = ?, disabled = ?, "
                      "updated_at = ? WHERE tenant_id = ? AND id = ?",
    [S_USER_SET_PW] = "UPDATE users SET password_hash = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
    [S_SESS_PURGE] = "DELETE FROM sessions WHERE tenant_id = ? AND expires_at < ?",
    [S_SESS_INSERT] = "INSERT INTO sessions (tenant_id, token_hash, user_id, csrf_token, created_at, "
                      "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    [S_SESS_GET] = "SELECT user_id, csrf_token, expires_at FROM sessions "
                   "WHERE tenant_id = ? AND token_hash = ? AND expires_at > ?",
    [S_SESS_DELETE] = "DELETE FROM sessions WHERE tenant_id = ? AND token_hash = ?",
    [S_SESS_DELETE_USER] = "DELETE FROM sessions WHERE tenant_id = ? AND user_id = ? AND token_hash <> ?",
    /* built-in types (tenant_id NULL) and the tenant's own */
    [S_TYPE_LIST] = "SELECT code, name_ja, name_en, builtin FROM resource_types "
                    "WHERE tenant_id IS NULL OR tenant_id = ? ORDER BY sort, code COLLATE \"C\"",
    /* the unique index resource_types_code keeps a tenant's codes apart; a
     * code of a built-in type is refused here (no row inserted -> conflict) */
    [S_TYPE_INSERT] = "INSERT INTO resource_types (tenant_id, code, name_ja, name_en, builtin) "
                      "SELECT ?::bigint, ?::text, ?::text, ?::text, 0 WHERE NOT EXISTS "
                      "(SELECT 1 FROM resource_types WHERE tenant_id IS NULL AND code = ?)",
    [S_TAG_LIST] = "SELECT code, kind, name_ja, name_en FROM tags "
                   "ORDER BY kind COLLATE \"C\" DESC, sort, code COLLATE \"C\"",
    [S_RES_GET] = "SELECT " RES_COLS RES_FROM " WHERE r.tenant_id = ? AND r.id = ?",
    [S_RES_GET_UUID] = "SELECT " RES_COLS RES_FROM " WHERE r.tenant_id = ? AND r.uuid = ?",
    [S_RES_GET_SOURCE] = "SELECT " RES_COLS RES_FROM " WHERE r.tenant_id = ? AND r.source = ? "
                         "AND r.source_id = ?",
    /* resource_get_by_source_many: the rows of many (source, source_id)
     * pairs, each at most once (a semi-join on the resources_source key) */
    [S_RES_GET_SOURCE_MANY] = "SELECT " RES_COLS RES_FROM " WHERE r.tenant_id = ? AND (r.source, r.source_id) IN "
                              "(SELECT k.s, k.i FROM unnest(?::text[], ?::text[]) AS k(s, i))",
    /* type_code: see RES_TYPE; the nested rows in the same statement */
    [S_RES_INSERT] =
        "WITH r AS (INSERT INTO resources (" RES_WCOLS ", uuid, created_at, updated_at, version, "
        "tenant_id, text_version) VALUES (?, " RES_TYPE ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, " TG_SEARCH_TEXT_VERSION_SQL
        ") RETURNING id, tenant_id)" CHILDREN("r") " SELECT id FROM r",
    /* resource_insert_many: the ids of n resources and of their history
     * rows, from the sequences the identity columns use, so the rows get
     * the ids the per-row path would give them */
    [S_RES_IDS] = "SELECT nextval(q.r), nextval(q.c) FROM (SELECT "
                  "pg_get_serial_sequence('resources', 'id')::regclass AS r, "
                  "pg_get_serial_sequence('resource_changes', 'id')::regclass AS c OFFSET 0) q, "
                  "generate_series(1, ?::bigint)",
    /* resource_insert_many: n resources, their nested rows and their
     * history rows in one statement, each column an array (MANY_COLS);
     * rows are written in array order. The type of each row as RES_TYPE,
     * joined once per statement (ty) instead of a subquery per row. */
    [S_RES_INSERT_MANY] =
        "WITH x AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], "
        "?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
        "?::float8[], ?::float8[], ?::text[], ?::text[], ?::text[], ?::integer[], ?::integer[], "
        "?::integer[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::integer[], ?::integer[], "
        "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS x(id, cid, "
        "uuid, " RES_WCOLS ", ord)), "
        "r AS (INSERT INTO resources (id, uuid, " RES_WCOLS ", created_at, updated_at, version, tenant_id, "
        "text_version) "
        "SELECT x.id, x.uuid, x.org_id, ty.code, x.name, x.name_kana, x.description, "
        "x.area_id, x.postal_code, x.prefecture, x.city, x.address_line, x.building, x.lat, x.lon, x.phone, "
        "x.email, x.url, x.age_min_months, x.age_max_months, x.fee_free, x.fee_text, x.capacity, "
        "x.accessibility_notes, x.schedule_note, x.is_public, x.is_confidential, x.front_door, "
        "x.verified_at, x.source, x.source_id, x.search_text, x.hours, ?::text, ?::text, 1, "
        "?::bigint, " TG_SEARCH_TEXT_VERSION_SQL " FROM x LEFT JOIN (SELECT DISTINCT t.code FROM resource_types t "
        "WHERE t.tenant_id IS NULL OR t.tenant_id = ?::bigint) ty ON ty.code = x.type_code "
        "ORDER BY x.ord), "
        "e AS (INSERT INTO resource_exceptions (tenant_id, resource_id, day, closed, open_min, close_min, note) "
        "SELECT ?::bigint, x.id, y.d, y.cl, y.o, y.c, y.n FROM unnest(?::bigint[], ?::text[], ?::integer[], "
        "?::integer[], ?::integer[], ?::text[]) WITH ORDINALITY AS y(pos, d, cl, o, c, n, ord) "
        "JOIN x ON x.ord = y.pos ORDER BY y.ord), "
        "t AS (INSERT INTO resource_tags (tenant_id, resource_id, tag_code) "
        "SELECT ?::bigint, x.id, y.code FROM unnest(?::bigint[], ?::text[]) WITH ORDINALITY "
        "AS y(pos, code, ord) JOIN x ON x.ord = y.pos ORDER BY y.ord), "
        "c AS (INSERT INTO resource_changes (id, tenant_id, resource_id, user_id, at, action, before_json, "
        "after_json) SELECT x.cid, ?::bigint, x.id, ?::bigint, ?::text, ?::text, NULL, NULL FROM x "
        "ORDER BY x.ord) SELECT 1",
    /* the old nested rows go in the same statement; the new ones follow
     * (S_CHILDREN_INSERT: an insert in the same statement could meet a
     * resource_tags row its DELETE has not removed yet) */
    [S_RES_UPDATE] = "WITH u AS (UPDATE resources SET org_id = ?, type_code = " RES_TYPE ", name = ?, name_kana = ?, "
                     "description = ?, area_id = ?, postal_code = ?, prefecture = ?, city = ?, "
                     "address_line = ?, building = ?, lat = ?, lon = ?, phone = ?, email = ?, url = ?, "
                     "age_min_months = ?, age_max_months = ?, fee_free = ?, fee_text = ?, capacity = ?, "
                     "accessibility_notes = ?, schedule_note = ?, is_public = ?, is_confidential = ?, "
                     "front_door = ?, verified_at = ?, source = ?, source_id = ?, search_text = ?, hours = ?, "
                     "text_version = " TG_SEARCH_TEXT_VERSION_SQL ", updated_at = ?, version = version + 1 "
                     "WHERE tenant_id = ? AND id = ? AND version = ? "
                     "RETURNING id, tenant_id), "
                     "de AS (DELETE FROM resource_exceptions x USING u WHERE x.tenant_id = u.tenant_id "
                     "AND x.resource_id = u.id), "
                     "dt AS (DELETE FROM resource_tags x USING u WHERE x.tenant_id = u.tenant_id "
                     "AND x.resource_id = u.id) SELECT id FROM u",
    [S_RES_EXISTS] = "SELECT 1 FROM resources WHERE tenant_id = ? AND id = ?",
    [S_RES_DELETE] = "DELETE FROM resources WHERE tenant_id = ? AND id = ?",
    [S_CHANGE_MARK] = "SELECT COALESCE(MAX(id), 0) FROM resource_changes WHERE tenant_id = ?",
    [S_RES_VERSIONS_AT] = "SELECT COUNT(*), COALESCE(SUM(version), 0), COALESCE(SUM(id), 0) FROM resources "
                          "WHERE tenant_id = ? AND updated_at = ?",
    [S_CHANGE_DELETIONS] = "SELECT resource_id FROM resource_changes WHERE tenant_id = ? AND id > ? AND id <= ? "
                           "AND action = 'delete' ORDER BY id",
    [S_RES_SET_TEXT] =
        "UPDATE resources SET search_text = ?, text_version = " TG_SEARCH_TEXT_VERSION_SQL ", updated_at = ? "
        "WHERE tenant_id = ? AND id = ?",
    [S_RES_REWRITE_TEXT] =
        "UPDATE resources SET search_text = COALESCE(?::text, search_text), text_version = " TG_SEARCH_TEXT_VERSION_SQL
        " WHERE tenant_id = ? AND id = ? AND version = ? AND text_version < " TG_SEARCH_TEXT_VERSION_SQL,
    [S_RES_SOURCE_IDS] = "SELECT source, source_id FROM resources WHERE tenant_id = ? "
                         "AND source = ANY(?::text[]) AND source_id IS NOT NULL",
    [S_CHILDREN_INSERT] = "WITH s AS (SELECT ?::bigint AS tenant_id, ?::bigint AS id)" CHILDREN("s") " SELECT 1",
    [S_CHANGE_INSERT] = "INSERT INTO resource_changes (tenant_id, resource_id, user_id, at, action, "
                        "before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [S_CHANGE_LIST] = "SELECT c.id, c.resource_id, c.user_id, u.display_name, c.at, c.action, "
                      "c.before_json, c.after_json FROM resource_changes c "
                      "LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id "
                      "WHERE c.tenant_id = ? AND c.resource_id = ? ORDER BY c.id DESC",
    [S_AUDIT_INSERT] = "INSERT INTO audit_log (tenant_id, at, user_id, action, object_type, object_id, "
                       "detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [S_AUDIT_LIST] = "SELECT id, at, user_id, action, object_type, object_id, detail FROM audit_log "
                     "WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
    [S_MANY] = "SELECT " RES_COLS RES_FROM " WHERE r.tenant_id = ? AND r.id = ANY(?::bigint[])",
    [S_CH_EXC] = "SELECT resource_id, day, closed, open_min, close_min, note FROM resource_exceptions "
                 "WHERE tenant_id = ? AND resource_id = ANY(?::bigint[]) "
                 "ORDER BY resource_id, day COLLATE \"C\", open_min",
    [S_CH_TAGS] = "SELECT rt.resource_id, rt.tag_code, t.kind FROM resource_tags rt "
                  "JOIN tags t ON t.code = rt.tag_code WHERE rt.tenant_id = ? AND rt.resource_id = ANY(?::bigint[]) "
                  "ORDER BY rt.resource_id, t.sort, rt.tag_code COLLATE \"C\"",
    /* one row per host (one with host NULL for a tenant without any) */
    [S_TENANT_LIST] = "SELECT " TENANT_COLS " ORDER BY t.id, h.host COLLATE \"C\"",
    [S_TENANT_GET_CODE] = "SELECT " TENANT_COLS " WHERE t.code = ? ORDER BY h.host COLLATE \"C\"",
    [S_TENANT_INSERT] = "INSERT INTO tenants (code, name, disabled, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?) RETURNING id",
    [S_TENANT_UPDATE] = "UPDATE tenants SET name = ?, disabled = ?, updated_at = ? WHERE id = ?",
    [S_TENANT_HOST_INSERT] = "INSERT INTO tenant_hosts (host, tenant_id) VALUES (?, ?)",
    [S_TENANT_HOST_DEL] = "DELETE FROM tenant_hosts WHERE tenant_id = ?",
    [S_MIG_APPLIED] = "SELECT 1 FROM schema_migrations WHERE version = ?",
    [S_MIG_INSERT] = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
};

struct pg_db {
	struct tg_db base; /* first: struct tg_db * casts to struct pg_db * */
	PGconn *c;
	unsigned char prepared[N_SLOTS]; /* 1 = prepared on the current session */
	int in_tx;                       /* begin() called and not yet committed/rolled back */
	int in_call;                     /* a call's own BEGIN or SAVEPOINT is open */
	int bulk;                        /* bulk(): no per-call savepoints (see pg_bulk) */
	int retryable;                   /* the last failure was 40001/40P01 */
	/* The value of tsunagu.tenant on the session (row-level security), as
	 * db->tenant_id was when it was last set; see tenant_sync(). */
	int64_t tenant_set;
	int tenant_known;        /* 0: unknown (new or reset session, rolled back) */
	int tenant_in_tx;        /* set inside the open transaction: undone if it rolls back */
	int64_t bulk_writes;     /* bulk mode: resources inserted (BULK_ANALYZE_AT) */
	int64_t bulk_mid_writes; /* bulk_writes when the mid-import ANALYZE ran */
	int pending;             /* a statement was sent and its result not read yet (send_slot) */
	const char *pending_what;
	/* its failure, returned by every statement until the rollback (settle) */
	enum tg_rc deferred_rc;
	char deferred_err[256];
	char state[6];        /* SQLSTATE of the last failure ("" if none) */
	char column[64];      /* its column (PG_DIAG_COLUMN_NAME), if any */
	struct tg_arena keep; /* strings handed back into caller structs */
	time_t ts_time;
	const char *ts_str;
	char err[256];
};

/* Text parameters of one statement; numbers are formatted into buf. */
struct params {
	const char *v[MAX_PARAMS];
	char buf[MAX_PARAMS][32];
	int len[MAX_PARAMS]; /* binary parameters: their length */
	int fmt[MAX_PARAMS]; /* 1: binary (p_bin), 0: text */
	int n;
	int binary; /* some parameter is binary: pass len and fmt */
};

static struct pg_db *PG(struct tg_db *db)
{
	return (struct pg_db *)db;
}

/* ---- parameters and columns ------------------------------------------- */

static void p_text(struct params *p, const char *v)
{
	p->fmt[p->n] = 0;
	p->v[p->n++] = v;
}

/* A parameter in PostgreSQL's binary format (len bytes, the caller's
 * memory until the statement is sent): arrays of store/pg_array.h. */
static void p_bin(struct params *p, const char *v, int len)
{
	p->fmt[p->n] = 1;
	p->len[p->n] = len;
	p->v[p->n++] = v;
	p->binary = 1;
}

static void p_i64(struct params *p, int64_t v)
{
	snprintf(p->buf[p->n], sizeof(p->buf[0]), "%" PRId64, v);
	p->fmt[p->n] = 0;
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

/* The tenant of every statement on tenant data (store.h "Tenants"). */
static void p_tenant(struct params *p, const struct pg_db *s)
{
	p_i64(p, s->base.tenant_id);
}

static void p_id(struct params *p, int64_t v) /* 0 -> NULL */
{
	if (v)
		p_i64(p, v);
	else
		p_text(p, NULL);
}

static void p_int_or_null(struct params *p, int v) /* negative -> NULL */
{
	if (v >= 0)
		p_i64(p, v);
	else
		p_text(p, NULL);
}

static void p_double(struct params *p, double v)
{
	snprintf(p->buf[p->n], sizeof(p->buf[0]), "%.17g", v);
	p->fmt[p->n] = 0;
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

static const char *g_text(const PGresult *r, int row, int col, struct tg_arena *a)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return tg_arena_strndup(a, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static int64_t g_i64(const PGresult *r, int row, int col) /* NULL -> 0; 't'/'f' -> 1/0 */
{
	if (PQgetisnull(r, row, col))
		return 0;
	const char *v = PQgetvalue(r, row, col);
	if (v[0] == 't')
		return 1;
	if (v[0] == 'f')
		return 0;
	return strtoll(v, NULL, 10);
}

static int g_int_or(const PGresult *r, int row, int col, int dflt)
{
	return PQgetisnull(r, row, col) ? dflt : (int)g_i64(r, row, col);
}

static int64_t limit_value(size_t limit)
{
	return limit == 0 || limit > (size_t)INT64_MAX ? INT64_MAX : (int64_t)limit;
}

/* ---- errors -------------------------------------------------------------- */

static enum tg_rc map_state(const char *st)
{
	if (!st)
		return TG_ERR_DB;
	if (strcmp(st, "23505") == 0)
		return TG_ERR_CONFLICT;
	if (strncmp(st, "23", 2) == 0) /* foreign key, NOT NULL, CHECK: bad reference */
		return TG_ERR_INVALID;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0 ||
	    strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 || strcmp(st, "53300") == 0)
		return TG_ERR_BUSY;
	if (strncmp(st, "53", 2) == 0 || strncmp(st, "58", 2) == 0)
		return TG_ERR_IO;
	return TG_ERR_DB;
}

/* Record the failure of res (may be NULL) for errmsg() and map it. */
static enum tg_rc db_fail(struct pg_db *s, const char *what, const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *col = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
	s->retryable = st && (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0);
	snprintf(s->state, sizeof(s->state), "%s", st ? st : "");
	snprintf(s->column, sizeof(s->column), "%s", col ? col : "");
	if (!st && PQstatus(s->c) == CONNECTION_BAD) {
		snprintf(s->err, sizeof(s->err), "%s: connection to the database lost", what);
		return TG_ERR_BUSY;
	}
	if (st && strncmp(st, "22", 2) == 0) /* data exceptions quote the offending value */
		snprintf(s->err, sizeof(s->err), "%s: invalid value (SQLSTATE %s)", what, st);
	else
		snprintf(s->err, sizeof(s->err), "%s: %s", what, msg ? msg : "database error");
	return map_state(st);
}

/* ---- statements ------------------------------------------------------------ */

/* SQL with "?" -> "$1", "$2", ... ; skips '...' literals and "..." names. */
static char *to_dollar(const char *sql, int *nparams)
{
	struct tg_buf b = TG_BUF_INIT;
	int n = 0;
	char q = 0;
	for (const char *p = sql; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			tg_buf_addc(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			q = *p;
			tg_buf_addc(&b, *p);
		} else if (*p == '?') {
			tg_buf_printf(&b, "$%d", ++n);
		} else {
			tg_buf_addc(&b, *p);
		}
	}
	*nparams = n;
	return tg_buf_detach(&b, NULL);
}

static unsigned filter_mask(const struct tg_resource_filter *f)
{
	return (f->org_id ? 1u : 0u) | (f->modified_after ? 2u : 0u) | (f->public_only ? 4u : 0u) |
	       (f->verified_before ? 8u : 0u);
}

static void add_filter_sql(struct tg_buf *b, unsigned mask)
{
	tg_buf_adds(b, " WHERE r.tenant_id = ? AND r.id > ?");
	if (mask & 1)
		tg_buf_adds(b, " AND r.org_id = ?");
	if (mask & 2)
		tg_buf_adds(b, " AND r.updated_at > ?");
	if (mask & 4)
		tg_buf_adds(b, " AND r.is_public = 1");
	if (mask & 8)
		tg_buf_adds(b, " AND (r.verified_at IS NULL OR r.verified_at < ? COLLATE \"C\")");
}

/* The "?" SQL of a slot (malloc'd). */
static char *slot_sql(int slot)
{
	if (slot < S__FIXED)
		return tg_xstrdup(fixed_sql[slot]);
	struct tg_buf b = TG_BUF_INIT;
	if (slot < SLOT_COUNT(0)) {
		tg_buf_adds(&b, "SELECT " RES_COLS RES_FROM);
		add_filter_sql(&b, (unsigned)(slot - SLOT_LIST(0)));
		tg_buf_adds(&b, " ORDER BY r.id LIMIT ?");
	} else {
		tg_buf_adds(&b, "SELECT COUNT(*) FROM resources r");
		add_filter_sql(&b, (unsigned)(slot - SLOT_COUNT(0)));
	}
	return tg_buf_detach(&b, NULL);
}

static enum tg_rc prepare_slot(struct pg_db *s, int slot)
{
	char name[16];
	int np = 0;
	if (s->prepared[slot])
		return TG_OK;
	char *q = slot_sql(slot);
	char *sql = to_dollar(q, &np);
	free(q);
	snprintf(name, sizeof(name), "tg%d", slot);
	PGresult *res = PQprepare(s->c, name, sql, np, NULL);
	free(sql);
	enum tg_rc rc = TG_OK;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = db_fail(s, "prepare", res);
	else
		s->prepared[slot] = 1;
	PQclear(res);
	return rc;
}

static void session_setup(struct pg_db *s);

/* ---- the tenant of the session ------------------------------------------
 *
 * Row-level security (migration 0003) lets a session see the rows of the
 * tenant named by its setting tsunagu.tenant: the id as text, '*' for every
 * tenant (TG_TENANT_ALL), '' (or unset) for none. tenant_sync() makes it
 * equal to db->tenant_id before a statement runs, with one round trip only
 * when db->tenant_id differs from the value last set (the server switches
 * the tenant per request; a request of the same tenant costs nothing).
 * set_config(..., false) is session-wide, but PostgreSQL undoes it when the
 * transaction (or the savepoint) it ran in rolls back, and PQreset starts a
 * new session without it: both make the cached value unknown (tenant_known
 * = 0), so the next statement sets it again. */

static void tenant_text(int64_t t, char *buf, size_t n)
{
	if (t == TG_TENANT_ALL)
		snprintf(buf, n, "*");
	else if (t > 0)
		snprintf(buf, n, "%" PRId64, t);
	else
		buf[0] = '\0';
}

static enum tg_rc settle(struct pg_db *s);

static enum tg_rc tenant_sync(struct pg_db *s, const char *what)
{
	char v[32];
	const char *params[1] = {v};
	enum tg_rc prc = settle(s);
	if (prc)
		return prc;
	if (s->tenant_known && s->tenant_set == s->base.tenant_id)
		return TG_OK;
	tenant_text(s->base.tenant_id, v, sizeof(v));
	PGresult *res =
	    PQexecParams(s->c, "SELECT set_config('tsunagu.tenant', $1, false)", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		enum tg_rc rc = db_fail(s, what, res);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	s->tenant_set = s->base.tenant_id;
	s->tenant_known = 1;
	if (PQtransactionStatus(s->c) != PQTRANS_IDLE)
		s->tenant_in_tx = 1;
	return TG_OK;
}

/* The end of a transaction or savepoint (slot S_COMMIT, S_ROLLBACK or
 * S_ROLLBACK_TO; res NULL when it failed): a value set inside it survives
 * only a real COMMIT (a COMMIT of a failed transaction answers "ROLLBACK"). */
static void tenant_tx_end(struct pg_db *s, int slot, const PGresult *res)
{
	if (!s->tenant_in_tx)
		return;
	if (slot == S_COMMIT && res && strcmp(PQcmdStatus((PGresult *)res), "COMMIT") == 0) {
		s->tenant_in_tx = 0;
		return;
	}
	if (slot == S_ROLLBACK_TO && PQtransactionStatus(s->c) == PQTRANS_INTRANS) {
		/* the value may have been set before the savepoint or after it */
		s->tenant_known = 0;
		return;
	}
	s->tenant_known = 0;
	s->tenant_in_tx = 0;
}

/* After any statement that may have ended a transaction without telling us
 * how (simple() SQL): when it did, forget a value set inside it. */
static void tenant_after_simple(struct pg_db *s)
{
	if (s->tenant_in_tx && PQtransactionStatus(s->c) == PQTRANS_IDLE) {
		s->tenant_known = 0;
		s->tenant_in_tx = 0;
	}
}

/* Whole-database work (migrations, drop_all, the copy ops) runs as
 * TG_TENANT_ALL; all_begin() returns the caller's tenant for all_end(). */
static int64_t all_begin(struct pg_db *s)
{
	int64_t t = s->base.tenant_id;
	s->base.tenant_id = TG_TENANT_ALL;
	return t;
}

static void all_end(struct pg_db *s, int64_t t)
{
	s->base.tenant_id = t;
}

/* After a lost connection: PQreset and forget the prepared statements. */
static int reconnect(struct pg_db *s)
{
	PQreset(s->c);
	s->pending = 0; /* the old session and its transaction are gone */
	s->deferred_rc = TG_OK;
	memset(s->prepared, 0, sizeof(s->prepared));
	s->tenant_known = 0;
	s->tenant_in_tx = 0;
	if (PQstatus(s->c) != CONNECTION_OK)
		return 0;
	session_setup(s);
	return 1;
}

static enum tg_rc type_fail(struct pg_db *s, enum tg_rc rc, const char *what);

/*
 * Asynchronous writes (bulk mode only). send_slot() sends a prepared slot
 * and returns without waiting for its result, so the caller prepares its
 * next write while the server works on this one; settle() reads that result
 * and is the first thing every other statement does (run, simple, the
 * copy and migration queries), so at most one statement is ever in flight
 * and its failure is the failure of the next call (or of commit). That is
 * only sound where a failed write fails the whole transaction anyway: bulk
 * mode, inside begin(), with no savepoints (pg_bulk). The parameters are
 * copied into libpq's buffer by the send.
 */
static enum tg_rc settle(struct pg_db *s)
{
	enum tg_rc rc = TG_OK;
	if (s->pending) {
		PGresult *res;
		s->pending = 0;
		while ((res = PQgetResult(s->c)) != NULL) {
			ExecStatusType es = PQresultStatus(res);
			if (!rc && es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK)
				rc = type_fail(s, db_fail(s, s->pending_what, res), s->pending_what);
			PQclear(res);
		}
		if (!rc && PQstatus(s->c) == CONNECTION_BAD)
			rc = db_fail(s, s->pending_what, NULL);
		if (rc) {
			s->deferred_rc = rc;
			memcpy(s->deferred_err, s->err, sizeof(s->deferred_err));
		}
	}
	/* Sticky until the rollback: a caller that ignores one statement's
	 * failure (bulk_analyze) cannot hide it from the next, which would
	 * otherwise fail with "current transaction is aborted". The SQLSTATE
	 * and column are cleared so that the next call's own mapping
	 * (type_fail) does not claim the failure as its own. */
	if (s->deferred_rc) {
		memcpy(s->err, s->deferred_err, sizeof(s->err));
		s->state[0] = s->column[0] = '\0';
		s->retryable = 0;
		return s->deferred_rc;
	}
	return rc;
}

/* The rollback that ends a transaction forgets its write in flight. */
static void settle_forget(struct pg_db *s)
{
	settle(s);
	s->deferred_rc = TG_OK;
}

static enum tg_rc send_slot(struct pg_db *s, int slot, const struct params *p, const char *what)
{
	char name[16];
	enum tg_rc rc = settle(s);
	if (!rc)
		rc = prepare_slot(s, slot);
	if (!rc)
		rc = tenant_sync(s, what);
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "tg%d", slot);
	if (!PQsendQueryPrepared(s->c, name, p ? p->n : 0, p ? p->v : NULL, p && p->binary ? p->len : NULL,
	                         p && p->binary ? p->fmt : NULL, 0)) {
		s->state[0] = s->column[0] = '\0';
		s->retryable = 0;
		snprintf(s->err, sizeof(s->err), "%s: could not send the statement", what);
		return PQstatus(s->c) == CONNECTION_BAD ? db_fail(s, what, NULL) : TG_ERR_DB;
	}
	s->pending = 1;
	s->pending_what = what;
	return TG_OK;
}

/*
 * Run a prepared slot. On success *out (if out) receives the result (caller
 * PQclear()s it). Outside any transaction a lost connection is re-established
 * once and the statement re-run, and a serialization failure or deadlock is
 * retried (the statement is its own transaction there).
 */
static enum tg_rc run(struct pg_db *s, int slot, const struct params *p, PGresult **out, const char *what)
{
	char name[16];
	enum tg_rc rc = TG_OK;
	int reconnected = 0;
	snprintf(name, sizeof(name), "tg%d", slot);
	/* a rollback goes ahead whatever the statement in flight did */
	if (slot == S_ROLLBACK)
		settle_forget(s);
	else if ((rc = settle(s)) && slot != S_ROLLBACK_TO)
		return rc;
	rc = TG_OK;
	s->retryable = 0;
	for (int attempt = 0;; attempt++) {
		PGresult *res = NULL;
		int ends_tx = slot == S_COMMIT || slot == S_ROLLBACK || slot == S_ROLLBACK_TO;
		rc = prepare_slot(s, slot);
		if (!rc && !ends_tx && slot != S_RELEASE)
			rc = tenant_sync(s, what);
		if (!rc) {
			res = PQexecPrepared(s->c, name, p ? p->n : 0, p ? p->v : NULL, p && p->binary ? p->len : NULL,
			                     p && p->binary ? p->fmt : NULL, 0);
			ExecStatusType es = PQresultStatus(res);
			if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK) {
				if (ends_tx)
					tenant_tx_end(s, slot, res);
				if (out)
					*out = res;
				else
					PQclear(res);
				return TG_OK;
			}
			rc = db_fail(s, what, res);
			PQclear(res);
			if (ends_tx)
				tenant_tx_end(s, slot, NULL);
		}
		int outside = !s->in_tx && !s->in_call;
		if (outside && !reconnected && PQstatus(s->c) == CONNECTION_BAD) {
			reconnected = 1;
			if (reconnect(s))
				continue;
			return rc;
		}
		if (outside && s->retryable && attempt + 1 < MAX_TRIES && slot > S_ROLLBACK_TO) {
			usleep((useconds_t)(1000 << attempt));
			continue;
		}
		return rc;
	}
}

static enum tg_rc exec_slot(struct pg_db *s, int slot, const char *what)
{
	return run(s, slot, NULL, NULL, what);
}

/* A single-statement write. Inside begin() it runs in a savepoint so that its
 * failure leaves the caller's transaction usable (as with SQLite). *changed
 * (if given) receives the number of rows it touched. */
static enum tg_rc write1(struct pg_db *s, int slot, const struct params *p, PGresult **out, int64_t *changed,
                         const char *what)
{
	PGresult *res = NULL;
	int sp = s->in_tx && !s->in_call && !s->bulk;
	enum tg_rc rc;
	if (sp && (rc = exec_slot(s, S_SAVEPOINT, what)))
		return rc;
	rc = run(s, slot, p, &res, what);
	if (!rc && changed)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	if (sp) {
		if (rc)
			exec_slot(s, S_ROLLBACK_TO, "rollback");
		enum tg_rc rc2 = exec_slot(s, S_RELEASE, "release");
		if (!rc)
			rc = rc2;
	}
	if (!rc && out)
		*out = res;
	else
		PQclear(res);
	return rc;
}

/* Single-row SELECT: a row -> OK (*out set), none -> NOT_FOUND. */
static enum tg_rc one(struct pg_db *s, int slot, const struct params *p, PGresult **out, const char *what)
{
	PGresult *res = NULL;
	enum tg_rc rc = run(s, slot, p, &res, what);
	if (rc)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return TG_ERR_NOT_FOUND;
	}
	*out = res;
	return TG_OK;
}

/* ---- small helpers ----------------------------------------------------------- */

static const char *now_ts(struct pg_db *s)
{
	time_t t = time(NULL);
	if (!s->ts_str || t != s->ts_time) {
		struct tm tm;
		char buf[32];
		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		s->ts_str = tg_arena_strdup(&s->keep, buf);
		s->ts_time = t;
	}
	return s->ts_str;
}

static const char *new_uuid(struct pg_db *s)
{
	unsigned char b[16];
	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	return tg_arena_printf(&s->keep, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
	                       b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
	                       b[15]);
}

static const char *role_text(enum tg_role r)
{
	const char *n = tg_role_name(r);
	return n ? n : "viewer";
}

static enum tg_role role_from(const char *v)
{
	enum tg_role r = TG_ROLE_VIEWER;
	if (!v || tg_role_parse(v, &r) != 0)
		r = TG_ROLE_VIEWER;
	return r;
}

/* Call-level atomicity: BEGIN, or a savepoint inside begin(). */
static enum tg_rc call_enter(struct pg_db *s)
{
	if (s->in_tx && s->bulk) {
		s->in_call = 2; /* bulk: no savepoint of its own (pg_bulk) */
		return TG_OK;
	}
	enum tg_rc rc = exec_slot(s, s->in_tx ? S_SAVEPOINT : S_BEGIN, "begin");
	if (!rc)
		s->in_call = 1;
	return rc;
}

static enum tg_rc call_leave(struct pg_db *s, enum tg_rc rc)
{
	int retryable = s->retryable;
	int own_savepoint = s->in_call == 1;
	s->in_call = 0;
	if (s->in_tx && !own_savepoint)
		return rc; /* bulk: a failure aborts the caller's whole transaction */
	if (s->in_tx) {
		if (rc)
			exec_slot(s, S_ROLLBACK_TO, "rollback");
		enum tg_rc rc2 = exec_slot(s, S_RELEASE, "release");
		s->retryable = retryable;
		return rc ? rc : rc2;
	}
	if (rc) {
		exec_slot(s, S_ROLLBACK, "rollback");
		s->retryable = retryable;
		return rc;
	}
	rc = exec_slot(s, S_COMMIT, "commit");
	if (rc) {
		retryable = s->retryable;
		exec_slot(s, S_ROLLBACK, "rollback");
		s->retryable = retryable;
	}
	return rc;
}

/* May the call that just failed with rc be run again from the start? */
static int retry_call(struct pg_db *s, enum tg_rc rc, int *attempt)
{
	if (rc != TG_ERR_BUSY || s->in_tx || !s->retryable || ++*attempt >= MAX_TRIES)
		return 0;
	usleep((useconds_t)(1000 << *attempt));
	return 1;
}

/* ---- connection ---------------------------------------------------------------- */

static void pg_close(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	if (!s)
		return;
	PQfinish(s->c);
	tg_arena_release(&s->keep);
	free(s);
}

static enum tg_rc pg_begin(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	if (s->in_tx) {
		snprintf(s->err, sizeof(s->err), "begin: a transaction is already open");
		return TG_ERR_INTERNAL;
	}
	enum tg_rc rc = exec_slot(s, S_BEGIN, "begin");
	if (!rc)
		s->in_tx = 1;
	return rc;
}

static enum tg_rc simple(struct pg_db *s, const char *sql, const char *what);

/* Two imports that both find a new organization or area name missing
 * would both create it under READ COMMITTED: they take this lock first
 * (key: a constant and the tenant), so the second waits for the first and
 * then sees its rows. */
static enum tg_rc pg_lock_names(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	char sql[96];
	if (!s->in_tx) {
		snprintf(s->err, sizeof(s->err), "lock_names: no transaction is open");
		return TG_ERR_INTERNAL;
	}
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%lld)",
	         (long long)(0x74676E6D00000000LL ^ (s->base.tenant_id & 0xFFFFFFFFLL)));
	return simple(s, sql, "lock_names");
}

static void bulk_analyze(struct pg_db *s, const char *tables, int target);
#define BULK_ANALYZE_AT 1000 /* resources inserted in bulk mode (see bulk_analyze) */
/* resources for bulk_analyze: the columns the store's statements look rows
 * up by, join or filter on. All 38 cost three times as much (100k rows: 0.73
 * s, these 0.25 s), for statistics of texts no plan needs; autovacuum's
 * analyze fills in the rest. */
#define BULK_RESOURCES                                                                                                 \
	"resources (tenant_id, id, org_id, area_id, type_code, uuid, source, source_id, updated_at, verified_at, "     \
	"is_public)"

static enum tg_rc pg_commit(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	if (!s->in_tx) {
		snprintf(s->err, sizeof(s->err), "commit: no transaction is open");
		return TG_ERR_INTERNAL;
	}
	/* A large import: statistics of the final tables before they are
	 * committed, or the plans of every connection keep the ones taken at
	 * BULK_ANALYZE_AT rows until autovacuum comes (a server's first index
	 * load after a 100k-row import: 10 s, pages of 800 ms; 3.5 s with them).
	 * The sample's size: commit_analyze_target. */
	if (s->bulk && s->bulk_writes >= 2 * BULK_ANALYZE_AT)
		bulk_analyze(s, "areas, orgs, " BULK_RESOURCES ", resource_exceptions, resource_tags", -1);
	PGresult *res = NULL;
	enum tg_rc rc = run(s, S_COMMIT, NULL, &res, "commit");
	/* the COMMIT of a failed transaction (bulk mode: a failed call aborts it)
	 * succeeds as "ROLLBACK": nothing was written, so say so */
	if (!rc && strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		snprintf(s->err, sizeof(s->err), "commit: the transaction had failed and was rolled back");
		rc = TG_ERR_DB;
	}
	PQclear(res);
	if (rc && PQtransactionStatus(s->c) != PQTRANS_IDLE)
		exec_slot(s, S_ROLLBACK, "rollback");
	s->in_tx = 0;
	return rc;
}

static void pg_rollback(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	s->in_tx = 0;
	s->in_call = 0;
	if (PQstatus(s->c) != CONNECTION_BAD)
		settle_forget(s);
	if (PQstatus(s->c) == CONNECTION_BAD) {
		reconnect(s);
		return;
	}
	if (PQtransactionStatus(s->c) != PQTRANS_IDLE)
		exec_slot(s, S_ROLLBACK, "rollback");
}

static const char *pg_errmsg(struct tg_db *db)
{
	return PG(db)->err;
}

/* Simple (unprepared) statement for DDL and the migration scripts. */
static enum tg_rc simple(struct pg_db *s, const char *sql, const char *what)
{
	enum tg_rc rc = settle(s);
	if (rc)
		return rc;
	PGresult *res = PQexec(s->c, sql);
	ExecStatusType es = PQresultStatus(res);
	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK)
		rc = db_fail(s, what, res);
	PQclear(res);
	tenant_after_simple(s);
	return rc;
}

/* ---- migrations ------------------------------------------------------------------ */

static int is_ident(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/*
 * The PostgreSQL dialect of a portable migration. Outside comments and
 * string literals:
 *   <col> INTEGER PRIMARY KEY   -> <col> BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY
 *   <col> INTEGER ...           -> <col> BIGINT ...  when <col> is "id" or ends in "_id"
 * (SQLite's INTEGER is 64-bit; ids must not overflow int4 on PostgreSQL.)
 * Everything else is passed through: booleans stay INTEGER 0/1, DOUBLE
 * PRECISION, TEXT, COALESCE expression indexes and ON DELETE CASCADE are the
 * same on both. Returns a malloc'd string.
 */
char *tg_pg_rewrite_migration(const char *sql)
{
	struct tg_buf b = TG_BUF_INIT;
	const char *p = sql;
	char prev[64] = ""; /* the last identifier outside comments/literals */
	while (*p) {
		if (p[0] == '-' && p[1] == '-') {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			tg_buf_add(&b, p, n);
			p += n;
		} else if (*p == '\'') {
			const char *e = p + 1;
			while (*e && !(*e == '\'' && e[1] != '\''))
				e += (*e == '\'' ? 2 : 1);
			if (*e)
				e++;
			tg_buf_add(&b, p, (size_t)(e - p));
			p = e;
		} else if (is_ident(*p)) {
			const char *e = p;
			while (is_ident(*e))
				e++;
			size_t n = (size_t)(e - p);
			if (n == 7 && strncasecmp(p, "INTEGER", 7) == 0) {
				size_t pl = strlen(prev);
				int id_col = strcmp(prev, "id") == 0 || (pl > 3 && strcmp(prev + pl - 3, "_id") == 0);
				const char *q = e;
				while (*q == ' ' || *q == '\t')
					q++;
				if (strncasecmp(q, "PRIMARY KEY", 11) == 0 && !is_ident(q[11]))
					tg_buf_adds(&b, "BIGINT GENERATED BY DEFAULT AS IDENTITY");
				else
					tg_buf_adds(&b, id_col ? "BIGINT" : "INTEGER");
			} else {
				tg_buf_add(&b, p, n);
			}
			if (n < sizeof(prev)) {
				memcpy(prev, p, n);
				prev[n] = '\0';
			}
			p = e;
		} else {
			tg_buf_addc(&b, *p);
			p++;
		}
	}
	return tg_buf_detach(&b, NULL);
}

static enum tg_rc pg_schema_version(struct tg_db *db, int *version)
{
	struct pg_db *s = PG(db);
	enum tg_rc prc = settle(s);
	if (prc)
		return prc;
	PGresult *res = PQexec(s->c, "SELECT to_regclass('schema_migrations') IS NOT NULL");
	enum tg_rc rc = TG_OK;
	*version = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = db_fail(s, "schema_version", res);
		goto out;
	}
	if (g_i64(res, 0, 0) == 0)
		goto out;
	PQclear(res);
	res = PQexec(s->c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = db_fail(s, "schema_version", res);
		goto out;
	}
	*version = (int)g_i64(res, 0, 0);
out:
	PQclear(res);
	return rc;
}

/* One migration in its own transaction, under an advisory lock so that two
 * processes migrating at once apply it once. *done = 1 when it ran. */
static enum tg_rc apply_one(struct pg_db *s, const struct tg_migration *m, int *done)
{
	struct params p = {0};
	PGresult *res = NULL;
	char what[96];
	*done = 0;
	snprintf(what, sizeof(what), "migration %s", m->name);
	enum tg_rc rc = exec_slot(s, S_BEGIN, "migrate");
	if (rc)
		return rc;
	s->in_call = 1;
	if ((rc = simple(s, "SELECT pg_advisory_xact_lock(7400713)", "migrate")))
		goto out;
	p_i64(&p, m->version);
	rc = run(s, S_MIG_APPLIED, &p, &res, "migrate");
	if (rc)
		goto out;
	int applied = PQntuples(res) > 0;
	PQclear(res);
	res = NULL;
	if (applied)
		goto out;
	char *part = tg_migration_sql(m->sql, "postgresql");
	char *sql = tg_pg_rewrite_migration(part);
	free(part);
	rc = simple(s, sql, what);
	free(sql);
	if (rc)
		goto out;
	p.n = 0;
	p_i64(&p, m->version);
	p_text(&p, m->name);
	p_text(&p, now_ts(s));
	if ((rc = run(s, S_MIG_INSERT, &p, NULL, "migrate")))
		goto out;
	*done = 1;
out:
	s->in_call = 0;
	if (rc) {
		exec_slot(s, S_ROLLBACK, "rollback");
		*done = 0;
		return rc;
	}
	return exec_slot(s, S_COMMIT, "migrate");
}

static enum tg_rc migrate_all(struct pg_db *s, int *applied);

/* Migrations run as TG_TENANT_ALL: a data step of a later migration must see
 * every tenant's rows through row-level security. */
static enum tg_rc pg_migrate(struct tg_db *db, int *applied)
{
	struct pg_db *s = PG(db);
	*applied = 0;
	if (s->in_tx) {
		snprintf(s->err, sizeof(s->err), "migrate: not allowed inside a transaction");
		return TG_ERR_INTERNAL;
	}
	int64_t t = all_begin(s);
	enum tg_rc rc = migrate_all(s, applied);
	all_end(s, t);
	return rc;
}

static enum tg_rc migrate_all(struct pg_db *s, int *applied)
{
	struct tg_db *db = &s->base;
	enum tg_rc rc;
	int current = 0, newest = 0;
	/* Concurrent CREATE TABLE IF NOT EXISTS can still clash in the catalog:
	 * take the same advisory lock for it. */
	rc = simple(s,
	            "BEGIN; SELECT pg_advisory_xact_lock(7400713); "
	            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
	            "name TEXT NOT NULL, applied_at TEXT NOT NULL); COMMIT",
	            "migrate");
	if (rc) {
		simple(s, "ROLLBACK", "rollback");
		return rc;
	}
	if ((rc = pg_schema_version(db, &current)))
		return rc;
	for (size_t i = 0; i < tg_n_migrations; i++)
		if (tg_migrations[i].version > newest)
			newest = tg_migrations[i].version;
	if (current > newest) {
		snprintf(s->err, sizeof(s->err),
		         "database schema version %d is newer than this program (%d); upgrade tsunagu", current,
		         newest);
		return TG_ERR_UNSUPPORTED;
	}
	for (size_t i = 0; i < tg_n_migrations; i++) {
		int done = 0;
		if ((rc = apply_one(s, &tg_migrations[i], &done)))
			return rc;
		*applied += done;
	}
	return TG_OK;
}

static void cp_ident(struct tg_buf *b, const char *name);

/* Drop every table of the current schema (tsunagu's, whatever migrations
 * created them, and schema_migrations) and the function of the row-level
 * security policies, in one transaction: `tsunagu demo --force` and the
 * tests start from an empty database. The list comes from the catalog, so a
 * new migration's tables need no change here. */
static enum tg_rc pg_drop_all(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	struct tg_buf q = TG_BUF_INIT;
	PGresult *res = NULL;
	if (s->in_tx) {
		snprintf(s->err, sizeof(s->err), "drop_all: not allowed inside a transaction");
		return TG_ERR_INTERNAL;
	}
	int64_t t = all_begin(s);
	enum tg_rc rc = tenant_sync(s, "drop_all");
	if (rc)
		goto out;
	if ((rc = simple(s, "BEGIN", "drop_all")))
		goto out;
	res = PQexec(s->c, "SELECT c.relname FROM pg_class c WHERE c.relnamespace = "
	                   "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
	                   "AND c.relkind IN ('r', 'p') ORDER BY 1");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = db_fail(s, "drop_all", res);
		goto out;
	}
	if (PQntuples(res) > 0) {
		tg_buf_adds(&q, "DROP TABLE IF EXISTS ");
		for (int i = 0; i < PQntuples(res); i++) {
			if (i)
				tg_buf_adds(&q, ", ");
			cp_ident(&q, PQgetvalue(res, i, 0));
		}
		tg_buf_adds(&q, " CASCADE");
		if ((rc = simple(s, q.data, "drop_all")))
			goto out;
	}
	if ((rc = simple(s, "DROP FUNCTION IF EXISTS tsunagu_tenant_ok(bigint)", "drop_all")))
		goto out;
	rc = simple(s, "COMMIT", "drop_all");
out:
	PQclear(res);
	tg_buf_release(&q);
	if (rc && PQtransactionStatus(s->c) != PQTRANS_IDLE)
		simple(s, "ROLLBACK", "rollback");
	memset(s->prepared, 0, sizeof(s->prepared));
	simple(s, "DEALLOCATE ALL", "drop_all"); /* plans may name dropped tables */
	all_end(s, t);
	return rc;
}

/* ---- backup: pg_dump ------------------------------------------------------------ */

/* pg_dump of the server's major version (Debian keeps one per version under
 * /usr/lib/postgresql/N/bin), else the one on PATH. */
static void find_pg_dump(struct pg_db *s, char *out, size_t n)
{
	int major = PQserverVersion(s->c) / 10000;
	snprintf(out, n, "/usr/lib/postgresql/%d/bin/pg_dump", major);
	if (access(out, X_OK) == 0)
		return;
	glob_t g;
	if (glob("/usr/lib/postgresql/*/bin/pg_dump", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		snprintf(out, n, "%s", g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
		return;
	}
	snprintf(out, n, "pg_dump");
}

/*
 * backup(dest): `pg_dump --format=custom --file=DEST` of the connected
 * database: an online, consistent copy (pg_dump reads in one REPEATABLE READ
 * snapshot). Restore with pg_restore --dbname=URL DEST. DEST is created first
 * with O_EXCL and mode 0600 (an existing DEST -> TG_ERR_CONFLICT). The
 * connection parameters go to pg_dump through PG* environment variables, not
 * argv, so a password never shows in the process list.
 * Row-level security (migration 0003): an ordinary role cannot turn it off,
 * and pg_dump refuses to dump a table it would filter unless told
 * --enable-row-security; its session gets tsunagu.tenant = '*' (PGOPTIONS),
 * under which the policies pass every row. pg_restore loads the data before
 * the policies are created (they are post-data).
 */
static enum tg_rc pg_backup(struct tg_db *db, const char *dest)
{
	struct pg_db *s = PG(db);
	char bin[256], file_arg[4200];
	int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(s->err, sizeof(s->err), "backup: %s: %s", dest,
		         errno == EEXIST ? "destination exists" : strerror(errno));
		return errno == EEXIST ? TG_ERR_CONFLICT : TG_ERR_IO;
	}
	close(fd);
	find_pg_dump(s, bin, sizeof(bin));
	if (snprintf(file_arg, sizeof(file_arg), "--file=%s", dest) >= (int)sizeof(file_arg)) {
		unlink(dest);
		snprintf(s->err, sizeof(s->err), "backup: destination path too long");
		return TG_ERR_INVALID;
	}
	const char *host = PQhost(s->c), *port = PQport(s->c), *user = PQuser(s->c), *dbn = PQdb(s->c),
	           *pass = PQpass(s->c), *env_opts = getenv("PGOPTIONS");
	char opts[1024];
	if (snprintf(opts, sizeof(opts), "%s%s-c tsunagu.tenant=*", env_opts ? env_opts : "",
	             env_opts && *env_opts ? " " : "") >= (int)sizeof(opts)) {
		unlink(dest);
		snprintf(s->err, sizeof(s->err), "backup: PGOPTIONS too long");
		return TG_ERR_INVALID;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		unlink(dest);
		snprintf(s->err, sizeof(s->err), "backup: fork: %s", strerror(errno));
		return TG_ERR_IO;
	}
	if (pid == 0) {
		if (host && *host)
			setenv("PGHOST", host, 1);
		if (port && *port)
			setenv("PGPORT", port, 1);
		if (user && *user)
			setenv("PGUSER", user, 1);
		if (dbn && *dbn)
			setenv("PGDATABASE", dbn, 1);
		if (pass && *pass)
			setenv("PGPASSWORD", pass, 1);
		/* Row-level security (migration 0003) would refuse pg_dump's COPY:
		 * dump with it on and the whole-database setting (after any
		 * PGOPTIONS of the caller), so the archive holds every tenant's rows. */
		setenv("PGOPTIONS", opts, 1);
		execlp(bin, bin, "--format=custom", "--no-password", "--enable-row-security", file_arg, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		unlink(dest);
		snprintf(s->err, sizeof(s->err), "backup: pg_dump failed (%s, status %d)",
		         WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "not found" : "see its message",
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return TG_ERR_IO;
	}
	return TG_OK;
}

/* Bulk mode (a large import, which rolls back everything on any error):
 * commit without waiting for the WAL flush (synchronous_commit = off: a
 * crash may lose the last import, never corrupt anything, and an import can
 * be run again), and no SAVEPOINT/RELEASE round trips around each write
 * inside the transaction - a failed write then aborts the whole
 * transaction, which is what the importer does anyway. bulk(0) restores. */
static void pg_bulk(struct tg_db *db, int on)
{
	struct pg_db *s = PG(db);
	s->bulk = on;
	s->bulk_writes = s->bulk_mid_writes = 0;
	simple(s, on ? "SET synchronous_commit = off" : "RESET synchronous_commit", "bulk");
}

/*
 * Statistics for a large write inside one transaction. The foreign keys
 * are composite since 0003, so PostgreSQL's check of a reference, "SELECT 1
 * FROM orgs WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE", could use any
 * index that starts with tenant_id. Planned while the table is empty or has
 * no statistics, its cached generic plan takes one of them (orgs_name,
 * resources_source) with only "tenant_id = $1" as the index condition: every
 * check then walks all the tenant's rows, and an import of n rows costs
 * O(n^2) (100k rows: hours). Autovacuum cannot help: it does not see the
 * rows of the open transaction. So bulk mode runs ANALYZE on the referenced
 * tables inside the transaction (which does see its own rows) once enough
 * rows are in: the new statistics invalidate the cached plans, and the
 * next check is planned on the (tenant_id, id) key. In a savepoint: a
 * failure (a lock wait past lock_timeout) only costs the optimization.
 * (The copy of migrate-db does not need it: it writes a table only after
 * every table it references is complete, so the checks are first planned
 * on full tables.)
 */
/* The statistics target of the ANALYZE before a large import's COMMIT (0:
 * the database's own), given the rows the import inserted and the rows the
 * table had before it. When the import brought most of the table (at least
 * four fifths), a sample of 9,000 rows (target 30) instead of 30,000: the
 * plans of the next minute need no more, and autovacuum analyzes again soon
 * with the database's own target, because it counts the import's rows as
 * changes since this ANALYZE and they pass its threshold (10 % of the
 * table). 100k rows into an empty table: 0.11 s instead of 0.32 s. When the
 * import is small next to the table, autovacuum would not come back for a
 * long time, so the full sample is taken. */
static int commit_analyze_target(int64_t inserted, int64_t existing)
{
	return existing <= 0 || inserted >= 4 * existing ? 30 : 0;
}

/* target: > 0 that statistics target for the rest of the transaction; 0
 * the database's own; -1 commit_analyze_target of the import, from the rows
 * of resources that the mid-import ANALYZE counted (pg_class.reltuples,
 * which include the bulk_mid_writes rows of the import then). */
static void bulk_analyze(struct pg_db *s, const char *tables, int target)
{
	char sql[256], set[64];
	if (snprintf(sql, sizeof(sql), "ANALYZE %s", tables) >= (int)sizeof(sql))
		return;
	if (simple(s, "SAVEPOINT tg_analyze", "analyze"))
		return;
	enum tg_rc rc = TG_OK;
	if (target < 0) {
		PGresult *res = NULL;
		rc = one(s, S_RES_RELTUPLES, NULL, &res, "analyze");
		int64_t counted = rc ? 0 : g_i64(res, 0, 0);
		PQclear(res);
		target = commit_analyze_target(s->bulk_writes, counted < 0 ? 0 : counted - s->bulk_mid_writes);
	}
	snprintf(set, sizeof(set), "SET LOCAL default_statistics_target = %d", target);
	if (rc || (target > 0 && simple(s, set, "analyze")) || simple(s, sql, "analyze"))
		simple(s, "ROLLBACK TO SAVEPOINT tg_analyze", "analyze");
	simple(s, "RELEASE SAVEPOINT tg_analyze", "analyze");
}

/* ---- tenants ---------------------------------------------------------------------- */

/* A write of tenant data needs a tenant (0 after open: none; a caller's
 * mistake, TG_ERR_INTERNAL as in sqlite.c). The database would refuse it too
 * (row-level security, the reference to tenants), with another code. */
static enum tg_rc need_tenant(struct pg_db *s, const char *what)
{
	if (s->base.tenant_id > 0)
		return TG_OK;
	snprintf(s->err, sizeof(s->err), "%s: no tenant selected", what);
	return TG_ERR_INTERNAL;
}

/* RES_TYPE gave NULL: the code is neither a built-in type nor the tenant's. */
static enum tg_rc type_fail(struct pg_db *s, enum tg_rc rc, const char *what)
{
	if (rc == TG_ERR_INVALID && strcmp(s->state, "23502") == 0 && strcmp(s->column, "type_code") == 0)
		snprintf(s->err, sizeof(s->err), "%s: unknown resource type (type_code)", what);
	return rc;
}

/* Rows of S_TENANT_LIST / S_TENANT_GET_CODE (one per host, by tenant) ->
 * tenants with their hosts. */
static size_t read_tenants(const PGresult *res, struct tg_arena *a, struct tg_tenant *out)
{
	int rows = PQntuples(res);
	size_t n = 0;
	for (int i = 0; i < rows;) {
		int j = i;
		while (j < rows && g_i64(res, j, 0) == g_i64(res, i, 0))
			j++;
		struct tg_tenant *t = &out[n++];
		memset(t, 0, sizeof(*t));
		t->id = g_i64(res, i, 0);
		t->code = g_text(res, i, 1, a);
		t->name = g_text(res, i, 2, a);
		t->disabled = g_i64(res, i, 3) != 0;
		t->created_at = g_text(res, i, 4, a);
		t->updated_at = g_text(res, i, 5, a);
		t->hosts = TG_ARENA_ARRAY(a, const char *, (size_t)(j - i));
		for (int k = i; k < j; k++)
			if (!PQgetisnull(res, k, 6))
				t->hosts[t->n_hosts++] = g_text(res, k, 6, a);
		i = j;
	}
	return n;
}

static enum tg_rc pg_tenant_list(struct tg_db *db, struct tg_arena *a, struct tg_tenant **out, size_t *n)
{
	PGresult *res = NULL;
	enum tg_rc rc = run(PG(db), S_TENANT_LIST, NULL, &res, "tenant_list");
	if (rc)
		return rc;
	int rows = PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_tenant, rows ? (size_t)rows : 1);
	*n = read_tenants(res, a, *out);
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_tenant_get_by_code(struct tg_db *db, struct tg_arena *a, const char *code, struct tg_tenant *out)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_text(&p, code ? code : "");
	enum tg_rc rc = one(PG(db), S_TENANT_GET_CODE, &p, &res, "tenant_get_by_code");
	if (rc)
		return rc;
	read_tenants(res, a, out);
	PQclear(res);
	return TG_OK;
}

static enum tg_rc insert_hosts(struct pg_db *s, int64_t id, const char *const *hosts, size_t n, const char *what)
{
	enum tg_rc rc = TG_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		struct params p = {0};
		p_text(&p, hosts[i]);
		p_i64(&p, id);
		rc = run(s, S_TENANT_HOST_INSERT, &p, NULL, what);
	}
	return rc;
}

static enum tg_rc pg_tenant_insert(struct tg_db *db, struct tg_tenant *t)
{
	struct pg_db *s = PG(db);
	const char *now = now_ts(s);
	int64_t id = 0;
	enum tg_rc rc;
	int attempt = 0;
	do {
		struct params p = {0};
		PGresult *res = NULL;
		if ((rc = call_enter(s)))
			break;
		p_text(&p, t->code);
		p_text(&p, t->name);
		p_i64(&p, t->disabled ? 1 : 0);
		p_text(&p, now);
		p_text(&p, now);
		rc = run(s, S_TENANT_INSERT, &p, &res, "tenant_insert");
		if (!rc)
			id = g_i64(res, 0, 0);
		PQclear(res);
		if (!rc)
			rc = insert_hosts(s, id, t->hosts, t->n_hosts, "tenant_insert");
		rc = call_leave(s, rc);
	} while (rc && retry_call(s, rc, &attempt));
	if (!rc) {
		t->id = id;
		t->created_at = t->updated_at = now;
	}
	return rc;
}

static enum tg_rc tenant_update_body(struct pg_db *s, const struct tg_tenant *t)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_text(&p, t->name);
	p_i64(&p, t->disabled ? 1 : 0);
	p_text(&p, now_ts(s));
	p_i64(&p, t->id);
	enum tg_rc rc = run(s, S_TENANT_UPDATE, &p, &res, "tenant_update");
	if (rc)
		return rc;
	int64_t changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (changed == 0) {
		snprintf(s->err, sizeof(s->err), "tenant_update: no such tenant");
		return TG_ERR_NOT_FOUND;
	}
	p.n = 0;
	p_i64(&p, t->id);
	if ((rc = run(s, S_TENANT_HOST_DEL, &p, NULL, "tenant_update")))
		return rc;
	return insert_hosts(s, t->id, t->hosts, t->n_hosts, "tenant_update");
}

static enum tg_rc pg_tenant_update(struct tg_db *db, const struct tg_tenant *t)
{
	struct pg_db *s = PG(db);
	enum tg_rc rc;
	int attempt = 0;
	do {
		if ((rc = call_enter(s)))
			break;
		rc = call_leave(s, tenant_update_body(s, t));
	} while (rc && retry_call(s, rc, &attempt));
	return rc;
}

/* ---- settings ------------------------------------------------------------------- */

static enum tg_rc pg_setting_get(struct tg_db *db, struct tg_arena *a, const char *key, const char **value)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	p_text(&p, key);
	enum tg_rc rc = one(s, S_SETTING_GET, &p, &res, "setting_get");
	if (!rc)
		*value = g_text(res, 0, 0, a);
	PQclear(res);
	return rc;
}

static enum tg_rc pg_setting_set(struct tg_db *db, const char *key, const char *value)
{
	struct params p = {0};
	p_text(&p, key);
	p_text(&p, value);
	return write1(PG(db), S_SETTING_SET, &p, NULL, NULL, "setting_set");
}

/* ---- areas ------------------------------------------------------------------------ */

static enum tg_rc pg_area_list(struct tg_db *db, struct tg_arena *a, struct tg_area **out, size_t *n)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	enum tg_rc rc = run(s, S_AREA_LIST, &p, &res, "area_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_area, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++) {
		struct tg_area *x = &(*out)[i];
		int r = (int)i;
		x->id = g_i64(res, r, 0);
		x->parent_id = g_i64(res, r, 1);
		x->level = (enum tg_area_level)g_i64(res, r, 2);
		x->name = g_text(res, r, 3, a);
		x->name_kana = g_text(res, r, 4, a);
	}
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

static enum tg_rc area_find(struct pg_db *s, struct tg_area *area)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	p_i64(&p, area->parent_id);
	p_i64(&p, (int)area->level);
	p_text(&p, area->name);
	enum tg_rc rc = one(s, S_AREA_FIND, &p, &res, "area_ensure");
	if (!rc)
		area->id = g_i64(res, 0, 0);
	PQclear(res);
	return rc;
}

static enum tg_rc pg_area_ensure(struct tg_db *db, struct tg_area *area)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	enum tg_rc rc = need_tenant(s, "area_ensure");
	if (rc)
		return rc;
	rc = area_find(s, area);
	if (rc != TG_ERR_NOT_FOUND)
		return rc;
	p_tenant(&p, s);
	p_id(&p, area->parent_id);
	p_i64(&p, (int)area->level);
	p_text(&p, area->name);
	p_text(&p, area->name_kana);
	rc = write1(s, S_AREA_INSERT, &p, &res, NULL, "area_ensure");
	if (!rc)
		area->id = g_i64(res, 0, 0);
	PQclear(res);
	if (rc == TG_ERR_CONFLICT) /* inserted meanwhile by another connection */
		rc = area_find(s, area);
	return rc;
}

/* ---- organizations ------------------------------------------------------------------ */

static void read_org(const PGresult *res, int r, struct tg_arena *a, struct tg_org *o)
{
	o->id = g_i64(res, r, 0);
	o->uuid = g_text(res, r, 1, a);
	o->name = g_text(res, r, 2, a);
	o->name_kana = g_text(res, r, 3, a);
	o->kind = g_text(res, r, 4, a);
	o->area_id = g_i64(res, r, 5);
	o->phone = g_text(res, r, 6, a);
	o->email = g_text(res, r, 7, a);
	o->url = g_text(res, r, 8, a);
	o->description = g_text(res, r, 9, a);
	o->created_at = g_text(res, r, 10, a);
	o->updated_at = g_text(res, r, 11, a);
}

static enum tg_rc org_get_by(struct pg_db *s, int slot, struct tg_arena *a, int64_t id, const char *key,
                             struct tg_org *out)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	if (key)
		p_text(&p, key);
	else
		p_i64(&p, id);
	enum tg_rc rc = one(s, slot, &p, &res, "org_get");
	if (!rc)
		read_org(res, 0, a, out);
	PQclear(res);
	return rc;
}

static enum tg_rc pg_org_get(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_org *out)
{
	return org_get_by(PG(db), S_ORG_GET, a, id, NULL, out);
}

static enum tg_rc pg_org_get_by_uuid(struct tg_db *db, struct tg_arena *a, const char *uuid, struct tg_org *out)
{
	return org_get_by(PG(db), S_ORG_GET_UUID, a, 0, uuid ? uuid : "", out);
}

static enum tg_rc pg_org_find_by_name(struct tg_db *db, struct tg_arena *a, const char *name, struct tg_org *out)
{
	return org_get_by(PG(db), S_ORG_FIND_NAME, a, 0, name ? name : "", out);
}

/* Every row of res (ORG_COLS) into *out, in arena a; clears res. */
static void read_orgs(PGresult *res, struct tg_arena *a, struct tg_org **out, size_t *n)
{
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_org, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++)
		read_org(res, (int)i, a, &(*out)[i]);
	*n = cnt;
	PQclear(res);
}

static enum tg_rc pg_org_list(struct tg_db *db, struct tg_arena *a, int64_t after_id, size_t limit, struct tg_org **out,
                              size_t *n)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	p_i64(&p, after_id);
	p_i64(&p, limit_value(limit));
	enum tg_rc rc = run(s, S_ORG_LIST, &p, &res, "org_list");
	if (!rc)
		read_orgs(res, a, out, n);
	return rc;
}

static enum tg_rc pg_org_count(struct tg_db *db, int64_t *n)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, PG(db));
	enum tg_rc rc = one(PG(db), S_ORG_COUNT, &p, &res, "org_count");
	if (!rc)
		*n = g_i64(res, 0, 0);
	PQclear(res);
	return rc;
}

static enum tg_rc pg_org_insert(struct tg_db *db, struct tg_org *org)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	const char *uuid = org->uuid ? org->uuid : new_uuid(s);
	const char *now = now_ts(s);
	if (need_tenant(s, "org_insert"))
		return TG_ERR_INTERNAL;
	p_tenant(&p, s);
	p_text(&p, uuid);
	p_text(&p, org->name);
	p_text(&p, org->name_kana);
	p_text(&p, org->kind);
	p_id(&p, org->area_id);
	p_text(&p, org->phone);
	p_text(&p, org->email);
	p_text(&p, org->url);
	p_text(&p, org->description);
	p_text(&p, now);
	p_text(&p, now);
	enum tg_rc rc = write1(s, S_ORG_INSERT, &p, &res, NULL, "org_insert");
	if (!rc) {
		org->id = g_i64(res, 0, 0);
		org->uuid = uuid;
		org->created_at = org->updated_at = now;
	}
	PQclear(res);
	return rc;
}

static enum tg_rc pg_org_update(struct tg_db *db, const struct tg_org *org)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	int64_t changed = 0;
	p_text(&p, org->name);
	p_text(&p, org->name_kana);
	p_text(&p, org->kind);
	p_id(&p, org->area_id);
	p_text(&p, org->phone);
	p_text(&p, org->email);
	p_text(&p, org->url);
	p_text(&p, org->description);
	p_text(&p, now_ts(s));
	p_tenant(&p, s);
	p_i64(&p, org->id);
	enum tg_rc rc = write1(s, S_ORG_UPDATE, &p, NULL, &changed, "org_update");
	if (!rc && changed == 0)
		rc = TG_ERR_NOT_FOUND;
	return rc;
}

/* ---- users ------------------------------------------------------------------------------ */

static void read_user(const PGresult *res, int r, struct tg_arena *a, struct tg_user *u)
{
	u->id = g_i64(res, r, 0);
	u->org_id = g_i64(res, r, 1);
	u->login = g_text(res, r, 2, a);
	u->display_name = g_text(res, r, 3, a);
	u->role = role_from(PQgetisnull(res, r, 4) ? NULL : PQgetvalue(res, r, 4));
	u->disabled = g_i64(res, r, 5) != 0;
	u->password_hash = g_text(res, r, 6, a);
	u->created_at = g_text(res, r, 7, a);
}

static enum tg_rc user_get_by(struct pg_db *s, int slot, struct tg_arena *a, int64_t id, const char *login,
                              struct tg_user *out, const char *what)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	if (slot == S_USER_GET)
		p_i64(&p, id);
	else
		p_text(&p, login ? login : "");
	enum tg_rc rc = one(s, slot, &p, &res, what);
	if (!rc)
		read_user(res, 0, a, out);
	PQclear(res);
	return rc;
}

static enum tg_rc pg_user_get(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_user *out)
{
	return user_get_by(PG(db), S_USER_GET, a, id, NULL, out, "user_get");
}

static enum tg_rc pg_user_get_by_login(struct tg_db *db, struct tg_arena *a, const char *login, struct tg_user *out)
{
	return user_get_by(PG(db), S_USER_GET_LOGIN, a, 0, login, out, "user_get_by_login");
}

static enum tg_rc pg_user_list(struct tg_db *db, struct tg_arena *a, int64_t org_id, struct tg_user **out, size_t *n)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	p_i64(&p, org_id);
	p_i64(&p, org_id);
	enum tg_rc rc = run(s, S_USER_LIST, &p, &res, "user_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_user, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++)
		read_user(res, (int)i, a, &(*out)[i]);
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_user_insert(struct tg_db *db, struct tg_user *u)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	const char *now = now_ts(s);
	if (need_tenant(s, "user_insert"))
		return TG_ERR_INTERNAL;
	p_tenant(&p, s);
	p_i64(&p, u->org_id);
	p_text(&p, u->login);
	p_text(&p, u->display_name);
	p_text(&p, role_text(u->role));
	p_text(&p, u->password_hash);
	p_i64(&p, u->disabled ? 1 : 0);
	p_text(&p, now);
	p_text(&p, now);
	enum tg_rc rc = write1(s, S_USER_INSERT, &p, &res, NULL, "user_insert");
	if (!rc) {
		u->id = g_i64(res, 0, 0);
		u->created_at = now;
	}
	PQclear(res);
	return rc;
}

static enum tg_rc pg_user_update(struct tg_db *db, const struct tg_user *u)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	int64_t changed = 0;
	p_i64(&p, u->org_id);
	p_text(&p, u->display_name);
	p_text(&p, role_text(u->role));
	p_i64(&p, u->disabled ? 1 : 0);
	p_text(&p, now_ts(s));
	p_tenant(&p, s);
	p_i64(&p, u->id);
	enum tg_rc rc = write1(s, S_USER_UPDATE, &p, NULL, &changed, "user_update");
	if (!rc && changed == 0)
		rc = TG_ERR_NOT_FOUND;
	return rc;
}

static enum tg_rc pg_user_set_password(struct tg_db *db, int64_t user_id, const char *hash)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	int64_t changed = 0;
	p_text(&p, hash);
	p_text(&p, now_ts(s));
	p_tenant(&p, s);
	p_i64(&p, user_id);
	enum tg_rc rc = write1(s, S_USER_SET_PW, &p, NULL, &changed, "user_set_password");
	if (!rc && changed == 0)
		rc = TG_ERR_NOT_FOUND;
	return rc;
}

/* ---- sessions ---------------------------------------------------------------------------- */

static enum tg_rc pg_session_insert(struct tg_db *db, const char *token_hash, int64_t user_id, const char *csrf_token,
                                    const char *expires_at)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	if (need_tenant(s, "session_insert"))
		return TG_ERR_INTERNAL;
	p_tenant(&p, s);
	p_text(&p, token_hash);
	p_i64(&p, user_id);
	p_text(&p, csrf_token);
	p_text(&p, now_ts(s));
	p_text(&p, expires_at);
	enum tg_rc rc = write1(s, S_SESS_INSERT, &p, NULL, NULL, "session_insert");
	if (rc)
		return rc;
	/* each login also clears sessions that have run out (index sessions_expires) */
	struct params q = {0};
	p_tenant(&q, s);
	p_text(&q, now_ts(s));
	return write1(s, S_SESS_PURGE, &q, NULL, NULL, "session_purge");
}

static enum tg_rc pg_session_get(struct tg_db *db, struct tg_arena *a, const char *token_hash, struct tg_session *out)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	p_text(&p, token_hash ? token_hash : "");
	p_text(&p, now_ts(s));
	enum tg_rc rc = one(s, S_SESS_GET, &p, &res, "session_get");
	if (!rc) {
		out->user_id = g_i64(res, 0, 0);
		out->csrf_token = g_text(res, 0, 1, a);
		out->expires_at = g_text(res, 0, 2, a);
	}
	PQclear(res);
	return rc;
}

static enum tg_rc pg_session_delete(struct tg_db *db, const char *token_hash)
{
	struct params p = {0};
	p_tenant(&p, PG(db));
	p_text(&p, token_hash ? token_hash : "");
	return write1(PG(db), S_SESS_DELETE, &p, NULL, NULL, "session_delete");
}

static enum tg_rc pg_session_delete_user(struct tg_db *db, int64_t user_id, const char *keep_token_hash)
{
	struct params p = {0};
	p_tenant(&p, PG(db));
	p_i64(&p, user_id);
	p_text(&p, keep_token_hash ? keep_token_hash : ""); /* "" never equals a stored hash */
	return write1(PG(db), S_SESS_DELETE_USER, &p, NULL, NULL, "session_delete_user");
}

/* ---- types and tags -------------------------------------------------------------------------- */

static enum tg_rc pg_type_list(struct tg_db *db, struct tg_arena *a, struct tg_resource_type **out, size_t *n)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, PG(db));
	enum tg_rc rc = run(PG(db), S_TYPE_LIST, &p, &res, "type_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_resource_type, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++) {
		struct tg_resource_type *t = &(*out)[i];
		t->code = g_text(res, (int)i, 0, a);
		t->name_ja = g_text(res, (int)i, 1, a);
		t->name_en = g_text(res, (int)i, 2, a);
		t->builtin = g_i64(res, (int)i, 3) != 0;
	}
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_type_insert(struct tg_db *db, const struct tg_resource_type *t)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	int64_t changed = 0;
	if (need_tenant(s, "type_insert"))
		return TG_ERR_INTERNAL;
	p_tenant(&p, s);
	p_text(&p, t->code);
	p_text(&p, t->name_ja);
	p_text(&p, t->name_en); /* builtin = 0: a tenant's types are custom */
	p_text(&p, t->code);
	enum tg_rc rc = write1(s, S_TYPE_INSERT, &p, NULL, &changed, "type_insert");
	if (!rc && changed == 0) {
		snprintf(s->err, sizeof(s->err), "type_insert: the code is taken by a built-in type");
		rc = TG_ERR_CONFLICT;
	}
	return rc;
}

static enum tg_rc pg_tag_list(struct tg_db *db, struct tg_arena *a, struct tg_tag **out, size_t *n)
{
	PGresult *res = NULL;
	enum tg_rc rc = run(PG(db), S_TAG_LIST, NULL, &res, "tag_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_tag, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++) {
		struct tg_tag *t = &(*out)[i];
		t->code = g_text(res, (int)i, 0, a);
		t->kind = g_text(res, (int)i, 1, a);
		t->name_ja = g_text(res, (int)i, 2, a);
		t->name_en = g_text(res, (int)i, 3, a);
	}
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

/* ---- array literals: "{1,2,NULL}", "{\"a\",\"b\\\"c\",NULL}" (bound as one text parameter) ---- */

static void arr_sep(struct tg_buf *b) /* b starts as "{" */
{
	if (b->len > 1)
		tg_buf_addc(b, ',');
}

/* The arrays of a large import are built in its critical path (the
 * server waits for them): integers without printf, text in spans. */
static void arr_i64(struct tg_buf *b, int64_t v, int null)
{
	char d[24], *e = d + sizeof(d), *p = e;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	arr_sep(b);
	if (null) {
		tg_buf_add(b, "NULL", 4);
		return;
	}
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	tg_buf_add(b, p, (size_t)(e - p));
}

static void arr_int(struct tg_buf *b, int v, int null)
{
	arr_i64(b, v, null);
}

static void arr_text(struct tg_buf *b, const char *v)
{
	arr_sep(b);
	if (!v) {
		tg_buf_add(b, "NULL", 4);
		return;
	}
	tg_buf_addc(b, '"');
	for (;;) {
		size_t n = strcspn(v, "\"\\");
		tg_buf_add(b, v, n);
		if (!v[n])
			break;
		tg_buf_addc(b, '\\');
		tg_buf_addc(b, v[n]);
		v += n + 1;
	}
	tg_buf_addc(b, '"');
}

/* ---- areas: many at once (area_ensure_many) ----
 *
 * A first import of the bench file names 1,280 new cities and wards; one
 * area_ensure each was two round trips, 2,560 in all. Here three
 * statements whatever the number: find, insert the missing, find those. */

/* The columns of areas[idx[0..k)] as array literals in m[0..n_cols):
 * parent_id (0: none), level, name and, with n_cols 4, name_kana. */
static void area_arrays(struct tg_buf *m, int n_cols, struct tg_area *const *areas, const size_t *idx, size_t k)
{
	for (int j = 0; j < n_cols; j++) {
		tg_buf_init(&m[j], 0);
		tg_buf_addc(&m[j], '{');
	}
	for (size_t i = 0; i < k; i++) {
		const struct tg_area *x = areas[idx[i]];
		arr_i64(&m[0], x->parent_id, 0);
		arr_int(&m[1], (int)x->level, 0);
		arr_text(&m[2], x->name);
		if (n_cols > 3)
			arr_text(&m[3], x->name_kana);
	}
	for (int j = 0; j < n_cols; j++)
		tg_buf_addc(&m[j], '}');
}

/* The ids of areas[idx[0..k)] that exist (the others keep id 0). */
static enum tg_rc area_find_many(struct pg_db *s, struct tg_area *const *areas, const size_t *idx, size_t k)
{
	struct params p = {0};
	struct tg_buf m[3];
	PGresult *res = NULL;
	area_arrays(m, 3, areas, idx, k);
	for (int j = 0; j < 3; j++)
		p_text(&p, m[j].data);
	p_tenant(&p, s);
	enum tg_rc rc = run(s, S_AREA_FIND_MANY, &p, &res, "area_ensure_many");
	for (int j = 0; j < 3; j++)
		tg_buf_release(&m[j]);
	if (rc)
		return rc;
	for (int r = 0; r < PQntuples(res); r++) {
		int64_t ord = g_i64(res, r, 0);
		if (ord >= 1 && (uint64_t)ord <= k)
			areas[idx[ord - 1]]->id = g_i64(res, r, 1);
	}
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_area_ensure_many(struct tg_db *db, struct tg_area *const *areas, size_t n)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	struct tg_buf m[4];
	size_t *idx = NULL, k = 0;
	enum tg_rc rc = need_tenant(s, "area_ensure_many");
	if (rc || n == 0)
		return rc;
	idx = tg_xmalloc(n * sizeof(*idx));
	for (size_t i = 0; i < n; i++) {
		areas[i]->id = 0;
		idx[i] = i;
	}
	if ((rc = area_find_many(s, areas, idx, n)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!areas[i]->id)
			idx[k++] = i;
	if (k == 0)
		goto out;
	area_arrays(m, 4, areas, idx, k);
	p_tenant(&p, s);
	for (int j = 0; j < 4; j++)
		p_text(&p, m[j].data);
	rc = write1(s, S_AREA_INSERT_MANY, &p, NULL, NULL, "area_ensure_many");
	for (int j = 0; j < 4; j++)
		tg_buf_release(&m[j]);
	if (!rc)
		rc = area_find_many(s, areas, idx, k);
	for (size_t i = 0; i < k && !rc; i++)
		if (!areas[idx[i]]->id) { /* cannot happen: areas are never deleted */
			snprintf(s->err, sizeof(s->err), "area_ensure_many: an inserted area is missing");
			rc = TG_ERR_DB;
		}
out:
	free(idx);
	return rc;
}

/* ---- resources: reading ------------------------------------------------------------------------ */

static void read_resource(const PGresult *res, int i, struct tg_arena *a, struct tg_resource *r)
{
	memset(r, 0, sizeof(*r));
	r->id = g_i64(res, i, 0);
	r->uuid = g_text(res, i, 1, a);
	r->org_id = g_i64(res, i, 2);
	r->org_name = g_text(res, i, 3, a);
	r->type_code = g_text(res, i, 4, a);
	r->name = g_text(res, i, 5, a);
	r->name_kana = g_text(res, i, 6, a);
	r->description = g_text(res, i, 7, a);
	r->area_id = g_i64(res, i, 8);
	r->postal_code = g_text(res, i, 9, a);
	r->prefecture = g_text(res, i, 10, a);
	r->city = g_text(res, i, 11, a);
	r->address_line = g_text(res, i, 12, a);
	r->building = g_text(res, i, 13, a);
	if (!PQgetisnull(res, i, 14) && !PQgetisnull(res, i, 15)) {
		r->has_geo = 1;
		r->lat = strtod(PQgetvalue(res, i, 14), NULL);
		r->lon = strtod(PQgetvalue(res, i, 15), NULL);
	}
	r->phone = g_text(res, i, 16, a);
	r->email = g_text(res, i, 17, a);
	r->url = g_text(res, i, 18, a);
	r->age_min_months = g_int_or(res, i, 19, -1);
	r->age_max_months = g_int_or(res, i, 20, -1);
	r->fee_free = tg_fee_norm((int)g_i64(res, i, 21));
	r->fee_text = g_text(res, i, 22, a);
	r->capacity = g_int_or(res, i, 23, -1);
	r->accessibility_notes = g_text(res, i, 24, a);
	r->schedule_note = g_text(res, i, 25, a);
	r->is_public = g_i64(res, i, 26) != 0;
	r->is_confidential = g_i64(res, i, 27) != 0;
	r->front_door = g_text(res, i, 28, a);
	r->verified_at = g_text(res, i, 29, a);
	r->source = g_text(res, i, 30, a);
	r->source_id = g_text(res, i, 31, a);
	r->created_at = g_text(res, i, 32, a);
	r->updated_at = g_text(res, i, 33, a);
	r->version = g_i64(res, i, 34);
	r->search_text = g_text(res, i, 35, a);
	r->text_version = (int)g_i64(res, i, 36);
	int bad = 0;
	r->n_hours = tg_hours_col_decode(PQgetisnull(res, i, 37) ? NULL : PQgetvalue(res, i, 37), a, &r->hours, &bad);
	if (bad) /* only a hand-edited database: the writes refuse it (hours_ok, CHECK) */
		tg_log_warn("store_hours_malformed", "resource %" PRId64 ": stored hours malformed, %zu intervals read",
		            r->id, r->n_hours);
}

struct id_pos {
	int64_t id;
	size_t pos;
};

static int cmp_id_pos(const void *x, const void *y)
{
	const struct id_pos *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

static struct tg_resource *find_res(struct tg_resource *rs, const struct id_pos *map, size_t n, int64_t id)
{
	struct id_pos key = {id, 0};
	const struct id_pos *p = bsearch(&key, map, n, sizeof(*map), cmp_id_pos);
	return p ? &rs[p->pos] : NULL;
}

/* "{1,2,3}": a bigint[] literal of ids (malloc'd). */
static char *id_array(const int64_t *ids, size_t n, size_t stride)
{
	struct tg_buf b = TG_BUF_INIT;
	tg_buf_addc(&b, '{');
	for (size_t i = 0; i < n; i++) {
		const int64_t *id = (const int64_t *)(const void *)((const char *)ids + i * stride);
		tg_buf_printf(&b, i ? ",%" PRId64 : "%" PRId64, *id);
	}
	tg_buf_addc(&b, '}');
	return tg_buf_detach(&b, NULL);
}

/* Rows [from, to) of res belong to one resource: copy them into it. */
static void attach_children(int slot, const PGresult *res, int from, int to, struct tg_resource *r, struct tg_arena *a)
{
	size_t m = (size_t)(to - from);
	if (!r || m == 0)
		return;
	if (slot == S_CH_EXC) {
		struct tg_exception *e = TG_ARENA_ARRAY(a, struct tg_exception, m);
		for (int i = from; i < to; i++) {
			struct tg_exception *x = &e[i - from];
			x->date = g_text(res, i, 1, a);
			x->closed = g_i64(res, i, 2) != 0;
			x->open_min = g_int_or(res, i, 3, 0);
			x->close_min = g_int_or(res, i, 4, 0);
			x->note = g_text(res, i, 5, a);
		}
		r->exceptions = e;
		r->n_exceptions = m;
	} else {
		size_t na = 0, ns = 0;
		for (int i = from; i < to; i++)
			na += strcmp(PQgetvalue(res, i, 2), "access") == 0;
		ns = m - na;
		const char **sv = ns ? TG_ARENA_ARRAY(a, const char *, ns) : NULL;
		const char **av = na ? TG_ARENA_ARRAY(a, const char *, na) : NULL;
		size_t is = 0, ia = 0;
		for (int i = from; i < to; i++) {
			if (strcmp(PQgetvalue(res, i, 2), "access") == 0)
				av[ia++] = g_text(res, i, 1, a);
			else
				sv[is++] = g_text(res, i, 1, a);
		}
		r->services = sv;
		r->n_services = ns;
		r->access = av;
		r->n_access = na;
	}
}

/* Fill nested arrays of rs[0..n) (distinct ids): per chunk, one query per table. */
static enum tg_rc load_children(struct pg_db *s, struct tg_arena *a, struct tg_resource *rs, size_t n)
{
	static const int kinds[] = {S_CH_EXC, S_CH_TAGS};
	enum tg_rc rc = TG_OK;
	if (n == 0)
		return TG_OK;
	struct id_pos *map = tg_xmalloc(n * sizeof(*map));
	for (size_t i = 0; i < n; i++) {
		map[i].id = rs[i].id;
		map[i].pos = i;
	}
	qsort(map, n, sizeof(*map), cmp_id_pos);
	for (size_t off = 0; off < n && !rc; off += CHUNK) {
		size_t m = n - off < CHUNK ? n - off : CHUNK;
		char *arr = id_array(&rs[off].id, m, sizeof(struct tg_resource));
		struct params p = {0};
		p_tenant(&p, s);
		p_text(&p, arr);
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && !rc; k++) {
			PGresult *res = NULL;
			rc = run(s, kinds[k], &p, &res, "resource children");
			if (rc)
				break;
			int rows = PQntuples(res), from = 0;
			for (int i = 1; i <= rows; i++) {
				if (i == rows || g_i64(res, i, 0) != g_i64(res, from, 0)) {
					attach_children(kinds[k], res, from, i,
					                find_res(rs, map, n, g_i64(res, from, 0)), a);
					from = i;
				}
			}
			PQclear(res);
		}
		free(arr);
	}
	free(map);
	return rc;
}

static enum tg_rc resource_get_by(struct pg_db *s, int slot, struct tg_arena *a, int64_t id, const char *k1,
                                  const char *k2, struct tg_resource *out)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	if (slot == S_RES_GET) {
		p_i64(&p, id);
	} else {
		p_text(&p, k1 ? k1 : "");
		if (slot == S_RES_GET_SOURCE)
			p_text(&p, k2 ? k2 : "");
	}
	enum tg_rc rc = one(s, slot, &p, &res, "resource_get");
	if (!rc)
		read_resource(res, 0, a, out);
	PQclear(res);
	if (!rc)
		rc = load_children(s, a, out, 1);
	return rc;
}

static enum tg_rc pg_resource_get(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_resource *out)
{
	return resource_get_by(PG(db), S_RES_GET, a, id, NULL, NULL, out);
}

static enum tg_rc pg_resource_get_by_uuid(struct tg_db *db, struct tg_arena *a, const char *uuid,
                                          struct tg_resource *out)
{
	return resource_get_by(PG(db), S_RES_GET_UUID, a, 0, uuid, NULL, out);
}

static enum tg_rc pg_resource_get_by_source(struct tg_db *db, struct tg_arena *a, const char *source,
                                            const char *source_id, struct tg_resource *out)
{
	return resource_get_by(PG(db), S_RES_GET_SOURCE, a, 0, source, source_id, out);
}

/* Run slot with two parameters: the tenant, then the array literal that
 * arr holds without its closing brace ("{1,2"; closed and released here). */
static enum tg_rc run_tenant_array(struct pg_db *s, int slot, struct tg_buf *arr, PGresult **res, const char *what)
{
	struct params p = {0};
	tg_buf_addc(arr, '}');
	p_tenant(&p, s);
	p_text(&p, arr->data);
	enum tg_rc rc = run(s, slot, &p, res, what);
	tg_buf_release(arr);
	return rc;
}

static enum tg_rc pg_resource_source_ids(struct tg_db *db, struct tg_arena *a, const char *const *sources,
                                         size_t n_sources, const char ***out_sources, const char ***out_ids, size_t *n)
{
	struct pg_db *s = PG(db);
	struct tg_buf arr = TG_BUF_INIT;
	PGresult *res = NULL;
	*n = 0;
	*out_sources = *out_ids = NULL;
	if (n_sources == 0)
		return TG_OK;
	tg_buf_addc(&arr, '{');
	for (size_t i = 0; i < n_sources; i++)
		arr_text(&arr, sources[i] ? sources[i] : "");
	enum tg_rc rc = run_tenant_array(s, S_RES_SOURCE_IDS, &arr, &res, "resource_source_ids");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out_sources = TG_ARENA_ARRAY(a, const char *, cnt ? cnt : 1);
	*out_ids = TG_ARENA_ARRAY(a, const char *, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++) {
		(*out_sources)[i] = g_text(res, (int)i, 0, a);
		(*out_ids)[i] = g_text(res, (int)i, 1, a);
	}
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

/* ---- resources: many by (source, source_id) (resource_get_by_source_many) ----
 *
 * An import compares each row of a file with the stored resource of the
 * same (source, source_id). Read one by one that is four statements per row
 * (the row, its hours, exceptions and tags), each a round trip; read per
 * chunk it is four statements per CHUNK rows. The rows come through
 * read_resource() and load_children(), as resource_get_by_source's do, so
 * both read every field and the nested rows in the same order. */

struct src_pos {
	const char *src, *sid;
	size_t pos;
};

static int cmp_src_pos(const void *x, const void *y)
{
	const struct src_pos *a = x, *b = y;
	int c = strcmp(a->src, b->src);
	return c ? c : strcmp(a->sid, b->sid);
}

/* The stored rows of keys[0..n) (sorted, distinct) into got (*ng of them,
 * at most one per key: resources_source is unique per tenant). */
static enum tg_rc source_rows(struct pg_db *s, struct tg_arena *a, const struct src_pos *keys, size_t n,
                              struct tg_resource *got, size_t *ng)
{
	enum tg_rc rc = TG_OK;
	for (size_t off = 0; off < n && !rc; off += CHUNK) {
		size_t m = n - off < CHUNK ? n - off : CHUNK;
		struct tg_buf ks, ki;
		struct params p = {0};
		PGresult *res = NULL;
		tg_buf_init(&ks, 0);
		tg_buf_init(&ki, 0);
		tg_buf_addc(&ks, '{');
		tg_buf_addc(&ki, '{');
		for (size_t i = off; i < off + m; i++) {
			arr_text(&ks, keys[i].src);
			arr_text(&ki, keys[i].sid);
		}
		tg_buf_addc(&ks, '}');
		tg_buf_addc(&ki, '}');
		p_tenant(&p, s);
		p_text(&p, ks.data);
		p_text(&p, ki.data);
		rc = run(s, S_RES_GET_SOURCE_MANY, &p, &res, "resource_get_by_source_many");
		for (int i = 0; !rc && i < PQntuples(res) && *ng < n; i++)
			read_resource(res, i, a, &got[(*ng)++]);
		PQclear(res);
		tg_buf_release(&ks);
		tg_buf_release(&ki);
	}
	return rc;
}

static enum tg_rc pg_resource_get_by_source_many(struct tg_db *db, struct tg_arena *a, const char *const *sources,
                                                 const char *const *source_ids, size_t n, struct tg_resource *out)
{
	struct pg_db *s = PG(db);
	enum tg_rc rc = TG_OK;
	struct src_pos *keys = NULL, *found = NULL;
	struct tg_resource *got = NULL;
	size_t nk = 0, ng = 0;
	if (n == 0)
		return TG_OK;
	memset(out, 0, n * sizeof(*out));
	/* distinct keys, so that each resource is read once */
	keys = tg_xmalloc(n * sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		keys[i] = (struct src_pos){sources[i] ? sources[i] : "", source_ids[i] ? source_ids[i] : "", i};
	qsort(keys, n, sizeof(*keys), cmp_src_pos);
	for (size_t i = 0; i < n; i++)
		if (nk == 0 || cmp_src_pos(&keys[nk - 1], &keys[i]) != 0)
			keys[nk++] = keys[i];
	got = tg_xmalloc(nk * sizeof(*got));
	if ((rc = source_rows(s, a, keys, nk, got, &ng)) || (rc = load_children(s, a, got, ng)))
		goto out;
	/* each asked pair -> its row (text equality is byte equality) */
	found = tg_xmalloc((ng ? ng : 1) * sizeof(*found));
	for (size_t j = 0; j < ng; j++)
		found[j] =
		    (struct src_pos){got[j].source ? got[j].source : "", got[j].source_id ? got[j].source_id : "", j};
	qsort(found, ng, sizeof(*found), cmp_src_pos);
	for (size_t i = 0; i < n; i++) {
		struct src_pos key = {sources[i] ? sources[i] : "", source_ids[i] ? source_ids[i] : "", 0};
		const struct src_pos *hit = ng ? bsearch(&key, found, ng, sizeof(*found), cmp_src_pos) : NULL;
		if (hit)
			out[i] = got[hit->pos];
	}
out:
	free(found);
	free(got);
	free(keys);
	return rc;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

static enum tg_rc pg_resource_get_many(struct tg_db *db, struct tg_arena *a, const int64_t *ids, size_t n_ids,
                                       struct tg_resource **out, size_t *n)
{
	struct pg_db *s = PG(db);
	enum tg_rc rc = TG_OK;
	int64_t *uniq = NULL;
	struct tg_resource *got = NULL;
	struct id_pos *map = NULL;
	size_t nu = 0, ng = 0, k = 0;
	*out = NULL;
	*n = 0;
	if (n_ids == 0)
		return TG_OK;
	uniq = tg_xmalloc(n_ids * sizeof(*uniq));
	memcpy(uniq, ids, n_ids * sizeof(*uniq));
	qsort(uniq, n_ids, sizeof(*uniq), cmp_i64);
	for (size_t i = 0; i < n_ids; i++)
		if (nu == 0 || uniq[nu - 1] != uniq[i])
			uniq[nu++] = uniq[i];
	got = tg_xmalloc(nu * sizeof(*got));
	for (size_t off = 0; off < nu; off += CHUNK) {
		size_t m = nu - off < CHUNK ? nu - off : CHUNK;
		char *arr = id_array(uniq + off, m, sizeof(int64_t));
		struct params p = {0};
		PGresult *res = NULL;
		p_tenant(&p, s);
		p_text(&p, arr);
		rc = run(s, S_MANY, &p, &res, "resource_get_many");
		free(arr);
		if (rc)
			goto out;
		for (int i = 0; i < PQntuples(res); i++)
			read_resource(res, i, a, &got[ng++]);
		PQclear(res);
	}
	rc = load_children(s, a, got, ng);
	if (rc)
		goto out;
	map = tg_xmalloc((ng ? ng : 1) * sizeof(*map));
	for (size_t i = 0; i < ng; i++) {
		map[i].id = got[i].id;
		map[i].pos = i;
	}
	qsort(map, ng, sizeof(*map), cmp_id_pos);
	*out = TG_ARENA_ARRAY(a, struct tg_resource, n_ids);
	for (size_t i = 0; i < n_ids; i++) {
		struct tg_resource *r = find_res(got, map, ng, ids[i]);
		if (r)
			(*out)[k++] = *r;
	}
	*n = k;
out:
	free(map);
	free(got);
	free(uniq);
	return rc;
}

static void filter_params(struct params *p, const struct pg_db *s, const struct tg_resource_filter *f)
{
	p_tenant(p, s);
	p_i64(p, f->after_id);
	if (f->org_id)
		p_i64(p, f->org_id);
	if (f->modified_after)
		p_text(p, f->modified_after);
	if (f->verified_before)
		p_text(p, f->verified_before);
}

static enum tg_rc pg_resource_list(struct tg_db *db, struct tg_arena *a, const struct tg_resource_filter *f,
                                   struct tg_resource **out, size_t *n)
{
	struct pg_db *s = PG(db);
	static const struct tg_resource_filter all;
	struct params p = {0};
	PGresult *res = NULL;
	if (!f)
		f = &all;
	*out = NULL;
	*n = 0;
	filter_params(&p, s, f);
	p_i64(&p, limit_value(f->limit));
	enum tg_rc rc = run(s, SLOT_LIST(filter_mask(f)), &p, &res, "resource_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_resource, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++)
		read_resource(res, (int)i, a, &(*out)[i]);
	PQclear(res);
	rc = load_children(s, a, *out, cnt);
	if (!rc)
		*n = cnt;
	return rc;
}

static enum tg_rc pg_resource_count(struct tg_db *db, const struct tg_resource_filter *f, int64_t *n)
{
	struct pg_db *s = PG(db);
	static const struct tg_resource_filter all;
	struct params p = {0};
	PGresult *res = NULL;
	if (!f)
		f = &all;
	filter_params(&p, s, f);
	enum tg_rc rc = one(s, SLOT_COUNT(filter_mask(f)), &p, &res, "resource_count");
	if (!rc)
		*n = g_i64(res, 0, 0);
	PQclear(res);
	return rc;
}

/* ---- resources: writing ------------------------------------------------------------------------ */

/* The RES_WCOLS values of r; RES_TYPE takes the code and the tenant. hb
 * holds the hours text until the statement has run (the caller releases
 * it). */
static void resource_params(struct params *p, const struct pg_db *s, const struct tg_resource *r,
                            const char *search_text, struct tg_buf *hb)
{
	p_i64(p, r->org_id);
	p_text(p, r->type_code);
	p_tenant(p, s);
	p_text(p, r->name);
	p_text(p, r->name_kana);
	p_text(p, r->description);
	p_id(p, r->area_id);
	p_text(p, r->postal_code);
	p_text(p, r->prefecture);
	p_text(p, r->city);
	p_text(p, r->address_line);
	p_text(p, r->building);
	if (r->has_geo) {
		p_double(p, r->lat);
		p_double(p, r->lon);
	} else {
		p_text(p, NULL);
		p_text(p, NULL);
	}
	p_text(p, r->phone);
	p_text(p, r->email);
	p_text(p, r->url);
	p_int_or_null(p, r->age_min_months);
	p_int_or_null(p, r->age_max_months);
	p_i64(p, tg_fee_norm(r->fee_free));
	p_text(p, r->fee_text);
	p_int_or_null(p, r->capacity);
	p_text(p, r->accessibility_notes);
	p_text(p, r->schedule_note);
	p_i64(p, r->is_public ? 1 : 0);
	p_i64(p, r->is_confidential ? 1 : 0);
	p_text(p, r->front_door);
	p_text(p, r->verified_at);
	p_text(p, r->source);
	p_text(p, r->source_id);
	p_text(p, search_text ? search_text : "");
	p_text(p, tg_hours_col_encode(hb, r->hours, r->n_hours) ? hb->data : NULL);
}

/* Array literals for CHILDREN(): "{1,2,NULL}", "{"a","b\"c",NULL}". */
struct children {
	struct tg_buf a[6]; /* exceptions d, cl, o, c, n; tag codes */
};

/* The arrays of r's nested rows, as the next 6 parameters of p. */
static void children_params(struct params *p, struct children *ch, const struct tg_resource *r)
{
	for (size_t k = 0; k < 6; k++) {
		tg_buf_init(&ch->a[k], 0);
		tg_buf_addc(&ch->a[k], '{');
	}
	for (size_t i = 0; i < r->n_exceptions; i++) {
		const struct tg_exception *e = &r->exceptions[i];
		arr_text(&ch->a[0], e->date);
		arr_int(&ch->a[1], e->closed ? 1 : 0, 0);
		arr_int(&ch->a[2], e->open_min, e->closed);
		arr_int(&ch->a[3], e->close_min, e->closed);
		arr_text(&ch->a[4], e->note);
	}
	for (size_t i = 0; i < r->n_services; i++)
		arr_text(&ch->a[5], r->services[i]);
	for (size_t i = 0; i < r->n_access; i++)
		arr_text(&ch->a[5], r->access[i]);
	for (size_t k = 0; k < 6; k++) {
		tg_buf_addc(&ch->a[k], '}');
		p_text(p, ch->a[k].data);
	}
}

static void children_release(struct children *ch)
{
	for (size_t k = 0; k < 6; k++)
		tg_buf_release(&ch->a[k]);
}

/* One statement (the resource and its nested rows, RES_INSERT): atomic by
 * itself, so it needs no transaction of its own (write1: a savepoint inside
 * begin()); one round trip per call, which is what makes a large import on
 * PostgreSQL fast. */
/* The hours column holds what the domain allows (store/hours_col.h). */
static enum tg_rc hours_ok(struct pg_db *s, const struct tg_resource *r, const char *what)
{
	if (tg_hours_col_valid(r->hours, r->n_hours))
		return TG_OK;
	snprintf(s->err, sizeof(s->err), "%s: hours: weekday 0-7 and minutes 0-1440 only", what);
	return TG_ERR_INVALID;
}

static enum tg_rc pg_resource_insert(struct tg_db *db, struct tg_resource *r, const char *search_text)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	struct children ch;
	PGresult *res = NULL;
	const char *uuid = r->uuid ? r->uuid : new_uuid(s);
	const char *now = now_ts(s);
	if (need_tenant(s, "resource_insert"))
		return TG_ERR_INTERNAL;
	if (hours_ok(s, r, "resource_insert"))
		return TG_ERR_INVALID;
	struct tg_buf hb = TG_BUF_INIT;
	resource_params(&p, s, r, search_text, &hb);
	p_text(&p, uuid);
	p_text(&p, now);
	p_text(&p, now);
	p_tenant(&p, s);
	children_params(&p, &ch, r);
	enum tg_rc rc = type_fail(s, write1(s, S_RES_INSERT, &p, &res, NULL, "resource_insert"), "resource_insert");
	children_release(&ch);
	tg_buf_release(&hb);
	if (!rc && s->bulk && s->in_tx && ++s->bulk_writes == BULK_ANALYZE_AT) {
		s->bulk_mid_writes = s->bulk_writes;
		bulk_analyze(s, "areas, orgs, " BULK_RESOURCES, 0);
	}
	if (!rc) {
		r->id = g_i64(res, 0, 0);
		r->uuid = uuid;
		r->version = 1;
		r->created_at = r->updated_at = now;
	}
	PQclear(res);
	return rc;
}

/* ---- resources: many at once (resource_insert_many) ----
 *
 * One call writes a chunk of an import: S_RES_IDS takes the ids of the
 * resources and of their history rows from the identity sequences (in
 * order, so they are the ids the per-row path would give), then
 * S_RES_INSERT_MANY writes the resources, their nested rows and the
 * history rows from arrays: two statements per chunk instead of two per
 * row, which is what a large import on PostgreSQL spends its time on
 * (executor start-up and a round trip per statement). */

enum { M_ID, M_CID, M_UUID, M__RES = M_UUID + 32 }; /* x's columns: ids, uuid, RES_WCOLS */
enum { M_ER = M__RES, M_ED, M_ECL, M_EO, M_EC, M_EN, M_TR, M_TC, M__ALL };
/* The element type of each array, as S_RES_INSERT_MANY casts it: the
 * server refuses a binary array of another type. */
enum { I8 = TG_PG_INT8, I4 = TG_PG_INT4, TX = TG_PG_TEXT, F8 = TG_PG_FLOAT8 };
static const uint32_t many_oid[] = {
    I8, I8, TX,                             /* id, history id, uuid */
    I8, TX, TX, TX, TX, I8,                 /* org_id .. area_id */
    TX, TX, TX, TX, TX, F8, F8, TX, TX, TX, /* postal_code .. url */
    I4, I4, I4, TX, I4, TX, TX, I4, I4,     /* ages .. is_confidential */
    TX, TX, TX, TX, TX, TX,                 /* front_door .. hours */
    I8, TX, I4, I4, I4, TX,                 /* exceptions */
    I8, TX,                                 /* tags */
};
_Static_assert(sizeof(many_oid) / sizeof(many_oid[0]) == M__ALL, "one element type per array");

/* Row i (id, history id, uuid) of the arrays in m, with the values that
 * resource_params() binds for the per-row insert, in RES_WCOLS order. */
static void many_row(struct tg_pg_array *m, struct tg_buf *hb, int64_t pos, const char *uuid,
                     const struct tg_resource *r, const char *search_text)
{
	struct tg_pg_array *c = &m[M_UUID + 1];
	tg_pg_array_text(&m[M_UUID], uuid);
	tg_pg_array_int(c++, r->org_id, 0);
	tg_pg_array_text(c++, r->type_code);
	tg_pg_array_text(c++, r->name);
	tg_pg_array_text(c++, r->name_kana);
	tg_pg_array_text(c++, r->description);
	tg_pg_array_int(c++, r->area_id, r->area_id == 0);
	tg_pg_array_text(c++, r->postal_code);
	tg_pg_array_text(c++, r->prefecture);
	tg_pg_array_text(c++, r->city);
	tg_pg_array_text(c++, r->address_line);
	tg_pg_array_text(c++, r->building);
	tg_pg_array_float8(c++, r->lat, !r->has_geo);
	tg_pg_array_float8(c++, r->lon, !r->has_geo);
	tg_pg_array_text(c++, r->phone);
	tg_pg_array_text(c++, r->email);
	tg_pg_array_text(c++, r->url);
	tg_pg_array_int(c++, r->age_min_months, r->age_min_months < 0);
	tg_pg_array_int(c++, r->age_max_months, r->age_max_months < 0);
	tg_pg_array_int(c++, tg_fee_norm(r->fee_free), 0);
	tg_pg_array_text(c++, r->fee_text);
	tg_pg_array_int(c++, r->capacity, r->capacity < 0);
	tg_pg_array_text(c++, r->accessibility_notes);
	tg_pg_array_text(c++, r->schedule_note);
	tg_pg_array_int(c++, r->is_public ? 1 : 0, 0);
	tg_pg_array_int(c++, r->is_confidential ? 1 : 0, 0);
	tg_pg_array_text(c++, r->front_door);
	tg_pg_array_text(c++, r->verified_at);
	tg_pg_array_text(c++, r->source);
	tg_pg_array_text(c++, r->source_id);
	tg_pg_array_text(c++, search_text ? search_text : "");
	/* the last, m[M__RES - 1] */
	tg_pg_array_text(c, tg_hours_col_encode(hb, r->hours, r->n_hours) ? hb->data : NULL);
	for (size_t i = 0; i < r->n_exceptions; i++) {
		const struct tg_exception *e = &r->exceptions[i];
		tg_pg_array_int(&m[M_ER], pos, 0);
		tg_pg_array_text(&m[M_ED], e->date);
		tg_pg_array_int(&m[M_ECL], e->closed ? 1 : 0, 0);
		tg_pg_array_int(&m[M_EO], e->open_min, e->closed);
		tg_pg_array_int(&m[M_EC], e->close_min, e->closed);
		tg_pg_array_text(&m[M_EN], e->note);
	}
	for (size_t i = 0; i < r->n_services + r->n_access; i++) {
		tg_pg_array_int(&m[M_TR], pos, 0);
		tg_pg_array_text(&m[M_TC], i < r->n_services ? r->services[i] : r->access[i - r->n_services]);
	}
}

/* The body of resource_insert_many inside its call (call_enter). ids and
 * cids (n each) receive the new ids. The arrays are built first and the ids
 * taken last: in bulk mode taking them waits for the write in flight (one
 * statement at a time on a connection), so the server, done with it, waits
 * only for that round trip, not for the building of the arrays (1.4 ms
 * of this thread's time per chunk of 256). The nested rows name their resource by its
 * position in the arrays, so only the two id arrays wait for the ids. */
static enum tg_rc insert_many_body(struct pg_db *s, struct tg_resource *const *rs, const char *const *texts, size_t n,
                                   const struct tg_change *ch, const char **uuids, const char *now, int64_t *ids,
                                   int64_t *cids)
{
	struct params p = {0};
	struct tg_pg_array m[M__ALL];
	PGresult *res = NULL;
	enum tg_rc rc;
	for (size_t k = 0; k < M__ALL; k++)
		tg_pg_array_init(&m[k], many_oid[k]);
	struct tg_buf hb = TG_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		many_row(m, &hb, (int64_t)i + 1, uuids[i], rs[i], texts[i]);
	tg_buf_release(&hb);

	p_i64(&p, (int64_t)n);
	rc = run(s, S_RES_IDS, &p, &res, "resource_insert_many");
	if (!rc && (size_t)PQntuples(res) != n) {
		snprintf(s->err, sizeof(s->err), "resource_insert_many: short id list");
		rc = TG_ERR_DB;
	}
	if (rc) {
		PQclear(res);
		for (size_t k = 0; k < M__ALL; k++)
			tg_pg_array_release(&m[k]);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		ids[i] = g_i64(res, (int)i, 0);
		cids[i] = g_i64(res, (int)i, 1);
	}
	PQclear(res);
	res = NULL;
	/* nextval() runs once per row in generate_series order; sorting makes
	 * the order the rows' order whatever the executor did */
	qsort(ids, n, sizeof(*ids), cmp_i64);
	qsort(cids, n, sizeof(*cids), cmp_i64);
	for (size_t i = 0; i < n; i++) {
		tg_pg_array_int(&m[M_ID], ids[i], 0);
		tg_pg_array_int(&m[M_CID], cids[i], 0);
	}
	p.n = 0;
	for (size_t k = 0; k < M__ALL && !rc; k++) {
		const char *data = NULL;
		int len = 0;
		if ((rc = tg_pg_array_finish(&m[k], &data, &len))) {
			snprintf(s->err, sizeof(s->err),
			         "resource_insert_many: the rows are too large for one statement");
			break;
		}
		if (k == M__RES) { /* the resource statement's scalars, then exceptions */
			p_text(&p, now);
			p_text(&p, now);
			p_tenant(&p, s);
			p_tenant(&p, s); /* the types it may name */
		}
		if (k == M_ER || k == M_TR)
			p_tenant(&p, s);
		p_bin(&p, data, len);
	}
	p_tenant(&p, s);
	p_id(&p, ch->user_id);
	p_text(&p, now);
	p_text(&p, ch->action);
	/* bulk mode: sent, and read by the next statement (send_slot) */
	if (!rc && s->bulk && s->in_tx)
		rc = send_slot(s, S_RES_INSERT_MANY, &p, "resource_insert_many");
	else if (!rc)
		rc = type_fail(s, run(s, S_RES_INSERT_MANY, &p, NULL, "resource_insert_many"), "resource_insert_many");
	for (size_t k = 0; k < M__ALL; k++)
		tg_pg_array_release(&m[k]);
	return rc;
}

/* Atomic like every call: its own transaction, a savepoint inside begin(),
 * nothing in bulk mode (a failure aborts the caller's transaction). */
static enum tg_rc pg_resource_insert_many(struct tg_db *db, struct tg_resource *const *rs,
                                          const char *const *search_texts, size_t n, const struct tg_change *ch)
{
	struct pg_db *s = PG(db);
	enum tg_rc rc = TG_OK;
	int attempt = 0;
	if (need_tenant(s, "resource_insert_many"))
		return TG_ERR_INTERNAL;
	if (ch->before_json || ch->after_json) { /* a caller's mistake: creates carry no JSON */
		snprintf(s->err, sizeof(s->err), "resource_insert_many: history rows of creates carry no JSON");
		return TG_ERR_INTERNAL;
	}
	if (n == 0)
		return TG_OK;
	for (size_t i = 0; i < n; i++)
		if (hours_ok(s, rs[i], "resource_insert_many"))
			return TG_ERR_INVALID;
	const char *now = now_ts(s);
	const char **uuids = tg_xcalloc(n, sizeof(*uuids));
	int64_t *ids = tg_xcalloc(n, sizeof(*ids)), *cids = tg_xcalloc(n, sizeof(*cids));
	for (size_t i = 0; i < n; i++)
		uuids[i] = rs[i]->uuid ? rs[i]->uuid : new_uuid(s);
	do {
		if ((rc = call_enter(s)))
			break;
		rc = call_leave(s, insert_many_body(s, rs, search_texts, n, ch, uuids, now, ids, cids));
	} while (rc && retry_call(s, rc, &attempt));
	if (!rc) {
		for (size_t i = 0; i < n; i++) {
			rs[i]->id = ids[i];
			rs[i]->uuid = uuids[i];
			rs[i]->version = 1;
			rs[i]->created_at = rs[i]->updated_at = now;
		}
		int64_t before = s->bulk_writes;
		if (s->bulk && s->in_tx && (s->bulk_writes += (int64_t)n) >= BULK_ANALYZE_AT &&
		    before < BULK_ANALYZE_AT) {
			s->bulk_mid_writes = s->bulk_writes;
			bulk_analyze(s, "areas, orgs, " BULK_RESOURCES, 0);
		}
	}
	free(uuids);
	free(ids);
	free(cids);
	return rc;
}

/* ---- organizations: many by id (org_get_many) ---- */

static enum tg_rc pg_org_get_many(struct tg_db *db, struct tg_arena *a, const int64_t *ids, size_t n,
                                  struct tg_org **out, size_t *n_out)
{
	struct pg_db *s = PG(db);
	struct tg_buf arr = TG_BUF_INIT;
	PGresult *res = NULL;
	*out = NULL;
	*n_out = 0;
	if (n == 0)
		return TG_OK;
	tg_buf_addc(&arr, '{');
	for (size_t i = 0; i < n; i++)
		arr_i64(&arr, ids[i], 0);
	enum tg_rc rc = run_tenant_array(s, S_ORG_GET_MANY, &arr, &res, "org_get_many");
	if (!rc)
		read_orgs(res, a, out, n_out);
	return rc;
}

/* ---- organizations: many at once (org_insert_many) ----
 *
 * The new organizations of an import chunk in one statement instead of one
 * org_insert round trip each (a first import of the 100k-row bench file
 * creates 19,269). Rows go in array order, so the identity column numbers
 * them as n org_insert calls would; RETURNING id, uuid gives each its id. */

static int cmp_uuid_pos(const void *x, const void *y)
{
	const struct src_pos *a = x, *b = y;
	return strcmp(a->src, b->src);
}

/* A statement (write1: a savepoint inside begin() unless in bulk mode), so
 * all n or nothing. */
static enum tg_rc pg_org_insert_many(struct tg_db *db, struct tg_org *const *orgs, size_t n)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	struct tg_buf m[9];
	struct src_pos *map = NULL;
	PGresult *res = NULL;
	enum tg_rc rc;
	if (need_tenant(s, "org_insert_many"))
		return TG_ERR_INTERNAL;
	if (n == 0)
		return TG_OK;
	const char *now = now_ts(s);
	map = tg_xmalloc(n * sizeof(*map));
	for (size_t k = 0; k < 9; k++) {
		tg_buf_init(&m[k], 0);
		tg_buf_addc(&m[k], '{');
	}
	for (size_t i = 0; i < n; i++) {
		const struct tg_org *o = orgs[i];
		map[i] = (struct src_pos){o->uuid ? o->uuid : new_uuid(s), NULL, i};
		arr_text(&m[0], map[i].src);
		arr_text(&m[1], o->name);
		arr_text(&m[2], o->name_kana);
		arr_text(&m[3], o->kind);
		arr_i64(&m[4], o->area_id, o->area_id == 0);
		arr_text(&m[5], o->phone);
		arr_text(&m[6], o->email);
		arr_text(&m[7], o->url);
		arr_text(&m[8], o->description);
	}
	p_tenant(&p, s);
	p_text(&p, now);
	p_text(&p, now);
	for (size_t k = 0; k < 9; k++) {
		tg_buf_addc(&m[k], '}');
		p_text(&p, m[k].data);
	}
	rc = write1(s, S_ORG_INSERT_MANY, &p, &res, NULL, "org_insert_many");
	if (!rc && (size_t)PQntuples(res) != n) {
		snprintf(s->err, sizeof(s->err), "org_insert_many: short result");
		rc = TG_ERR_DB;
	}
	if (!rc) {
		for (size_t i = 0; i < n; i++) { /* uuids are unique: the index refused a clash */
			orgs[i]->uuid = map[i].src;
			orgs[i]->created_at = orgs[i]->updated_at = now;
		}
		qsort(map, n, sizeof(*map), cmp_uuid_pos);
		for (int r = 0; r < PQntuples(res); r++) {
			struct src_pos key = {PQgetvalue(res, r, 1), NULL, 0};
			const struct src_pos *hit = bsearch(&key, map, n, sizeof(*map), cmp_uuid_pos);
			if (hit)
				orgs[hit->pos]->id = g_i64(res, r, 0);
		}
	}
	PQclear(res);
	for (size_t k = 0; k < 9; k++)
		tg_buf_release(&m[k]);
	free(map);
	return rc;
}

static enum tg_rc update_body(struct pg_db *s, struct tg_resource *r, const char *search_text, const char *now)
{
	struct params p = {0};
	PGresult *res = NULL;
	struct tg_buf hb = TG_BUF_INIT;
	resource_params(&p, s, r, search_text, &hb);
	p_text(&p, now);
	p_tenant(&p, s);
	p_i64(&p, r->id);
	p_i64(&p, r->version);
	enum tg_rc rc = type_fail(s, run(s, S_RES_UPDATE, &p, &res, "resource_update"), "resource_update");
	tg_buf_release(&hb);
	if (rc)
		return rc;
	int64_t changed = PQntuples(res);
	PQclear(res);
	res = NULL;
	if (changed == 0) {
		/* stale version if the row exists, else unknown id */
		p.n = 0;
		p_tenant(&p, s);
		p_i64(&p, r->id);
		rc = one(s, S_RES_EXISTS, &p, &res, "resource_update");
		PQclear(res);
		if (!rc) {
			snprintf(s->err, sizeof(s->err), "resource_update: version conflict");
			rc = TG_ERR_CONFLICT;
		}
		return rc;
	}
	if (r->n_exceptions + r->n_services + r->n_access == 0)
		return TG_OK;
	struct children ch;
	p.n = 0;
	p_tenant(&p, s);
	p_i64(&p, r->id);
	children_params(&p, &ch, r);
	rc = run(s, S_CHILDREN_INSERT, &p, NULL, "resource_update");
	children_release(&ch);
	return rc;
}

static enum tg_rc pg_resource_update(struct tg_db *db, struct tg_resource *r, const char *search_text)
{
	struct pg_db *s = PG(db);
	const char *now = now_ts(s);
	enum tg_rc rc;
	int attempt = 0;
	if (hours_ok(s, r, "resource_update"))
		return TG_ERR_INVALID;
	do {
		if ((rc = call_enter(s)))
			break;
		rc = call_leave(s, update_body(s, r, search_text, now));
	} while (rc && retry_call(s, rc, &attempt));
	if (!rc) {
		r->version++;
		r->updated_at = now;
	}
	return rc;
}

static enum tg_rc pg_resource_delete(struct tg_db *db, int64_t id)
{
	struct params p = {0};
	int64_t changed = 0;
	p_tenant(&p, PG(db));
	p_i64(&p, id);
	/* nested rows go by ON DELETE CASCADE */
	enum tg_rc rc = write1(PG(db), S_RES_DELETE, &p, NULL, &changed, "resource_delete");
	if (!rc && changed == 0)
		rc = TG_ERR_NOT_FOUND;
	return rc;
}

static enum tg_rc pg_resource_set_search_text(struct tg_db *db, int64_t id, const char *search_text)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	int64_t changed = 0;
	if (need_tenant(s, "resource_set_search_text"))
		return TG_ERR_INTERNAL;
	p_text(&p, search_text ? search_text : "");
	p_text(&p, now_ts(s));
	p_tenant(&p, s);
	p_i64(&p, id);
	enum tg_rc rc = write1(s, S_RES_SET_TEXT, &p, NULL, &changed, "resource_set_search_text");
	if (!rc && changed == 0)
		rc = TG_ERR_NOT_FOUND;
	return rc;
}

static enum tg_rc pg_resource_rewrite_search_text(struct tg_db *db, int64_t id, int64_t version,
                                                  const char *search_text)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	int64_t changed = 0;
	if (need_tenant(s, "resource_rewrite_search_text"))
		return TG_ERR_INTERNAL;
	p_text(&p, search_text); /* NULL: keep the text, set the version */
	p_tenant(&p, s);
	p_i64(&p, id);
	p_i64(&p, version);
	enum tg_rc rc = write1(s, S_RES_REWRITE_TEXT, &p, NULL, &changed, "resource_rewrite_search_text");
	if (!rc && changed == 0)
		rc = TG_ERR_CONFLICT;
	return rc;
}

/* ---- change history and audit ------------------------------------------------------------------- */

static enum tg_rc pg_change_mark(struct tg_db *db, int64_t *last_id)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	*last_id = 0;
	p_tenant(&p, s);
	enum tg_rc rc = run(s, S_CHANGE_MARK, &p, &res, "change_mark");
	if (rc)
		return rc;
	if (PQntuples(res) == 1)
		*last_id = g_i64(res, 0, 0);
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_resource_versions_at(struct tg_db *db, const char *updated_at, int64_t *count,
                                          int64_t *version_sum, int64_t *id_sum)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	*count = *version_sum = *id_sum = 0;
	p_tenant(&p, s);
	p_text(&p, updated_at);
	enum tg_rc rc = one(s, S_RES_VERSIONS_AT, &p, &res, "resource_versions_at");
	if (rc)
		return rc;
	*count = g_i64(res, 0, 0);
	*version_sum = g_i64(res, 0, 1);
	*id_sum = g_i64(res, 0, 2);
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_change_deletions(struct tg_db *db, struct tg_arena *a, int64_t after_id, int64_t upto_id,
                                      int64_t **resource_ids, size_t *n)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, s);
	p_i64(&p, after_id);
	p_i64(&p, upto_id);
	enum tg_rc rc = run(s, S_CHANGE_DELETIONS, &p, &res, "change_deletions");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*resource_ids = TG_ARENA_ARRAY(a, int64_t, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++)
		(*resource_ids)[i] = g_i64(res, (int)i, 0);
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_change_insert(struct tg_db *db, const struct tg_change *c)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	if (need_tenant(s, "change_insert"))
		return TG_ERR_INTERNAL;
	p_tenant(&p, s);
	p_i64(&p, c->resource_id);
	p_id(&p, c->user_id);
	p_text(&p, now_ts(s));
	p_text(&p, c->action);
	p_text(&p, c->before_json);
	p_text(&p, c->after_json);
	return write1(s, S_CHANGE_INSERT, &p, NULL, NULL, "change_insert");
}

static enum tg_rc pg_change_list(struct tg_db *db, struct tg_arena *a, int64_t resource_id, struct tg_change **out,
                                 size_t *n)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, PG(db));
	p_i64(&p, resource_id);
	enum tg_rc rc = run(PG(db), S_CHANGE_LIST, &p, &res, "change_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_change, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++) {
		struct tg_change *c = &(*out)[i];
		int r = (int)i;
		c->id = g_i64(res, r, 0);
		c->resource_id = g_i64(res, r, 1);
		c->user_id = g_i64(res, r, 2);
		c->user_name = g_text(res, r, 3, a);
		c->at = g_text(res, r, 4, a);
		c->action = g_text(res, r, 5, a);
		c->before_json = g_text(res, r, 6, a);
		c->after_json = g_text(res, r, 7, a);
	}
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

static enum tg_rc pg_audit_insert(struct tg_db *db, const struct tg_audit *e)
{
	struct pg_db *s = PG(db);
	struct params p = {0};
	if (need_tenant(s, "audit_insert"))
		return TG_ERR_INTERNAL;
	p_tenant(&p, s);
	p_text(&p, now_ts(s));
	p_id(&p, e->user_id);
	p_text(&p, e->action);
	p_text(&p, e->object_type);
	p_text(&p, e->object_id);
	p_text(&p, e->detail);
	return write1(s, S_AUDIT_INSERT, &p, NULL, NULL, "audit_insert");
}

static enum tg_rc pg_audit_list(struct tg_db *db, struct tg_arena *a, int64_t before_id, size_t limit,
                                struct tg_audit **out, size_t *n)
{
	struct params p = {0};
	PGresult *res = NULL;
	p_tenant(&p, PG(db));
	p_i64(&p, before_id > 0 ? before_id : INT64_MAX);
	p_i64(&p, limit_value(limit));
	enum tg_rc rc = run(PG(db), S_AUDIT_LIST, &p, &res, "audit_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	*out = TG_ARENA_ARRAY(a, struct tg_audit, cnt ? cnt : 1);
	for (size_t i = 0; i < cnt; i++) {
		struct tg_audit *e = &(*out)[i];
		int r = (int)i;
		e->id = g_i64(res, r, 0);
		e->at = g_text(res, r, 1, a);
		e->user_id = g_i64(res, r, 2);
		e->action = g_text(res, r, 3, a);
		e->object_type = g_text(res, r, 4, a);
		e->object_id = g_text(res, r, 5, a);
		e->detail = g_text(res, r, 6, a);
	}
	*n = cnt;
	PQclear(res);
	return TG_OK;
}

/* ---- open ------------------------------------------------------------------------------------------ */

static const struct tg_db_copy_ops pg_copy_ops;
static const struct tg_db_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .migrate = pg_migrate,
    .schema_version = pg_schema_version,
    .backup = pg_backup,
    .errmsg = pg_errmsg,
    .bulk = pg_bulk,
    .drop_all = pg_drop_all,
    .tenant_list = pg_tenant_list,
    .tenant_get_by_code = pg_tenant_get_by_code,
    .tenant_insert = pg_tenant_insert,
    .tenant_update = pg_tenant_update,
    .setting_get = pg_setting_get,
    .setting_set = pg_setting_set,
    .area_list = pg_area_list,
    .area_ensure = pg_area_ensure,
    .area_ensure_many = pg_area_ensure_many,
    .org_get = pg_org_get,
    .org_get_by_uuid = pg_org_get_by_uuid,
    .org_find_by_name = pg_org_find_by_name,
    .org_list = pg_org_list,
    .org_count = pg_org_count,
    .org_insert = pg_org_insert,
    .org_insert_many = pg_org_insert_many,
    .org_get_many = pg_org_get_many,
    .org_update = pg_org_update,
    .user_get = pg_user_get,
    .user_get_by_login = pg_user_get_by_login,
    .user_list = pg_user_list,
    .user_insert = pg_user_insert,
    .user_update = pg_user_update,
    .user_set_password = pg_user_set_password,
    .session_insert = pg_session_insert,
    .session_get = pg_session_get,
    .session_delete = pg_session_delete,
    .session_delete_user = pg_session_delete_user,
    .type_list = pg_type_list,
    .type_insert = pg_type_insert,
    .tag_list = pg_tag_list,
    .resource_get = pg_resource_get,
    .resource_get_by_uuid = pg_resource_get_by_uuid,
    .resource_get_by_source = pg_resource_get_by_source,
    .resource_get_by_source_many = pg_resource_get_by_source_many,
    .resource_source_ids = pg_resource_source_ids,
    .resource_get_many = pg_resource_get_many,
    .resource_list = pg_resource_list,
    .lock_names = pg_lock_names,
    .resource_count = pg_resource_count,
    .resource_insert = pg_resource_insert,
    .resource_insert_many = pg_resource_insert_many,
    .resource_update = pg_resource_update,
    .resource_delete = pg_resource_delete,
    .resource_set_search_text = pg_resource_set_search_text,
    .resource_rewrite_search_text = pg_resource_rewrite_search_text,
    .change_mark = pg_change_mark,
    .resource_versions_at = pg_resource_versions_at,
    .change_deletions = pg_change_deletions,
    .change_insert = pg_change_insert,
    .change_list = pg_change_list,
    .audit_insert = pg_audit_insert,
    .audit_list = pg_audit_list,
    .copy = &pg_copy_ops, /* defined at the end of the file */
};

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* "relation already exists, skipping" and the like */
}

/* Per-session settings, at open and after a reconnect. lock_timeout plays
 * the role of SQLite's busy timeout (5 s) unless the URL or PGOPTIONS set one
 * ("?options=-c%20lock_timeout%3D1s"); client_min_messages keeps NOTICEs off
 * the wire. */
static void session_setup(struct pg_db *s)
{
	PQsetNoticeProcessor(s->c, quiet_notices, NULL);
	PQsetClientEncoding(s->c, "UTF8");
	PGresult *res = PQexec(s->c, "SET client_min_messages = warning; SET standard_conforming_strings = on; "
	                             "SELECT set_config('lock_timeout', '" LOCK_TIMEOUT "', false) "
	                             "WHERE current_setting('lock_timeout') = '0'");
	PQclear(res);
}

struct tg_db *tg_pg_open(const char *url, int create, char *err, size_t errlen)
{
	(void)create; /* the database must exist: CREATE DATABASE is the operator's job */
	if (errlen)
		err[0] = '\0';
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium の初期化に失敗しました (libsodium init failed)");
		return NULL;
	}
	PGconn *c = PQconnectdb(url);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		char msg[200] = "";
		if (c)
			snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
		size_t k = strlen(msg);
		while (k && (msg[k - 1] == '\n' || msg[k - 1] == ' '))
			msg[--k] = '\0';
		snprintf(err, errlen, "データベースに接続できません (cannot connect to database): %s", msg);
		PQfinish(c);
		return NULL;
	}
	/* 11: ANALYZE of several tables in one statement (bulk_analyze; on 10
	 * it fails inside its savepoint and a large import's reference checks
	 * keep plans made on empty tables) */
	if (PQserverVersion(c) < 110000) {
		snprintf(err, errlen, "PostgreSQL 11 以降が必要です (PostgreSQL 11 or newer is required)");
		PQfinish(c);
		return NULL;
	}
	struct pg_db *s = tg_xcalloc(1, sizeof(*s));
	s->base.ops = &pg_ops;
	s->c = c;
	tg_arena_init(&s->keep);
	session_setup(s);
	return &s->base;
}

/* ---- whole-database copy (store.h struct tg_db_copy_ops) -------------------------------------------
 *
 * Schema-driven, from the catalog of the current schema (pg_class,
 * pg_attribute, pg_constraint), like sqlite.c's. Reads stream in single-row
 * mode (memory stays one row), doubles are read with extra_float_digits = 3
 * (shortest exact text, on every server version) and written as "%.17g";
 * text keys are ordered COLLATE "C", as SQLite compares bytes. Writes are
 * multi-row INSERTs with text parameters, at most 65535 per statement. */

#define CP_MAX_PARAMS 65535

static void cp_ident(struct tg_buf *b, const char *name)
{
	tg_buf_addc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			tg_buf_addc(b, '"');
		tg_buf_addc(b, *p);
	}
	tg_buf_addc(b, '"');
}

#define CP_SCHEMA "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

/* A query whose result is returned (caller PQclear()s); params are text. */
static enum tg_rc cp_query(struct pg_db *s, const char *sql, int n, const char *const *params, PGresult **out,
                           const char *what)
{
	enum tg_rc rc = settle(s);
	if (!rc)
		rc = tenant_sync(s, what);
	if (rc)
		return rc;
	PGresult *res = PQexecParams(s->c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType es = PQresultStatus(res);
	if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
		rc = db_fail(s, what, res);
		PQclear(res);
		return rc;
	}
	*out = res;
	return TG_OK;
}

static enum tg_rc cp_table_list(struct tg_db *db, struct tg_arena *a, struct tg_table **out, size_t *n)
{
	struct pg_db *s = PG(db);
	PGresult *res = NULL;
	enum tg_rc rc = cp_query(s,
	                         "SELECT c.relname, COALESCE(array_to_string(ARRAY(SELECT DISTINCT r.relname "
	                         "FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid "
	                         "WHERE k.conrelid = c.oid AND k.contype = 'f' ORDER BY 1), ','), '') "
	                         "FROM pg_class c WHERE c.relnamespace = " CP_SCHEMA " AND c.relkind IN ('r', 'p') "
	                         "AND c.relname <> 'schema_migrations' ORDER BY 1",
	                         0, NULL, &res, "table_list");
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	struct tg_table *v = TG_ARENA_ARRAY(a, struct tg_table, cnt + 1);
	for (size_t i = 0; i < cnt; i++) {
		v[i].name = g_text(res, (int)i, 0, a);
		char *deps = (char *)g_text(res, (int)i, 1, a);
		size_t nd = 0;
		for (const char *p = deps; *p; p++)
			nd += *p == ',';
		v[i].deps = TG_ARENA_ARRAY(a, const char *, nd + 2);
		for (char *p = deps; *deps && p;) {
			char *comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			v[i].deps[v[i].n_deps++] = p;
			p = comma ? comma + 1 : NULL;
		}
	}
	PQclear(res);
	tg_store_sort_tables(v, cnt);
	*out = v;
	*n = cnt;
	return TG_OK;
}

/* The kind of a format_type() name; -1 when not one tsunagu's schema uses. */
static int cp_kind(const char *type)
{
	if (strcmp(type, "integer") == 0 || strcmp(type, "bigint") == 0 || strcmp(type, "smallint") == 0)
		return TG_VAL_INT;
	if (strcmp(type, "double precision") == 0 || strcmp(type, "real") == 0)
		return TG_VAL_REAL;
	if (strcmp(type, "text") == 0 || strncmp(type, "character", 9) == 0)
		return TG_VAL_TEXT;
	return -1;
}

static enum tg_rc cp_table_columns(struct tg_db *db, struct tg_arena *a, const char *table, struct tg_column **out,
                                   size_t *n)
{
	struct pg_db *s = PG(db);
	PGresult *res = NULL;
	struct tg_buf q = TG_BUF_INIT;
	cp_ident(&q, table);
	const char *params[1] = {q.data};
	enum tg_rc rc =
	    cp_query(s,
	             "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
	             /* int2vector subscripts start at 0: count with ORDINALITY */
	             "COALESCE((SELECT k.n FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(att, n) "
	             "WHERE k.att = a.attnum), 0) "
	             "FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
	             "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped "
	             "ORDER BY a.attnum",
	             1, params, &res, "table_columns");
	tg_buf_release(&q);
	if (rc)
		return rc;
	size_t cnt = (size_t)PQntuples(res);
	struct tg_column *v = TG_ARENA_ARRAY(a, struct tg_column, cnt + 1);
	for (size_t i = 0; i < cnt; i++) {
		v[i].name = g_text(res, (int)i, 0, a);
		int kind = cp_kind(PQgetvalue(res, (int)i, 1));
		if (kind < 0) {
			snprintf(s->err, sizeof(s->err), "table_columns: %s.%s: type '%s' cannot be copied", table,
			         v[i].name, PQgetvalue(res, (int)i, 1));
			PQclear(res);
			return TG_ERR_UNSUPPORTED;
		}
		v[i].kind = (enum tg_val_kind)kind;
		v[i].pk = (int)g_i64(res, (int)i, 2);
	}
	PQclear(res);
	*out = v;
	*n = cnt;
	return TG_OK;
}

static enum tg_rc cp_table_count(struct tg_db *db, const char *table, int64_t *n)
{
	struct pg_db *s = PG(db);
	struct tg_buf q = TG_BUF_INIT;
	PGresult *res = NULL;
	tg_buf_adds(&q, "SELECT COUNT(*) FROM ");
	cp_ident(&q, table);
	enum tg_rc rc = cp_query(s, q.data, 0, NULL, &res, "table_count");
	tg_buf_release(&q);
	if (rc)
		return rc;
	*n = g_i64(res, 0, 0);
	PQclear(res);
	return TG_OK;
}

static enum tg_rc cp_table_clear(struct tg_db *db, const char *table)
{
	struct pg_db *s = PG(db);
	struct tg_buf q = TG_BUF_INIT;
	enum tg_rc rc = call_enter(s);
	if (rc)
		return rc;
	tg_buf_adds(&q, "DELETE FROM ");
	cp_ident(&q, table);
	rc = tenant_sync(s, "table_clear"); /* in bulk mode call_enter() sent nothing */
	if (!rc)
		rc = simple(s, q.data, "table_clear");
	tg_buf_release(&q);
	return call_leave(s, rc);
}

static enum tg_rc cp_snapshot(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	if (s->in_tx) {
		snprintf(s->err, sizeof(s->err), "snapshot: a transaction is already open");
		return TG_ERR_INTERNAL;
	}
	/* set before BEGIN, so that the end of the snapshot does not undo it */
	enum tg_rc rc = tenant_sync(s, "snapshot");
	if (!rc)
		rc = simple(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "snapshot");
	if (!rc)
		s->in_tx = 1;
	return rc;
}

/* One text cell -> a value of the column's kind. */
static int cp_cell(const PGresult *res, int r, int c, enum tg_val_kind kind, struct tg_value *v)
{
	memset(v, 0, sizeof(*v));
	if (PQgetisnull(res, r, c))
		return 0;
	const char *t = PQgetvalue(res, r, c);
	char *end = NULL;
	v->kind = kind;
	errno = 0;
	switch (kind) {
	case TG_VAL_INT: v->i = strtoll(t, &end, 10); return errno || *end ? -1 : 0;
	case TG_VAL_REAL: v->d = strtod(t, &end); return *end ? -1 : 0;
	default:
		v->s = t;
		v->len = (size_t)PQgetlength(res, r, c);
		return 0;
	}
}

static enum tg_rc cp_rows_read(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                               tg_row_fn fn, void *ctx)
{
	struct pg_db *s = PG(db);
	struct tg_buf q = TG_BUF_INIT;
	struct tg_value *row = tg_xcalloc(ncols ? ncols : 1, sizeof(*row));
	PGresult *res = NULL;
	enum tg_rc rc = tenant_sync(s, "rows_read");
	if (!rc)
		rc = simple(s, "SET extra_float_digits = 3", "rows_read");
	int npk = 0, sent = 0;
	if (rc)
		goto out;
	tg_buf_adds(&q, "SELECT ");
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			tg_buf_adds(&q, ", ");
		cp_ident(&q, cols[i].name);
		if (cols[i].pk > npk)
			npk = cols[i].pk;
	}
	tg_buf_adds(&q, " FROM ");
	cp_ident(&q, table);
	/* the order of sqlite.c's rows_read: bytes for text, NULLs first */
	tg_buf_adds(&q, " ORDER BY ");
	for (int k = 1, first = 1; k <= (npk ? npk : (int)ncols); k++) {
		for (size_t i = 0; i < ncols; i++) {
			if (npk ? cols[i].pk != k : (int)i != k - 1)
				continue;
			if (!first)
				tg_buf_adds(&q, ", ");
			cp_ident(&q, cols[i].name);
			if (cols[i].kind == TG_VAL_TEXT)
				tg_buf_adds(&q, " COLLATE \"C\"");
			tg_buf_adds(&q, " NULLS FIRST");
			first = 0;
		}
	}
	if (!PQsendQuery(s->c, q.data) || !(sent = 1, PQsetSingleRowMode(s->c))) {
		snprintf(s->err, sizeof(s->err), "rows_read: cannot send the query");
		rc = PQstatus(s->c) == CONNECTION_BAD ? TG_ERR_BUSY : TG_ERR_DB;
		goto out;
	}
	while ((res = PQgetResult(s->c)) != NULL) {
		ExecStatusType es = PQresultStatus(res);
		if (rc) {
			/* after a failure: drain what is left of the result */
		} else if (es == PGRES_SINGLE_TUPLE) {
			for (size_t i = 0; i < ncols && !rc; i++) {
				if (cp_cell(res, 0, (int)i, cols[i].kind, &row[i])) {
					snprintf(s->err, sizeof(s->err), "rows_read: %s.%s: unexpected value", table,
					         cols[i].name);
					rc = TG_ERR_DB;
				}
			}
			if (!rc)
				rc = fn(ctx, row, ncols);
		} else if (es != PGRES_TUPLES_OK) {
			rc = db_fail(s, "rows_read", res);
		}
		PQclear(res);
	}
	sent = 0;
out:
	if (sent)
		while ((res = PQgetResult(s->c)) != NULL)
			PQclear(res);
	tg_buf_release(&q);
	free(row);
	return rc;
}

/* Text parameter of a value; numbers are formatted into num (32 bytes). */
static const char *cp_param(const struct tg_value *v, char *num)
{
	switch (v->kind) {
	case TG_VAL_INT: snprintf(num, 32, "%" PRId64, v->i); return num;
	case TG_VAL_REAL:
		if (v->d != v->d)
			return "NaN";
		if (v->d > 1.7976931348623157e308 || v->d < -1.7976931348623157e308)
			return v->d > 0 ? "Infinity" : "-Infinity";
		snprintf(num, 32, "%.17g", v->d);
		return num;
	case TG_VAL_TEXT: return v->s;
	default: return NULL;
	}
}

static enum tg_rc cp_rows_write(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                                const struct tg_value *rows, size_t nrows)
{
	struct pg_db *s = PG(db);
	struct tg_buf q = TG_BUF_INIT;
	size_t per = ncols ? CP_MAX_PARAMS / ncols : 1;
	size_t cap = (nrows < per ? nrows : per) * ncols + 1;
	const char **params = tg_xcalloc(cap, sizeof(*params));
	char(*num)[32] = tg_xcalloc(cap, sizeof(*num));
	enum tg_rc rc = call_enter(s);
	if (rc)
		goto out;
	for (size_t r0 = 0; r0 < nrows && !rc; r0 += per) {
		size_t nr = nrows - r0 < per ? nrows - r0 : per, np = 0;
		tg_buf_reset(&q);
		tg_buf_adds(&q, "INSERT INTO ");
		cp_ident(&q, table);
		tg_buf_adds(&q, " (");
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				tg_buf_adds(&q, ", ");
			cp_ident(&q, cols[i].name);
		}
		tg_buf_adds(&q, ") VALUES ");
		for (size_t r = 0; r < nr; r++) {
			const struct tg_value *row = rows + (r0 + r) * ncols;
			tg_buf_adds(&q, r ? ", (" : "(");
			for (size_t i = 0; i < ncols; i++) {
				if (row[i].kind == TG_VAL_TEXT && memchr(row[i].s, '\0', row[i].len)) {
					snprintf(s->err, sizeof(s->err), "rows_write: %s.%s: text with a NUL byte",
					         table, cols[i].name);
					rc = TG_ERR_INVALID;
					goto done;
				}
				params[np] = cp_param(&row[i], num[np]);
				np++;
				tg_buf_printf(&q, i ? ", $%zu" : "$%zu", np);
			}
			tg_buf_addc(&q, ')');
		}
		PGresult *res = NULL;
		char what[96];
		snprintf(what, sizeof(what), "rows_write %s", table);
		rc = cp_query(s, q.data, (int)np, params, &res, what);
		if (!rc)
			PQclear(res);
	}
done:
	rc = call_leave(s, rc);
out:
	free(params);
	free(num);
	tg_buf_release(&q);
	return rc;
}

/* Move every identity (or serial) sequence of the schema past its column's
 * largest value: explicit ids do not advance them. */
static enum tg_rc cp_sequences_reset(struct tg_db *db)
{
	struct pg_db *s = PG(db);
	PGresult *res = NULL, *r2 = NULL;
	struct tg_buf q = TG_BUF_INIT;
	enum tg_rc rc =
	    cp_query(s,
	             "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
	             "WHERE c.relnamespace = " CP_SCHEMA " AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
	             "AND NOT a.attisdropped AND pg_get_serial_sequence(quote_ident(c.relname), "
	             "a.attname) IS NOT NULL ORDER BY 1, 2",
	             0, NULL, &res, "sequences_reset");
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(res) && !rc; i++) {
		const char *t = PQgetvalue(res, i, 0), *c = PQgetvalue(res, i, 1);
		const char *params[2];
		struct tg_buf qt = TG_BUF_INIT;
		cp_ident(&qt, t);
		params[0] = qt.data;
		params[1] = c;
		tg_buf_reset(&q);
		/* is_called = true: the next value is MAX + 1 (no overflow at the
		 * int64 maximum, where nextval then fails as the sequence is used up);
		 * an empty table starts at 1 */
		tg_buf_adds(&q, "SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX(");
		cp_ident(&q, c);
		tg_buf_adds(&q, "), 0), 1), MAX(");
		cp_ident(&q, c);
		tg_buf_adds(&q, ") IS NOT NULL) FROM ");
		cp_ident(&q, t);
		rc = cp_query(s, q.data, 2, params, &r2, "sequences_reset");
		if (!rc)
			PQclear(r2);
		tg_buf_release(&qt);
	}
	PQclear(res);
	tg_buf_release(&q);
	return rc;
}

/* Every copy op works on the whole database: TG_TENANT_ALL for its duration
 * (row-level security lets the session see and write every tenant's rows),
 * the caller's tenant restored after it. */
static enum tg_rc pg_table_list(struct tg_db *db, struct tg_arena *a, struct tg_table **out, size_t *n)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_table_list(db, a, out, n);
	all_end(PG(db), t);
	return rc;
}

static enum tg_rc pg_table_columns(struct tg_db *db, struct tg_arena *a, const char *table, struct tg_column **out,
                                   size_t *n)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_table_columns(db, a, table, out, n);
	all_end(PG(db), t);
	return rc;
}

static enum tg_rc pg_table_count(struct tg_db *db, const char *table, int64_t *n)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_table_count(db, table, n);
	all_end(PG(db), t);
	return rc;
}

static enum tg_rc pg_table_clear(struct tg_db *db, const char *table)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_table_clear(db, table);
	all_end(PG(db), t);
	return rc;
}

static enum tg_rc pg_snapshot(struct tg_db *db)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_snapshot(db);
	all_end(PG(db), t);
	return rc;
}

static enum tg_rc pg_rows_read(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                               tg_row_fn fn, void *ctx)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_rows_read(db, table, cols, ncols, fn, ctx);
	all_end(PG(db), t);
	return rc;
}

static enum tg_rc pg_rows_write(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                                const struct tg_value *rows, size_t nrows)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_rows_write(db, table, cols, ncols, rows, nrows);
	all_end(PG(db), t);
	return rc;
}

static enum tg_rc pg_sequences_reset(struct tg_db *db)
{
	int64_t t = all_begin(PG(db));
	enum tg_rc rc = cp_sequences_reset(db);
	all_end(PG(db), t);
	return rc;
}

static const struct tg_db_copy_ops pg_copy_ops = {
    .table_list = pg_table_list,
    .table_columns = pg_table_columns,
    .table_count = pg_table_count,
    .table_clear = pg_table_clear,
    .snapshot = pg_snapshot,
    .rows_read = pg_rows_read,
    .rows_write = pg_rows_write,
    .sequences_reset = pg_sequences_reset,
};
