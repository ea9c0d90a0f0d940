package central_test

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func column(rows [][]string, name string) int { return slices.Index(rows[0], name) }

func TestWriteCSV(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	receipts := dev.Submit(8)
	dev.Withdraw(receipts[7].Code)
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)

	out := filepath.Join(t.TempDir(), "analysis")
	res, err := db.WriteCSV(ctx, out, central.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Responses != 7 || len(res.Files) != 4 {
		t.Errorf("result = %+v", res)
	}

	wide := readCSV(t, filepath.Join(out, central.WideCSV))
	wantHead := []string{"response_id", "survey_id", "survey_version", "device_id", "device_name", "venue", "session_id",
		"language", "mode", "interpreter_language", "status", "started_at", "created_at", "created_offset", "created_local_date",
		"consent_format", "consent_listened", "consent_take_part", "consent_quotes", "online", "devices", "devices__phone", "devices__laptop", "devices__prefer_not", "confidence", "ease", "why_hard", "story", "age"}
	if !slices.Equal(wide[0], wantHead) {
		t.Errorf("wide header = %v\nwant %v", wide[0], wantHead)
	}
	if len(wide) != 8 {
		t.Fatalf("wide has %d rows, want a header and 7", len(wide))
	}
	for i, row := range wide[1:] {
		if row[0] != receipts[i].ResponseID {
			t.Errorf("row %d is %s, want %s (saved order)", i+1, row[0], receipts[i].ResponseID)
		}
		story := row[column(wide, "story")]
		want := storetest.Stories[i%len(storetest.Stories)]
		if strings.HasPrefix(want, "=") {
			want = "'" + want
		}
		if story != want {
			t.Errorf("row %d story = %q, want %q", i+1, story, want)
		}
	}
	row1 := wide[2] // the second response: online no, devices phone;laptop hidden
	if got := row1[column(wide, "online")]; got != "no" {
		t.Errorf("online = %q", got)
	}
	if got := wide[1][column(wide, "consent_take_part")]; got != "yes" {
		t.Errorf("consent_take_part = %q", got)
	}
	if got := wide[1][column(wide, "age")]; got != "16" {
		t.Errorf("age = %q", got)
	}
	if got := wide[3][column(wide, "devices")]; got != "prefer_not" {
		t.Errorf("devices of the third response = %q", got)
	}
	if got := wide[1][column(wide, "mode")] + wide[2][column(wide, "mode")] + wide[3][column(wide, "mode")]; got != "selfassistedworker" {
		t.Errorf("modes = %q", got)
	}
	if slices.ContainsFunc(wide, func(r []string) bool { return r[0] == receipts[7].ResponseID }) {
		t.Error("the withdrawn response is in the CSV")
	}

	long := readCSV(t, filepath.Join(out, central.LongCSV))
	if !slices.Equal(long[0], []string{"response_id", "survey_id", "survey_version", "question", "type", "value", "label", "status"}) {
		t.Errorf("long header = %v", long[0])
	}
	answered := 0
	for _, r := range long[1:] {
		if r[7] == central.StatusAnswered {
			answered++
		}
	}
	if answered != res.Answers {
		t.Errorf("long has %d answered rows, result says %d", answered, res.Answers)
	}
	var labels []string
	for _, r := range long[1:] {
		if r[0] == receipts[0].ResponseID && r[3] == "confidence" {
			labels = append(labels, r[5]+"="+r[6])
		}
	}
	if !slices.Equal(labels, []string{"very_unhappy=Very unhappy"}) {
		t.Errorf("confidence rows of the first response = %v", labels)
	}

	book := readCSV(t, filepath.Join(out, central.CodebookCSV))
	var ease []string
	for _, r := range book[1:] {
		if r[3] == "ease" {
			ease = append(ease, r[10]+"="+r[11])
		}
		if r[3] == "devices" && r[7] != "online = yes" {
			t.Errorf("devices shown_if = %q", r[7])
		}
		if r[3] == "intro" {
			t.Error("the info screen is in the codebook")
		}
	}
	if !slices.Equal(ease, []string{"1=Very hard", "2=Hard", "3=Neither", "4=Easy", "5=Very easy"}) {
		t.Errorf("codebook ease = %v", ease)
	}
	if res, err := db.WriteCSV(ctx, out, central.CSVOptions{Language: "cy"}); err != nil || len(res.Files) != 4 {
		t.Fatal(err)
	}
	if book := readCSV(t, filepath.Join(out, central.CodebookCSV)); book[1][9] != "Ydych chi'n defnyddio'r rhyngrwyd?" {
		t.Errorf("Welsh codebook text = %q", book[1][9])
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 4 {
		t.Errorf("out holds %d files, want the 4 CSVs", len(ents))
	}
}

func TestWriteCSVFailsCleanly(t *testing.T) {
	db := openDB(t)
	out := t.TempDir()
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); !errors.Is(err, central.ErrNoData) {
		t.Errorf("empty database = %v, want ErrNoData", err)
	}
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(1)
	merge(t, db, dev.Export(t.TempDir()), k)
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{Survey: "nope"}); !errors.Is(err, central.ErrNoData) {
		t.Errorf("unknown survey = %v, want ErrNoData", err)
	}
	os.Mkdir(filepath.Join(out, central.WideCSV), 0o700) // in the way of the rename
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err == nil {
		t.Error("WriteCSV succeeded with a folder in the way")
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 1 {
		t.Errorf("a failed run left %d entries, want only the folder in the way", len(ents))
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+44 29 2000": "'+44 29 2000", "-": "'-", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"-3": "-3", "+5": "+5", "2.5": "2.5", "plain": "plain", "": "", "a=b": "a=b", "Diolch 👍": "Diolch 👍",
	} {
		if got := central.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
