-- Up Migration
-- One row per placed order. The order id is derived from the client's idempotency key, and the key is kept
-- unique as well, so a retried order can never become a second row.
CREATE TABLE orders (
  order_id uuid PRIMARY KEY,
  user_id text NOT NULL,
  session_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  items jsonb NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  charge_id text,
  -- When the orderConfirmed event was handed to the bus (the outbox for orders paid while being placed, a
  -- direct emit for orders the reconciler found paid); NULL on a paid order means it still has to go out.
  confirmation_sent_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- The reconciler's two work lists, oldest first.
CREATE INDEX orders_pending ON orders (updated_at) WHERE status = 'pending';
CREATE INDEX orders_unconfirmed ON orders (updated_at) WHERE status = 'paid' AND confirmation_sent_at IS NULL;

-- Down Migration
DROP TABLE orders;
