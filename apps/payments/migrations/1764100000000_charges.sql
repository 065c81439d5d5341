-- The payments family's record of charges. Rows are written by the payments.charge handler in the bus's inbox
-- transaction, so a charge is recorded exactly when its idempotency key is, never twice and never lost.

-- Up Migration

-- One row per handled payments.charge call. The idempotency key is the one the provider saw as its
-- Idempotency-Key, so a row can always be matched with the provider's own record.
CREATE TABLE charges (
  idempotency_key text PRIMARY KEY,
  order_id uuid NOT NULL,
  -- The provider's id of the charge; a declined charge may have none.
  provider_charge_id text,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('succeeded', 'declined')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The orders family asks "how was this order paid" by order id.
CREATE INDEX charges_order_id_idx ON charges (order_id);

-- Down Migration

DROP TABLE charges;
