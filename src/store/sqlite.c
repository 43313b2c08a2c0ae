/*
 * sqlite.c - the SQLite implementation of struct tg_db_ops (store/store.h).
 *
 * Tables (schema in src/store/migrations/, history in schema_migrations):
 *   schema_migrations(version, name, applied_at)   which migrations ran
 *   tenants(id, code, name, disabled, ...)         the registry (0003), and
 *   tenant_hosts(host, tenant_id)                  the host names of each
 *   settings(key, value)                           small configuration
 *   areas(id, parent_id, level, name, name_kana)   市 > 区 > 地区
 *   orgs(id, uuid, name, ...)                      member organizations
 *   users(id, org_id, login, role, password_hash, disabled, ...)
 *   sessions(token_hash, user_id, csrf_token, created_at, expires_at)
 *   resource_types(code, ..., tenant_id), tags(code, kind, ...)   vocabularies
 *                                                  (built-in types: tenant_id NULL)
 *   resources(id, uuid, org_id, ..., search_text, version, hours)
 *                                                  (hours: store/hours_col.h)
 *   resource_tags / resource_exceptions            nested rows,
 *                                                  ON DELETE CASCADE
 *   resource_changes(id, resource_id, user_id, at, action, before/after)
 *   audit_log(id, at, user_id, action, object_type, object_id, detail)
 *
 * Every table but settings, tags and the registry has tenant_id (NOT NULL;
 * NULL for the built-in resource types), and references between them are
 * composite: (tenant_id, x_id) -> parent(tenant_id, id).
 *
 * Invariants:
 *  - One struct sq_db is one sqlite3 connection, used by one thread at a time.
 *  - Tenants: every statement on tenant data has "tenant_id = :tenant", bound
 *    from db->tenant_id whenever a statement is handed out (prepare_slot),
 *    and every insert writes it; writes need a tenant (need_tenant). See the
 *    comment above fixed_sql[] and test_sql_names_tenant.
 *  - Every statement is prepared once per connection (slot cache below) and
 *    reset before the call that used it returns, so no cached statement keeps
 *    a read transaction (and a WAL snapshot) open between calls.
 *  - A call that writes several rows (resource insert/update) runs inside
 *    BEGIN IMMEDIATE, or inside a SAVEPOINT when the caller already holds a
 *    transaction from begin(), so each call is atomic. Exception: resource
 *    insert inside begin() takes no savepoint; on a failed nested insert it
 *    deletes the row it added (nested rows cascade), which is as atomic.
 *  - Inserts use sqlite3_last_insert_rowid(), not RETURNING (a trigger in
 *    SQLite, which forces a statement journal on every insert).
 *  - Nested rows of resources are loaded per batch of up to CHUNK ids with
 *    "resource_id IN (?, ..., ?)", never one query per resource.
 *  - Strings the store writes back into caller structs (generated uuids,
 *    timestamps) live in the connection's arena until close.
 *  - errmsg() holds SQLite's message (table/column names, never values).
 *  - SQL is standard where a standard form exists; see
 *    docs/internals/store.md for the few SQLite-specific statements.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/search.h"
#include "store/hours_col.h"
#include "store/migrations.h"
#include "util/buf.h"
#include "util/log.h"

/* Ids per "IN (...)" batch; statements exist for 1, 16 and CHUNK ids. */
#define CHUNK   128
#define N_SIZES 3
static const int in_sizes[N_SIZES] = {1, 16, CHUNK};

#define BUSY_TIMEOUT_MS 5000

/* Fixed statements: slot -> SQL.
 *
 * Tenants: every statement on a tenant's data names the parameter :tenant,
 * which the statement getters bind to db->tenant_id before handing the
 * statement out (prepare_slot), so a call cannot forget it. :tenant comes
 * after every "?" in the text (a named parameter takes the next number, so
 * an earlier one would shift the "?" after it), except before a trailing
 * "LIMIT ?", which is bound as the last parameter. The statements of the
 * registry (tenants, tenant_hosts) and of shared data (settings, tags) have
 * no :tenant. */
enum {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_TENANT_LIST,
	S_TENANT_HOSTS_ALL,
	S_TENANT_GET_CODE,
	S_TENANT_HOSTS,
	S_TENANT_INSERT,
	S_TENANT_UPDATE,
	S_THOST_INSERT,
	S_THOST_DELETE,
	S_SETTING_GET,
	S_SETTING_SET,
	S_AREA_LIST,
	S_AREA_FIND,
	S_AREA_INSERT,
	S_ORG_GET,
	S_ORG_GET_UUID,
	S_ORG_FIND_NAME,
	S_ORG_LIST,
	S_ORG_COUNT,
	S_ORG_INSERT,
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
	S_TYPE_OK,
	S_TAG_LIST,
	S_RES_GET,
	S_RES_GET_UUID,
	S_RES_GET_SOURCE,
	S_RES_INSERT,
	S_RES_UPDATE,
	S_RES_EXISTS,
	S_RES_DELETE,
	S_RES_SET_TEXT,
	S_RES_REWRITE_TEXT,
	S_CHANGE_MARK,
	S_CHANGE_DELETIONS,
	S_RES_VERSIONS_AT,
	S_EXC_INSERT,
	S_EXC_DEL,
	S_RTAG_DEL,
	S_CHANGE_INSERT,
	S_CHANGE_LIST,
	S_AUDIT_INSERT,
	S_AUDIT_LIST,
	S_RES_SOURCE_IDS,
	S__FIXED
};

/* Multi-row INSERTs of nested rows, cached per row count 1..MULTI_MAX.
 * Plain "?" only (tenant_id is a "?" per row): a named parameter among the
 * rows would renumber the ones after it. */
#define MULTI_MAX 16
enum { MI_TAGS, MI__COUNT };

/* Generated statements follow the fixed ones in the slot array. */
#define LIST_VARIANTS 16 /* bit 1: org_id, 2: modified_after, 4: public_only, 8: verified_before */
enum { CH_EXC, CH_TAGS, CH__COUNT };
#define SLOT_LIST(mask)        (S__FIXED + (mask))
#define SLOT_COUNT(mask)       (S__FIXED + LIST_VARIANTS + (mask))
#define SLOT_CHILD(kind, size) (S__FIXED + 2 * LIST_VARIANTS + (kind)*N_SIZES + (size))
#define SLOT_MANY(size)        (S__FIXED + 2 * LIST_VARIANTS + CH__COUNT * N_SIZES + (size))
#define N_SLOTS                (S__FIXED + 2 * LIST_VARIANTS + CH__COUNT * N_SIZES + N_SIZES)

#define TENANT_COLS "id, code, name, disabled, created_at, updated_at"
#define ORG_COLS    "id, uuid, name, name_kana, kind, area_id, phone, email, url, description, created_at, updated_at"
#define USER_COLS   "id, org_id, login, display_name, role, disabled, password_hash, created_at"
#define RES_COLS                                                                                                       \
	"r.id, r.uuid, r.org_id, o.name, r.type_code, r.name, r.name_kana, r.description, r.area_id, "                 \
	"r.postal_code, r.prefecture, r.city, r.address_line, r.building, r.lat, r.lon, r.phone, "                     \
	"r.email, r.url, r.age_min_months, r.age_max_months, r.fee_free, r.fee_text, r.capacity, "                     \
	"r.accessibility_notes, r.schedule_note, r.is_public, r.is_confidential, r.front_door, "                       \
	"r.verified_at, r.source, r.source_id, r.created_at, r.updated_at, r.version, r.search_text, r.text_version, " \
	"r.hours"
/* The org join repeats the tenant (the composite reference makes it the
 * same; the join condition keeps it so even if the schema did not). */
#define RES_FROM " FROM resources r JOIN orgs o ON o.id = r.org_id AND o.tenant_id = r.tenant_id"
/* The writable columns, in bind_resource() order (type_code is ?2). */
#define RES_WCOLS                                                                                                      \
	"org_id, type_code, name, name_kana, description, area_id, postal_code, prefecture, city, "                    \
	"address_line, building, lat, lon, phone, email, url, age_min_months, age_max_months, "                        \
	"fee_free, fee_text, capacity, accessibility_notes, schedule_note, is_public, "                                \
	"is_confidential, front_door, verified_at, source, source_id, search_text, hours"
#define RES_NWCOLS 31
/* resources has no foreign key to resource_types (a custom type's code is
 * unique per tenant only): the writes check the type in the same statement,
 * "the code is a built-in type or the tenant's own". Two probes of the index
 * resource_types_code, built-in first; one "COALESCE(..) IN (0, :tenant)"
 * builds an ephemeral table on every run (measured: most of the check's cost). */
#define TYPE_VISIBLE(code)                                                                                             \
	"EXISTS (SELECT 1 FROM resource_types b WHERE COALESCE(b.tenant_id, 0) = 0 AND b.code = " code                 \
	") OR EXISTS (SELECT 1 FROM resource_types t WHERE COALESCE(t.tenant_id, 0) = :tenant AND t.code = " code ")"

static const char *const fixed_sql[S__FIXED] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT tg_call",
    [S_RELEASE] = "RELEASE SAVEPOINT tg_call",
    [S_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT tg_call",
    [S_TENANT_LIST] = "SELECT " TENANT_COLS " FROM tenants ORDER BY id",
    [S_TENANT_HOSTS_ALL] = "SELECT tenant_id, host FROM tenant_hosts ORDER BY tenant_id, host",
    [S_TENANT_GET_CODE] = "SELECT " TENANT_COLS " FROM tenants WHERE code = ?",
    [S_TENANT_HOSTS] = "SELECT tenant_id, host FROM tenant_hosts WHERE tenant_id = ? ORDER BY host",
    [S_TENANT_INSERT] = "INSERT INTO tenants (code, name, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
    [S_TENANT_UPDATE] = "UPDATE tenants SET name = ?, disabled = ?, updated_at = ? WHERE id = ?",
    [S_THOST_INSERT] = "INSERT INTO tenant_hosts (host, tenant_id) VALUES (?, ?)",
    [S_THOST_DELETE] = "DELETE FROM tenant_hosts WHERE tenant_id = ?",
    [S_SETTING_GET] = "SELECT value FROM settings WHERE key = ?",
    [S_SETTING_SET] = "INSERT INTO settings (key, value) VALUES (?, ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [S_AREA_LIST] = "SELECT id, parent_id, level, name, name_kana FROM areas WHERE tenant_id = :tenant "
                    "ORDER BY level, id",
    [S_AREA_FIND] = "SELECT id FROM areas WHERE COALESCE(parent_id, 0) = ? AND level = ? AND name = ? "
                    "AND tenant_id = :tenant",
    [S_AREA_INSERT] = "INSERT INTO areas (parent_id, level, name, name_kana, tenant_id) "
                      "VALUES (?, ?, ?, ?, :tenant) RETURNING id",
    [S_ORG_GET] = "SELECT " ORG_COLS " FROM orgs WHERE id = ? AND tenant_id = :tenant",
    [S_ORG_GET_UUID] = "SELECT " ORG_COLS " FROM orgs WHERE uuid = ? AND tenant_id = :tenant",
    [S_ORG_FIND_NAME] = "SELECT " ORG_COLS " FROM orgs WHERE name = ? AND tenant_id = :tenant ORDER BY id LIMIT 1",
    [S_ORG_LIST] = "SELECT " ORG_COLS " FROM orgs WHERE id > ? AND tenant_id = :tenant ORDER BY id LIMIT ?",
    [S_ORG_COUNT] = "SELECT COUNT(*) FROM orgs WHERE tenant_id = :tenant",
    [S_ORG_INSERT] = "INSERT INTO orgs (uuid, name, name_kana, kind, area_id, phone, email, url, "
                     "description, created_at, updated_at, tenant_id) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, :tenant)",
    [S_ORG_UPDATE] = "UPDATE orgs SET name = ?, name_kana = ?, kind = ?, area_id = ?, phone = ?, "
                     "email = ?, url = ?, description = ?, updated_at = ? WHERE id = ? AND tenant_id = :tenant",
    [S_USER_GET] = "SELECT " USER_COLS " FROM users WHERE id = ? AND tenant_id = :tenant",
    [S_USER_GET_LOGIN] = "SELECT " USER_COLS " FROM users WHERE login = ? AND tenant_id = :tenant",
    [S_USER_LIST] = "SELECT " USER_COLS " FROM users WHERE (? = 0 OR org_id = ?) AND tenant_id = :tenant "
                    "ORDER BY id",
    [S_USER_INSERT] = "INSERT INTO users (org_id, login, display_name, role, password_hash, disabled, "
                      "created_at, updated_at, tenant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, :tenant) RETURNING id",
    [S_USER_UPDATE] = "UPDATE users SET org_id = ?, display_name = ?, role = ?, disabled = ?, "
                      "updated_at = ? WHERE id = ? AND tenant_id = :tenant",
    [S_USER_SET_PW] = "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND tenant_id = :tenant",
    [S_SESS_PURGE] = "DELETE FROM sessions WHERE expires_at < ? AND tenant_id = :tenant",
    [S_SESS_INSERT] = "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, tenant_id) "
                      "VALUES (?, ?, ?, ?, ?, :tenant)",
    [S_SESS_GET] = "SELECT user_id, csrf_token, expires_at FROM sessions "
                   "WHERE token_hash = ? AND expires_at > ? AND tenant_id = :tenant",
    [S_SESS_DELETE] = "DELETE FROM sessions WHERE token_hash = ? AND tenant_id = :tenant",
    [S_SESS_DELETE_USER] = "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ? AND tenant_id = :tenant",
    [S_TYPE_LIST] = "SELECT code, name_ja, name_en, builtin FROM resource_types "
                    "WHERE tenant_id IS NULL OR tenant_id = :tenant ORDER BY sort, code",
    /* a built-in code is refused here; the tenant's own by the unique index */
    [S_TYPE_INSERT] = "INSERT INTO resource_types (code, name_ja, name_en, builtin, tenant_id) "
                      "SELECT ?1, ?2, ?3, 0, :tenant WHERE NOT EXISTS "
                      "(SELECT 1 FROM resource_types b WHERE b.tenant_id IS NULL AND b.code = ?1)",
    [S_TYPE_OK] = "SELECT 1 WHERE " TYPE_VISIBLE("?1"),
    [S_TAG_LIST] = "SELECT code, kind, name_ja, name_en FROM tags ORDER BY kind DESC, sort, code",
    [S_RES_GET] = "SELECT " RES_COLS RES_FROM " WHERE r.id = ? AND r.tenant_id = :tenant",
    [S_RES_GET_UUID] = "SELECT " RES_COLS RES_FROM " WHERE r.uuid = ? AND r.tenant_id = :tenant",
    [S_RES_GET_SOURCE] = "SELECT " RES_COLS RES_FROM " WHERE r.source = ? AND r.source_id = ? "
                         "AND r.tenant_id = :tenant",
    /* no row inserted (changes() = 0): the type is not visible to the tenant */
    [S_RES_INSERT] =
        "INSERT INTO resources (" RES_WCOLS ", uuid, created_at, updated_at, version, tenant_id, "
        "text_version) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, :tenant, " TG_SEARCH_TEXT_VERSION_SQL " WHERE " TYPE_VISIBLE("?2"),
    [S_RES_UPDATE] = "UPDATE resources SET org_id = ?, type_code = ?, name = ?, name_kana = ?, "
                     "description = ?, area_id = ?, postal_code = ?, prefecture = ?, city = ?, "
                     "address_line = ?, building = ?, lat = ?, lon = ?, phone = ?, email = ?, url = ?, "
                     "age_min_months = ?, age_max_months = ?, fee_free = ?, fee_text = ?, capacity = ?, "
                     "accessibility_notes = ?, schedule_note = ?, is_public = ?, is_confidential = ?, "
                     "front_door = ?, verified_at = ?, source = ?, source_id = ?, search_text = ?, hours = ?, "
                     "text_version = " TG_SEARCH_TEXT_VERSION_SQL
                     ", updated_at = ?, version = version + 1 WHERE id = ? AND version = ? "
                     "AND tenant_id = :tenant AND (" TYPE_VISIBLE("?2") ")",
    [S_RES_EXISTS] = "SELECT 1 FROM resources WHERE id = ? AND tenant_id = :tenant",
    [S_RES_DELETE] = "DELETE FROM resources WHERE id = ? AND tenant_id = :tenant",
    [S_CHANGE_MARK] = "SELECT COALESCE(MAX(id), 0) FROM resource_changes WHERE tenant_id = :tenant",
    [S_RES_VERSIONS_AT] = "SELECT COUNT(*), COALESCE(SUM(version), 0), COALESCE(SUM(id), 0) FROM resources "
                          "WHERE updated_at = ? AND tenant_id = :tenant",
    [S_CHANGE_DELETIONS] = "SELECT resource_id FROM resource_changes WHERE id > ? AND id <= ? "
                           "AND action = 'delete' AND tenant_id = :tenant ORDER BY id",
    [S_RES_SET_TEXT] =
        "UPDATE resources SET search_text = ?, text_version = " TG_SEARCH_TEXT_VERSION_SQL ", updated_at = ? "
        "WHERE id = ? AND tenant_id = :tenant",
    [S_RES_REWRITE_TEXT] =
        "UPDATE resources SET search_text = COALESCE(?, search_text), text_version = " TG_SEARCH_TEXT_VERSION_SQL
        " WHERE id = ? AND version = ? AND text_version < " TG_SEARCH_TEXT_VERSION_SQL " AND tenant_id = :tenant",
    [S_EXC_INSERT] = "INSERT INTO resource_exceptions (resource_id, day, closed, open_min, close_min, "
                     "note, tenant_id) VALUES (?, ?, ?, ?, ?, ?, :tenant)",
    [S_EXC_DEL] = "DELETE FROM resource_exceptions WHERE resource_id = ? AND tenant_id = :tenant",
    [S_RTAG_DEL] = "DELETE FROM resource_tags WHERE resource_id = ? AND tenant_id = :tenant",
    [S_CHANGE_INSERT] = "INSERT INTO resource_changes (resource_id, user_id, at, action, before_json, "
                        "after_json, tenant_id) VALUES (?, ?, ?, ?, ?, ?, :tenant)",
    [S_CHANGE_LIST] = "SELECT c.id, c.resource_id, c.user_id, u.display_name, c.at, c.action, "
                      "c.before_json, c.after_json FROM resource_changes c "
                      "LEFT JOIN users u ON u.id = c.user_id AND u.tenant_id = c.tenant_id "
                      "WHERE c.resource_id = ? AND c.tenant_id = :tenant ORDER BY c.id DESC",
    [S_AUDIT_INSERT] = "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail, tenant_id) "
                       "VALUES (?, ?, ?, ?, ?, ?, :tenant)",
    [S_AUDIT_LIST] = "SELECT id, at, user_id, action, object_type, object_id, detail FROM audit_log "
                     "WHERE id < ? AND tenant_id = :tenant ORDER BY id DESC LIMIT ?",
    [S_RES_SOURCE_IDS] = "SELECT source_id FROM resources WHERE source = ? AND source_id IS NOT NULL "
                         "AND tenant_id = :tenant",
};

struct sq_db {
	struct tg_db base; /* first: struct tg_db * casts to struct sq_db * */
	sqlite3 *h;
	sqlite3_stmt *st[N_SLOTS];
	int tix[N_SLOTS]; /* index of :tenant in st[slot], 0 = none */
	sqlite3_stmt *multi[MI__COUNT][MULTI_MAX + 1];
	int in_tx;              /* begin() called and not yet committed/rolled back */
	struct tg_arena keep;   /* strings handed back into caller structs */
	time_t ts_time;         /* second of ts_str */
	const char *ts_str;     /* interned "YYYY-MM-DDTHH:MM:SSZ" for ts_time */
	unsigned char rnd[512]; /* random bytes not yet used, from rnd_pos */
	size_t rnd_pos;
	uint64_t v7_ms; /* last uuid v7 millisecond and counter */
	unsigned v7_seq;
	int last_src; /* SQLite's code of the last failure (db_fail) */
	char err[256];
};

static const struct tg_db_ops sq_ops;

static struct sq_db *SQ(struct tg_db *db)
{
	return (struct sq_db *)db;
}

/* ---- errors ------------------------------------------------------------ */

static enum tg_rc map_rc(int src)
{
	switch (src & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE: return TG_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return TG_ERR_BUSY;
	case SQLITE_CONSTRAINT:
		if (src == SQLITE_CONSTRAINT_UNIQUE || src == SQLITE_CONSTRAINT_PRIMARYKEY)
			return TG_ERR_CONFLICT;
		/* foreign key, NOT NULL, CHECK: the caller passed a bad reference */
		return TG_ERR_INVALID;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL: return TG_ERR_IO;
	default: return TG_ERR_DB;
	}
}

/* Record SQLite's message for errmsg() and map the code. */
static enum tg_rc db_fail(struct sq_db *s, const char *what, int src)
{
	s->last_src = src;
	snprintf(s->err, sizeof(s->err), "%s: %s", what, sqlite3_errmsg(s->h));
	return map_rc(src);
}

/* ---- statement cache --------------------------------------------------- */

/* The cached statement of slot (prepared from sql on first use), reset, with
 * nothing bound but :tenant, which is db->tenant_id. sql may be NULL when the
 * slot is known to be prepared. */
static enum tg_rc prepare_slot(struct sq_db *s, int slot, const char *sql, sqlite3_stmt **out)
{
	if (!s->st[slot]) {
		int src = sqlite3_prepare_v3(s->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st[slot], NULL);
		if (src != SQLITE_OK)
			return db_fail(s, "prepare", src);
		s->tix[slot] = sqlite3_bind_parameter_index(s->st[slot], ":tenant");
	}
	if (s->tix[slot])
		sqlite3_bind_int64(s->st[slot], s->tix[slot], s->base.tenant_id);
	*out = s->st[slot];
	return TG_OK;
}

/* A cached fixed statement, reset, only :tenant bound. */
static enum tg_rc get_st(struct sq_db *s, int slot, sqlite3_stmt **out)
{
	return prepare_slot(s, slot, fixed_sql[slot], out);
}

static void done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* Append "?, ?, ..." (n placeholders). */
static void add_placeholders(struct tg_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		tg_buf_adds(b, i ? ", ?" : "?");
}

static int size_index(size_t n)
{
	for (int i = 0; i < N_SIZES; i++)
		if (n <= (size_t)in_sizes[i])
			return i;
	return N_SIZES - 1;
}

static enum tg_rc get_child_st(struct sq_db *s, int kind, int size, sqlite3_stmt **out)
{
	int slot = SLOT_CHILD(kind, size);
	if (s->st[slot])
		return prepare_slot(s, slot, NULL, out);
	struct tg_buf b = TG_BUF_INIT;
	switch (kind) {
	case CH_EXC:
		tg_buf_adds(&b, "SELECT resource_id, day, closed, open_min, close_min, note "
		                "FROM resource_exceptions WHERE resource_id IN (");
		add_placeholders(&b, in_sizes[size]);
		tg_buf_adds(&b, ") AND tenant_id = :tenant ORDER BY resource_id, day, open_min");
		break;
	default:
		tg_buf_adds(&b, "SELECT rt.resource_id, rt.tag_code, t.kind FROM resource_tags rt "
		                "JOIN tags t ON t.code = rt.tag_code WHERE rt.resource_id IN (");
		add_placeholders(&b, in_sizes[size]);
		tg_buf_adds(&b, ") AND rt.tenant_id = :tenant ORDER BY rt.resource_id, t.sort, rt.tag_code");
		break;
	}
	enum tg_rc rc = prepare_slot(s, slot, b.data, out);
	tg_buf_release(&b);
	return rc;
}

static enum tg_rc get_many_st(struct sq_db *s, int size, sqlite3_stmt **out)
{
	int slot = SLOT_MANY(size);
	if (s->st[slot])
		return prepare_slot(s, slot, NULL, out);
	struct tg_buf b = TG_BUF_INIT;
	tg_buf_adds(&b, "SELECT " RES_COLS RES_FROM " WHERE r.id IN (");
	add_placeholders(&b, in_sizes[size]);
	/* "+": look the ids up by rowid and check the tenant on the row; without it
	 * the planner probes the (tenant_id, id) index first, a second lookup */
	tg_buf_adds(&b, ") AND +r.tenant_id = :tenant");
	enum tg_rc rc = prepare_slot(s, slot, b.data, out);
	tg_buf_release(&b);
	return rc;
}

static unsigned filter_mask(const struct tg_resource_filter *f)
{
	return (f->org_id ? 1u : 0u) | (f->modified_after ? 2u : 0u) | (f->public_only ? 4u : 0u) |
	       (f->verified_before ? 8u : 0u);
}

static void add_filter_sql(struct tg_buf *b, unsigned mask)
{
	tg_buf_adds(b, " WHERE r.id > ?");
	if (mask & 1)
		tg_buf_adds(b, " AND r.org_id = ?");
	if (mask & 2)
		tg_buf_adds(b, " AND r.updated_at > ?");
	if (mask & 4)
		tg_buf_adds(b, " AND r.is_public = 1");
	if (mask & 8)
		tg_buf_adds(b, " AND (r.verified_at IS NULL OR r.verified_at < ?)");
	tg_buf_adds(b, " AND r.tenant_id = :tenant"); /* after every "?" of the filter */
}

/* Binds the filter from parameter 1 (:tenant comes after it); returns the
 * next parameter index. */
static int bind_filter(sqlite3_stmt *st, const struct tg_resource_filter *f)
{
	int i = 1;
	sqlite3_bind_int64(st, i++, f->after_id);
	if (f->org_id)
		sqlite3_bind_int64(st, i++, f->org_id);
	if (f->modified_after)
		sqlite3_bind_text(st, i++, f->modified_after, -1, SQLITE_STATIC);
	if (f->verified_before)
		sqlite3_bind_text(st, i++, f->verified_before, -1, SQLITE_STATIC);
	return i;
}

/* ---- small helpers ----------------------------------------------------- */

static const char *col_text(sqlite3_stmt *st, int i, struct tg_arena *a)
{
	const unsigned char *p = sqlite3_column_text(st, i);
	if (!p)
		return NULL;
	return tg_arena_strndup(a, (const char *)p, (size_t)sqlite3_column_bytes(st, i));
}

static int64_t col_id(sqlite3_stmt *st, int i) /* NULL -> 0 */
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static int col_int_or(sqlite3_stmt *st, int i, int dflt)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int(st, i);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t v) /* 0 -> NULL */
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void bind_int_or_null(sqlite3_stmt *st, int i, int v) /* negative -> NULL */
{
	if (v >= 0)
		sqlite3_bind_int(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int64_t limit_value(size_t limit) /* 0 = unlimited, portable LIMIT */
{
	return limit == 0 || limit > (size_t)INT64_MAX ? INT64_MAX : (int64_t)limit;
}

/* Current UTC second as "YYYY-MM-DDTHH:MM:SSZ", interned per connection. */
static const char *now_ts(struct sq_db *s)
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

/* 16 bytes -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in the connection arena
 * (by hand: vsnprintf was a visible share of a 100k-row import). */
static const char *uuid_text(struct sq_db *s, const unsigned char *b)
{
	static const char hex[] = "0123456789abcdef";
	char *out = tg_arena_alloc(&s->keep, 37), *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
	return out;
}

/* Random bytes, drawn from libsodium a block at a time. */
static void rand_bytes(struct sq_db *s, unsigned char *out, size_t n)
{
	if (s->rnd_pos + n > sizeof(s->rnd)) {
		randombytes_buf(s->rnd, sizeof(s->rnd));
		s->rnd_pos = 0;
	}
	memcpy(out, s->rnd + s->rnd_pos, n);
	sodium_memzero(s->rnd + s->rnd_pos, n); /* each byte is handed out once */
	s->rnd_pos += n;
}

/* Random (version 4) UUID, lower-case hex, into the connection arena. */
static const char *new_uuid(struct sq_db *s)
{
	unsigned char b[16];
	rand_bytes(s, b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	return uuid_text(s, b);
}

/* Time-ordered (version 7, RFC 9562) UUID for resources: 48-bit Unix
 * milliseconds, then a 12-bit counter (method 1) so uuids made by this
 * connection within one millisecond still ascend, then 62 random bits.
 * New rows then append to the resources.uuid index instead of landing on
 * a random leaf page (a 100k-row import touched every page of it). */
static const char *new_uuid_v7(struct sq_db *s)
{
	unsigned char b[16];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	if (ms > s->v7_ms) {
		s->v7_ms = ms;
		s->v7_seq = 0;
	} else if (++s->v7_seq > 0xfff) { /* 4096 in one ms: borrow the next ms */
		s->v7_ms++;
		s->v7_seq = 0;
	}
	rand_bytes(s, b + 8, 8);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(s->v7_ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | ((s->v7_seq >> 8) & 0x0f));
	b[7] = (unsigned char)(s->v7_seq & 0xff);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	return uuid_text(s, b);
}

static const char *role_text(enum tg_role r)
{
	const char *n = tg_role_name(r);
	return n ? n : "viewer";
}

static enum tg_role role_from(const char *s)
{
	enum tg_role r = TG_ROLE_VIEWER; /* an unknown stored role grants least */
	if (!s || tg_role_parse(s, &r) != 0)
		r = TG_ROLE_VIEWER;
	return r;
}

/* Run a cached statement that returns no rows. */
static enum tg_rc exec_slot(struct sq_db *s, int slot, const char *what)
{
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, slot, &st);
	if (rc)
		return rc;
	int src = sqlite3_step(st);
	rc = src == SQLITE_DONE ? TG_OK : db_fail(s, what, src);
	done(st);
	return rc;
}

/* Step a statement expected to finish: DONE -> OK, ROW -> OK (RETURNING). */
static enum tg_rc step_write(struct sq_db *s, sqlite3_stmt *st, const char *what)
{
	int src = sqlite3_step(st);
	if (src == SQLITE_DONE || src == SQLITE_ROW)
		return TG_OK;
	return db_fail(s, what, src);
}

/* Step a single-row SELECT: ROW -> OK, DONE -> NOT_FOUND. */
static enum tg_rc step_one(struct sq_db *s, sqlite3_stmt *st, const char *what)
{
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		return TG_OK;
	if (src == SQLITE_DONE)
		return TG_ERR_NOT_FOUND;
	return db_fail(s, what, src);
}

/* Call-level atomicity: BEGIN IMMEDIATE, or a savepoint inside begin(). */
static enum tg_rc call_enter(struct sq_db *s)
{
	return exec_slot(s, s->in_tx ? S_SAVEPOINT : S_BEGIN, "begin");
}

static enum tg_rc call_leave(struct sq_db *s, enum tg_rc rc)
{
	if (s->in_tx) {
		if (rc)
			exec_slot(s, S_ROLLBACK_TO, "rollback");
		enum tg_rc rc2 = exec_slot(s, S_RELEASE, "release");
		return rc ? rc : rc2;
	}
	if (rc) {
		exec_slot(s, S_ROLLBACK, "rollback");
		return rc;
	}
	rc = exec_slot(s, S_COMMIT, "commit");
	if (rc)
		exec_slot(s, S_ROLLBACK, "rollback");
	return rc;
}

/* ---- tenants ---------------------------------------------------------------
 *
 * Reads need nothing more than :tenant: with no tenant (0) or TG_TENANT_ALL
 * they match no row. Writes check first, so a row is never written for a
 * tenant that is not set (the tenants(id) reference would refuse it too). */

static enum tg_rc need_tenant(struct sq_db *s, const char *what)
{
	if (s->base.tenant_id > 0)
		return TG_OK;
	snprintf(s->err, sizeof(s->err), "%s: no tenant selected", what);
	return TG_ERR_INTERNAL;
}

/* A reference a write makes: column, the table it points into, its value. */
struct ref {
	const char *column;
	const char *table; /* a literal table name */
	int64_t id;        /* 0 = NULL, never checked */
};

/* After a write failed on a FOREIGN KEY constraint (SQLite's message names no
 * column): name, in errmsg, the first reference that is not a row of this
 * tenant, e.g. "resource_insert: org_id: no such row in orgs of this tenant".
 * Names only, never values. The result code stays TG_ERR_INVALID. */
static void explain_refs(struct sq_db *s, const char *what, const struct ref *refs, size_t n)
{
	if (s->last_src != SQLITE_CONSTRAINT_FOREIGNKEY)
		return;
	for (size_t i = 0; i < n; i++) {
		char sql[128];
		sqlite3_stmt *st = NULL;
		if (!refs[i].id)
			continue;
		snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id = ? AND tenant_id = ?", refs[i].table);
		if (sqlite3_prepare_v2(s->h, sql, -1, &st, NULL) != SQLITE_OK) {
			sqlite3_finalize(st);
			return;
		}
		sqlite3_bind_int64(st, 1, refs[i].id);
		sqlite3_bind_int64(st, 2, s->base.tenant_id);
		int src = sqlite3_step(st);
		sqlite3_finalize(st);
		if (src == SQLITE_DONE) {
			snprintf(s->err, sizeof(s->err), "%s: %s: no such row in %s of this tenant (FOREIGN KEY)", what,
			         refs[i].column, refs[i].table);
			return;
		}
	}
}

/* ---- connection ---------------------------------------------------------- */

static void sq_close(struct tg_db *db)
{
	struct sq_db *s = SQ(db);
	if (!s)
		return;
	for (int i = 0; i < N_SLOTS; i++)
		sqlite3_finalize(s->st[i]);
	for (int k = 0; k < MI__COUNT; k++)
		for (int i = 0; i <= MULTI_MAX; i++)
			sqlite3_finalize(s->multi[k][i]);
	sqlite3_close_v2(s->h);
	tg_arena_release(&s->keep);
	free(s);
}

static enum tg_rc sq_begin(struct tg_db *db)
{
	struct sq_db *s = SQ(db);
	if (s->in_tx) {
		snprintf(s->err, sizeof(s->err), "begin: a transaction is already open");
		return TG_ERR_INTERNAL;
	}
	enum tg_rc rc = exec_slot(s, S_BEGIN, "begin");
	if (!rc)
		s->in_tx = 1;
	return rc;
}

static enum tg_rc sq_commit(struct tg_db *db)
{
	struct sq_db *s = SQ(db);
	if (!s->in_tx) {
		snprintf(s->err, sizeof(s->err), "commit: no transaction is open");
		return TG_ERR_INTERNAL;
	}
	enum tg_rc rc = exec_slot(s, S_COMMIT, "commit");
	if (rc) {
		/* a failed COMMIT (e.g. busy) leaves the transaction open: end it */
		exec_slot(s, S_ROLLBACK, "rollback");
	}
	s->in_tx = 0;
	return rc;
}

static void sq_rollback(struct tg_db *db)
{
	struct sq_db *s = SQ(db);
	if (!sqlite3_get_autocommit(s->h))
		exec_slot(s, S_ROLLBACK, "rollback");
	s->in_tx = 0;
}

static const char *sq_errmsg(struct tg_db *db)
{
	return SQ(db)->err;
}

/* ---- migrations ---------------------------------------------------------- */

static enum tg_rc sq_schema_version(struct tg_db *db, int *version)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = TG_OK;
	int src;
	*version = 0;
	/* SQLite-specific catalog query (PostgreSQL: information_schema.tables). */
	src = sqlite3_prepare_v2(s->h,
	                         "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
	                         "AND name = 'schema_migrations'",
	                         -1, &st, NULL);
	if (src != SQLITE_OK || (src = sqlite3_step(st)) != SQLITE_ROW) {
		rc = db_fail(s, "schema_version", src);
		goto out;
	}
	if (sqlite3_column_int(st, 0) == 0)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	src = sqlite3_prepare_v2(s->h, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1, &st, NULL);
	if (src != SQLITE_OK || (src = sqlite3_step(st)) != SQLITE_ROW) {
		rc = db_fail(s, "schema_version", src);
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
out:
	sqlite3_finalize(st);
	return rc;
}

static int migration_applied(struct sq_db *s, int version, enum tg_rc *rc)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	int src = sqlite3_prepare_v2(s->h, "SELECT 1 FROM schema_migrations WHERE version = ?", -1, &st, NULL);
	if (src == SQLITE_OK) {
		sqlite3_bind_int(st, 1, version);
		src = sqlite3_step(st);
	}
	if (src == SQLITE_ROW)
		found = 1;
	else if (src != SQLITE_DONE)
		*rc = db_fail(s, "migrate", src);
	sqlite3_finalize(st);
	return found;
}

/* One migration in its own transaction. Foreign keys are off while it runs
 * (a table rebuild drops and renames tables; the pragma has no effect inside
 * a transaction, so it is set around it) and checked as a whole before the
 * commit: a migration that leaves a dangling reference is rolled back. */
static enum tg_rc apply_one(struct sq_db *s, const struct tg_migration *m)
{
	sqlite3_stmt *st = NULL;
	char *emsg = NULL;
	char *sql = NULL;
	if (sqlite3_exec(s->h, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, "migrate", sqlite3_errcode(s->h));
	enum tg_rc rc = exec_slot(s, S_BEGIN, "migrate");
	if (rc)
		goto fk_on;
	sql = tg_migration_sql(m->sql, "sqlite");
	int src = sqlite3_exec(s->h, sql, NULL, NULL, &emsg);
	if (src != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "migration %s: %s", m->name, emsg ? emsg : "failed");
		rc = map_rc(src);
		if (!rc)
			rc = TG_ERR_DB;
		goto out;
	}
	src = sqlite3_prepare_v2(s->h, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", -1,
	                         &st, NULL);
	if (src == SQLITE_OK) {
		sqlite3_bind_int(st, 1, m->version);
		sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now_ts(s), -1, SQLITE_STATIC);
		src = sqlite3_step(st);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "migrate", src);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	src = sqlite3_prepare_v2(s->h, "PRAGMA foreign_key_check", -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		snprintf(s->err, sizeof(s->err), "migration %s: foreign key check failed in table %s", m->name,
		         (const char *)sqlite3_column_text(st, 0));
		rc = TG_ERR_DB;
		goto out;
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "migrate", src);
		goto out;
	}
	rc = exec_slot(s, S_COMMIT, "migrate");
out:
	sqlite3_finalize(st);
	sqlite3_free(emsg);
	free(sql);
	if (rc)
		exec_slot(s, S_ROLLBACK, "rollback");
fk_on:
	sqlite3_exec(s->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	return rc;
}

static enum tg_rc sq_migrate(struct tg_db *db, int *applied)
{
	struct sq_db *s = SQ(db);
	enum tg_rc rc = TG_OK;
	int current = 0, newest = 0;
	char *emsg = NULL;
	*applied = 0;
	if (s->in_tx) {
		snprintf(s->err, sizeof(s->err), "migrate: not allowed inside a transaction");
		return TG_ERR_INTERNAL;
	}
	int src = sqlite3_exec(s->h,
	                       "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
	                       "name TEXT NOT NULL, applied_at TEXT NOT NULL)",
	                       NULL, NULL, &emsg);
	if (src != SQLITE_OK) {
		rc = db_fail(s, "migrate", src);
		goto out;
	}
	rc = sq_schema_version(db, &current);
	if (rc)
		goto out;
	for (size_t i = 0; i < tg_n_migrations; i++)
		if (tg_migrations[i].version > newest)
			newest = tg_migrations[i].version;
	if (current > newest) {
		snprintf(s->err, sizeof(s->err),
		         "database schema version %d is newer than this program (%d); upgrade tsunagu", current,
		         newest);
		rc = TG_ERR_UNSUPPORTED;
		goto out;
	}
	for (size_t i = 0; i < tg_n_migrations; i++) {
		const struct tg_migration *m = &tg_migrations[i];
		if (migration_applied(s, m->version, &rc) || rc) {
			if (rc)
				goto out;
			continue;
		}
		rc = apply_one(s, m);
		if (rc)
			goto out;
		(*applied)++;
	}
out:
	sqlite3_free(emsg);
	return rc;
}

/* ---- backup ---------------------------------------------------------------- */

static enum tg_rc sq_backup(struct tg_db *db, const char *dest)
{
	struct sq_db *s = SQ(db);
	sqlite3 *d = NULL;
	sqlite3_backup *bk = NULL;
	enum tg_rc rc = TG_OK;
	int created = 0;
	/* O_EXCL: refuse an existing destination without a check-then-create race;
	 * 0600 because the copy holds personal data. */
	int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(s->err, sizeof(s->err), "backup: %s: %s", dest,
		         errno == EEXIST ? "destination exists" : strerror(errno));
		return errno == EEXIST ? TG_ERR_CONFLICT : TG_ERR_IO;
	}
	close(fd);
	created = 1;
	int src = sqlite3_open_v2(dest, &d, SQLITE_OPEN_READWRITE, NULL);
	if (src != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "backup: %s", d ? sqlite3_errmsg(d) : "cannot open");
		rc = TG_ERR_IO;
		goto out;
	}
	bk = sqlite3_backup_init(d, "main", s->h, "main");
	if (!bk) {
		snprintf(s->err, sizeof(s->err), "backup: %s", sqlite3_errmsg(d));
		rc = TG_ERR_DB;
		goto out;
	}
	/* Copy in steps so writers on other connections are not blocked for the
	 * whole copy; a change by another connection restarts it (consistent). */
	for (;;) {
		src = sqlite3_backup_step(bk, 1024);
		if (src == SQLITE_DONE)
			break;
		if (src == SQLITE_OK)
			continue;
		if (src == SQLITE_BUSY || src == SQLITE_LOCKED) {
			sqlite3_sleep(20);
			continue;
		}
		snprintf(s->err, sizeof(s->err), "backup: %s", sqlite3_errstr(src));
		rc = map_rc(src);
		goto out;
	}
out:
	if (bk) {
		src = sqlite3_backup_finish(bk);
		if (!rc && src != SQLITE_OK) {
			snprintf(s->err, sizeof(s->err), "backup: %s", sqlite3_errstr(src));
			rc = map_rc(src);
		}
	}
	sqlite3_close_v2(d);
	if (rc && created)
		unlink(dest);
	return rc;
}

/* ---- the tenant registry (not tenant-scoped) ------------------------------------ */

static void read_tenant(sqlite3_stmt *st, struct tg_arena *a, struct tg_tenant *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	t->code = col_text(st, 1, a);
	t->name = col_text(st, 2, a);
	t->disabled = sqlite3_column_int(st, 3) != 0;
	t->created_at = col_text(st, 4, a);
	t->updated_at = col_text(st, 5, a);
}

/* Attach hosts to ts[0..n) (ascending ids) from a statement yielding
 * (tenant_id, host) ordered by tenant_id, host: one pass over both. */
static enum tg_rc read_hosts(struct sq_db *s, sqlite3_stmt *st, struct tg_arena *a, struct tg_tenant *ts, size_t n)
{
	const char **v = NULL;
	size_t cnt = 0, cap = 0, k = 0;
	int64_t cur = 0;
	int src;
	enum tg_rc rc = TG_OK;
	for (;;) {
		src = sqlite3_step(st);
		int64_t tid = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		if (cnt && (src != SQLITE_ROW || tid != cur)) {
			while (k < n && ts[k].id < cur)
				k++;
			if (k < n && ts[k].id == cur) {
				ts[k].hosts = TG_ARENA_ARRAY(a, const char *, cnt);
				memcpy(ts[k].hosts, v, cnt * sizeof(*v));
				ts[k].n_hosts = cnt;
			}
			cnt = 0;
		}
		if (src != SQLITE_ROW)
			break;
		cur = tid;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		v[cnt++] = col_text(st, 1, a);
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, "tenant hosts", src);
	free(v);
	return rc;
}

static enum tg_rc sq_tenant_list(struct tg_db *db, struct tg_arena *a, struct tg_tenant **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_tenant *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	*out = NULL;
	*n = 0;
	enum tg_rc rc = get_st(s, S_TENANT_LIST, &st);
	if (rc)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		read_tenant(st, a, &v[cnt++]);
	}
	done(st);
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "tenant_list", src);
		goto out;
	}
	struct tg_tenant *res = TG_ARENA_ARRAY(a, struct tg_tenant, cnt ? cnt : 1);
	if (cnt)
		memcpy(res, v, cnt * sizeof(*v));
	if ((rc = get_st(s, S_TENANT_HOSTS_ALL, &st)))
		goto out;
	rc = read_hosts(s, st, a, res, cnt);
	done(st);
	if (rc)
		goto out;
	*out = res;
	*n = cnt;
out:
	free(v);
	return rc;
}

static enum tg_rc sq_tenant_get_by_code(struct tg_db *db, struct tg_arena *a, const char *code, struct tg_tenant *out)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_TENANT_GET_CODE, &st);
	if (rc)
		return rc;
	bind_text(st, 1, code ? code : "");
	rc = step_one(s, st, "tenant_get_by_code");
	if (!rc)
		read_tenant(st, a, out);
	done(st);
	if (rc || (rc = get_st(s, S_TENANT_HOSTS, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, out->id);
	rc = read_hosts(s, st, a, out, 1);
	done(st);
	return rc;
}

/* Insert t's hosts under tenant id (tenant_update deletes the old ones first). */
static enum tg_rc insert_hosts(struct sq_db *s, int64_t id, const struct tg_tenant *t, const char *what)
{
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = TG_OK;
	for (size_t i = 0; i < t->n_hosts && !rc; i++) {
		if (!t->hosts[i]) { /* SQLite would store a NULL key; PostgreSQL refuses it */
			snprintf(s->err, sizeof(s->err), "%s: host: NULL", what);
			return TG_ERR_INVALID;
		}
		if ((rc = get_st(s, S_THOST_INSERT, &st)))
			break;
		bind_text(st, 1, t->hosts[i]);
		sqlite3_bind_int64(st, 2, id);
		rc = step_write(s, st, what);
		done(st);
	}
	return rc;
}

static enum tg_rc sq_tenant_insert(struct tg_db *db, struct tg_tenant *t)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	const char *now = now_ts(s);
	int64_t id = 0;
	enum tg_rc rc = call_enter(s);
	if (rc)
		return rc;
	if ((rc = get_st(s, S_TENANT_INSERT, &st)))
		goto out;
	bind_text(st, 1, t->code);
	bind_text(st, 2, t->name);
	sqlite3_bind_int(st, 3, t->disabled ? 1 : 0);
	bind_text(st, 4, now);
	bind_text(st, 5, now);
	rc = step_write(s, st, "tenant_insert");
	id = sqlite3_last_insert_rowid(s->h);
	done(st);
	if (!rc)
		rc = insert_hosts(s, id, t, "tenant_insert");
out:
	rc = call_leave(s, rc); /* a clash on a host undoes the tenant row too */
	if (!rc) {
		t->id = id;
		t->created_at = t->updated_at = now;
	}
	return rc;
}

static enum tg_rc sq_tenant_update(struct tg_db *db, const struct tg_tenant *t)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = call_enter(s);
	if (rc)
		return rc;
	if ((rc = get_st(s, S_TENANT_UPDATE, &st)))
		goto out;
	bind_text(st, 1, t->name);
	sqlite3_bind_int(st, 2, t->disabled ? 1 : 0);
	bind_text(st, 3, now_ts(s));
	sqlite3_bind_int64(st, 4, t->id);
	rc = step_write(s, st, "tenant_update");
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = TG_ERR_NOT_FOUND;
	done(st);
	if (rc || (rc = get_st(s, S_THOST_DELETE, &st)))
		goto out;
	sqlite3_bind_int64(st, 1, t->id);
	rc = step_write(s, st, "tenant_update");
	done(st);
	if (!rc)
		rc = insert_hosts(s, t->id, t, "tenant_update");
out:
	return call_leave(s, rc);
}

/* ---- settings ---------------------------------------------------------------- */

static enum tg_rc sq_setting_get(struct tg_db *db, struct tg_arena *a, const char *key, const char **value)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_SETTING_GET, &st);
	if (rc)
		return rc;
	bind_text(st, 1, key);
	rc = step_one(s, st, "setting_get");
	if (!rc)
		*value = col_text(st, 0, a);
	done(st);
	return rc;
}

static enum tg_rc sq_setting_set(struct tg_db *db, const char *key, const char *value)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_SETTING_SET, &st);
	if (rc)
		return rc;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	rc = step_write(s, st, "setting_set");
	done(st);
	return rc;
}

/* ---- areas --------------------------------------------------------------------- */

static enum tg_rc sq_area_list(struct tg_db *db, struct tg_arena *a, struct tg_area **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_area *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_AREA_LIST, &st);
	if (rc)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		struct tg_area *x = &v[cnt++];
		x->id = sqlite3_column_int64(st, 0);
		x->parent_id = col_id(st, 1);
		x->level = (enum tg_area_level)sqlite3_column_int(st, 2);
		x->name = col_text(st, 3, a);
		x->name_kana = col_text(st, 4, a);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "area_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_area, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

static enum tg_rc sq_area_ensure(struct tg_db *db, struct tg_area *area)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "area_ensure");
	if (rc || (rc = get_st(s, S_AREA_FIND, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, area->parent_id);
	sqlite3_bind_int(st, 2, (int)area->level);
	bind_text(st, 3, area->name);
	rc = step_one(s, st, "area_ensure");
	if (!rc)
		area->id = sqlite3_column_int64(st, 0);
	done(st);
	if (rc != TG_ERR_NOT_FOUND)
		return rc;
	rc = get_st(s, S_AREA_INSERT, &st);
	if (rc)
		return rc;
	bind_id(st, 1, area->parent_id);
	sqlite3_bind_int(st, 2, (int)area->level);
	bind_text(st, 3, area->name);
	bind_text(st, 4, area->name_kana);
	rc = step_one(s, st, "area_ensure");
	if (!rc)
		area->id = sqlite3_column_int64(st, 0);
	done(st);
	if (rc) {
		const struct ref refs[] = {{"parent_id", "areas", area->parent_id}};
		explain_refs(s, "area_ensure", refs, 1);
	}
	return rc;
}

/* ---- organizations ----------------------------------------------------------------- */

static void read_org(sqlite3_stmt *st, struct tg_arena *a, struct tg_org *o)
{
	o->id = sqlite3_column_int64(st, 0);
	o->uuid = col_text(st, 1, a);
	o->name = col_text(st, 2, a);
	o->name_kana = col_text(st, 3, a);
	o->kind = col_text(st, 4, a);
	o->area_id = col_id(st, 5);
	o->phone = col_text(st, 6, a);
	o->email = col_text(st, 7, a);
	o->url = col_text(st, 8, a);
	o->description = col_text(st, 9, a);
	o->created_at = col_text(st, 10, a);
	o->updated_at = col_text(st, 11, a);
}

static enum tg_rc org_get_by(struct sq_db *s, int slot, struct tg_arena *a, int64_t id, const char *key,
                             struct tg_org *out)
{
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, slot, &st);
	if (rc)
		return rc;
	if (key)
		bind_text(st, 1, key);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = step_one(s, st, "org_get");
	if (!rc)
		read_org(st, a, out);
	done(st);
	return rc;
}

static enum tg_rc sq_org_get(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_org *out)
{
	return org_get_by(SQ(db), S_ORG_GET, a, id, NULL, out);
}

static int cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* in-process: one lookup per distinct id costs no round trip */
static enum tg_rc sq_org_get_many(struct tg_db *db, struct tg_arena *a, const int64_t *ids, size_t n,
                                  struct tg_org **out, size_t *n_out)
{
	enum tg_rc rc = TG_OK;
	int64_t *v = tg_xmalloc((n ? n : 1) * sizeof(*v));
	size_t k = 0;
	if (n)
		memcpy(v, ids, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_id);
	*out = TG_ARENA_ARRAY(a, struct tg_org, n ? n : 1);
	for (size_t i = 0; i < n && !rc; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		rc = sq_org_get(db, a, v[i], &(*out)[k]);
		if (rc == TG_OK)
			k++;
		else if (rc == TG_ERR_NOT_FOUND)
			rc = TG_OK;
	}
	free(v);
	*n_out = rc ? 0 : k;
	return rc;
}

static enum tg_rc sq_org_get_by_uuid(struct tg_db *db, struct tg_arena *a, const char *uuid, struct tg_org *out)
{
	return org_get_by(SQ(db), S_ORG_GET_UUID, a, 0, uuid ? uuid : "", out);
}

static enum tg_rc sq_org_find_by_name(struct tg_db *db, struct tg_arena *a, const char *name, struct tg_org *out)
{
	return org_get_by(SQ(db), S_ORG_FIND_NAME, a, 0, name ? name : "", out);
}

static enum tg_rc sq_org_list(struct tg_db *db, struct tg_arena *a, int64_t after_id, size_t limit, struct tg_org **out,
                              size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_org *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_ORG_LIST, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 3, limit_value(limit)); /* 2 is :tenant */
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		read_org(st, a, &v[cnt++]);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "org_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_org, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

static enum tg_rc sq_org_count(struct tg_db *db, int64_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_ORG_COUNT, &st);
	if (rc)
		return rc;
	rc = step_one(s, st, "org_count");
	if (!rc)
		*n = sqlite3_column_int64(st, 0);
	done(st);
	return rc;
}

static enum tg_rc sq_org_insert(struct tg_db *db, struct tg_org *org)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "org_insert");
	if (rc || (rc = get_st(s, S_ORG_INSERT, &st)))
		return rc;
	const char *uuid = org->uuid ? org->uuid : new_uuid(s);
	const char *now = now_ts(s);
	bind_text(st, 1, uuid);
	bind_text(st, 2, org->name);
	bind_text(st, 3, org->name_kana);
	bind_text(st, 4, org->kind);
	bind_id(st, 5, org->area_id);
	bind_text(st, 6, org->phone);
	bind_text(st, 7, org->email);
	bind_text(st, 8, org->url);
	bind_text(st, 9, org->description);
	bind_text(st, 10, now);
	bind_text(st, 11, now);
	/* no RETURNING: SQLite runs it as a trigger, which costs a statement
	 * journal per insert; the rowid comes from the connection instead */
	rc = step_write(s, st, "org_insert");
	if (!rc) {
		org->id = sqlite3_last_insert_rowid(s->h);
		org->uuid = uuid;
		org->created_at = org->updated_at = now;
	}
	done(st);
	if (rc) {
		const struct ref refs[] = {{"area_id", "areas", org->area_id}};
		explain_refs(s, "org_insert", refs, 1);
	}
	return rc;
}

static enum tg_rc sq_org_update(struct tg_db *db, const struct tg_org *org)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "org_update");
	if (rc || (rc = get_st(s, S_ORG_UPDATE, &st)))
		return rc;
	bind_text(st, 1, org->name);
	bind_text(st, 2, org->name_kana);
	bind_text(st, 3, org->kind);
	bind_id(st, 4, org->area_id);
	bind_text(st, 5, org->phone);
	bind_text(st, 6, org->email);
	bind_text(st, 7, org->url);
	bind_text(st, 8, org->description);
	bind_text(st, 9, now_ts(s));
	sqlite3_bind_int64(st, 10, org->id);
	rc = step_write(s, st, "org_update");
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = TG_ERR_NOT_FOUND;
	done(st);
	if (rc == TG_ERR_INVALID) {
		const struct ref refs[] = {{"area_id", "areas", org->area_id}};
		explain_refs(s, "org_update", refs, 1);
	}
	return rc;
}

/* ---- users ---------------------------------------------------------------------------- */

static void read_user(sqlite3_stmt *st, struct tg_arena *a, struct tg_user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	u->org_id = sqlite3_column_int64(st, 1);
	u->login = col_text(st, 2, a);
	u->display_name = col_text(st, 3, a);
	u->role = role_from((const char *)sqlite3_column_text(st, 4));
	u->disabled = sqlite3_column_int(st, 5) != 0;
	u->password_hash = col_text(st, 6, a);
	u->created_at = col_text(st, 7, a);
}

static enum tg_rc sq_user_get(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_user *out)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_USER_GET, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = step_one(s, st, "user_get");
	if (!rc)
		read_user(st, a, out);
	done(st);
	return rc;
}

static enum tg_rc sq_user_get_by_login(struct tg_db *db, struct tg_arena *a, const char *login, struct tg_user *out)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_USER_GET_LOGIN, &st);
	if (rc)
		return rc;
	bind_text(st, 1, login ? login : "");
	rc = step_one(s, st, "user_get_by_login");
	if (!rc)
		read_user(st, a, out);
	done(st);
	return rc;
}

static enum tg_rc sq_user_list(struct tg_db *db, struct tg_arena *a, int64_t org_id, struct tg_user **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_user *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_USER_LIST, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, org_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		read_user(st, a, &v[cnt++]);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "user_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_user, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

static enum tg_rc sq_user_insert(struct tg_db *db, struct tg_user *u)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "user_insert");
	if (rc || (rc = get_st(s, S_USER_INSERT, &st)))
		return rc;
	const char *now = now_ts(s);
	sqlite3_bind_int64(st, 1, u->org_id);
	bind_text(st, 2, u->login);
	bind_text(st, 3, u->display_name);
	bind_text(st, 4, role_text(u->role));
	bind_text(st, 5, u->password_hash);
	sqlite3_bind_int(st, 6, u->disabled ? 1 : 0);
	bind_text(st, 7, now);
	bind_text(st, 8, now);
	rc = step_one(s, st, "user_insert");
	if (!rc) {
		u->id = sqlite3_column_int64(st, 0);
		u->created_at = now;
	}
	done(st);
	if (rc) {
		const struct ref refs[] = {{"org_id", "orgs", u->org_id}};
		explain_refs(s, "user_insert", refs, 1);
	}
	return rc;
}

static enum tg_rc sq_user_update(struct tg_db *db, const struct tg_user *u)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "user_update");
	if (rc || (rc = get_st(s, S_USER_UPDATE, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, u->org_id);
	bind_text(st, 2, u->display_name);
	bind_text(st, 3, role_text(u->role));
	sqlite3_bind_int(st, 4, u->disabled ? 1 : 0);
	bind_text(st, 5, now_ts(s));
	sqlite3_bind_int64(st, 6, u->id);
	rc = step_write(s, st, "user_update");
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = TG_ERR_NOT_FOUND;
	done(st);
	if (rc == TG_ERR_INVALID) {
		const struct ref refs[] = {{"org_id", "orgs", u->org_id}};
		explain_refs(s, "user_update", refs, 1);
	}
	return rc;
}

static enum tg_rc sq_user_set_password(struct tg_db *db, int64_t user_id, const char *hash)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "user_set_password");
	if (rc || (rc = get_st(s, S_USER_SET_PW, &st)))
		return rc;
	bind_text(st, 1, hash);
	bind_text(st, 2, now_ts(s));
	sqlite3_bind_int64(st, 3, user_id);
	rc = step_write(s, st, "user_set_password");
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = TG_ERR_NOT_FOUND;
	done(st);
	return rc;
}

/* ---- sessions ---------------------------------------------------------------------------- */

static enum tg_rc sq_session_insert(struct tg_db *db, const char *token_hash, int64_t user_id, const char *csrf_token,
                                    const char *expires_at)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "session_insert");
	if (rc || (rc = get_st(s, S_SESS_INSERT, &st)))
		return rc;
	bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, user_id);
	bind_text(st, 3, csrf_token);
	bind_text(st, 4, now_ts(s));
	bind_text(st, 5, expires_at);
	rc = step_write(s, st, "session_insert");
	done(st);
	if (rc) {
		const struct ref refs[] = {{"user_id", "users", user_id}};
		explain_refs(s, "session_insert", refs, 1);
		return rc;
	}
	/* each login also clears the tenant's sessions that have run out, so
	 * the table holds about one row per live session (index sessions_expires,
	 * which leads with tenant_id) */
	if ((rc = get_st(s, S_SESS_PURGE, &st)))
		return rc;
	bind_text(st, 1, now_ts(s));
	rc = step_write(s, st, "session_purge");
	done(st);
	return rc;
}

static enum tg_rc sq_session_get(struct tg_db *db, struct tg_arena *a, const char *token_hash, struct tg_session *out)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_SESS_GET, &st);
	if (rc)
		return rc;
	bind_text(st, 1, token_hash ? token_hash : "");
	bind_text(st, 2, now_ts(s));
	rc = step_one(s, st, "session_get");
	if (!rc) {
		out->user_id = sqlite3_column_int64(st, 0);
		out->csrf_token = col_text(st, 1, a);
		out->expires_at = col_text(st, 2, a);
	}
	done(st);
	return rc;
}

static enum tg_rc sq_session_delete(struct tg_db *db, const char *token_hash)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "session_delete");
	if (rc || (rc = get_st(s, S_SESS_DELETE, &st)))
		return rc;
	bind_text(st, 1, token_hash ? token_hash : "");
	rc = step_write(s, st, "session_delete");
	done(st);
	return rc;
}

static enum tg_rc sq_session_delete_user(struct tg_db *db, int64_t user_id, const char *keep_token_hash)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "session_delete_user");
	if (rc || (rc = get_st(s, S_SESS_DELETE_USER, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, user_id);
	/* "" never equals a stored hash, so NULL keeps nothing */
	bind_text(st, 2, keep_token_hash ? keep_token_hash : "");
	rc = step_write(s, st, "session_delete_user");
	done(st);
	return rc;
}

/* ---- types and tags -------------------------------------------------------------------------- */

static enum tg_rc sq_type_list(struct tg_db *db, struct tg_arena *a, struct tg_resource_type **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_resource_type *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_TYPE_LIST, &st);
	if (rc)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		struct tg_resource_type *t = &v[cnt++];
		t->code = col_text(st, 0, a);
		t->name_ja = col_text(st, 1, a);
		t->name_en = col_text(st, 2, a);
		t->builtin = sqlite3_column_int(st, 3) != 0;
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "type_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_resource_type, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

static enum tg_rc sq_type_insert(struct tg_db *db, const struct tg_resource_type *t)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "type_insert");
	if (rc || (rc = get_st(s, S_TYPE_INSERT, &st)))
		return rc;
	/* always a custom type of the tenant: t->builtin is not stored */
	bind_text(st, 1, t->code);
	bind_text(st, 2, t->name_ja);
	bind_text(st, 3, t->name_en);
	rc = step_write(s, st, "type_insert");
	if (!rc && sqlite3_changes(s->h) == 0) {
		snprintf(s->err, sizeof(s->err), "type_insert: code is a built-in type");
		rc = TG_ERR_CONFLICT;
	}
	done(st);
	return rc;
}

static enum tg_rc sq_tag_list(struct tg_db *db, struct tg_arena *a, struct tg_tag **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_tag *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_TAG_LIST, &st);
	if (rc)
		return rc;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		struct tg_tag *t = &v[cnt++];
		t->code = col_text(st, 0, a);
		t->kind = col_text(st, 1, a);
		t->name_ja = col_text(st, 2, a);
		t->name_en = col_text(st, 3, a);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "tag_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_tag, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

/* ---- resources: reading ------------------------------------------------------------------------ */

static void read_resource(sqlite3_stmt *st, struct tg_arena *a, struct tg_resource *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->uuid = col_text(st, 1, a);
	r->org_id = sqlite3_column_int64(st, 2);
	r->org_name = col_text(st, 3, a);
	r->type_code = col_text(st, 4, a);
	r->name = col_text(st, 5, a);
	r->name_kana = col_text(st, 6, a);
	r->description = col_text(st, 7, a);
	r->area_id = col_id(st, 8);
	r->postal_code = col_text(st, 9, a);
	r->prefecture = col_text(st, 10, a);
	r->city = col_text(st, 11, a);
	r->address_line = col_text(st, 12, a);
	r->building = col_text(st, 13, a);
	if (sqlite3_column_type(st, 14) != SQLITE_NULL && sqlite3_column_type(st, 15) != SQLITE_NULL) {
		r->has_geo = 1;
		r->lat = sqlite3_column_double(st, 14);
		r->lon = sqlite3_column_double(st, 15);
	}
	r->phone = col_text(st, 16, a);
	r->email = col_text(st, 17, a);
	r->url = col_text(st, 18, a);
	r->age_min_months = col_int_or(st, 19, -1);
	r->age_max_months = col_int_or(st, 20, -1);
	r->fee_free = tg_fee_norm(sqlite3_column_int(st, 21));
	r->fee_text = col_text(st, 22, a);
	r->capacity = col_int_or(st, 23, -1);
	r->accessibility_notes = col_text(st, 24, a);
	r->schedule_note = col_text(st, 25, a);
	r->is_public = sqlite3_column_int(st, 26) != 0;
	r->is_confidential = sqlite3_column_int(st, 27) != 0;
	r->front_door = col_text(st, 28, a);
	r->verified_at = col_text(st, 29, a);
	r->source = col_text(st, 30, a);
	r->source_id = col_text(st, 31, a);
	r->created_at = col_text(st, 32, a);
	r->updated_at = col_text(st, 33, a);
	r->version = sqlite3_column_int64(st, 34);
	r->search_text = col_text(st, 35, a);
	r->text_version = (int)sqlite3_column_int(st, 36);
	int bad = 0;
	r->n_hours = tg_hours_col_decode((const char *)sqlite3_column_text(st, 37), a, &r->hours, &bad);
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

/* Growable scratch vector for one resource's nested rows (malloc'd). */
struct scratch {
	void *p;
	size_t n, cap, elem;
};

static void *scratch_push(struct scratch *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->p = tg_xrealloc(v->p, v->cap * v->elem);
	}
	return (char *)v->p + v->elem * v->n++;
}

static void *scratch_to_arena(struct scratch *v, struct tg_arena *a)
{
	if (v->n == 0)
		return NULL;
	void *out = tg_arena_alloc(a, v->n * v->elem);
	memcpy(out, v->p, v->n * v->elem);
	return out;
}

/* Store the rows gathered for resource id into it; empties the scratch. */
static void flush_children(int kind, struct tg_resource *r, struct tg_arena *a, struct scratch *v1, struct scratch *v2)
{
	if (r) {
		if (kind == CH_EXC) {
			r->exceptions = scratch_to_arena(v1, a);
			r->n_exceptions = v1->n;
		} else {
			r->services = scratch_to_arena(v1, a);
			r->n_services = v1->n;
			r->access = scratch_to_arena(v2, a);
			r->n_access = v2->n;
		}
	}
	v1->n = 0;
	v2->n = 0;
}

/* One child table for the ids rs[off .. off+m). */
static enum tg_rc load_child_chunk(struct sq_db *s, struct tg_arena *a, int kind, struct tg_resource *rs,
                                   const struct id_pos *map, size_t n, size_t off, size_t m)
{
	sqlite3_stmt *st = NULL;
	int size = size_index(m);
	struct scratch v1 = {NULL, 0, 0, 0}, v2 = {NULL, 0, 0, sizeof(const char *)};
	int64_t cur = 0;
	int src;
	v1.elem = kind == CH_EXC ? sizeof(struct tg_exception) : sizeof(const char *);
	enum tg_rc rc = get_child_st(s, kind, size, &st);
	if (rc)
		return rc;
	for (int i = 0; i < in_sizes[size]; i++) {
		if ((size_t)i < m)
			sqlite3_bind_int64(st, i + 1, rs[off + (size_t)i].id);
		else
			sqlite3_bind_null(st, i + 1); /* x IN (.., NULL) never matches NULL */
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t rid = sqlite3_column_int64(st, 0);
		if (rid != cur) {
			if (cur)
				flush_children(kind, find_res(rs, map, n, cur), a, &v1, &v2);
			cur = rid;
		}
		if (kind == CH_EXC) {
			struct tg_exception *e = scratch_push(&v1);
			e->date = col_text(st, 1, a);
			e->closed = sqlite3_column_int(st, 2) != 0;
			e->open_min = col_int_or(st, 3, 0);
			e->close_min = col_int_or(st, 4, 0);
			e->note = col_text(st, 5, a);
		} else {
			const unsigned char *k = sqlite3_column_text(st, 2);
			const char **slot = scratch_push(k && strcmp((const char *)k, "access") == 0 ? &v2 : &v1);
			*slot = col_text(st, 1, a);
		}
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "resource children", src);
		goto out;
	}
	if (cur)
		flush_children(kind, find_res(rs, map, n, cur), a, &v1, &v2);
out:
	free(v1.p);
	free(v2.p);
	done(st);
	return rc;
}

/* Fill nested arrays of rs[0..n) (distinct ids): per chunk, one query per table. */
static enum tg_rc load_children(struct sq_db *s, struct tg_arena *a, struct tg_resource *rs, size_t n)
{
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
		for (int kind = 0; kind < CH__COUNT && !rc; kind++)
			rc = load_child_chunk(s, a, kind, rs, map, n, off, m);
	}
	free(map);
	return rc;
}

static enum tg_rc resource_get_by(struct sq_db *s, int slot, struct tg_arena *a, int64_t id, const char *k1,
                                  const char *k2, struct tg_resource *out)
{
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, slot, &st);
	if (rc)
		return rc;
	if (slot == S_RES_GET) {
		sqlite3_bind_int64(st, 1, id);
	} else {
		bind_text(st, 1, k1 ? k1 : "");
		if (slot == S_RES_GET_SOURCE)
			bind_text(st, 2, k2 ? k2 : "");
	}
	rc = step_one(s, st, "resource_get");
	if (!rc)
		read_resource(st, a, out);
	done(st);
	if (!rc)
		rc = load_children(s, a, out, 1);
	return rc;
}

static enum tg_rc sq_resource_get(struct tg_db *db, struct tg_arena *a, int64_t id, struct tg_resource *out)
{
	return resource_get_by(SQ(db), S_RES_GET, a, id, NULL, NULL, out);
}

static enum tg_rc sq_resource_get_by_uuid(struct tg_db *db, struct tg_arena *a, const char *uuid,
                                          struct tg_resource *out)
{
	return resource_get_by(SQ(db), S_RES_GET_UUID, a, 0, uuid, NULL, out);
}

static enum tg_rc sq_resource_get_by_source(struct tg_db *db, struct tg_arena *a, const char *source,
                                            const char *source_id, struct tg_resource *out)
{
	return resource_get_by(SQ(db), S_RES_GET_SOURCE, a, 0, source, source_id, out);
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

static enum tg_rc sq_resource_get_many(struct tg_db *db, struct tg_arena *a, const int64_t *ids, size_t n_ids,
                                       struct tg_resource **out, size_t *n)
{
	struct sq_db *s = SQ(db);
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
		int size = size_index(m);
		sqlite3_stmt *st = NULL;
		int src;
		rc = get_many_st(s, size, &st);
		if (rc)
			goto out;
		for (int i = 0; i < in_sizes[size]; i++) {
			if ((size_t)i < m)
				sqlite3_bind_int64(st, i + 1, uniq[off + (size_t)i]);
			else
				sqlite3_bind_null(st, i + 1);
		}
		while ((src = sqlite3_step(st)) == SQLITE_ROW)
			read_resource(st, a, &got[ng++]);
		if (src != SQLITE_DONE)
			rc = db_fail(s, "resource_get_many", src);
		done(st);
		if (rc)
			goto out;
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
			(*out)[k++] = *r; /* duplicates share the arena-owned arrays */
	}
	*n = k;
out:
	free(map);
	free(got);
	free(uniq);
	return rc;
}

static enum tg_rc sq_resource_list(struct tg_db *db, struct tg_arena *a, const struct tg_resource_filter *f,
                                   struct tg_resource **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	static const struct tg_resource_filter all;
	if (!f)
		f = &all; /* NULL filter: everything */
	unsigned mask = filter_mask(f);
	int slot = SLOT_LIST(mask);
	sqlite3_stmt *st = NULL;
	struct tg_resource *v = NULL;
	size_t cnt = 0, cap = 0;
	enum tg_rc rc = TG_OK;
	int src;
	struct tg_buf b = TG_BUF_INIT;
	*out = NULL;
	*n = 0;
	if (!s->st[slot]) {
		tg_buf_adds(&b, "SELECT " RES_COLS RES_FROM);
		add_filter_sql(&b, mask);
		tg_buf_adds(&b, " ORDER BY r.id LIMIT ?");
	}
	rc = prepare_slot(s, slot, b.data, &st);
	tg_buf_release(&b);
	if (rc)
		return rc;
	bind_filter(st, f);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_count(st), limit_value(f->limit)); /* LIMIT: the last */
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : (f->limit && f->limit < 256 ? f->limit : 256);
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		read_resource(st, a, &v[cnt++]);
	}
	done(st);
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "resource_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_resource, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	rc = load_children(s, a, *out, cnt);
	if (rc)
		goto out;
	*n = cnt;
out:
	free(v);
	return rc;
}

static enum tg_rc sq_resource_count(struct tg_db *db, const struct tg_resource_filter *f, int64_t *n)
{
	struct sq_db *s = SQ(db);
	static const struct tg_resource_filter all;
	if (!f)
		f = &all;
	unsigned mask = filter_mask(f);
	int slot = SLOT_COUNT(mask);
	sqlite3_stmt *st = NULL;
	struct tg_buf b = TG_BUF_INIT;
	if (!s->st[slot]) {
		tg_buf_adds(&b, "SELECT COUNT(*) FROM resources r");
		add_filter_sql(&b, mask);
	}
	enum tg_rc rc = prepare_slot(s, slot, b.data, &st);
	tg_buf_release(&b);
	if (rc)
		return rc;
	bind_filter(st, f);
	rc = step_one(s, st, "resource_count");
	if (!rc)
		*n = sqlite3_column_int64(st, 0);
	done(st);
	return rc;
}

/* ---- resources: writing ------------------------------------------------------------------------ */

/* Binds RES_WCOLS from parameter 1; returns the next index. */
static int bind_resource(sqlite3_stmt *st, const struct tg_resource *r, const char *search_text)
{
	int i = 1;
	sqlite3_bind_int64(st, i++, r->org_id);
	bind_text(st, i++, r->type_code);
	bind_text(st, i++, r->name);
	bind_text(st, i++, r->name_kana);
	bind_text(st, i++, r->description);
	bind_id(st, i++, r->area_id);
	bind_text(st, i++, r->postal_code);
	bind_text(st, i++, r->prefecture);
	bind_text(st, i++, r->city);
	bind_text(st, i++, r->address_line);
	bind_text(st, i++, r->building);
	if (r->has_geo) {
		sqlite3_bind_double(st, i++, r->lat);
		sqlite3_bind_double(st, i++, r->lon);
	} else {
		sqlite3_bind_null(st, i++);
		sqlite3_bind_null(st, i++);
	}
	bind_text(st, i++, r->phone);
	bind_text(st, i++, r->email);
	bind_text(st, i++, r->url);
	bind_int_or_null(st, i++, r->age_min_months);
	bind_int_or_null(st, i++, r->age_max_months);
	sqlite3_bind_int(st, i++, tg_fee_norm(r->fee_free));
	bind_text(st, i++, r->fee_text);
	bind_int_or_null(st, i++, r->capacity);
	bind_text(st, i++, r->accessibility_notes);
	bind_text(st, i++, r->schedule_note);
	sqlite3_bind_int(st, i++, r->is_public ? 1 : 0);
	sqlite3_bind_int(st, i++, r->is_confidential ? 1 : 0);
	bind_text(st, i++, r->front_door);
	bind_text(st, i++, r->verified_at);
	bind_text(st, i++, r->source);
	bind_text(st, i++, r->source_id);
	bind_text(st, i++, search_text ? search_text : "");
	struct tg_buf h = TG_BUF_INIT;
	if (tg_hours_col_encode(&h, r->hours, r->n_hours))
		sqlite3_bind_text(st, i++, h.data, (int)h.len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i++);
	tg_buf_release(&h);
	return i;
}

/* A cached "INSERT INTO table (cols) VALUES (...), ..." for n rows. */
static enum tg_rc get_multi_st(struct sq_db *s, int kind, int n, sqlite3_stmt **out)
{
	static const struct {
		const char *head;
		int ncols;
	} k[MI__COUNT] = {
	    [MI_TAGS] = {"INSERT INTO resource_tags (resource_id, tag_code, tenant_id) VALUES ", 3},
	};
	if (s->multi[kind][n]) {
		*out = s->multi[kind][n];
		return TG_OK;
	}
	struct tg_buf b = TG_BUF_INIT;
	tg_buf_adds(&b, k[kind].head);
	for (int i = 0; i < n; i++) {
		tg_buf_adds(&b, i ? ", (" : "(");
		add_placeholders(&b, k[kind].ncols);
		tg_buf_adds(&b, ")");
	}
	int src = sqlite3_prepare_v3(s->h, b.data, -1, SQLITE_PREPARE_PERSISTENT, &s->multi[kind][n], NULL);
	tg_buf_release(&b);
	if (src != SQLITE_OK)
		return db_fail(s, "prepare", src);
	*out = s->multi[kind][n];
	return TG_OK;
}

/* Tags of both kinds with one statement per MULTI_MAX codes. */
static enum tg_rc insert_tags(struct sq_db *s, int64_t id, const struct tg_resource *r)
{
	size_t total = r->n_services + r->n_access;
	enum tg_rc rc = TG_OK;
	for (size_t at = 0; at < total && !rc; at += MULTI_MAX) {
		int n = (int)(total - at < MULTI_MAX ? total - at : MULTI_MAX);
		sqlite3_stmt *st = NULL;
		if ((rc = get_multi_st(s, MI_TAGS, n, &st)))
			break;
		for (int i = 0; i < n; i++) {
			size_t j = at + (size_t)i;
			sqlite3_bind_int64(st, 3 * i + 1, id);
			bind_text(st, 3 * i + 2, j < r->n_services ? r->services[j] : r->access[j - r->n_services]);
			sqlite3_bind_int64(st, 3 * i + 3, s->base.tenant_id);
		}
		rc = step_write(s, st, "resource tags");
		done(st);
	}
	return rc;
}

/* Insert the nested rows of r under resource id: the exceptions, and the
 * tags with one statement per MULTI_MAX rows. (The hours are a column of
 * the resource row since 0007.) */
static enum tg_rc insert_children(struct sq_db *s, int64_t id, const struct tg_resource *r)
{
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = TG_OK;
	if (r->n_exceptions) {
		rc = get_st(s, S_EXC_INSERT, &st);
		for (size_t i = 0; i < r->n_exceptions && !rc; i++) {
			const struct tg_exception *e = &r->exceptions[i];
			sqlite3_bind_int64(st, 1, id);
			bind_text(st, 2, e->date);
			sqlite3_bind_int(st, 3, e->closed ? 1 : 0);
			if (e->closed) {
				sqlite3_bind_null(st, 4);
				sqlite3_bind_null(st, 5);
			} else {
				sqlite3_bind_int(st, 4, e->open_min);
				sqlite3_bind_int(st, 5, e->close_min);
			}
			bind_text(st, 6, e->note);
			rc = step_write(s, st, "resource exceptions");
			sqlite3_reset(st);
		}
		done(st);
		if (rc)
			return rc;
	}
	return insert_tags(s, id, r);
}

static enum tg_rc delete_children(struct sq_db *s, int64_t id)
{
	static const int slots[] = {S_EXC_DEL, S_RTAG_DEL};
	enum tg_rc rc = TG_OK;
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]) && !rc; i++) {
		sqlite3_stmt *st = NULL;
		rc = get_st(s, slots[i], &st);
		if (rc)
			break;
		sqlite3_bind_int64(st, 1, id);
		rc = step_write(s, st, "resource children");
		done(st);
	}
	return rc;
}

/* The INSERT/UPDATE wrote no row because of its type check. */
static enum tg_rc bad_type(struct sq_db *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: type_code: not a built-in type or one of this tenant", what);
	return TG_ERR_INVALID;
}

static void explain_resource_refs(struct sq_db *s, const char *what, const struct tg_resource *r)
{
	const struct ref refs[] = {{"org_id", "orgs", r->org_id}, {"area_id", "areas", r->area_id}};
	explain_refs(s, what, refs, 2);
}

static enum tg_rc type_visible(struct sq_db *s, const char *code)
{
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_TYPE_OK, &st);
	if (rc)
		return rc;
	bind_text(st, 1, code ? code : "");
	rc = step_one(s, st, "resource_update");
	done(st);
	return rc;
}

/* The hours column holds what the domain allows (store/hours_col.h). */
static enum tg_rc hours_ok(struct sq_db *s, const struct tg_resource *r, const char *what)
{
	if (tg_hours_col_valid(r->hours, r->n_hours))
		return TG_OK;
	snprintf(s->err, sizeof(s->err), "%s: hours: weekday 0-7 and minutes 0-1440 only", what);
	return TG_ERR_INVALID;
}

static enum tg_rc sq_resource_insert(struct tg_db *db, struct tg_resource *r, const char *search_text)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	const char *uuid = r->uuid ? r->uuid : new_uuid_v7(s);
	const char *now = now_ts(s);
	/* Inside begin() no savepoint is needed: each statement is atomic, and
	 * if a nested insert fails after the resource row went in, deleting that
	 * row (its nested rows cascade) undoes the call. A savepoint per call cost
	 * a copy of every already-dirty page it touched (a bulk import's hot
	 * pages) into the statement journal. */
	int own_tx = !s->in_tx;
	enum tg_rc rc = need_tenant(s, "resource_insert");
	if (!rc)
		rc = hours_ok(s, r, "resource_insert");
	if (rc)
		return rc;
	if (own_tx && (rc = call_enter(s)))
		return rc;
	rc = get_st(s, S_RES_INSERT, &st);
	if (rc)
		goto out;
	int i = bind_resource(st, r, search_text);
	bind_text(st, i++, uuid);
	bind_text(st, i++, now);
	bind_text(st, i++, now);
	rc = step_write(s, st, "resource_insert"); /* no RETURNING: see org_insert */
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = bad_type(s, "resource_insert");
	if (!rc)
		id = sqlite3_last_insert_rowid(s->h);
	done(st);
	if (rc) {
		explain_resource_refs(s, "resource_insert", r);
		goto out;
	}
	rc = insert_children(s, id, r);
	if (rc && !own_tx) {
		char keep[sizeof(s->err)];
		memcpy(keep, s->err, sizeof(keep));
		sqlite3_stmt *del = NULL;
		if (!get_st(s, S_RES_DELETE, &del)) {
			sqlite3_bind_int64(del, 1, id);
			step_write(s, del, "resource_insert undo");
			done(del);
		}
		memcpy(s->err, keep, sizeof(keep));
	}
out:
	if (own_tx)
		rc = call_leave(s, rc);
	if (!rc) {
		r->id = id;
		r->uuid = uuid;
		r->version = 1;
		r->created_at = r->updated_at = now;
	}
	return rc;
}

static enum tg_rc resource_exists(struct sq_db *s, int64_t id)
{
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = get_st(s, S_RES_EXISTS, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = step_one(s, st, "resource_update");
	done(st);
	return rc;
}

static enum tg_rc sq_resource_update(struct tg_db *db, struct tg_resource *r, const char *search_text)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	const char *now = now_ts(s);
	enum tg_rc rc = need_tenant(s, "resource_update");
	if (!rc)
		rc = hours_ok(s, r, "resource_update");
	if (rc || (rc = call_enter(s)))
		return rc;
	rc = get_st(s, S_RES_UPDATE, &st);
	if (rc)
		goto out;
	int i = bind_resource(st, r, search_text);
	bind_text(st, i++, now);
	sqlite3_bind_int64(st, i++, r->id);
	sqlite3_bind_int64(st, i++, r->version);
	rc = step_write(s, st, "resource_update");
	int changed = sqlite3_changes(s->h);
	done(st);
	if (rc) {
		explain_resource_refs(s, "resource_update", r);
		goto out;
	}
	if (changed == 0) {
		/* unknown id (in this tenant), else a type the tenant cannot use,
		 * else a stale version */
		rc = resource_exists(s, r->id);
		if (!rc) {
			rc = type_visible(s, r->type_code);
			if (rc == TG_ERR_NOT_FOUND)
				rc = bad_type(s, "resource_update");
		}
		if (!rc) {
			snprintf(s->err, sizeof(s->err), "resource_update: version conflict");
			rc = TG_ERR_CONFLICT;
		}
		goto out;
	}
	rc = delete_children(s, r->id);
	if (!rc)
		rc = insert_children(s, r->id, r);
out:
	rc = call_leave(s, rc);
	if (!rc) {
		r->version++;
		r->updated_at = now;
	}
	return rc;
}

static enum tg_rc sq_resource_delete(struct tg_db *db, int64_t id)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	/* nested rows go by ON DELETE CASCADE (foreign_keys=ON at open) */
	enum tg_rc rc = need_tenant(s, "resource_delete");
	if (rc || (rc = get_st(s, S_RES_DELETE, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = step_write(s, st, "resource_delete");
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = TG_ERR_NOT_FOUND;
	done(st);
	return rc;
}

static enum tg_rc sq_resource_set_search_text(struct tg_db *db, int64_t id, const char *search_text)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "resource_set_search_text");
	if (rc || (rc = get_st(s, S_RES_SET_TEXT, &st)))
		return rc;
	bind_text(st, 1, search_text ? search_text : "");
	bind_text(st, 2, now_ts(s));
	sqlite3_bind_int64(st, 3, id);
	rc = step_write(s, st, "resource_set_search_text");
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = TG_ERR_NOT_FOUND;
	done(st);
	return rc;
}

static enum tg_rc sq_resource_rewrite_search_text(struct tg_db *db, int64_t id, int64_t version,
                                                  const char *search_text)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "resource_rewrite_search_text");
	if (rc || (rc = get_st(s, S_RES_REWRITE_TEXT, &st)))
		return rc;
	if (search_text)
		bind_text(st, 1, search_text);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, version);
	rc = step_write(s, st, "resource_rewrite_search_text");
	if (!rc && sqlite3_changes(s->h) == 0)
		rc = TG_ERR_CONFLICT;
	done(st);
	return rc;
}

/* ---- change history and audit ------------------------------------------------------------------- */

static enum tg_rc sq_change_mark(struct tg_db *db, int64_t *last_id)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	*last_id = 0;
	enum tg_rc rc = get_st(s, S_CHANGE_MARK, &st);
	if (rc)
		return rc;
	rc = step_one(s, st, "change_mark");
	if (!rc)
		*last_id = sqlite3_column_int64(st, 0);
	done(st);
	return rc;
}

static enum tg_rc sq_resource_versions_at(struct tg_db *db, const char *updated_at, int64_t *count,
                                          int64_t *version_sum, int64_t *id_sum)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	*count = *version_sum = *id_sum = 0;
	enum tg_rc rc = get_st(s, S_RES_VERSIONS_AT, &st);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, updated_at, -1, SQLITE_STATIC);
	rc = step_one(s, st, "resource_versions_at");
	if (!rc) {
		*count = sqlite3_column_int64(st, 0);
		*version_sum = sqlite3_column_int64(st, 1);
		*id_sum = sqlite3_column_int64(st, 2);
	}
	done(st);
	return rc;
}

static enum tg_rc sq_change_deletions(struct tg_db *db, struct tg_arena *a, int64_t after_id, int64_t upto_id,
                                      int64_t **resource_ids, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	int64_t *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_CHANGE_DELETIONS, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, upto_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		v[cnt++] = sqlite3_column_int64(st, 0);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "change_deletions", src);
		goto out;
	}
	*resource_ids = TG_ARENA_ARRAY(a, int64_t, cnt ? cnt : 1);
	if (cnt)
		memcpy(*resource_ids, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

static enum tg_rc sq_change_insert(struct tg_db *db, const struct tg_change *c)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "change_insert");
	if (rc || (rc = get_st(s, S_CHANGE_INSERT, &st)))
		return rc;
	sqlite3_bind_int64(st, 1, c->resource_id);
	bind_id(st, 2, c->user_id);
	bind_text(st, 3, now_ts(s));
	bind_text(st, 4, c->action);
	bind_text(st, 5, c->before_json);
	bind_text(st, 6, c->after_json);
	rc = step_write(s, st, "change_insert");
	done(st);
	return rc;
}

static enum tg_rc sq_change_list(struct tg_db *db, struct tg_arena *a, int64_t resource_id, struct tg_change **out,
                                 size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_change *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_CHANGE_LIST, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, resource_id);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		struct tg_change *c = &v[cnt++];
		c->id = sqlite3_column_int64(st, 0);
		c->resource_id = sqlite3_column_int64(st, 1);
		c->user_id = col_id(st, 2);
		c->user_name = col_text(st, 3, a);
		c->at = col_text(st, 4, a);
		c->action = col_text(st, 5, a);
		c->before_json = col_text(st, 6, a);
		c->after_json = col_text(st, 7, a);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "change_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_change, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

static enum tg_rc sq_audit_insert(struct tg_db *db, const struct tg_audit *e)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = need_tenant(s, "audit_insert");
	if (rc || (rc = get_st(s, S_AUDIT_INSERT, &st)))
		return rc;
	bind_text(st, 1, now_ts(s));
	bind_id(st, 2, e->user_id);
	bind_text(st, 3, e->action);
	bind_text(st, 4, e->object_type);
	bind_text(st, 5, e->object_id);
	bind_text(st, 6, e->detail);
	rc = step_write(s, st, "audit_insert");
	done(st);
	return rc;
}

static enum tg_rc sq_audit_list(struct tg_db *db, struct tg_arena *a, int64_t before_id, size_t limit,
                                struct tg_audit **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_audit *v = NULL;
	size_t cnt = 0, cap = 0;
	int src;
	enum tg_rc rc = get_st(s, S_AUDIT_LIST, &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
	sqlite3_bind_int64(st, 3, limit_value(limit)); /* 2 is :tenant */
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		struct tg_audit *e = &v[cnt++];
		e->id = sqlite3_column_int64(st, 0);
		e->at = col_text(st, 1, a);
		e->user_id = col_id(st, 2);
		e->action = col_text(st, 3, a);
		e->object_type = col_text(st, 4, a);
		e->object_id = col_text(st, 5, a);
		e->detail = col_text(st, 6, a);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "audit_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_audit, cnt ? cnt : 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	done(st);
	return rc;
}

static enum tg_rc sq_resource_source_ids(struct tg_db *db, struct tg_arena *a, const char *const *sources,
                                         size_t n_sources, const char ***out_sources, const char ***out_ids, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	const char **vs = NULL, **vi = NULL;
	size_t cnt = 0, cap = 0;
	enum tg_rc rc = TG_OK;
	*n = 0;
	*out_sources = *out_ids = NULL;
	/* in-process: one statement per source costs no round trip */
	for (size_t k = 0; k < n_sources && !rc; k++) {
		const char *src_name = sources[k] ? sources[k] : "", *copy = NULL;
		int src;
		if ((rc = get_st(s, S_RES_SOURCE_IDS, &st)))
			break;
		bind_text(st, 1, src_name);
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 64;
				vs = tg_xrealloc(vs, cap * sizeof(*vs));
				vi = tg_xrealloc(vi, cap * sizeof(*vi));
			}
			if (!copy)
				copy = tg_arena_strdup(a, src_name);
			vs[cnt] = copy;
			vi[cnt++] = col_text(st, 0, a);
		}
		if (src != SQLITE_DONE)
			rc = db_fail(s, "resource_source_ids", src);
		done(st);
	}
	if (!rc) {
		*out_sources = TG_ARENA_ARRAY(a, const char *, cnt ? cnt : 1);
		*out_ids = TG_ARENA_ARRAY(a, const char *, cnt ? cnt : 1);
		if (cnt) {
			memcpy(*out_sources, vs, cnt * sizeof(*vs));
			memcpy(*out_ids, vi, cnt * sizeof(*vi));
		}
		*n = cnt;
	}
	free(vs);
	free(vi);
	return rc;
}

/* ---- open ------------------------------------------------------------------------------------------ */

#define CACHE_NORMAL "PRAGMA cache_size=-8192"   /* 8 MiB per connection */
#define CACHE_BULK   "PRAGMA cache_size=-524288" /* 512 MiB while a bulk import runs */

static void sq_bulk(struct tg_db *db, int on)
{
	struct sq_db *s = (struct sq_db *)db;
	sqlite3_exec(s->h, on ? CACHE_BULK : CACHE_NORMAL, NULL, NULL, NULL);
}

static const struct tg_db_copy_ops sq_copy_ops;
static const struct tg_db_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .migrate = sq_migrate,
    .schema_version = sq_schema_version,
    .backup = sq_backup,
    .errmsg = sq_errmsg,
    .bulk = sq_bulk,
    .tenant_list = sq_tenant_list,
    .tenant_get_by_code = sq_tenant_get_by_code,
    .tenant_insert = sq_tenant_insert,
    .tenant_update = sq_tenant_update,
    .setting_get = sq_setting_get,
    .setting_set = sq_setting_set,
    .area_list = sq_area_list,
    .area_ensure = sq_area_ensure,
    .org_get = sq_org_get,
    .org_get_many = sq_org_get_many,
    .org_get_by_uuid = sq_org_get_by_uuid,
    .org_find_by_name = sq_org_find_by_name,
    .org_list = sq_org_list,
    .org_count = sq_org_count,
    .org_insert = sq_org_insert,
    .org_update = sq_org_update,
    .user_get = sq_user_get,
    .user_get_by_login = sq_user_get_by_login,
    .user_list = sq_user_list,
    .user_insert = sq_user_insert,
    .user_update = sq_user_update,
    .user_set_password = sq_user_set_password,
    .session_insert = sq_session_insert,
    .session_get = sq_session_get,
    .session_delete = sq_session_delete,
    .session_delete_user = sq_session_delete_user,
    .type_list = sq_type_list,
    .type_insert = sq_type_insert,
    .tag_list = sq_tag_list,
    .resource_get = sq_resource_get,
    .resource_get_by_uuid = sq_resource_get_by_uuid,
    .resource_get_by_source = sq_resource_get_by_source,
    .resource_get_many = sq_resource_get_many,
    .resource_list = sq_resource_list,
    .resource_count = sq_resource_count,
    .resource_insert = sq_resource_insert,
    .resource_update = sq_resource_update,
    .resource_delete = sq_resource_delete,
    .resource_set_search_text = sq_resource_set_search_text,
    .resource_rewrite_search_text = sq_resource_rewrite_search_text,
    .change_mark = sq_change_mark,
    .resource_versions_at = sq_resource_versions_at,
    .change_deletions = sq_change_deletions,
    .change_insert = sq_change_insert,
    .change_list = sq_change_list,
    .audit_insert = sq_audit_insert,
    .audit_list = sq_audit_list,
    .resource_source_ids = sq_resource_source_ids,
    .copy = &sq_copy_ops, /* defined at the end of the file */
};

/* Pragmas every connection needs; journal_mode returns a row to check. */
static int configure(sqlite3 *h, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int ok = 0;
	char *emsg = NULL;
	if (sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "journal_mode: %s", sqlite3_errmsg(h));
		goto out;
	}
	const unsigned char *mode = sqlite3_column_text(st, 0);
	if (!mode || strcmp((const char *)mode, "wal") != 0) {
		snprintf(err, errlen, "WAL モードにできません (cannot enable WAL mode)");
		goto out;
	}
	/* cache_size: 8 MiB per connection (the server keeps one per worker;
	 * bulk imports raise it, see sq_bulk); no mmap, so resident memory stays
	 * the page cache and not the whole file; temp_store keeps the sorters
	 * of ORDER BY in memory. */
	if (sqlite3_exec(h,
	                 "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; " CACHE_NORMAL "; "
	                 "PRAGMA temp_store=MEMORY",
	                 NULL, NULL, &emsg) != SQLITE_OK) {
		snprintf(err, errlen, "pragma: %s", emsg ? emsg : sqlite3_errmsg(h));
		goto out;
	}
	ok = 1;
out:
	sqlite3_free(emsg);
	sqlite3_finalize(st);
	if (!ok && err[0] == '\0')
		snprintf(err, errlen, "configure: %s", sqlite3_errmsg(h));
	return ok;
}

struct tg_db *tg_sqlite_open(const char *path, int create, char *err, size_t errlen)
{
	struct sq_db *s = NULL;
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct stat sb;
	if (errlen)
		err[0] = '\0';
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium の初期化に失敗しました (libsodium init failed)");
		goto fail;
	}
	if (stat(path, &sb) != 0) {
		if (!create) {
			snprintf(err, errlen, "データベースがありません (database not found): %s", path);
			goto fail;
		}
		/* New database file readable only by its owner: it holds personal data. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			snprintf(err, errlen, "データベースを作成できません (cannot create database): %s: %s", path,
			         strerror(errno));
			goto fail;
		}
		if (fd >= 0)
			close(fd);
	}
	int src = sqlite3_open_v2(path, &h, flags, NULL);
	if (src != SQLITE_OK) {
		snprintf(err, errlen, "データベースを開けません (cannot open database): %s: %s", path,
		         h ? sqlite3_errmsg(h) : sqlite3_errstr(src));
		goto fail;
	}
	sqlite3_extended_result_codes(h, 1);
	if (!configure(h, err, errlen))
		goto fail;
	s = tg_xcalloc(1, sizeof(*s));
	s->base.ops = &sq_ops;
	s->h = h;
	s->rnd_pos = sizeof(s->rnd); /* empty: the first uuid fills it */
	tg_arena_init(&s->keep);
	return &s->base;
fail:
	sqlite3_close_v2(h);
	return NULL;
}

/* ---- whole-database copy (store.h struct tg_db_copy_ops) -------------------------------------------
 *
 * Schema-driven: tables from sqlite_master, columns and foreign keys from
 * the pragma table functions, so `tsunagu migrate-db` needs no change when
 * a migration adds a table or a column. Identifiers are quoted; copy.c only
 * passes [A-Za-z_][A-Za-z0-9_]* names. */

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

/* The kind of a declared type, by SQLite's affinity rules; -1 when the
 * affinity (BLOB, NUMERIC) has no exact tg_value. */
static int cp_kind(const char *type)
{
	if (!type)
		return -1;
	if (strcasestr(type, "INT"))
		return TG_VAL_INT;
	if (strcasestr(type, "CHAR") || strcasestr(type, "CLOB") || strcasestr(type, "TEXT"))
		return TG_VAL_TEXT;
	if (strcasestr(type, "REAL") || strcasestr(type, "FLOA") || strcasestr(type, "DOUB"))
		return TG_VAL_REAL;
	return -1;
}

static enum tg_rc sq_table_list(struct tg_db *db, struct tg_arena *a, struct tg_table **out, size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL, *fk = NULL;
	struct tg_table *v = NULL;
	size_t cnt = 0, cap = 0;
	enum tg_rc rc = TG_OK;
	int src =
	    sqlite3_prepare_v2(s->h,
	                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
	                       "ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY name",
	                       -1, &st, NULL);
	if (src == SQLITE_OK)
		src = sqlite3_prepare_v2(s->h, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?) ORDER BY 1",
		                         -1, &fk, NULL);
	if (src != SQLITE_OK) {
		rc = db_fail(s, "table_list", src);
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		struct tg_table *t = &v[cnt++];
		memset(t, 0, sizeof(*t));
		t->name = col_text(st, 0, a);
		const char *deps[64];
		sqlite3_bind_text(fk, 1, t->name, -1, SQLITE_STATIC);
		while ((src = sqlite3_step(fk)) == SQLITE_ROW && t->n_deps < 64)
			deps[t->n_deps++] = col_text(fk, 0, a);
		sqlite3_reset(fk);
		if (src != SQLITE_DONE && src != SQLITE_ROW) {
			rc = db_fail(s, "table_list", src);
			goto out;
		}
		t->deps = TG_ARENA_ARRAY(a, const char *, t->n_deps + 1);
		memcpy(t->deps, deps, t->n_deps * sizeof(*deps));
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "table_list", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_table, cnt + 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
	tg_store_sort_tables(*out, cnt);
out:
	free(v);
	sqlite3_finalize(st);
	sqlite3_finalize(fk);
	return rc;
}

static enum tg_rc sq_table_columns(struct tg_db *db, struct tg_arena *a, const char *table, struct tg_column **out,
                                   size_t *n)
{
	struct sq_db *s = SQ(db);
	sqlite3_stmt *st = NULL;
	struct tg_column *v = NULL;
	size_t cnt = 0, cap = 0;
	enum tg_rc rc = TG_OK;
	int src =
	    sqlite3_prepare_v2(s->h, "SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid", -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = db_fail(s, "table_columns", src);
		goto out;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = tg_xrealloc(v, cap * sizeof(*v));
		}
		struct tg_column *c = &v[cnt++];
		c->name = col_text(st, 0, a);
		int kind = cp_kind((const char *)sqlite3_column_text(st, 1));
		if (kind < 0) {
			snprintf(s->err, sizeof(s->err), "table_columns: %s.%s: type '%s' cannot be copied", table,
			         c->name, (const char *)sqlite3_column_text(st, 1));
			rc = TG_ERR_UNSUPPORTED;
			goto out;
		}
		c->kind = (enum tg_val_kind)kind;
		c->pk = sqlite3_column_int(st, 2);
	}
	if (src != SQLITE_DONE) {
		rc = db_fail(s, "table_columns", src);
		goto out;
	}
	*out = TG_ARENA_ARRAY(a, struct tg_column, cnt + 1);
	if (cnt)
		memcpy(*out, v, cnt * sizeof(*v));
	*n = cnt;
out:
	free(v);
	sqlite3_finalize(st);
	return rc;
}

static enum tg_rc sq_table_count(struct tg_db *db, const char *table, int64_t *n)
{
	struct sq_db *s = SQ(db);
	struct tg_buf b = TG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = TG_OK;
	tg_buf_adds(&b, "SELECT COUNT(*) FROM ");
	cp_ident(&b, table);
	int src = sqlite3_prepare_v2(s->h, b.data, -1, &st, NULL);
	if (src != SQLITE_OK || (src = sqlite3_step(st)) != SQLITE_ROW)
		rc = db_fail(s, "table_count", src);
	else
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	tg_buf_release(&b);
	return rc;
}

static enum tg_rc sq_table_clear(struct tg_db *db, const char *table)
{
	struct sq_db *s = SQ(db);
	struct tg_buf b = TG_BUF_INIT;
	enum tg_rc rc = call_enter(s);
	if (rc)
		return rc;
	tg_buf_adds(&b, "DELETE FROM ");
	cp_ident(&b, table);
	int src = sqlite3_exec(s->h, b.data, NULL, NULL, NULL);
	if (src != SQLITE_OK)
		rc = db_fail(s, "table_clear", src);
	tg_buf_release(&b);
	return call_leave(s, rc);
}

/* A deferred BEGIN plus one read: the WAL snapshot is taken now and kept
 * until rollback(); writers are not blocked. */
static enum tg_rc sq_snapshot(struct tg_db *db)
{
	struct sq_db *s = SQ(db);
	if (s->in_tx) {
		snprintf(s->err, sizeof(s->err), "snapshot: a transaction is already open");
		return TG_ERR_INTERNAL;
	}
	int src = sqlite3_exec(s->h, "BEGIN DEFERRED; SELECT COUNT(*) FROM sqlite_master", NULL, NULL, NULL);
	if (src != SQLITE_OK) {
		enum tg_rc rc = db_fail(s, "snapshot", src);
		if (!sqlite3_get_autocommit(s->h))
			sqlite3_exec(s->h, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	s->in_tx = 1;
	return TG_OK;
}

static enum tg_rc sq_rows_read(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                               tg_row_fn fn, void *ctx)
{
	struct sq_db *s = SQ(db);
	struct tg_buf b = TG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	struct tg_value *row = tg_xcalloc(ncols ? ncols : 1, sizeof(*row));
	enum tg_rc rc = TG_OK;
	int src, npk = 0;
	tg_buf_adds(&b, "SELECT ");
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			tg_buf_adds(&b, ", ");
		cp_ident(&b, cols[i].name);
		if (cols[i].pk > npk)
			npk = cols[i].pk;
	}
	tg_buf_adds(&b, " FROM ");
	cp_ident(&b, table);
	/* primary key order; without one every column (NULLs sort first) */
	tg_buf_adds(&b, " ORDER BY ");
	for (int k = 1, first = 1; k <= (npk ? npk : (int)ncols); k++) {
		for (size_t i = 0; i < ncols; i++) {
			if (npk ? cols[i].pk != k : (int)i != k - 1)
				continue;
			if (!first)
				tg_buf_adds(&b, ", ");
			cp_ident(&b, cols[i].name);
			first = 0;
		}
	}
	src = sqlite3_prepare_v2(s->h, b.data, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = db_fail(s, "rows_read", src);
		goto out;
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t i = 0; i < ncols; i++) {
			int t = sqlite3_column_type(st, (int)i);
			struct tg_value *v = &row[i];
			memset(v, 0, sizeof(*v));
			if (t == SQLITE_NULL)
				continue;
			v->kind = cols[i].kind;
			if (t == SQLITE_INTEGER && cols[i].kind == TG_VAL_INT) {
				v->i = sqlite3_column_int64(st, (int)i);
			} else if (t == SQLITE_FLOAT && cols[i].kind == TG_VAL_REAL) {
				v->d = sqlite3_column_double(st, (int)i);
			} else if (t == SQLITE_TEXT && cols[i].kind == TG_VAL_TEXT) {
				v->s = (const char *)sqlite3_column_text(st, (int)i);
				v->len = (size_t)sqlite3_column_bytes(st, (int)i);
			} else {
				snprintf(s->err, sizeof(s->err),
				         "rows_read: %s.%s holds a value of another type than declared", table,
				         cols[i].name);
				rc = TG_ERR_INVALID;
				goto out;
			}
		}
		if ((rc = fn(ctx, row, ncols)))
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, "rows_read", src);
out:
	sqlite3_finalize(st);
	tg_buf_release(&b);
	free(row);
	return rc;
}

static enum tg_rc sq_rows_write(struct tg_db *db, const char *table, const struct tg_column *cols, size_t ncols,
                                const struct tg_value *rows, size_t nrows)
{
	struct sq_db *s = SQ(db);
	struct tg_buf b = TG_BUF_INIT;
	sqlite3_stmt *st = NULL;
	enum tg_rc rc = call_enter(s);
	if (rc)
		return rc;
	tg_buf_adds(&b, "INSERT INTO ");
	cp_ident(&b, table);
	tg_buf_adds(&b, " (");
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			tg_buf_adds(&b, ", ");
		cp_ident(&b, cols[i].name);
	}
	tg_buf_adds(&b, ") VALUES (");
	add_placeholders(&b, (int)ncols);
	tg_buf_adds(&b, ")");
	int src = sqlite3_prepare_v2(s->h, b.data, -1, &st, NULL);
	if (src != SQLITE_OK) {
		rc = db_fail(s, "rows_write", src);
		goto out;
	}
	for (size_t r = 0; r < nrows; r++) {
		const struct tg_value *row = rows + r * ncols;
		for (size_t i = 0; i < ncols; i++) {
			int k = (int)i + 1;
			switch (row[i].kind) {
			case TG_VAL_INT: sqlite3_bind_int64(st, k, row[i].i); break;
			case TG_VAL_REAL: sqlite3_bind_double(st, k, row[i].d); break;
			case TG_VAL_TEXT: sqlite3_bind_text(st, k, row[i].s, (int)row[i].len, SQLITE_STATIC); break;
			default: sqlite3_bind_null(st, k); break;
			}
		}
		src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src != SQLITE_DONE) {
			rc = db_fail(s, "rows_write", src);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	tg_buf_release(&b);
	return call_leave(s, rc);
}

/* rowids continue after the largest: nothing to do. */
static enum tg_rc sq_sequences_reset(struct tg_db *db)
{
	(void)db;
	return TG_OK;
}

static const struct tg_db_copy_ops sq_copy_ops = {
    .table_list = sq_table_list,
    .table_columns = sq_table_columns,
    .table_count = sq_table_count,
    .table_clear = sq_table_clear,
    .snapshot = sq_snapshot,
    .rows_read = sq_rows_read,
    .rows_write = sq_rows_write,
    .sequences_reset = sq_sequences_reset,
};
