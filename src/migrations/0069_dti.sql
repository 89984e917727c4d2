SET lock_timeout = '5s';

-- DTI self-assessment (issue 16, item 4): the year's index catalogue as data (Decision 922/QĐ-BTTTT's structure,
-- 405/QĐ-BKHCN's from 2025), each component's owner agency, the values with their evidence, and the province's
-- published results of past years for comparison. Scores are computed from these rows, never stored.

-- One catalogue per year: its decision, the pillars/groups and main indicators with their points (structure), the total.
CREATE TABLE dti_frameworks (
  year       integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  decision   text NOT NULL,
  title      text NOT NULL,
  max_points numeric NOT NULL CHECK (max_points > 0),
  structure  jsonb NOT NULL,
  loaded_by  uuid REFERENCES users (id),
  loaded_at  timestamptz NOT NULL DEFAULT now()
);

-- Thành phần (component) of a main indicator: its points, scoring method (steps, ratio, yes/no) and source.
CREATE TABLE dti_components (
  year              integer NOT NULL REFERENCES dti_frameworks (year),
  code              text NOT NULL,
  indicator_code    text NOT NULL,
  position          integer NOT NULL,
  name              text NOT NULL,
  max_points        numeric NOT NULL CHECK (max_points >= 0),
  scoring           jsonb NOT NULL,
  evidence_required boolean NOT NULL,
  auto_key          text,
  owner_agency_id   uuid REFERENCES agencies (id),
  PRIMARY KEY (year, code)
);

-- A component's self-assessed value (a number for steps, {numerator, denominator} for a ratio, true/false for yes/no).
CREATE TABLE dti_values (
  year       integer NOT NULL,
  code       text NOT NULL,
  value      jsonb NOT NULL,
  note       text,
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (year, code),
  FOREIGN KEY (year, code) REFERENCES dti_components (year, code)
);

-- Minh chứng (evidence): files attached to a component's value.
CREATE TABLE dti_evidence (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  year       integer NOT NULL,
  code       text NOT NULL,
  name       text NOT NULL,
  mime       text NOT NULL,
  size       integer NOT NULL,
  sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content    bytea NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (year, code) REFERENCES dti_components (year, code)
);
CREATE INDEX dti_evidence_component ON dti_evidence (year, code);

-- The province's officially published result of a year (as announced: points or a 0–1 value, rank, per pillar).
CREATE TABLE dti_published_results (
  year       integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  score      numeric NOT NULL CHECK (score >= 0),
  max_score  numeric NOT NULL CHECK (max_score > 0),
  rank       integer CHECK (rank > 0),
  provinces  integer CHECK (provinces > 0),
  pillars    jsonb NOT NULL DEFAULT '[]',
  source     text NOT NULL,
  entered_by uuid NOT NULL REFERENCES users (id),
  entered_at timestamptz NOT NULL DEFAULT now()
);
