-- The daily anchors of the dossier history (dossiers/chain.ts) read the events of one day, and look for the days not
-- anchored yet, every hour: by instant ranges on this index instead of a scan of every event (tens of millions once a
-- province's history is imported). Built once; a populated table's writers wait while it is built.
CREATE INDEX IF NOT EXISTS dossier_events_at ON dossier_events (at);
