-- Chorus device database, version 7: the batch files this device was
-- about to put in place, so that export never replaces a file it did not
-- write (P20) and still recovers from a crash after the rename.

-- Before the finished temporary file of a pending batch is renamed to
-- the batch's name, its size and read-back checksums (the CRC-32C of each
-- 16 MiB piece, JSON) are recorded here, with the manifest's SHA-256 and
-- counts. If Chorus stops after the rename but before the batch is marked
-- exported, the next export finds a file of that name: one that matches a
-- row here is this device's complete, synced file of that batch, and is
-- taken as exported; any other file is left alone and the export refused.
-- The rows of a batch go when it is marked exported.
CREATE TABLE batch_files (
    batch_seq       INTEGER NOT NULL REFERENCES batches (seq),
    bytes           INTEGER NOT NULL,
    crc32c          TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    counts          TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
) STRICT;
CREATE INDEX batch_files_seq ON batch_files (batch_seq);
