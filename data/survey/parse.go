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
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
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
	// The line of each value is found only when a problem needs it: the
	// walk takes as long as the decoding, and a kiosk reads its survey at
	// every start (issue 17). Its own errors (bad JSON, a second value
	// after the survey) come before the decoder's, as they always have.
	var pos posMap
	findLines := func() error {
		var err error
		pos, err = positions(data)
		return err
	}
	var s Survey
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&s)
	if _, end := dec.Token(); err != nil || end != io.EOF {
		if err := findLines(); err != nil {
			return nil, jsonProblem(name, data, err)
		}
	}
	if err != nil {
		var ce *conditionError
		if errors.As(err, &ce) {
			if p, ok := conditionProblem(name, data, pos); ok {
				return nil, Problems{p}
			}
		}
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
	v := validator{s: &s, lines: func() posMap {
		if pos.lines == nil {
			findLines() // the file decoded whole, so the walk cannot fail
		}
		return pos
	}, file: name}
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

// conditionError is a show_if that is neither an object of the right
// shape nor a string. Its offsets are within the condition, so Parse finds
// the condition (conditionProblem) to name its line and field.
type conditionError struct{ err error }

func (e *conditionError) Error() string { return e.err.Error() }
func (e *conditionError) Unwrap() error { return e.err }

// conditionProblem finds the first show_if in data that does not read as
// a condition and describes it, by its path and line.
func conditionProblem(name string, data []byte, pos posMap) (Problem, bool) {
	type holder struct {
		ShowIf json.RawMessage `json:"show_if"`
	}
	var raw struct {
		Groups    []holder `json:"groups"`
		Questions []holder `json:"questions"`
	}
	if json.Unmarshal(data, &raw) != nil {
		return Problem{}, false
	}
	check := func(list string, hs []holder) (Problem, bool) {
		for i, h := range hs {
			if len(h.ShowIf) == 0 || bytes.Equal(h.ShowIf, []byte("null")) {
				continue
			}
			var c Condition
			err := c.UnmarshalJSON(h.ShowIf)
			var te *json.UnmarshalTypeError
			if err == nil || !errors.As(err, &te) {
				continue
			}
			field := fmt.Sprintf("%s[%d].show_if", list, i)
			msg := fmt.Sprintf("must be %s, not %s", kind(te.Type.Kind().String()), te.Value)
			if te.Field != "" {
				field += "." + te.Field
			} else {
				msg = "must be an object {...} or an expression in quotes, not " + te.Value
			}
			return Problem{File: name, Line: pos.line(field), Field: field, Msg: msg}, true
		}
		return Problem{}, false
	}
	if p, ok := check("groups", raw.Groups); ok {
		return p, true
	}
	return check("questions", raw.Questions)
}
