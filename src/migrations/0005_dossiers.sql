-- Citizens and dossiers (hồ sơ thủ tục hành chính): state, append-only events, gap-free daily codes, idempotent POSTs.

-- A citizen or business representative, by personal identification number (số định danh cá nhân).
CREATE TABLE citizens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  id_number   text NOT NULL UNIQUE CHECK (id_number ~ '^[0-9]{12}$'),
  full_name   text NOT NULL,
  phone       text,
  email       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE citizen_sessions (
  token_hash  text PRIMARY KEY,
  citizen_id  uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);

-- The last sequence number given per agency and day; bumped under a row lock inside the submitting
-- transaction, so codes are unique and gap-free even under concurrent submissions.
CREATE TABLE dossier_sequences (
  agency_id  uuid NOT NULL REFERENCES agencies (id),
  day        date NOT NULL,
  last       integer NOT NULL,
  PRIMARY KEY (agency_id, day)
);

-- status: the national codes 1–10 (1 Mới đăng ký … 10 Đã trả kết quả).
CREATE TABLE dossiers (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code                text NOT NULL UNIQUE,
  procedure_id        uuid NOT NULL REFERENCES procedures (id),
  procedure_version   integer NOT NULL,
  home_agency_id      uuid NOT NULL REFERENCES agencies (id),   -- the competent agency (cơ quan chủ trì)
  agency_id           uuid NOT NULL REFERENCES agencies (id),   -- handling the current step (another one on liên thông)
  receiving_agency_id uuid NOT NULL REFERENCES agencies (id),   -- where the one-stop desk receives and returns
  channel             text NOT NULL CHECK (channel IN ('online', 'counter', 'post')),
  status              smallint NOT NULL CHECK (status BETWEEN 1 AND 10),
  citizen_id          uuid REFERENCES citizens (id),
  applicant           jsonb NOT NULL,
  form_data           jsonb NOT NULL DEFAULT '{}',
  step                integer,                                  -- index into the procedure version's workflow
  step_due_at         timestamptz,
  submitted_at        timestamptz NOT NULL,
  received_at         timestamptz,
  due_at              timestamptz,                              -- ngày hẹn trả (moves with paused time and apology)
  original_due_at     timestamptz,
  paused_at           timestamptz,                              -- the clock stopped: waiting for the citizen
  paused_hours        numeric NOT NULL DEFAULT 0,               -- working hours spent waiting, subtracted
  supplement_requests integer NOT NULL DEFAULT 0,
  apologies           integer NOT NULL DEFAULT 0,
  finished_at         timestamptz,                              -- NgayKetThucXuLy
  returned_at         timestamptz,
  revision            integer NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossiers_agency_status ON dossiers (agency_id, status, step_due_at);
CREATE INDEX dossiers_citizen ON dossiers (citizen_id, submitted_at DESC);

-- Append-only: the event history is the control slip (phiếu kiểm soát quá trình giải quyết hồ sơ).
CREATE TABLE dossier_events (
  id           bigserial PRIMARY KEY,
  dossier_id   uuid NOT NULL REFERENCES dossiers (id),
  at           timestamptz NOT NULL DEFAULT now(),
  action       text NOT NULL,
  actor_kind   text NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'system')),
  actor_id     uuid,
  actor_name   text NOT NULL,
  from_status  smallint,
  to_status    smallint,
  from_step    integer,
  to_step      integer,
  from_agency  uuid REFERENCES agencies (id),
  to_agency    uuid REFERENCES agencies (id),
  note         text,
  data         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX dossier_events_dossier ON dossier_events (dossier_id, id);

-- A replayed POST with the same Idempotency-Key returns the first answer instead of acting twice.
CREATE TABLE idempotency_keys (
  scope        text NOT NULL,            -- who sent it: 'staff:<id>', 'citizen:<id>', 'anonymous'
  key          text NOT NULL,
  request_hash text NOT NULL,
  status_code  integer NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
