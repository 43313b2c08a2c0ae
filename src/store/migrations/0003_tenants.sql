-- 0003: tenants. Several municipalities (or federations) in one deployment.
--
-- Every table that holds a tenant's data gets tenant_id (NOT NULL, no default:
-- a write that forgets it fails instead of landing in some tenant). Existing
-- rows belong to tenant 1, "default", created here.
--
-- References between tenant tables are composite, (tenant_id, x_id) ->
-- parent(tenant_id, id), so the database itself refuses a row that points
-- into another tenant (a resource of tenant 2 with an organization of
-- tenant 1 cannot exist). Parents get UNIQUE (tenant_id, id) for that.
-- tenant_id REFERENCES tenants(id) only where no NOT NULL composite
-- reference already implies it (areas, orgs, history, audit, custom types):
-- a second check per child row only slows imports down.
--
-- Shared data, the same for every tenant, has no tenant_id: settings (the
-- deployment's configuration), tags (the service and accessibility
-- vocabulary) and the built-in resource types (tenant_id NULL; custom types
-- carry their tenant). The tenant registry itself: tenants, tenant_hosts.
--
-- Logins are unique per tenant; uuids stay unique across the deployment.
--
-- SQLite cannot add a NOT NULL column without a default or change a
-- constraint, so its section rebuilds each table (the 12-step procedure of
-- https://www.sqlite.org/lang_altertable.html; the store runs migrations with
-- foreign_keys off and checks foreign_key_check before commit). PostgreSQL
-- alters in place and adds row-level security as a second wall behind the
-- store's own tenant filter. test_pg_migrate checks that both sections give
-- the same schema.

-- @both
CREATE TABLE tenants (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,      -- [a-z0-9-], used by the CLI and the X-Tsunagu-Tenant header
  name       TEXT NOT NULL,
  disabled   INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO tenants (code, name, created_at, updated_at)
  VALUES ('default', '既定の自治体', '2026-11-22T00:00:00Z', '2026-11-22T00:00:00Z');

-- Host names a tenant answers on (sakura.tsunagu.example.jp); unique
-- across the deployment.
CREATE TABLE tenant_hosts (
  host      TEXT PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE
);
CREATE INDEX tenant_hosts_tenant ON tenant_hosts(tenant_id);

-- @sqlite
CREATE TABLE new_areas (
  id        INTEGER PRIMARY KEY,
  parent_id INTEGER,
  level     INTEGER NOT NULL,
  name      TEXT NOT NULL,
  name_kana TEXT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, parent_id) REFERENCES areas(tenant_id, id)
);
INSERT INTO new_areas SELECT id, parent_id, level, name, name_kana, 1 FROM areas;
DROP TABLE areas;
ALTER TABLE new_areas RENAME TO areas;

CREATE TABLE new_orgs (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  name_kana   TEXT,
  kind        TEXT,
  area_id     INTEGER,
  phone       TEXT,
  email       TEXT,
  url         TEXT,
  description TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES areas(tenant_id, id)
);
INSERT INTO new_orgs SELECT id, uuid, name, name_kana, kind, area_id, phone, email, url, description,
  created_at, updated_at, 1 FROM orgs;
DROP TABLE orgs;
ALTER TABLE new_orgs RENAME TO orgs;

CREATE TABLE new_users (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL,
  login         TEXT NOT NULL,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  tenant_id     INTEGER NOT NULL,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, org_id) REFERENCES orgs(tenant_id, id)
);
INSERT INTO new_users SELECT id, org_id, login, display_name, role, password_hash, disabled,
  created_at, updated_at, 1 FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;

CREATE TABLE new_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  tenant_id  INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id)
);
INSERT INTO new_sessions SELECT token_hash, user_id, csrf_token, created_at, expires_at, 1 FROM sessions;
DROP TABLE sessions;
ALTER TABLE new_sessions RENAME TO sessions;

CREATE TABLE new_resource_types (
  code      TEXT NOT NULL,
  name_ja   TEXT NOT NULL,
  name_en   TEXT NOT NULL,
  builtin   INTEGER NOT NULL DEFAULT 0,
  sort      INTEGER NOT NULL DEFAULT 100,
  tenant_id INTEGER REFERENCES tenants(id)
);
INSERT INTO new_resource_types SELECT code, name_ja, name_en, builtin, sort,
  CASE WHEN builtin = 1 THEN NULL ELSE 1 END FROM resource_types;
DROP TABLE resource_types;
ALTER TABLE new_resource_types RENAME TO resource_types;

CREATE TABLE new_resources (
  id                  INTEGER PRIMARY KEY,
  uuid                TEXT NOT NULL UNIQUE,
  org_id              INTEGER NOT NULL,
  type_code           TEXT NOT NULL,
  name                TEXT NOT NULL,
  name_kana           TEXT,
  description         TEXT,
  area_id             INTEGER,
  postal_code         TEXT,
  prefecture          TEXT,
  city                TEXT,
  address_line        TEXT,
  building            TEXT,
  lat                 DOUBLE PRECISION,
  lon                 DOUBLE PRECISION,
  phone               TEXT,
  email               TEXT,
  url                 TEXT,
  age_min_months      INTEGER,
  age_max_months      INTEGER,
  fee_free            INTEGER NOT NULL DEFAULT 0,
  fee_text            TEXT,
  capacity            INTEGER,
  accessibility_notes TEXT,
  schedule_note       TEXT,
  is_public           INTEGER NOT NULL DEFAULT 0,
  is_confidential     INTEGER NOT NULL DEFAULT 0,
  front_door          TEXT,
  verified_at         TEXT,
  source              TEXT,
  source_id           TEXT,
  search_text         TEXT NOT NULL DEFAULT '',
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  version             INTEGER NOT NULL DEFAULT 1,
  tenant_id           INTEGER NOT NULL,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, org_id) REFERENCES orgs(tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES areas(tenant_id, id)
);
INSERT INTO new_resources SELECT id, uuid, org_id, type_code, name, name_kana, description, area_id,
  postal_code, prefecture, city, address_line, building, lat, lon, phone, email, url, age_min_months,
  age_max_months, fee_free, fee_text, capacity, accessibility_notes, schedule_note, is_public,
  is_confidential, front_door, verified_at, source, source_id, search_text, created_at, updated_at,
  version, 1 FROM resources;
DROP TABLE resources;
ALTER TABLE new_resources RENAME TO resources;

CREATE TABLE new_resource_tags (
  resource_id INTEGER NOT NULL,
  tag_code    TEXT NOT NULL REFERENCES tags(code),
  tenant_id   INTEGER NOT NULL,
  PRIMARY KEY (resource_id, tag_code),
  FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id) ON DELETE CASCADE
);
INSERT INTO new_resource_tags SELECT resource_id, tag_code, 1 FROM resource_tags;
DROP TABLE resource_tags;
ALTER TABLE new_resource_tags RENAME TO resource_tags;

CREATE TABLE new_resource_hours (
  resource_id INTEGER NOT NULL,
  weekday     INTEGER NOT NULL,
  open_min    INTEGER NOT NULL,
  close_min   INTEGER NOT NULL,
  tenant_id   INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id) ON DELETE CASCADE
);
INSERT INTO new_resource_hours SELECT resource_id, weekday, open_min, close_min, 1 FROM resource_hours;
DROP TABLE resource_hours;
ALTER TABLE new_resource_hours RENAME TO resource_hours;

CREATE TABLE new_resource_exceptions (
  resource_id INTEGER NOT NULL,
  day         TEXT NOT NULL,
  closed      INTEGER NOT NULL DEFAULT 1,
  open_min    INTEGER,
  close_min   INTEGER,
  note        TEXT,
  tenant_id   INTEGER NOT NULL,
  FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id) ON DELETE CASCADE
);
INSERT INTO new_resource_exceptions SELECT resource_id, day, closed, open_min, close_min, note, 1
  FROM resource_exceptions;
DROP TABLE resource_exceptions;
ALTER TABLE new_resource_exceptions RENAME TO resource_exceptions;

CREATE TABLE new_resource_changes (
  id          INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL,
  user_id     INTEGER,
  at          TEXT NOT NULL,
  action      TEXT NOT NULL,
  before_json TEXT,
  after_json  TEXT,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id)
);
INSERT INTO new_resource_changes SELECT id, resource_id, user_id, at, action, before_json, after_json, 1
  FROM resource_changes;
DROP TABLE resource_changes;
ALTER TABLE new_resource_changes RENAME TO resource_changes;

CREATE TABLE new_audit_log (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  user_id     INTEGER,
  action      TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id   TEXT,
  detail      TEXT,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id)
);
INSERT INTO new_audit_log SELECT id, at, user_id, action, object_type, object_id, detail, 1 FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE new_audit_log RENAME TO audit_log;

-- @postgresql
-- Add the column with a default to fill existing rows, then drop the
-- default so that every later write must name its tenant.
ALTER TABLE areas ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1 REFERENCES tenants(id);
ALTER TABLE orgs ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1 REFERENCES tenants(id);
ALTER TABLE users ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE resource_types ADD COLUMN tenant_id INTEGER REFERENCES tenants(id);
UPDATE resource_types SET tenant_id = 1 WHERE builtin = 0;
ALTER TABLE resources ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE resource_tags ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE resource_hours ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE resource_exceptions ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1;
ALTER TABLE resource_changes ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1 REFERENCES tenants(id);
ALTER TABLE audit_log ADD COLUMN tenant_id INTEGER NOT NULL DEFAULT 1 REFERENCES tenants(id);
ALTER TABLE areas ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE orgs ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE users ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE sessions ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE resources ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE resource_tags ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE resource_hours ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE resource_exceptions ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE resource_changes ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE audit_log ALTER COLUMN tenant_id DROP DEFAULT;

-- Composite references (the SQLite section declares them in the rebuilt tables).
ALTER TABLE areas ADD CONSTRAINT areas_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE orgs ADD CONSTRAINT orgs_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE users ADD CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE resources ADD CONSTRAINT resources_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE areas DROP CONSTRAINT areas_parent_id_fkey;
ALTER TABLE areas ADD FOREIGN KEY (tenant_id, parent_id) REFERENCES areas(tenant_id, id);
ALTER TABLE orgs DROP CONSTRAINT orgs_area_id_fkey;
ALTER TABLE orgs ADD FOREIGN KEY (tenant_id, area_id) REFERENCES areas(tenant_id, id);
ALTER TABLE users DROP CONSTRAINT users_org_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_login_key;
ALTER TABLE users ADD FOREIGN KEY (tenant_id, org_id) REFERENCES orgs(tenant_id, id);
ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;
ALTER TABLE sessions ADD FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id);
ALTER TABLE resources DROP CONSTRAINT resources_type_code_fkey;
ALTER TABLE resource_types DROP CONSTRAINT resource_types_pkey;
ALTER TABLE resources DROP CONSTRAINT resources_org_id_fkey;
ALTER TABLE resources ADD FOREIGN KEY (tenant_id, org_id) REFERENCES orgs(tenant_id, id);
ALTER TABLE resources DROP CONSTRAINT resources_area_id_fkey;
ALTER TABLE resources ADD FOREIGN KEY (tenant_id, area_id) REFERENCES areas(tenant_id, id);
ALTER TABLE resource_tags DROP CONSTRAINT resource_tags_resource_id_fkey;
ALTER TABLE resource_tags ADD FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id)
  ON DELETE CASCADE;
ALTER TABLE resource_hours DROP CONSTRAINT resource_hours_resource_id_fkey;
ALTER TABLE resource_hours ADD FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id)
  ON DELETE CASCADE;
ALTER TABLE resource_exceptions DROP CONSTRAINT resource_exceptions_resource_id_fkey;
ALTER TABLE resource_exceptions ADD FOREIGN KEY (tenant_id, resource_id) REFERENCES resources(tenant_id, id)
  ON DELETE CASCADE;
DROP INDEX areas_parent_name;
DROP INDEX orgs_name;
DROP INDEX users_org;
DROP INDEX sessions_user;
DROP INDEX sessions_expires;
DROP INDEX resources_org;
DROP INDEX resources_updated;
DROP INDEX resources_source;
DROP INDEX resource_hours_res;
DROP INDEX resource_exceptions_res;
DROP INDEX resource_changes_res;

-- Row-level security: a connection sees only the rows of the tenant named
-- by the setting tsunagu.tenant (store/pg.c sets it per connection; '*'
-- for the whole-database work of migrate-db). Not set or empty: no rows.
-- FORCE applies it to the tables' owner too; only superusers and roles with
-- BYPASSRLS pass it, so run tsunagu as an ordinary role (docs/scaling.md).
CREATE FUNCTION tsunagu_tenant_ok(t bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT CASE current_setting('tsunagu.tenant', true)
    WHEN '*' THEN true
    WHEN '' THEN false
    ELSE t = current_setting('tsunagu.tenant', true)::bigint END
$$;
ALTER TABLE areas ENABLE ROW LEVEL SECURITY;
ALTER TABLE areas FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON areas USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON orgs USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON users USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON sessions USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE resource_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_types FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON resource_types USING (tenant_id IS NULL OR tsunagu_tenant_ok(tenant_id))
  WITH CHECK (tsunagu_tenant_ok(tenant_id));
ALTER TABLE resources ENABLE ROW LEVEL SECURITY;
ALTER TABLE resources FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON resources USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE resource_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON resource_tags USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE resource_hours ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_hours FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON resource_hours USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE resource_exceptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_exceptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON resource_exceptions USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE resource_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE resource_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON resource_changes USING (tsunagu_tenant_ok(tenant_id));
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON audit_log USING (tsunagu_tenant_ok(tenant_id));

-- @both
-- Indexes: every tenant-scoped lookup leads with tenant_id (also the
-- distribution key on a distributed engine, docs/scaling.md).
CREATE UNIQUE INDEX areas_parent_name ON areas(tenant_id, COALESCE(parent_id, 0), level, name);
CREATE INDEX orgs_name ON orgs(tenant_id, name);
CREATE UNIQUE INDEX users_login ON users(tenant_id, login);
CREATE INDEX users_org ON users(tenant_id, org_id);
CREATE INDEX sessions_user ON sessions(tenant_id, user_id);
CREATE INDEX sessions_expires ON sessions(tenant_id, expires_at);
CREATE UNIQUE INDEX resource_types_code ON resource_types(COALESCE(tenant_id, 0), code);
CREATE INDEX resources_org ON resources(tenant_id, org_id);
CREATE INDEX resources_updated ON resources(tenant_id, updated_at);
CREATE UNIQUE INDEX resources_source ON resources(tenant_id, source, source_id);
CREATE INDEX resource_tags_tenant ON resource_tags(tenant_id, resource_id);
CREATE INDEX resource_hours_res ON resource_hours(tenant_id, resource_id);
CREATE INDEX resource_exceptions_res ON resource_exceptions(tenant_id, resource_id);
CREATE INDEX resource_changes_res ON resource_changes(tenant_id, resource_id, id);
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, id);
