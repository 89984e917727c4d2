-- Service-quality statistics (issue 4): counters kept up to date in the transaction of each dossier event, so the
-- dashboard answers any period and scope by summing a few aggregate rows instead of scanning dossiers.
-- Grain: one row per day (Vietnam time), competent agency, procedure and channel. A day's figures count the events
-- of that day: received on the reception day, finished on the day the dossier was finished (classified then),
-- supplement requests and apology slips on the day they were issued.
CREATE TABLE stats_daily (
  day               date NOT NULL,
  agency_id         uuid NOT NULL REFERENCES agencies (id),     -- dossiers.home_agency_id (cơ quan chủ trì)
  procedure_id      uuid NOT NULL REFERENCES procedures (id),
  channel           text NOT NULL CHECK (channel IN ('online', 'counter', 'post')),
  received          integer NOT NULL DEFAULT 0,
  finished_early    integer NOT NULL DEFAULT 0,
  finished_on_time  integer NOT NULL DEFAULT 0,
  finished_late     integer NOT NULL DEFAULT 0,
  finished_other    integer NOT NULL DEFAULT 0,                 -- refused (3) or stopped (8): finished, not classified
  processing_hours  numeric NOT NULL DEFAULT 0,                 -- working hours, reception → finish, minus paused, of the classified ones
  supplements       integer NOT NULL DEFAULT 0,
  apologies         integer NOT NULL DEFAULT 0,
  PRIMARY KEY (day, agency_id, procedure_id, channel)
);
CREATE INDEX stats_daily_agency ON stats_daily (agency_id, day);
CREATE INDEX stats_daily_procedure ON stats_daily (procedure_id, day);
