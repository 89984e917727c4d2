-- The personal data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân): every document a person submitted
-- or received, keyed by the personal identification number; and the log of each reuse in a later dossier.
CREATE TABLE citizen_documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  id_number     text NOT NULL CHECK (id_number ~ '^[0-9]{12}$'),
  citizen_id    uuid REFERENCES citizens (id),
  kind          text NOT NULL CHECK (kind IN ('submitted', 'result', 'receipt')),
  title         text NOT NULL,                                  -- the component or result it is
  name          text NOT NULL,
  mime          text NOT NULL,
  size          integer NOT NULL CHECK (size > 0),
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content       bytea NOT NULL,
  dossier_id    uuid REFERENCES dossiers (id),
  dossier_code  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id_number, sha256)
);
CREATE INDEX citizen_documents_owner ON citizen_documents (id_number, created_at DESC);

CREATE TABLE document_reuses (
  id               bigserial PRIMARY KEY,
  document_id      uuid NOT NULL REFERENCES citizen_documents (id),
  dossier_id       uuid NOT NULL REFERENCES dossiers (id),
  component_index  integer NOT NULL,
  actor_kind       text NOT NULL CHECK (actor_kind IN ('citizen', 'staff')),
  actor_id         uuid NOT NULL,
  actor_name       text NOT NULL,
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_reuses_dossier ON document_reuses (dossier_id);
