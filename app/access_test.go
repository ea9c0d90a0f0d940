package app

import (
	"context"
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// manualClock is a clock the test moves by hand.
type manualClock struct{ t time.Time }

func (c *manualClock) now() time.Time { return c.t }

func (c *manualClock) add(d time.Duration) { c.t = c.t.Add(d) }

// rigWithClock is a kiosk rig whose clock only moves when told.
func rigWithClock(t testing.TB) (*rig, *manualClock) {
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	clk := &manualClock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	r.k.cfg.Clock = clk.now
	r.k.display.corner.now = clk.now
	r.k.Start()
	return r, clk
}

// tap taps after the screen has settled (and the receipt has been
// read, for Finish).
func (r *rig) tap(clk *manualClock, o fyne.Tappable) {
	clk.add(settleTime)
	if r.k.thanks != nil && o == fyne.Tappable(r.k.thanks.finish) {
		clk.add(receiptHold) // a person reads the receipt before Finish
	}
	if c, ok := o.(*Choice); ok {
		c.lastTap = time.Time{}
	}
	test.Tap(o)
}

func TestIdleWarnsThenResetsAndKeepsAPartialResponse(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	saved := make(chan error, 1)
	k.savedPartial = func(err error) { saved <- err }
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.question.next) // intro
	clk.add(settleTime)
	r.choose(t, "online", "yes")

	clk.add(DefaultIdleAfter - time.Second)
	k.Tick()
	if k.warning != nil {
		t.Fatal("warned before the idle time")
	}
	clk.add(2 * time.Second)
	k.Tick()
	if k.warning == nil {
		t.Fatal("no warning after the idle time")
	}
	if got := k.warning.count.Text; !strings.Contains(got, "29 seconds") {
		t.Errorf("countdown says %q, want 29 seconds left", got)
	}
	test.Tap(k.warning.moreTime)
	if k.warning != nil || k.question == nil {
		t.Fatal("'I need more time' did not keep the person where they were")
	}
	clk.add(DefaultIdleAfter + DefaultWarnFor)
	k.Tick()
	if k.welcome == nil || k.flow != nil {
		t.Fatal("no reset to welcome after the warning ran out")
	}
	select {
	case err := <-saved:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the partial response was never saved")
	}
	var status string
	var n int
	r.st.DB().QueryRow(`SELECT count(*), min(status) FROM responses`).Scan(&n, &status)
	if n != 1 || status != "partial" {
		t.Errorf("after an idle reset with keep_partial: %d responses, status %q; want one partial", n, status)
	}
	if p := openOnly(t, r.st); p.Answers["online"].Choice != "yes" || len(p.Answers) != 1 {
		t.Errorf("partial payload = %v", p.Answers)
	}
}

func TestIdleResetDiscardsWhenTheSurveySaysSo(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	k.cfg.Survey.KeepPartial = false
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.question.next)
	clk.add(settleTime)
	r.choose(t, "online", "yes")
	clk.add(DefaultIdleAfter + DefaultWarnFor)
	k.Tick()
	if k.welcome == nil {
		t.Fatal("no reset")
	}
	time.Sleep(50 * time.Millisecond)
	if c, _ := r.st.Counts(context.Background()); c.Responses != 0 {
		t.Errorf("%d responses saved; the survey says discard", c.Responses)
	}
}

// TestNothingLeaksAfterAResetOnAnyScreen is P12's other half: whatever
// screen a person walks away from, after the reset no text, selection or
// answer of theirs is visible, and text size and contrast are back to
// normal.
func TestNothingLeaksAfterAResetOnAnyScreen(t *testing.T) {
	const canary = "Zebedee-Canary-42"
	screens := []string{"consent", "online", "devices", "confidence", "ease", "story", "age", "review", "thanks"}
	for _, stop := range screens {
		t.Run(stop, func(t *testing.T) {
			r, clk := rigWithClock(t)
			k := r.k
			k.cfg.Survey.KeepPartial = false
			r.tap(clk, k.display.sizes[2])
			r.tap(clk, k.display.contrast)
			r.tap(clk, k.welcome.langs["cy"])
			if stop != "consent" {
				r.tap(clk, k.consent.options["quotes"])
				r.tap(clk, k.consent.agree)
			} else {
				r.tap(clk, k.consent.options["quotes"])
			}
			for k.question != nil && k.question.q.ID != stop {
				q := k.question
				switch {
				case q.entry != nil && q.q.Type == survey.Free:
					test.Type(q.entry, canary)
				case q.entry != nil:
					test.Type(q.entry, "42")
				case len(q.choices) > 0:
					r.tap(clk, q.choices[len(q.choices)-1])
				}
				r.tap(clk, q.next)
				if k.question == q {
					t.Fatalf("stuck on %s: %s", q.q.ID, q.message.Text)
				}
			}
			if stop == "thanks" {
				r.tap(clk, k.review.submit)
				waitFor(t, "thanks", func() bool { return k.thanks != nil })
			}
			clk.add(DefaultIdleAfter + DefaultWarnFor)
			k.Tick()
			if k.welcome == nil || k.flow != nil {
				t.Fatalf("no clean reset from %s", stop)
			}
			if k.theme.Scale != 1 || k.theme.HighContrast {
				t.Errorf("text size %v / high contrast %v carried over to the next person", k.theme.Scale, k.theme.HighContrast)
			}
			for _, text := range visibleTexts(r.win.Canvas().Content()) {
				if strings.Contains(text, canary) || strings.Contains(text, "Zebedee") {
					t.Errorf("after reset the screen shows %q", text)
				}
			}
			for _, o := range allObjects(r.win.Canvas().Content()) {
				if c, ok := o.(*Choice); ok && c.Selected {
					t.Errorf("a choice %q is still selected after reset", c.Label)
				}
			}
		})
	}
}

// relLum is WCAG 2's relative luminance.
func relLum(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	ch := func(v uint32) float64 {
		x := float64(v>>8) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
}

func contrast(a, b color.Color) float64 {
	l1, l2 := relLum(a), relLum(b)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

func TestThemeContrast(t *testing.T) {
	for _, hc := range []bool{false, true} {
		th := &Theme{Scale: 1, HighContrast: hc}
		min := 4.5
		if hc {
			min = 7
		}
		for name, p := range th.textPairs() {
			if got := contrast(p[0], p[1]); got < min {
				t.Errorf("high contrast %v: %s is %.2f:1, want at least %.1f:1", hc, name, got, min)
			}
		}
		// The focus ring is not text, but it must be seen (WCAG 1.4.11: 3:1).
		if got := contrast(focusRing(th, 0), th.Color("background", 0)); got < 3 {
			t.Errorf("high contrast %v: focus ring %.2f:1", hc, got)
		}
	}
}

// allObjects lists every object under o.
func allObjects(o fyne.CanvasObject) []fyne.CanvasObject {
	out := []fyne.CanvasObject{o}
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, allObjects(c)...)
		}
	case *container.Scroll:
		out = append(out, allObjects(w.Content)...)
	case *dragScroll:
		out = append(out, allObjects(w.Content)...)
	}
	return out
}

// TestTargetsAreBigEnough measures every tappable control on every
// participant screen, laid out in a 1280×800 window at 100% text.
func TestTargetsAreBigEnough(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	check := func(screen string) {
		t.Helper()
		for _, o := range allObjects(r.win.Canvas().Content()) {
			if _, ok := o.(fyne.Tappable); !ok || !o.Visible() {
				continue
			}
			if _, ok := o.(*widget.Select); ok {
				continue
			}
			sz := o.Size()
			if sz.Width < MinTarget || sz.Height < MinTarget {
				t.Errorf("%s: %T %q is %.0f×%.0f, want at least %d×%d", screen, o, label(o), sz.Width, sz.Height, MinTarget, MinTarget)
			}
		}
	}
	check("welcome")
	r.tap(clk, k.welcome.langs["en"])
	check("consent")
	r.tap(clk, k.consent.agree)
	for k.question != nil {
		q := k.question
		check("question " + q.q.ID)
		if q.q.Required {
			r.tap(clk, q.choices[0])
		}
		r.tap(clk, q.next)
	}
	check("review")
	r.tap(clk, k.review.submit)
	waitFor(t, "thanks", func() bool { return k.thanks != nil })
	check("thanks")
}

func label(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *Button:
		return w.Text
	case *Choice:
		return w.Label
	}
	return ""
}

// TestKeyboardOnly completes the whole participant path with Tab, Space
// and Enter alone, and checks there is always a visible focus to follow.
func TestKeyboardOnly(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	c := r.win.Canvas()
	press := func(name fyne.KeyName) {
		clk.add(settleTime)
		if f := c.Focused(); f != nil {
			f.TypedKey(&fyne.KeyEvent{Name: name})
		} else {
			k.TypedKey(&fyne.KeyEvent{Name: name})
		}
	}
	tabTo := func(what string, ok func(fyne.Focusable) bool) {
		t.Helper()
		for range 60 {
			c.FocusNext()
			if f := c.Focused(); f != nil && ok(f) {
				return
			}
		}
		t.Fatalf("Tab never reached %s", what)
	}
	tabTo("Cymraeg", func(f fyne.Focusable) bool { return f == k.welcome.langs["cy"] })
	press(fyne.KeySpace)
	if k.consent == nil {
		t.Fatal("Space on a language did not open consent")
	}
	tabTo("the quotes choice", func(f fyne.Focusable) bool { return f == k.consent.options["quotes"] })
	press(fyne.KeySpace)
	if !k.consent.options["quotes"].Selected || !k.consent.options["quotes"].focused {
		t.Error("Space did not tick the focused choice, or its focus is not shown")
	}
	press(fyne.KeyReturn) // Enter on a choice moves on, as in a form
	for k.question != nil {
		q := k.question
		if q.q.Required {
			tabTo("an answer to "+q.q.ID, func(f fyne.Focusable) bool { _, ok := f.(*Choice); return ok })
			press(fyne.KeySpace)
		}
		c.Unfocus()
		press(fyne.KeyReturn)
		if k.question == q {
			t.Fatalf("Enter did not leave %s: %s", q.q.ID, q.message.Text)
		}
	}
	if k.review == nil {
		t.Fatal("no review")
	}
	tabTo("Send", func(f fyne.Focusable) bool { return f == k.review.submit })
	press(fyne.KeyReturn)
	waitFor(t, "thanks", func() bool { return k.thanks != nil })
	p := openOnly(t, r.st)
	if p.Language != "cy" || p.Answers["online"].Choice != "yes" {
		t.Errorf("keyboard-only response = %+v", p)
	}
}

func TestHiddenCornerNeedsThreeQuickTaps(t *testing.T) {
	r, clk := rigWithClock(t)
	opened := 0
	r.k.OnStaff = func() { opened++ }
	corner := r.k.display.corner
	test.Tap(corner)
	clk.add(3 * time.Second)
	test.Tap(corner)
	test.Tap(corner)
	if opened != 0 {
		t.Fatal("taps spread over more than two seconds opened the staff prompt")
	}
	clk.add(500 * time.Millisecond)
	test.Tap(corner)
	if opened != 1 {
		t.Fatalf("three taps within two seconds opened it %d times", opened)
	}
}

func TestRepeatTapCountsOnce(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.question.next)
	q := k.question
	clk.add(settleTime)
	now := clk.t
	q.choices[0].now = func() time.Time { return now }
	test.Tap(q.choices[0])
	now = now.Add(100 * time.Millisecond)
	test.Tap(q.choices[0]) // a shaky double tap: must not un-choose
	if got := k.flow.Answers["online"].Choice; got != "yes" {
		t.Errorf("after a double tap the answer is %q, want yes", got)
	}
}

// TestTextBoxIsNoKeyboardTrap: Tab leaves a multi-line answer box rather
// than typing a tab into it (WCAG 2.1.2).
func TestTextBoxIsNoKeyboardTrap(t *testing.T) {
	test.NewTempApp(t)
	var box fyne.Tabbable = newAnswerBox()
	if box.AcceptsTab() {
		t.Fatal("the answer box takes Tab, trapping keyboard users")
	}
}

// TestWelcomeInvitesInEveryLanguageInTurn: an idle welcome screen shows the
// invitation in each of the survey's languages in turn.
func TestWelcomeInvitesInEveryLanguageInTurn(t *testing.T) {
	r := newRig(t, "../assets/surveys/digital-inclusion.json")
	if n := len(r.k.cfg.Survey.Languages); n < 12 {
		t.Fatalf("the built-in survey has %d languages", n)
	}
	clk := &manualClock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	r.k.cfg.Clock = clk.now
	r.k.Start()
	seen := map[string]bool{}
	for range 40 {
		clk.add(time.Second)
		r.k.Tick()
		for _, lb := range r.k.welcome.invite {
			seen[lb.text] = true
		}
	}
	for _, tag := range r.k.cfg.Survey.Languages {
		l := r.k.cfg.Catalog.Localizer(tag)
		if !seen[l.T("welcome.title")] {
			t.Errorf("the invitation was never shown in %s", tag)
		}
	}
}

// TestProgressCountsOnlyQuestions: info screens are not counted as
// questions, and show no number.
func TestProgressCountsOnlyQuestions(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	if k.question.q.ID != "intro" || k.question.progress.label.Visible() {
		t.Fatal("the info screen shows a question number")
	}
	r.tap(clk, k.question.next)
	if p := k.question.progress; p.N != 1 || !strings.Contains(p.label.Text, "Question 1 of") {
		t.Errorf("first question shows %q (N=%d)", p.label.Text, p.N)
	}
}
