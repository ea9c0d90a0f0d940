package app

import (
	"testing"
	"time"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The clipboard tests are P21 for the clipboard (issue 14, item 9): what one
// participant copied in a text box must not be there for the next one to
// paste, whichever way the visit ends.

const clipCanary = "Zebedee-Clipboard-7"

// walkTo answers from the welcome screen (in English, with the last option
// of every choice question) until question id is on screen.
func walkTo(t *testing.T, r *rig, clk *manualClock, id string) *questionScreen {
	t.Helper()
	k := r.k
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.consent.agree)
	for k.question != nil && k.question.q.ID != id {
		q := k.question
		if len(q.choices) > 0 {
			r.tap(clk, q.choices[len(q.choices)-1])
		}
		r.tap(clk, q.next)
		if k.question == q {
			t.Fatalf("stuck on %s: %s", q.q.ID, q.message.Text)
		}
	}
	return r.onQuestion(t, id)
}

// copyAnswer types text into the question's box, selects it and copies it
// the way the box's Ctrl+C (and its right-click Copy) does: to the app's
// clipboard. It leaves the box's right-click menu open, as someone who
// walks away in the middle of it would.
func copyAnswer(t *testing.T, q *questionScreen, text string) {
	t.Helper()
	var box interface {
		fyne.Focusable
		fyne.Shortcutable
		fyne.SecondaryTappable
	} = q.entry
	if q.box != nil {
		box = q.box
	}
	test.Type(box, text)
	box.TypedShortcut(&fyne.ShortcutSelectAll{})
	box.TypedShortcut(&fyne.ShortcutCopy{Clipboard: fyne.CurrentApp().Clipboard()})
	if got := clipboardText(); got != text {
		t.Fatalf("copying the answer put %q on the clipboard, want %q", got, text)
	}
	test.TapSecondary(box)
	if q.k.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the text box's right-click menu did not open")
	}
}

func clipboardText() string { return fyne.CurrentApp().Clipboard().Content() }

// assertNoTrace fails if the clipboard holds anything, or a pop-up (such as
// a text box's Cut/Copy/Paste/Undo menu, still working on the last
// person's box) is open over the window.
func assertNoTrace(t *testing.T, win fyne.Window, when string) {
	t.Helper()
	if got := clipboardText(); got != "" {
		t.Errorf("%s the clipboard still holds %q", when, got)
	}
	if top := win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("%s a pop-up is still open over the window: %T", when, top)
	}
}

func TestIdleResetClearsTheClipboard(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	k.cfg.Survey.KeepPartial = false
	first := walkTo(t, r, clk, "story")
	test.Type(first.box, "abc")
	if first.box.Undo(); first.box.Text != "" {
		t.Fatalf("Undo in a text box left %q: the check below would prove nothing", first.box.Text)
	}
	copyAnswer(t, first, clipCanary)
	clk.add(DefaultIdleAfter + DefaultWarnFor)
	k.Tick()
	if k.welcome == nil || k.flow != nil {
		t.Fatal("no idle reset to the welcome screen")
	}
	assertNoTrace(t, r.win, "after the idle reset")

	// The next person's text box is a new one: Undo (Ctrl+Z) has no
	// history of the last person's typing to bring back.
	q := walkTo(t, r, clk, "story")
	q.box.TypedShortcut(&fyne.ShortcutUndo{})
	q.box.Undo()
	if q.box.Text != "" {
		t.Errorf("Undo in the next person's box brings back %q", q.box.Text)
	}
}

// TestFinishedVisitClearsTheClipboard: the visit ends when the answers are
// saved (the thank-you screen) and again when Finish hands the kiosk to the
// next person (thank-you → welcome).
func TestFinishedVisitClearsTheClipboard(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	q := walkTo(t, r, clk, "story")
	copyAnswer(t, q, clipCanary)
	k.win.Canvas().Overlays().Remove(k.win.Canvas().Overlays().Top()) // the person closes the menu
	r.tap(clk, q.next)
	s := walkToReview(t, r, clk)
	r.tap(clk, s.submit)
	waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
	assertNoTrace(t, r.win, "on the thank-you screen")

	// Whatever is on the clipboard when Finish is tapped does not stay.
	fyne.CurrentApp().Clipboard().SetContent(clipCanary)
	r.tap(clk, k.thanks.finish)
	if k.welcome == nil {
		t.Fatal("Finish did not return to the welcome screen")
	}
	assertNoTrace(t, r.win, "after thank-you → welcome")
}

// walkToReview answers the remaining questions and stops on the review.
func walkToReview(t *testing.T, r *rig, clk *manualClock) *reviewScreen {
	t.Helper()
	k := r.k
	for k.question != nil {
		q := k.question
		switch {
		case len(q.choices) > 0:
			r.tap(clk, q.choices[len(q.choices)-1])
		case q.q.Type == survey.Number:
			test.Type(q.entry, "42")
		}
		r.tap(clk, q.next)
		if k.question == q {
			t.Fatalf("stuck on %s: %s", q.q.ID, q.message.Text)
		}
	}
	if k.review == nil {
		t.Fatal("no review after the last question")
	}
	return k.review
}

// TestDeclineClearsTheClipboard: someone who goes back to consent and says
// no leaves nothing on the clipboard either.
func TestDeclineClearsTheClipboard(t *testing.T) {
	r, clk := rigWithClock(t)
	k := r.k
	r.tap(clk, k.welcome.langs["en"])
	fyne.CurrentApp().Clipboard().SetContent(clipCanary) // copied during the visit
	r.tap(clk, k.consent.decline)
	if k.declined == nil {
		t.Fatal("declining did not show the declined screen")
	}
	assertNoTrace(t, r.win, "after declining")
}

// TestStaffTakingOverClearsTheClipboard: the staff key in the middle of a
// visit drops the visit, its clipboard and its pop-ups; a member of staff
// who signs out (or hands over) leaves nothing of theirs, such as a receipt
// code typed for a withdrawal, for the next participant to paste.
func TestStaffTakingOverClearsTheClipboard(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	r.signOut(t)
	k := r.sh.kiosk
	test.Tap(k.welcome.langs["en"])
	test.Tap(k.consent.agree)
	for k.question != nil && k.question.q.ID != "story" {
		q := k.question
		if len(q.choices) > 0 {
			q.choices[len(q.choices)-1].lastTap = time.Time{}
			test.Tap(q.choices[len(q.choices)-1])
		}
		test.Tap(q.next)
	}
	if k.question == nil {
		t.Fatal("never reached the story question")
	}
	copyAnswer(t, k.question, clipCanary)
	r.sh.ShowLogin()
	if r.sh.login == nil {
		t.Fatal("the staff key did not open the PIN prompt")
	}
	assertNoTrace(t, r.sh.win, "on the PIN prompt")

	if err := r.signIn(t, "Asha Patel", "480215"); err != nil {
		t.Fatal(err)
	}
	fyne.CurrentApp().Clipboard().SetContent("7KQ2M-X9D4R") // a receipt code copied on the staff screens
	r.signOut(t)
	if !r.sh.showingKiosk() {
		t.Fatal("signing out did not return to the kiosk")
	}
	assertNoTrace(t, r.sh.win, "after signing out")
}

// TestHelpedVisitClearsTheClipboard: an assisted visit that ends goes back
// to the worker's screen without the participant's clipboard.
func TestHelpedVisitClearsTheClipboard(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	h := r.sh.home
	test.Type(h.venue, "Riverside Community Centre")
	test.Tap(h.open)
	h = r.sh.home
	h.mode.SetSelected(h.l.T("staff.mode.assisted"))
	test.Tap(h.record)
	answerAll(t, r.sh.kiosk, "en")
	fyne.CurrentApp().Clipboard().SetContent(clipCanary)
	r.sh.kiosk.win.Canvas().Overlays().Add(widget.NewLabel("a pop-up left open"))
	test.Tap(r.sh.kiosk.thanks.finish)
	if r.sh.home == nil {
		t.Fatal("the assisted visit did not return to the worker's screen")
	}
	assertNoTrace(t, r.sh.win, "back on the worker's screen")
}
