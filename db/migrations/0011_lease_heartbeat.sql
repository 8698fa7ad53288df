-- When the zone holding a character's lease last wrote it: set by the claim and by every applied
-- checkpoint (a zone checkpoints each of its players every checkpoint_interval_s, 10 s by
-- default). Presence — friends, parties, the directory's resume, the admin lookup — believes a
-- held lease only while this is recent (the API's world.lease_stale_s): a zone process that
-- crashed releases nothing, and its characters would otherwise show as online until they next
-- played. Fencing does not read it: the epoch alone decides who may write a character.
ALTER TABLE characters ADD COLUMN lease_heartbeat_at timestamptz;
UPDATE characters SET lease_heartbeat_at = now() WHERE NOT lease_released;
