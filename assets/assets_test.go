package assets

import (
	"bytes"
	"fmt"
	"regexp"
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
	if s.Consent.Version != "2026-12-1" {
		t.Errorf("consent version = %q, want 2026-12-1 (the easy-read consent came in)", s.Consent.Version)
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
	check("consent.easy_read.text", s.Consent.EasyRead.Text, true)
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
	if s.Version != 3 {
		t.Errorf("version = %d, want 3: version 3 added the easy-read consent and the audio pack", s.Version)
	}
	if e := s.Consent.EasyRead; e == nil || len(e.Purposes) != len(s.Consent.Purposes) {
		t.Errorf("easy-read consent = %+v, want one line per purpose", e)
	}
	types := map[survey.Type]int{}
	for _, q := range s.Questions {
		types[q.Type]++
	}
	for _, typ := range []survey.Type{survey.Faces4, survey.YesNo, survey.Multi, survey.Single, survey.Free} {
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
	for _, tag := range s.Languages {
		for what, txt := range map[string]survey.Text{"intro": s.Intro, "next_steps": s.NextSteps, "contact": s.Contact} {
			if strings.TrimSpace(txt.In(tag)) == "" {
				t.Errorf("no %s in %s", what, tag)
			}
		}
	}
	if len(s.Languages) != 12 {
		t.Errorf("%d languages, want all 12: %v", len(s.Languages), s.Languages)
	}
}

// gate is the index of the "about you" question that lets a participant
// skip the questions about themselves.
func gate(t *testing.T, s *survey.Survey) int {
	t.Helper()
	for i, q := range s.Questions {
		if q.ID == "about_you" {
			return i
		}
	}
	t.Fatal("no about_you question")
	return -1
}

// TestBuiltinSurveyCore: at most 8 questions come before "about you", on
// any way through them, and none of them is an info screen.
func TestBuiltinSurveyCore(t *testing.T) {
	s := builtin(t)
	g := gate(t, s)
	if g > 8 {
		t.Errorf("%d questions before about_you, want at most 8", g)
	}
	for _, q := range s.Questions[:g] {
		if !q.Answerable() || q.Section == "about_you" {
			t.Errorf("core question %s: type %s, section %s; want a question, not about you", q.ID, q.Type, q.Section)
		}
	}
	for _, q := range s.Questions[g+1:] {
		if q.Section != "about_you" {
			t.Errorf("question %s comes after about_you but is in section %q", q.ID, q.Section)
		}
	}
}

// TestBuiltinSurveyGate: "skip these questions" (or no answer) at the
// about_you question skips every question about the participant; "yes"
// shows them.
func TestBuiltinSurveyGate(t *testing.T) {
	s := builtin(t)
	g := gate(t, s)
	q := &s.Questions[g]
	if q.Type != survey.Single || len(q.Options) != 2 || q.Options[0].Code != "yes" || q.Options[1].Code != "skip" || q.Required {
		t.Fatalf("about_you = %s %+v; want an optional single choice of yes and skip", q.Type, q.Options)
	}
	for _, ans := range []survey.Answers{{}, {"about_you": {Choice: "skip"}}} {
		if next := s.Next(g, ans); next != -1 {
			t.Errorf("with %v, about_you is followed by %s; want the end", ans, s.Questions[next].ID)
		}
	}
	yes := survey.Answers{"about_you": {Choice: "yes"}}
	var shown []string
	for i := s.Next(g, yes); i >= 0; i = s.Next(i, yes) {
		shown = append(shown, s.Questions[i].ID)
	}
	if want := "age_band,sex,ethnic_group,home_language,postcode,disability"; strings.Join(shown, ",") != want {
		t.Errorf("after yes: %s; want %s", strings.Join(shown, ","), want)
	}
}

// TestBuiltinSurveyAboutYou checks that a participant can always say they
// would rather not answer a question about themselves.
func TestBuiltinSurveyAboutYou(t *testing.T) {
	s := builtin(t)
	n := 0
	for _, q := range s.Questions {
		if q.Section != "about_you" || q.Required {
			if q.Required && q.Section == "about_you" {
				t.Errorf("question %s: about-you questions must not be required", q.ID)
			}
			continue
		}
		if !q.Choice() || q.ID == "about_you" {
			continue
		}
		n++
		ok := false
		for _, o := range q.Options {
			ok = ok || o.Code == "prefer_not"
		}
		if !ok {
			t.Errorf("question %s: about-you choice question has no prefer_not option", q.ID)
		}
	}
	if n < 5 {
		t.Errorf("%d choice questions in section about_you, want at least 5", n)
	}
}

// onsEthnicGroups are the 2021 Census ethnic groups for England and Wales
// (ONS), in the questionnaire's order, with each group's categories; a
// category that ends in "*" has a write-in box.
var onsEthnicGroups = []struct {
	code, label string
	categories  []string
}{
	{"white", "White", []string{"English, Welsh, Scottish, Northern Irish or British", "Irish", "Gypsy or Irish Traveller", "Roma", "Any other White background*"}},
	{"mixed", "Mixed or Multiple ethnic groups", []string{"White and Black Caribbean", "White and Black African", "White and Asian", "Any other Mixed or Multiple background*"}},
	{"asian", "Asian, Asian British or Asian Welsh", []string{"Indian", "Pakistani", "Bangladeshi", "Chinese", "Any other Asian background*"}},
	{"black", "Black, Black British, Black Welsh, Caribbean or African", []string{"Caribbean", "African*", "Any other Black, Black British, Black Welsh or Caribbean background*"}},
	{"other", "Other ethnic group", []string{"Arab", "Any other ethnic group*"}},
}

// TestBuiltinSurveyEthnicGroup: ethnic group in two steps, group then
// category, in the ONS's words, each with prefer not to say, and a box to
// write in where the Census has one.
func TestBuiltinSurveyEthnicGroup(t *testing.T) {
	s := builtin(t)
	g, ok := s.Question("ethnic_group")
	if !ok {
		t.Fatal("no ethnic_group question")
	}
	if g.Text.In("en") != "What is your ethnic group?" {
		t.Errorf("ethnic_group asks %q", g.Text.In("en"))
	}
	if len(g.Options) != len(onsEthnicGroups)+1 || g.Options[len(g.Options)-1].Code != "prefer_not" {
		t.Errorf("ethnic_group has %d options, want the 5 groups and prefer_not", len(g.Options))
	}
	for i, want := range onsEthnicGroups {
		if i >= len(g.Options) || g.Options[i].Code != want.code || g.Options[i].Label.In("en") != want.label {
			t.Errorf("ethnic_group option %d is not %s %q", i, want.code, want.label)
			continue
		}
		q, ok := s.Question("ethnic_" + want.code)
		if !ok {
			t.Errorf("no ethnic_%s question", want.code)
			continue
		}
		if q.ShowIf == nil || q.ShowIf.Question != "ethnic_group" || q.ShowIf.Equals != want.code {
			t.Errorf("ethnic_%s shows if %+v, want ethnic_group = %s", want.code, q.ShowIf, want.code)
		}
		if len(q.Options) != len(want.categories)+1 || q.Options[len(q.Options)-1].Code != "prefer_not" {
			t.Errorf("ethnic_%s has %d options, want %d and prefer_not", want.code, len(q.Options), len(want.categories))
			continue
		}
		var writeIn []string
		for j, c := range want.categories {
			label, box := strings.CutSuffix(c, "*")
			if got := q.Options[j].Label.In("en"); got != label {
				t.Errorf("ethnic_%s option %d = %q, want %q", want.code, j, got, label)
			}
			if box {
				writeIn = append(writeIn, q.Options[j].Code)
			}
		}
		w, ok := s.Question("ethnic_" + want.code + "_other")
		if !ok || w.Type != survey.Free || w.ShowIf == nil || w.ShowIf.Question != q.ID {
			t.Errorf("ethnic_%s_other = %+v; want a text box shown for %v", want.code, w, writeIn)
			continue
		}
		shownFor := w.ShowIf.AnyOf
		if w.ShowIf.Equals != "" {
			shownFor = []string{w.ShowIf.Equals}
		}
		if strings.Join(shownFor, ",") != strings.Join(writeIn, ",") {
			t.Errorf("ethnic_%s_other shows for %v, want %v", want.code, shownFor, writeIn)
		}
	}
}

func TestBuiltinSurveySexLanguagePostcode(t *testing.T) {
	s := builtin(t)
	codes := func(id string) string {
		q, ok := s.Question(id)
		if !ok {
			return "(no question)"
		}
		var out []string
		for _, o := range q.Options {
			out = append(out, o.Code+"="+o.Label.In("en"))
		}
		return strings.Join(out, ",")
	}
	if sex, _ := s.Question("sex"); sex == nil || sex.Text.In("en") != "What is your sex?" ||
		codes("sex") != "female=Female,male=Male,prefer_not=Prefer not to say" {
		t.Errorf("sex = %s", codes("sex"))
	}
	lang := codes("home_language")
	if !strings.HasSuffix(lang, ",other=Another language,prefer_not=Prefer not to say") {
		t.Errorf("home_language = %s; want it to end with another language and prefer not to say", lang)
	}
	pc, ok := s.Question("postcode")
	if !ok || pc.Input != survey.PostcodeOutward {
		t.Fatalf("postcode = %+v, want input postcode_outward", pc)
	}
	if a, err := pc.Normalize(survey.Answer{Text: "sw1a 1aa"}); err != nil || a.Text != "SW1A" {
		t.Errorf("postcode answer \"sw1a 1aa\" = %+v, %v; want SW1A", a, err)
	}
}

// TestBuiltinSurveyPlainWords: no question that is answered yes or no asks
// a negative (its "no" would be a double negative), and no English sentence
// has two negatives.
func TestBuiltinSurveyPlainWords(t *testing.T) {
	s := builtin(t)
	neg := regexp.MustCompile(`(?i)\b(not|no|never|none|nothing|nobody|neither|nor|cannot)\b|n't\b`)
	check := func(where, text string) {
		for _, sentence := range regexp.MustCompile(`[.?!\n]`).Split(text, -1) {
			if n := len(neg.FindAllString(sentence, -1)); n > 1 {
				t.Errorf("%s: %q has %d negatives", where, sentence, n)
			}
		}
	}
	check("intro", s.Intro.In("en"))
	check("next_steps", s.NextSteps.In("en"))
	check("contact", s.Contact.In("en"))
	for _, q := range s.Questions {
		check(q.ID, q.Text.In("en"))
		check(q.ID+" help", q.Help.In("en"))
		for _, o := range q.Options {
			check(q.ID+" "+o.Code, o.Label.In("en"))
		}
		yesNo := q.Type == survey.YesNo
		for _, o := range q.Options {
			yesNo = yesNo || o.Code == "no"
		}
		if yesNo && neg.MatchString(q.Text.In("en")) {
			t.Errorf("%s is answered no, but asks a negative: %q", q.ID, q.Text.In("en"))
		}
	}
}

// TestBuiltinSurveyProgressNeverGrows follows every way through the
// built-in survey and checks that "Question n of total" goes up by one at
// each question and its total never grows.
func TestBuiltinSurveyProgressNeverGrows(t *testing.T) {
	s := builtin(t)
	looked := map[string]bool{}
	for _, q := range s.Questions {
		if q.ShowIf != nil {
			looked[q.ShowIf.Question] = true
		}
	}
	ways := 0
	var walk func(i int, ans survey.Answers, lastN, lastTotal int)
	walk = func(i int, ans survey.Answers, lastN, lastTotal int) {
		if i < 0 {
			ways++
			return
		}
		q := &s.Questions[i]
		n, total := s.Progress(i, ans)
		if n != lastN+1 || total > lastTotal || n > total {
			t.Fatalf("at %s with %v: Progress = %d of %d; before it was %d of %d", q.ID, ans, n, total, lastN, lastTotal)
		}
		var cs []survey.Answer
		if !q.Required {
			cs = append(cs, survey.Answer{})
		}
		switch {
		case q.Type == survey.Multi:
			var all []string
			for _, o := range q.Options {
				cs = append(cs, survey.Answer{Choices: []string{o.Code}})
				if !o.Exclusive {
					all = append(all, o.Code)
				}
			}
			cs = append(cs, survey.Answer{Choices: all})
		case q.Choice():
			for _, o := range q.Options {
				cs = append(cs, survey.Answer{Choice: o.Code})
			}
		default:
			cs = append(cs, survey.Answer{Text: "SW1A"})
		}
		if !looked[q.ID] {
			cs = cs[len(cs)-1:] // its answer shows or hides nothing
		}
		for _, a := range cs {
			next := survey.Answers{}
			for k, v := range ans {
				next[k] = v
			}
			if !a.Empty() {
				next[q.ID] = a
			}
			walk(s.Next(i, next), next, n, total)
		}
	}
	walk(s.Next(-1, survey.Answers{}), survey.Answers{}, 0, len(s.Questions))
	if ways < 100 {
		t.Errorf("walked %d ways through the survey, want every combination", ways)
	}
	t.Logf("%d ways through the survey", ways)
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

// TestBuiltinSurveySkipLogic checks the conditional core question: what
// people have done online is asked only of those with a device.
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
		{survey.Answers{}, "preference", true},
		{survey.Answers{"about_you": {Choice: "yes"}, "ethnic_group": {Choice: "asian"}}, "ethnic_asian", true},
		{survey.Answers{"about_you": {Choice: "skip"}, "ethnic_group": {Choice: "asian"}}, "ethnic_asian", false},
		{survey.Answers{"about_you": {Choice: "yes"}, "ethnic_group": {Choice: "asian"}}, "ethnic_white", false},
		{survey.Answers{"about_you": {Choice: "yes"}, "ethnic_group": {Choice: "black"}, "ethnic_black": {Choice: "african"}}, "ethnic_black_other", true},
		{survey.Answers{"about_you": {Choice: "yes"}, "ethnic_group": {Choice: "black"}, "ethnic_black": {Choice: "caribbean"}}, "ethnic_black_other", false},
	} {
		if got := shown(tc.ans, tc.id); got != tc.want {
			t.Errorf("with answers %v, %s shown = %v, want %v", tc.ans, tc.id, got, tc.want)
		}
	}
}
