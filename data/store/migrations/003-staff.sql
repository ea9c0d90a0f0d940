-- Chorus device database, version 3: staff, PIN throttling, survey choice.

CREATE TABLE staff (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('coordinator', 'worker')),
    pin_hash     TEXT NOT NULL,         -- argon2id PHC string, never the PIN
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,                  -- no PIN check before this time
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX staff_name ON staff (name) WHERE active = 1;

ALTER TABLE sessions ADD COLUMN survey_id TEXT;
