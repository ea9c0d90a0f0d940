package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestRequiredMessageInTheQuestionsOwnWords: a required question left
// unanswered shows the survey's required_message in the visit's language,
// by the answers and in the error summary; a question without one shows
// the general "Please choose an answer to go on."
func TestRequiredMessageInTheQuestionsOwnWords(t *testing.T) {
	body, err := os.ReadFile("../data/survey/testdata/alltypes.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, q := range raw["questions"].([]any) {
		if m := q.(map[string]any); m["id"] == "online" {
			m["required_message"] = map[string]string{"en": "Say if you use the internet", "cy": "Dywedwch a ydych chi'n defnyddio'r rhyngrwyd"}
		}
	}
	body, _ = json.Marshal(raw)
	path := filepath.Join(t.TempDir(), "survey.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, want string }{
		{"cy", "Dywedwch a ydych chi'n defnyddio'r rhyngrwyd"},
		{"en", "Say if you use the internet"},
	} {
		r := newRig(t, path)
		k := r.k
		clk := &manualClock{t: k.cfg.Clock()}
		k.cfg.Clock = clk.now
		r.tap(clk, k.welcome.langs[tc.lang])
		r.tap(clk, k.consent.agree)
		for steps := 0; k.question == nil || k.question.q.ID != "online"; steps++ {
			if steps > 5 {
				t.Fatal("never reached the question")
			}
			if k.intro != nil {
				r.tap(clk, k.intro.start)
				continue
			}
			r.tap(clk, k.question.next)
		}
		s := k.question
		r.tap(clk, s.next)
		if s.message.Text != tc.want || !shows(k.page.links, tc.want) {
			t.Errorf("%s: the message is %q, want %q by the answers and in the summary", tc.lang, s.message.Text, tc.want)
		}
	}
}
