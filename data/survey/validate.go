package survey

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// This file checks a parsed survey: every problem named by file, line and
// field (validator), with limits that keep the work in proportion to the
// file's size.

// Limits that keep the work of validating a file in proportion to its size
// (a forged batch can carry a survey file).
const (
	// MaxLanguages is the most languages a survey may declare; every text
	// is checked for each of them.
	MaxLanguages = 100
	// maxProblems is the most problems listed for one file; the rest are
	// counted.
	maxProblems = 1000
	// maxCycleIDs is the most question ids a skip-logic circle is named
	// with in full.
	maxCycleIDs = 20
)

var (
	idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	// Question and group ids are XML names as XLSForm (pyxform) takes
	// them, a colon aside: a letter or _, then letters, digits, _ - and .
	// (Id10002, __fever, label-test).
	qidPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)
	// Option codes are what XLSForm choice names are in practice: letters,
	// digits, _ - and ., no spaces (a multiple-choice answer is written as
	// codes between spaces): "1".."5", DK, -99, 1.5.
	codePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,80}$`)
)

type validator struct {
	s        *Survey
	lines    func() posMap // the line of each value, found when first asked
	file     string
	problems Problems
	more     int // problems found beyond maxProblems

	next     []int                   // the question each question's show_if looks at; -1 for none
	circle   []int                   // the length of the skip-logic circle through each question; 0 when on none
	optCodes map[int]map[string]bool // option codes of the questions that show_if conditions look at
}

func (v *validator) add(field, format string, args ...any) {
	if len(v.problems) >= maxProblems {
		v.more++
		return
	}
	v.problems = append(v.problems, Problem{File: v.file, Line: v.lines().line(field), Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) validate() {
	s := v.s
	if s.Format != Format {
		v.add("format", "must be %q, not %q", Format, s.Format)
	}
	if !idPattern.MatchString(s.ID) {
		v.add("id", "must be 1-40 lower-case letters, digits or _ and start with a letter, not %q", s.ID)
	}
	if s.Version < 1 {
		v.add("version", "must be a whole number from 1 up")
	}
	if !v.languages() {
		return
	}
	v.text("title", s.Title, true)
	v.text("intro", s.Intro, false)
	v.text("next_steps", s.NextSteps, false)
	v.text("contact", s.Contact, false)
	v.consent()
	v.questions()
	v.audio()
}

var (
	hexSHA256   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	packPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,79}$`)
	picPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,79}\.png$`)
)

// audio checks the audio pack reference: a plain folder name beside the
// survey file and a manifest hash.
func (v *validator) audio() {
	a := v.s.Audio
	if a == nil {
		return
	}
	if !packPattern.MatchString(a.Pack) || strings.Contains(a.Pack, "..") {
		v.add("audio.pack", "must be the name of a folder beside the survey file (lower-case letters, digits, . _ -), not %q", a.Pack)
	}
	if !hexSHA256.MatchString(a.SHA256) {
		v.add("audio.sha256", "must be the SHA-256 of the pack's manifest.json, 64 lower-case hex digits, as \"chorus-central survey audio\" prints it")
	}
}

// easyRead checks the easy-read consent: its text in every language and
// one line for each purpose, each purpose once.
func (v *validator) easyRead() {
	e := v.s.Consent.EasyRead
	if e == nil {
		return
	}
	v.text("consent.easy_read.text", e.Text, true)
	seen := map[string]bool{}
	for i := range e.Purposes {
		p := &e.Purposes[i]
		field := fmt.Sprintf("consent.easy_read.purposes[%d]", i)
		known := slices.ContainsFunc(v.s.Consent.Purposes, func(q Purpose) bool { return q.ID == p.ID })
		switch {
		case !known:
			v.add(field+".id", "%q is not one of the consent's purposes", p.ID)
		case seen[p.ID]:
			v.add(field+".id", "purpose %q is listed twice", p.ID)
		}
		seen[p.ID] = true
		v.text(field+".label", p.Label, true)
		if p.Picture != "" && !picPattern.MatchString(p.Picture) {
			v.add(field+".picture", "must be the name of a .png file beside the survey file, not %q", p.Picture)
		}
	}
	for _, p := range v.s.Consent.Purposes {
		if !seen[p.ID] {
			v.add("consent.easy_read.purposes", "missing purpose %q; give every purpose an easy-read line", p.ID)
		}
	}
}

// languages checks the languages list; false when it is too long to check
// the texts against.
func (v *validator) languages() bool {
	s := v.s
	if len(s.Languages) == 0 {
		v.add("languages", "list at least one language, e.g. [\"en\"]")
	}
	if len(s.Languages) > MaxLanguages {
		v.add("languages", "list at most %d languages, not %d", MaxLanguages, len(s.Languages))
		return false
	}
	seen := map[string]bool{}
	for i, tag := range s.Languages {
		field := fmt.Sprintf("languages[%d]", i)
		t, err := language.Parse(tag)
		switch {
		case err != nil:
			v.add(field, "%q is not a language tag (BCP 47, e.g. \"en\", \"cy\", \"zh-Hans\")", tag)
		case t.String() != tag:
			v.add(field, "write %q as %q", tag, t.String())
		case seen[tag]:
			v.add(field, "%q is listed twice", tag)
		}
		seen[tag] = true
	}
	return true
}

// text checks that t has every declared language and nothing else, and
// normalises it to NFC.
func (v *validator) text(field string, t Text, required bool) {
	if len(t) == 0 {
		if required {
			v.add(field, "missing; give the text in %s", strings.Join(v.s.Languages, ", "))
		}
		return
	}
	for _, tag := range v.s.Languages {
		if strings.TrimSpace(t[tag]) == "" {
			v.add(field, "missing %q text", tag)
		}
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(v.s.Languages, k) {
			v.add(field+"."+k, "language %q is not in the survey's languages list", k)
		}
		t[k] = norm.NFC.String(t[k])
	}
}

func (v *validator) consent() {
	c := &v.s.Consent
	if strings.TrimSpace(c.Version) == "" {
		v.add("consent.version", "missing; name this wording, e.g. \"2026-11-1\"")
	}
	v.text("consent.text", c.Text, true)
	if len(c.Purposes) == 0 {
		v.add("consent.purposes", "list at least one purpose, e.g. take_part")
	}
	seen := map[string]bool{}
	anyRequired := false
	for i := range c.Purposes {
		p := &c.Purposes[i]
		field := fmt.Sprintf("consent.purposes[%d]", i)
		if !idPattern.MatchString(p.ID) {
			v.add(field+".id", "must be lower-case letters, digits or _, not %q", p.ID)
		} else if seen[p.ID] {
			v.add(field+".id", "purpose %q is listed twice", p.ID)
		}
		seen[p.ID] = true
		anyRequired = anyRequired || p.Required
		v.text(field+".label", p.Label, true)
	}
	if len(c.Purposes) > 0 && !anyRequired {
		v.add("consent.purposes", "at least one purpose must be required (usually take_part)")
	}
	v.easyRead()
}

func (v *validator) questions() {
	s := v.s
	if len(s.Questions) == 0 {
		v.add("questions", "list at least one question")
	}
	s.index = map[string]int{}
	for i := range s.Questions {
		q := &s.Questions[i]
		field := fmt.Sprintf("questions[%d]", i)
		if !qidPattern.MatchString(q.ID) {
			v.add(field+".id", "must be 1-64 letters, digits, _ - or . and start with a letter or _, not %q", q.ID)
		} else if j, dup := s.index[q.ID]; dup {
			v.add(field+".id", "%q is already the id of questions[%d]", q.ID, j)
		} else {
			s.index[q.ID] = i
		}
		v.question(field, q)
	}
	v.circles()
	v.groupList()
	for i := range s.Questions {
		if s.Questions[i].ShowIf != nil {
			v.condition(i)
		}
		v.constraint(i)
	}
}

// circles finds the skip-logic circles: each question's show_if looks at
// one question, so following them from any question ends at a question
// without show_if, an unknown question, or a circle. Every question is
// followed once.
func (v *validator) circles() {
	s := v.s
	n := len(s.Questions)
	v.next = make([]int, n)
	v.circle = make([]int, n)
	for i := range s.Questions {
		v.next[i] = -1
		if c := s.Questions[i].ShowIf; c != nil {
			if j, ok := s.index[c.Question]; ok {
				v.next[i] = j
			}
		}
	}
	walk := make([]int, n) // 0 not yet followed, else the start of the walk that followed it
	for start := range s.Questions {
		cur := start
		for cur >= 0 && walk[cur] == 0 {
			walk[cur] = start + 1
			cur = v.next[cur]
		}
		if cur < 0 || walk[cur] != start+1 {
			continue // ended, or reached a question an earlier walk followed
		}
		length := 1
		for j := v.next[cur]; j != cur; j = v.next[j] {
			length++
		}
		for j, k := cur, 0; k < length; j, k = v.next[j], k+1 {
			v.circle[j] = length
		}
	}
}

func (v *validator) question(field string, q *Question) {
	if !slices.Contains(types, q.Type) {
		names := make([]string, len(types))
		for i, t := range types {
			names[i] = string(t)
		}
		v.add(field+".type", "unknown type %q; use one of %s", q.Type, strings.Join(names, ", "))
		return
	}
	v.text(field+".text", q.Text, true)
	v.text(field+".help", q.Help, false)
	if q.Type == Info && q.Required {
		v.add(field+".required", "an info screen takes no answer, so it cannot be required")
	}
	want := map[Type]int{Faces4: 4, Scale5: 5, YesNo: 2}
	if q.Type == YesNo && len(q.Options) > 0 {
		// A yes/no question may word its answers itself: Welsh answers
		// "Ydych chi...?" with "Ydw" but "Oes...?" with "Oes".
		if len(q.Options) != 2 || q.Options[0].Code != "yes" || q.Options[1].Code != "no" {
			v.add(field+".options", "a yesno question has no options, or exactly two with codes \"yes\" and \"no\" in that order to word the answers")
		}
	}
	switch q.Type {
	case Single, Multi, Faces4, Scale5, YesNo:
		if q.Type == YesNo && len(q.Options) == 0 {
			break
		}
		if len(q.Options) == 0 {
			v.add(field+".options", "a %s question needs options", q.Type)
		} else if n, fixed := want[q.Type]; fixed && len(q.Options) != n {
			v.add(field+".options", "a %s question has exactly %d options, not %d", q.Type, n, len(q.Options))
		}
		seen := map[string]bool{}
		for j := range q.Options {
			o := &q.Options[j]
			of := fmt.Sprintf("%s.options[%d]", field, j)
			if !codePattern.MatchString(o.Code) {
				v.add(of+".code", "must be 1-80 letters, digits, _ - or ., without spaces, not %q", o.Code)
			} else if seen[o.Code] {
				v.add(of+".code", "option %q is listed twice", o.Code)
			}
			seen[o.Code] = true
			v.text(of+".label", o.Label, true)
			if o.Exclusive && q.Type != Multi {
				v.add(of+".exclusive", "only options of a multi question can be exclusive")
			}
		}
	default:
		if len(q.Options) > 0 {
			v.add(field+".options", "a %s question has no options", q.Type)
		}
	}
	if q.Type == YesNo && len(q.Options) == 0 {
		q.Options = []Option{{Code: "yes"}, {Code: "no"}}
	}
	if q.Input != "" {
		switch {
		case q.Type != Free:
			v.add(field+".input", "only text questions have input")
		case !slices.Contains(inputs, q.Input):
			v.add(field+".input", "unknown input %q; use %s", q.Input, strings.Join(inputs, ", "))
		case q.MaxLength != 0:
			v.add(field+".max_length", "a %s question has no max_length; it takes a whole postcode and keeps the first part", q.Input)
		}
	}
	if q.Type == Number || q.Type == Decimal {
		if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
			v.add(field+".min", "min %d is more than max %d", *q.Min, *q.Max)
		}
	} else if q.Min != nil || q.Max != nil {
		v.add(field, "only number and decimal questions have min and max")
	}
	if q.MaxLength != 0 && (q.Type != Free || q.MaxLength < 1 || q.MaxLength > MaxMaxLength) {
		if q.Type != Free {
			v.add(field+".max_length", "only text questions have max_length")
		} else {
			v.add(field+".max_length", "must be from 1 to %d", MaxMaxLength)
		}
	}
}

func (v *validator) condition(i int) {
	s := v.s
	q := &s.Questions[i]
	c := q.ShowIf
	field := fmt.Sprintf("questions[%d].show_if", i)
	if c.Expr != "" {
		c.expr = v.expr(field, c.Expr, i, nil)
		return
	}
	set := 0
	if c.Equals != "" {
		set++
	}
	if len(c.AnyOf) > 0 {
		set++
	}
	if c.Answered {
		set++
	}
	if set != 1 {
		v.add(field, "give exactly one of equals, any_of or answered")
	}
	j, ok := s.index[c.Question]
	if !ok {
		v.add(field+".question", "unknown question %q", c.Question)
		return
	}
	if cycle := v.cycle(i); cycle != nil {
		v.add(field, "skip logic goes round in a circle: %s", strings.Join(cycle, " -> "))
		return
	}
	if j >= i {
		v.add(field+".question", "%q comes after this question; skip logic can only look at earlier answers", c.Question)
		return
	}
	ref := &s.Questions[j]
	if !ref.Answerable() {
		v.add(field+".question", "%q is an info screen and has no answer", c.Question)
		return
	}
	codes := c.AnyOf
	if c.Equals != "" {
		codes = []string{c.Equals}
	}
	for _, code := range codes {
		if !ref.Choice() {
			v.add(field, "%q is a %s question; use answered", c.Question, ref.Type)
			return
		}
		if !v.hasOption(j, code) {
			v.add(field, "%q has no option %q", c.Question, code)
		}
	}
	c.expr = c.compile()
}

// cycle returns the ids on a skip-logic cycle through question i, from i
// back to i, if any. A cycle that does not pass through i is reported at its
// own questions. A circle of more than maxCycleIDs questions is named by
// its first ten and how many more there are, so the problems stay in
// proportion to the file's size.
func (v *validator) cycle(i int) []string {
	s := v.s
	length := v.circle[i]
	if length == 0 {
		return nil
	}
	path := []string{s.Questions[i].ID}
	shown := length
	if length > maxCycleIDs {
		shown = 10
	}
	cur := i
	for range shown - 1 {
		cur = v.next[cur]
		path = append(path, s.Questions[cur].ID)
	}
	if shown < length {
		path = append(path, fmt.Sprintf("(%d more)", length-shown))
	}
	return append(path, s.Questions[i].ID)
}

// hasOption reports whether question j has an option with code.
func (v *validator) hasOption(j int, code string) bool {
	codes, ok := v.optCodes[j]
	if !ok {
		codes = map[string]bool{}
		for _, o := range v.s.Questions[j].Options {
			codes[o.Code] = true
		}
		if v.optCodes == nil {
			v.optCodes = map[int]map[string]bool{}
		}
		v.optCodes[j] = codes
	}
	return codes[code]
}
