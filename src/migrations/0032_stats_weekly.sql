-- Weekly roll-up (IOC, issue 4): the same counters per week (day = its Monday). A custom period is then whole years,
-- months and weeks and at most a few days at each end, instead of up to a month of daily rows: the part of a query that
-- grows with the number of dossiers. Filled from the daily rows, so existing figures carry over.
CREATE TABLE stats_weekly (LIKE stats_daily INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE stats_weekly ADD PRIMARY KEY (day, agency_id, procedure_id, channel);
INSERT INTO stats_weekly (day, agency_id, procedure_id, channel, received, finished_early, finished_on_time, finished_late, finished_other, processing_hours, supplements, apologies, closed, late_open_delta, returned, returned_online, paper_received, paper_digitised, submitted, reused_data, paid, paid_online, approved, results_signed)
  SELECT date_trunc('week', day)::date, agency_id, procedure_id, channel, sum(received), sum(finished_early), sum(finished_on_time), sum(finished_late), sum(finished_other), sum(processing_hours), sum(supplements), sum(apologies), sum(closed), sum(late_open_delta), sum(returned), sum(returned_online), sum(paper_received), sum(paper_digitised), sum(submitted), sum(reused_data), sum(paid), sum(paid_online), sum(approved), sum(results_signed)
    FROM stats_daily GROUP BY 1, 2, 3, 4;

-- Drill-down to supplement requests and apology slips reads the events of the period.
CREATE INDEX IF NOT EXISTS dossier_events_supplements_apologies ON dossier_events (at) WHERE action IN ('request_supplement', 'apologize');
