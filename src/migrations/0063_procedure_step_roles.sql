SET lock_timeout = '5s';
-- The officers' inbox filters open dossiers by the role their current workflow step waits for. Each version's roles
-- in step order (every step has one: catalog/schema.ts), kept beside the content so that the inbox reads a few bytes
-- per dossier instead of decompressing the version's whole content. Versions are a few thousand rows.
ALTER TABLE procedure_versions
  ADD COLUMN step_roles jsonb GENERATED ALWAYS AS (jsonb_path_query_array(content::jsonb, '$.workflow[*].role')) STORED;
