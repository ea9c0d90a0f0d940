package app

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

const builtinSurveyPath = "../assets/surveys/digital-inclusion.json"

// builtinRig is a kiosk rig with the built-in survey whose clock only
// moves when told.
func builtinRig(t testing.TB) (*rig, *manualClock) {
	t.Helper()
	r := newRig(t, builtinSurveyPath)
	clk := &manualClock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	r.k.cfg.Clock = clk.now
	r.k.display.corner.now = clk.now
	r.k.Start()
	return r, clk
}

// findButton returns the button labelled text under o, or nil.
func findButton(o fyne.CanvasObject, text string) *Button {
	for _, c := range allObjects(o) {
		if b, ok := c.(*Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

// pick chooses codes once the screen has settled.
func (r *rig) pick(t *testing.T, clk *manualClock, id string, codes ...string) {
	t.Helper()
	clk.add(settleTime)
	r.choose(t, id, codes...)
}

func shows(o fyne.CanvasObject, text string) bool {
	return slices.ContainsFunc(visibleTexts(o), func(s string) bool { return strings.Contains(s, text) })
}

// TestIntroShownAfterConsent: the survey's intro has its own screen
// between consent and the first question; Back from the first question
// goes back to it, and Back from it to consent.
func TestIntroShownAfterConsent(t *testing.T) {
	r, clk := builtinRig(t)
	k := r.k
	intro := r.sv.Intro.In("cy")
	r.tap(clk, k.welcome.langs["cy"])
	r.tap(clk, k.consent.agree)
	if !shows(k.Root(), intro) {
		t.Fatalf("after consent the screen shows %q; want the survey's intro", visibleTexts(k.Root()))
	}
	if k.question != nil {
		t.Fatalf("question %s shows with the intro", k.question.q.ID)
	}
	r.tap(clk, k.intro.start)
	r.onQuestion(t, "devices")
	r.tap(clk, k.question.back)
	if k.intro == nil || !shows(k.Root(), intro) {
		t.Fatal("Back from the first question does not show the intro")
	}
	r.tap(clk, k.intro.back)
	if k.consent == nil {
		t.Fatal("Back from the intro does not show consent")
	}
}

// TestNoIntroScreenWithoutIntro: a survey without an intro goes from
// consent straight to its first question.
func TestNoIntroScreenWithoutIntro(t *testing.T) {
	r, clk := rigWithClock(t)
	r.tap(clk, r.k.welcome.langs["en"])
	r.tap(clk, r.k.consent.agree)
	r.onQuestion(t, "intro")
}

// TestSkipAndRequiredMark: an optional question has a Skip button that
// drops its answer and moves on; a required one has none and says it must
// be answered.
func TestSkipAndRequiredMark(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	l := k.cfg.Catalog.Localizer("en")
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.question.next) // the info screen
	r.onQuestion(t, "online")
	if findButton(k.Root(), "Skip") != nil {
		t.Error("required question online has a Skip button")
	}
	if !shows(k.Root(), l.T("question.required_mark")) || l.T("question.required_mark") == "question.required_mark" {
		t.Errorf("required question online is not marked: %q", visibleTexts(k.Root()))
	}
	r.pick(t, clk, "online", "no")
	r.tap(clk, k.question.next)
	r.pick(t, clk, "confidence", "happy")
	r.tap(clk, k.question.next)
	r.onQuestion(t, "ease")
	if shows(k.Root(), l.T("question.required_mark")) {
		t.Error("optional question ease is marked required")
	}
	r.pick(t, clk, "ease", "1")
	skip := findButton(k.Root(), "Skip")
	if skip == nil {
		t.Fatalf("optional question ease has no Skip button: %q", visibleTexts(k.Root()))
	}
	r.tap(clk, skip)
	if _, ok := k.flow.Answers["ease"]; ok {
		t.Error("Skip kept the answer to ease")
	}
	r.onQuestion(t, "story") // why_hard hides: ease has no answer
	r.tap(clk, findButton(k.Root(), "Skip"))
	r.onQuestion(t, "age")
}

// TestProgressTotalDoesNotGrow: "Question n of total" counts what can
// still be shown, so opening a question by an answer does not raise it.
func TestProgressTotalDoesNotGrow(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.question.next) // the info screen
	if got := k.question.progress.label.Text; got != "Question 1 of 7" {
		t.Errorf("online shows %q, want Question 1 of 7", got)
	}
	r.pick(t, clk, "online", "yes")
	r.tap(clk, k.question.next)
	if got := k.question.progress.label.Text; got != "Question 2 of 7" {
		t.Errorf("devices shows %q, want Question 2 of 7", got)
	}
}

// TestBuiltinSurveyVisit answers every core question of the built-in
// survey, skips the questions about the participant at the gate, sends,
// and checks the thank-you screen: a short receipt code, what happens next
// and who to contact. It logs the screens and taps it took.
func TestBuiltinSurveyVisit(t *testing.T) {
	r, clk := builtinRig(t)
	k := r.k
	screens, taps := 0, 0
	tap := func(o fyne.Tappable) {
		t.Helper()
		r.tap(clk, o)
		taps++
		screens++ // every tap below moves to a new screen but choosing
	}
	screens++ // welcome
	tap(k.welcome.langs["en"])
	tap(k.consent.agree)
	tap(k.intro.start)
	core := 0
	for k.question != nil && k.question.q.ID != "about_you" {
		q := k.question.q
		core++
		switch {
		case q.Choice():
			r.pick(t, clk, q.ID, q.Options[0].Code)
			taps++
		case q.Type == survey.Free:
			test.Type(k.question.entry, "It went well.")
			taps++
		}
		tap(k.question.next)
		if k.question != nil && k.question.q == q {
			t.Fatalf("Next did not leave %s: %s", q.ID, k.question.message.Text)
		}
	}
	r.onQuestion(t, "about_you")
	r.pick(t, clk, "about_you", "skip")
	taps++
	tap(k.question.next)
	if k.review == nil {
		t.Fatal("skipping about you did not lead to the review")
	}
	tap(k.review.submit)
	waitFor(t, "thanks", func() bool { return k.thanks != nil })
	th := k.thanks
	if !regexp.MustCompile(`^[2-9ACDEFHJKMNPRTWXY]{3}-[2-9ACDEFHJKMNPRTWXY]{3}-[2-9ACDEFHJKMNPRTWXY]{3}$`).MatchString(th.receipt) {
		t.Errorf("receipt %q, want 3 groups of 3", th.receipt)
	}
	for _, want := range []string{r.sv.NextSteps.In("en"), r.sv.Contact.In("en")} {
		if !shows(th.root, want) {
			t.Errorf("thank-you screen lacks %q: %q", want, visibleTexts(th.root))
		}
	}
	tap(th.finish)
	screens-- // Finish goes back to welcome, counted already
	if k.welcome == nil {
		t.Error("Finish did not go back to the welcome screen")
	}
	t.Logf("answer every core question, skip about you: %d core questions, %d screens, %d taps", core, screens, taps)
	if core > 8 || screens > 15 {
		t.Errorf("%d core questions and %d screens; want at most 8 and 15", core, screens)
	}
}

// TestPostcodeBox: the postcode box says what to type, takes a whole
// postcode and keeps only its first part, and says what is wrong with
// something that is not a postcode.
func TestPostcodeBox(t *testing.T) {
	r, clk := builtinRig(t)
	k := r.k
	l := k.cfg.Catalog.Localizer("en")
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.intro.start)
	for k.question != nil && k.question.q.ID != "about_you" {
		if k.question.q.Required {
			r.pick(t, clk, k.question.q.ID, k.question.q.Options[0].Code)
		}
		r.tap(clk, k.question.next)
	}
	r.pick(t, clk, "about_you", "yes")
	r.tap(clk, k.question.next)
	for k.question != nil && k.question.q.ID != "postcode" {
		r.tap(clk, k.question.skip)
	}
	s := r.onQuestion(t, "postcode")
	if !shows(k.Root(), l.T("question.postcode_help")) {
		t.Errorf("the postcode question does not say what to type: %q", visibleTexts(k.Root()))
	}
	test.Type(s.entry, "CF101")
	r.tap(clk, s.next)
	r.onQuestion(t, "postcode")
	if !s.message.Visible() || s.message.Text != l.T("question.postcode_bad") {
		t.Errorf("after CF101 the message is %q (shown %v)", s.message.Text, s.message.Visible())
	}
	s.entry.SetText("")
	test.Type(s.entry, "sw1a 1aa")
	if s.entry.Text != "sw1a 1aa" {
		t.Errorf("the box holds %q; want the whole postcode as typed", s.entry.Text)
	}
	r.tap(clk, s.next)
	if got := k.flow.Answers["postcode"].Text; got != "SW1A" {
		t.Errorf("postcode answer = %q, want SW1A", got)
	}
}
