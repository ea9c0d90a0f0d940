package survey

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// logic is a survey with an expression, a group with a condition, a
// constraint, a date and a decimal, and XLSForm-style ids and codes.
const logic = `{
  "format": "chorus-survey/1",
  "id": "logic",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Logic"},
  "consent": {"version": "1", "text": {"en": "C"}, "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes"}}]},
  "groups": [
    {"id": "adult", "show_if": "${Age} >= 16 and not(selected(${skip}, 'yes'))"},
    {"id": "work.inner", "in": "adult", "show_if": {"question": "Age", "answered": true}}
  ],
  "questions": [
    {"id": "skip", "type": "yesno", "text": {"en": "Skip?"}},
    {"id": "Age", "type": "number", "text": {"en": "Age?"}},
    {"id": "born", "type": "date", "text": {"en": "Born?"}, "show_if": "${Age} != ''"},
    {"id": "job", "type": "single", "group": "adult", "text": {"en": "Job?"},
     "options": [{"code": "DK", "label": {"en": "Don't know"}}, {"code": "-99", "label": {"en": "None"}}]},
    {"id": "hours", "type": "decimal", "min": 0, "max": 100, "group": "work.inner", "text": {"en": "Hours?"},
     "constraint": ". <= ${Age}", "constraint_message": {"en": "Fewer hours than your age, please."}},
    {"id": "__why", "type": "text", "group": "adult", "text": {"en": "Why?"}, "show_if": "selected(${job}, '-99') or count-selected(${job}) = 0"},
    {"id": "end", "type": "info", "text": {"en": "Thanks"}}
  ]
}`

func TestLogic(t *testing.T) {
	s, err := Parse("logic.json", []byte(logic))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ans  Answers
		want []string
	}{
		{"no answers", Answers{}, []string{"skip", "Age", "end"}},
		{"a child", Answers{"Age": {Number: num(10)}}, []string{"skip", "Age", "born", "end"}},
		{"an adult", Answers{"Age": {Number: num(30)}}, []string{"skip", "Age", "born", "job", "hours", "__why", "end"}},
		{"an adult who knows", Answers{"Age": {Number: num(30)}, "job": {Choice: "DK"}}, []string{"skip", "Age", "born", "job", "hours", "end"}},
		{"an adult who skips", Answers{"Age": {Number: num(30)}, "skip": {Choice: "yes"}}, []string{"skip", "Age", "born", "end"}},
	} {
		var got []string
		for _, i := range s.Path(tc.ans) {
			got = append(got, s.Questions[i].ID)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: path %v, want %v", tc.name, got, tc.want)
		}
		for i := range s.Questions {
			if v := s.Visible(i, tc.ans); v != strings.Contains(" "+strings.Join(tc.want, " ")+" ", " "+s.Questions[i].ID+" ") {
				t.Errorf("%s: Visible(%s) = %v, not as Path says", tc.name, s.Questions[i].ID, v)
			}
		}
	}
	// A hidden answer is dropped and looks like no answer to later logic.
	ans := Answers{"Age": {Number: num(30)}, "skip": {Choice: "yes"}, "job": {Choice: "DK"}, "hours": {Text: "7.5"}}
	clean, err := s.Clean(ans)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := clean["job"]; ok || len(clean) != 2 {
		t.Errorf("Clean kept %v; want skip and Age only", clean)
	}

	hours := 4
	for _, tc := range []struct {
		text string
		age  int
		want error
	}{
		{"7.5", 30, nil},
		{"31", 30, ErrConstraint},
		{"101", 200, ErrOutOfRange},
		{"seven", 30, ErrDecimal},
	} {
		ans := Answers{"Age": {Number: num(tc.age)}}
		a, err := s.Questions[hours].Normalize(Answer{Text: tc.text})
		if err == nil {
			ans["hours"] = a
			err = s.Check(hours, ans)
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("hours %q at age %d: %v, want %v", tc.text, tc.age, err, tc.want)
		}
	}
	for in, want := range map[string]error{"2001-02-28": nil, " 2001-02-28 ": nil, "2001-02-29": ErrDate, "28/02/2001": ErrDate, "0999-01-01": ErrDate} {
		if _, err := s.Questions[2].Normalize(Answer{Text: in}); !errors.Is(err, want) {
			t.Errorf("date %q: %v, want %v", in, err, want)
		}
	}
	if a, err := s.Questions[hours].Normalize(Answer{Text: " +7,50 "}); err != nil || a.Text != "7.50" {
		t.Errorf("decimal +7,50 = %+v, %v; want 7.50", a, err)
	}
}

// Progress counts a question behind an expression or a group's condition
// while it may still be shown, so the total never grows.
func TestLogicProgress(t *testing.T) {
	s, err := Parse("logic.json", []byte(logic))
	if err != nil {
		t.Fatal(err)
	}
	_, first := s.Progress(0, Answers{})
	if first != 6 { // all but the info screen
		t.Errorf("total at the start = %d, want 6", first)
	}
	child := Answers{"Age": {Number: num(10)}}
	if n, total := s.Progress(1, child); n != 2 || total != 6 {
		t.Errorf("at Age = %d of %d; want 2 of 6 (Age's answer is not final yet)", n, total)
	}
	if n, total := s.Progress(2, child); n != 3 || total != 3 {
		t.Errorf("a child at born = %d of %d; want 3 of 3", n, total)
	}
	adult := Answers{"Age": {Number: num(30)}, "job": {Choice: "DK"}}
	if n, total := s.Progress(3, adult); n != 4 || total != 6 {
		t.Errorf("an adult at job = %d of %d; want 4 of 6", n, total)
	}
	if n, total := s.Progress(4, adult); n != 5 || total != 5 {
		t.Errorf("an adult who knows, at hours = %d of %d; want 5 of 5", n, total)
	}
}

func TestLogicProblems(t *testing.T) {
	for _, tc := range []struct{ name, edit, from, want string }{
		{"unknown question", `"${Age} != ''"`, `"${Ag} != ''"`, `logic.json:15: questions[2].show_if: unknown question "Ag"`},
		{"a later question", `"${Age} != ''"`, `"${job} != ''"`, `logic.json:15: questions[2].show_if: "job" comes after this; skip logic can only look at earlier answers`},
		{"a bad expression", `"${Age} != ''"`, `"${Age} !="`, `logic.json:15: questions[2].show_if: at character 10: expected an answer, text, number or condition, not end of the expression`},
		{"no such option", `'-99'`, `'99'`, `logic.json:20: questions[5].show_if: "job" has no option "99"`},
		{"selected on a number", `selected(${job}, '-99')`, `selected(${Age}, '1')`, `questions[5].show_if: selected looks at the options chosen, and "Age" is a number question`},
		{"self in show_if", `"${Age} != ''"`, `". != ''"`, `questions[2].show_if: "." is the answer a constraint checks; in show_if name the question, ${id}`},
		{"group condition looks inside", `${Age} >= 16 and`, `${job} = 'DK' and`, `logic.json:9: groups[0].show_if: "job" comes after this; skip logic can only look at earlier answers`},
		{"group not a run", `"id": "born", "type": "date",`, `"id": "born", "type": "date", "group": "work.inner",`, `logic.json:10: groups[1]: the questions of group "work.inner" must come one after another; "job", between them, is not in it`},
		{"unknown group", `"group": "work.inner"`, `"group": "work"`, `questions[4].group: unknown group "work"`},
		{"message without constraint", `"constraint": ". <= ${Age}", `, ``, `questions[4].constraint_message: there is no constraint for this message`},
		{"bad code", `"-99"`, `"no way"`, `questions[3].options[1].code: must be 1-80 letters, digits, _ - or ., without spaces, not "no way"`},
	} {
		doc := strings.Replace(logic, tc.edit, tc.from, 1)
		if doc == logic {
			t.Fatalf("%s: %q is not in the survey", tc.name, tc.edit)
		}
		_, err := Parse("logic.json", []byte(doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// A show_if of the wrong shape is named by its question and line, as
// before show_if could be a string.
func TestShowIfWrongShape(t *testing.T) {
	for si, want := range map[string]string{
		`5`:                             `t.json:15: questions[1].show_if: must be an object {...} or an expression in quotes, not number`,
		`["a"]`:                         `t.json:15: questions[1].show_if: must be an object {...} or an expression in quotes, not array`,
		`{"question": 5}`:               `t.json:15: questions[1].show_if.question: must be text in quotes, not number`,
		`{"question": "a", "bogus": 1}`: `t.json:15: questions[1].show_if: unknown field "bogus"; check the spelling`,
		`"${a} = "`:                     `t.json:15: questions[1].show_if: at character 8: expected an answer, text, number or condition, not end of the expression`,
	} {
		doc := withQuestions(`
    {"id": "a", "type": "yesno", "text": {"en": "A", "cy": "A"}},
    {"id": "b", "type": "info", "text": {"en": "B", "cy": "B"},
     "show_if": ` + si + `}`)
		_, err := Parse("t.json", []byte(doc))
		if err == nil || err.Error() != want {
			t.Errorf("show_if %s: %v\nwant %s", si, err, want)
		}
	}
}
