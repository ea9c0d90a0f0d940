package central_test

import (
	"context"
	"strings"
	"testing"

	"chorus/data/central"
)

// TestEachResponseNamesABadRecord: a response whose answers or consent
// purposes are not JSON is an error naming the response.
func TestEachResponseNamesABadRecord(t *testing.T) {
	db, err := central.Open(newDB(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`INSERT INTO surveys (sha256, survey_id, version, body) VALUES ('s', 'sv', 1, x'7b7d')`,
		`INSERT INTO devices (device_id, public_key, name, demo, first_seen_at) VALUES ('d', x'00', 'kiosk', 0, '2026-11-24T08:00:00Z')`,
		`INSERT INTO batches (device_id, seq, batch_id, manifest_sha256, prev_manifest_sha256, tar_sha256, manifest, signature, file_name, created_at, merged_at)
			VALUES ('d', 1, 'b', 'm', '', '', x'00', x'00', 'f', '2026-11-30T18:00:00Z', '2026-12-01T09:00:00Z')`,
		`INSERT INTO consents (id, device_id, batch_seq, line, survey_id, survey_version, text_version, text_sha256, language, format, purposes,
			how_given, mode, staff, session_id, venue, created_at, created_offset)
			VALUES ('c1', 'd', 1, 1, 'sv', 1, '1', '', 'en', 'standard', 'not json', 'tap', 'self', '', '', '', '2026-11-30T10:00:00Z', 0)`,
		`INSERT INTO responses (id, device_id, batch_seq, line, survey_id, survey_version, survey_sha256, language, mode, interpreter_language,
			session_id, venue, consent_id, status, started_at, created_at, created_offset, answers)
			VALUES ('r1', 'd', 1, 1, 'sv', 1, 's', 'en', 'self', '', '', '', 'c1', 'complete', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z', 0, '{}')`,
		`INSERT INTO responses (id, device_id, batch_seq, line, survey_id, survey_version, survey_sha256, language, mode, interpreter_language,
			session_id, venue, consent_id, status, started_at, created_at, created_offset, answers)
			VALUES ('r2', 'd', 1, 2, 'sv', 1, 's', 'en', 'self', '', '', '', 'c1', 'complete', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00Z', 0, '{oops')`,
	} {
		if _, err := tx.Exec(literal(db, q)); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var seen []string
	err = db.EachResponse(context.Background(), "sv", func(r *central.ResponseRecord) error {
		seen = append(seen, r.ID)
		if _, err := r.Purposes(); err == nil || !strings.Contains(err.Error(), "response r1:") {
			t.Errorf("purposes of r1: %v", err)
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "response r2: its answers are not valid JSON") || len(seen) != 1 {
		t.Errorf("EachResponse = %v after %v", err, seen)
	}
}
