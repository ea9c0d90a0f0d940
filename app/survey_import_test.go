package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"
)

// xlsxFile writes an XLSForm with the given survey rows and returns its path.
func xlsxFile(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "survey")
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("survey", cell, &r)
	}
	f.NewSheet("settings")
	f.SetSheetRow("settings", "A1", &[]any{"form_id", "version"})
	f.SetSheetRow("settings", "A2", &[]any{"tab_form", "7"})
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "form.xlsx")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The Survey tab takes an XLSForm: a workbook that cannot make a survey
// changes nothing and says why; one that can shows what was mapped and
// what was not, and is used only when the coordinator says so, having been
// told of the answers not yet exported. Cancel keeps the survey in use.
func TestSurveyTabImportsAnXLSForm(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	ctx := context.Background()
	_, before, _ := r.st.ActiveSurvey(ctx)

	c := r.sh.home.coord
	bad := xlsxFile(t, [][]any{{"type", "name", "label"}, {"text", "a b", "A?"}})
	c.surveyFile.SetText(bad)
	r.sh.confirming = nil
	test.Tap(c.loadSurvey)
	if !strings.HasPrefix(c.surveyMsg.Text, c.l.T("staff.survey_bad")) || r.sh.confirming != nil {
		t.Errorf("a workbook with no question Chorus can use: message %q, asked %v", c.surveyMsg.Text, r.sh.confirming != nil)
	}

	// One answer waits to be exported.
	r.signOut(t)
	answerAll(t, r.sh.kiosk, "en")
	test.Tap(r.sh.kiosk.thanks.finish)
	if err := r.signIn(t, "Asha Patel", "480215"); err != nil {
		t.Fatal(err)
	}
	c = r.sh.home.coord
	good := xlsxFile(t, [][]any{
		{"type", "name", "label", "relevant"},
		{"integer", "kids", "How many children?"},
		{"note", "many", "That is a lot!", "${kids} > 4"},
		{"geopoint", "where", "Where are you?"},
	})
	for _, yes := range []bool{false, true} {
		c.surveyFile.SetText(good)
		r.sh.confirming = nil
		test.Tap(c.loadSurvey)
		for _, want := range []string{
			"From the spreadsheet, 2 of 3 questions and 1 of 1 rules for when to ask a question can be used.",
			"survey row 4: where (geopoint): a kiosk stays in one place",
		} {
			if !strings.Contains(c.surveyMsg.Text, want) {
				t.Errorf("the tab does not say %q:\n%s", want, c.surveyMsg.Text)
			}
		}
		if r.sh.confirming == nil || !strings.Contains(r.sh.confirming.msg, "Answers not exported yet: 1.") {
			t.Fatalf("no confirmation naming the answer waiting: %+v", r.sh.confirming)
		}
		r.answer(t, yes)
		_, now, _ := r.st.ActiveSurvey(ctx)
		switch {
		case !yes && string(now) != string(before):
			t.Error("Cancel changed the survey in use")
		case yes && (r.sh.kiosk.cfg.Survey.ID != "tab_form" || r.sh.kiosk.cfg.Survey.Version != 7):
			t.Errorf("after Use this survey the kiosk has %s version %d", r.sh.kiosk.cfg.Survey.ID, r.sh.kiosk.cfg.Survey.Version)
		case yes && !strings.HasPrefix(c.surveyMsg.Text, "Now using tab_form version 7."):
			t.Errorf("after Use this survey the tab says %q", c.surveyMsg.Text)
		}
	}
}
