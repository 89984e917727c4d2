SET LOCAL lock_timeout = '5s';

-- Idempotency keys are now claimed inside the work's own transaction, so a claim without an answer can only be
-- left by the old code after a crash; such a key answered 409 forever. Releasing it lets a retry run.
DELETE FROM idempotency_keys WHERE status_code = 0;
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);

-- Sessions end after a period without requests (idle timeout) besides their absolute expiry.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS last_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE citizen_sessions ADD COLUMN IF NOT EXISTS last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires_at);
CREATE INDEX IF NOT EXISTS citizen_sessions_expires ON citizen_sessions (expires_at);
CREATE INDEX IF NOT EXISTS citizen_sessions_citizen ON citizen_sessions (citizen_id);

-- Sign-in throttling: failures counted per key ('pair:<username>|<ip>', 'account:<username>', 'ip:<ip>'), each
-- answered with a wait that doubles, never a lockout of the right password. Known and unknown usernames alike.
CREATE TABLE IF NOT EXISTS login_throttles (
  key             text PRIMARY KEY,
  failures        integer NOT NULL,
  last_failure_at timestamptz NOT NULL
);
-- Addresses a user has signed in from before are not held back by the account-wide and address-wide waits.
CREATE INDEX IF NOT EXISTS login_events_success_user_ip ON login_events (user_id, ip) WHERE success;

-- Scheduled jobs (src/jobs): when each last ran, cluster-wide, so that several servers run each job once per period.
CREATE TABLE IF NOT EXISTS scheduled_jobs (
  name             text PRIMARY KEY,
  last_started_at  timestamptz,
  last_finished_at timestamptz,
  last_ok          boolean,
  last_error       text,
  last_result      jsonb
);

-- The hard lockout is gone: its counters are replaced by login_throttles.
ALTER TABLE users DROP COLUMN IF EXISTS failed_logins, DROP COLUMN IF EXISTS locked_until;
