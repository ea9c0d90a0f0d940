-- Chorus device database, version 1.
-- Times are UTC RFC 3339 text; *_offset is the local offset from UTC in
-- minutes at that moment. Ordering uses seq/rowid, never the clock (P16).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row: this device.
CREATE TABLE device (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    device_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    public_key  BLOB NOT NULL,
    seed        BLOB NOT NULL,
    demo        INTEGER NOT NULL CHECK (demo IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_offset INTEGER NOT NULL
) STRICT;

-- Analyst public keys every response is sealed to.
CREATE TABLE recipients (
    recipient   TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    added_at    TEXT NOT NULL
) STRICT;

-- Surveys this device has used, by content hash; the JSON is kept so the
-- batch can name exactly what was asked.
CREATE TABLE surveys (
    sha256      TEXT PRIMARY KEY,
    survey_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        BLOB NOT NULL,
    added_at    TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    venue       TEXT NOT NULL,
    worker      TEXT NOT NULL,
    survey_sha256 TEXT NOT NULL REFERENCES surveys (sha256),
    opened_at   TEXT NOT NULL,
    opened_offset INTEGER NOT NULL,
    closed_at   TEXT,
    closed_offset INTEGER
) STRICT;

CREATE TABLE consents (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    receipt_hash  TEXT NOT NULL UNIQUE,
    survey_id     TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    text_version  TEXT NOT NULL,
    text_sha256   TEXT NOT NULL,
    language      TEXT NOT NULL,
    format        TEXT NOT NULL,
    purposes      TEXT NOT NULL, -- JSON object: purpose id -> true/false
    how_given     TEXT NOT NULL CHECK (how_given IN ('tap', 'verbal')),
    mode          TEXT NOT NULL CHECK (mode IN ('self', 'assisted', 'worker')),
    staff         TEXT NOT NULL,
    session_id    TEXT REFERENCES sessions (id),
    device_id     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    batch_seq     INTEGER REFERENCES batches (seq)
) STRICT;

CREATE TABLE responses (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    survey_id     TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    survey_sha256 TEXT NOT NULL REFERENCES surveys (sha256),
    language      TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('self', 'assisted', 'worker')),
    interpreter_language TEXT NOT NULL,
    session_id    TEXT REFERENCES sessions (id),
    consent_id    TEXT NOT NULL REFERENCES consents (id),
    status        TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
    started_at    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    sealed        BLOB NOT NULL,
    batch_seq     INTEGER REFERENCES batches (seq)
) STRICT;

-- "No thanks" at consent: an anonymous tally, nothing else.
CREATE TABLE declined (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id    TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    language     TEXT NOT NULL,
    session_id   TEXT REFERENCES sessions (id),
    day          TEXT NOT NULL, -- local date only, YYYY-MM-DD
    batch_seq    INTEGER REFERENCES batches (seq)
) STRICT;

CREATE TABLE withdrawals (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    response_id  TEXT NOT NULL UNIQUE,
    consent_id   TEXT NOT NULL,
    staff        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    batch_seq    INTEGER REFERENCES batches (seq)
) STRICT;

CREATE TABLE batches (
    seq             INTEGER PRIMARY KEY,
    batch_id        TEXT NOT NULL UNIQUE,
    file_name       TEXT NOT NULL,
    sha256          TEXT,
    manifest_sha256 TEXT,
    created_at      TEXT NOT NULL,
    created_offset  INTEGER NOT NULL,
    exported_at     TEXT,
    folder          TEXT
) STRICT;

CREATE TABLE audit (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    batch_seq    INTEGER REFERENCES batches (seq)
) STRICT;

CREATE INDEX responses_unexported ON responses (batch_seq) WHERE batch_seq IS NULL;
CREATE INDEX consents_unexported ON consents (batch_seq) WHERE batch_seq IS NULL;
