-- Tournaments (issue 7): arena queues, matches and ratings. Arena definitions come from
-- content/arenas.json; `tournament` is an arena id there.

-- Elo rating per character and tournament; a character without a row has the initial rating.
CREATE TABLE tournament_ratings (
  tournament   text NOT NULL,
  character_id bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  rating       integer NOT NULL,
  wins         integer NOT NULL DEFAULT 0,
  losses       integer NOT NULL DEFAULT 0,
  draws        integer NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tournament, character_id)
);

-- Who waits for a match. The queue lives here rather than in Redis so that taking players
-- off it and creating their match is one transaction: no API replica crash can lose a
-- player between the two or put one into two matches. A character waits in one queue.
CREATE TABLE tournament_queue (
  character_id bigint PRIMARY KEY REFERENCES characters (id) ON DELETE CASCADE,
  tournament   text NOT NULL,
  rating       integer NOT NULL,
  queued_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX tournament_queue_by_tournament ON tournament_queue (tournament, queued_at);

-- state: allocating (players taken off the queue, arena being opened) → open (tickets can be
-- fetched) → finished (result applied, exactly once) | cancelled (no arena could be opened;
-- players were put back in the queue) | abandoned (no result within the time limit + grace).
CREATE TABLE tournament_matches (
  id          bigserial PRIMARY KEY,
  tournament  text NOT NULL,
  state       text NOT NULL DEFAULT 'allocating'
              CHECK (state IN ('allocating', 'open', 'finished', 'cancelled', 'abandoned')),
  zone        text,
  instance    integer,
  ws_url      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  opened_at   timestamptz,
  finished_at timestamptz,
  winner_team smallint,
  -- The answer given to the first result report, returned again to retries.
  result      jsonb
);
CREATE INDEX tournament_matches_live ON tournament_matches (state) WHERE state IN ('allocating', 'open');

CREATE TABLE tournament_match_players (
  match_id      bigint NOT NULL REFERENCES tournament_matches (id) ON DELETE CASCADE,
  character_id  bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  team          smallint NOT NULL CHECK (team IN (1, 2)),
  -- When the player joined the queue: a cancelled match puts them back with their wait kept.
  queued_at     timestamptz NOT NULL,
  rating_before integer NOT NULL,
  rating_after  integer,
  PRIMARY KEY (match_id, character_id)
);
CREATE INDEX tournament_match_players_by_character ON tournament_match_players (character_id);
