SET LOCAL lock_timeout = '5s';
-- Applicants who are who they say (issue 11): the giấy ủy quyền of a dossier submitted on someone's behalf is kept as
-- a file of its own kind, outside the procedure's components.
ALTER TABLE dossier_files ADD COLUMN kind text NOT NULL DEFAULT 'component' CHECK (kind IN ('component', 'authorisation'));
ALTER TABLE dossier_files ALTER COLUMN component_index DROP NOT NULL;
ALTER TABLE dossier_files ADD CONSTRAINT dossier_files_component_index CHECK ((kind = 'component') = (component_index IS NOT NULL));

-- The data store of organisations (kho dữ liệu của tổ chức), keyed by tax code (mã số thuế). A business's documents
-- are kept per representative who brought them (citizen_id), since nothing yet proves who represents a tax code.
ALTER TABLE citizen_documents ALTER COLUMN id_number DROP NOT NULL;
ALTER TABLE citizen_documents ADD COLUMN tax_code text CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$');
ALTER TABLE citizen_documents ADD CONSTRAINT citizen_documents_one_owner CHECK ((id_number IS NULL) <> (tax_code IS NULL));
CREATE UNIQUE INDEX citizen_documents_organisation ON citizen_documents (tax_code, citizen_id, sha256) NULLS NOT DISTINCT WHERE tax_code IS NOT NULL;

-- Documents planted before this rule: filed in a person's store by an online dossier that another citizen submitted
-- naming them, which no officer has received. (One already reused in a dossier stays, its reuse log refers to it.)
DELETE FROM citizen_documents d USING dossiers x, citizens c
 WHERE d.kind = 'submitted' AND d.dossier_id = x.id AND x.channel = 'online' AND x.received_at IS NULL
   AND c.id = x.citizen_id AND c.id_number <> d.id_number
   AND NOT EXISTS (SELECT 1 FROM document_reuses r WHERE r.document_id = d.id);

-- Every look of an officer into a person's or organisation's store: who, when, for which dossier, whose store.
CREATE TABLE datastore_looks (
  id          bigserial PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users (id),
  user_name   text NOT NULL,
  dossier_id  uuid NOT NULL REFERENCES dossiers (id),
  id_number   text,
  tax_code    text,
  documents   integer NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((id_number IS NULL) <> (tax_code IS NULL))
);
CREATE INDEX datastore_looks_person ON datastore_looks (id_number, at DESC) WHERE id_number IS NOT NULL;
CREATE INDEX datastore_looks_dossier ON datastore_looks (dossier_id);
