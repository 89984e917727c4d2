-- Văn bản đi, đến (Decree 30/2020/NĐ-CP): the document types of art. 7 with the abbreviations of Phụ lục III, the
-- agency's abbreviation in số/ký hiệu, the văn thư role, gap-free register numbers per agency, book and year, the
-- documents (outgoing and incoming cases of the workflow engine), their files (every version, byte for byte), their
-- recipients with the status each one reported back, their events and the log of looks at secret documents.

-- Văn thư: registers incoming documents, numbers and seals outgoing ones.
ALTER TABLE users DROP CONSTRAINT users_roles_check;
ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['counter_officer', 'specialist',
  'unit_leader', 'agency_leader', 'ioc_viewer', 'agency_admin', 'system_admin', 'clerk']);

-- Ký hiệu of the agency in a document's notation ("UBND" in 15/QĐ-UBND); issuing refuses an agency without one.
ALTER TABLE agencies ADD COLUMN abbreviation text CHECK (abbreviation ~ '^[[:alnum:]ĐđƠơƯư]{1,20}$');

CREATE TABLE document_types (
  code         text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,40}$'),
  name         text NOT NULL UNIQUE,
  -- null: a công văn or thư công carries no type code (123/UBND-VP).
  abbreviation text UNIQUE,
  ordinal      integer NOT NULL UNIQUE
);
INSERT INTO document_types (ordinal, code, name, abbreviation) VALUES
  (1, 'nghi_quyet', 'Nghị quyết', 'NQ'),
  (2, 'quyet_dinh', 'Quyết định', 'QĐ'),
  (3, 'chi_thi', 'Chỉ thị', 'CT'),
  (4, 'quy_che', 'Quy chế', 'QC'),
  (5, 'quy_dinh', 'Quy định', 'QyĐ'),
  (6, 'thong_cao', 'Thông cáo', 'TC'),
  (7, 'thong_bao', 'Thông báo', 'TB'),
  (8, 'huong_dan', 'Hướng dẫn', 'HD'),
  (9, 'chuong_trinh', 'Chương trình', 'CTr'),
  (10, 'ke_hoach', 'Kế hoạch', 'KH'),
  (11, 'phuong_an', 'Phương án', 'PA'),
  (12, 'de_an', 'Đề án', 'ĐA'),
  (13, 'du_an', 'Dự án', 'DA'),
  (14, 'bao_cao', 'Báo cáo', 'BC'),
  (15, 'bien_ban', 'Biên bản', 'BB'),
  (16, 'to_trinh', 'Tờ trình', 'TTr'),
  (17, 'hop_dong', 'Hợp đồng', 'HĐ'),
  (18, 'cong_van', 'Công văn', NULL),
  (19, 'cong_dien', 'Công điện', 'CĐ'),
  (20, 'ban_ghi_nho', 'Bản ghi nhớ', 'GN'),
  (21, 'ban_thoa_thuan', 'Bản thỏa thuận', 'TTh'),
  (22, 'giay_uy_quyen', 'Giấy ủy quyền', 'GUQ'),
  (23, 'giay_moi', 'Giấy mời', 'GM'),
  (24, 'giay_gioi_thieu', 'Giấy giới thiệu', 'GGT'),
  (25, 'giay_nghi_phep', 'Giấy nghỉ phép', 'GNP'),
  (26, 'phieu_gui', 'Phiếu gửi', 'PG'),
  (27, 'phieu_chuyen', 'Phiếu chuyển', 'PC'),
  (28, 'phieu_bao', 'Phiếu báo', 'PB'),
  (29, 'thu_cong', 'Thư công', NULL);

-- One series per agency (the organisation), register book and calendar year (Vietnam time); the row lock makes it gap-free.
CREATE TABLE document_register_numbers (
  agency_id uuid NOT NULL REFERENCES agencies (id),
  book      text NOT NULL CHECK (book IN ('outgoing', 'outgoing_secret', 'incoming')),
  year      integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
  last      integer NOT NULL CHECK (last > 0),
  PRIMARY KEY (agency_id, book, year)
);

CREATE TABLE documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  direction     text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
  -- The organisation whose register holds it (the issuer of an outgoing one, the receiver of an incoming one).
  agency_id     uuid NOT NULL REFERENCES agencies (id),
  status        text NOT NULL,
  type_code     text NOT NULL REFERENCES document_types (code),
  subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500), -- trích yếu
  urgency       smallint NOT NULL DEFAULT 0 CHECK (urgency BETWEEN 0 AND 4), -- edXML priority: thường … hỏa tốc hẹn giờ
  urgent_at     timestamptz, -- the hour of a hỏa tốc hẹn giờ
  secrecy       text NOT NULL DEFAULT 'thuong' CHECK (secrecy IN ('thuong', 'mat', 'toi_mat', 'tuyet_mat')),
  -- Of a secret document, the only people who see it.
  readers       uuid[] NOT NULL DEFAULT '{}',
  created_by    uuid REFERENCES users (id), -- null: arrived electronically
  -- Outgoing: the drafting unit that reviews it, the current version of the draft, the signer and the issue.
  unit_id       uuid REFERENCES agencies (id),
  version       integer NOT NULL DEFAULT 1,
  signer_id     uuid REFERENCES users (id),
  signer_line   text, -- "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
  signatures    jsonb,
  book          text CHECK (book IN ('outgoing', 'outgoing_secret', 'incoming')),
  year          integer,
  number        integer,
  notation      text, -- ký hiệu after the number: QĐ-UBND
  issued_at     timestamptz,
  -- Incoming: who sent it (an agency on the platform, or a name from paper), its own number, date and issuer.
  source_id     uuid REFERENCES documents (id),
  from_agency_id uuid REFERENCES agencies (id),
  from_name     text,
  source_notation text,
  source_date   date,
  channel       text CHECK (channel IN ('platform', 'paper')),
  arrived_at    timestamptz,
  registered_at timestamptz,
  -- The leader's direction (Phiếu giải quyết văn bản đến) and its handling.
  lead_unit_id  uuid REFERENCES agencies (id),
  coordinating_unit_ids uuid[] NOT NULL DEFAULT '{}',
  direction_note text,
  due_at        timestamptz,
  handler_id    uuid REFERENCES users (id),
  progress      integer CHECK (progress BETWEEN 0 AND 100),
  reply_id      uuid REFERENCES documents (id),
  closed_at     timestamptz,
  refusal_reason text,
  revision      integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (direction = 'incoming' OR unit_id IS NOT NULL),
  CHECK (secrecy = 'thuong' OR cardinality(readers) > 0),
  UNIQUE (agency_id, book, year, number)
);
CREATE INDEX documents_agency ON documents (agency_id, direction, status);
-- One copy per receiving agency of a document sent on the platform.
CREATE UNIQUE INDEX documents_source ON documents (source_id, agency_id) WHERE source_id IS NOT NULL;

-- Every version of the draft, the signed and the issued file: byte for byte, with its SHA-256.
CREATE TABLE document_files (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id uuid NOT NULL REFERENCES documents (id),
  version     integer NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('main', 'attachment', 'signed', 'issued', 'scan')),
  name        text NOT NULL,
  mime        text NOT NULL,
  size        integer NOT NULL,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content     bytea NOT NULL,
  created_by  uuid REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_files_document ON document_files (document_id, version);

-- Nơi nhận of an outgoing document on the platform, its copy there and the national axis's status it last reported.
CREATE TABLE document_recipients (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id  uuid NOT NULL REFERENCES documents (id),
  agency_id    uuid NOT NULL REFERENCES agencies (id),
  incoming_id  uuid REFERENCES documents (id),
  status_code  text CHECK (status_code IN ('01', '02', '03', '04', '05', '06')),
  status_at    timestamptz,
  UNIQUE (document_id, agency_id)
);
CREATE INDEX document_recipients_incoming ON document_recipients (incoming_id);

-- Each status a recipient reported, in order: what the sender sees happen.
CREATE TABLE document_recipient_statuses (
  id           bigserial PRIMARY KEY,
  recipient_id uuid NOT NULL REFERENCES document_recipients (id),
  status_code  text NOT NULL CHECK (status_code IN ('01', '02', '03', '04', '05', '06')),
  description  text,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_recipient_statuses_recipient ON document_recipient_statuses (recipient_id, id);

CREATE TABLE document_events (
  id          bigserial PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES documents (id),
  action      text NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  actor_id    uuid REFERENCES users (id),
  actor_name  text,
  note        text,
  data        jsonb NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_events_document ON document_events (document_id, id);

-- Every look at a secret document (mật, tối mật, tuyệt mật).
CREATE TABLE document_secret_views (
  id          bigserial PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES documents (id),
  user_id     uuid NOT NULL REFERENCES users (id),
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_secret_views_document ON document_secret_views (document_id, at);
