package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the report's golden files in testdata")

// reportGoldenCases are the reports of the SQL fixture kept byte for byte
// in testdata: made once by the report code as it was before it moved
// to its own package, so the move can be shown to change nothing.
var reportGoldenCases = []struct {
	name string
	opts Options
}{
	{"report-en.html", Options{}},
	{"report-en-quotes.html", Options{IncludeQuotes: true}},
	{"report-cy-min3.html", Options{Language: "cy", MinCount: 3}},
	{"report-en-min10-preference.html", Options{MinCount: 10, KeyQuestions: []string{"no_such_question", "preference"}}},
	{"report-cy-nokey.html", Options{Language: "cy", KeyQuestions: []string{}, IncludeQuotes: true}},
}

// TestReportGolden: the report of a fixed database is the same, byte for
// byte, as the golden file. go test -run TestReportGolden -update
// rewrites them.
func TestReportGolden(t *testing.T) {
	f := repSQLFixture(t)
	for _, c := range reportGoldenCases {
		t.Run(c.name, func(t *testing.T) {
			got := repWrite(t, f.db, c.opts)
			path := filepath.Join("testdata", c.name)
			if *updateGolden {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
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
