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
		{"select_one yn", "carried", "NO_LABEL", "", "'yes'"},
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
		"survey row 25: carried (select_one): a calculation is not asked", // a value the form carries, never shown
	} {
		if !strings.Contains(text, "\n"+line) {
			t.Errorf("report has no line %q:\n%s", line, text)
		}
	}
	f := res.Report.Figures
	if f.Relevant != 8 || f.RelevantMapped != 7 || f.Calculations != 8 || f.CalculationsUsed != 5 {
		t.Errorf("figures %+v", f)
	}
	sv := res.Survey
	if _, ok := sv.Question("carried"); ok {
		t.Error("a select_one with a calculation is asked")
	}
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

// A repeat with a count is asked as copies, each shown while the count
// reaches it, with references inside a copy to its own questions; one
// without a count is left out.
func TestRepeatCopies(t *testing.T) {
	rows := [][]string{
		{"type", "name", "label", "relevant", "calculation", "repeat_count"},
		{"integer", "kids", "How many children?"},
		{"begin repeat", "kid", "", "", "", "${kids}"},
		{"text", "name", "Name?"},
		{"select_one yn", "school", "At school?"},
		{"calculate", "at_school", "", "", "if(selected(../school, 'yes'), 1, 0)"},
		{"note", "bus", "Takes the bus", "${at_school} = 1"},
		{"end repeat"},
		{"begin repeat", "twice", "", "", "", "2"},
		{"text", "pet", "Pet?", "${kids} > 0"},
		{"end repeat"},
		{"begin repeat", "free", ""},
		{"text", "thing", "Thing?"},
		{"end repeat"},
	}
	res, err := Import("r.xlsx", workbook(t, rows, withChoices(yesNo)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := res.Report.String()
	for _, line := range []string{
		"survey row 3: repeat kid is asked as up to 5 copies of its questions, one after another, each shown while its count (${kids}) reaches it",
		"survey row 9: repeat twice is asked 2 times",
		"survey row 12: repeat free is left out with the questions in it",
	} {
		if !strings.Contains(text, "\n"+line) {
			t.Errorf("report has no line %q:\n%s", line, text)
		}
	}
	if strings.Count(text, "survey row 6:") != 1 || strings.Contains(text, "at_school_2") {
		t.Errorf("the report speaks of a later copy, or not of the first:\n%s", text)
	}
	f := res.Report.Figures
	if f.Questions != 7 || f.Mapped != 5 || f.Relevant != 2 || f.RelevantMapped != 2 {
		t.Errorf("figures %+v; want each row counted once", f)
	}
	sv := res.Survey
	if q, ok := sv.Question("name_2"); !ok || q.Text.In("en") != "(2) Name?" {
		t.Errorf("name_2 = %+v", q)
	}
	n := func(v int) *int { return &v }
	var ids []string
	for _, i := range sv.Path(survey.Answers{"kids": {Number: n(2)}, "school_1": {Choice: "no"}, "school_2": {Choice: "yes"}}) {
		ids = append(ids, sv.Questions[i].ID)
	}
	want := "kids name_1 school_1 name_2 school_2 bus_2 pet_1 pet_2"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("shown %q, want %q", got, want)
	}
}

// or_other adds the choice other and a text box shown when it is chosen.
func TestOrOther(t *testing.T) {
	rows := [][]string{
		{"type", "name", "label"},
		{"select_one yn or_other", "pick", "Pick one"},
		{"select_multiple yn or_other", "many", "Pick any"},
		{"note", "end", "Done"},
	}
	res, err := Import("o.xlsx", workbook(t, rows, withChoices(yesNo)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sv := res.Survey
	var ids []string
	for _, q := range sv.Questions {
		ids = append(ids, q.ID)
	}
	if got := strings.Join(ids, " "); got != "pick pick_other many many_other end" {
		t.Fatalf("questions %s", got)
	}
	if q, _ := sv.Question("pick"); len(q.Options) != 3 || q.Options[2].Code != "other" || q.Options[2].Label.In("en") != "Other" {
		t.Errorf("pick's options %+v", q.Options)
	}
	if !strings.Contains(res.Report.String(), "\nsurvey row 2: pick: or_other adds the choice other and a text box, pick_other, shown when it is chosen") {
		t.Errorf("report:\n%s", res.Report.String())
	}
	shown := func(ans survey.Answers) string {
		var out []string
		for _, i := range sv.Path(ans) {
			out = append(out, sv.Questions[i].ID)
		}
		return strings.Join(out, " ")
	}
	if got := shown(survey.Answers{"pick": {Choice: "other"}, "many": {Choices: []string{"yes"}}}); got != "pick pick_other many end" {
		t.Errorf("other chosen once: shown %q", got)
	}
	if got := shown(survey.Answers{"many": {Choices: []string{"yes", "other"}}}); got != "pick many many_other end" {
		t.Errorf("other among several: shown %q", got)
	}
	if f := res.Report.Figures; f.Questions != 3 || f.Mapped != 3 {
		t.Errorf("figures %+v; the boxes are not rows of the form", f)
	}
}
