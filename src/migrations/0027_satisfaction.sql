-- Satisfaction ratings (đánh giá mức độ hài lòng): one per dossier, by its citizen, after the result is returned.
CREATE TABLE satisfaction_ratings (
  dossier_id    uuid PRIMARY KEY REFERENCES dossiers (id),
  citizen_id    uuid NOT NULL REFERENCES citizens (id),
  agency_id     uuid NOT NULL REFERENCES agencies (id),         -- the competent agency rated
  procedure_id  uuid NOT NULL,
  level         smallint NOT NULL CHECK (level BETWEEN 1 AND 5), -- 1 rất không hài lòng … 5 rất hài lòng
  reasons       jsonb NOT NULL DEFAULT '[]',
  comment       text,
  rated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX satisfaction_ratings_time ON satisfaction_ratings (rated_at, agency_id);
