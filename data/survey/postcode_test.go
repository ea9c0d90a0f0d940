package survey

import (
	"errors"
	"strings"
	"testing"
)

func postcodeQuestion(t *testing.T) *Question {
	t.Helper()
	s, err := Parse("t.json", []byte(withQuestions(`
    {"id": "postcode", "type": "text", "input": "postcode_outward", "text": {"en": "Postcode?", "cy": "Cod post?"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	q, _ := s.Question("postcode")
	return q
}

// TestPostcodeOutward: a postcode_outward answer is the outward code (the
// part before the space) of what was typed, in capitals; a whole postcode
// is accepted and what follows the outward code is dropped, never kept.
func TestPostcodeOutward(t *testing.T) {
	q := postcodeQuestion(t)
	for _, tc := range []struct{ in, want string }{ // want "" for ErrPostcode, "-" for an empty answer
		{"SW1A 1AA", "SW1A"},
		{"sw1a 1aa", "SW1A"},
		{"SW1A", "SW1A"},
		{"  m1 1ae ", "M1"},
		{"M1", "M1"},
		{"CF10", "CF10"},
		{"cf10 1ab", "CF10"},
		{"W1A 0AX", "W1A"},
		{"EC1A 1BB", "EC1A"},
		{"B33 8TH", "B33"},
		{"NP20", "NP20"},
		{"BT1 1AA", "BT1"},
		{"GIR 0AA", "GIR"},
		{"SW1A1AA", "SW1A"}, // a whole postcode without its space
		{"M11AE", "M1"},
		{"SW1A  1AA extra words", "SW1A"},
		{"", "-"},
		{"   ", "-"},
		{"CF101", ""},
		{"12345", ""},
		{"SW1AB", ""},
		{"SW", ""},
		{"1A", ""},
		{"QA1", ""}, // no outward code starts with Q
		{"CF10X", ""},
		{"ＳＷ1A", ""}, // full-width letters
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := q.Normalize(Answer{Text: tc.in})
			switch tc.want {
			case "":
				if !errors.Is(err, ErrPostcode) {
					t.Errorf("Normalize(%q) = %+v, %v; want ErrPostcode", tc.in, got, err)
				}
			case "-":
				if err != nil || !got.Empty() {
					t.Errorf("Normalize(%q) = %+v, %v; want an empty answer", tc.in, got, err)
				}
			default:
				if err != nil || got.Text != tc.want {
					t.Errorf("Normalize(%q) = %+v, %v; want %q", tc.in, got, err, tc.want)
				}
				again, err := q.Normalize(got)
				if err != nil || again.Text != got.Text {
					t.Errorf("Normalize(%q) = %+v, %v; want it unchanged", got.Text, again, err)
				}
			}
		})
	}
	if q.Limit() < len("SW1A 1AA") {
		t.Errorf("Limit() = %d: a whole postcode cannot be typed", q.Limit())
	}
}

func TestInputProblems(t *testing.T) {
	for _, tc := range []struct{ qs, want string }{
		{`{"id": "a", "type": "text", "input": "postcode", "text": {"en": "A", "cy": "A"}}`,
			`t.json:13: questions[0].input: unknown input "postcode"; use postcode_outward`},
		{`{"id": "a", "type": "single", "input": "postcode_outward", "text": {"en": "A", "cy": "A"}, "options": [{"code": "x", "label": {"en": "X", "cy": "X"}}]}`,
			`t.json:13: questions[0].input: only text questions have input`},
		{`{"id": "a", "type": "text", "input": "postcode_outward", "max_length": 4, "text": {"en": "A", "cy": "A"}}`,
			`t.json:13: questions[0].max_length: a postcode_outward question has no max_length; it takes a whole postcode and keeps the first part`},
	} {
		_, err := Parse("t.json", []byte(withQuestions("    "+tc.qs)))
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse = %v\nwant %s", err, tc.want)
		}
	}
}

// TestNextStepsAndContact: the texts for the thank-you screen are
// optional, but when given they exist in every language.
func TestNextStepsAndContact(t *testing.T) {
	doc := strings.Replace(withQuestions(`    {"id": "a", "type": "text", "text": {"en": "A", "cy": "A"}}`),
		`"consent":`, `"next_steps": {"en": "We will write a report.", "cy": "Byddwn ni'n ysgrifennu adroddiad."},
  "contact": {"en": "Ask the staff.", "cy": "Gofynnwch i'r staff."},
  "consent":`, 1)
	s, err := Parse("t.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if s.NextSteps.In("cy") != "Byddwn ni'n ysgrifennu adroddiad." || s.Contact.In("en") != "Ask the staff." {
		t.Errorf("NextSteps, Contact = %v, %v", s.NextSteps, s.Contact)
	}
	bad := strings.Replace(doc, `"cy": "Gofynnwch i'r staff."`, `"pl": "Proszę zapytać obsługę."`, 1)
	_, err = Parse("t.json", []byte(bad))
	want := "t.json:8: contact: missing \"cy\" text\nt.json:8: contact.pl: language \"pl\" is not in the survey's languages list"
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v\nwant %s", err, want)
	}
}
