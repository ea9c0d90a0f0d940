package report

import (
	"fmt"

	"chorus/data/report/suppress"
	"chorus/data/survey"
)

type (
	// breakdownView is a key question broken down by mode, by
	// language and by venue.
	breakdownView struct {
		Words                        map[string]string
		Anchor, Heading, HeadingLang string
		Parts                        []breakdownPart
	}
	// breakdownPart is one table of a breakdown: groups by answers.
	breakdownPart struct {
		Heading, Group string
		Cols           []rowView // labels only
		Rows           []breakdownRow
		Multi          bool
		// Chart draws the table beside it; the table stays the
		// accessible source.
		Chart *crossChartView
	}
	// breakdownRow is one group's answers.
	breakdownRow struct {
		Label, LabelLang string
		Cells            []cellView
	}
)

// breakdown breaks question a down by mode, by language and by venue
// (the venue names the sessions were opened with). Rows whose
// group, and columns whose answer, the who-took-part and question
// tables hide are hidden too.
func (b *builder) breakdown(a *questionTally, langTable, modeTable, venueTable *tableView) *breakdownView {
	heading, lang := b.pick(a.q.Text)
	c := &breakdownView{Words: b.words.plain, Anchor: "cross-" + a.q.ID, Heading: heading, HeadingLang: b.langAttr(lang)}
	var cols []rowView
	for _, cat := range a.cats {
		cols = append(cols, rowView{Label: cat.label, LabelLang: b.langAttr(cat.lang)})
	}
	cols = append(cols, rowView{Label: b.say("no_answer", nil)})
	maskCols := make([]bool, len(cols))
	for i := range maskCols {
		maskCols[i] = i < len(a.states) && a.states[i] != suppress.Shown
	}
	for _, part := range []struct {
		key, heading, groupHeading string
		groups                     []group
		table                      *tableView
		counts                     map[string]*groupCounts
	}{
		{"mode", b.say("by_mode_h", nil), b.say("mode", nil), b.modeRows(), modeTable, a.byMode},
		{"language", b.say("by_language_h", nil), b.say("language", nil), b.languageRows(), langTable, a.byLang},
		{"venue", b.say("by_venue_h", nil), b.say("by_venue", nil), b.venueRows(), venueTable, a.byVenue},
	} {
		var groups []group
		var n [][]int
		var maskRows []bool
		for i, g := range part.groups {
			if g.n == 0 {
				continue
			}
			groups = append(groups, g)
			row := make([]int, len(cols))
			if cc := part.counts[g.key]; cc != nil {
				copy(row, cc.counts)
				row[len(cols)-1] = cc.none
			}
			n = append(n, row)
			maskRows = append(maskRows, part.table.states[i] != suppress.Shown)
		}
		states := suppress.Apply(suppress.Table{Counts: n, MinCount: b.minCount,
			RowsAdd: a.q.Type != survey.Multi, ColsAdd: true, MaskRows: maskRows, MaskCols: maskCols})
		cp := breakdownPart{Heading: part.heading, Group: part.groupHeading, Cols: cols, Multi: a.q.Type == survey.Multi}
		for r, g := range groups {
			row := breakdownRow{Label: g.label, LabelLang: b.langAttr(g.lang)}
			for ci := range cols {
				key := fmt.Sprintf("cross-%s-%s/%s/%s", part.key, a.q.ID, g.key, columnKey(a, ci))
				base := g.n
				if maskRows[r] {
					base = 0
				}
				row.Cells = append(row.Cells, b.cell(key, n[r][ci], states[r][ci], base))
			}
			cp.Rows = append(cp.Rows, row)
		}
		if len(cp.Rows) > 0 {
			cp.Chart = b.crossChart(cp)
		}
		c.Parts = append(c.Parts, cp)
	}
	return c
}

// columnKey is the data key of column i of question a's breakdown.
func columnKey(a *questionTally, i int) string {
	if i < len(a.cats) {
		return a.cats[i].key
	}
	return "_none"
}
