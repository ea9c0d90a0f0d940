-- Chorus device database, version 2: what a batch needs to be rebuilt
-- byte for byte, and withdrawals of exported responses.

-- Everything in a batch's manifest that is not in its records is fixed
-- when the batch is allocated, so a re-export builds the same tar.
ALTER TABLE batches ADD COLUMN app_version TEXT;
ALTER TABLE batches ADD COLUMN schema_version INTEGER;
ALTER TABLE batches ADD COLUMN recipients TEXT;          -- JSON array of age recipients (public keys)
ALTER TABLE batches ADD COLUMN prev_manifest_sha256 TEXT; -- '' for seq 1
ALTER TABLE batches ADD COLUMN device_name TEXT;
ALTER TABLE batches ADD COLUMN demo INTEGER;
ALTER TABLE batches ADD COLUMN counts TEXT;               -- JSON, at allocation, for the history list
-- Set when the file was written and verified (with exported_at):
ALTER TABLE batches ADD COLUMN tar_sha256 TEXT;           -- the plaintext tar, identical on re-export
ALTER TABLE batches ADD COLUMN file_bytes INTEGER;        -- sha256 (above) and size of the .tar.age written

-- A withdrawal remembers the receipt (hashed, as in consents) so a second
-- attempt is told it was already done, and which batch carried the
-- response, so a re-export can say why it no longer matches.
ALTER TABLE withdrawals ADD COLUMN receipt_hash TEXT;
ALTER TABLE withdrawals ADD COLUMN response_batch_seq INTEGER;

CREATE INDEX responses_batch ON responses (batch_seq, survey_sha256);
CREATE INDEX responses_consent ON responses (consent_id); -- withdrawal finds the response by consent
CREATE INDEX consents_batch ON consents (batch_seq);
CREATE INDEX declined_batch ON declined (batch_seq);
CREATE INDEX withdrawals_batch ON withdrawals (batch_seq);
CREATE INDEX audit_batch ON audit (batch_seq);
CREATE INDEX withdrawals_receipt ON withdrawals (receipt_hash);
