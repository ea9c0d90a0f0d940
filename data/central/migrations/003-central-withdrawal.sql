-- Chorus analyst database, version 3: withdrawal at central by receipt
-- code, and central's own audit log.

-- The hash of the participant's receipt code (survey.HashReceipt), as
-- the consent record carries it; '' for batches from before it did.
ALTER TABLE consents ADD COLUMN receipt_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX consents_receipt ON consents (receipt_hash) WHERE receipt_hash <> '';

-- Events at central (withdrawals by receipt code, backups): who, what,
-- when. Never answers, codes or keys.
CREATE TABLE central_audit (
    id            TEXT PRIMARY KEY,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    detail        TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

-- A withdrawal made at central by receipt code keeps the code's hash, so
-- the same code given again is answered "already withdrawn". '' for
-- withdrawals that came in batches.
ALTER TABLE withdrawals ADD COLUMN receipt_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX withdrawals_receipt ON withdrawals (receipt_hash) WHERE receipt_hash <> '';
