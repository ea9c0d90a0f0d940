-- Chorus device database, version 10: the backups this laptop wrote
-- (Store.BackupTo), so that the end-of-project wipe can destroy them too,
-- or name the ones it could not reach (a stick not plugged in).
CREATE TABLE backups (
    path       TEXT PRIMARY KEY, -- as written, absolute where it could be made so
    written_at TEXT NOT NULL
) STRICT;
