-- Uploaded files (PDF, JPEG, PNG; the type read from the content), attached to dossier components, and citizens' drafts.
-- Contents live in the database so that one backup holds everything; a province with large volumes would move
-- `content` to object storage behind the same table.
CREATE TABLE uploads (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner       text NOT NULL,                      -- 'staff:<user id>' or 'citizen:<citizen id>'
  name        text NOT NULL,
  mime        text NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
  size        integer NOT NULL CHECK (size > 0),
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_owner ON uploads (owner, created_at);

-- A file in a dossier, for one component (thành phần hồ sơ) of the procedure version; digitised = scanned from
-- paper at the counter (số hóa).
CREATE TABLE dossier_files (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dossier_id      uuid NOT NULL REFERENCES dossiers (id),
  upload_id       uuid NOT NULL UNIQUE REFERENCES uploads (id),
  component_index integer NOT NULL CHECK (component_index >= 0),
  digitised       boolean NOT NULL,
  added_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossier_files_dossier ON dossier_files (dossier_id);

-- An online form saved before submission (lưu nháp), one per citizen and procedure.
CREATE TABLE citizen_drafts (
  citizen_id    uuid NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
  procedure_id  uuid NOT NULL REFERENCES procedures (id),
  form_data     jsonb NOT NULL,
  files         jsonb NOT NULL DEFAULT '[]',
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (citizen_id, procedure_id)
);
