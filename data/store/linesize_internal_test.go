package store

import (
	"bytes"
	"context"
	"database/sql"
	"testing"

	"chorus/data/batch"
	"chorus/data/survey"

	"github.com/google/uuid"
)

// TestSizeWithoutStoredSizes: the sizes of a batch's members are the same
// whether summed from line_bytes, worked out the slow way for rows
// without one (in the export's snapshot, after the store filled them in),
// or a mix, and are the bytes WriteMember writes.
func TestSizeWithoutStoredSizes(t *testing.T) {
	ctx := context.Background()
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	awkwardSession(t, st, sv)
	for i := range 6 {
		sub := submission(sv, dev, "Roedd y meddyg yn garedig")
		sub.Consent.ID = uuid.Must(uuid.NewV7()).String()
		if i%2 == 0 {
			sub.SessionID = "s1"
		}
		if _, err := st.Submit(ctx, rs, sub); err != nil {
			t.Fatal(err)
		}
	}
	seq, err := st.allocate(ctx, dev, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sizes := func(null string) map[string][2]int64 {
		t.Helper()
		tx, err := st.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if null != "" {
			// Straight to NULL, as for a row changed after the store
			// filled in the sizes and before the export's snapshot.
			if _, err := tx.Exec(`UPDATE responses SET line_bytes = NULL WHERE ` + null); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`UPDATE consents SET line_bytes = NULL WHERE ` + null); err != nil {
				t.Fatal(err)
			}
		}
		src, err := newExportSource(ctx, tx, seq)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][2]int64{}
		for _, name := range []string{batch.ResponsesMember, batch.ConsentsMember} {
			n, lines, err := src.Size(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := src.WriteMember(ctx, name, &b); err != nil {
				t.Fatal(err)
			}
			if int64(b.Len()) != n || int64(bytes.Count(b.Bytes(), []byte("\n"))) != lines {
				t.Errorf("%s (NULL where %q): Size = %d bytes, %d lines; WriteMember wrote %d bytes, %d lines",
					name, null, n, lines, b.Len(), bytes.Count(b.Bytes(), []byte("\n")))
			}
			out[name] = [2]int64{n, lines}
		}
		return out
	}
	want := sizes("")
	for _, null := range []string{"seq % 2 = 0", "1"} {
		if got := sizes(null); got[batch.ResponsesMember] != want[batch.ResponsesMember] || got[batch.ConsentsMember] != want[batch.ConsentsMember] {
			t.Errorf("NULL where %s: sizes %v, want %v", null, got, want)
		}
	}
	var stored sql.NullInt64
	st.db.QueryRow(`SELECT sum(line_bytes) FROM responses`).Scan(&stored)
	if !stored.Valid || stored.Int64 != want[batch.ResponsesMember][0] {
		t.Errorf("stored sizes sum to %v, want %d", stored, want[batch.ResponsesMember][0])
	}
}

// awkwardSession opens session "s1" for sv at a venue with text JSON
// escapes, straight in the database.
func awkwardSession(t *testing.T, st *Store, sv *survey.Survey) {
	t.Helper()
	if _, err := st.db.Exec(`INSERT INTO sessions (id, venue, worker, survey_sha256, opened_at, opened_offset)
		VALUES ('s1', ?, 'w', ?, '2026-11-24T09:00:00Z', 0)`, "Llyfrgell <Caerdydd> & \"co\" \u2028", sv.SHA256); err != nil {
		t.Fatal(err)
	}
}
