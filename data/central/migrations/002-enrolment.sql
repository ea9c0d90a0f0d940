-- Chorus analyst database, version 2: device enrolment, and withdrawals
-- that belong to the device that sent them.

-- Every device key central knows of, by its fingerprint (the short form
-- the coordinator reads from the laptop). Only batches signed by an
-- enrolled key are merged; a batch from any other key is quarantined:
-- recorded here, nothing merged. A key enrolled before its first batch
-- arrives (from a list) has no device_id yet; the first batch binds it.
CREATE TABLE enrolment (
    fingerprint   TEXT PRIMARY KEY,
    status        TEXT NOT NULL CHECK (status IN ('enrolled', 'quarantined', 'retired')),
    name          TEXT NOT NULL, -- as enrolled, or as the device named itself
    device_id     TEXT,          -- from its batches; NULL until one is seen
    public_key    BLOB,
    claimed_name  TEXT NOT NULL DEFAULT '', -- the name its batches give
    first_seen_at TEXT,          -- its first batch seen by merge
    last_file     TEXT NOT NULL DEFAULT '', -- its last batch file seen while quarantined
    quarantined   INTEGER NOT NULL DEFAULT 0, -- batch files refused while not enrolled
    changed_at    TEXT NOT NULL, -- when status last changed
    note          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX enrolment_device ON enrolment (device_id);

-- Devices merged before enrolment existed were trusted at first sight;
-- they stay trusted: the program enrols them when it opens the database
-- (their fingerprints are a SHA-256, which SQL here cannot compute).

-- Withdrawals now name the device whose response they withdraw; a
-- withdrawal applies only to that device's responses.
CREATE TABLE withdrawals_v2 (
    device_id     TEXT NOT NULL,
    response_id   TEXT NOT NULL,
    consent_id    TEXT NOT NULL,
    id            TEXT NOT NULL,
    batch_seq     INTEGER NOT NULL,
    staff         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_offset INTEGER NOT NULL,
    PRIMARY KEY (device_id, response_id),
    FOREIGN KEY (device_id, batch_seq) REFERENCES batches (device_id, seq)
) STRICT;
INSERT INTO withdrawals_v2 (device_id, response_id, consent_id, id, batch_seq, staff, created_at, created_offset)
SELECT device_id, response_id, consent_id, id, batch_seq, staff, created_at, created_offset FROM withdrawals;
DROP TABLE withdrawals;
ALTER TABLE withdrawals_v2 RENAME TO withdrawals;
CREATE INDEX withdrawals_consent ON withdrawals (device_id, consent_id);

-- One definition per survey id and version, whichever device carried it.
CREATE INDEX surveys_id_version ON surveys (survey_id, version);
CREATE INDEX consents_device ON consents (device_id, id);

-- The consent text each (survey, text version, language) was shown with:
-- a changed text needs a new text version.
CREATE TABLE consent_texts (
    survey_id     TEXT NOT NULL,
    text_version  TEXT NOT NULL,
    language      TEXT NOT NULL,
    text_sha256   TEXT NOT NULL,
    PRIMARY KEY (survey_id, text_version, language)
) STRICT;
INSERT OR IGNORE INTO consent_texts SELECT survey_id, text_version, language, text_sha256 FROM consents;
