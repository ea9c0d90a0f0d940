package survey

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func num(n int) *int { return &n }

func choice(c string) Answer      { return Answer{Choice: c} }
func choices(cs ...string) Answer { return Answer{Choices: cs} }
func text(s string) Answer        { return Answer{Text: s} }
func number(n int) Answer         { return Answer{Number: num(n)} }

// ids lists the ids of questions is, comma-separated.
func ids(s *Survey, is []int) string {
	var out []string
	for _, i := range is {
		out = append(out, s.Questions[i].ID)
	}
	return strings.Join(out, ",")
}

// alltypes.json: intro, online, devices (only if online is yes), confidence,
// ease, why_hard (only if ease is 1 or 2), story, age.
func TestPath(t *testing.T) {
	s := parseAllTypes(t)
	for _, tc := range []struct {
		name string
		ans  Answers
		want string
	}{
		{"no answers", nil, "intro,online,confidence,ease,story,age"},
		{"online yes shows devices", Answers{"online": choice("yes")}, "intro,online,devices,confidence,ease,story,age"},
		{"online no hides devices", Answers{"online": choice("no")}, "intro,online,confidence,ease,story,age"},
		{"ease 1 shows why_hard", Answers{"ease": choice("1")}, "intro,online,confidence,ease,why_hard,story,age"},
		{"ease 2 shows why_hard", Answers{"ease": choice("2")}, "intro,online,confidence,ease,why_hard,story,age"},
		{"ease 3 hides why_hard", Answers{"ease": choice("3")}, "intro,online,confidence,ease,story,age"},
		{"ease 5 hides why_hard", Answers{"ease": choice("5")}, "intro,online,confidence,ease,story,age"},
		{"both shown", Answers{"online": choice("yes"), "ease": choice("1")}, "intro,online,devices,confidence,ease,why_hard,story,age"},
		{"empty answer counts as none", Answers{"online": {}}, "intro,online,confidence,ease,story,age"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(s, s.Path(tc.ans)); got != tc.want {
				t.Errorf("Path = %s\nwant   %s", got, tc.want)
			}
			// Visible agrees with Path for every question.
			path := s.Path(tc.ans)
			for i := range s.Questions {
				if got, want := s.Visible(i, tc.ans), slices.Contains(path, i); got != want {
					t.Errorf("Visible(%d %s) = %v, want %v", i, s.Questions[i].ID, got, want)
				}
			}
		})
	}
}

func TestNextPrev(t *testing.T) {
	s := parseAllTypes(t)
	yes := Answers{"online": choice("yes"), "ease": choice("2")}
	no := Answers{"online": choice("no"), "ease": choice("4")}
	for _, tc := range []struct {
		name string
		ans  Answers
		from int
		next int
		prev int
	}{
		{"start", no, -1, 0, -1},
		{"first has no prev", no, 0, 1, -1},
		{"online no skips devices", no, 1, 3, 0},
		{"online yes goes to devices", yes, 1, 2, 0},
		{"back from confidence, devices hidden", no, 3, 4, 1},
		{"back from confidence, devices shown", yes, 3, 4, 2},
		{"ease 4 skips why_hard", no, 4, 6, 3},
		{"ease 2 goes to why_hard", yes, 4, 5, 3},
		{"back from story, why_hard hidden", no, 6, 7, 4},
		{"back from story, why_hard shown", yes, 6, 7, 5},
		{"last has no next", no, 7, -1, 6},
		{"past the end", no, 8, -1, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Next(tc.from, tc.ans); got != tc.next {
				t.Errorf("Next(%d) = %d, want %d", tc.from, got, tc.next)
			}
			if got := s.Prev(tc.from, tc.ans); got != tc.prev {
				t.Errorf("Prev(%d) = %d, want %d", tc.from, got, tc.prev)
			}
		})
	}
}

func TestClean(t *testing.T) {
	s := parseAllTypes(t)
	for _, tc := range []struct {
		name    string
		ans     Answers
		want    Answers
		wantErr error
	}{
		{
			name: "everything shown is kept, normalised",
			ans: Answers{
				"online":     choice("yes"),
				"devices":    choices("laptop", "phone", "laptop"),
				"confidence": choice("happy"),
				"ease":       choice("1"),
				"why_hard":   choice("cost"),
				"story":      text("  It was fine.\r\n  "),
				"age":        number(40),
			},
			want: Answers{
				"online":     choice("yes"),
				"devices":    choices("phone", "laptop"),
				"confidence": choice("happy"),
				"ease":       choice("1"),
				"why_hard":   choice("cost"),
				"story":      text("It was fine."),
				"age":        number(40),
			},
		},
		{
			name: "answers to hidden questions are dropped",
			ans: Answers{
				"online":   choice("no"),
				"devices":  choices("phone"), // answered before online changed to no
				"ease":     choice("3"),
				"why_hard": choice("cost"),
			},
			want: Answers{"online": choice("no"), "ease": choice("3")},
		},
		{
			name: "empty answers, info screens and unknown ids are dropped",
			ans: Answers{
				"online": {},
				"story":  text("   "),
				"intro":  {},
				"nope":   choice("x"),
			},
			want: Answers{},
		},
		{
			name:    "a bad answer to a shown question is an error",
			ans:     Answers{"online": choice("maybe")},
			wantErr: ErrUnknownCode,
		},
		{
			name: "a bad answer to a hidden question is dropped, not an error",
			ans:  Answers{"online": choice("no"), "devices": choices("tablet")},
			want: Answers{"online": choice("no")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Clean(tc.ans)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.HasPrefix(err.Error(), "online: ") {
					t.Fatalf("error = %v; want online: %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Clean = %s\nwant    %s", show(got), show(tc.want))
			}
		})
	}
}

func show(a Answers) string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		v := a[k]
		fmt.Fprintf(&b, "%s=%q%q%q", k, v.Choice, v.Choices, v.Text)
		if v.Number != nil {
			fmt.Fprintf(&b, "%d", *v.Number)
		}
		b.WriteString(" ")
	}
	return b.String()
}

func TestMissing(t *testing.T) {
	s := parseAllTypes(t)
	for _, tc := range []struct {
		name string
		ans  Answers
		want []string
	}{
		{"nothing answered", nil, []string{"online", "confidence"}},
		{"required ones answered", Answers{"online": choice("no"), "confidence": choice("sad")}, nil},
		{"empty answer is missing", Answers{"online": {}, "confidence": choice("happy")}, []string{"online"}},
		{"optional ones are never missing", Answers{"online": choice("yes"), "confidence": choice("happy")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Missing(tc.ans); !slices.Equal(got, tc.want) {
				t.Errorf("Missing = %q, want %q", got, tc.want)
			}
		})
	}
}

// chain: b is shown if a is yes, c if b is answered, d if c is answered. If
// a changes to no, b, c and d are all hidden, even with stale answers.
const chain = `{
  "format": "chorus-survey/1",
  "id": "chain",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Chain"},
  "consent": {"version": "1", "text": {"en": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes"}}]},
  "questions": [
    {"id": "a", "type": "yesno", "text": {"en": "A?"}},
    {"id": "b", "type": "yesno", "required": true, "text": {"en": "B?"}, "show_if": {"question": "a", "equals": "yes"}},
    {"id": "c", "type": "text", "required": true, "text": {"en": "C?"}, "show_if": {"question": "b", "answered": true}},
    {"id": "d", "type": "number", "min": 0, "max": 9, "text": {"en": "D?"}, "show_if": {"question": "c", "answered": true}},
    {"id": "e", "type": "info", "text": {"en": "Thanks"}}
  ]
}`

func TestChainedHiding(t *testing.T) {
	s, err := Parse("chain.json", []byte(chain))
	if err != nil {
		t.Fatal(err)
	}
	stale := Answers{"b": choice("yes"), "c": text("because"), "d": number(3)}
	for _, tc := range []struct {
		name    string
		a       string
		path    string
		clean   string
		missing []string
	}{
		{"a yes", "yes", "a,b,c,d,e", "a,b,c,d", nil},
		{"a no", "no", "a,e", "a", nil},
		{"a unanswered", "", "a,e", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans := Answers{"a": choice(tc.a)}
			for k, v := range stale {
				ans[k] = v
			}
			if got := ids(s, s.Path(ans)); got != tc.path {
				t.Errorf("Path = %s, want %s", got, tc.path)
			}
			if got := s.Visible(3, ans); got != strings.Contains(tc.path, "d") {
				t.Errorf("Visible(d) = %v", got)
			}
			cleaned, err := s.Clean(ans)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range cleaned {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if got := strings.Join(keys, ","); got != tc.clean {
				t.Errorf("Clean kept %s, want %s", got, tc.clean)
			}
			if got := s.Missing(ans); !slices.Equal(got, tc.missing) {
				t.Errorf("Missing = %q, want %q", got, tc.missing)
			}
		})
	}
	// With a yes and nothing else, b and c are required and missing; c is
	// hidden until b has an answer, so only b is missing.
	if got := s.Missing(Answers{"a": choice("yes")}); !slices.Equal(got, []string{"b"}) {
		t.Errorf("Missing(a=yes) = %q, want [b]", got)
	}
	if got := s.Missing(Answers{"a": choice("yes"), "b": choice("no")}); !slices.Equal(got, []string{"c"}) {
		t.Errorf("Missing(a=yes, b=no) = %q, want [c]", got)
	}
}

func TestNormalize(t *testing.T) {
	s := parseAllTypes(t)
	long := func(r string, n int) string { return strings.Repeat(r, n) }
	for _, tc := range []struct {
		name    string
		q       string
		in      Answer
		want    Answer
		wantErr error
	}{
		// info
		{"info, empty", "intro", Answer{}, Answer{}, nil},
		{"info, answered", "intro", choice("yes"), Answer{}, ErrNotAnswering},
		// yesno
		{"yesno yes", "online", choice("yes"), choice("yes"), nil},
		{"yesno no", "online", choice("no"), choice("no"), nil},
		{"yesno empty", "online", Answer{}, Answer{}, nil},
		{"yesno unknown code", "online", choice("maybe"), Answer{}, ErrUnknownCode},
		{"yesno upper case is unknown", "online", choice("YES"), Answer{}, ErrUnknownCode},
		{"yesno as a list", "online", choices("yes"), Answer{}, ErrWrongKind},
		{"yesno as text", "online", Answer{Choice: "yes", Text: "yes"}, Answer{}, ErrWrongKind},
		// single
		{"single", "why_hard", choice("cost"), choice("cost"), nil},
		{"single, another question's code", "why_hard", choice("phone"), Answer{}, ErrUnknownCode},
		{"single as a number", "why_hard", number(1), Answer{}, ErrWrongKind},
		// faces4, scale5
		{"faces4", "confidence", choice("very_happy"), choice("very_happy"), nil},
		{"faces4 unknown", "confidence", choice("neutral"), Answer{}, ErrUnknownCode},
		{"scale5", "ease", choice("5"), choice("5"), nil},
		{"scale5 out of scale", "ease", choice("6"), Answer{}, ErrUnknownCode},
		{"scale5 as a number", "ease", number(3), Answer{}, ErrWrongKind},
		// multi
		{"multi in option order, no duplicates", "devices", choices("laptop", "phone", "laptop"), choices("phone", "laptop"), nil},
		{"multi one", "devices", choices("laptop"), choices("laptop"), nil},
		{"multi empty", "devices", Answer{}, Answer{}, nil},
		{"multi unknown code", "devices", choices("phone", "tablet"), Answer{}, ErrUnknownCode},
		{"multi as a single choice", "devices", choice("phone"), Answer{}, ErrWrongKind},
		// text
		{"text", "story", text("It was fine."), text("It was fine."), nil},
		{"text trimmed", "story", text(" \t\n It was fine. \u00a0\n"), text("It was fine."), nil},
		{"text NFC", "story", text("Cafe\u0301"), text("Caf\u00e9"), nil},
		{"text CRLF to LF", "story", text("one\r\ntwo\r\nthree"), text("one\ntwo\nthree"), nil},
		{"text tab and newline kept", "story", text("a\tb\nc"), text("a\tb\nc"), nil},
		{"text only space", "story", text(" \n "), Answer{}, nil},
		{"text NUL", "story", text("a\x00b"), Answer{}, ErrInvalidText},
		{"text escape", "story", text("a\x1b[31mb"), Answer{}, ErrInvalidText},
		{"text lone CR", "story", text("a\rb"), Answer{}, ErrInvalidText},
		{"text DEL", "story", text("a\x7fb"), Answer{}, ErrInvalidText},
		{"text C1 control", "story", text("a\u0085b"), Answer{}, ErrInvalidText},
		{"text not UTF-8", "story", text("caf\xe9"), Answer{}, ErrInvalidText},
		{"text at the limit in runes", "story", text(long("é", 500)), text(long("é", 500)), nil},
		{"text at the limit after trimming", "story", text("  " + long("x", 500) + "  "), text(long("x", 500)), nil},
		{"text at the limit after NFC", "story", text(long("e\u0301", 500)), text(long("é", 500)), nil},
		{"text over the limit", "story", text(long("é", 501)), Answer{}, ErrTooLong},
		{"text over the limit, ASCII", "story", text(long("x", 501)), Answer{}, ErrTooLong},
		{"text as a choice", "story", choice("x"), Answer{}, ErrWrongKind},
		// number
		{"number", "age", number(40), number(40), nil},
		{"number at min", "age", number(16), number(16), nil},
		{"number at max", "age", number(120), number(120), nil},
		{"number below min", "age", number(15), Answer{}, ErrOutOfRange},
		{"number above max", "age", number(121), Answer{}, ErrOutOfRange},
		{"number negative", "age", number(-40), Answer{}, ErrOutOfRange},
		{"number empty", "age", Answer{}, Answer{}, nil},
		{"number as text", "age", text("40"), Answer{}, ErrWrongKind},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, ok := s.Question(tc.q)
			if !ok {
				t.Fatalf("no question %s", tc.q)
			}
			got, err := q.Normalize(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Normalize = %s, want %s", show(Answers{"": got}), show(Answers{"": tc.want}))
			}
		})
	}
}

// The byte length of a 500-rune answer is over the limit: the limit counts
// characters, as a participant sees them.
func TestNormalizeCountsRunes(t *testing.T) {
	s := parseAllTypes(t)
	q, _ := s.Question("story")
	a := text(strings.Repeat("ŵ", q.Limit()))
	if len(a.Text) <= q.Limit() {
		t.Fatalf("test text is %d bytes; want more than %d", len(a.Text), q.Limit())
	}
	if _, err := q.Normalize(a); err != nil {
		t.Errorf("Normalize(%d runes, %d bytes): %v", q.Limit(), len(a.Text), err)
	}
}

func TestCleanTextErrors(t *testing.T) {
	_, err := CleanText("a\x00b")
	if err == nil || err.Error() != "text is not valid: control character U+0000" {
		t.Errorf("CleanText(NUL) error = %v", err)
	}
}

func TestToggle(t *testing.T) {
	s := parseAllTypes(t)
	q, _ := s.Question("devices")
	for _, tc := range []struct {
		name string
		from []string
		code string
		want []string
	}{
		{"first choice", nil, "phone", []string{"phone"}},
		{"second choice", []string{"phone"}, "laptop", []string{"phone", "laptop"}},
		{"kept in option order", []string{"laptop"}, "phone", []string{"phone", "laptop"}},
		{"toggle off", []string{"phone", "laptop"}, "phone", []string{"laptop"}},
		{"toggle off the last", []string{"phone"}, "phone", nil},
		{"exclusive clears the others", []string{"phone", "laptop"}, "prefer_not", []string{"prefer_not"}},
		{"another clears the exclusive", []string{"prefer_not"}, "laptop", []string{"laptop"}},
		{"exclusive toggled off", []string{"prefer_not"}, "prefer_not", nil},
		{"unknown code changes nothing", []string{"phone"}, "tablet", []string{"phone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := slices.Clone(tc.from)
			got := q.Toggle(Answer{Choices: from}, tc.code)
			if !slices.Equal(got.Choices, tc.want) {
				t.Errorf("Toggle(%q, %s) = %q, want %q", tc.from, tc.code, got.Choices, tc.want)
			}
			if got.Choice != "" || got.Text != "" || got.Number != nil {
				t.Errorf("Toggle set more than Choices: %+v", got)
			}
			if !slices.Equal(from, tc.from) {
				t.Errorf("Toggle changed its argument to %q", from)
			}
			if len(tc.want) == 0 && !got.Empty() {
				t.Errorf("Toggle = %+v, want an empty answer", got)
			}
			if n, err := q.Normalize(got); err != nil || !slices.Equal(n.Choices, got.Choices) {
				t.Errorf("Toggle result is not normalised: %q (%v)", n.Choices, err)
			}
		})
	}
}
