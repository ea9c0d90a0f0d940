package translations

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"chorus/data/survey"

	"golang.org/x/text/language"
)

// MaxFileSize is the largest translation file Chorus reads. The
// English file is about 12 KB; anything near this size is a mistake.
const MaxFileSize = 1 << 20

// pluralForms are the CLDR plural categories a message may have.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// placeholderRE finds the {{.Name}} placeholders of a message.
var placeholderRE = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// Message is one entry of a translation file: its line and its forms (a
// plain message has the single form "other").
type Message struct {
	Line  int
	Forms map[string]string
}

// Messages are a translation file's messages by key.
type Messages map[string]Message

// MetaFile lists the languages: direction, review status, fallback chain.
// It sits apart from the translations so that every *.json beside en.json
// is a translation.
const MetaFile = "meta/languages.json"

// Check reads a translation file in go-i18n's flat JSON format
// (key: "text", or key: {"one": "...", "other": "..."}) and returns the
// messages that are fit to show and a problem, naming file, line and key,
// for everything left out. english holds the English messages to check
// against; it is nil while English itself is read. A problem with one
// message leaves out only that message (its English text shows instead); a
// problem with the whole file (not JSON, too big, not UTF-8) leaves out
// every message.
func Check(name string, data []byte, english Messages) (Messages, []error) {
	fail := func(line int, field, msg string) []error {
		return []error{survey.Problem{File: name, Line: line, Field: field, Msg: msg}}
	}
	if len(data) > MaxFileSize {
		return nil, fail(0, "", fmt.Sprintf("file is %.1f MiB, larger than the %d MiB a translation may be", float64(len(data))/(1<<20), MaxFileSize>>20))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from Notepad is harmless
	if !utf8.Valid(data) {
		return nil, fail(firstBadLine(data), "", "not UTF-8 text; save the file as UTF-8")
	}
	msgs, problems, err := readMessages(name, data)
	if err != nil {
		return nil, append(problems, jsonSyntaxProblem(name, data, err))
	}
	for key, m := range msgs {
		if why := messageProblem(key, m, english); why != "" {
			problems = append(problems, survey.Problem{File: name, Line: m.Line, Field: key, Msg: why})
			delete(msgs, key)
		}
	}
	slices.SortFunc(problems, func(a, b error) int {
		pa, pb := a.(survey.Problem), b.(survey.Problem)
		if pa.Line != pb.Line {
			return pa.Line - pb.Line
		}
		return strings.Compare(pa.Field, pb.Field)
	})
	return msgs, problems
}

// readMessages walks the JSON tokens of a translation file, recording each
// key's line. A key given twice is a problem; the later value is kept, as a
// JSON reader would.
func readMessages(name string, data []byte) (Messages, []error, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	msgs := Messages{}
	var problems []error
	if tok, err := dec.Token(); err != nil {
		return nil, nil, err
	} else if tok != json.Delim('{') {
		return nil, nil, &shapeError{off: dec.InputOffset(), msg: "a translation file is one object {...} of key: text"}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, problems, err
		}
		key, _ := tok.(string)
		line := lineAt(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, problems, err
		}
		m := Message{Line: line, Forms: map[string]string{}}
		var text string
		var forms map[string]string
		switch {
		case json.Unmarshal(raw, &text) == nil:
			m.Forms["other"] = text
		case json.Unmarshal(raw, &forms) == nil:
			for k, v := range forms {
				if k != "description" && k != "hash" {
					m.Forms[k] = v
				}
			}
		default:
			problems = append(problems, survey.Problem{File: name, Line: line, Field: key,
				Msg: `must be text in quotes, or an object of plural forms such as {"one": "...", "other": "..."}`})
			continue
		}
		if old, ok := msgs[key]; ok {
			problems = append(problems, survey.Problem{File: name, Line: line, Field: key,
				Msg: fmt.Sprintf("given twice (also on line %d); the later one is used", old.Line)})
		}
		msgs[key] = m
	}
	if _, err := dec.Token(); err != nil {
		return nil, problems, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, problems, &shapeError{off: dec.InputOffset(), msg: "more text after the closing }"}
	}
	return msgs, problems, nil
}

// messageProblem says what is wrong with one message, or "".
func messageProblem(key string, m Message, english Messages) string {
	if key == "" {
		return "a message needs a key"
	}
	if len(m.Forms) == 0 || m.Forms["other"] == "" {
		return `has no "other" text`
	}
	for _, form := range formsInOrder(m) {
		text := m.Forms[form]
		if !slices.Contains(pluralForms, form) {
			return fmt.Sprintf("%q is not a plural form (use %s)", form, strings.Join(pluralForms, ", "))
		}
		if strings.TrimSpace(text) == "" {
			return fmt.Sprintf("the %q text is empty", form)
		}
		// Only {{.Name}} placeholders: go-i18n runs each text as a Go
		// template, and a template can loop or recurse ({{range 1e9}}).
		// (Most texts have no braces at all, and need no pattern run.)
		if !strings.Contains(text, "{{") && !strings.Contains(text, "}}") {
			continue
		}
		if rest := placeholderRE.ReplaceAllString(text, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
			return fmt.Sprintf("the %q text has a {{ }} that is not a placeholder such as {{.Count}}", form)
		}
	}
	if english == nil {
		return ""
	}
	en, ok := english[key]
	if !ok {
		return "not in en.json (a misspelt key?)"
	}
	want := messagePlaceholders(en)
	for _, form := range formsInOrder(m) {
		if got := placeholdersOf(m.Forms[form]); !slices.Equal(got, want) {
			return fmt.Sprintf("the %q text has placeholders %s; en.json has %s", form, braces(got), braces(want))
		}
	}
	return ""
}

// formsInOrder lists m's forms in a fixed order (unknown names first,
// sorted, then CLDR's order), so a problem is always reported the same way.
func formsInOrder(m Message) []string {
	out := make([]string, 0, len(m.Forms))
	for form := range m.Forms {
		out = append(out, form)
	}
	rank := func(f string) int { return slices.Index(pluralForms, f) } // -1 for unknown
	slices.SortFunc(out, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return out
}

// messagePlaceholders are the placeholders used by any form of m, sorted.
func messagePlaceholders(m Message) []string {
	var out []string
	for _, text := range m.Forms {
		out = append(out, placeholdersOf(text)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// placeholdersOf returns the distinct placeholder names in text, sorted.
func placeholdersOf(text string) []string {
	if !strings.Contains(text, "{{") {
		return nil // most texts: no pattern to run
	}
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func braces(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = "{{." + n + "}}"
	}
	return strings.Join(parts, " ")
}

// JSON writes the messages back in go-i18n's format, for its bundle.
func (msgs Messages) JSON() []byte {
	out := map[string]any{}
	for key, m := range msgs {
		if len(m.Forms) == 1 {
			out[key] = m.Forms["other"]
		} else {
			out[key] = m.Forms
		}
	}
	b, _ := json.Marshal(out) // strings and maps of strings always marshal
	return b
}

// shapeError is valid JSON of the wrong shape, at a byte offset.
type shapeError struct {
	off int64
	msg string
}

func (e *shapeError) Error() string { return e.msg }

// jsonSyntaxProblem names the line of a JSON error.
func jsonSyntaxProblem(name string, data []byte, err error) error {
	var se *json.SyntaxError
	var sh *shapeError
	switch {
	case errors.As(err, &se):
		return survey.Problem{File: name, Line: lineAt(data, se.Offset), Msg: "not valid JSON: " + se.Error()}
	case errors.As(err, &sh):
		return survey.Problem{File: name, Line: lineAt(data, sh.off), Msg: sh.msg}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return survey.Problem{File: name, Line: lineAt(data, int64(len(bytes.TrimRight(data, " \t\r\n")))),
			Msg: "not valid JSON: the file ends too soon; check for a missing } or quote"}
	}
	return survey.Problem{File: name, Msg: "not valid JSON: " + err.Error()}
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// firstBadLine is the 1-based number of the first line of data that is
// not UTF-8.
func firstBadLine(data []byte) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return i + 1
		}
	}
	return 0
}

// ReadLanguages reads meta/languages.json: a list of languages, each with
// its tag, direction, review status and fallback chain. An entry with a
// problem is left out and reported with its line; the rest are kept.
func ReadLanguages(data []byte) ([]Language, []error) {
	if data == nil {
		return nil, nil // already reported as unreadable
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		if err == nil {
			err = &shapeError{off: dec.InputOffset(), msg: "must be a list [...] of languages"}
		}
		return nil, []error{jsonSyntaxProblem(MetaFile, data, err)}
	}
	var out []Language
	var problems []error
	seen := map[string]int{}
	for i := 0; dec.More(); i++ {
		line := lineAt(data, skipSpace(data, dec.InputOffset()))
		field := fmt.Sprintf("[%d]", i)
		var l Language
		if err := dec.Decode(&l); err != nil {
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) {
				return out, append(problems, jsonSyntaxProblem(MetaFile, data, err))
			}
			problems = append(problems, survey.Problem{File: MetaFile, Line: line, Field: field + "." + te.Field, Msg: "has the wrong kind of value"})
			continue
		}
		fail := func(f, msg string) {
			problems = append(problems, survey.Problem{File: MetaFile, Line: line, Field: field + f, Msg: msg})
		}
		switch t, err := language.Parse(l.Tag); {
		case l.Tag == "" || err != nil:
			fail(".tag", fmt.Sprintf("%q is not a BCP 47 language tag", l.Tag))
		case t.String() != l.Tag:
			fail(".tag", fmt.Sprintf("write %q as %q", l.Tag, t.String()))
		case seen[l.Tag] > 0:
			fail(".tag", fmt.Sprintf("%q is listed twice (also on line %d)", l.Tag, seen[l.Tag]))
		case l.Dir != "ltr" && l.Dir != "rtl":
			fail(".dir", `must be "ltr" or "rtl"`)
		case l.Status != "reviewed" && l.Status != "draft":
			fail(".status", `must be "reviewed" or "draft"`)
		case slices.Contains(l.Fallback, l.Tag):
			fail(".fallback", "a language cannot fall back to itself")
		default:
			seen[l.Tag] = line
			out = append(out, l)
		}
	}
	return out, problems
}

// skipSpace is the offset of the first byte from off on that is not JSON
// space or a comma: where the next value starts.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
		off++
	}
	return off
}
