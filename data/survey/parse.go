package survey

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// MaxFileSize is the largest survey file Chorus reads.
const MaxFileSize = 4 << 20

// Problem is one thing wrong with a survey file.
type Problem struct {
	File  string // base name of the file
	Line  int    // 1-based; 0 when unknown
	Field string // JSON path such as questions[3].show_if; "" for the file
	Msg   string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in one survey file, in file order.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// ParseFile reads and parses the survey at path.
func ParseFile(path string) (*Survey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return Parse(filepath.Base(path), data)
}

// Parse parses and validates a survey file. name is used in messages. On
// failure the error is [Problems] listing everything found.
func Parse(name string, data []byte) (*Survey, error) {
	fail := func(line int, field, msg string) error {
		return Problems{{File: name, Line: line, Field: field, Msg: msg}}
	}
	if len(data) > MaxFileSize {
		return nil, fail(0, "", fmt.Sprintf("file is larger than %d MiB", MaxFileSize>>20))
	}
	sum := sha256.Sum256(data)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from Notepad is harmless
	if !utf8.Valid(data) {
		off := firstInvalidUTF8(data)
		return nil, fail(lineAt(data, off), "", "not valid UTF-8 text; save the file as UTF-8")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(0, "", "file is empty")
	}
	pos, err := positions(data)
	if err != nil {
		return nil, jsonProblem(name, data, err)
	}
	var s Survey
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fail(lineAt(data, te.Offset), te.Field, fmt.Sprintf("must be %s, not %s", kind(te.Type.Kind().String()), te.Value))
		}
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if key, _ := strconv.Unquote(f); key == pos.unknownKey {
				return nil, fail(pos.unknownLine, pos.unknownIn, "unknown field "+f+"; check the spelling")
			}
			return nil, fail(0, "", "unknown field "+f+"; check the spelling")
		}
		return nil, jsonProblem(name, data, err)
	}
	s.File = name
	s.SHA256 = hex.EncodeToString(sum[:])
	v := validator{s: &s, pos: pos, file: name}
	v.validate()
	if len(v.problems) > 0 {
		sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].Line < v.problems[j].Line })
		if v.more > 0 {
			v.problems = append(v.problems, Problem{File: name, Msg: fmt.Sprintf("%d more problems not listed; fix these first", v.more)})
		}
		return nil, v.problems
	}
	return &s, nil
}

// jsonProblem describes an error from reading the JSON as a problem.
func jsonProblem(name string, data []byte, err error) error {
	p := Problem{File: name, Msg: "not valid JSON: " + err.Error()}
	var se *json.SyntaxError
	var te *trailingError
	switch {
	case errors.As(err, &se):
		p.Line = lineAt(data, se.Offset)
	case errors.As(err, &te):
		p.Line = lineAt(data, te.Offset)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		p.Line = lineAt(data, int64(len(bytes.TrimRight(data, " \t\r\n"))))
		p.Msg = "not valid JSON: the file ends too soon; check for a missing } or ]"
	default:
		p.Msg = "not a survey: " + err.Error()
	}
	return Problems{p}
}

func kind(k string) string {
	switch k {
	case "int", "int64":
		return "a whole number"
	case "string":
		return "text in quotes"
	case "bool":
		return "true or false"
	case "slice":
		return "a list [...]"
	case "map", "struct":
		return "an object {...}"
	}
	return k
}

func firstInvalidUTF8(b []byte) int64 {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return int64(i)
		}
		i += n
	}
	return int64(len(b))
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// lineCounter gives the lines of offsets in data that only grow, as the
// JSON decoder's do, counting each byte once: a file's lines in time in
// proportion to its size, where lineAt for every key took time in
// proportion to the square of it.
type lineCounter struct {
	data []byte
	off  int64 // line is the line of data[off]
	line int
}

func (l *lineCounter) at(off int64) int {
	off = min(max(off, 0), int64(len(l.data)))
	if off < l.off {
		return lineAt(l.data, off)
	}
	l.line += bytes.Count(l.data[l.off:off], []byte("\n"))
	l.off = off
	return l.line
}

// posMap maps JSON paths ("questions[3].show_if") to 1-based lines.
type posMap struct {
	lines map[string]int
	// The first object key that is no field of the survey format: the path
	// of the object that holds it, the key and the key's line.
	unknownIn   string
	unknownKey  string
	unknownLine int
}

// line returns the line of path or of its nearest ancestor that exists.
func (p posMap) line(path string) int {
	for {
		if l, ok := p.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return p.lines[""]
		}
		path = path[:i]
	}
}

// trailingError is a second JSON value after the survey's object.
type trailingError struct{ Offset int64 }

func (e *trailingError) Error() string { return "more text after the closing }" }

// positions walks the JSON tokens of data alongside the Survey type and
// records the line of each value the survey format knows. Values it does not
// know (unknown keys, a list where text belongs) are skipped without
// recursion or recording, so memory stays in proportion to the file's size
// however deeply a bad file nests.
func positions(data []byte) (posMap, error) {
	p := posMap{lines: map[string]int{"": 1}}
	lines := lineCounter{data: data, line: 1}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// start returns the offset of the next value, past space and commas.
	start := func() int64 {
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
			off++
		}
		return off
	}
	// skip reads tokens until depth open brackets are closed; with depth 0
	// it skips one whole value.
	skip := func(depth int) error {
		for {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			switch tok {
			case json.Delim('{'), json.Delim('['):
				depth++
			case json.Delim('}'), json.Delim(']'):
				depth--
			}
			if depth <= 0 {
				return nil
			}
		}
	}
	var walk func(path string, t reflect.Type) error
	walk = func(path string, t reflect.Type) error {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			if t.Kind() != reflect.Struct && t.Kind() != reflect.Map {
				return skip(1)
			}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				line := lines.at(dec.InputOffset())
				name, ft := key, reflect.Type(nil)
				if t.Kind() == reflect.Map {
					ft = t.Elem()
				} else if name, ft = jsonField(t, key); ft == nil {
					if p.unknownKey == "" {
						p.unknownIn, p.unknownKey, p.unknownLine = path, key, line
					}
					if err := skip(0); err != nil {
						return err
					}
					continue
				}
				child := name
				if path != "" {
					child = path + "." + name
				}
				p.lines[child] = line // of the last if a key repeats, as its value is the one kept
				if err := walk(child, ft); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			if t.Kind() != reflect.Slice {
				return skip(1)
			}
			for i := 0; dec.More(); i++ {
				child := fmt.Sprintf("%s[%d]", path, i)
				p.lines[child] = lines.at(start())
				if err := walk(child, t.Elem()); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	if err := walk("", reflect.TypeFor[Survey]()); err != nil {
		return p, err
	}
	off := start()
	if _, err := dec.Token(); err == nil {
		return p, &trailingError{Offset: off}
	} else if err != io.EOF {
		return p, err
	}
	return p, nil
}

// jsonField returns the name and type of the field of struct t that
// encoding/json decodes key into, matching case as it does, or a nil type
// when there is none.
func jsonField(t reflect.Type, key string) (string, reflect.Type) {
	var folded reflect.StructField
	foldedName := ""
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		if name == key {
			return name, f.Type
		}
		if foldedName == "" && strings.EqualFold(name, key) {
			folded, foldedName = f, name
		}
	}
	return foldedName, folded.Type
}

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
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,39}$`) // option codes may be "1".."5"
)

type validator struct {
	s        *Survey
	pos      posMap
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
	v.problems = append(v.problems, Problem{File: v.file, Line: v.pos.line(field), Field: field, Msg: fmt.Sprintf(format, args...)})
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
		if !idPattern.MatchString(q.ID) {
			v.add(field+".id", "must be 1-40 lower-case letters, digits or _ and start with a letter, not %q", q.ID)
		} else if j, dup := s.index[q.ID]; dup {
			v.add(field+".id", "%q is already the id of questions[%d]", q.ID, j)
		} else {
			s.index[q.ID] = i
		}
		v.question(field, q)
	}
	v.circles()
	for i := range s.Questions {
		if s.Questions[i].ShowIf != nil {
			v.condition(i)
		}
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
				v.add(of+".code", "must be 1-40 lower-case letters, digits or _, not %q", o.Code)
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
	if q.Type == Number {
		if q.Min == nil || q.Max == nil {
			v.add(field, "a number question needs min and max")
		} else if *q.Min > *q.Max {
			v.add(field+".min", "min %d is more than max %d", *q.Min, *q.Max)
		}
	} else if q.Min != nil || q.Max != nil {
		v.add(field, "only number questions have min and max")
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
