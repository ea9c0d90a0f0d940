package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
// invitation is drawn with its language's font, so Urdu's ے and ہ come
// from the same font as the letters they join (before, Fyne's per-glyph
// fallback split "کے" and drew the pieces out of order).
func TestWelcomeInvitationHasItsScriptFont(t *testing.T) {
	r := newRig(t, "../assets/surveys/digital-inclusion.json")
	k := r.k
	lang, _ := k.cfg.Catalog.Language("ur")
	want, _ := scriptFonts(lang)
	if want == nil {
		t.Skip("Noto Sans Arabic is not installed")
	}
	ur := k.cfg.Catalog.Localizer("ur").T("welcome.title")
	for turn := 0; turn < 12; turn++ {
		w := k.welcome
		for i, lb := range w.invite {
			if visualLine(ur) != lb.Text && !strings.Contains(lb.Text, strings.Fields(ur)[0]) {
				continue
			}
			if i >= len(w.fonts) {
				t.Fatal("invitation lines have no font holders")
			}
			var f *container.ThemeOverride = w.fonts[i]
			if got := f.Theme.Font(fyne.TextStyle{}); got != want {
				t.Fatalf("Urdu invitation drawn with %s, want %s", got.Name(), want.Name())
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
	k.welcome.rotate()
	if n := len(k.welcome.invite); n != 3 {
		t.Fatalf("%d invitation lines on a 1280x800 screen after a turn, want 3", n)
	}
	before := k.welcome.invite[1].Text
	k.welcome.rotate()
	if k.welcome.invite[1].Text == before {
		t.Errorf("the second line stayed %q after a turn", before)
	}
}
