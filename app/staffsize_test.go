package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestStaffScreensOpenAtNormalTextSize (issue 15, item 12): a participant
// who chose 200% text and high contrast does not hand them on to the staff
// PIN prompt and staff screens.
func TestStaffScreensOpenAtNormalTextSize(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	test.Tap(r.sh.home.signOut)
	k := r.sh.kiosk
	k.display.setScale(2)
	k.display.toggleContrast()
	r.sh.ShowLogin()
	if k.theme.Scale != 1 || k.theme.HighContrast {
		t.Errorf("the staff sign-in opens at text scale %v, high contrast %v", k.theme.Scale, k.theme.HighContrast)
	}
	if got := fyne.CurrentApp().Settings().Theme().Size("text"); got != 20 {
		t.Errorf("the staff sign-in's text is %.0f px, want 20", got)
	}
}

// TestSetupProblemsShowAtTheTopInPlainWords (issue 15, item 3): setup's
// problems show at the top of the form, scrolled into view, and a key that
// is not a key is named in plain words, not the parser's.
func TestSetupProblemsShowAtTheTopInPlainWords(t *testing.T) {
	r := newShellRig(t)
	s := r.sh.setup
	s.recipients.SetText("not a key at all")
	s.scroll.ScrollToBottom()
	test.Tap(s.finish)
	if !s.problem.Visible() {
		t.Fatal("no problem shown")
	}
	if s.scroll.Offset.Y != 0 {
		t.Errorf("the form stays scrolled to %.0f; its problems at the top are out of view", s.scroll.Offset.Y)
	}
	want := r.sh.l.T("setup.bad_key")
	if !strings.Contains(summaryText(s), want) {
		t.Errorf("the message is %q, want it to say %q", summaryText(s), want)
	}
	if strings.Contains(summaryText(s), "age:") || strings.Contains(summaryText(s), "malformed") {
		t.Errorf("the message quotes the key parser: %q", summaryText(s))
	}
	// GOV.UK's pattern: the same words by the field, and the summary's
	// link puts the focus on it.
	if m := s.inline[s.recipients]; m == nil || !m.Visible() || m.Text != want {
		t.Errorf("the key field's own message is %v", m)
	}
	if m := s.inline[s.pin]; m == nil || !m.Visible() || m.Text != r.sh.l.T("staff.weak_pin") {
		t.Errorf("the empty PIN's own message is %v", m)
	}
	for _, o := range s.links.Objects {
		if b := o.(*Button); b.Text == want {
			test.Tap(b)
		}
	}
	if got := r.sh.win.Canvas().Focused(); got != fyne.Focusable(s.recipients) {
		t.Errorf("the summary's link put the focus on %T, not the key field", got)
	}
	// Mended, the field's message goes; the other stays.
	test.Type(s.pin, "480215")
	test.Type(s.pin2, "480215")
	test.Tap(s.finish)
	if s.inline[s.pin].Visible() || !s.inline[s.recipients].Visible() {
		t.Errorf("after mending the PIN: PIN message shown %v, key message shown %v", s.inline[s.pin].Visible(), s.inline[s.recipients].Visible())
	}
}

// summaryText is everything setup's error summary says.
func summaryText(s *setupScreen) string {
	parts := []string{s.message.Text}
	for _, o := range s.links.Objects {
		parts = append(parts, o.(*Button).Text)
	}
	return strings.Join(parts, "\n")
}

// TestChineseButtonWordsBreakBetweenCharacters: Chinese has no spaces, so
// a wrapping button may be as narrow as one character, not its whole label
// (which made the consent footer wider than a 1024-pixel screen).
func TestChineseButtonWordsBreakBetweenCharacters(t *testing.T) {
	test.NewTempApp(t)
	b := NewButton("是的，我愿意参加", nil)
	b.Wrap = true
	whole := fyne.MeasureText(b.Text, 20, fyne.TextStyle{Bold: true}).Width
	if w := b.MinSize().Width; w > whole/2 {
		t.Errorf("the button is at least %.0f px wide; its label on one line is %.0f px", w, whole)
	}
}
