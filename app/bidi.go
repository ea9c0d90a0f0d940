package app

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"

	"golang.org/x/text/unicode/bidi"
)

// bidiVisual reorders the runs of each line of s into visual order with the
// Unicode Bidirectional Algorithm, paragraph direction right to left, so
// that digits, Latin words and brackets inside Arabic or Urdu text come out
// where a reader expects them.
//
// Fyne 2.7 shapes each run of one script and direction correctly on its own
// (a run of Arabic letters comes out right to left) but places the runs left
// to right in the order they come (fyne-io/fyne#90). So the runs are put in
// visual order here and the letters inside each run are left alone.
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
	if numberGroup.MatchString(line) {
		// x/text's bidi does not join "2001-02-28" into one number (rule
		// W4): its parts came out in reverse order, "28-02-2001". Each
		// group is an isolate, read left to right, as numberHint's numbers.
		line = numberGroup.ReplaceAllString(line, fsi+"$0"+pdi)
		return stripControls(visualLine1(line))
	}
	return visualLine1(line)
}

// numberGroup is digits joined by separators: a date, a time, a phone
// number.
var numberGroup = regexp.MustCompile(`[0-9]+(?:[-/.:][0-9]+)+`)

func visualLine1(line string) string {
	var p bidi.Paragraph
	if _, err := p.SetString(line, bidi.DefaultDirection(bidi.RightToLeft)); err != nil {
		return line
	}
	o, err := p.Order()
	if err != nil {
		return line
	}
	// x/text gives the runs in logical order with their direction. In a
	// right-to-left paragraph, rule L2 of the algorithm puts them in reverse
	// order, except that neighbouring left-to-right runs (level 2) are
	// reversed twice and so keep their order.
	type run struct {
		text string
		ltr  bool
	}
	runs := make([]run, o.NumRuns())
	for i := range runs {
		r := o.Run(i)
		runs[len(runs)-1-i] = run{r.String(), r.Direction() == bidi.LeftToRight}
	}
	for i := 0; i < len(runs); {
		j := i
		for j < len(runs) && runs[j].ltr {
			j++
		}
		for a, b := i, j-1; a < b; a, b = a+1, b-1 {
			runs[a], runs[b] = runs[b], runs[a]
		}
		i = max(j, i+1)
	}
	var b strings.Builder
	for _, r := range runs {
		if r.ltr {
			b.WriteString(r.text)
			continue
		}
		b.WriteString(rtlRun(r.text))
	}
	return b.String()
}

// rtlRun lays out one right-to-left run for Fyne. Fyne shapes a sequence
// of letters (with the spaces between its words) right to left itself, but
// places everything else, full stops, brackets, colons, in logical order and
// unmirrored. So the run is cut into letter chunks and neutral chunks, the
// chunks are put in reverse (visual) order, and each neutral chunk is
// reversed and its brackets mirrored; the letters are left to Fyne.
func rtlRun(text string) string {
	type chunk struct {
		runes  []rune
		letter bool
	}
	var chunks []chunk
	for _, r := range text {
		l := !neutral(r)
		if n := len(chunks); n > 0 && chunks[n-1].letter == l {
			chunks[n-1].runes = append(chunks[n-1].runes, r)
			continue
		}
		chunks = append(chunks, chunk{[]rune{r}, l})
	}
	// Spaces between two letter chunks stay inside one chunk: Fyne handles
	// words separated by spaces.
	var merged []textChunk
	for i := 0; i < len(chunks); i++ {
		c := chunks[i]
		n := len(merged)
		if c.letter && n >= 2 && merged[n-1].isSpace() && merged[n-2].letter {
			merged[n-2].runes = append(append(merged[n-2].runes, merged[n-1].runes...), c.runes...)
			merged = merged[:n-1]
			continue
		}
		merged = append(merged, chunkOf(c.runes, c.letter))
	}
	var b strings.Builder
	for i := len(merged) - 1; i >= 0; i-- {
		c := merged[i]
		if c.letter {
			b.WriteString(string(c.runes))
			continue
		}
		// Fenced by left-to-right marks, Fyne treats the chunk as left to
		// right: it keeps this order and does not mirror it again.
		b.WriteString(lrm)
		for k := len(c.runes) - 1; k >= 0; k-- {
			b.WriteRune(mirror(c.runes[k]))
		}
		b.WriteString(lrm)
	}
	return b.String()
}

// lrm is U+200E LEFT-TO-RIGHT MARK: invisible, strongly left to right.
const lrm = "\u200e"

type textChunk struct {
	runes  []rune
	letter bool
}

func chunkOf(r []rune, letter bool) textChunk { return textChunk{r, letter} }

func (c textChunk) isSpace() bool { return !c.letter && strings.TrimSpace(string(c.runes)) == "" }

// neutral reports whether Fyne would place r in logical order outside an
// Arabic-script run. Letters and marks stay in the run, and so do the
// Arabic-script punctuation marks of bidi class AL or R (the Urdu full stop
// ۔, the Arabic comma ، and question mark ؟), which Fyne keeps there itself.
func neutral(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
		return false
	}
	p, _ := bidi.LookupRune(r)
	return p.Class() != bidi.R && p.Class() != bidi.AL
}

// mirror returns the mirrored form of a bracket (Unicode Bidi_Mirrored).
func mirror(r rune) rune {
	if m, ok := mirrored[r]; ok {
		return m
	}
	return r
}

var mirrored = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹',
}

// wrapRTL breaks right-to-left text into lines no wider than width (in
// logical order, as a reader reads them), then puts each line in visual
// order. Fyne must not wrap the result itself: it would break the visual
// order in the wrong places.
func wrapRTL(text string, size float32, style fyne.TextStyle, width float32) string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		line := ""
		for _, w := range words {
			try := w
			if line != "" {
				try = line + " " + w
			}
			if line != "" && width > 0 && fyne.MeasureText(try, size, style).Width > width {
				out = append(out, visualLine(line))
				line = w
				continue
			}
			line = try
		}
		out = append(out, visualLine(line))
	}
	return strings.Join(out, "\n")
}

// Bidirectional controls: U+2068 FIRST STRONG ISOLATE and U+2069 POP
// DIRECTIONAL ISOLATE fence a value (a number, perhaps with a minus sign)
// so that the words around it cannot pull it out of place.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)

// numberHint is the number question's hint ("a number from 1 to 20") in the
// participant's language, in the order Fyne must draw it. Each number is an
// isolate, so in Arabic "رقم من 1 إلى 20" reads from 1 to 20, right to left,
// rather than "20 إلى 1رقم من" (fyne-io/fyne#90).
func numberHint(l *Localizer, lo, hi int) string {
	s := l.T("question.number_hint", map[string]any{
		"Min": fsi + strconv.Itoa(lo) + pdi,
		"Max": fsi + strconv.Itoa(hi) + pdi,
	})
	if !l.Lang.RTL() {
		return stripControls(s)
	}
	return stripControls(bidiVisual(s))
}

// stripControls removes the invisible bidirectional isolates and embeddings
// once the order is settled: Fyne has no glyph for them. The left-to-right
// mark rtlRun uses stays.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0x2066 && r <= 0x2069, r >= 0x202a && r <= 0x202e, r == 0x200f:
			return -1
		}
		return r
	}, s)
}
