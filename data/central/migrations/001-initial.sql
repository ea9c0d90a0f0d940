-- Chorus analyst database, version 1.
-- Everything merged from batches, with the answers opened. Times are as the
-- devices recorded them (UTC RFC 3339, *_offset in minutes); merged_at is
-- this machine's clock. Order is by device, batch and line, never by a
-- device clock (P16).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Each device's signing key, pinned at first sight.
CREATE TABLE devices (
    device_id     TEXT PRIMARY KEY,
    public_key    BLOB NOT NULL,
    name          TEXT NOT NULL,
    demo          INTEGER NOT NULL CHECK (demo IN (0, 1)),
    first_seen_at TEXT NOT NULL
) STRICT;

CREATE TABLE batches (
    device_id       TEXT NOT NULL REFERENCES devices (device_id),
    seq             INTEGER NOT NULL,
    batch_id        TEXT NOT NULL UNIQUE,
    manifest_sha256 TEXT NOT NULL,
    prev_manifest_sha256 TEXT NOT NULL,
    tar_sha256      TEXT NOT NULL,
    manifest        BLOB NOT NULL, -- the exact signed bytes
    signature       BLOB NOT NULL,
    file_name       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    merged_at       TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;

-- Survey files exactly as the devices used them.
CREATE TABLE surveys (
    sha256     TEXT PRIMARY KEY,
    survey_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       BLOB NOT NULL
) STRICT;

CREATE TABLE responses (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    line          INTEGER NOT NULL,
    survey_id     TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    survey_sha256 TEXT NOT NULL REFERENCES surveys (sha256),
    language      TEXT NOT NULL,
    mode          TEXT NOT NULL,
    interpreter_language TEXT NOT NULL,
    session_id    TEXT NOT NULL,
    venue         TEXT NOT NULL,
    consent_id    TEXT NOT NULL,
    status        TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    answers       TEXT NOT NULL, -- JSON: question id -> answer, as sealed
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
) STRICT;
CREATE INDEX responses_order ON responses (device_id, batch_seq, line);

CREATE TABLE consents (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    line          INTEGER NOT NULL,
    survey_id     TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    text_version  TEXT NOT NULL,
    text_sha256   TEXT NOT NULL,
    language      TEXT NOT NULL,
    format        TEXT NOT NULL,
    purposes      TEXT NOT NULL, -- JSON object: purpose id -> true/false
    how_given     TEXT NOT NULL,
    mode          TEXT NOT NULL,
    staff         TEXT NOT NULL,
    session_id    TEXT NOT NULL,
    venue         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
) STRICT;

CREATE TABLE declined (
    device_id     TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    line          INTEGER NOT NULL,
    survey_id     TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    language      TEXT NOT NULL,
    session_id    TEXT NOT NULL,
    venue         TEXT NOT NULL,
    day           TEXT NOT NULL,
    count         INTEGER NOT NULL,
    PRIMARY KEY (device_id, batch_seq, line),
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
) STRICT;

-- Withdrawn responses: their ids stay here for good so that no batch,
-- however late, brings them back.
CREATE TABLE withdrawals (
    response_id   TEXT PRIMARY KEY,
    consent_id    TEXT NOT NULL,
    id            TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    staff         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
) STRICT;
CREATE INDEX withdrawals_consent ON withdrawals (consent_id);

CREATE TABLE audit (
    id            TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    line          INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    detail        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
) STRICT;
