-- 0001: the community resource directory, accounts, sessions, history, audit.
-- Portable SQL: it must run unchanged on SQLite and PostgreSQL (no AUTOINCREMENT,
-- no SERIAL: ids come from INTEGER PRIMARY KEY on SQLite; the PostgreSQL
-- store rewrites "INTEGER PRIMARY KEY" to an identity column when it applies this).
-- Never edit an applied migration; add a new file.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE areas (
  id        INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES areas(id),
  level     INTEGER NOT NULL,          -- 0 city, 1 ward, 2 district
  name      TEXT NOT NULL,
  name_kana TEXT
);
CREATE UNIQUE INDEX areas_parent_name ON areas(COALESCE(parent_id, 0), level, name);

CREATE TABLE orgs (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  name_kana   TEXT,
  kind        TEXT,
  area_id     INTEGER REFERENCES areas(id),
  phone       TEXT,
  email       TEXT,
  url         TEXT,
  description TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX orgs_name ON orgs(name);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  login         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE resource_types (
  code    TEXT PRIMARY KEY,
  name_ja TEXT NOT NULL,
  name_en TEXT NOT NULL,
  builtin INTEGER NOT NULL DEFAULT 0,
  sort    INTEGER NOT NULL DEFAULT 100
);
INSERT INTO resource_types (code, name_ja, name_en, builtin, sort) VALUES
  ('hub',            '地域子育て支援拠点',          'Child-rearing support hub', 1, 1),
  ('tsudoi',         '親と子のつどいの広場',        'Parent-and-child drop-in place', 1, 2),
  ('supporter',      '子育て支援者',                'Child-rearing supporter site', 1, 3),
  ('nursery',        '保育所・こども園の子育て支援', 'Nursery community support', 1, 4),
  ('kindergarten',   '幼稚園の広場',                'Kindergarten open space', 1, 5),
  ('salon',          '子育てサロン',                'Child-rearing salon', 1, 6),
  ('kodomo_shokudo', '子ども食堂',                  'Children''s diner', 1, 7),
  ('study_support',  '学習支援',                    'Study support', 1, 8),
  ('consultation',   '相談窓口',                    'Consultation desk', 1, 9),
  ('food_bank',      'フードバンク',                'Food bank', 1, 10);

CREATE TABLE tags (
  code    TEXT PRIMARY KEY,
  kind    TEXT NOT NULL,               -- 'service' | 'access'
  name_ja TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort    INTEGER NOT NULL DEFAULT 100
);
INSERT INTO tags (code, kind, name_ja, name_en, sort) VALUES
  ('ibasho',        'service', '居場所',       'Drop-in place', 1),
  ('soudan',        'service', '相談',         'Consultation', 2),
  ('ichiji',        'service', '一時預かり',   'Temporary childcare', 3),
  ('shokuji',       'service', '食事',         'Meals', 4),
  ('kouza',         'service', '講座',         'Classes', 5),
  ('sotoasobi',     'service', '外遊び',       'Outdoor play', 6),
  ('gakushu',       'service', '学習支援',     'Study support', 7),
  ('shokuhin',      'service', '食品提供',     'Food provision', 8),
  ('papa',          'service', '父親向け',     'For fathers', 9),
  ('ninpu',         'service', '妊娠中の方',   'For expectant parents', 10),
  ('joho',          'service', '情報提供',     'Information', 11),
  ('wheelchair',    'access',  '車いす対応',   'Wheelchair accessible', 1),
  ('stroller',      'access',  'ベビーカー置き場', 'Stroller parking', 2),
  ('nursing_room',  'access',  '授乳室',       'Nursing room', 3),
  ('diaper',        'access',  'おむつ替え',   'Diaper changing', 4),
  ('parking',       'access',  '駐車場',       'Parking', 5),
  ('elevator',      'access',  'エレベーター', 'Elevator', 6),
  ('multilingual',  'access',  '多言語対応',   'Multilingual support', 7);

CREATE TABLE resources (
  id                  INTEGER PRIMARY KEY,
  uuid                TEXT NOT NULL UNIQUE,
  org_id              INTEGER NOT NULL REFERENCES orgs(id),
  type_code           TEXT NOT NULL REFERENCES resource_types(code),
  name                TEXT NOT NULL,
  name_kana           TEXT,
  description         TEXT,
  area_id             INTEGER REFERENCES areas(id),
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
  version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX resources_org ON resources(org_id);
CREATE INDEX resources_updated ON resources(updated_at);
CREATE UNIQUE INDEX resources_source ON resources(source, source_id);

CREATE TABLE resource_tags (
  resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  tag_code    TEXT NOT NULL REFERENCES tags(code),
  PRIMARY KEY (resource_id, tag_code)
);

CREATE TABLE resource_hours (
  resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  weekday     INTEGER NOT NULL,        -- 0 Sunday .. 6 Saturday, 7 national holiday
  open_min    INTEGER NOT NULL,
  close_min   INTEGER NOT NULL
);
CREATE INDEX resource_hours_res ON resource_hours(resource_id);

CREATE TABLE resource_exceptions (
  resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  day         TEXT NOT NULL,           -- YYYY-MM-DD
  closed      INTEGER NOT NULL DEFAULT 1,
  open_min    INTEGER,
  close_min   INTEGER,
  note        TEXT
);
CREATE INDEX resource_exceptions_res ON resource_exceptions(resource_id);

CREATE TABLE resource_changes (
  id          INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL,        -- no FK: history outlives a deleted resource
  user_id     INTEGER,
  at          TEXT NOT NULL,
  action      TEXT NOT NULL,
  before_json TEXT,
  after_json  TEXT
);
CREATE INDEX resource_changes_res ON resource_changes(resource_id, id);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  user_id     INTEGER,
  action      TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id   TEXT,
  detail      TEXT
);
