-- Documents through the exchange (issue 15, item 3): an outgoing document may name agencies outside the platform by
-- their mã định danh, and an incoming one may come from outside through the gateway.

-- A recipient is an agency on the platform or an outside one (its mã định danh and name as the sender wrote them); it
-- reports the national axis's statuses, and for an outside one the answers to a recall too (15 agreed, 16 refused).
ALTER TABLE document_recipients ALTER COLUMN agency_id DROP NOT NULL;
ALTER TABLE document_recipients ADD COLUMN organ_id text CHECK (organ_id ~ '^[0-9A-Z.]{1,35}$');
ALTER TABLE document_recipients ADD COLUMN organ_name text CHECK (length(organ_name) BETWEEN 1 AND 300);
ALTER TABLE document_recipients ADD CONSTRAINT document_recipients_one_kind
  CHECK ((agency_id IS NULL) = (organ_id IS NOT NULL) AND (organ_id IS NULL) = (organ_name IS NULL));
ALTER TABLE document_recipients ADD CONSTRAINT document_recipients_organ UNIQUE (document_id, organ_id);
ALTER TABLE document_recipients DROP CONSTRAINT document_recipients_status_code_check;
ALTER TABLE document_recipients ADD CONSTRAINT document_recipients_status_code_check
  CHECK (status_code IN ('01', '02', '03', '04', '05', '06', '15', '16'));
ALTER TABLE document_recipient_statuses DROP CONSTRAINT document_recipient_statuses_status_code_check;
ALTER TABLE document_recipient_statuses ADD CONSTRAINT document_recipient_statuses_status_code_check
  CHECK (status_code IN ('01', '02', '03', '04', '05', '06', '15', '16'));

-- The QCVN 102 DocumentId of a document sent outside (the outside recipients' statuses name it) or received through
-- the gateway; of a received one also the sender's mã định danh, to which its statuses go back.
ALTER TABLE documents DROP CONSTRAINT documents_channel_check;
ALTER TABLE documents ADD CONSTRAINT documents_channel_check CHECK (channel IN ('platform', 'paper', 'exchange'));
ALTER TABLE documents ADD COLUMN exchange_document_id text;
ALTER TABLE documents ADD COLUMN from_organ_id text;
ALTER TABLE documents ADD CONSTRAINT documents_exchange_source
  CHECK (channel IS DISTINCT FROM 'exchange' OR (exchange_document_id IS NOT NULL AND from_organ_id IS NOT NULL));
