package xlsform

import (
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/data/survey"

	"github.com/xuri/excelize/v2"
)

// withChoices adds a choices sheet to a workbook made by workbook.
func withChoices(rows [][]string) func(f *excelize.File) {
	return func(f *excelize.File) {
		f.NewSheet("choices")
		for i, r := range rows {
			cells := make([]any, len(r))
			for j, c := range r {
				cells[j] = c
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("choices", cell, &cells)
		}
	}
}

var yesNo = [][]string{{"list_name", "name", "label"}, {"yn", "yes", "Yes"}, {"yn", "no", "No"}}

// Calculations that relevants use, written as CHT forms write them, are
// worked into the relevants and give the form's skip logic in the kiosk;
// a form input and data from earlier visits are empty.
func TestCalculations(t *testing.T) {
	rows := [][]string{
		{"type", "name", "label", "relevant", "calculation", "constraint"},
		{"begin group", "inputs", "", "./source = 'user'"},
		{"hidden", "source"},
		{"end group"},
		{"begin group", "danger", "Danger signs"},
		{"select_one yn", "fever", "Fever?"},
		{"select_one yn", "bleeding", "Bleeding?"},
		{"calculate", "r_danger", "", "", "if(selected(../fever, 'yes') or selected(../bleeding, 'yes'), 'yes', 'no')"},
		{"note", "refer", "Go to the clinic", "../r_danger = 'yes'"},
		{"note", "well", "All is well", "selected(../r_danger, 'no')"},
		{"end group"},
		{"integer", "born", "Babies born?"},
		{"integer", "alive", "Babies alive?", "", "", ". <= ../born"},
		{"calculate", "dead", "", "", "../born - ../alive"},
		{"note", "sorry", "We are sorry", "${dead} > 0"},
		{"calculate", "ctx", "", "", "if(instance('contact-summary')/context/risk != '', instance('contact-summary')/context/risk, .)"},
		{"note", "earlier", "Earlier risks", "contains(${ctx}, 'asthma')"},
		{"note", "first", "No earlier visit", "${ctx} = ''"},
		{"date", "lmp", "Last period?"},
		{"calculate", "weeks", "", "", "floor((decimal-date-time(today()) - decimal-date-time(${lmp})) div 7)"},
		{"note", "late", "After 12 weeks", "${weeks} > 12"},
		{"calculate", "fever_label", "", "", "jr:choice-name(${fever}, '${fever}')"},
		{"note", "said", "You said yes", "${fever_label} = 'Yes'"},
		{"calculate", "unused", "", "", "1 + 1"},
	}
	res, err := Import("c.xlsx", workbook(t, rows, withChoices(yesNo)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := res.Report.String()
	for _, line := range []string{
		"survey row 3: source (hidden): a value the form is given by another app (such as an earlier visit's data); a kiosk has none",
		"survey row 8: r_danger (calculate): not asked; worked into the relevant and constraint expressions that use it",
		"survey row 16: ctx (calculate): not asked; worked into the relevant and constraint expressions that use it, with the data it takes from outside the form (instance(...)) empty",
		`survey row 23: relevant "${fever_label} = 'Yes'" cannot be mapped: it uses the calculation fever_label (survey row 22), which cannot be worked out: jr:choice-name`,
		"survey row 24: unused (calculate): a calculation is not asked, and no relevant or constraint Chorus maps uses this one",
	} {
		if !strings.Contains(text, "\n"+line) {
			t.Errorf("report has no line %q:\n%s", line, text)
		}
	}
	f := res.Report.Figures
	if f.Relevant != 8 || f.RelevantMapped != 7 || f.Calculations != 7 || f.CalculationsUsed != 5 {
		t.Errorf("figures %+v", f)
	}
	sv := res.Survey
	sv.Clock = func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) }
	n := func(v int) *int { return &v }
	shown := func(ans survey.Answers) string {
		var ids []string
		for _, i := range sv.Path(ans) {
			ids = append(ids, sv.Questions[i].ID)
		}
		return strings.Join(ids, " ")
	}
	for _, tc := range []struct {
		ans  survey.Answers
		want string
	}{
		{survey.Answers{"fever": {Choice: "no"}, "bleeding": {Choice: "yes"}},
			"fever bleeding refer born alive first lmp said"},
		{survey.Answers{"fever": {Choice: "no"}, "bleeding": {Choice: "no"}, "born": {Number: n(2)}, "alive": {Number: n(1)}},
			"fever bleeding well born alive sorry first lmp said"},
		{survey.Answers{"born": {Number: n(2)}, "alive": {Number: n(2)}, "lmp": {Text: "2026-08-20"}},
			"fever bleeding well born alive first lmp late said"}, // XPath: no fever answer is not 'yes'
		{survey.Answers{"lmp": {Text: "2026-10-01"}},
			"fever bleeding well born alive first lmp said"},
	} {
		if got := shown(tc.ans); got != tc.want {
			t.Errorf("answers %v: shown %q, want %q", tc.ans, got, tc.want)
		}
	}
	// The constraint on a path: no more alive than born.
	i := slices.IndexFunc(sv.Questions, func(q survey.Question) bool { return q.ID == "alive" })
	if err := sv.Check(i, survey.Answers{"born": {Number: n(1)}, "alive": {Number: n(2)}}); err == nil {
		t.Error("2 alive of 1 born passes the constraint")
	}
}
