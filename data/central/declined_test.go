package central_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

// TestWriteCSVDeclined: declined.csv counts the people who declined beside
// the responses, by day, venue and language, so refusal rates can be
// worked out.
func TestWriteCSVDeclined(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(3)
	dev.Decline(5)
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	out := t.TempDir()
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(out, central.DeclinedCSV))
	if want := []string{"survey_id", "day", "venue", "language", "declined", "responses"}; !slices.Equal(rows[0], want) {
		t.Fatalf("declined.csv header = %v, want %v", rows[0], want)
	}
	declined, responses := 0, 0
	for _, r := range rows[1:] {
		declined += atoi(t, r[4])
		responses += atoi(t, r[5])
	}
	if declined != 5 || responses != 3 {
		t.Errorf("declined.csv sums to %d declined and %d responses, want 5 and 3:\n%v", declined, responses, rows)
	}
}

// TestWriteCSVUnknownLanguage: --lang for a language the survey does not
// have is an error, not silent English.
func TestWriteCSVUnknownLanguage(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(1)
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	_, err := db.WriteCSV(ctx, t.TempDir(), central.CSVOptions{Language: "xx"})
	if err == nil || !strings.Contains(err.Error(), `"xx"`) {
		t.Errorf("WriteCSV in xx = %v, want an error naming the language", err)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("%q is not a count", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}
