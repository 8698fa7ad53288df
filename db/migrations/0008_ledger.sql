-- The ledger records every gold and item movement, not only the market's (issue 17 item 1):
-- staff grants and removals are rows too. The table keeps its name market_ledger (it began
-- with the market; renaming it would buy nothing but churn). A new place, 'admin', is the
-- source of a grant and the sink of a removal. A staff row names its admin_audit row
-- (audit_id, no foreign key: history outlives everything) and the reason given; a market row
-- names its listing. A staff cancel of a listing has both.
ALTER TABLE market_ledger
  ALTER COLUMN listing_id DROP NOT NULL,
  ADD COLUMN reason   text,
  ADD COLUMN audit_id bigint,
  DROP CONSTRAINT market_ledger_from_kind_check,
  DROP CONSTRAINT market_ledger_to_kind_check,
  ADD CONSTRAINT market_ledger_from_kind_check
    CHECK (from_kind IN ('character', 'escrow', 'fee', 'admin')),
  ADD CONSTRAINT market_ledger_to_kind_check
    CHECK (to_kind IN ('character', 'escrow', 'fee', 'admin')),
  ADD CONSTRAINT market_ledger_has_origin CHECK (listing_id IS NOT NULL OR audit_id IS NOT NULL),
  ADD CONSTRAINT market_ledger_staff_reason CHECK ((audit_id IS NULL) = (reason IS NULL)),
  ADD CONSTRAINT market_ledger_admin_audited
    CHECK ((from_kind <> 'admin' AND to_kind <> 'admin') OR audit_id IS NOT NULL);

-- A character's history, newest first (GET /admin/v1/characters/{id}/ledger): one index per
-- side, read as two ordered index scans merged, so a page costs its own size whatever the
-- history's length. Plain CREATE INDEX: migrations run in a transaction.
CREATE INDEX market_ledger_from_character ON market_ledger (from_id, id) WHERE from_kind = 'character';
CREATE INDEX market_ledger_to_character ON market_ledger (to_id, id) WHERE to_kind = 'character';
