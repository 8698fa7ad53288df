-- Accounts and their refresh tokens (issue 4).
CREATE TABLE accounts (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9_]{3,24}$'),
  password_hash text NOT NULL,
  -- Bumped to revoke every access token at once (logout-all, ban); tokens carry it as `tv`.
  token_version bigint NOT NULL DEFAULT 0,
  banned_at     timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);
-- Names are unique without regard to case: "Alice" and "alice" are the same player.
CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));

-- Opaque refresh tokens, stored as SHA-256 digests. Each login starts a family; every
-- refresh marks the presented token used and issues its successor in the same family.
-- Presenting a used or revoked token again revokes the whole family (theft detection).
CREATE TABLE refresh_tokens (
  id            bigserial PRIMARY KEY,
  account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  family_id     uuid NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  token_version bigint NOT NULL,
  issued_at     timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_live_by_account ON refresh_tokens (account_id) WHERE revoked_at IS NULL;
