SET lock_timeout = '5s';

-- Rate limits counted in the database that every server shares (issue 18, item 6): one row per limiter key holding
-- the current fixed window and its hits, taken with one atomic upsert per request. UNLOGGED: the counts need no
-- crash safety or replication (a restart forgets at most a minute of counting), and skipping the WAL keeps the
-- upsert cheap on the hot paths it guards.
CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_counts (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limit_counts_window ON rate_limit_counts (window_start);
