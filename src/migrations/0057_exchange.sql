-- Liên thông văn bản điện tử (issue 15, item 3): edXML packages (QCVN 102:2016) to and from other agencies through a
-- gateway (the national axis or the provincial LGSP).

-- What this platform sends: written in the caller's transaction (the document's issue, a status as the receiver
-- acts), delivered by the exchange.deliver job in id order per document and recipient (a recall never overtakes the
-- document it recalls), with retries and back-off.
CREATE TABLE exchange_outbox (
  id               bigserial PRIMARY KEY,
  -- Sent with every attempt: the gateway keeps one copy of a message however often it is retried. Random, not the
  -- id: a database restored from a backup or set up anew must not reuse the keys of messages already sent.
  message_key      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  -- The QCVN 102 DocumentId the package is about ({organ id},{yyyy/MM/dd},{số}/{ký hiệu}): for a status, the
  -- document it answers.
  document_id      text NOT NULL CHECK (length(document_id) BETWEEN 1 AND 300),
  kind             text NOT NULL CHECK (kind IN ('document', 'status')),
  status_code      text CHECK (status_code ~ '^[0-9]{2}$'),
  from_organ_id    text NOT NULL,
  to_organ_id      text NOT NULL,
  edxml            text NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  -- For a pending row: when it is due. While a worker sends it, the end of that worker's lease.
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  -- The gateway's id for the delivered message.
  gateway_id       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  CHECK ((kind = 'status') = (status_code IS NOT NULL))
);
CREATE INDEX exchange_outbox_due ON exchange_outbox (state, next_attempt_at);
CREATE INDEX exchange_outbox_document ON exchange_outbox (document_id, to_organ_id, id);

-- What arrived through the gateway, one row per distinct package: the same package delivered twice (a retry, the
-- gateway's duplicate) finds its row and is acknowledged again without being handled again.
CREATE TABLE exchange_inbox (
  id               bigserial PRIMARY KEY,
  -- Documents: DocumentId and BussinessDocType (a later update or replacement of the same document is a new package);
  -- statuses: DocumentId, sender, code and timestamp.
  package_key      text NOT NULL UNIQUE,
  document_id      text,
  kind             text NOT NULL CHECK (kind IN ('document', 'status', 'malformed')),
  status_code      text CHECK (status_code ~ '^[0-9]{2}$'),
  -- A status's own Timestamp: statuses may arrive out of order, the latest by this is the recipient's state.
  status_at        timestamptz,
  from_organ_id    text,
  to_organ_id      text NOT NULL,
  -- accepted: handed to the documents module; refused: answered with a 02 (refusal_code, refusal_reason).
  outcome          text NOT NULL CHECK (outcome IN ('accepted', 'refused')),
  refusal_code     text,
  refusal_reason   text,
  edxml            text NOT NULL,
  received_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_inbox_document ON exchange_inbox (document_id, from_organ_id, id);
