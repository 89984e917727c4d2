SET lock_timeout = '5s';
-- Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia (issue 17, items 1, 5, 6): every dossier event becomes one message to
-- the national portal, written by a dossier-event hook in the event's transaction and delivered in id order per
-- dossier by the national.deliver job (retries, back-off); the portal dedupes on message_id.
CREATE TABLE national_sync_outbox (
  id               bigserial PRIMARY KEY,
  -- Sent with every attempt: the portal keeps one copy of a message however often it is retried. Random (a restored
  -- or new database must not reuse the ids of messages already sent).
  message_id       uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  dossier_id       uuid NOT NULL REFERENCES dossiers (id),
  event_id         bigint NOT NULL,
  code             text NOT NULL,
  -- The competent agency when the event was written: the 766 index's scope.
  agency_id        uuid NOT NULL,
  -- DongBoHoSoMC (the dossier as the event left it) or CapNhatTienDoHoSoMC (a step without a change of status).
  service          text NOT NULL CHECK (service IN ('DongBoHoSoMC', 'CapNhatTienDoHoSoMC')),
  -- TrangThaiHoSo (1–10) after the event.
  national_status  smallint NOT NULL CHECK (national_status BETWEEN 1 AND 10),
  payload          jsonb NOT NULL,
  -- unmapped: the procedure has no national code, so nothing is sent (the 766 index counts it as not synced).
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'unmapped')),
  attempts         integer NOT NULL DEFAULT 0,
  -- For a pending row: when it is due. While a worker sends it, the end of that worker's lease.
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  event_at         timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  UNIQUE (event_id)
);
CREATE INDEX national_sync_outbox_due ON national_sync_outbox (state, next_attempt_at);
CREATE INDEX national_sync_outbox_dossier ON national_sync_outbox (dossier_id, id);
CREATE INDEX national_sync_outbox_status_at ON national_sync_outbox (national_status, event_at);

-- What happened to each message: every attempt's request and answer (never the session or credentials), the error
-- code, a reconciliation's finding and an administrator's retry. Shown on the officer's dossier page.
CREATE TABLE national_sync_log (
  id               bigserial PRIMARY KEY,
  dossier_id       uuid NOT NULL REFERENCES dossiers (id),
  outbox_id        bigint REFERENCES national_sync_outbox (id),
  kind             text NOT NULL CHECK (kind IN ('deliver', 'unmapped', 'reconcile', 'retry')),
  ok               boolean NOT NULL,
  request          jsonb,
  response         jsonb,
  error_code       text,
  message          text,
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX national_sync_log_dossier ON national_sync_log (dossier_id, id);
