-- Chorus device database, version 9: consent records carry the hash of
-- the participant's receipt code to central, so that central can
-- withdraw by code. Only from the next batch on: a batch exported before
-- is rebuilt by re-export exactly as it was, without hashes.
INSERT OR IGNORE INTO settings (key, value)
SELECT 'receipt_hash_from_batch', CAST(coalesce(max(seq), 0) + 1 AS TEXT) FROM batches;
