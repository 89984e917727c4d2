SET LOCAL lock_timeout = '5s';
-- Citizen feedback, issue 14 items 2 and 3: the reporter's messages through the one notification outbox, escalation of
-- cases at risk or overdue to the operators, blocking abusive reporters, and a default handling agency per category.

-- An outbox row belongs to a dossier and its event, or to a feedback case and its event (one message per event and
-- channel for each: the feedback pair's unique index is built concurrently in 0050, which also validates the check).
ALTER TABLE notification_outbox
  ALTER COLUMN dossier_id DROP NOT NULL,
  ALTER COLUMN event_id DROP NOT NULL,
  ADD COLUMN feedback_case_id uuid REFERENCES feedback_cases (id),
  ADD COLUMN feedback_event_id bigint REFERENCES feedback_events (id);
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_one_case CHECK (
  CASE WHEN dossier_id IS NOT NULL THEN event_id IS NOT NULL AND feedback_case_id IS NULL AND feedback_event_id IS NULL
       ELSE event_id IS NULL AND feedback_case_id IS NOT NULL AND feedback_event_id IS NOT NULL END) NOT VALID;

-- When the operators were alerted that the case was at risk of missing its deadline, and that it missed it: once
-- each per case (src/jobs "feedback.escalate"; the event `escalate` on the timeline says which deadline).
ALTER TABLE feedback_cases ADD COLUMN escalated_at_risk_at timestamptz, ADD COLUMN escalated_overdue_at timestamptz;

-- Reporters an operator has barred from sending feedback (a citizen account, or a phone number for reports without
-- one), with the reason; unblocking closes the row, so the table is the log of every block and unblock.
CREATE TABLE feedback_blocks (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  citizen_id      uuid REFERENCES citizens (id),
  phone           text CHECK (phone ~ '^0[0-9]{9,10}$'),
  -- the case the block was made from, if any
  case_id         uuid REFERENCES feedback_cases (id),
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  blocked_by      uuid NOT NULL REFERENCES users (id),
  blocked_at      timestamptz NOT NULL DEFAULT now(),
  unblocked_by    uuid REFERENCES users (id),
  unblocked_at    timestamptz,
  unblock_reason  text,
  CHECK ((citizen_id IS NULL) <> (phone IS NULL)),
  CHECK ((unblocked_at IS NULL) = (unblocked_by IS NULL))
);
CREATE UNIQUE INDEX feedback_blocks_citizen ON feedback_blocks (citizen_id) WHERE citizen_id IS NOT NULL AND unblocked_at IS NULL;
CREATE UNIQUE INDEX feedback_blocks_phone ON feedback_blocks (phone) WHERE phone IS NOT NULL AND unblocked_at IS NULL;

-- The agency that usually handles a category (province data, set by administrators) and which level handles it
-- first: the commune's People's Committee where the problem is, or that agency (a department).
ALTER TABLE feedback_categories
  ADD COLUMN default_agency_id uuid REFERENCES agencies (id),
  ADD COLUMN handling_kind text NOT NULL DEFAULT 'commune_committee' CHECK (handling_kind IN ('commune_committee', 'department'));
UPDATE feedback_categories SET handling_kind = 'department' WHERE code IN ('land', 'administrative_procedures');
