-- Citizens sign in through an OpenID Connect identity provider (VNeID-style). The provider is the authority on a
-- citizen's name, birth date and phone; the level of identity assurance (mức định danh) belongs to each sign-in.
ALTER TABLE citizens ADD COLUMN IF NOT EXISTS birth_date date;
ALTER TABLE citizen_sessions ADD COLUMN IF NOT EXISTS identity_level smallint;

-- A sign-in in progress: the browser holds a random token (cookie) whose hash finds the state, nonce and PKCE
-- verifier sent to the provider. Taken once by the callback, so a replayed callback finds nothing.
CREATE TABLE IF NOT EXISTS citizen_sign_in_attempts (
  token_hash    text PRIMARY KEY,
  state         text NOT NULL,
  nonce         text NOT NULL,
  code_verifier text NOT NULL,
  next_path     text NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS citizen_sign_in_attempts_expiry ON citizen_sign_in_attempts (expires_at);

-- The identity level of the citizen's sign-in when the dossier was submitted online (null at the counter).
ALTER TABLE dossiers ADD COLUMN IF NOT EXISTS citizen_identity_level smallint;
