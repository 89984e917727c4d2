SET LOCAL lock_timeout = '5s';
-- Indicators and periodic reports (issue 16, items 1 and 2): the indicator dictionary (one row per code and year), the
-- reporting regimes of Decree 09/2019/NĐ-CP (chế độ báo cáo) with their data forms, the periods opened from each
-- regime's cut-off rule, and the reports (a case type of the workflow engine) with every version kept.

CREATE TABLE report_indicators (
  code            text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_.]{1,39}$'),
  -- The dictionary is versioned by year: a period reads the version of its year, or the latest one before it.
  year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2199),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
  unit            text NOT NULL CHECK (length(unit) BETWEEN 1 AND 40),
  area            text NOT NULL CHECK (length(area) BETWEEN 1 AND 100),
  definition      text NOT NULL DEFAULT '',
  formula         text NOT NULL DEFAULT '',
  -- How units' values combine: sum, average, ratio (recomputed from its parts), last (a stock at the period's end).
  aggregation     text NOT NULL CHECK (aggregation IN ('sum', 'average', 'ratio', 'last')),
  disaggregations text[] NOT NULL DEFAULT '{}' CHECK (disaggregations <@ ARRAY['commune', 'agency', 'field']),
  -- computed: a figure of the platform's own statistics (computed_by names it); reported: typed by the agencies.
  source          text NOT NULL CHECK (source IN ('computed', 'reported')),
  computed_by     text,
  -- A reported ratio names the reported indicators it is made of, so it rolls up as Σ numerator / Σ denominator.
  numerator       text,
  denominator     text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  updated_by      uuid REFERENCES users(id),
  PRIMARY KEY (code, year),
  CHECK ((source = 'computed') = (computed_by IS NOT NULL)),
  CHECK ((numerator IS NULL) = (denominator IS NULL)),
  CHECK (aggregation <> 'ratio' OR source = 'computed' OR numerator IS NOT NULL)
);

CREATE TABLE report_regimes (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code               text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_.-]{1,39}$'),
  name               text NOT NULL,
  legal_basis        text NOT NULL,
  content            text NOT NULL DEFAULT '',
  frequency          text NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'half_yearly', 'yearly', 'thematic', 'ad_hoc')),
  -- The reporting units: every active agency of these kinds.
  reporter_kinds     text[] NOT NULL CHECK (cardinality(reporter_kinds) > 0 AND reporter_kinds <@ ARRAY['department', 'commune_committee', 'unit']),
  -- Null: the province's People's Committee (the root agency).
  recipient_id       uuid REFERENCES agencies(id),
  -- Decree 09 art. 12: a period runs from this day of the month before to the day before it (15th → 14th).
  cutoff_day         smallint NOT NULL DEFAULT 15 CHECK (cutoff_day BETWEEN 1 AND 28),
  -- Art. 8.5: the report is due at least one working day after the cut-off.
  due_working_days   smallint NOT NULL DEFAULT 1 CHECK (due_working_days BETWEEN 1 AND 30),
  remind_days_before smallint NOT NULL DEFAULT 2 CHECK (remind_days_before BETWEEN 0 AND 30),
  -- Đề cương: the headings of the report's narrative.
  outline            text[] NOT NULL DEFAULT '{}',
  active             boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Biểu mẫu số liệu: the form's rows, one indicator each.
CREATE TABLE report_form_rows (
  regime_id      uuid NOT NULL REFERENCES report_regimes(id),
  ordinal        integer NOT NULL CHECK (ordinal > 0),
  indicator_code text NOT NULL,
  required       boolean NOT NULL DEFAULT true,
  PRIMARY KEY (regime_id, ordinal),
  UNIQUE (regime_id, indicator_code)
);

CREATE TABLE report_periods (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  regime_id uuid NOT NULL REFERENCES report_regimes(id),
  label     text NOT NULL,
  starts_on date NOT NULL,
  ends_on   date NOT NULL CHECK (ends_on >= starts_on),
  due_on    date NOT NULL CHECK (due_on > ends_on),
  opened_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (regime_id, starts_on, ends_on)
);

CREATE TABLE reports (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  period_id    uuid NOT NULL REFERENCES report_periods(id),
  agency_id    uuid NOT NULL REFERENCES agencies(id),
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'signed', 'accepted', 'returned')),
  -- A returned report is corrected as the next version; every version is kept in report_versions.
  version      integer NOT NULL DEFAULT 1,
  -- indicator code → { current, previous, lastYear, plan } (null: no figure, never 0), and the narrative per heading.
  data         jsonb NOT NULL DEFAULT '{}',
  narrative    text NOT NULL DEFAULT '',
  submitted_at timestamptz,
  signed_at    timestamptz,
  accepted_at  timestamptz,
  reminded_at  timestamptz,
  late_flagged_at timestamptz,
  revision     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (period_id, agency_id)
);

CREATE TABLE report_versions (
  report_id  uuid NOT NULL REFERENCES reports(id),
  version    integer NOT NULL,
  data       jsonb NOT NULL,
  narrative  text NOT NULL,
  -- The signed PDF (byte for byte) and its signatures, once the leader has signed this version.
  pdf        bytea,
  signatures jsonb,
  signed_by  uuid REFERENCES users(id),
  signed_at  timestamptz,
  returned_reason text,
  PRIMARY KEY (report_id, version)
);

CREATE TABLE report_events (
  id         bigserial PRIMARY KEY,
  report_id  uuid NOT NULL REFERENCES reports(id),
  at         timestamptz NOT NULL DEFAULT now(),
  actor_id   uuid REFERENCES users(id),
  action     text NOT NULL,
  from_status text,
  to_status  text NOT NULL,
  version    integer NOT NULL,
  note       text
);
CREATE INDEX report_events_report ON report_events (report_id, id);

-- The dictionary's first year: the figures the platform computes (from the operations centre's and the feedback
-- module's statistics) and a few the units report themselves.
INSERT INTO report_indicators (code, year, name, unit, area, definition, formula, aggregation, disaggregations, source, computed_by, numerator, denominator) VALUES
  ('TTHC.RECEIVED', 2026, 'Số hồ sơ thủ tục hành chính tiếp nhận trong kỳ', 'hồ sơ', 'Hành chính công',
   'Hồ sơ tiếp nhận trực tuyến, trực tiếp và qua bưu chính trong kỳ báo cáo.', 'Σ hồ sơ tiếp nhận', 'sum', '{commune,agency,field}', 'computed', 'dossiers.received', NULL, NULL),
  ('TTHC.ONLINE_E2E', 2026, 'Tỷ lệ hồ sơ trực tuyến toàn trình', '%', 'Hành chính công',
   'Hồ sơ của thủ tục trực tuyến toàn trình nộp trực tuyến trên tổng hồ sơ của các thủ tục đó.', 'hồ sơ nộp trực tuyến / hồ sơ tiếp nhận × 100', 'ratio', '{commune,agency,field}', 'computed', 'dossiers.full_online_share', NULL, NULL),
  ('TTHC.ON_TIME', 2026, 'Tỷ lệ hồ sơ giải quyết đúng hạn', '%', 'Hành chính công',
   'Cách tính của Cổng Dịch vụ công quốc gia: hồ sơ giải quyết trước và đúng hạn cùng hồ sơ còn trong hạn trên tổng hồ sơ.', '(trước hạn + đúng hạn + còn hạn) / tổng × 100', 'ratio', '{commune,agency,field}', 'computed', 'dossiers.on_time_ratio', NULL, NULL),
  ('TTHC.E_RESULTS', 2026, 'Tỷ lệ kết quả giải quyết trả bản điện tử', '%', 'Hành chính công',
   'Hồ sơ trả kết quả điện tử trên tổng hồ sơ đã trả kết quả.', 'kết quả điện tử / kết quả đã trả × 100', 'ratio', '{commune,agency,field}', 'computed', 'dossiers.electronic_results_share', NULL, NULL),
  ('PAKN.ON_TIME', 2026, 'Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn', '%', 'Hành chính công',
   'Phản ánh đã công bố trả lời trong kỳ mà lãnh đạo duyệt trước hạn, trên tổng phản ánh đã trả lời.', 'trả lời đúng hạn / đã trả lời × 100', 'ratio', '{commune,agency}', 'computed', 'feedback.on_time_ratio', NULL, NULL),
  ('TTHC.INSPECTIONS', 2026, 'Số cuộc kiểm tra việc giải quyết thủ tục hành chính', 'cuộc', 'Hành chính công',
   'Cuộc kiểm tra, giám sát việc tiếp nhận, giải quyết thủ tục hành chính do đơn vị tổ chức trong kỳ.', 'Σ cuộc kiểm tra', 'sum', '{commune,agency}', 'reported', NULL, NULL, NULL),
  ('TTHC.COMPLAINTS', 2026, 'Số phản ánh về quy định, thủ tục hành chính đã xử lý', 'phản ánh', 'Hành chính công',
   'Phản ánh, kiến nghị về quy định hành chính đơn vị đã xử lý xong trong kỳ.', 'Σ phản ánh đã xử lý', 'sum', '{commune,agency}', 'reported', NULL, NULL, NULL),
  ('TTHC.COMPLAINTS_RECEIVED', 2026, 'Số phản ánh về quy định, thủ tục hành chính đã tiếp nhận', 'phản ánh', 'Hành chính công',
   'Phản ánh, kiến nghị về quy định hành chính đơn vị tiếp nhận trong kỳ.', 'Σ phản ánh tiếp nhận', 'sum', '{commune,agency}', 'reported', NULL, NULL, NULL),
  ('TTHC.COMPLAINTS_SHARE', 2026, 'Tỷ lệ phản ánh về thủ tục hành chính đã xử lý', '%', 'Hành chính công',
   'Phản ánh đã xử lý trên phản ánh tiếp nhận trong kỳ.', 'TTHC.COMPLAINTS / TTHC.COMPLAINTS_RECEIVED × 100', 'ratio', '{commune,agency}', 'reported', NULL, 'TTHC.COMPLAINTS', 'TTHC.COMPLAINTS_RECEIVED'),
  ('CDS.DIGITAL_TEAMS', 2026, 'Số tổ công nghệ số cộng đồng', 'tổ', 'Chuyển đổi số',
   'Tổ công nghệ số cộng đồng đang hoạt động tại thời điểm cuối kỳ.', 'số tổ cuối kỳ', 'last', '{commune}', 'reported', NULL, NULL, NULL);

-- A demo-ready regime: the monthly report on handling administrative procedures (Circular 01/2020/TT-VPCP, Phụ lục),
-- from every commune to the province's People's Committee.
WITH regime AS (
  INSERT INTO report_regimes (code, name, legal_basis, content, frequency, reporter_kinds, cutoff_day, due_working_days, remind_days_before, outline)
  VALUES ('TTHC-THANG', 'Báo cáo tình hình, kết quả giải quyết thủ tục hành chính hằng tháng',
          'Nghị định 09/2019/NĐ-CP; Thông tư 01/2020/TT-VPCP; Nghị định 61/2018/NĐ-CP',
          'Kết quả tiếp nhận, giải quyết hồ sơ thủ tục hành chính, cung cấp dịch vụ công trực tuyến và xử lý phản ánh, kiến nghị.',
          'monthly', '{commune_committee}', 15, 2, 2,
          '{"Tình hình, kết quả thực hiện","Tồn tại, hạn chế và nguyên nhân","Phương hướng, nhiệm vụ kỳ tới","Đề xuất, kiến nghị"}')
  RETURNING id
)
INSERT INTO report_form_rows (regime_id, ordinal, indicator_code, required)
SELECT regime.id, r.ordinal, r.code, r.required FROM regime,
  (VALUES (1, 'TTHC.RECEIVED', true), (2, 'TTHC.ONLINE_E2E', true), (3, 'TTHC.ON_TIME', true), (4, 'TTHC.E_RESULTS', false),
          (5, 'PAKN.ON_TIME', false), (6, 'TTHC.INSPECTIONS', true), (7, 'TTHC.COMPLAINTS_RECEIVED', true), (8, 'TTHC.COMPLAINTS', true),
          (9, 'TTHC.COMPLAINTS_SHARE', false)) AS r(ordinal, code, required);
