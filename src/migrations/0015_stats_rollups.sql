-- Operations centre (issue 4): more counters, month and year roll-ups, the open dossiers' working set, and a
-- revision number the live wall polls. Counters added here start at 0 on existing rows; recomputeStatistics fills them.
ALTER TABLE stats_daily
  ADD COLUMN closed          integer NOT NULL DEFAULT 0,  -- a received dossier finished (any outcome): leaves the open balance
  ADD COLUMN late_open_delta integer NOT NULL DEFAULT 0,  -- +1 the day a finished dossier became late while open, -1 the day it finished
  ADD COLUMN returned        integer NOT NULL DEFAULT 0,  -- results handed back (live), and of them
  ADD COLUMN returned_online integer NOT NULL DEFAULT 0,  --   electronically (kết quả điện tử)
  ADD COLUMN paper_received  integer NOT NULL DEFAULT 0,  -- counter/post submissions (live), and of them
  ADD COLUMN paper_digitised integer NOT NULL DEFAULT 0;  --   with digitised components (thành phần hồ sơ số hóa)

-- The same counters summed per month and per year (day = the first day of the month / year), so that a year or a
-- span of history is a few thousand rows whatever the number of dossiers.
CREATE TABLE stats_monthly (LIKE stats_daily INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE stats_monthly ADD PRIMARY KEY (day, agency_id, procedure_id, channel);
CREATE TABLE stats_yearly (LIKE stats_daily INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE stats_yearly ADD PRIMARY KEY (day, agency_id, procedure_id, channel);
INSERT INTO stats_monthly
  SELECT date_trunc('month', day)::date, agency_id, procedure_id, channel, sum(received), sum(finished_early), sum(finished_on_time),
         sum(finished_late), sum(finished_other), sum(processing_hours), sum(supplements), sum(apologies), 0, 0, 0, 0, 0, 0
    FROM stats_daily GROUP BY 1, 2, 3, 4;
INSERT INTO stats_yearly
  SELECT date_trunc('year', day)::date, agency_id, procedure_id, channel, sum(received), sum(finished_early), sum(finished_on_time),
         sum(finished_late), sum(finished_other), sum(processing_hours), sum(supplements), sum(apologies), 0, 0, 0, 0, 0, 0
    FROM stats_daily GROUP BY 1, 2, 3, 4;

-- Received dossiers not finished yet: what "open now" and the end of a current period are computed from.
-- late_from: the first day at whose end the dossier counts late if still open (null: not late while it waits for the
-- citizen with its clock stopped in time); at_risk_from: when less than the at-risk share of its working time is left.
CREATE TABLE stats_open (
  dossier_id    uuid PRIMARY KEY REFERENCES dossiers (id),
  agency_id     uuid NOT NULL,
  procedure_id  uuid NOT NULL,
  channel       text NOT NULL,
  received_day  date NOT NULL,
  due_at        timestamptz,
  paused_at     timestamptz,
  late_from     date,
  at_risk_from  timestamptz
);
CREATE INDEX stats_open_agency ON stats_open (agency_id, procedure_id);

-- Bumped in the transaction of every change to the counters; the live wall pushes when it moves.
CREATE TABLE stats_revision (revision bigint NOT NULL);
INSERT INTO stats_revision VALUES (0);

-- Drill-down from a number to its dossiers reads a page of them by date.
CREATE INDEX IF NOT EXISTS dossiers_received_at ON dossiers (received_at);
CREATE INDEX IF NOT EXISTS dossiers_finished_at ON dossiers (finished_at);
