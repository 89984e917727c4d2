-- The store keeps what a person submitted and the results they received; receipts stay with their payments.
ALTER TABLE citizen_documents DROP CONSTRAINT citizen_documents_kind_check;
ALTER TABLE citizen_documents ADD CONSTRAINT citizen_documents_kind_check CHECK (kind IN ('submitted', 'result'));
