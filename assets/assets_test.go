package assets

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"chorus/data/seal"
	"chorus/data/survey"
)

func builtin(t *testing.T) *survey.Survey {
	t.Helper()
	data, err := Survey(BuiltinSurvey)
	if err != nil {
		t.Fatalf("reading %s: %v", BuiltinSurvey, err)
	}
	s, err := survey.Parse(BuiltinSurvey, data)
	if err != nil {
		t.Fatalf("the built-in survey does not validate:\n%v", err)
	}
	return s
}

func TestBuiltinSurveyParses(t *testing.T) {
	s := builtin(t)
	if s.ID != "digital_inclusion" {
		t.Errorf("id = %q, want digital_inclusion", s.ID)
	}
	if s.Version < 1 {
		t.Errorf("version = %d, want 1 or more", s.Version)
	}
	for _, tag := range []string{"en", "cy"} {
		if !s.HasLanguage(tag) {
			t.Errorf("survey lacks language %q", tag)
		}
	}
	if s.Consent.Version != "2026-11-1" {
		t.Errorf("consent version = %q, want 2026-11-1", s.Consent.Version)
	}
}

// TestBuiltinSurveyTexts walks every text a participant can see and checks
// it is there, not blank, in every declared language.
func TestBuiltinSurveyTexts(t *testing.T) {
	s := builtin(t)
	check := func(where string, txt survey.Text, required bool) {
		t.Helper()
		if len(txt) == 0 && !required {
			return
		}
		for _, tag := range s.Languages {
			if strings.TrimSpace(txt.In(tag)) == "" {
				t.Errorf("%s: empty %q text", where, tag)
			}
		}
	}
	check("title", s.Title, true)
	check("intro", s.Intro, true)
	check("consent.text", s.Consent.Text, true)
	for _, p := range s.Consent.Purposes {
		check(fmt.Sprintf("consent purpose %s: label", p.ID), p.Label, true)
	}
	for _, q := range s.Questions {
		check(fmt.Sprintf("question %s: text", q.ID), q.Text, true)
		check(fmt.Sprintf("question %s: help", q.ID), q.Help, false)
		if q.Type == survey.YesNo {
			continue // the app gives yes and no their labels
		}
		for _, o := range q.Options {
			check(fmt.Sprintf("question %s: option %s: label", q.ID, o.Code), o.Label, true)
		}
	}
}

func TestBuiltinSurveyShape(t *testing.T) {
	s := builtin(t)
	answerable := 0
	types := map[survey.Type]int{}
	for _, q := range s.Questions {
		if q.Answerable() {
			answerable++
		}
		types[q.Type]++
	}
	if answerable < 12 {
		t.Errorf("%d answerable questions, want at least 12", answerable)
	}
	for _, typ := range []survey.Type{survey.Faces4, survey.Scale5, survey.YesNo, survey.Multi, survey.Single, survey.Free, survey.Info} {
		if types[typ] == 0 {
			t.Errorf("no %s question", typ)
		}
	}
	purposes := map[string]survey.Purpose{}
	for _, p := range s.Consent.Purposes {
		purposes[p.ID] = p
	}
	if len(purposes) != 3 || !purposes["take_part"].Required || purposes["quotes"].Required || purposes["sharing"].Required {
		t.Errorf("purposes = %+v, want take_part (required), quotes and sharing (optional)", s.Consent.Purposes)
	}
}

// TestBuiltinSurveyAboutYou checks that a participant can always say they
// would rather not answer a question about themselves.
func TestBuiltinSurveyAboutYou(t *testing.T) {
	s := builtin(t)
	n := 0
	for _, q := range s.Questions {
		if q.Section != "about_you" || !q.Choice() {
			continue
		}
		n++
		if q.Required {
			t.Errorf("question %s: about-you questions must not be required", q.ID)
		}
		ok := false
		for _, o := range q.Options {
			ok = ok || strings.HasPrefix(o.Code, "prefer_not")
		}
		if !ok {
			t.Errorf("question %s: about-you choice question has no prefer_not option", q.ID)
		}
	}
	if n == 0 {
		t.Error("no choice questions in section about_you")
	}
}

func TestDemoKey(t *testing.T) {
	rs, err := seal.ParseRecipients(DemoRecipient())
	if err != nil {
		t.Fatalf("DemoRecipient: %v", err)
	}
	if len(rs) != 1 {
		t.Fatalf("DemoRecipient has %d recipients, want 1", len(rs))
	}
	ids, err := seal.ParseIdentities(DemoIdentity())
	if err != nil {
		t.Fatalf("DemoIdentity: %v", err)
	}
	msg := []byte("Roedd y meddyg yn garedig")
	sealed, err := seal.Seal(rs, msg)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if bytes.Contains(sealed, msg) {
		t.Fatal("sealed payload contains the plaintext")
	}
	got, err := seal.Open(ids, sealed)
	if err != nil {
		t.Fatalf("DemoIdentity cannot open what was sealed to DemoRecipient: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("Open = %q, want %q", got, msg)
	}
}

// TestBuiltinSurveySkipLogic checks the two conditional questions: what
// people have done online is asked only of those with a device, and "tell us
// more" only after the feelings scale is answered.
func TestBuiltinSurveySkipLogic(t *testing.T) {
	s := builtin(t)
	shown := func(ans survey.Answers, id string) bool {
		for _, i := range s.Path(ans) {
			if s.Questions[i].ID == id {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		ans  survey.Answers
		id   string
		want bool
	}{
		{survey.Answers{}, "done_online", false},
		{survey.Answers{"devices": {Choices: []string{"none"}}}, "done_online", false},
		{survey.Answers{"devices": {Choices: []string{"prefer_not"}}}, "done_online", false},
		{survey.Answers{"devices": {Choices: []string{"basic_phone"}}}, "done_online", true},
		{survey.Answers{"devices": {Choices: []string{"tablet", "computer"}}}, "done_online", true},
		{survey.Answers{}, "future_more", false},
		{survey.Answers{"future_feeling": {Choice: "in_between"}}, "future_more", true},
		{survey.Answers{}, "what_would_help", true},
	} {
		if got := shown(tc.ans, tc.id); got != tc.want {
			t.Errorf("with answers %v, %s shown = %v, want %v", tc.ans, tc.id, got, tc.want)
		}
	}
}
