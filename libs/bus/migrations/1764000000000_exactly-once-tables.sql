-- Tables of the bus's exactly-once policy: the inbox (one row per handled idempotency key) and the
-- transactional outbox (events waiting for the relay). Run by migrateBusTables with search_path set to the
-- node's own schema, so names here are unqualified.

-- Up Migration

-- One row per (consumer, idempotency key), written in the same transaction as the handler's effect.
-- status is 'pending' only inside the transaction that claimed the key; committed rows are 'replied' or
-- 'rejected', and a duplicate is answered from reply or error.
CREATE TABLE trellis_bus_inbox (
  consumer text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'replied', 'rejected')),
  reply jsonb,
  error jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, idempotency_key)
);

-- Retention deletes the oldest rows in bounded batches.
CREATE INDEX trellis_bus_inbox_created_at_idx ON trellis_bus_inbox (created_at);

-- Events written by handlers, published by the relay and deleted once the broker confirmed them.
-- seq orders the relay's claims; id is the stable message id subscribers deduplicate on.
CREATE TABLE trellis_bus_outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  contract text NOT NULL,
  version integer NOT NULL,
  payload jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE trellis_bus_outbox;
DROP TABLE trellis_bus_inbox;
