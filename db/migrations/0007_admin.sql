-- Admin console (issue 17 item 1): staff accounts, separate from players, their sessions, the
-- audit log of every admin action, and the moderation state of player accounts.

-- Staff accounts. Never rows of `accounts`: a player credential can never become an admin one,
-- and a player name can never shadow a staff name. Created by `omega-api admin create`.
CREATE TABLE admin_accounts (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9_]{3,24}$'),
  password_hash text NOT NULL,  -- Argon2id, as players'
  role          text NOT NULL CHECK (role IN ('viewer', 'moderator', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled      boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX admin_accounts_username_lower ON admin_accounts (lower(username));

-- Opaque admin tokens, stored as SHA-256 digests (never the token itself). One row per login;
-- every /admin request reads its row, so revoking or disabling takes effect at once.
CREATE TABLE admin_sessions (
  token_hash text PRIMARY KEY,
  admin_id   bigint NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
  issued_at  timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX admin_sessions_by_admin ON admin_sessions (admin_id);

-- One row per mutating admin action, written in the transaction of its effect. `admin_id` is
-- kept without a foreign key so that the trail outlives the staff account; `admin_username`
-- and `role` are copied for the same reason.
CREATE TABLE admin_audit (
  id             bigserial PRIMARY KEY,
  admin_id       bigint NOT NULL,
  admin_username text NOT NULL,
  role           text NOT NULL,
  action         text NOT NULL,
  target_type    text NOT NULL,
  target_id      bigint,
  reason         text NOT NULL DEFAULT '',
  details        jsonb NOT NULL DEFAULT '{}',
  request_id     text NOT NULL DEFAULT '',
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_audit_by_time ON admin_audit (at DESC, id DESC);
CREATE INDEX admin_audit_by_target ON admin_audit (target_type, target_id, at DESC);

-- Moderation state. A ban is banned_at set and banned_until NULL (permanent) or in the future;
-- an expired ban needs no clean-up: every check compares banned_until with now().
ALTER TABLE accounts
  ADD COLUMN ban_reason   text,
  ADD COLUMN banned_until timestamptz,
  ADD COLUMN banned_by    bigint,
  ADD COLUMN muted_until  timestamptz,
  ADD COLUMN mute_reason  text;

-- Successful player logins, for the player lookup. Failed logins stay in the logs only: they
-- are attacker-controlled and unbounded.
CREATE TABLE login_history (
  id         bigserial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  client     text NOT NULL,
  session_id uuid,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_history_by_account ON login_history (account_id, at DESC);
