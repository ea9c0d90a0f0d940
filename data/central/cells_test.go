package central_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

// TestWriteCSVEveryCell compares every answer cell of responses_wide.csv
// (question, option and consent columns) and every row of
// answers_long.csv with the central database, for a mix of complete,
// skipped and partial responses, working the missing codes out from the
// survey's path.
func TestWriteCSVEveryCell(t *testing.T) {
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	for i := range 12 {
		sub, _ := dev.Submission(i, "story "+strconv.Itoa(i))
		switch i % 4 {
		case 1:
			delete(sub.Answers, "story")
		case 2:
			sub.Status = survey.Partial
			for _, q := range []string{"why_hard", "story", "age"} {
				delete(sub.Answers, q)
			}
		case 3:
			sub.Status = survey.Partial
			delete(sub.Answers, "confidence")
			delete(sub.Answers, "age")
		}
		if _, err := dev.Store.Submit(context.Background(), dev.Keys, sub); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	out := t.TempDir()
	if _, err := db.WriteCSV(ctx, out, central.CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	wide := readCSV(t, filepath.Join(out, central.WideCSV))
	long := readCSV(t, filepath.Join(out, central.LongCSV))
	rowOf := map[string][]string{}
	for _, r := range wide[1:] {
		rowOf[r[0]] = r
	}
	longRows := map[string][]string{}
	for _, r := range long[1:] {
		longRows[r[0]+" "+r[3]] = append(longRows[r[0]+" "+r[3]], r[5]+" "+r[7])
	}
	versions, err := db.SurveyVersions(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	sv := versions[0]
	status := map[string]string{}
	rows, err := db.SQL().Query(`SELECT id, status FROM responses`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			t.Fatal(err)
		}
		status[id] = st
	}
	rows.Close()
	n := 0
	seen := map[string]bool{}
	err = db.EachResponse(ctx, sv.ID, func(r *central.ResponseRecord) error {
		n++
		row := rowOf[r.ID]
		if row == nil {
			t.Fatalf("response %s is not in %s", r.ID, central.WideCSV)
		}
		path := sv.Path(r.Answers)
		last := -1
		for j, q := range sv.Questions {
			if _, ok := r.Answers[q.ID]; ok {
				last = j
			}
		}
		agreed, err := r.Purposes()
		if err != nil {
			return err
		}
		for p, v := range agreed {
			if got, want := row[column(wide, "consent_"+p)], map[bool]string{true: "yes", false: "no"}[v]; got != want {
				t.Errorf("%s consent_%s = %q, want %q", r.ID, p, got, want)
			}
		}
		for j, q := range sv.Questions {
			if !q.Answerable() {
				continue
			}
			a, answered := r.Answers[q.ID]
			var want string
			var longWant []string
			switch {
			case answered && len(a.Choices) > 0:
				want = strings.Join(a.Choices, ";")
				for _, c := range a.Choices {
					longWant = append(longWant, c+" answered")
				}
			case answered && a.Number != nil:
				want = strconv.Itoa(*a.Number)
			case answered && a.Choice != "":
				want = a.Choice
			case answered:
				want = a.Text
			case status[r.ID] == "partial" && j > last:
				want = "-99"
			case !slices.Contains(path, j):
				want = "-97"
			default:
				want = "-98"
			}
			seen[want] = true
			if longWant == nil {
				st := map[string]string{"-97": " not_asked", "-98": " not_answered", "-99": " not_reached"}[want]
				if answered {
					st = " answered"
				}
				longWant = []string{want + st}
			}
			if got := row[column(wide, q.ID)]; got != want {
				t.Errorf("%s %s = %q, want %q", r.ID, q.ID, got, want)
			}
			if got := longRows[r.ID+" "+q.ID]; !slices.Equal(got, longWant) {
				t.Errorf("%s %s long rows = %q, want %q", r.ID, q.ID, got, longWant)
			}
			if q.Type != survey.Multi {
				continue
			}
			for _, o := range q.Options {
				want := want
				if answered {
					want = map[bool]string{true: "1", false: "0"}[slices.Contains(a.Choices, o.Code)]
				}
				if got := row[column(wide, q.ID+"__"+o.Code)]; got != want {
					t.Errorf("%s %s__%s = %q, want %q", r.ID, q.ID, o.Code, got, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen["-97"] || !seen["-98"] || !seen["-99"] {
		t.Errorf("the mix did not give all three missing codes: %v", seen)
	}
	if n != 12 || len(wide) != 13 {
		t.Errorf("%d responses in the database, %d rows in %s, want 12", n, len(wide)-1, central.WideCSV)
	}
}
