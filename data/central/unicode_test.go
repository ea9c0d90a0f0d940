package central_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
	"chorus/data/survey"

	"golang.org/x/text/unicode/norm"
)

// TestUnicodeRoundTripsFromDeviceToCSV is P15 from end to end: awkward
// texts are saved on a real device (sealed), exported in a signed batch,
// merged by the analyst and written to the CSV files. Each arrives in the
// central database byte for byte as the device stored it (NFC, CRLF as LF,
// trimmed), and in both CSV files as that text, with only the leading '
// that keeps a spreadsheet from running a formula. Texts the device must
// refuse never get as far as a batch.
func TestUnicodeRoundTripsFromDeviceToCSV(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	// The test survey's story takes 500 characters; a later version of the
	// same survey takes 100,000, as the built-in surveys may.
	body, err := os.ReadFile(storetest.SurveyFile)
	if err != nil {
		t.Fatal(err)
	}
	body = []byte(strings.Replace(strings.Replace(string(body), `"max_length": 500`, `"max_length": 100000`, 1), `"version": 3`, `"version": 4`, 1))
	sv, err := survey.Parse("all_types-4.json", body)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Store.AddSurvey(sv, body); err != nil {
		t.Fatal(err)
	}
	dev.Survey = sv

	long := strings.Repeat("a", 100_000)
	cases := []struct{ name, in, want, cell string }{
		{"NFD Latin", "Cafe\u0301 and w\u0302 in Gwe\u0302n", "Café and ŵ in Gwên", ""},
		{"NFD Hangul", "\u1112\u1161\u11ab\u1100\u1173\u11af", "한글", ""},
		{"emoji", "👩🏽‍⚕️ was kind 🙏🏿 🏳️‍🌈", "👩🏽‍⚕️ was kind 🙏🏿 🏳️‍🌈", ""},
		{"100 KB", long, long, ""},
		{"100,000 two-byte characters", strings.Repeat("ŵ", 100_000), strings.Repeat("ŵ", 100_000), ""},
		{"right-to-left override", "file\u202Egnp.exe", "file\u202Egnp.exe", ""},
		{"Arabic and digits", "عمري 42 سنة (تقريباً)", "عمري 42 سنة (تقريباً)", ""},
		{"Chinese", "我不会用手机预约。", "我不会用手机预约。", ""},
		{"SQL", "'); DROP TABLE responses;--", "'); DROP TABLE responses;--", "'); DROP TABLE responses;'--"},
		{"formula", `=HYPERLINK("http://example.invalid","x")`, `=HYPERLINK("http://example.invalid","x")`, `'=HYPERLINK("http://example.invalid","x")`},
		{"plus", "+44 20 7946 0000 call me", "+44 20 7946 0000 call me", "'+44 20 7946 0000 call me"},
		{"at", "@everyone", "@everyone", "'@everyone"},
		{"HTML, quotes and separators", "<script>&amp;</script>\u2028\u2029\"\\,;", "<script>&amp;</script>\u2028\u2029\"\\,;", ""},
		{"lines and tabs", "one\r\ntwo\n\tthree", "one\ntwo\n\tthree", ""},
		{"surrounding space", "  \t padded \n", "padded", ""},
	}
	var texts []string
	for _, c := range cases {
		if c.want != norm.NFC.String(c.want) {
			t.Fatalf("%s: the expected text is not NFC", c.name)
		}
		texts = append(texts, c.in)
	}
	receipts := dev.SubmitStories(texts...)

	// Refused on the device, so never in a batch.
	for name, text := range map[string]string{
		"invalid UTF-8": "bad \xff byte", "NUL": "a\x00b", "lone surrogate": "\xed\xa0\x80", "escape": "\x1b[31m",
	} {
		sub, _ := dev.Submission(0, text)
		if _, err := dev.Store.Submit(ctx, dev.Keys, sub); !errors.Is(err, survey.ErrInvalidText) {
			t.Errorf("%s: Submit = %v, want ErrInvalidText", name, err)
		}
	}

	db := openDB(t)
	res := merge(t, db, dev.Export(t.TempDir()), k)
	if res.Responses != int64(len(cases)) {
		t.Fatalf("merged %d responses, want %d", res.Responses, len(cases))
	}
	// In the analyst's database: the answers JSON as sealed.
	for i, c := range cases {
		var raw string
		if err := db.SQL().QueryRow(`SELECT answers FROM responses WHERE id = ?`, receipts[i].ResponseID).Scan(&raw); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var answers map[string]struct{ Text string }
		if err := json.Unmarshal([]byte(raw), &answers); err != nil {
			t.Fatalf("%s: answers in the database: %v", c.name, err)
		}
		if got := answers["story"].Text; got != c.want {
			t.Errorf("%s: central database has %d bytes %.40q, want %d bytes %.40q", c.name, len(got), got, len(c.want), c.want)
		}
	}

	out := filepath.Join(t.TempDir(), "analysis")
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	wide := readCSV(t, filepath.Join(out, central.WideCSV))
	long2 := readCSV(t, filepath.Join(out, central.LongCSV))
	wideStory, wideID := column(wide, "story"), column(wide, "response_id")
	longQ, longV, longID := column(long2, "question"), column(long2, "value"), column(long2, "response_id")
	wideCell, longCell := map[string]string{}, map[string]string{}
	for _, row := range wide[1:] {
		wideCell[row[wideID]] = row[wideStory]
	}
	for _, row := range long2[1:] {
		if row[longQ] == "story" {
			longCell[row[longID]] = row[longV]
		}
	}
	for i, c := range cases {
		want := c.want
		if c.cell != "" {
			want = c.cell
		}
		id := receipts[i].ResponseID
		if got := wideCell[id]; got != want {
			t.Errorf("%s: %s has %d bytes %.40q, want %d bytes %.40q", c.name, central.WideCSV, len(got), got, len(want), want)
		}
		if got := longCell[id]; got != want {
			t.Errorf("%s: %s has %d bytes %.40q, want %d bytes %.40q", c.name, central.LongCSV, len(got), got, len(want), want)
		}
	}
}
