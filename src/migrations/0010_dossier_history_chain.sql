-- Tamper-evident dossier history (src/dossiers/chain.ts): each event stores the hash of the previous event of its
-- dossier and its own SHA-256 over a canonical serialisation. Rows written before this migration stay NULL here and
-- are sealed in order by the chain's backfill (the next write to the dossier, `npm run verify:history`, or the
-- history check), so the migration is cheap on a populated database.
ALTER TABLE dossier_events ADD COLUMN prev_hash text CHECK (prev_hash ~ '^[0-9a-f]{64}$');
ALTER TABLE dossier_events ADD COLUMN hash text CHECK (hash ~ '^[0-9a-f]{64}$');
CREATE INDEX dossier_events_unsealed ON dossier_events (dossier_id) WHERE hash IS NULL;

-- The province-wide daily anchor: for each finished day (Vietnam time), the hash over the chain heads of the
-- dossiers that had events that day, chained to the previous anchor.
CREATE TABLE history_anchors (
  day         date PRIMARY KEY,
  dossiers    integer NOT NULL,
  heads_hash  text NOT NULL,
  prev_hash   text,
  hash        text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
