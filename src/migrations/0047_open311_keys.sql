SET LOCAL lock_timeout = '5s';
-- Open311 GeoReport v2 API keys (issue 14, item 6): a system administrator issues a key to a client (an app, a partner's
-- system) and may revoke it. Only the key's SHA-256 is kept; the key itself is shown once, when issued.
CREATE TABLE open311_api_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  key_hash    text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
