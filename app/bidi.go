package app

import (
	"strings"

	"golang.org/x/text/unicode/bidi"
)

// bidiVisual reorders each line of s from logical to visual order with the
// Unicode Bidirectional Algorithm, paragraph direction right to left, so
// that digits, Latin words and brackets inside Arabic or Urdu text come out
// where a reader expects them (Fyne 2.7 does not do this itself).
func bidiVisual(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = visualLine(line)
	}
	return strings.Join(lines, "\n")
}

func visualLine(line string) string {
	if line == "" {
		return line
	}
	var p bidi.Paragraph
	if _, err := p.SetString(line, bidi.DefaultDirection(bidi.RightToLeft)); err != nil {
		return line
	}
	o, err := p.Order()
	if err != nil {
		return line
	}
	var b strings.Builder
	for i := range o.NumRuns() {
		r := o.Run(i)
		text := r.String()
		if r.Direction() == bidi.RightToLeft {
			b.WriteString(bidi.ReverseString(text))
		} else {
			b.WriteString(text)
		}
	}
	return b.String()
}
