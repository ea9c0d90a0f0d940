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
