-- Friends (issue 16 item 5): a character asks another by name; the other accepts (or either
-- removes the row: decline, cancel, unfriend). One row per pair whichever way it was asked:
-- the unique index on the ordered pair stops two crossing requests from making two rows.
CREATE TABLE friendships (
  requester_id bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  addressee_id bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  accepted     boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (requester_id, addressee_id),
  CHECK (requester_id <> addressee_id)
);
CREATE UNIQUE INDEX friendships_pair
  ON friendships (LEAST(requester_id, addressee_id), GREATEST(requester_id, addressee_id));
CREATE INDEX friendships_by_addressee ON friendships (addressee_id);

-- When the character last left the world (its zone's releasing checkpoint); NULL while it
-- plays or moves between zones. A claim of a released lease with this set is a log-in, which
-- is when friends hear "X is online" (a zone transfer clears nothing and tells no one).
ALTER TABLE characters ADD COLUMN logged_out_at timestamptz;
UPDATE characters SET logged_out_at = now() WHERE lease_released AND lease_epoch > 0;
