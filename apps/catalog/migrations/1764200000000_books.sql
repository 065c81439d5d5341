-- The catalog's books. Prices are whole cents so that pricing never rounds.

-- Up Migration
CREATE TABLE books (
  id text PRIMARY KEY,
  title text NOT NULL,
  author text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0)
);

-- Down Migration
DROP TABLE books;
