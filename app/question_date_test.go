package app

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"chorus/data/survey"
	"chorus/data/survey/xlsform"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"
)

// importedForm writes an XLSForm with skip logic on a group and a
// question, a constraint, a date and a decimal, imports it and returns the
// survey file's path.
func importedForm(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "survey")
	f.NewSheet("choices")
	put := func(sheet string, rows [][]any) {
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow(sheet, cell, &r)
		}
	}
	put("survey", [][]any{
		{"type", "name", "label::English (en)", "relevant", "constraint", "constraint_message::English (en)", "required"},
		{"select_one yn", "skip", "Skip the rest?", "", "", "", "yes"},
		{"begin group", "rest", "", "not(selected(${skip}, 'yes'))"},
		{"integer", "Age", "How old are you?", "", ". >= 16", "You need to be 16 or older."},
		{"date", "born", "When did you start?"},
		{"decimal", "hours", "Hours a week?", "${Age} > 20"},
		{"end group", "rest"},
		{"note", "end", "Thank you"},
	})
	put("choices", [][]any{{"list_name", "name", "label::English (en)"}, {"yn", "yes", "Yes"}, {"yn", "no", "No"}})
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	res, err := xlsform.Import("form.xlsx", b.Bytes(), xlsform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "form.json")
	if err := os.WriteFile(path, res.JSON, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// An imported XLSForm taken through the kiosk: the group's relevant and a
// question's relevant skip what they hide, a constraint stops Next with
// the form's message, and the sealed answers are the ones given.
func TestImportedFormThroughTheKiosk(t *testing.T) {
	path := importedForm(t)
	for _, tc := range []struct {
		name string
		skip string
		want survey.Answers
	}{
		{"skip the group", "yes", survey.Answers{"skip": {Choice: "yes"}}},
		{"answer the group", "no", survey.Answers{"skip": {Choice: "no"}, "Age": {Number: ptr(30)}, "born": {Text: "2001-02-03"}, "hours": {Text: "7.5"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, path)
			k := r.k
			test.Tap(k.welcome.langs["en"])
			test.Tap(k.consent.agree)
			r.choose(t, "skip", tc.skip)
			test.Tap(k.question.next)
			if tc.skip == "no" {
				s := r.onQuestion(t, "Age")
				test.Type(s.entry, "ten")
				test.Tap(s.next)
				if want := s.l.T("question.number_bad"); s.message.Text != want {
					t.Errorf("for ten the message is %q, want %q", s.message.Text, want)
				}
				s.entry.SetText("")
				test.Type(s.entry, "10")
				test.Tap(s.next)
				r.onQuestion(t, "Age")
				if !s.message.Visible() || s.message.Text != "You need to be 16 or older." {
					t.Errorf("constraint message %q (shown %v); want the form's", s.message.Text, s.message.Visible())
				}
				s.entry.SetText("")
				test.Type(s.entry, "30")
				test.Tap(s.next)
				s = r.onQuestion(t, "born")
				test.Type(s.entry, "3 Feb 2001")
				test.Tap(s.next)
				r.onQuestion(t, "born")
				if want := s.l.T("question.date_bad"); s.message.Text != want {
					t.Errorf("for 3 Feb 2001 the message is %q, want %q", s.message.Text, want)
				}
				s.entry.SetText("2001-02-03")
				test.Tap(s.next)
				s = r.onQuestion(t, "hours")
				test.Type(s.entry, "seven")
				test.Tap(s.next)
				r.onQuestion(t, "hours")
				if want := s.l.T("question.decimal_bad"); s.message.Text != want {
					t.Errorf("for seven the message is %q, want %q", s.message.Text, want)
				}
				s.entry.SetText("")
				test.Type(s.entry, "7,5")
				test.Tap(s.next)
			}
			r.onQuestion(t, "end")
			test.Tap(k.question.next)
			if k.review == nil {
				t.Fatal("no review after the last question")
			}
			test.Tap(k.review.submit)
			waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
			if got := openOnly(t, r.st).Answers; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("sealed answers\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

func ptr(n int) *int { return &n }
