-- Leaderboards (issue 4): the authoritative scores. Redis sorted sets are a cache rebuilt
-- from this table. period is 'all' or an ISO week such as '2025-W07'.
CREATE TABLE leaderboard_scores (
  board        text NOT NULL,
  period       text NOT NULL,
  character_id bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  score        bigint NOT NULL,
  -- When the current score was first reached: earlier wins a tie.
  reached_at   timestamptz NOT NULL,
  PRIMARY KEY (board, period, character_id)
);
CREATE INDEX leaderboard_scores_rank
  ON leaderboard_scores (board, period, score DESC, reached_at, character_id);

-- Idempotency keys of score submissions, so a zone server can retry safely.
CREATE TABLE leaderboard_submissions (
  idempotency_key text PRIMARY KEY,
  received_at     timestamptz NOT NULL DEFAULT now()
);
