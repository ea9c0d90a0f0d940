package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/survey/xlsform"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"
)

// screenText is every text drawn in win, joined with newlines.
func screenText(win fyne.Window) string {
	var b strings.Builder
	for _, o := range test.LaidOutObjects(win.Canvas().Content()) {
		if t, ok := o.(*canvas.Text); ok && t.Visible() {
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}

// An earlier answer shows in a later question's text where the form puts
// ${name}; the next participant, who did not answer it, sees nothing of
// the one before.
func TestAnswerInLaterTextIsThisParticipantsOnly(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "survey")
	for i, r := range [][]any{
		{"type", "name", "label::English (en)"},
		{"text", "pet", "What is your pet called?"},
		{"note", "hello", "Say hello to ${pet} from us."},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("survey", cell, &r)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := xlsform.Import("pipe.xlsx", buf.Bytes(), xlsform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(res.Report.String(), "as written") {
		t.Errorf("the report says ${pet} is shown as written:\n%s", res.Report.String())
	}
	path := filepath.Join(t.TempDir(), "pipe.json")
	if err := os.WriteFile(path, res.JSON, 0o644); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, path)
	k := r.k
	const canary = "Mrs Whiskerbottom"
	for visit, typed := range []string{canary, ""} {
		test.Tap(k.welcome.langs["en"])
		test.Tap(k.consent.agree)
		s := r.onQuestion(t, "pet")
		test.Type(s.entry, typed)
		test.Tap(s.next)
		r.onQuestion(t, "hello")
		text := screenText(r.win)
		switch {
		case visit == 0 && !strings.Contains(text, "Say hello to "+canary+" from us."):
			t.Errorf("first participant: the note does not show the answer:\n%s", text)
		case visit == 1 && strings.Contains(text, canary):
			t.Errorf("the next participant sees the one before's answer:\n%s", text)
		case visit == 1 && !strings.Contains(text, "Say hello to  from us."):
			t.Errorf("next participant, no answer: the note is not shown with nothing in its place:\n%s", text)
		}
		test.Tap(k.question.next)
		test.Tap(k.review.submit)
		waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
		test.Tap(k.thanks.finish)
		if k.welcome == nil {
			t.Fatal("Finish did not return to the welcome screen")
		}
	}
}
