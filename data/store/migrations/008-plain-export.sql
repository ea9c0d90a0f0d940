-- Chorus device database, version 8: export no longer keeps sizes.
-- An export writes each member of a batch once, learning its size as it
-- goes, so the line sizes of version 4, the member sizes of version 5 and
-- the index of version 6 go, with their triggers; a response or consent
-- record is saved with nothing about its export. The indexes on
-- batch_seq are as version 2 made them. No record changes.

DROP TRIGGER responses_line_changed;
DROP TRIGGER consents_line_changed;
DROP TRIGGER sessions_venue_changed;
DROP TRIGGER responses_batch_sizes_deleted;
DROP TRIGGER responses_batch_sizes_changed;
DROP TRIGGER responses_batch_sizes_inserted;
DROP TRIGGER consents_batch_sizes_deleted;
DROP TRIGGER consents_batch_sizes_changed;
DROP TRIGGER consents_batch_sizes_inserted;
DROP TABLE batch_sizes;

DROP INDEX responses_unsized;
DROP INDEX consents_unsized;
DROP INDEX responses_batch;
DROP INDEX consents_batch;
ALTER TABLE responses DROP COLUMN line_bytes;
ALTER TABLE consents DROP COLUMN line_bytes;
CREATE INDEX responses_batch ON responses (batch_seq, survey_sha256);
CREATE INDEX consents_batch ON consents (batch_seq);

DROP INDEX declined_groups;
CREATE INDEX declined_batch ON declined (batch_seq);
