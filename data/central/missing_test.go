package central_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"chorus/data/central"
	"chorus/data/store"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

// TestWriteCSVMissingCodes: not asked, not answered and not reached are
// three different codes in the wide file and three statuses in the long
// file (before, all three were an empty cell and no row).
func TestWriteCSVMissingCodes(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	save := func(sub store.Submission) string {
		t.Helper()
		saved, err := dev.Store.Submit(context.Background(), dev.Keys, sub)
		if err != nil {
			t.Fatal(err)
		}
		return saved.ResponseID
	}
	full, _ := dev.Submission(0, "fine")
	skipped, _ := dev.Submission(1, "fine") // online = no: devices is not asked
	delete(skipped.Answers, "story")        // shown, not answered
	partial, _ := dev.Submission(0, "fine")
	partial.Status = survey.Partial
	delete(partial.Answers, "devices") // before the last answer: not answered
	for _, q := range []string{"ease", "why_hard", "story", "age"} {
		delete(partial.Answers, q) // after it: never reached
	}
	ids := []string{save(full), save(skipped), save(partial)}
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	out := filepath.Join(t.TempDir(), "analysis")
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	wide := readCSV(t, filepath.Join(out, central.WideCSV))
	want := map[string]map[string]string{
		ids[0]: {"online": "yes", "devices": "phone", "story": "fine", "age": "16",
			"devices__phone": "1", "devices__laptop": "0", "devices__prefer_not": "0"},
		ids[1]: {"online": "no", "devices": central.NotAsked, "story": central.NotAnswered, "devices__phone": central.NotAsked,
			"devices__laptop": central.NotAsked, "devices__prefer_not": central.NotAsked},
		ids[2]: {"online": "yes", "devices": central.NotAnswered, "devices__laptop": central.NotAnswered, "confidence": "very_unhappy",
			"ease": central.NotReached, "why_hard": central.NotReached, "story": central.NotReached, "age": central.NotReached},
	}
	for _, q := range []string{"devices__phone", "devices__laptop", "devices__prefer_not"} {
		if column(wide, q) < 0 {
			t.Fatalf("no column %s in %v", q, wide[0])
		}
	}
	for _, row := range wide[1:] {
		for q, w := range want[row[0]] {
			if got := row[column(wide, q)]; got != w {
				t.Errorf("response %s %s = %q, want %q", row[0], q, got, w)
			}
		}
	}
	long := readCSV(t, filepath.Join(out, central.LongCSV))
	status := map[string]string{}
	for _, r := range long[1:] {
		status[r[0]+" "+r[3]] = r[column(long, "status")] + " " + r[column(long, "value")]
	}
	for id, qs := range want {
		for q, w := range qs {
			st := map[string]string{central.NotAsked: "not_asked", central.NotAnswered: "not_answered", central.NotReached: "not_reached"}[w]
			if st == "" || strings.Contains(q, "__") {
				continue
			}
			if got := status[id+" "+q]; got != st+" "+w {
				t.Errorf("long %s %s = %q, want %q", id, q, got, st+" "+w)
			}
		}
	}
}

// TestCodebookScores: scales and faces have numeric scores and are ordinal,
// exclusive options are flagged, and every question lists the missing codes.
func TestCodebookScores(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(1)
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	out := t.TempDir()
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	book := readCSV(t, filepath.Join(out, central.CodebookCSV))
	got := map[string]string{}
	for _, r := range book[1:] {
		got[r[column(book, "question")]+"="+r[column(book, "option_code")]] = r[column(book, "score")] + " " +
			r[column(book, "ordinal")] + " " + r[column(book, "exclusive")]
		if mc := r[column(book, "missing_codes")]; mc != "not_asked=-97|not_answered=-98|not_reached=-99" {
			t.Errorf("%s missing_codes = %q", r[3], mc)
		}
	}
	for key, want := range map[string]string{
		"confidence=very_unhappy": "1 true false", "confidence=very_happy": "4 true false", "ease=1": "1 true false",
		"ease=5": "5 true false", "devices=phone": " false false", "devices=prefer_not": " false true", "age=": " false ",
	} {
		if got[key] != want {
			t.Errorf("codebook %s: score, ordinal, exclusive = %q, want %q", key, got[key], want)
		}
	}
}

// TestWriteCSVTimes: times are whole seconds in one fixed ISO 8601 UTC
// form, which R's as.POSIXct reads without a format, and the local date
// comes from the stored offset (before: a fraction of varying width).
func TestWriteCSVTimes(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	for i := range 3 {
		sub, _ := dev.Submission(i, "fine")
		sub.StartedAt = sub.StartedAt.Add(782686883 * time.Nanosecond) // as a real clock has it
		if _, err := dev.Store.Submit(context.Background(), dev.Keys, sub); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	// Given at 00:30 on the 25th in UTC+1: the 24th in UTC.
	if _, err := db.SQL().Exec(`UPDATE responses SET created_at = '2026-11-24T23:30:00.25Z', created_offset = 60
		WHERE id = (SELECT id FROM responses ORDER BY device_id, batch_seq, line LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	wide := readCSV(t, filepath.Join(out, central.WideCSV))
	if got := wide[1][column(wide, "created_at")] + " " + wide[1][column(wide, "created_local_date")]; got != "2026-11-24T23:30:00Z 2026-11-25" {
		t.Errorf("created_at and local date = %q, want 2026-11-24T23:30:00Z 2026-11-25", got)
	}
	if column(wide, "created_local_date") < 0 {
		t.Errorf("no created_local_date column in %v", wide[0])
	}
	form := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	for _, row := range wide[1:] {
		for _, c := range []string{"started_at", "created_at"} {
			if got := row[column(wide, c)]; !form.MatchString(got) {
				t.Errorf("%s = %q, want 2006-01-02T15:04:05Z", c, got)
			}
		}
		at, _ := time.Parse(time.RFC3339, row[column(wide, "created_at")])
		off, _ := strconv.Atoi(row[column(wide, "created_offset")])
		want := at.In(time.FixedZone("", off*60)).Format(time.DateOnly)
		if i := column(wide, "created_local_date"); i < 0 || row[i] != want {
			got := ""
			if i >= 0 {
				got = row[i]
			}
			t.Errorf("created_local_date = %q, want %q (offset %d min)", got, want, off)
		}
	}
}

// TestWriteCSVBadTime: a stored time that is not RFC 3339 is an error
// naming the response, and no file is written.
func TestWriteCSVBadTime(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	got := dev.Submit(1)
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	if _, err := db.SQL().Exec(`UPDATE responses SET started_at = 'yesterday'`); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	_, err := db.WriteCSV(ctx, out, central.CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), "response "+got[0].ResponseID) {
		t.Errorf("WriteCSV = %v, want an error naming response %s", err, got[0].ResponseID)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("a failed run left %d files", len(ents))
	}
}
