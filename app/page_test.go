package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// onLongQuestion opens the built-in survey's barriers question (10 answers)
// in English at 200% text on a 1024×600 screen, where most answers lie
// below the view.
func onLongQuestion(t *testing.T) (*rig, *manualClock) {
	t.Helper()
	r := newRig(t, "../assets/surveys/digital-inclusion.json")
	k := r.k
	clk := &manualClock{t: k.cfg.Clock()}
	k.cfg.Clock = clk.now
	r.win.Resize(fyne.NewSize(1024, 600))
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	if k.intro != nil {
		r.tap(clk, k.intro.start)
	}
	for k.question != nil && k.question.q.ID != "barriers" {
		if k.question.q.Required {
			r.tap(clk, k.question.choices[0])
		}
		r.tap(clk, k.question.next)
	}
	k.display.setScale(2)
	settleLayout(r.win, fyne.NewSize(1024, 600))
	if k.question == nil || len(k.question.choices) != 10 {
		t.Fatal("not on the barriers question")
	}
	return r, clk
}

// TestDragScrollsTheList: a finger drag upwards on the answers scrolls the
// list down, as on a phone (Fyne scrolls by drag only on mobile).
func TestDragScrollsTheList(t *testing.T) {
	r, _ := onLongQuestion(t)
	s := r.k.page.scroll
	last := r.k.question.choices[9]
	if whollyShown(layoutBoxes(r.win), last) {
		t.Fatal("the last answer shows without scrolling; the test needs a longer list")
	}
	test.Drag(r.win.Canvas(), fyne.NewPos(500, 300), 0, -200)
	s.DragEnd()
	if s.Offset.Y < 150 {
		t.Fatalf("after a 200 px drag up the list scrolled %.0f px", s.Offset.Y)
	}
	for range 20 {
		test.Drag(r.win.Canvas(), fyne.NewPos(500, 300), 0, -200)
		s.DragEnd()
	}
	if !whollyShown(layoutBoxes(r.win), last) {
		t.Error("dragging to the end never showed the last answer")
	}
}

// TestShortDragStillTaps: a finger that slides a few pixels while tapping
// an answer chooses it rather than doing nothing.
func TestShortDragStillTaps(t *testing.T) {
	r, clk := onLongQuestion(t)
	c := r.k.question.choices[0]
	clk.add(settleTime)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(fyne.NewPos(40, 20))
	test.Drag(r.win.Canvas(), pos, 0, 3)
	r.k.page.scroll.DragEnd()
	if !c.Selected {
		t.Error("a 3 px slide on an answer did not choose it")
	}
}

// TestShowMoreReachesEveryAnswer: "Show more" shows while answers lie
// below, each tap brings the next ones wholly into view, and it goes away
// at the end.
func TestShowMoreReachesEveryAnswer(t *testing.T) {
	r, _ := onLongQuestion(t)
	p := r.k.page
	seen := map[*Choice]bool{}
	for range 20 {
		boxes := layoutBoxes(r.win)
		for _, c := range r.k.question.choices {
			if whollyShown(boxes, c) {
				seen[c] = true
			}
		}
		if !p.more.Visible() {
			break
		}
		if !whollyShown(boxes, p.more) {
			t.Fatal("Show more is not wholly on screen")
		}
		test.Tap(p.more)
	}
	if len(seen) != 10 {
		t.Errorf("Show more brought %d of 10 answers into view", len(seen))
	}
	if p.more.Visible() {
		t.Error("Show more still shows at the end of the list")
	}
}

// TestTabScrollsTheFocusedAnswerIntoView (WCAG 2.4.11): Tab onto an answer
// below the view scrolls it into view.
func TestTabScrollsTheFocusedAnswerIntoView(t *testing.T) {
	r, _ := onLongQuestion(t)
	c := r.win.Canvas()
	for _, want := range r.k.question.choices {
		for range 30 {
			c.FocusNext()
			if c.Focused() == want {
				break
			}
		}
		if c.Focused() != want {
			t.Fatalf("Tab never reached %q", want.Label)
		}
		if !whollyShown(layoutBoxes(r.win), want) {
			t.Errorf("the focused answer %q is not wholly in view", want.Label)
		}
		if cut := cutAtTop(r.k.page, want); cut != "" {
			t.Errorf("with %q in view, the top of the view cuts %s in two", want.Label, cut)
		}
	}
}

// cutAtTop names a thing above o that the top of the page's view cuts in
// two (half a line of the question showing), or returns "". At the end of
// the page the view cannot move on, so it may cut there.
func cutAtTop(p *screenPage, o fyne.CanvasObject) string {
	s := p.scroll
	top, ok := positionIn(s.Content, o)
	if !ok {
		return "nothing (o is not on the page)"
	}
	off := s.Offset.Y
	if off >= s.Content.Size().Height-s.Size().Height-0.5 {
		return "" // at the end: nothing more can be moved up
	}
	cut := ""
	leaves(s.Content, fyne.Position{}, func(c fyne.CanvasObject, at fyne.Position) {
		if bottom := at.Y + c.Size().Height; at.Y < off-0.5 && bottom > off+0.5 && bottom <= top.Y && cut == "" {
			cut = fmt.Sprintf("%T at %v-%v (offset %v)", c, at.Y, bottom, off)
		}
	})
	return cut
}

// TestErrorSummaryShowsAndLeadsToTheAnswer: Next without an answer to a
// required question at 200% text on a small screen shows "There is a
// problem" at the top, in view, and its link puts the focus on the first
// answer.
func TestErrorSummaryShowsAndLeadsToTheAnswer(t *testing.T) {
	r := newRig(t, "../assets/surveys/digital-inclusion.json")
	k := r.k
	clk := &manualClock{t: k.cfg.Clock()}
	k.cfg.Clock = clk.now
	r.win.Resize(fyne.NewSize(1024, 600))
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	if k.intro != nil {
		r.tap(clk, k.intro.start)
	}
	for k.question.q.ID != "confidence" {
		r.tap(clk, k.question.next)
	}
	k.display.setScale(2)
	settleLayout(r.win, fyne.NewSize(1024, 600))
	k.page.scroll.ScrollToOffset(fyne.NewPos(0, 400)) // the participant had scrolled down
	r.tap(clk, k.question.next)
	p := k.question.page
	if k.question.q.ID != "confidence" || !p.summary.Visible() {
		t.Fatal("no error summary after Next without an answer")
	}
	settleLayout(r.win, fyne.NewSize(1024, 600))
	if !whollyShown(layoutBoxes(r.win), p.summary) {
		t.Error("the error summary is not wholly in view")
	}
	link := p.links.Objects[0].(*Button)
	if link.Text != "Choose the face that shows how confident you feel using the internet." {
		t.Errorf("the summary says %q", link.Text)
	}
	test.Tap(link)
	if r.win.Canvas().Focused() != k.question.choices[0] {
		t.Error("the summary's link did not move the focus to the first answer")
	}
	r.tap(clk, k.question.choices[1])
	if p.summary.Visible() || k.question.message.Visible() {
		t.Error("the error stays after an answer was chosen")
	}
}

// TestLongButtonWordsWrap: a button's words wrap, so it can be narrower
// than its label on one line, but never narrower than its longest word.
func TestLongButtonWordsWrap(t *testing.T) {
	test.NewTempApp(t)
	b := NewButton("Yes, I will take part in this survey today", nil)
	b.Wrap = true
	one := fyne.MeasureText(b.Text, 20, fyne.TextStyle{Bold: true}).Width
	if w := b.MinSize().Width; w >= one {
		t.Errorf("a wrapping button is %.0f px wide at least, its words on one line %.0f px", w, one)
	}
	word := fyne.MeasureText("survey", 20, fyne.TextStyle{Bold: true}).Width
	if w := b.MinSize().Width; w < word {
		t.Errorf("a wrapping button can be %.0f px, narrower than the word 'survey' (%.0f px)", w, word)
	}
	b.Resize(fyne.NewSize(b.MinSize().Width, 100))
	if h := b.MinSize().Height; h < 2*20 {
		t.Errorf("narrow, the button is %.0f px high: its words did not wrap", h)
	}
}
