SET LOCAL lock_timeout = '5s';

-- Số of the one-stop notices that carry one (Mẫu 04 phiếu xin lỗi, Mẫu 05 thông báo dừng): one series per issuing
-- agency, kind and year, gap-free; each issuing event keeps its number, so every download prints the same one.
CREATE TABLE form_sequences (
  agency_id uuid NOT NULL REFERENCES agencies (id),
  kind      text NOT NULL,
  year      int  NOT NULL,
  last      int  NOT NULL,
  PRIMARY KEY (agency_id, kind, year)
);
CREATE TABLE form_numbers (
  event_id  bigint PRIMARY KEY,
  agency_id uuid NOT NULL REFERENCES agencies (id),
  kind      text NOT NULL,
  year      int  NOT NULL,
  number    int  NOT NULL
);

-- The contact officer's phone printed on Mẫu 02 (người tiếp nhận, số điện thoại liên hệ).
ALTER TABLE users ADD COLUMN IF NOT EXISTS phone text;

-- Mẫu số and ký hiệu of the receipt (biên lai thu phí, lệ phí), kept with the receipt as issued.
ALTER TABLE payments ADD COLUMN IF NOT EXISTS receipt_form text, ADD COLUMN IF NOT EXISTS receipt_series text;
-- Which mẫu số and ký hiệu each collecting agency's receipts use (registered with its tax office); the row without an
-- agency is the default for the others. Ký hiệu printed = series, "-", the year's two digits and "E" (electronic).
CREATE TABLE receipt_forms (
  agency_id uuid UNIQUE REFERENCES agencies (id),
  form_no   text NOT NULL,
  series    text NOT NULL
);
INSERT INTO receipt_forms (agency_id, form_no, series) VALUES (NULL, '01BLP0-001', 'CT');
