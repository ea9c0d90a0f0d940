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

-- Dashboards (Power BI, Tableau, Metabase) read these views, in their own
-- schema, and nothing else: `chorus-central dashboard-role` lets a role
-- read them (docs/POSTGRES.md). The views run with their owner's rights,
-- so a dashboard role needs no right on the tables. They hold what the
-- analysis CSV files hold, but for one thing: a free-text answer shows
-- only when the participant agreed to be quoted, as in the report.
-- Device keys, signatures, receipt hashes, staff names and the audit logs
-- stay out.
CREATE SCHEMA dashboard;

CREATE VIEW dashboard.responses AS
SELECT r.id AS response_id, r.survey_id, r.survey_version, r.device_id, coalesce(d.name, '') AS device_name,
       r.venue, r.session_id, r.language, r.mode, r.interpreter_language, r.status,
       r.started_at, r.created_at, r.created_offset, left(r.created_at, 10) AS created_utc_date,
       coalesce(c.format, '') AS consent_format,
       coalesce(c.purposes::jsonb ->> 'quotes', 'false') = 'true' AS consent_quotes,
       r.batch_seq, r.line
FROM responses r
LEFT JOIN consents c ON c.device_id = r.device_id AND c.id = r.consent_id
LEFT JOIN devices d ON d.device_id = r.device_id;

-- One row per answer: value is the option code, the codes of a multiple
-- choice joined by ';', the number or the text.
CREATE VIEW dashboard.answers AS
SELECT r.response_id, r.survey_id, r.survey_version, a.key AS question, coalesce(q.type, '') AS type,
       coalesce(a.value ->> 'choice',
                (SELECT string_agg(x, ';') FROM jsonb_array_elements_text(a.value -> 'choices') AS x),
                a.value ->> 'number',
                a.value ->> 'text', '') AS value
FROM dashboard.responses r
JOIN responses raw ON raw.id = r.response_id
CROSS JOIN LATERAL jsonb_each(raw.answers::jsonb) AS a
LEFT JOIN LATERAL (
    SELECT e ->> 'type' AS type
    FROM surveys s, jsonb_array_elements(convert_from(s.body, 'UTF8')::jsonb -> 'questions') AS e
    WHERE s.sha256 = raw.survey_sha256 AND e ->> 'id' = a.key
    LIMIT 1) AS q ON true
WHERE q.type IS DISTINCT FROM 'text' OR r.consent_quotes;

-- Every question of every survey version merged, with its English text
-- (or the survey's first language).
CREATE VIEW dashboard.codebook AS
SELECT s.survey_id, s.version AS survey_version, e.n AS position, e.q ->> 'id' AS question,
       coalesce(e.q ->> 'type', '') AS type,
       coalesce(e.q -> 'text' ->> 'en', e.q -> 'text' ->> (b -> 'languages' ->> 0), '') AS question_text
FROM surveys s
CROSS JOIN LATERAL (SELECT convert_from(s.body, 'UTF8')::jsonb AS b) AS body
CROSS JOIN LATERAL jsonb_array_elements(b -> 'questions') WITH ORDINALITY AS e(q, n)
WHERE coalesce(e.q ->> 'type', '') <> 'info';

-- People who said "no thanks": counts by survey, day, venue and language.
CREATE VIEW dashboard.declined AS
SELECT survey_id, survey_version, day, venue, language, sum(count) AS declined
FROM declined
GROUP BY survey_id, survey_version, day, venue, language;
