-- The presence sweep (api/presence_sweep.cpp) looks every world.presence_sweep_s for held
-- leases whose zone stopped writing them (a crashed process) and tells the friends once; it
-- marks the character with logged_out_at, which on a held lease means "announced offline"
-- (the claim and the next checkpoint clear it). This index holds only the leases it looks at:
-- the online characters. Its key and predicate change only at a claim, a release or the mark,
-- never at a checkpoint, so checkpoints stay heap-only updates.
CREATE INDEX characters_held_leases ON characters (id) WHERE NOT lease_released
  AND logged_out_at IS NULL;
