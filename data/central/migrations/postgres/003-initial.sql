-- Chorus analyst database on PostgreSQL: the schema the SQLite
-- migrations 001 to 003 build, in one file. It is numbered 003 because it
-- produces schema 3: a later change is a 004 in both folders, so that
-- schema_migrations means the same on both.
--
-- Differences from SQLite, and why:
--   - BIGINT for SQLite's INTEGER (SQLite's integers are 64-bit), BYTEA
--     for BLOB; no STRICT (PostgreSQL's columns are always typed).
--   - Every text column is COLLATE "C": SQLite compares text byte by
--     byte, and the CSV files and report sort by these columns, so they
--     come out in the same order whatever the server's locale.
--   - dashboard views and their schema (see the end).

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE devices (
    device_id     TEXT COLLATE "C" PRIMARY KEY,
    public_key    BYTEA NOT NULL,
    name          TEXT COLLATE "C" NOT NULL,
    demo          BIGINT NOT NULL CHECK (demo IN (0, 1)),
    first_seen_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE batches (
    device_id       TEXT COLLATE "C" NOT NULL REFERENCES devices (device_id),
    seq             BIGINT NOT NULL,
    batch_id        TEXT COLLATE "C" NOT NULL UNIQUE,
    manifest_sha256 TEXT COLLATE "C" NOT NULL,
    prev_manifest_sha256 TEXT COLLATE "C" NOT NULL,
    tar_sha256      TEXT COLLATE "C" NOT NULL,
    manifest        BYTEA NOT NULL,
    signature       BYTEA NOT NULL,
    file_name       TEXT COLLATE "C" NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    merged_at       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE surveys (
    sha256     TEXT COLLATE "C" PRIMARY KEY,
    survey_id  TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    body       BYTEA NOT NULL
);
CREATE INDEX surveys_id_version ON surveys (survey_id, version);

CREATE TABLE responses (
    id            TEXT COLLATE "C" PRIMARY KEY,
    device_id     TEXT COLLATE "C" NOT NULL,
    batch_seq     BIGINT NOT NULL,
    line          BIGINT NOT NULL,
    survey_id     TEXT COLLATE "C" NOT NULL,
    survey_version BIGINT NOT NULL,
    survey_sha256 TEXT COLLATE "C" NOT NULL REFERENCES surveys (sha256),
    language      TEXT COLLATE "C" NOT NULL,
    mode          TEXT COLLATE "C" NOT NULL,
    interpreter_language TEXT COLLATE "C" NOT NULL,
    session_id    TEXT COLLATE "C" NOT NULL,
    venue         TEXT COLLATE "C" NOT NULL,
    consent_id    TEXT COLLATE "C" NOT NULL,
    status        TEXT COLLATE "C" NOT NULL,
    started_at    TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    created_offset BIGINT NOT NULL,
    answers       TEXT COLLATE "C" NOT NULL, -- JSON: question id -> answer, as sealed
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
);
CREATE INDEX responses_order ON responses (device_id, batch_seq, line);
CREATE INDEX responses_consent ON responses (device_id, consent_id);

CREATE TABLE consents (
    id            TEXT COLLATE "C" PRIMARY KEY,
    device_id     TEXT COLLATE "C" NOT NULL,
    batch_seq     BIGINT NOT NULL,
    line          BIGINT NOT NULL,
    survey_id     TEXT COLLATE "C" NOT NULL,
    survey_version BIGINT NOT NULL,
    text_version  TEXT COLLATE "C" NOT NULL,
    text_sha256   TEXT COLLATE "C" NOT NULL,
    language      TEXT COLLATE "C" NOT NULL,
    format        TEXT COLLATE "C" NOT NULL,
    purposes      TEXT COLLATE "C" NOT NULL, -- JSON object: purpose id -> true/false
    how_given     TEXT COLLATE "C" NOT NULL,
    mode          TEXT COLLATE "C" NOT NULL,
    staff         TEXT COLLATE "C" NOT NULL,
    session_id    TEXT COLLATE "C" NOT NULL,
    venue         TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    created_offset BIGINT NOT NULL,
    receipt_hash  TEXT COLLATE "C" NOT NULL DEFAULT '',
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
);
CREATE INDEX consents_device ON consents (device_id, id);
CREATE INDEX consents_receipt ON consents (receipt_hash) WHERE receipt_hash <> '';

CREATE TABLE declined (
    device_id     TEXT COLLATE "C" NOT NULL,
    batch_seq     BIGINT NOT NULL,
    line          BIGINT NOT NULL,
    survey_id     TEXT COLLATE "C" NOT NULL,
    survey_version BIGINT NOT NULL,
    language      TEXT COLLATE "C" NOT NULL,
    session_id    TEXT COLLATE "C" NOT NULL,
    venue         TEXT COLLATE "C" NOT NULL,
    day           TEXT COLLATE "C" NOT NULL,
    count         BIGINT NOT NULL,
    PRIMARY KEY (device_id, batch_seq, line),
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
);

CREATE TABLE withdrawals (
    device_id     TEXT COLLATE "C" NOT NULL,
    response_id   TEXT COLLATE "C" NOT NULL,
    consent_id    TEXT COLLATE "C" NOT NULL,
    id            TEXT COLLATE "C" NOT NULL,
    batch_seq     BIGINT NOT NULL,
    staff         TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    created_offset BIGINT NOT NULL,
    receipt_hash  TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (device_id, response_id),
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
);
CREATE INDEX withdrawals_consent ON withdrawals (device_id, consent_id);
CREATE INDEX withdrawals_receipt ON withdrawals (receipt_hash) WHERE receipt_hash <> '';

CREATE TABLE audit (
    id            TEXT COLLATE "C" PRIMARY KEY,
    device_id     TEXT COLLATE "C" NOT NULL,
    batch_seq     BIGINT NOT NULL,
    line          BIGINT NOT NULL,
    actor         TEXT COLLATE "C" NOT NULL,
    action        TEXT COLLATE "C" NOT NULL,
    detail        TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    created_offset BIGINT NOT NULL,
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
);

CREATE TABLE enrolment (
    fingerprint   TEXT COLLATE "C" PRIMARY KEY,
    status        TEXT COLLATE "C" NOT NULL CHECK (status IN ('enrolled', 'quarantined', 'retired')),
    name          TEXT COLLATE "C" NOT NULL,
    device_id     TEXT COLLATE "C",
    public_key    BYTEA,
    claimed_name  TEXT COLLATE "C" NOT NULL DEFAULT '',
    first_seen_at TEXT COLLATE "C",
    last_file     TEXT COLLATE "C" NOT NULL DEFAULT '',
    quarantined   BIGINT NOT NULL DEFAULT 0,
    changed_at    TEXT COLLATE "C" NOT NULL,
    note          TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX enrolment_device ON enrolment (device_id);

CREATE TABLE consent_texts (
    survey_id     TEXT COLLATE "C" NOT NULL,
    text_version  TEXT COLLATE "C" NOT NULL,
    language      TEXT COLLATE "C" NOT NULL,
    text_sha256   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (survey_id, text_version, language)
);

CREATE TABLE central_audit (
    id            TEXT COLLATE "C" PRIMARY KEY,
    actor         TEXT COLLATE "C" NOT NULL,
    action        TEXT COLLATE "C" NOT NULL,
    detail        TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL
);
