-- migrate: no-transaction
-- Built while documents and messages go on being written: the exchange handlers find a document by its QCVN 102
-- DocumentId (a status or a recall from outside), the search reads the folded texts by trigram (LIKE '%word%'), the
-- documents.index job finds the few documents changed since their indexing, and the staff alerts are one per document
-- event, channel and person.
ALTER TABLE notification_outbox VALIDATE CONSTRAINT notification_outbox_one_owner;
DROP INDEX CONCURRENTLY IF EXISTS documents_exchange_document;
CREATE INDEX CONCURRENTLY documents_exchange_document ON documents (exchange_document_id) WHERE exchange_document_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS documents_search_text;
CREATE INDEX CONCURRENTLY documents_search_text ON documents USING gin (search_text gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS documents_content_text;
CREATE INDEX CONCURRENTLY documents_content_text ON documents USING gin (content_text gin_trgm_ops);
DROP INDEX CONCURRENTLY IF EXISTS documents_to_index;
CREATE INDEX CONCURRENTLY documents_to_index ON documents (updated_at) WHERE indexed_revision IS DISTINCT FROM revision;
DROP INDEX CONCURRENTLY IF EXISTS notification_outbox_document_event;
CREATE UNIQUE INDEX CONCURRENTLY notification_outbox_document_event ON notification_outbox (document_event_id, channel, recipient)
  WHERE document_event_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS notification_outbox_document;
CREATE INDEX CONCURRENTLY notification_outbox_document ON notification_outbox (document_id) WHERE document_id IS NOT NULL;
