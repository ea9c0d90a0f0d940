package survey

import "testing"

// An earlier answer goes into a later text as the participant saw it; a
// hidden or unanswered question gives nothing, and a reference to a later
// or unknown question stays as written.
func TestPipe(t *testing.T) {
	s, err := Parse("p.json", []byte(withQuestions(`
    {"id": "name", "type": "text", "text": {"en": "Name?", "cy": "Enw?"}},
    {"id": "pets", "type": "multi", "text": {"en": "Pets?", "cy": "Anifeiliaid?"}, "options": [
      {"code": "cat", "label": {"en": "Cat", "cy": "Cath"}}, {"code": "dog", "label": {"en": "Dog", "cy": "Ci"}}]},
    {"id": "ok", "type": "yesno", "text": {"en": "OK?", "cy": "Iawn?"}},
    {"id": "age", "type": "number", "min": 0, "max": 120, "text": {"en": "Age?", "cy": "Oed?"}, "show_if": {"question": "ok", "equals": "yes"}},
    {"id": "bye", "type": "info", "text": {"en": "Bye ${name} (${age}), ${pets}, ${ok}, ${bye}, ${nobody}", "cy": "Hwyl ${name}"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	n := 30
	words := func(code string) string { return map[string]string{"yes": "Ie", "no": "Na"}[code] }
	for _, tc := range []struct {
		lang string
		ans  Answers
		want string
	}{
		{"en", Answers{"name": {Text: "Ana"}, "pets": {Choices: []string{"cat", "dog"}}, "ok": {Choice: "yes"}, "age": {Number: &n}},
			"Bye Ana (30), Cat, Dog, Ie, ${bye}, ${nobody}"},
		{"en", Answers{"name": {Text: "Ana"}, "ok": {Choice: "no"}, "age": {Number: &n}}, // age hidden
			"Bye Ana (), , Na, ${bye}, ${nobody}"},
		{"en", Answers{}, "Bye  (), , , ${bye}, ${nobody}"},
	} {
		if got := s.Pipe(4, s.Questions[4].Text.In(tc.lang), tc.lang, tc.ans, words); got != tc.want {
			t.Errorf("Pipe = %q, want %q", got, tc.want)
		}
	}
	if got := s.Pipe(4, "${pets}", "cy", Answers{"pets": {Choices: []string{"dog"}}}, nil); got != "Ci" {
		t.Errorf("in Welsh: %q, want Ci", got)
	}
	if got := s.Pipe(0, "${name}", "en", Answers{"name": {Text: "Ana"}}, nil); got != "${name}" {
		t.Errorf("a question's own answer in its text: %q, want it as written", got)
	}
}
