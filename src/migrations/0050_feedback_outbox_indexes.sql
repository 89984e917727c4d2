-- migrate: no-transaction
-- The outbox grows with use: its feedback indexes are built while messages go on being written, and the check of
-- 0049 is validated without blocking writers.
ALTER TABLE notification_outbox VALIDATE CONSTRAINT notification_outbox_one_case;
DROP INDEX CONCURRENTLY IF EXISTS notification_outbox_feedback_event;
CREATE UNIQUE INDEX CONCURRENTLY notification_outbox_feedback_event ON notification_outbox (feedback_event_id, channel) WHERE feedback_event_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS notification_outbox_feedback_case;
CREATE INDEX CONCURRENTLY notification_outbox_feedback_case ON notification_outbox (feedback_case_id) WHERE feedback_case_id IS NOT NULL;
