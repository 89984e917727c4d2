SET LOCAL lock_timeout = '5s';

-- Phân công: the officer named for a dossier's current step (null: any officer of the step's role in the holding
-- agency). A nullable column without a default rewrites nothing; the foreign key is checked for new values only, so
-- adding it does not scan a populated table.
ALTER TABLE dossiers ADD COLUMN assignee_id uuid;
ALTER TABLE dossiers ADD CONSTRAINT dossiers_assignee_fk FOREIGN KEY (assignee_id) REFERENCES users (id) NOT VALID;

-- Xin ý kiến: a question about a dossier to a chosen officer or unit, with a deadline, answered once. The question
-- and the answer are also dossier events (the history); this table tells whose inbox holds an open question.
CREATE TABLE dossier_consultations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dossier_id  uuid NOT NULL REFERENCES dossiers (id),
  asked_by    uuid NOT NULL REFERENCES users (id),
  officer_id  uuid REFERENCES users (id),
  agency_id   uuid REFERENCES agencies (id),
  question    text NOT NULL,
  due_at      timestamptz NOT NULL,
  asked_at    timestamptz NOT NULL DEFAULT now(),
  answer      text,
  answered_by uuid REFERENCES users (id),
  answered_at timestamptz,
  CHECK ((officer_id IS NULL) <> (agency_id IS NULL)),
  CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX dossier_consultations_dossier ON dossier_consultations (dossier_id);
CREATE INDEX dossier_consultations_open_officer ON dossier_consultations (officer_id) WHERE answered_at IS NULL;
CREATE INDEX dossier_consultations_open_agency ON dossier_consultations (agency_id) WHERE answered_at IS NULL;
