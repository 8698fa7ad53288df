-- World: session leases and persistence fields of characters, and parties (issue 5).
-- Fencing: a zone server may write a character only while it holds the current lease_epoch.
-- Claiming a lease bumps the epoch, so a late write from a previous holder is refused.
ALTER TABLE characters
  ADD COLUMN lease_epoch    bigint  NOT NULL DEFAULT 0,
  ADD COLUMN lease_zone     text,
  ADD COLUMN lease_instance integer,
  -- true when no zone holds the character (never claimed, left, or transferred out).
  ADD COLUMN lease_released boolean NOT NULL DEFAULT true,
  -- Last checkpoint sequence applied for the current epoch (reset to 0 by a claim).
  ADD COLUMN checkpoint_seq bigint  NOT NULL DEFAULT 0,
  -- Arrival spawn point name in `zone` (set by transfers); NULL: the zone's default spawn.
  ADD COLUMN spawn          text,
  -- NULL: full health / mana.
  ADD COLUMN hp             integer CHECK (hp >= 0),
  ADD COLUMN mana           integer CHECK (mana >= 0);

CREATE TABLE parties (
  id         bigserial PRIMARY KEY,
  leader_id  bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A character is in at most one party: the UNIQUE constraint, not the API, is what holds
-- this under concurrent joins.
CREATE TABLE party_members (
  party_id     bigint NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
  character_id bigint NOT NULL UNIQUE REFERENCES characters (id) ON DELETE CASCADE,
  joined_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (party_id, character_id)
);

CREATE TABLE party_invites (
  party_id     bigint NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
  character_id bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  invited_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (party_id, character_id)
);
CREATE INDEX party_invites_by_character ON party_invites (character_id);
