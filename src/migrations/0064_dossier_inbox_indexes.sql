-- migrate: no-transaction
-- The inboxes in SQL (dossiers/service.ts inbox): open dossiers waiting at the counter are found by their receiving or
-- competent agency, those in a workflow step by the handling agency (dossiers_agency_status, 0005). Partial indexes:
-- only the open dossiers, a small part of the history, and built while submissions go on.
DROP INDEX CONCURRENTLY IF EXISTS dossiers_inbox_receiving;
CREATE INDEX CONCURRENTLY dossiers_inbox_receiving ON dossiers (receiving_agency_id) WHERE status IN (1, 5, 7, 9);
DROP INDEX CONCURRENTLY IF EXISTS dossiers_inbox_home;
CREATE INDEX CONCURRENTLY dossiers_inbox_home ON dossiers (home_agency_id) WHERE status IN (1, 5, 7, 9);
