SET LOCAL lock_timeout = '5s';
-- Citizen feedback (phản ánh, kiến nghị; issue 14): cases keyed in from any channel, handled by the workflow engine
-- (src/feedback/workflow.ts), answered by the competent agency and published by the province's operators.

-- The category tree (lĩnh vực phản ánh): province data, edited later by administrators; seeded with the usual five.
CREATE TABLE feedback_categories (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_.-]{2,40}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  parent_id  uuid REFERENCES feedback_categories (id),
  position   integer NOT NULL DEFAULT 0,
  active     boolean NOT NULL DEFAULT true
);
INSERT INTO feedback_categories (code, name, position) VALUES
  ('traffic', 'Giao thông', 1),
  ('environment', 'Môi trường', 2),
  ('urban_order', 'Trật tự đô thị', 3),
  ('land', 'Đất đai', 4),
  ('administrative_procedures', 'Thủ tục hành chính', 5);

-- One row of settings. Deadlines are in working hours of the platform's calendar; those the sources leave uncertain
-- (next-wave.md §1 ⚠U) are configuration with a default: acceptance 8 h (iHaNoi), answering an urgent case 4 h
-- (iHaNoi), ordinary 40 h (5 working days) and complex 80 h (10 working days). The bounding box is the province's
-- extent for coordinates (default: Việt Nam's mainland and islands until the province sets its own).
CREATE TABLE feedback_settings (
  singleton            boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  accept_hours         numeric NOT NULL DEFAULT 8 CHECK (accept_hours > 0),
  answer_hours         jsonb NOT NULL DEFAULT '{"thuong": 40, "khan": 4, "phuc_tap": 80}',
  max_extension_hours  numeric NOT NULL DEFAULT 40 CHECK (max_extension_hours >= 0),
  at_risk_share        numeric NOT NULL DEFAULT 0.25 CHECK (at_risk_share > 0 AND at_risk_share < 1),
  allow_anonymous      boolean NOT NULL DEFAULT false,
  min_lat              double precision NOT NULL DEFAULT 8.1,
  max_lat              double precision NOT NULL DEFAULT 23.4,
  min_long             double precision NOT NULL DEFAULT 102.1,
  max_long             double precision NOT NULL DEFAULT 117.9,
  updated_by           uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (min_lat < max_lat AND min_long < max_long)
);
INSERT INTO feedback_settings DEFAULT VALUES;

-- Public codes PA-yymmdd-nnnn, gap-free per day (Vietnam's date): taken under the day's row lock in the case's transaction.
CREATE TABLE feedback_sequences (
  day   date PRIMARY KEY,
  last  integer NOT NULL
);

CREATE TABLE feedback_cases (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code               text NOT NULL UNIQUE,
  title              text NOT NULL,
  body               text NOT NULL,
  category_id        uuid NOT NULL REFERENCES feedback_categories (id),
  level              text NOT NULL DEFAULT 'thuong' CHECK (level IN ('thuong', 'khan', 'phuc_tap')),
  lat                double precision,
  long               double precision,
  address            text,
  commune_code       text,
  -- title and text folded (shared/text.ts) for the public search without diacritics
  search_text        text NOT NULL DEFAULT '',
  channel            text NOT NULL CHECK (channel IN ('portal', 'phone', 'paper', 'email', 'zalo', 'open311')),
  status             text NOT NULL,
  -- The organisation whose operators run the feedback desk (the province's root organisation), and the agency handling it.
  operator_agency_id uuid NOT NULL REFERENCES agencies (id),
  agency_id          uuid REFERENCES agencies (id),
  assigned_at        timestamptz,
  accept_due_at      timestamptz,
  accepted_at        timestamptz,
  due_at             timestamptz,
  paused_at          timestamptz,
  paused_hours       numeric NOT NULL DEFAULT 0,
  extensions         integer NOT NULL DEFAULT 0,
  -- The draft the agency is working on, and the answer the public sees (a reopened case keeps the published one meanwhile).
  answer             text,
  published_answer   text,
  answered_at        timestamptz,
  approved_at        timestamptz,
  published_at       timestamptz,
  send_backs         integer NOT NULL DEFAULT 0,
  reopens            integer NOT NULL DEFAULT 0,
  rating             text CHECK (rating IN ('hai_long', 'chap_nhan', 'khong_hai_long')),
  rating_comment     text,
  merged_into        uuid REFERENCES feedback_cases (id),
  closed_at          timestamptz,
  -- The reporter: returned only to operators (each look logged in feedback_identity_looks), never to the agency or the public.
  citizen_id         uuid REFERENCES citizens (id),
  reporter_name      text,
  reporter_phone     text,
  reporter_email     text,
  revision           integer NOT NULL DEFAULT 1,
  created_by         uuid REFERENCES users (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((lat IS NULL) = (long IS NULL))
);
CREATE INDEX feedback_cases_agency ON feedback_cases (agency_id, status);
CREATE INDEX feedback_cases_published ON feedback_cases (published_at DESC) WHERE published_at IS NOT NULL;
CREATE INDEX feedback_cases_citizen ON feedback_cases (citizen_id) WHERE citizen_id IS NOT NULL;

-- The case's timeline; `public` steps are shown on the published page (without who acted for the reporter).
CREATE TABLE feedback_events (
  id           bigserial PRIMARY KEY,
  case_id      uuid NOT NULL REFERENCES feedback_cases (id),
  action       text NOT NULL,
  from_status  text,
  to_status    text NOT NULL,
  actor_kind   text NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'anonymous', 'system')),
  actor_id     uuid,
  actor_name   text,
  agency_id    uuid REFERENCES agencies (id),
  note         text,
  data         jsonb NOT NULL DEFAULT '{}',
  public       boolean NOT NULL DEFAULT false,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_events_case ON feedback_events (case_id, id);

-- Every time an operator is shown a reporter's identity.
CREATE TABLE feedback_identity_looks (
  id       bigserial PRIMARY KEY,
  case_id  uuid NOT NULL REFERENCES feedback_cases (id),
  user_id  uuid NOT NULL REFERENCES users (id),
  at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_identity_looks_case ON feedback_identity_looks (case_id, at);

-- Photos and documents: the report's (from the reporter or the operator keying it in) and the agency's evidence for its
-- answer. The bytes are checked like every upload (type from the content, pixel limit, PDF parsed) and kept here;
-- the published copies of images are served without their metadata (EXIF GPS).
CREATE TABLE feedback_media (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id     uuid NOT NULL REFERENCES feedback_cases (id),
  kind        text NOT NULL CHECK (kind IN ('report', 'evidence')),
  name        text NOT NULL,
  mime        text NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
  size        integer NOT NULL CHECK (size > 0),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content     bytea NOT NULL,
  added_by    uuid REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_media_case ON feedback_media (case_id, created_at);
