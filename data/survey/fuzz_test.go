package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add(readAllTypes(f))
	f.Add([]byte(chain))
	f.Add([]byte(logic)) // expressions, groups, constraints, date and decimal
	f.Add([]byte(withQuestions(`
    {"id": "a", "type": "number", "min": -5, "max": 5, "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "text", "max_length": 3, "text": {"en": "B", "cy": "B"}, "show_if": {"question": "a", "answered": true}},
    {"id": "c", "type": "multi", "text": {"en": "C", "cy": "C"}, "options": [{"code": "x", "exclusive": true, "label": {"en": "X", "cy": "X"}}]},
    {"id": "d", "type": "info", "text": {"en": "D", "cy": "D"}, "show_if": {"question": "c", "any_of": ["x"]}}`)))
	f.Add([]byte(withQuestions(`
    {"id": "p", "type": "text", "input": "postcode_outward", "text": {"en": "P", "cy": "P"}},
    {"id": "q", "type": "text", "text": {"en": "Q", "cy": "Q"}, "show_if": {"question": "p", "answered": true}}`)))
	for _, tc := range parseCases {
		f.Add([]byte(tc.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.json", data)
		if err != nil {
			ps, ok := err.(Problems)
			if !ok {
				t.Fatalf("error is %T, want Problems: %v", err, err)
			}
			if len(ps) == 0 {
				t.Fatal("empty Problems")
			}
			for i, p := range ps {
				if p.File != "f.json" || p.Line < 0 || p.Msg == "" {
					t.Errorf("problem %d = %+v; want File f.json, Line >= 0 and a message", i, p)
				}
				if i > 0 && p.Line < ps[i-1].Line {
					t.Errorf("problem %d on line %d follows line %d; want them in line order", i, p.Line, ps[i-1].Line)
				}
			}
			return
		}
		if s.File != "f.json" || len(s.SHA256) != 64 {
			t.Errorf("File, SHA256 = %q, %q", s.File, s.SHA256)
		}
		// Written out again, the survey parses to the same survey.
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		s2, err := Parse("again.json", out)
		if err != nil {
			t.Fatalf("parsing the marshalled survey: %v\ninput: %q\nmarshalled: %s", err, data, out)
		}
		out2, err := json.Marshal(s2)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		if !bytes.Equal(out, out2) {
			t.Errorf("round trip changed the survey:\n%s\n%s", out, out2)
		}
		// Skip logic on a valid survey never panics, with no answers or
		// with every choice question given its first option.
		ans := Answers{}
		s.Path(ans)
		for _, q := range s.Questions {
			if q.Choice() {
				o, _ := q.Option("yes")
				if len(q.Options) > 0 {
					o = q.Options[0]
				}
				ans[q.ID] = Answer{Choice: o.Code}
			}
		}
		lastN, lastTotal := 0, len(s.Questions)
		for _, i := range s.Path(ans) {
			if !s.Visible(i, ans) {
				t.Errorf("Path includes %d, which is not visible", i)
			}
			// The progress count goes up by one at each question and its
			// total never grows.
			n, total := s.Progress(i, ans)
			want := lastN
			if s.Questions[i].Answerable() {
				want++
			}
			if n != want || total > lastTotal || n > total {
				t.Errorf("at %s: Progress = %d of %d, after %d of %d", s.Questions[i].ID, n, total, lastN, lastTotal)
			}
			lastN, lastTotal = n, total
		}
		if _, err := s.Clean(ans); err != nil && !errors.Is(err, ErrWrongKind) {
			t.Errorf("Clean: %v", err)
		}
		s.Missing(ans)
	})
}

func FuzzParseReceipt(f *testing.F) {
	for _, s := range []string{"7KQ2M-X9D4R", "7kq2m x9d4r", "OOOOO-IIIII", "LLLLL-lllll", "", "-", "7KQ2M-X9D4U", "7KQ2M-X9D4\u0131", "7KQ2M-X9D4RR", "K7D-4MX-9RA", "k7o 4mx 9rs", "K7D-4MX-9R1", NewReceipt()} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseReceipt(in)
		if err != nil {
			if !errors.Is(err, ErrReceipt) || got != "" {
				t.Fatalf("ParseReceipt(%q) = %q, %v; want \"\", ErrReceipt", in, got, err)
			}
			return
		}
		if !receiptRE.MatchString(got) {
			t.Fatalf("ParseReceipt(%q) = %q, not canonical", in, got)
		}
		if again, err := ParseReceipt(got); err != nil || again != got {
			t.Fatalf("ParseReceipt(%q) = %q, %v; want %q", got, again, err, got)
		}
	})
}
