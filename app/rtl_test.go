package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"chorus/translations"
)

// TestNumberHintOrder: the number question's hint puts its numbers where a
// reader of the language expects them. In Arabic, "رقم من 1 إلى 20" is read
// right to left, so on screen (left to right) 20 comes first and 1 sits
// between the two words; Fyne used to draw "20 إلى 1رقم من".
func TestNumberHintOrder(t *testing.T) {
	test.NewTempApp(t)
	cat, problems := LoadCatalog(translations.FS())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	cases := []struct {
		tag      string
		lo, hi   int
		want     string
		contains string
	}{
		// Arabic runs stay in logical order (Fyne shapes them right to
		// left); the runs themselves are in visual order.
		{"ar", 1, 20, "20 إلى 1 رقم من", ""},
		{"ar", -5, 5, "5 إلى -5 رقم من", ""},
		{"en", 1, 20, "", "1"},
	}
	for _, c := range cases {
		l := cat.Localizer(c.tag)
		got := strings.ReplaceAll(numberHint(l, c.lo, c.hi), lrm, "")
		if strings.ContainsAny(got, "\u2066\u2067\u2068\u2069\u200f") {
			t.Errorf("%s: hint %q keeps invisible controls Fyne cannot draw", c.tag, got)
		}
		if c.want != "" && got != c.want {
			t.Errorf("%s: numberHint(%d, %d)\n got %q\nwant %q", c.tag, c.lo, c.hi, got, c.want)
		}
		if c.contains != "" && !strings.Contains(got, c.contains) {
			t.Errorf("%s: hint %q lacks %q", c.tag, got, c.contains)
		}
	}
}

// TestDisplayBarMirrors: on a right-to-left language's screens the display
// bar's buttons sit at the left in mirrored order (A at the right of the
// group, contrast at its left), and back again for a left-to-right one.
func TestDisplayBarMirrors(t *testing.T) {
	r := newRig(t, "../assets/surveys/digital-inclusion.json")
	k := r.k
	order := func() []string {
		var out []string
		for _, o := range k.display.controls.Objects {
			b := o.(*fyne.Container).Objects[0].(*Button)
			name := b.Text
			if name == "" {
				name = "contrast"
			}
			out = append(out, name)
		}
		return out
	}
	side := func() float32 {
		return k.display.controls.Position().X
	}
	if got := strings.Join(order(), " "); got != "A A+ A++ contrast" {
		t.Fatalf("welcome bar order %q", got)
	}
	test.Tap(k.welcome.langs["ar"])
	if k.consent == nil {
		t.Fatal("choosing Arabic did not show consent")
	}
	if got := strings.Join(order(), " "); got != "contrast A++ A+ A" {
		t.Errorf("Arabic bar order %q, want mirrored", got)
	}
	if x := side(); x > WindowSize.Width/2 {
		t.Errorf("Arabic bar's buttons at x=%v, want at the left", x)
	}
}

// TestWelcomeInvitationHasItsScriptFont: each line of the rotating
// invitation is drawn, measured and wrapped with its language's font, so
// Urdu's ے and ہ come from the same font as the letters they join (before,
// Fyne's per-glyph fallback split "کے" and drew the pieces out of order),
// and the line is as tall as that font's letters (measured with one font
// and drawn with another, its bottom was cut).
func TestWelcomeInvitationHasItsScriptFont(t *testing.T) {
	r := newRig(t, "../assets/surveys/digital-inclusion.json")
	k := r.k
	lang, _ := k.cfg.Catalog.Language("ur")
	want, _ := scriptFonts(lang)
	ur := k.cfg.Catalog.Localizer("ur").T("welcome.title")
	for turn := 0; turn < 12; turn++ {
		w := k.welcome
		for _, lb := range w.invite {
			if lb.text != ur {
				continue
			}
			r.win.Canvas().Capture()
			rows := test.WidgetRenderer(lb).(*fontTextRenderer).rows
			if len(rows) == 0 {
				t.Fatal("the Urdu invitation has no lines")
			}
			for _, row := range rows {
				if row.FontSource != want {
					t.Fatalf("Urdu invitation drawn with %v, want %s", row.FontSource, want.Name())
				}
				m, _ := fyne.CurrentApp().Driver().RenderedTextSize(row.Text, row.TextSize, row.TextStyle, want)
				if row.Size().Height < m.Height {
					t.Errorf("an Urdu line is %v tall, its letters %v", row.Size().Height, m.Height)
				}
			}
			return
		}
		w.rotate()
	}
	t.Fatal("the Urdu invitation never showed")
}

// TestInvitationFollowsTheScreen: a welcome screen built for a short
// screen (or before the window had a size, at start-up) shows one line;
// once the screen is tall enough the next turn shows three, and the turns
// after change the second and third languages.
func TestInvitationFollowsTheScreen(t *testing.T) {
	r, _ := builtinRig(t)
	k := r.k
	r.win.Resize(fyne.NewSize(1024, 600))
	k.Start()
	if n := len(k.welcome.invite); n != 1 {
		t.Fatalf("%d invitation lines on a 1024x600 screen, want 1", n)
	}
	r.win.Resize(fyne.NewSize(1280, 800))
	r.win.Canvas().Focus(k.welcome.langs["cy"]) // a keyboard user, part way there
	k.welcome.rotate()
	if got := r.win.Canvas().Focused(); got != fyne.Focusable(k.welcome.langs["cy"]) {
		t.Errorf("after the rebuild the focus is on %v, not the new Cymraeg button", got)
	}
	if n := len(k.welcome.invite); n != 3 {
		t.Fatalf("%d invitation lines on a 1280x800 screen after a turn, want 3", n)
	}
	before := k.welcome.invite[1].text
	k.welcome.rotate()
	if k.welcome.invite[1].text == before {
		t.Errorf("the second line stayed %q after a turn", before)
	}
}

// TestLanguageButtonsStayPutAsTheInvitationTurns: the invitation's lines
// in Arabic script and the Indic scripts are taller than in Latin; each
// line has the height its letters need (the Urdu and Arabic lines were cut
// at the bottom), and a turn does not move the language buttons under a
// finger about to tap.
func TestLanguageButtonsStayPutAsTheInvitationTurns(t *testing.T) {
	r, _ := builtinRig(t)
	k := r.k
	r.win.Resize(fyne.NewSize(1280, 800))
	k.welcome.rotate() // built again for the window's size
	if n := len(k.welcome.invite); n != 3 {
		t.Fatalf("%d invitation lines, want 3", n)
	}
	d := fyne.CurrentApp().Driver()
	var first fyne.Position
	for turn := 0; turn < 12; turn++ {
		r.win.Canvas().Capture()
		at := d.AbsolutePositionForObject(k.welcome.langs["so"])
		if turn == 0 {
			first = at
		} else if at != first {
			t.Fatalf("turn %d (%q, %q): the Soomaali button moved from %v to %v", turn,
				k.welcome.invite[1].text, k.welcome.invite[2].text, first, at)
		}
		box := k.welcome.box
		if last := box.Objects[len(box.Objects)-1]; last.Position().Y+last.Size().Height > box.Size().Height {
			t.Errorf("turn %d (%q, %q): the invitation's lines need %v of height and have %v: the last is cut", turn,
				k.welcome.invite[1].text, k.welcome.invite[2].text, last.Position().Y+last.Size().Height, box.Size().Height)
		}
		k.welcome.rotate()
	}
}

// TestWelcomeFitsTheScreenAsSoonAsItHasItsSize: a kiosk starts before its
// window is full screen; the welcome screen is built again for the full
// size at once, not at the invitation's next turn, up to four seconds
// later: the language buttons moved then, and a tap or Space in the
// settle time after the move went nowhere (taps.py and e2e.py lost their
// first tap that way).
func TestWelcomeFitsTheScreenAsSoonAsItHasItsSize(t *testing.T) {
	r, clk := builtinRig(t)
	k := r.k
	r.win.Resize(fyne.NewSize(1024, 600))
	k.Start()
	if n := len(k.welcome.invite); n != 1 {
		t.Fatalf("%d invitation lines on a 1024x600 screen, want 1", n)
	}
	clk.add(time.Second)
	r.win.Resize(fyne.NewSize(1280, 800)) // full screen arrives
	r.win.Canvas().Capture()
	if n := len(k.welcome.invite); n != 3 {
		t.Fatalf("%d invitation lines once the window is 1280x800, want 3 before the next turn", n)
	}
	clk.add(settleTime)
	r.tap(clk, k.welcome.langs["cy"])
	if k.consent == nil {
		t.Fatal("a tap on Cymraeg after the settle time did not start the visit")
	}
}

// TestOneLanguageWelcomeIsBuiltOnce: a survey in fewer languages than the
// invitation has lines (alltypes.json has two) shows each once whatever the
// screen's size; the welcome screen must not
// take that for a screen built for another size and build itself again
// (at each turn it did, moving nothing but restarting the settle time; on
// a resize it looped and the window stayed black).
func TestFewLanguagesWelcomeIsBuiltOnce(t *testing.T) {
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	k := r.k
	if n := len(k.cfg.Survey.Languages); n >= 3 {
		t.Fatalf("alltypes.json has %d languages; this test needs fewer than 3", n)
	}
	r.win.Resize(fyne.NewSize(1280, 800))
	k.Start()
	r.win.Canvas().Capture()
	w := k.welcome
	if n := len(w.invite); n != 2 {
		t.Fatalf("%d invitation lines, want 2", n)
	}
	w.rotate()
	w.rotate()
	r.win.Canvas().Capture()
	if k.welcome != w {
		t.Error("the two-language welcome screen was built again")
	}
}
