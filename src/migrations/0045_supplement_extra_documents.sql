SET LOCAL lock_timeout = '5s';
-- A supplement request may ask for documents outside the procedure's components (issue 11: "Bản sao hợp đồng thuê
-- nhà"); the file the citizen gives for one is of kind 'extra' and keeps the requested document's position in the
-- request's list and its name. The component_index check stays as it is: an extra file has none, like an authorisation.
ALTER TABLE dossier_files ADD COLUMN extra_index integer, ADD COLUMN extra_name text;
-- Existing rows are components or authorisations without the new columns and satisfy every constraint below; NOT VALID
-- spares a scan of every dossier file under the exclusive lock, and new rows are checked all the same.
ALTER TABLE dossier_files DROP CONSTRAINT dossier_files_kind_check;
ALTER TABLE dossier_files ADD CONSTRAINT dossier_files_kind_check CHECK (kind IN ('component', 'authorisation', 'extra')) NOT VALID;
ALTER TABLE dossier_files ADD CONSTRAINT dossier_files_extra CHECK (
  (kind = 'extra') = (extra_index IS NOT NULL) AND (extra_index IS NULL) = (extra_name IS NULL)
  AND extra_index >= 0 AND length(extra_name) BETWEEN 1 AND 300) NOT VALID;
