package survey

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// withQuestions wraps qs, the inside of a questions list, in an otherwise
// valid survey in English and Welsh. The head takes lines 1-12, so the first
// line of qs is line 13.
func withQuestions(qs string) string {
	return `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": ["en", "cy"],
  "title": {"en": "Title", "cy": "Teitl"},
  "consent": {
    "version": "v1",
    "text": {"en": "Consent", "cy": "Caniatâd"},
    "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes", "cy": "Ie"}}]
  },
  "questions": [
` + strings.TrimPrefix(qs, "\n") + `
  ]
}
`
}

// parseCase is a survey file and the exact problems Parse reports for it,
// in order. The file is named t.json.
type parseCase struct {
	name string
	doc  string
	want []string
}

var parseCases = []parseCase{
	{
		name: "empty file",
		doc:  "",
		want: []string{"t.json: file is empty"},
	},
	{
		name: "only white space",
		doc:  " \n\t\r\n",
		want: []string{"t.json: file is empty"},
	},
	{
		name: "missing comma",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t"
  "version": 1
}`,
		want: []string{`t.json:4: not valid JSON: invalid character '"' after object key:value pair`},
	},
	{
		name: "not JSON at all",
		doc: `format: chorus-survey/1
id: t`,
		want: []string{"t.json:1: not valid JSON: invalid character 'o' in literal false (expecting 'a')"},
	},
	{
		name: "file ends too soon",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "questions": [
`,
		want: []string{"t.json:4: not valid JSON: the file ends too soon; check for a missing } or ]"},
	},
	{
		name: "second value after the survey",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}}`) + `{}
`,
		want: []string{"t.json:16: not valid JSON: more text after the closing }"},
	},
	{
		name: "not UTF-8",
		doc: `{
  "format": "chorus-survey/1",
  "title": {"en": "Caf` + "\xe9" + `"}
}`,
		want: []string{"t.json:3: not valid UTF-8 text; save the file as UTF-8"},
	},
	{
		name: "version in quotes",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": "1"
}`,
		want: []string{"t.json:4: version: must be a whole number, not string"},
	},
	{
		// The field names the list but not which entry; the line does.
		name: "wrong type inside a question",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "yesno", "text": {"en": "B", "cy": "B"},
     "required": "yes"}`),
		want: []string{"t.json:15: questions.required: must be true or false, not string"},
	},
	{
		name: "text where a list of languages belongs",
		doc: `{
  "format": "chorus-survey/1",
  "languages": "en"
}`,
		want: []string{"t.json:3: languages: must be a list [...], not string"},
	},
	{
		name: "not an object",
		doc: `[
  "chorus-survey/1"
]`,
		want: []string{"t.json:1: must be an object {...}, not array"},
	},
	{
		name: "unknown field at the top",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "titel": {"en": "Title"}
}`,
		want: []string{`t.json:4: unknown field "titel"; check the spelling`},
	},
	{
		name: "misspelt field in a question",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "yesno",
     "requried": true,
     "text": {"en": "B", "cy": "B"}}`),
		want: []string{`t.json:15: questions[1]: unknown field "requried"; check the spelling`},
	},
	{
		// "id" is a field of the survey (line 3) but not of the consent
		// block; the line must be where the wrong one is.
		name: "unknown field named like a field elsewhere",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "consent": {
    "id": "c1"
  }
}`,
		want: []string{`t.json:5: consent: unknown field "id"; check the spelling`},
	},
	{
		// encoding/json keeps the last of repeated keys, so the problem is
		// on the line of the last.
		name: "repeated key",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Title"},
  "consent": {"version": "v1", "text": {"en": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes"}}]},
  "questions": [{"id": "a", "type": "info", "text": {"en": "A"}}],
  "version": -1
}`,
		want: []string{"t.json:9: version: must be a whole number from 1 up"},
	},
	{
		// Keys match fields whatever their case, as in encoding/json.
		name: "key in another case",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": ["en"],
  "Title": {"en": "Title", "EN": "Title"},
  "consent": {"version": "v1", "text": {"en": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes"}}]},
  "questions": [{"id": "a", "type": "info", "text": {"en": "A"}}]
}`,
		want: []string{`t.json:6: title.EN: language "EN" is not in the survey's languages list`},
	},
	{
		name: "wrong format",
		doc: `{
  "format": "chorus-survey/2",
  "id": "t",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Title"},
  "consent": {"version": "v1", "text": {"en": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes"}}]},
  "questions": [{"id": "a", "type": "info", "text": {"en": "A"}}]
}`,
		want: []string{`t.json:2: format: must be "chorus-survey/1", not "chorus-survey/2"`},
	},
	{
		name: "bad id and version 0",
		doc: `{
  "format": "chorus-survey/1",
  "id": "My survey",
  "version": 0,
  "languages": ["en"],
  "title": {"en": "Title"},
  "consent": {"version": "v1", "text": {"en": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes"}}]},
  "questions": [{"id": "a", "type": "info", "text": {"en": "A"}}]
}`,
		want: []string{
			`t.json:3: id: must be 1-40 lower-case letters, digits or _ and start with a letter, not "My survey"`,
			"t.json:4: version: must be a whole number from 1 up",
		},
	},
	{
		name: "no languages",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": [],
  "title": {"en": "Title"},
  "consent": {"version": "v1", "text": {"en": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes"}}]},
  "questions": [{"id": "a", "type": "info", "text": {"en": "A"}}]
}`,
		want: []string{
			`t.json:5: languages: list at least one language, e.g. ["en"]`,
			`t.json:6: title.en: language "en" is not in the survey's languages list`,
			`t.json:7: consent.text.en: language "en" is not in the survey's languages list`,
			`t.json:7: consent.purposes[0].label.en: language "en" is not in the survey's languages list`,
			`t.json:8: questions[0].text.en: language "en" is not in the survey's languages list`,
		},
	},
	{
		name: "bad, non-canonical and repeated language tags",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": [
    "en",
    "EN",
    "zh-hans",
    "english!",
    "en"
  ],
  "title": {"en": "Title", "EN": "Title", "zh-hans": "T", "english!": "T"},
  "consent": {"version": "v1", "text": {"en": "C", "EN": "C", "zh-hans": "C", "english!": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes", "EN": "Y", "zh-hans": "Y", "english!": "Y"}}]},
  "questions": [{"id": "a", "type": "info", "text": {"en": "A", "EN": "A", "zh-hans": "A", "english!": "A"}}]
}`,
		want: []string{
			`t.json:7: languages[1]: write "EN" as "en"`,
			`t.json:8: languages[2]: write "zh-hans" as "zh-Hans"`,
			`t.json:9: languages[3]: "english!" is not a language tag (BCP 47, e.g. "en", "cy", "zh-Hans")`,
			`t.json:10: languages[4]: "en" is listed twice`,
		},
	},
	{
		name: "missing translation",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "yesno", "text": {"en": "B", "cy": "B"}},
    {"id": "c", "type": "text",
     "text": {"en": "Tell us more", "cy": " "}}`),
		want: []string{`t.json:16: questions[2].text: missing "cy" text`},
	},
	{
		name: "missing text altogether",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b",
     "type": "yesno"}`),
		want: []string{`t.json:14: questions[1].text: missing; give the text in en, cy`},
	},
	{
		name: "text in an undeclared language",
		doc: withQuestions(`
    {"id": "a", "type": "info",
     "text": {"en": "A", "cy": "A",
       "fr": "A"}}`),
		want: []string{`t.json:15: questions[0].text.fr: language "fr" is not in the survey's languages list`},
	},
	{
		name: "duplicate question id",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "info", "text": {"en": "B", "cy": "B"}},
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"}}`),
		want: []string{`t.json:15: questions[2].id: "a" is already the id of questions[0]`},
	},
	{
		name: "bad question id",
		doc: withQuestions(`
    {"id": "2nd", "type": "info", "text": {"en": "A", "cy": "A"}}`),
		want: []string{`t.json:13: questions[0].id: must be 1-64 letters, digits, _ - or . and start with a letter or _, not "2nd"`},
	},
	{
		name: "unknown question type",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "dropdown", "text": {"en": "B", "cy": "B"}}`),
		want: []string{`t.json:14: questions[1].type: unknown type "dropdown"; use one of single, multi, faces4, scale5, yesno, text, number, info, date, decimal`},
	},
	{
		name: "choice question with empty options",
		doc: withQuestions(`
    {"id": "a", "type": "single", "text": {"en": "A", "cy": "A"},
     "options": []},
    {"id": "b", "type": "multi", "text": {"en": "B", "cy": "B"}}`),
		want: []string{
			`t.json:14: questions[0].options: a single question needs options`,
			`t.json:15: questions[1].options: a multi question needs options`,
		},
	},
	{
		name: "faces4 with 3 options",
		doc: withQuestions(`
    {"id": "a", "type": "faces4", "text": {"en": "A", "cy": "A"},
     "options": [
       {"code": "sad", "label": {"en": "Sad", "cy": "Trist"}},
       {"code": "ok", "label": {"en": "OK", "cy": "Iawn"}},
       {"code": "happy", "label": {"en": "Happy", "cy": "Hapus"}}
     ]}`),
		want: []string{`t.json:14: questions[0].options: a faces4 question has exactly 4 options, not 3`},
	},
	{
		name: "scale5 with 4 options",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "scale5", "text": {"en": "B", "cy": "B"},
     "options": [
       {"code": "1", "label": {"en": "1", "cy": "1"}},
       {"code": "2", "label": {"en": "2", "cy": "2"}},
       {"code": "3", "label": {"en": "3", "cy": "3"}},
       {"code": "4", "label": {"en": "4", "cy": "4"}}
     ]}`),
		want: []string{`t.json:15: questions[1].options: a scale5 question has exactly 5 options, not 4`},
	},
	{
		name: "bad and repeated option codes",
		doc: withQuestions(`
    {"id": "a", "type": "single", "text": {"en": "A", "cy": "A"},
     "options": [
       {"code": "bus", "label": {"en": "Bus", "cy": "Bws"}},
       {"code": "C ar", "label": {"en": "Car", "cy": "Car"}},
       {"code": "bus", "label": {"en": "Bus", "cy": "Bws"}},
       {"code": "walk", "exclusive": true, "label": {"en": "Walk", "cy": "Cerdded"}}
     ]}`),
		want: []string{
			`t.json:16: questions[0].options[1].code: must be 1-80 letters, digits, _ - or ., without spaces, not "C ar"`,
			`t.json:17: questions[0].options[2].code: option "bus" is listed twice`,
			`t.json:18: questions[0].options[3].exclusive: only options of a multi question can be exclusive`,
		},
	},
	{
		name: "option without a label",
		doc: withQuestions(`
    {"id": "a", "type": "single", "text": {"en": "A", "cy": "A"},
     "options": [
       {"code": "bus", "label": {"en": "Bus", "cy": "Bws"}},
       {"code": "car"}
     ]}`),
		want: []string{`t.json:16: questions[0].options[1].label: missing; give the text in en, cy`},
	},
	{
		name: "yesno with options other than yes and no",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"},
     "options": [
       {"code": "no", "label": {"en": "No", "cy": "Nac oes"}},
       {"code": "yes", "label": {"en": "Yes", "cy": "Oes"}}
     ]}`),
		want: []string{`t.json:14: questions[0].options: a yesno question has no options, or exactly two with codes "yes" and "no" in that order to word the answers`},
	},
	{
		name: "min on text",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "number", "min": 1, "text": {"en": "B", "cy": "B"}},
    {"id": "c", "type": "text", "min": 1, "text": {"en": "C", "cy": "C"}}`),
		want: []string{
			`t.json:15: questions[2]: only number and decimal questions have min and max`,
		},
	},
	{
		name: "min more than max",
		doc: withQuestions(`
    {"id": "a", "type": "number", "text": {"en": "A", "cy": "A"},
     "min": 10,
     "max": 1}`),
		want: []string{`t.json:14: questions[0].min: min 10 is more than max 1`},
	},
	{
		name: "max_length on a non-text question and out of range",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"},
     "max_length": 10},
    {"id": "b", "type": "text", "text": {"en": "B", "cy": "B"},
     "max_length": 100001}`),
		want: []string{
			`t.json:14: questions[0].max_length: only text questions have max_length`,
			`t.json:16: questions[1].max_length: must be from 1 to 100000`,
		},
	},
	{
		name: "required info screen",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"},
     "required": true}`),
		want: []string{`t.json:14: questions[0].required: an info screen takes no answer, so it cannot be required`},
	},
	{
		name: "required_message on a question that is not required",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"},
     "required_message": {"en": "Say yes or no", "cy": "Dywedwch ie neu na"}}`),
		want: []string{`t.json:14: questions[0].required_message: the question is not required, so this message is never shown`},
	},
	{
		name: "required_message missing a language",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"}, "required": true,
     "required_message": {"en": "Say yes or no"}}`),
		want: []string{`t.json:14: questions[0].required_message: missing "cy" text`},
	},
	{
		name: "show_if an unknown question",
		doc: withQuestions(`
    {"id": "q1", "type": "yesno", "text": {"en": "A", "cy": "A"}},
    {"id": "q2", "type": "yesno", "text": {"en": "B", "cy": "B"}},
    {"id": "q3", "type": "yesno", "text": {"en": "C", "cy": "C"}},
    {"id": "q4", "type": "yesno", "text": {"en": "D", "cy": "D"},
     "show_if": {
       "question": "q9", "equals": "yes"}}`),
		want: []string{`t.json:18: questions[3].show_if.question: unknown question "q9"`},
	},
	{
		name: "show_if a later question",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"},
     "show_if": {"question": "b", "equals": "yes"}},
    {"id": "b", "type": "yesno", "text": {"en": "B", "cy": "B"}}`),
		want: []string{`t.json:14: questions[0].show_if.question: "b" comes after this question; skip logic can only look at earlier answers`},
	},
	{
		name: "show_if itself",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"},
     "show_if": {"question": "a", "answered": true}}`),
		want: []string{`t.json:14: questions[0].show_if: skip logic goes round in a circle: a -> a`},
	},
	{
		name: "show_if cycle",
		doc: withQuestions(`
    {"id": "q1", "type": "yesno", "text": {"en": "A", "cy": "A"},
     "show_if": {"question": "q2", "equals": "yes"}},
    {"id": "q2", "type": "yesno", "text": {"en": "B", "cy": "B"},
     "show_if": {"question": "q1", "equals": "yes"}}`),
		want: []string{
			`t.json:14: questions[0].show_if: skip logic goes round in a circle: q1 -> q2 -> q1`,
			`t.json:16: questions[1].show_if: skip logic goes round in a circle: q2 -> q1 -> q2`,
		},
	},
	{
		name: "show_if a code the question lacks",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "single", "text": {"en": "B", "cy": "B"},
     "options": [{"code": "x", "label": {"en": "X", "cy": "X"}}]},
    {"id": "c", "type": "info", "text": {"en": "C", "cy": "C"},
     "show_if": {"question": "a", "equals": "maybe"}},
    {"id": "d", "type": "info", "text": {"en": "D", "cy": "D"},
     "show_if": {"question": "b", "any_of": ["x", "y"]}}`),
		want: []string{
			`t.json:17: questions[2].show_if: "a" has no option "maybe"`,
			`t.json:19: questions[3].show_if: "b" has no option "y"`,
		},
	},
	{
		name: "show_if equals on a number question",
		doc: withQuestions(`
    {"id": "a", "type": "number", "min": 0, "max": 9, "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "info", "text": {"en": "B", "cy": "B"},
     "show_if": {"question": "a", "equals": "3"}}`),
		want: []string{`t.json:15: questions[1].show_if: "a" is a number question; use answered`},
	},
	{
		name: "show_if with two tests or none",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "info", "text": {"en": "B", "cy": "B"},
     "show_if": {"question": "a", "equals": "yes", "answered": true}},
    {"id": "c", "type": "info", "text": {"en": "C", "cy": "C"},
     "show_if": {"question": "a"}}`),
		want: []string{
			`t.json:15: questions[1].show_if: give exactly one of equals, any_of or answered`,
			`t.json:17: questions[2].show_if: give exactly one of equals, any_of or answered`,
		},
	},
	{
		name: "show_if an info screen",
		doc: withQuestions(`
    {"id": "a", "type": "info", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "yesno", "text": {"en": "B", "cy": "B"},
     "show_if": {"question": "a", "answered": true}}`),
		want: []string{`t.json:15: questions[1].show_if.question: "a" is an info screen and has no answer`},
	},
	{
		name: "consent without a required purpose",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Title"},
  "consent": {
    "version": "v1",
    "text": {"en": "C"},
    "purposes": [
      {"id": "quotes", "label": {"en": "Quote me"}}
    ]
  },
  "questions": [{"id": "a", "type": "info", "text": {"en": "A"}}]
}`,
		want: []string{`t.json:10: consent.purposes: at least one purpose must be required (usually take_part)`},
	},
	{
		name: "duplicate purpose and empty consent",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Title"},
  "consent": {
    "version": "",
    "text": {},
    "purposes": [
      {"id": "take_part", "required": true, "label": {"en": "Yes"}},
      {"id": "take_part", "label": {"en": "Yes again"}}
    ]
  },
  "questions": [{"id": "a", "type": "info", "text": {"en": "A"}}]
}`,
		want: []string{
			`t.json:8: consent.version: missing; name this wording, e.g. "2026-11-1"`,
			`t.json:9: consent.text: missing; give the text in en`,
			`t.json:12: consent.purposes[1].id: purpose "take_part" is listed twice`,
		},
	},
	{
		name: "no purposes, no questions",
		doc: `{
  "format": "chorus-survey/1",
  "id": "t",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Title"},
  "consent": {"version": "v1", "text": {"en": "C"}},
  "questions": []
}`,
		want: []string{
			`t.json:7: consent.purposes: list at least one purpose, e.g. take_part`,
			`t.json:8: questions: list at least one question`,
		},
	},
	{
		name: "several problems at once, by line",
		doc: withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A"}},
    {"id": "b", "type": "info", "text": {"en": "B", "cy": "B"},
     "show_if": {"question": "z", "equals": "yes"}},
    {"id": "a", "type": "number", "text": {"en": "C", "cy": "C"}}`),
		want: []string{
			`t.json:13: questions[0].text: missing "cy" text`,
			`t.json:15: questions[1].show_if.question: unknown question "z"`,
			`t.json:16: questions[2].id: "a" is already the id of questions[0]`,
		},
	},
}

func TestParseProblems(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.json", []byte(tc.doc))
			if err == nil {
				t.Fatalf("Parse succeeded with %q; want problems:\n%s", s.ID, strings.Join(tc.want, "\n"))
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T (%v); want Problems", err, err)
			}
			got := make([]string, len(ps))
			for i, p := range ps {
				got[i] = p.Error()
				if p.File != "t.json" {
					t.Errorf("problem %d: File = %q, want t.json", i, p.File)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
			if err.Error() != strings.Join(tc.want, "\n") {
				t.Errorf("Error() = %q, want the problems one per line", err.Error())
			}
		})
	}
}

// The minimal valid document behind withQuestions must itself parse, or the
// cases built on it prove nothing.
func TestWithQuestionsIsValid(t *testing.T) {
	doc := withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"}}`)
	s, err := Parse("t.json", []byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := s.Questions[0].ID; got != "a" {
		t.Errorf("first question id = %q, want a", got)
	}
	if got := strings.Split(doc, "\n")[12]; !strings.Contains(got, `"id": "a"`) {
		t.Errorf("line 13 = %q, want the first question", got)
	}
}

func readAllTypes(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "alltypes.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseAllTypes(t testing.TB) *Survey {
	t.Helper()
	s, err := ParseFile(filepath.Join("testdata", "alltypes.json"))
	if err != nil {
		t.Fatalf("ParseFile(alltypes.json): %v", err)
	}
	return s
}

func TestParseAllTypes(t *testing.T) {
	data := readAllTypes(t)
	sum := sha256.Sum256(data)
	s := parseAllTypes(t)
	if s.File != "alltypes.json" {
		t.Errorf("File = %q, want alltypes.json (base name)", s.File)
	}
	if want := hex.EncodeToString(sum[:]); s.SHA256 != want {
		t.Errorf("SHA256 = %s, want %s", s.SHA256, want)
	}
	if s.ID != "all_types" || s.Version != 3 || !s.KeepPartial {
		t.Errorf("id, version, keep_partial = %q, %d, %v; want all_types, 3, true", s.ID, s.Version, s.KeepPartial)
	}
	if got := strings.Join(s.Languages, ","); got != "en,cy" {
		t.Errorf("Languages = %s, want en,cy", got)
	}
	if !s.HasLanguage("cy") || s.HasLanguage("fr") {
		t.Errorf("HasLanguage(cy), HasLanguage(fr) = %v, %v; want true, false", s.HasLanguage("cy"), s.HasLanguage("fr"))
	}
	if got := s.Title.In("cy"); got != "Pob math o gwestiwn" {
		t.Errorf("Title.In(cy) = %q", got)
	}
	if got := s.Title.In("fr"); got != "" {
		t.Errorf("Title.In(fr) = %q, want empty", got)
	}
	var ids []string
	for _, q := range s.Questions {
		ids = append(ids, q.ID+":"+string(q.Type))
	}
	want := "intro:info,online:yesno,devices:multi,confidence:faces4,ease:scale5,why_hard:single,story:text,age:number"
	if got := strings.Join(ids, ","); got != want {
		t.Errorf("questions = %s\nwant %s", got, want)
	}
	for i, q := range s.Questions {
		got, ok := s.Question(q.ID)
		if !ok || got != &s.Questions[i] {
			t.Errorf("Question(%q) = %p, %v; want &Questions[%d]", q.ID, got, ok, i)
		}
	}
	if q, ok := s.Question("nope"); ok || q != nil {
		t.Errorf("Question(nope) = %v, %v; want nil, false", q, ok)
	}
	online, _ := s.Question("online")
	for _, code := range []string{"yes", "no"} {
		if _, ok := online.Option(code); !ok {
			t.Errorf("yesno question has no option %q", code)
		}
	}
	if _, ok := online.Option("maybe"); ok {
		t.Errorf("yesno question has option maybe")
	}
	age, _ := s.Question("age")
	if age.Min == nil || age.Max == nil || *age.Min != 16 || *age.Max != 120 || age.Section != "about_you" {
		t.Errorf("age = min %v max %v section %q; want 16, 120, about_you", age.Min, age.Max, age.Section)
	}
	story, _ := s.Question("story")
	if story.Limit() != 500 {
		t.Errorf("story.Limit() = %d, want 500", story.Limit())
	}
	if (&Question{Type: Free}).Limit() != DefaultMaxLength {
		t.Errorf("Limit without max_length = %d, want %d", (&Question{Type: Free}).Limit(), DefaultMaxLength)
	}
	devices, _ := s.Question("devices")
	if o, ok := devices.Option("prefer_not"); !ok || !o.Exclusive {
		t.Errorf("devices prefer_not = %+v, %v; want exclusive", o, ok)
	}
	if got := s.Consent.Purposes; len(got) != 2 || !got[0].Required || got[1].Required {
		t.Errorf("purposes = %+v; want take_part required, quotes not", got)
	}
}

func TestParseBOM(t *testing.T) {
	data := append([]byte("\xef\xbb\xbf"), readAllTypes(t)...)
	s, err := Parse("bom.json", data)
	if err != nil {
		t.Fatalf("Parse with a BOM: %v", err)
	}
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]); s.SHA256 != want {
		t.Errorf("SHA256 = %s, want the hash of the file as read, BOM included (%s)", s.SHA256, want)
	}
	// Lines still count from the top of the file.
	_, err = Parse("bom.json", []byte("\xef\xbb\xbf{\n  \"version\": \"1\"\n}"))
	if err == nil || err.Error() != "bom.json:2: version: must be a whole number, not string" {
		t.Errorf("error = %v; want bom.json:2: version: ...", err)
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	t.Run("missing file", func(t *testing.T) {
		_, err := ParseFile(filepath.Join(dir, "none.json"))
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("error = %v; want one that is os.ErrNotExist", err)
		}
	})
	t.Run("problems name the base name", func(t *testing.T) {
		path := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(path, []byte("{\n  \"version\": 0\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ParseFile(path)
		var ps Problems
		if !errors.As(err, &ps) || ps[0].File != "bad.json" {
			t.Fatalf("error = %v; want Problems naming bad.json", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		path := filepath.Join(dir, "big.json")
		data := bytes.Repeat([]byte(" "), MaxFileSize+1)
		data[0] = '{'
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ParseFile(path)
		if err == nil || err.Error() != "big.json: file is larger than 4 MiB" {
			t.Errorf("error = %v; want big.json: file is larger than 4 MiB", err)
		}
	})
}

func TestParseSize(t *testing.T) {
	// A valid survey padded with spaces to exactly MaxFileSize parses; one
	// byte more does not.
	data := readAllTypes(t)
	pad := func(n int) []byte { return append(bytes.Clone(data), bytes.Repeat([]byte(" "), n-len(data))...) }
	if _, err := Parse("max.json", pad(MaxFileSize)); err != nil {
		t.Errorf("file of MaxFileSize bytes: %v", err)
	}
	_, err := Parse("big.json", pad(MaxFileSize+1))
	if err == nil || err.Error() != "big.json: file is larger than 4 MiB" {
		t.Errorf("file of MaxFileSize+1 bytes: error = %v; want big.json: file is larger than 4 MiB", err)
	}
}

func TestParseNFC(t *testing.T) {
	doc := withQuestions(`
    {"id": "a", "type": "single", "text": {"en": "Cafe\u0301?", "cy": "Caffi\u0301?"},
     "options": [{"code": "x", "label": {"en": "Cre\u0300me", "cy": "X"}}]}`)
	doc = strings.Replace(doc, `"Title"`, `"Cafe\u0301"`, 1)
	s, err := Parse("t.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ where, got, want string }{
		{"title", s.Title["en"], "Caf\u00e9"},
		{"question text", s.Questions[0].Text["en"], "Caf\u00e9?"},
		{"question text cy", s.Questions[0].Text["cy"], "Caff\u00ed?"},
		{"option label", s.Questions[0].Options[0].Label["en"], "Cr\u00e8me"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %+q, want %+q (NFC)", c.where, c.got, c.want)
		}
	}
}

// A hostile file must not cost memory out of proportion to its size: deep
// nesting and long keys under unknown fields once made Parse run out of
// memory. Each case must finish quickly with one problem.
func TestParseHostile(t *testing.T) {
	long := strings.Repeat("k", 100_000)
	for _, tc := range []struct {
		name, doc string
		want      string // the one problem, or its start when it ends in ...
	}{
		{
			name: "deep nesting under an unknown key",
			doc:  "{\n\"x\": " + strings.Repeat("[", 500_000) + strings.Repeat("]", 500_000) + "}",
			want: "t.json:2: not valid JSON: invalid character '[' exceeded max depth",
		},
		{
			name: "deep nesting, unclosed",
			doc:  "{\n\"x\": " + strings.Repeat("[", 500_000),
			want: "t.json:2: not valid JSON: the file ends too soon; check for a missing } or ]",
		},
		{
			name: "deep nesting under a known field",
			doc:  "{\n\"title\": " + strings.Repeat(`{"en": `, 200_000) + `"x"` + strings.Repeat("}", 200_000) + "}",
			want: "t.json:2: not valid JSON: invalid character '{' exceeded max depth",
		},
		{
			name: "long unknown key with many children",
			doc:  "{\n\"" + long + "\": [" + strings.Repeat("1,", 500_000) + "1]}",
			want: "t.json:2: unknown field \"" + long + "\"; check the spelling",
		},
		{
			name: "long text key with many questions",
			doc:  "{\"title\": {\"" + long + "\": \"x\"},\n\"questions\": [" + strings.Repeat("{},", 20_000) + "{}]\n}",
			want: "t.json:1: format: must be ...",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse("t.json", []byte(tc.doc))
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			got := err.Error()
			if prefix, ok := strings.CutSuffix(tc.want, "..."); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("error = %.200s...\nwant %s...", got, prefix)
				}
			} else if got != tc.want {
				t.Errorf("error = %.200s\nwant %.200s", got, tc.want)
			}
			// Before the fix these allocated gigabytes; now a few times the
			// file's size.
			if n, limit := after.TotalAlloc-before.TotalAlloc, uint64(1000*len(tc.doc)); n > limit {
				t.Errorf("Parse allocated %d MB for a %d kB file; want under %d MB", n>>20, len(tc.doc)>>10, limit>>20)
			}
		})
	}
}

// A parsed survey written out again as JSON is a survey file that parses to
// the same survey.
func TestParseRoundTrip(t *testing.T) {
	s := parseAllTypes(t)
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Parse("again.json", out)
	if err != nil {
		t.Fatalf("parsing the marshalled survey: %v\n%s", err, out)
	}
	out2, err := json.MarshalIndent(s2, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, out2) {
		t.Errorf("second round trip differs:\n%s\nwant\n%s", out2, out)
	}
	if q, _ := s2.Question("online"); len(q.Options) != 2 {
		t.Errorf("yesno options after round trip = %+v; want yes and no", q.Options)
	}
}

// TestYesNoMayWordItsAnswers: Welsh answers "Oes...?" with "Oes"/"Nac oes",
// not a generic yes/no, so a yesno question may give its own two labels.
func TestYesNoMayWordItsAnswers(t *testing.T) {
	doc := withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "Is there wifi?", "cy": "Oes wifi?"},
     "options": [
       {"code": "yes", "label": {"en": "Yes", "cy": "Oes"}},
       {"code": "no", "label": {"en": "No", "cy": "Nac oes"}}
     ]}`)
	sv, err := Parse("t.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	q := &sv.Questions[0]
	if o, ok := q.Option("no"); !ok || o.Label.In("cy") != "Nac oes" {
		t.Errorf("option no = %+v, want the survey's own Welsh label", o)
	}
	out, err := json.Marshal(sv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("again.json", out); err != nil {
		t.Errorf("worded yes/no does not survive a round trip: %v", err)
	}
}
