-- Every notification the stand-in gateway "sent": what a real SMS or e-mail provider would have received.

-- Up Migration
CREATE TABLE notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('sms', 'email')),
  recipient text NOT NULL,
  body text NOT NULL,
  order_id uuid,
  -- The bus message it came from: a redelivery of the same message is recognised and not sent again.
  message_id text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One confirmation e-mail per order, whatever the number of deliveries or emits of its event: the order id
-- is the natural key that makes an at-least-once event effectively-once here.
CREATE UNIQUE INDEX notifications_one_email_per_order ON notifications (order_id) WHERE kind = 'email';

-- Down Migration
DROP TABLE notifications;
