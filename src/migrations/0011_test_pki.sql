-- Development and test only: the test certificate authority and the certificates it issued to staff and agency
-- seals, created on first use (src/signing/service.ts). A production platform signs with configured PKCS#12 files
-- and never writes here.
CREATE TABLE test_credentials (
  key              text PRIMARY KEY,            -- 'ca', 'staff:<user id>', 'seal:<agency id>'
  p12              bytea NOT NULL,
  passphrase       text NOT NULL,
  certificate_pem  text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
