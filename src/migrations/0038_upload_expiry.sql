SET LOCAL lock_timeout = '5s';
-- Uploads attached to nothing expire (dossiers/files.ts: deleteExpiredUploads): they are found by their age, and a
-- scan's record (số hóa) goes with its upload.
CREATE INDEX IF NOT EXISTS uploads_created ON uploads (created_at);
ALTER TABLE scans DROP CONSTRAINT scans_upload_id_fkey;
ALTER TABLE scans ADD CONSTRAINT scans_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES uploads (id) ON DELETE CASCADE NOT VALID;
ALTER TABLE scans VALIDATE CONSTRAINT scans_upload_id_fkey;
