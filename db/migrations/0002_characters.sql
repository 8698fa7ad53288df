-- Characters and their inventories (issue 4).
CREATE TABLE characters (
  id          bigserial PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (name ~ '^[A-Za-z][A-Za-z0-9]{2,15}$'),
  class       text NOT NULL,
  level       integer NOT NULL DEFAULT 1 CHECK (level >= 1),
  experience  bigint NOT NULL DEFAULT 0 CHECK (experience >= 0),
  zone        text NOT NULL,
  -- NULL until the zone server first checkpoints: the zone's spawn point is used.
  position_x  real,
  position_y  real,
  stats       jsonb NOT NULL,
  gold        bigint NOT NULL DEFAULT 0 CHECK (gold >= 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX characters_name_lower ON characters (lower(name));
CREATE INDEX characters_by_account ON characters (account_id);

CREATE TABLE inventory_items (
  character_id bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  slot         integer NOT NULL CHECK (slot >= 0),
  item_id      text NOT NULL,
  quantity     integer NOT NULL CHECK (quantity > 0),
  equipped     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (character_id, slot)
);
