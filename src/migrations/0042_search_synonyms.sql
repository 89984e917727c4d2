SET LOCAL lock_timeout = '5s';
-- Words citizens use for what procedures call otherwise ("sổ đỏ" for a land-use right certificate). Province data,
-- edited by system administrators; the public search rewrites a query's phrase to its meaning.
CREATE TABLE IF NOT EXISTS search_synonyms (
  phrase     text PRIMARY KEY CHECK (length(phrase) BETWEEN 1 AND 100),
  meaning    text NOT NULL CHECK (length(meaning) BETWEEN 1 AND 200),
  updated_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO search_synonyms (phrase, meaning) VALUES
  ('sổ đỏ', 'giấy chứng nhận quyền sử dụng đất'),
  ('sổ hồng', 'giấy chứng nhận quyền sử dụng đất'),
  ('bìa đỏ', 'giấy chứng nhận quyền sử dụng đất'),
  ('giấy độc thân', 'xác nhận tình trạng hôn nhân'),
  ('xác nhận độc thân', 'xác nhận tình trạng hôn nhân'),
  ('CCCD', 'căn cước'),
  ('CMND', 'căn cước'),
  ('căn cước công dân', 'căn cước'),
  ('bằng lái', 'giấy phép lái xe'),
  ('hộ khẩu', 'cư trú'),
  ('giấy khai sinh', 'khai sinh'),
  ('lý lịch tư pháp', 'phiếu lý lịch tư pháp')
ON CONFLICT (phrase) DO NOTHING;
UPDATE catalog_revision SET revision = revision + 1;
