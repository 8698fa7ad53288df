-- Chat reports (issue 16 item 4): a player reports another player's chat line to the
-- moderators, who read them in the admin console (GET /admin/v1/reports). The reporter's
-- account and character are kept without foreign keys, so a report outlives its reporter;
-- a report about a deleted character is about no one and goes with it.
CREATE TABLE player_reports (
  id                    bigserial PRIMARY KEY,
  reporter_account_id   bigint NOT NULL,
  reporter_character_id bigint NOT NULL,
  reported_character_id bigint NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
  reason                text NOT NULL CHECK (reason IN ('spam', 'abuse', 'cheating', 'other')),
  quoted                text NOT NULL DEFAULT '' CHECK (octet_length(quoted) <= 400),
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX player_reports_by_created_at ON player_reports (created_at DESC);
-- The per-account hourly limit counts an account's recent rows.
CREATE INDEX player_reports_by_reporter ON player_reports (reporter_account_id, created_at);
