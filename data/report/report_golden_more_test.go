package report

import (
	"os"
	"path/filepath"
	"testing"
)

// reportGoldenMoreCases are reports of the SQL fixture with rows added
// for what it lacks (batches 3–4 of a device missing, a second survey,
// responses without a venue, a mode, a language and an answer no survey
// lists), kept byte for byte in testdata as the old report code made
// them.
var reportGoldenMoreCases = []struct {
	name string
	opts Options
}{
	{"report-more-en.html", Options{}},
	{"report-more-cy-nokey.html", Options{Language: "cy", KeyQuestions: []string{"nope"}}},
	{"report-more-en-keys-quotes.html", Options{KeyQuestions: []string{"preference", "confidence", "preference"}, IncludeQuotes: true, MinCount: 4}},
}

// TestReportGoldenMore is TestReportGolden on the fixture with more rows.
func TestReportGoldenMore(t *testing.T) {
	f := repSQLFixture(t)
	for _, q := range []string{
		`INSERT INTO batches (device_id, seq, batch_id, manifest_sha256, prev_manifest_sha256, tar_sha256, manifest, signature, file_name, created_at, merged_at)
			VALUES ('bbbbbbbb-0000-7000-8000-000000000002', 5, 'batch-5', 'b5', 'b4', '', x'00', x'00', 'f', '2026-11-30T18:00:00Z', '2026-12-01T09:00:00Z')`,
		`INSERT INTO declined VALUES ('bbbbbbbb-0000-7000-8000-000000000002', 1, 2, 'another-survey', 1, 'en', 's', 'v', '2026-11-24', 2)`,
		`UPDATE responses SET venue = '' WHERE id IN ('r01', 'r02', 'r03', 'r04', 'r05', 'r06')`,
		`UPDATE responses SET mode = 'kiosk_tablet' WHERE id = 'r10'`,
		`UPDATE responses SET language = 'de' WHERE id IN ('r11', 'r12')`,
		`UPDATE responses SET answers = json_set(answers, '$.preference.choice', 'carrier_pigeon') WHERE id IN ('r13', 'r14', 'r15', 'r16', 'r17', 'r18')`,
	} {
		if _, err := f.db.SQL().Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	for _, c := range reportGoldenMoreCases {
		t.Run(c.name, func(t *testing.T) {
			got := repWrite(t, f.db, c.opts)
			path := filepath.Join("testdata", c.name)
			if *updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file (%d bytes, want %d); compare with go test -update and git diff", c.name, len(got), len(want))
			}
		})
	}
}
