package survey

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Answer is the answer to one question. Which field is used depends on the
// question's type: Choice for single, faces4, scale5 and yesno; Choices for
// multi; Text for text, date (YYYY-MM-DD) and decimal (such as 36.6);
// Number for number.
type Answer struct {
	Choice  string   `json:"choice,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Text    string   `json:"text,omitempty"`
	Number  *int     `json:"number,omitempty"`
}

// Empty reports whether the answer holds nothing.
func (a Answer) Empty() bool {
	return a.Choice == "" && len(a.Choices) == 0 && a.Text == "" && a.Number == nil
}

// Answers maps question ids to answers.
type Answers map[string]Answer

// Answer errors, for callers that turn them into translated messages.
var (
	ErrTooLong      = errors.New("answer is too long")
	ErrOutOfRange   = errors.New("number is out of range")
	ErrUnknownCode  = errors.New("not one of the question's options")
	ErrInvalidText  = errors.New("text is not valid")
	ErrWrongKind    = errors.New("answer does not fit the question type")
	ErrNotAnswering = errors.New("question takes no answer")
	ErrPostcode     = errors.New("not the first part of a UK postcode")
)

// Normalize checks a against q and returns it in canonical form: text in NFC
// with surrounding space trimmed, choices in the question's option order
// without duplicates. An empty answer is valid here; see [Survey.Missing].
func (q *Question) Normalize(a Answer) (Answer, error) {
	if !q.Answerable() {
		if a.Empty() {
			return a, nil
		}
		return Answer{}, ErrNotAnswering
	}
	switch q.Type {
	case Single, Faces4, Scale5, YesNo:
		if len(a.Choices) > 0 || a.Text != "" || a.Number != nil {
			return Answer{}, ErrWrongKind
		}
		if a.Choice != "" {
			if _, ok := q.Option(a.Choice); !ok {
				return Answer{}, fmt.Errorf("%q: %w", a.Choice, ErrUnknownCode)
			}
		}
		return Answer{Choice: a.Choice}, nil
	case Multi:
		if a.Choice != "" || a.Text != "" || a.Number != nil {
			return Answer{}, ErrWrongKind
		}
		var out []string
		for _, o := range q.Options {
			if slices.Contains(a.Choices, o.Code) {
				out = append(out, o.Code)
			}
		}
		for _, c := range a.Choices {
			if _, ok := q.Option(c); !ok {
				return Answer{}, fmt.Errorf("%q: %w", c, ErrUnknownCode)
			}
		}
		return Answer{Choices: out}, nil
	case Free:
		if a.Choice != "" || len(a.Choices) > 0 || a.Number != nil {
			return Answer{}, ErrWrongKind
		}
		t, err := CleanText(a.Text)
		if err != nil {
			return Answer{}, err
		}
		if q.Input == PostcodeOutward {
			if t, err = OutwardCode(t); err != nil {
				return Answer{}, err
			}
		}
		if utf8.RuneCountInString(t) > q.Limit() {
			return Answer{}, ErrTooLong
		}
		return Answer{Text: t}, nil
	case Number:
		if a.Choice != "" || len(a.Choices) > 0 || a.Text != "" {
			return Answer{}, ErrWrongKind
		}
		if a.Number != nil && ((q.Min != nil && *a.Number < *q.Min) || (q.Max != nil && *a.Number > *q.Max)) {
			return Answer{}, ErrOutOfRange
		}
		return a, nil
	case Date, Decimal:
		if a.Choice != "" || len(a.Choices) > 0 || a.Number != nil {
			return Answer{}, ErrWrongKind
		}
		if strings.TrimSpace(a.Text) == "" {
			return Answer{}, nil
		}
		if q.Type == Date {
			t := strings.TrimSpace(a.Text)
			if d, err := time.Parse(time.DateOnly, t); !datePattern.MatchString(t) || err != nil || d.Year() < 1000 {
				return Answer{}, ErrDate
			}
			return Answer{Text: t}, nil
		}
		t, err := normalizeDecimal(a.Text)
		if err != nil {
			return Answer{}, err
		}
		f, _ := strconv.ParseFloat(t, 64)
		if (q.Min != nil && f < float64(*q.Min)) || (q.Max != nil && f > float64(*q.Max)) {
			return Answer{}, ErrOutOfRange
		}
		return Answer{Text: t}, nil
	}
	return Answer{}, ErrWrongKind
}

// UK postcodes: the outward code (area and district: SW1A, M1, CF10, or
// GIR for GIR 0AA) and the inward code (sector and unit: 1AA), as the
// Government Data Standards Catalogue gives them.
var (
	outwardPattern = regexp.MustCompile(`^(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?|GIR)$`)
	inwardPattern  = regexp.MustCompile(`^[0-9][ABD-HJLNP-UW-Z]{2}$`)
)

// OutwardCode returns the outward code of a UK postcode as typed: what
// comes before the first space, in capitals ("sw1a 1aa" gives SW1A). A
// whole postcode typed without its space gives its outward code too
// ("SW1A1AA" gives SW1A), as the inward code is always a digit and two
// letters. It returns "" for blank text and [ErrPostcode] for anything that
// is not an outward code.
func OutwardCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		s = s[:i]
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - ('a' - 'A') // ASCII only, as postcodes are
		}
	}
	s = string(b)
	if n := len(s); n > 4 && inwardPattern.MatchString(s[n-3:]) {
		s = s[:n-3]
	}
	if !outwardPattern.MatchString(s) {
		return "", ErrPostcode
	}
	return s, nil
}

// CleanText returns s in NFC with surrounding white space trimmed. It rejects
// invalid UTF-8, NUL and other control characters except tab and newline.
func CleanText(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: not UTF-8", ErrInvalidText)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		if r == '\t' || r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return "", fmt.Errorf("%w: control character U+%04X", ErrInvalidText, r)
		}
	}
	return strings.TrimSpace(norm.NFC.String(s)), nil
}

// Toggle returns a multi-choice answer with code switched on or off. Picking
// an exclusive option ("prefer not to say") clears the others, and picking
// any other option clears the exclusive ones.
func (q *Question) Toggle(a Answer, code string) Answer {
	if slices.Contains(a.Choices, code) {
		return Answer{Choices: slices.DeleteFunc(slices.Clone(a.Choices), func(c string) bool { return c == code })}
	}
	o, ok := q.Option(code)
	if !ok {
		return a
	}
	var out []string
	if !o.Exclusive {
		for _, c := range a.Choices {
			if oc, ok := q.Option(c); ok && !oc.Exclusive {
				out = append(out, c)
			}
		}
	}
	out = append(out, code)
	n, _ := q.Normalize(Answer{Choices: out})
	return n
}

// Visible reports whether question i is shown, given the answers so far:
// its condition and those of the groups it is in hold. A hidden question
// has no answer as far as the conditions of later questions go, so a
// question whose condition looks for an answer to a hidden question is
// hidden too.
func (s *Survey) Visible(i int, ans Answers) bool {
	if i < 0 || i >= len(s.Questions) {
		return false
	}
	return s.pass(ans, i+1, len(s.Questions))[i] == yes
}

// Next returns the index of the first visible question after i, or -1 when
// there is none. Next(-1, ans) is the first question.
func (s *Survey) Next(i int, ans Answers) int {
	vis := s.pass(ans, len(s.Questions), len(s.Questions))
	for j := max(i+1, 0); j < len(vis); j++ {
		if vis[j] == yes {
			return j
		}
	}
	return -1
}

// Prev returns the index of the last visible question before i, or -1.
func (s *Survey) Prev(i int, ans Answers) int {
	vis := s.pass(ans, i, len(s.Questions))
	for j := len(vis) - 1; j >= 0; j-- {
		if vis[j] == yes {
			return j
		}
	}
	return -1
}

// Path returns the indexes of the questions a participant sees with ans.
func (s *Survey) Path(ans Answers) []int {
	var out []int
	for i, v := range s.pass(ans, len(s.Questions), len(s.Questions)) {
		if v == yes {
			out = append(out, i)
		}
	}
	return out
}

// Clean returns the answers to visible, answerable questions only, each
// normalised, dropping empty answers and answers the participant skipped past
// by changing an earlier answer.
func (s *Survey) Clean(ans Answers) (Answers, error) {
	out := Answers{}
	for _, i := range s.Path(ans) {
		q := &s.Questions[i]
		a, ok := ans[q.ID]
		if !ok || !q.Answerable() {
			continue
		}
		n, err := q.Normalize(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
		if !n.Empty() {
			out[q.ID] = n
		}
	}
	return out, nil
}

// Missing returns the ids of required visible questions without an answer.
func (s *Survey) Missing(ans Answers) []string {
	var out []string
	for _, i := range s.Path(ans) {
		q := &s.Questions[i]
		if q.Required && ans[q.ID].Empty() {
			out = append(out, q.ID)
		}
	}
	return out
}

// pipeRef is a reference to an answer in a question's text, ${id}.
var pipeRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}`)

// Pipe returns text (question i's text or help, in language lang) with
// each ${id} of an earlier question replaced by this participant's answer
// to it, as the participant saw it: an option's label in lang, the labels
// chosen joined with ", ", or what was typed. A question that was hidden or
// not answered gives nothing; ${id} of a question that is not earlier is
// left as written. words gives the label of an option that has none of its
// own (a yes/no question's, which are the kiosk's words); nil shows the
// code. ans must be this participant's answers only: the kiosk passes the
// answers of the participant at the screen, which it clears between
// participants.
func (s *Survey) Pipe(i int, text, lang string, ans Answers, words func(code string) string) string {
	if !strings.Contains(text, "${") {
		return text
	}
	var vis []tri
	return pipeRef.ReplaceAllStringFunc(text, func(m string) string {
		j, ok := s.index[m[2:len(m)-1]]
		if !ok || j >= i || i > len(s.Questions) {
			return m
		}
		if vis == nil {
			vis = s.pass(ans, i, len(s.Questions))
		}
		q := &s.Questions[j]
		if vis[j] != yes || !q.Answerable() {
			return ""
		}
		a := ans[q.ID]
		label := func(code string) string {
			if o, ok := q.Option(code); ok && o.Label.In(lang) != "" {
				return o.Label.In(lang)
			}
			if words != nil {
				return words(code)
			}
			return code
		}
		switch {
		case a.Number != nil:
			return strconv.Itoa(*a.Number)
		case a.Choice != "":
			return label(a.Choice)
		case len(a.Choices) > 0:
			parts := make([]string, len(a.Choices))
			for k, c := range a.Choices {
				parts[k] = label(c)
			}
			return strings.Join(parts, ", ")
		}
		return a.Text
	})
}
