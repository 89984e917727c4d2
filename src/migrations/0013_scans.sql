-- Digitised paper (số hóa hồ sơ giấy): a counter scan is kept as one PDF upload whose pages are the scanned sheets in
-- the order they were fed, with the page count, each page's hash, and who scanned it and when.
CREATE TABLE scans (
  upload_id        uuid PRIMARY KEY REFERENCES uploads (id),
  pages            integer NOT NULL CHECK (pages > 0),
  page_sha256      jsonb NOT NULL,                 -- SHA-256 of each scanned page image, in page order
  scanned_by       uuid NOT NULL REFERENCES users (id),
  scanned_by_name  text NOT NULL,
  agency_id        uuid NOT NULL REFERENCES agencies (id),
  scanned_at       timestamptz NOT NULL
);
