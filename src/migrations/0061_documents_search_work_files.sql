SET LOCAL lock_timeout = '5s';
-- Văn bản (issue 15): full-text search without diacritics, hồ sơ công việc, and staff alerts of urgent incoming
-- documents through the one notification outbox.

-- Search: the document's số/ký hiệu, trích yếu and sender folded (src/shared/text.ts fold), and the text of its PDF
-- (pdftotext) folded apart, both filled by the documents.index job (documents/search.ts says why not at write time).
-- indexed_revision is the revision search_text was built from; content_sha256 the file content_text was read from, so
-- a revision that keeps the file does not run pdftotext again. Trigram indexes (pg_trgm, as the catalogue's) in 0062.
ALTER TABLE documents
  ADD COLUMN search_text text,
  ADD COLUMN content_text text,
  ADD COLUMN content_sha256 text CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  ADD COLUMN indexed_revision integer;

-- Hồ sơ công việc (Decree 30 art. 28; Thông tư 10/2022/TT-BNV thời hạn bảo quản): a file per matter in one
-- organisation, with its ký hiệu, retention (years, null: vĩnh viễn), the person responsible; closed at the end of the
-- work, after which nothing changes.
CREATE TABLE work_files (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id       uuid NOT NULL REFERENCES agencies (id), -- the organisation
  code            text NOT NULL CHECK (length(code) BETWEEN 1 AND 50), -- ký hiệu hồ sơ
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  retention_years integer CHECK (retention_years BETWEEN 1 AND 100), -- null: vĩnh viễn
  responsible_id  uuid NOT NULL REFERENCES users (id),
  created_by      uuid NOT NULL REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  closed_at       timestamptz,
  closed_by       uuid REFERENCES users (id),
  CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
  UNIQUE (agency_id, code)
);

CREATE TABLE work_file_documents (
  work_file_id uuid NOT NULL REFERENCES work_files (id),
  document_id  uuid NOT NULL REFERENCES documents (id),
  added_by     uuid NOT NULL REFERENCES users (id),
  added_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (work_file_id, document_id)
);
CREATE INDEX work_file_documents_document ON work_file_documents (document_id);

-- An outbox row may also belong to a document and its event: the staff alert of an urgent incoming document (one
-- per event, channel and person; that unique index is built concurrently in 0062, which also validates the check).
ALTER TABLE notification_outbox
  ADD COLUMN document_id uuid REFERENCES documents (id),
  ADD COLUMN document_event_id bigint REFERENCES document_events (id);
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_one_case;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_one_owner CHECK (
  num_nonnulls(dossier_id, feedback_case_id, document_id) = 1
  AND (dossier_id IS NULL) = (event_id IS NULL)
  AND (feedback_case_id IS NULL) = (feedback_event_id IS NULL)
  AND (document_id IS NULL) = (document_event_id IS NULL)) NOT VALID;
