-- Rules of the one-stop desk that administrators set: an open dossier or step is "at risk" (sắp đến hạn) when less
-- than this share of its working time is left.
CREATE TABLE dossier_settings (
  id            boolean PRIMARY KEY DEFAULT true CHECK (id),
  at_risk_share numeric NOT NULL DEFAULT 0.2 CHECK (at_risk_share > 0 AND at_risk_share < 1),
  updated_by    uuid REFERENCES users (id) ON DELETE SET NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
INSERT INTO dossier_settings (at_risk_share) VALUES (0.2) ON CONFLICT DO NOTHING;
