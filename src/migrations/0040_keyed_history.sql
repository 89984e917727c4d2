SET LOCAL lock_timeout = '5s';
-- Keyed dossier history (src/dossiers/chain.ts). Events written from now on are sealed with HMAC-SHA256 under a key
-- kept outside the database (HISTORY_KEY), so that rewriting the database cannot produce a valid chain. Events that
-- exist now (ids up to last_legacy_event_id) keep their unkeyed SHA-256 seals; those never sealed may still be
-- sealed by the backfill, and only they. Every keyed anchor covers these bounds, so moving them is caught.
CREATE TABLE history_legacy (
  only_row              boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  last_legacy_event_id  bigint NOT NULL,
  last_legacy_anchor    date
);
INSERT INTO history_legacy (last_legacy_event_id, last_legacy_anchor)
  SELECT coalesce((SELECT max(id) FROM dossier_events), 0), (SELECT max(day) FROM history_anchors);

-- Daily anchors taken from now on carry the MAC of their hash.
ALTER TABLE history_anchors ADD COLUMN mac text;

-- Rolling checkpoints, every few minutes: the head (last event and its hash) of every dossier changed since the
-- previous checkpoint, and how many dossiers were submitted that day so far; chained and keyed. A checkpointed
-- event that is later deleted, edited or unsealed, and a deleted dossier, no longer match it.
CREATE TABLE history_checkpoints (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  day            date NOT NULL,                 -- Vietnam date of the checkpoint
  after_event_id bigint NOT NULL,               -- events above this and up to last_event_id are covered
  last_event_id  bigint NOT NULL,
  dossiers       integer NOT NULL,              -- dossiers whose heads are recorded here
  day_dossiers   integer NOT NULL,              -- dossiers submitted on `day` up to last_event_id
  heads_hash     text NOT NULL,
  prev_mac       text,
  mac            text NOT NULL UNIQUE
);
CREATE INDEX history_checkpoints_day ON history_checkpoints (day, id);
CREATE TABLE history_checkpoint_heads (
  checkpoint_id  bigint NOT NULL REFERENCES history_checkpoints (id),
  dossier_id     uuid NOT NULL,                 -- no foreign key: a deleted dossier must leave its trace here
  dossier_code   text NOT NULL,
  event_id       bigint NOT NULL,
  hash           text NOT NULL,
  PRIMARY KEY (checkpoint_id, dossier_id)
);
