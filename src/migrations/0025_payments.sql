-- Payments of a dossier's financial obligation (nghĩa vụ tài chính: phí, lệ phí): the obligation, gateway orders,
-- bank transactions (statement lines and callbacks), receipts (biên lai) and refunds.

-- One obligation per request for payment; it is settled at most once (status moves pending → paid only once).
CREATE TABLE payments (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dossier_id    uuid NOT NULL REFERENCES dossiers (id),
  dossier_code  text NOT NULL,
  agency_id     uuid NOT NULL REFERENCES agencies (id),        -- the desk that collects (đơn vị thu)
  payer_name    text NOT NULL,
  payer_id_number text,
  amount        bigint NOT NULL CHECK (amount > 0),            -- VND
  items         jsonb NOT NULL DEFAULT '[]',                    -- [{ kind, name, amount }]
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'cancelled')),
  method        text CHECK (method IN ('vietqr', 'vnpay')),
  provider_ref  text,                                           -- bank transaction id or vnp_TransactionNo
  paid_at       timestamptz,
  receipt_no    text UNIQUE,                                    -- số biên lai, e.g. 2026-000012
  refunded      bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (refunded <= amount)
);
CREATE UNIQUE INDEX payments_one_pending ON payments (dossier_id) WHERE status = 'pending';
CREATE INDEX payments_dossier ON payments (dossier_id, created_at);

-- A VNPay order: every redirect to the gateway is a new vnp_TxnRef; the reconciler asks about pending ones.
CREATE TABLE payment_orders (
  txn_ref        text PRIMARY KEY,
  payment_id     uuid NOT NULL REFERENCES payments (id),
  amount         bigint NOT NULL,
  create_date    text NOT NULL,                                  -- vnp_CreateDate (yyyyMMddHHmmss, GMT+7), needed by querydr
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed')),
  response_code  text,
  transaction_no text,
  settled_by     text CHECK (settled_by IN ('return', 'ipn', 'reconciler')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_orders_pending ON payment_orders (created_at) WHERE status = 'pending';

-- Money seen on the collecting account, from an imported statement or the bank's callback; a bank reference is
-- recorded once, so a statement imported twice or a repeated callback settles nothing twice.
CREATE TABLE bank_transactions (
  bank_ref     text PRIMARY KEY,
  source       text NOT NULL CHECK (source IN ('statement', 'callback')),
  amount       bigint NOT NULL,
  description  text NOT NULL,
  booked_at    timestamptz NOT NULL,
  payment_id   uuid REFERENCES payments (id),                  -- null: not matched to a pending obligation
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payment_receipt_sequences (
  year  integer PRIMARY KEY,
  last  integer NOT NULL
);

CREATE TABLE payment_refunds (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  payment_id  uuid NOT NULL REFERENCES payments (id),
  amount      bigint NOT NULL CHECK (amount > 0),
  reason      text NOT NULL,
  reference   text,
  by_id       uuid,
  by_name     text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);

-- The development gateway's own ledger (it plays the bank); unused in production.
CREATE TABLE sandbox_vnpay_transactions (
  txn_ref         text PRIMARY KEY,
  tmn_code        text NOT NULL,
  amount          bigint NOT NULL,                              -- vnp_Amount (VND × 100)
  order_info      text NOT NULL,
  return_url      text NOT NULL,
  create_date     text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'paid', 'cancelled')),
  transaction_no  text,
  pay_date        text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
