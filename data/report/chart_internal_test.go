package report

import (
	"strings"
	"testing"
)

// TestCrossChartFollowsTheTable: a breakdown's chart draws a bar, its
// length the group's percentage, for each number the table shows; a
// suppressed number draws no bar and the chart says what the table says
// in its place, in the drawing and in the text alternative; a group whose
// size is hidden takes one line that says so.
func TestCrossChartFollowsTheTable(t *testing.T) {
	ws, err := wordsIn("en")
	if err != nil {
		t.Fatal(err)
	}
	b := &builder{words: ws, minCount: 5}
	hidden := cellView{Text: "not shown", Suppressed: "hidden"}
	part := breakdownPart{Heading: "By venue",
		Cols: []rowView{{Label: "Yes"}, {Label: "No"}, {Label: "No answer"}},
		Rows: []breakdownRow{
			{Label: "Library", Cells: []cellView{{Text: "9", N: 9, Pct: "30%"}, {Text: "fewer than 5", Suppressed: "small"}, {Text: "0", N: 0, Pct: "0%"}}},
			{Label: "Tiny Hall", Cells: []cellView{hidden, hidden, hidden}},
		}}
	ch := b.crossChart(part)
	type line struct {
		group      bool
		label, val string
		w          int
		supp       bool
	}
	var got []line
	for _, l := range ch.Lines {
		got = append(got, line{l.Group, l.Label, l.Value, l.W, l.ValueClass == "supp"})
	}
	want := []line{
		{true, "Library", "", 0, false},
		{false, "Yes", "9 (30%)", 57, false}, // 30% of 190
		{false, "No", "fewer than 5", 0, true},
		{false, "No answer", "0 (0%)", 0, false},
		{true, "Tiny Hall", "", 0, false},
		{false, "", "not shown", 0, true},
	}
	if len(got) != len(want) {
		t.Fatalf("lines %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if !strings.Contains(ch.Desc, "Library — Yes, 9 (30%); No, fewer than 5; No answer, 0 (0%). Tiny Hall — not shown.") ||
		!strings.HasPrefix(ch.Desc, ws.say("cross_chart", nil)) {
		t.Errorf("desc %q", ch.Desc)
	}
	if ch.Height != 6*crossLine+2*(crossGroup-crossLine)+4 {
		t.Errorf("height %d", ch.Height)
	}
}
