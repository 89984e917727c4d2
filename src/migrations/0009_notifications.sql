-- Notification outbox: messages to the citizen written in the same transaction as the dossier change that causes
-- them, delivered afterwards by the notification worker with retries and exponential backoff.
CREATE TABLE notification_outbox (
  id               bigserial PRIMARY KEY,
  dossier_id       uuid NOT NULL REFERENCES dossiers (id),
  -- The dossier event that caused the message: one message per event and channel, never two.
  event_id         bigint NOT NULL REFERENCES dossier_events (id),
  kind             text NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('email', 'sms', 'zalo')),
  recipient        text NOT NULL,
  subject          text,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  -- For a pending row: when it is due. While a worker sends it, the end of that worker's lease.
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  UNIQUE (event_id, channel)
);

CREATE INDEX notification_outbox_due ON notification_outbox (status, next_attempt_at);
CREATE INDEX notification_outbox_dossier ON notification_outbox (dossier_id);
