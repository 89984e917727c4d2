-- Electronic results (kết quả giải quyết TTHC điện tử): numbered per Decree 30/2020 art. 15 — one series per
-- issuing agency, document type and year, starting at 01 on 1 January — signed by the approving leader and
-- sealed by the agency. The stored PDF is the signed file, byte for byte; it is never rewritten.
CREATE TABLE document_sequences (
  agency_id  uuid NOT NULL REFERENCES agencies (id),
  doc_type   text NOT NULL,                    -- ký hiệu loại: 'QĐ', 'GCN', 'GP', …
  year       integer NOT NULL,
  last       integer NOT NULL,
  PRIMARY KEY (agency_id, doc_type, year)
);

CREATE TABLE result_documents (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dossier_id       uuid NOT NULL UNIQUE REFERENCES dossiers (id),
  dossier_code     text NOT NULL,
  agency_id        uuid NOT NULL REFERENCES agencies (id),
  agency_name      text NOT NULL,
  holder_masked    text NOT NULL,               -- the applicant's name as the public verify page shows it
  doc_type         text NOT NULL,
  year             integer NOT NULL,
  number           integer NOT NULL CHECK (number > 0),
  notation         text NOT NULL,               -- số và ký hiệu: '01/GCN-UBND'
  title            text NOT NULL,               -- tên loại và trích yếu
  verify_code      text NOT NULL UNIQUE,        -- printed on the document and in its QR code
  signer_id        uuid REFERENCES users (id),
  signer_name      text NOT NULL,
  signer_title     text NOT NULL,
  signatures       jsonb NOT NULL,              -- who signed with which certificate, as checked right after signing
  issued_at        timestamptz NOT NULL,
  sha256           text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size             integer NOT NULL,
  content          bytea NOT NULL,
  UNIQUE (agency_id, doc_type, year, number)
);
CREATE INDEX result_documents_agency ON result_documents (agency_id, issued_at);
