package central_test

import (
	"path/filepath"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

// TestCSVConsentFormatAndListened: a consent read aloud at the kiosk
// reaches central through a batch and shows in responses_wide.csv as
// consent_format standard, consent_listened yes; one not read aloud as no.
func TestCSVConsentFormatAndListened(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	for i, listened := range []bool{true, false} {
		sub, _ := dev.Submission(i, "story")
		sub.Consent.Listened = listened
		if _, err := dev.Store.Submit(ctx, dev.Keys, sub); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	out := filepath.Join(t.TempDir(), "analysis")
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	wide := readCSV(t, filepath.Join(out, central.WideCSV))
	if len(wide) != 3 {
		t.Fatalf("%d rows, want a header and 2", len(wide))
	}
	for i, want := range []string{"yes", "no"} {
		row := wide[i+1]
		if f, l := row[column(wide, "consent_format")], row[column(wide, "consent_listened")]; f != "standard" || l != want {
			t.Errorf("row %d: consent_format %q, consent_listened %q; want standard, %s", i+1, f, l, want)
		}
	}
}
