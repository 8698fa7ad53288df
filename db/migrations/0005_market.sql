-- Trading post (issue 7). An item is in exactly one place: a character's inventory_items or
-- the escrow of an active listing (status = 'active'). Gold is never escrowed: the buyer
-- pays the seller (less the fee) when the listing is bought.

CREATE TABLE market_listings (
  id          bigserial PRIMARY KEY,
  -- Deleting a character deletes its listings with the escrowed items, as it deletes its
  -- inventory: both are the character's possessions.
  seller_id   bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  item_id     text NOT NULL,
  quantity    integer NOT NULL CHECK (quantity > 0),
  price       bigint NOT NULL CHECK (price > 0),
  fee         bigint NOT NULL CHECK (fee >= 0 AND fee <= price),
  status      text NOT NULL DEFAULT 'active'
              CHECK (status IN ('active', 'sold', 'cancelled', 'expired')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  closed_at   timestamptz,
  buyer_id    bigint REFERENCES characters (id) ON DELETE SET NULL,
  CHECK ((status = 'active') = (closed_at IS NULL))
);
-- Browsing: active listings of an item by price (the default sort) and newest first.
CREATE INDEX market_listings_active_by_price ON market_listings (item_id, price, id) WHERE status = 'active';
CREATE INDEX market_listings_active_price ON market_listings (price, id) WHERE status = 'active';
CREATE INDEX market_listings_active_seller ON market_listings (seller_id, id) WHERE status = 'active';
-- The expiry sweeper's scan.
CREATE INDEX market_listings_active_expiry ON market_listings (expires_at) WHERE status = 'active';

-- One row per Idempotency-Key of an account: the request's digest and, once the operation
-- committed, its stored response. Written in the operation's own transaction, so a key
-- either has exactly one effect and its response, or nothing at all.
CREATE TABLE market_operations (
  id              bigserial PRIMARY KEY,
  account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  idempotency_key text NOT NULL,
  request_digest  text NOT NULL,
  response_status integer NOT NULL,
  response_body   text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX market_operations_age ON market_operations (created_at);

-- Append-only record of every gold and item movement of the market. A place is a
-- character's wallet or inventory ('character', id), a listing's escrow ('escrow', listing
-- id) or the fee sink ('fee', NULL). No foreign keys: history outlives characters.
CREATE TABLE market_ledger (
  id           bigserial PRIMARY KEY,
  operation_id text NOT NULL,  -- 'op:<market_operations.id>' or 'expire:<listing id>'
  listing_id   bigint NOT NULL,
  asset        text NOT NULL CHECK (asset IN ('gold', 'item')),
  item_id      text,            -- NULL for gold
  amount       bigint NOT NULL CHECK (amount > 0),
  from_kind    text NOT NULL CHECK (from_kind IN ('character', 'escrow', 'fee')),
  from_id      bigint,
  to_kind      text NOT NULL CHECK (to_kind IN ('character', 'escrow', 'fee')),
  to_id        bigint,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((asset = 'gold') = (item_id IS NULL))
);
CREATE INDEX market_ledger_listing ON market_ledger (listing_id);

CREATE FUNCTION market_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'market_ledger is append-only';
END;
$$;
CREATE TRIGGER market_ledger_no_rewrite BEFORE UPDATE OR DELETE ON market_ledger
  FOR EACH ROW EXECUTE FUNCTION market_ledger_append_only();
CREATE TRIGGER market_ledger_no_truncate BEFORE TRUNCATE ON market_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION market_ledger_append_only();
