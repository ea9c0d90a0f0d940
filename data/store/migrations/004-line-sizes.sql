-- Chorus device database, version 4: each response's and consent's line
-- size in a batch, so an export sums sizes instead of encoding every
-- record twice (a tar header needs its member's size before the member).

-- line_bytes is the length in bytes of the record's JSON line in a batch,
-- newline included, set when the record is saved. NULL means not known:
-- rows saved before this version (the store fills them in before an
-- export) and rows changed since they were saved, or whose session's venue
-- changed (the triggers below); an export works those out the slow way.
ALTER TABLE responses ADD COLUMN line_bytes INTEGER;
ALTER TABLE consents ADD COLUMN line_bytes INTEGER;

-- A batch's sizes are summed from its index entries alone.
DROP INDEX responses_batch;
CREATE INDEX responses_batch ON responses (batch_seq, survey_sha256, line_bytes);
DROP INDEX consents_batch;
CREATE INDEX consents_batch ON consents (batch_seq, line_bytes);

CREATE INDEX responses_unsized ON responses (seq) WHERE line_bytes IS NULL;
CREATE INDEX consents_unsized ON consents (seq) WHERE line_bytes IS NULL;

-- A change to any column the line carries makes the stored size unknown.
CREATE TRIGGER responses_line_changed
AFTER UPDATE OF id, survey_id, survey_version, survey_sha256, language, mode, interpreter_language,
    session_id, consent_id, status, started_at, created_at, created_offset, sealed ON responses
WHEN NEW.line_bytes IS NOT NULL
BEGIN
    UPDATE responses SET line_bytes = NULL WHERE seq = NEW.seq;
END;

CREATE TRIGGER consents_line_changed
AFTER UPDATE OF id, survey_id, survey_version, text_version, text_sha256, language, format, purposes,
    how_given, mode, staff, session_id, device_id, created_at, created_offset ON consents
WHEN NEW.line_bytes IS NOT NULL
BEGIN
    UPDATE consents SET line_bytes = NULL WHERE seq = NEW.seq;
END;

CREATE TRIGGER sessions_venue_changed
AFTER UPDATE OF id, venue ON sessions
BEGIN
    UPDATE responses SET line_bytes = NULL WHERE session_id IN (OLD.id, NEW.id) AND line_bytes IS NOT NULL;
    UPDATE consents SET line_bytes = NULL WHERE session_id IN (OLD.id, NEW.id) AND line_bytes IS NOT NULL;
END;
