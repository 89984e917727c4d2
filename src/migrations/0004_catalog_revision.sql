-- A counter bumped in the same transaction as every catalogue write. Each server process keeps the published
-- catalogue in an in-memory search index and rebuilds it when the counter moves, so several processes on one
-- PostgreSQL server never serve a stale catalogue.
CREATE TABLE catalog_revision (
  id       boolean PRIMARY KEY DEFAULT true CHECK (id),
  revision bigint NOT NULL DEFAULT 0
);
INSERT INTO catalog_revision (revision) VALUES (1) ON CONFLICT DO NOTHING;
