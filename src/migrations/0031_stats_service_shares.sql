-- IOC shares from live dossier events (issue 4): reuse of stored data, online payment and digitised (signed electronic)
-- results. The counters are filled for existing rows from the events already recorded, so no recomputation is needed.
-- Imported histories carry no such facts and count in none of them.
--   submitted: dossiers submitted on the platform (live), and of them
--   reused_data: with a component taken from the applicant's data store
--   paid: fees and charges paid (live), and of them
--   paid_online: settled online by the platform (VNPay, VietQR)
--   approved: dossiers approved with a result (live), and of them
--   results_signed: results issued as signed electronic documents
ALTER TABLE stats_daily
  ADD COLUMN submitted integer NOT NULL DEFAULT 0,
  ADD COLUMN reused_data integer NOT NULL DEFAULT 0,
  ADD COLUMN paid integer NOT NULL DEFAULT 0,
  ADD COLUMN paid_online integer NOT NULL DEFAULT 0,
  ADD COLUMN approved integer NOT NULL DEFAULT 0,
  ADD COLUMN results_signed integer NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly
  ADD COLUMN submitted integer NOT NULL DEFAULT 0,
  ADD COLUMN reused_data integer NOT NULL DEFAULT 0,
  ADD COLUMN paid integer NOT NULL DEFAULT 0,
  ADD COLUMN paid_online integer NOT NULL DEFAULT 0,
  ADD COLUMN approved integer NOT NULL DEFAULT 0,
  ADD COLUMN results_signed integer NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly
  ADD COLUMN submitted integer NOT NULL DEFAULT 0,
  ADD COLUMN reused_data integer NOT NULL DEFAULT 0,
  ADD COLUMN paid integer NOT NULL DEFAULT 0,
  ADD COLUMN paid_online integer NOT NULL DEFAULT 0,
  ADD COLUMN approved integer NOT NULL DEFAULT 0,
  ADD COLUMN results_signed integer NOT NULL DEFAULT 0;

-- The same definition as eventDeltas (src/stats/service.ts), on the day (Vietnam time) of each live event.
INSERT INTO stats_daily (day, agency_id, procedure_id, channel, submitted, reused_data, paid, paid_online, approved, results_signed)
  SELECT ((e.at AT TIME ZONE 'UTC') + interval '7 hours')::date, d.home_agency_id, d.procedure_id, d.channel,
         count(*) FILTER (WHERE e.action = 'submit'),
         count(*) FILTER (WHERE e.action = 'submit' AND coalesce((e.data->>'reusedFromStore')::int, 0) > 0),
         count(*) FILTER (WHERE e.action = 'record_payment'),
         count(*) FILTER (WHERE e.action = 'record_payment' AND e.actor_kind = 'system'),
         count(*) FILTER (WHERE e.action = 'approve' AND e.to_status = 9),
         count(*) FILTER (WHERE e.action = 'sign_result')
    FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
   WHERE e.action IN ('submit', 'record_payment', 'approve', 'sign_result') AND NOT coalesce(e.data ? 'imported', false)
   GROUP BY 1, 2, 3, 4
ON CONFLICT (day, agency_id, procedure_id, channel) DO UPDATE SET submitted = excluded.submitted, reused_data = excluded.reused_data, paid = excluded.paid, paid_online = excluded.paid_online, approved = excluded.approved, results_signed = excluded.results_signed;
INSERT INTO stats_monthly (day, agency_id, procedure_id, channel, submitted, reused_data, paid, paid_online, approved, results_signed)
  SELECT date_trunc('month', day)::date, agency_id, procedure_id, channel, sum(submitted), sum(reused_data), sum(paid), sum(paid_online), sum(approved), sum(results_signed)
    FROM stats_daily WHERE submitted + paid + approved + results_signed > 0 GROUP BY 1, 2, 3, 4
ON CONFLICT (day, agency_id, procedure_id, channel) DO UPDATE SET submitted = excluded.submitted, reused_data = excluded.reused_data, paid = excluded.paid, paid_online = excluded.paid_online, approved = excluded.approved, results_signed = excluded.results_signed;
INSERT INTO stats_yearly (day, agency_id, procedure_id, channel, submitted, reused_data, paid, paid_online, approved, results_signed)
  SELECT date_trunc('year', day)::date, agency_id, procedure_id, channel, sum(submitted), sum(reused_data), sum(paid), sum(paid_online), sum(approved), sum(results_signed)
    FROM stats_daily WHERE submitted + paid + approved + results_signed > 0 GROUP BY 1, 2, 3, 4
ON CONFLICT (day, agency_id, procedure_id, channel) DO UPDATE SET submitted = excluded.submitted, reused_data = excluded.reused_data, paid = excluded.paid, paid_online = excluded.paid_online, approved = excluded.approved, results_signed = excluded.results_signed;
