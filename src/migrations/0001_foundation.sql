-- Foundation: administrative units, agencies, staff, sessions, login records, procedure catalogue.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Đơn vị hành chính. Since 1/7/2025: province → commune (xã, phường, đặc khu). Legacy districts
-- (huyện, quận, thị xã) may appear in imported history with valid_to set.
CREATE TABLE admin_units (
  code          text PRIMARY KEY,
  level         text NOT NULL CHECK (level IN ('province', 'district', 'commune')),
  unit_type     text NOT NULL,               -- Tỉnh, Thành phố, Xã, Phường, Đặc khu, Huyện, Quận...
  name          text NOT NULL,
  full_name     text NOT NULL,
  name_en       text,
  province_code text REFERENCES admin_units (code),
  valid_from    date,
  valid_to      date,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'province') = (province_code IS NULL))
);
CREATE INDEX admin_units_province ON admin_units (province_code, level);

-- Cơ quan, đơn vị. code = mã định danh điện tử (QĐ 20/2020), legacy_code = the QCVN 102 form.
-- path = ancestor ids and own id joined by '/', so "this agency and what lies below it" is a prefix match.
CREATE TABLE agencies (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Y][0-9]{2}(\.[0-9A-Z]+)*$' AND length(code) <= 35),
  legacy_code text,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('province_committee', 'department', 'commune_committee', 'unit')),
  parent_id   uuid REFERENCES agencies (id),
  path        text NOT NULL UNIQUE,
  unit_code   text REFERENCES admin_units (code),
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agencies_path ON agencies (path text_pattern_ops);

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username      text NOT NULL UNIQUE CHECK (username = lower(username)),
  password_hash text NOT NULL,
  full_name     text NOT NULL,
  email         text,
  agency_id     uuid NOT NULL REFERENCES agencies (id),
  roles         text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['counter_officer', 'specialist',
                  'unit_leader', 'agency_leader', 'ioc_viewer', 'agency_admin', 'system_admin']),
  active        boolean NOT NULL DEFAULT true,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_agency ON users (agency_id);

-- Only a hash of the session token is stored: a leaked table does not leak sessions.
CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  ip          text,
  user_agent  text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every login attempt, successful or not (nhật ký đăng nhập).
CREATE TABLE login_events (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  username   text NOT NULL,
  user_id    uuid REFERENCES users (id),
  ip         text,
  user_agent text,
  success    boolean NOT NULL,
  reason     text NOT NULL
);
CREATE INDEX login_events_ip_at ON login_events (ip, at);
CREATE INDEX login_events_user_at ON login_events (username, at);

-- Thủ tục hành chính. Every edit adds a procedure_versions row; the public sees published_version.
-- The columns name..search_text copy the published (or, before publication, the latest) version
-- so that listing and filtering never parse JSON; search_text is folded (no diacritics, lowercase).
CREATE TABLE procedures (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id         uuid NOT NULL REFERENCES agencies (id),
  code              text NOT NULL UNIQUE,
  national_code     text NOT NULL CHECK (national_code ~ '^[0-9]\.[0-9]{6}$'),
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
  latest_version    integer NOT NULL,
  published_version integer,
  name              text NOT NULL,
  field             text NOT NULL,
  agency_level      text NOT NULL,
  online_level      text NOT NULL,
  free              boolean NOT NULL,
  search_text       text NOT NULL,
  published_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX procedures_search ON procedures USING gin (search_text gin_trgm_ops);
CREATE INDEX procedures_national_code ON procedures (national_code);
CREATE INDEX procedures_agency ON procedures (agency_id);

CREATE TABLE procedure_versions (
  procedure_id uuid NOT NULL REFERENCES procedures (id),
  version      integer NOT NULL,
  content      json NOT NULL,  -- json, not jsonb: keeps the author's key order (form fields appear in that order)
  created_by   uuid REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (procedure_id, version)
);
