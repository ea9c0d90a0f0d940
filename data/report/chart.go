package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Chart geometry, in SVG user units.
const (
	chartWidth = 440
	chartRow   = 44
	chartTop   = 6
)

type (
	// chartView is a horizontal bar chart drawn as inline SVG.
	chartView struct {
		ID, Title, TitleLang, Desc string
		Height                     int
		LabelX                     int
		Bars                       []barView
	}
	// barView is one bar, its label and its value.
	barView struct {
		LabelY, BarY, ValueX, ValueY, W int
		Label, LabelLang, Value         string
		Suppressed                      bool
		Face                            *faceView
	}
	// faceView is a face drawn beside a faces4 option.
	faceView struct {
		X, Y  int
		Mouth string
	}
)

// chart is a horizontal bar chart of rows, faces drawn for faces4
// options.
func (b *builder) chart(title, titleLang string, cats []category, rows []rowView) *chartView {
	b.chartSeq++
	ch := &chartView{ID: fmt.Sprintf("chart%d", b.chartSeq), Title: title, TitleLang: b.langAttr(titleLang)}
	faces := slices.ContainsFunc(cats, func(c category) bool { return c.face > 0 })
	if faces {
		ch.LabelX = 32
	}
	most := 0
	for _, r := range rows {
		if r.Cell.Suppressed == "" {
			most = max(most, r.Cell.N)
		}
	}
	barMax := chartWidth - ch.LabelX - 130
	var desc []string
	for i, r := range rows {
		y := chartTop + i*chartRow
		bar := barView{
			LabelY: y + 14, BarY: y + 20, ValueY: y + 33,
			Label: truncateLabel(r.Label, (chartWidth-ch.LabelX)/8), LabelLang: r.LabelLang,
			Value: r.Cell.Text, Suppressed: r.Cell.Suppressed != "",
		}
		if !bar.Suppressed {
			if most > 0 {
				bar.W = int(math.Round(float64(r.Cell.N) / float64(most) * float64(barMax)))
			}
			if r.Cell.N > 0 {
				bar.W = max(bar.W, 2)
				bar.Value += " (" + r.Cell.Pct + ")"
			}
		}
		bar.ValueX = ch.LabelX + bar.W + 6
		if f := cats[i].face; f > 0 {
			bar.Face = &faceView{X: 14, Y: y + 24, Mouth: faceMouths[f-1]}
		}
		ch.Bars = append(ch.Bars, bar)
		desc = append(desc, r.Label+": "+bar.Value)
	}
	ch.Height = chartTop + len(rows)*chartRow + 4
	ch.Desc = b.say("chart", nil) + " " + strings.Join(desc, "; ") + "."
	return ch
}

// faceMouths are the mouths of the four faces, from very unhappy to very
// happy, for a face of radius 12 centred on 0,0.
var faceMouths = [4]string{
	"M-6 7Q0 0 6 7",
	"M-6 6Q0 3 6 6",
	"M-6 4Q0 7 6 4",
	"M-6 3Q0 11 6 3",
}

// truncateLabel shortens s to n characters with an ellipsis.
func truncateLabel(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// Breakdown chart geometry: answer labels on the left, bars from
// crossBarX, 100% of a group at crossBarMax wide, so groups compare.
const (
	crossBarX   = 170
	crossBarMax = 190
	crossGroup  = 24 // height of a group's heading line
	crossLine   = 20 // height of an answer's line
)

type (
	// crossChartView is the bar chart beside a breakdown table: for each
	// group, one bar per answer, its length the group's percentage.
	crossChartView struct {
		ID, Title, Desc string
		Height          int
		Lines           []crossLineView
	}
	// crossLineView is a group's heading (Group) or an answer's bar.
	crossLineView struct {
		Group             bool
		TextY, BarY, W    int
		ValueX            int
		Label, LabelLang  string
		Value, ValueClass string
	}
)

// crossChart draws part: a suppressed cell draws no bar, and says what
// the table says ("fewer than 5", "not shown") where the bar would be.
// The percentages are of each group, as in the table.
func (b *builder) crossChart(part breakdownPart) *crossChartView {
	b.chartSeq++
	ch := &crossChartView{ID: fmt.Sprintf("chart%d", b.chartSeq), Title: part.Heading}
	y := 0
	var desc []string
	for _, row := range part.Rows {
		ch.Lines = append(ch.Lines, crossLineView{Group: true, TextY: y + 17, Label: truncateLabel(row.Label, 50), LabelLang: row.LabelLang})
		y += crossGroup
		if allHidden(row.Cells) { // the group's size is not shown: one line says so
			ch.Lines = append(ch.Lines, crossLineView{TextY: y + 14, ValueX: 8, Value: row.Cells[0].Text, ValueClass: "supp"})
			desc = append(desc, row.Label+" — "+row.Cells[0].Text)
			y += crossLine
			continue
		}
		var said []string
		for ci, cell := range row.Cells {
			line := crossLineView{TextY: y + 14, BarY: y + 4, Label: truncateLabel(part.Cols[ci].Label, (crossBarX-16)/8),
				LabelLang: part.Cols[ci].LabelLang, Value: cell.Text}
			if cell.Suppressed != "" {
				line.ValueClass = "supp"
			} else if cell.Pct != "" {
				var pct int
				fmt.Sscanf(cell.Pct, "%d%%", &pct)
				line.W = int(math.Round(float64(min(pct, 100)) / 100 * crossBarMax))
				if cell.N > 0 {
					line.W = max(line.W, 2)
				}
				line.Value += " (" + cell.Pct + ")"
			}
			line.ValueX = crossBarX + line.W + 6
			ch.Lines = append(ch.Lines, line)
			said = append(said, part.Cols[ci].Label+", "+line.Value)
			y += crossLine
		}
		desc = append(desc, row.Label+" — "+strings.Join(said, "; "))
	}
	ch.Height = y + 4
	ch.Desc = b.say("cross_chart", nil) + " " + strings.Join(desc, ". ") + "."
	return ch
}

// allHidden reports whether every cell is hidden because its group's
// size is ([suppress.Masked]).
func allHidden(cells []cellView) bool {
	for _, c := range cells {
		if c.Suppressed != "hidden" {
			return false
		}
	}
	return len(cells) > 0
}
