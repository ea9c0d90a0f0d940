package app

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"chorus/data/survey"
	"chorus/translations"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/unicode/norm"
)

// scripts is the script each participant language is written in; the
// keys of its keyboard type nothing else (besides digits, punctuation and
// space, which Unicode counts as common to every script).
var scripts = map[string]*unicode.RangeTable{
	"en": unicode.Latin, "cy": unicode.Latin, "pl": unicode.Latin, "ro": unicode.Latin,
	"pt": unicode.Latin, "so": unicode.Latin, "zh-Hans": unicode.Latin, // pinyin; see keyboard.go
	"ar": unicode.Arabic, "ur": unicode.Arabic,
	"pa": unicode.Gurmukhi, "bn": unicode.Bengali, "gu": unicode.Gujarati,
}

// everyKey lists what each key of a layout types, with and without Shift.
func everyKey(l keyLayout) []string {
	var out []string
	for _, p := range l.pages {
		for _, row := range p.rows {
			for _, k := range row {
				out = append(out, k, strings.ToUpper(k))
			}
		}
	}
	return out
}

// TestKeyLayoutsTypeOnlyTheirScript: every participant language has a
// keyboard; each key types only letters of the language's script (or
// digits and punctuation), in NFC, so nothing typed needs normalising; the
// Latin layouts have each language's own letters.
func TestKeyLayoutsTypeOnlyTheirScript(t *testing.T) {
	cat, _ := LoadCatalog(translations.FS())
	own := map[string]string{
		"cy": "â ê î ô û ŵ ŷ",
		"pl": "ą ć ę ł ń ó ś ź ż",
		"ro": "ă â î \u0219 \u021b", // ș ț with the comma below, not the cedilla
		"pt": "á à â ã ç é ê í ó ô õ ú",
		"ar": "ض ص ث ق ف غ ع ه خ ح ج د ش س ي ب ل ا ت ن م ك ط ئ ء ؤ ر ى ة و ز ظ ذ",
		"ur": "ٹ ڈ ڑ ں ے ھ ہ ک گ پ چ ژ ی",
		"pa": "ਕ ਾ ਿ ੀ ੁ ੂ ੇ ੈ ੋ ੌ ੍ ਅ ਆ ੳ ੲ ਂ ੰ ੱ",
		"bn": "ক া ি ী ু ূ ে ৈ ো ৌ ্ অ আ ং ঃ ঁ ৎ",
		"gu": "ક ા િ ી ુ ૂ ે ૈ ો ૌ ્ અ આ ં ઃ ઁ",
	}
	for _, lang := range cat.Languages() {
		t.Run(lang.Tag, func(t *testing.T) {
			script, ok := scripts[lang.Tag]
			if !ok {
				t.Fatalf("no script known for %s: add it here and give it a keyboard", lang.Tag)
			}
			l := layoutFor(lang.Tag)
			if _, ok := keyLayouts[lang.Tag]; !ok {
				t.Errorf("%s has no keyboard of its own", lang.Tag)
			}
			keys := everyKey(l)
			for _, k := range keys {
				if k == "" || !norm.NFC.IsNormalString(k) {
					t.Errorf("key %q (%+q) is not in NFC", k, k)
				}
				for _, r := range k {
					if !unicode.In(r, script, unicode.Common, unicode.Inherited) {
						t.Errorf("key %q types %q (%U), which is not in %s's script", k, r, r, lang.Tag)
					}
				}
			}
			for _, want := range strings.Fields(own[lang.Tag]) {
				if !slices.Contains(keys, want) {
					t.Errorf("no key types %q (%+q)", want, want)
				}
			}
			for i, p := range l.pages {
				if len(p.rows) > 4 {
					t.Errorf("page %d has %d rows; more than 4 rows and the function row do not fit a 600 px screen", i, len(p.rows))
				}
			}
		})
	}
}

// kioskOnText returns a kiosk rig on the all-types survey's text question,
// in language tag.
func kioskOnQuestion(t *testing.T, tag, id string) (*rig, *questionScreen) {
	t.Helper()
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	test.Tap(r.k.welcome.langs[tag])
	test.Tap(r.k.consent.agree)
	i := slices.IndexFunc(r.sv.Questions, func(q survey.Question) bool { return q.ID == id })
	r.k.goTo(i)
	return r, r.onQuestion(t, id)
}

// TestKeyboardTypesAtTheCursor: keys type into the answer where the cursor
// is, through the entry's own handling (so the answer is kept and undo
// works); delete, Shift (for one letter), the second page and Done work;
// the answer box keeps the focus; the physical keyboard still types.
func TestKeyboardTypesAtTheCursor(t *testing.T) {
	r, s := kioskOnQuestion(t, "en", "story")
	kb := s.keys.kb
	if kb == nil || s.keys.pad != nil {
		t.Fatal("a text question has no on-screen keyboard")
	}
	tap := func(key string) {
		t.Helper()
		k := kb.key(key)
		if k == nil {
			t.Fatalf("no key %q on show", key)
		}
		test.Tap(k)
	}
	s.entry.SetText("ac")
	s.entry.CursorRow, s.entry.CursorColumn = 0, 1
	tap("b")
	if got := s.entry.Text; got != "abc" {
		t.Fatalf("after tapping b between a and c: %q, want %q", got, "abc")
	}
	if got := r.k.flow.Answers["story"].Text; got != "abc" {
		t.Errorf("the answer kept is %q, want %q", got, "abc")
	}
	if f := r.win.Canvas().Focused(); f != s.focus {
		t.Errorf("after a key, %T has the focus, want the answer box", f)
	}
	test.Tap(kb.back)
	if got := s.entry.Text; got != "ac" {
		t.Fatalf("after ⌫: %q, want %q", got, "ac")
	}
	test.Tap(kb.shKey)
	tap("K")
	tap("o")
	if got := s.entry.Text; got != "aKoc" {
		t.Fatalf("Shift then k, o: %q, want %q (Shift is for one letter)", got, "aKoc")
	}
	s.entry.TypedShortcut(&fyne.ShortcutUndo{})
	if got := s.entry.Text; got != "ac" {
		t.Errorf("undo after typing Ko: %q, want %q", got, "ac")
	}
	test.Tap(kb.space)
	test.Tap(kb.pgKey)
	tap("7")
	if got := s.entry.Text; got != "a 7c" {
		t.Errorf("space, then 7 from the second page: %q, want %q", got, "a 7c")
	}
	// The physical keyboard types at the cursor as before.
	test.Type(s.box, "!")
	if got := s.entry.Text; got != "a 7!c" {
		t.Errorf("a physical key: %q, want %q", got, "a 7!c")
	}
	// A key shows it is pressed while the finger is down.
	k := kb.key("7") // the second page is on show
	k.MouseDown(&desktop.MouseEvent{})
	if !k.pressed {
		t.Error("a key does not show it is pressed")
	}
	k.MouseUp(&desktop.MouseEvent{})
	// Keys stay out of the Tab order: Tab goes from the answer to Back and Next.
	if _, ok := fyne.CanvasObject(k).(fyne.Focusable); ok {
		t.Error("keys can take the focus, so Tab would have to pass every one")
	}
	// Done folds the keys away; the button left brings them back.
	test.Tap(kb.done)
	if !kb.hidden || !kb.show.Visible() {
		t.Fatal("Done did not fold the keys away")
	}
	if kb.boxRows != boxRowsAlone {
		t.Errorf("with the keys folded away the box has %d rows, want %d", kb.boxRows, boxRowsAlone)
	}
	test.Tap(kb.show)
	if kb.hidden {
		t.Error("the Keyboard button did not bring the keys back")
	}
	test.Tap(s.next)
	if got := r.k.flow.Answers["story"].Text; got != "a 7!c" {
		t.Errorf("saved answer %q, want %q", got, "a 7!c")
	}
}

// TestKeyboardFollowsTheLanguage: a participant who chose Welsh gets the
// Welsh letters; right-to-left keyboards have Done and delete mirrored; the
// Chinese keyboard says how to type characters.
func TestKeyboardFollowsTheLanguage(t *testing.T) {
	_, s := kioskOnQuestion(t, "cy", "story")
	test.Tap(s.keys.kb.key("ŵ"))
	if got := s.entry.Text; got != "ŵ" {
		t.Errorf("Welsh ŵ key typed %q", got)
	}
	cat, _ := LoadCatalog(translations.FS())
	for _, tag := range []string{"ur", "ar", "pa", "bn", "gu", "zh-Hans", "so"} {
		e := widget.NewEntry()
		kb := newKeyboard(cat.Localizer(tag), tag, e, e, nil)
		first := keyLayouts[tag].pages[0].rows[0][0]
		if kb.key(first) == nil {
			t.Errorf("%s: the keyboard does not show its own first key %q", tag, first)
		}
		fn := kb.rows.Objects[len(kb.rows.Objects)-1].(*fyne.Container).Objects[0].(*fyne.Container).Objects
		if rtl := cat.Localizer(tag).Lang.RTL(); rtl != (fn[0] == kb.done) {
			t.Errorf("%s: Done is first in the bottom row: %v; right to left: %v", tag, fn[0] == kb.done, rtl)
		}
		if (tag == "zh-Hans") != (kb.note != nil) {
			t.Errorf("%s: note shown %v", tag, kb.note != nil)
		}
	}
}

// TestNumberPad: the pad types digits and deletes; − and + step the number
// and stay within the question's range (16 to 120 here).
func TestNumberPad(t *testing.T) {
	r, s := kioskOnQuestion(t, "en", "age")
	p := s.keys.pad
	if p == nil || s.keys.kb != nil {
		t.Fatal("a number question has no number pad")
	}
	number := func() int {
		n := r.k.flow.Answers["age"].Number
		if n == nil {
			return -1
		}
		return *n
	}
	test.Tap(p.digits[4])
	test.Tap(p.digits[2])
	if s.entry.Text != "42" || number() != 42 {
		t.Fatalf("4, 2: box %q, answer %d", s.entry.Text, number())
	}
	test.Tap(p.back)
	if s.entry.Text != "4" {
		t.Fatalf("⌫: box %q, want 4", s.entry.Text)
	}
	test.Tap(p.inc)
	if s.entry.Text != "16" || number() != 16 {
		t.Fatalf("+ on 4, below the range: box %q, answer %d; want the minimum 16", s.entry.Text, number())
	}
	test.Tap(p.inc)
	if s.entry.Text != "17" {
		t.Fatalf("+ on 16: %q, want 17", s.entry.Text)
	}
	test.Tap(p.dec)
	test.Tap(p.dec)
	if s.entry.Text != "16" {
		t.Errorf("− below the minimum: %q, want 16", s.entry.Text)
	}
	s.entry.SetText("")
	test.Tap(p.inc)
	if s.entry.Text != "16" {
		t.Errorf("+ on an empty box: %q, want the minimum 16", s.entry.Text)
	}
	s.entry.SetText("")
	test.Tap(p.dec)
	if s.entry.Text != "120" {
		t.Errorf("− on an empty box: %q, want the maximum 120", s.entry.Text)
	}
	test.Tap(p.inc)
	if s.entry.Text != "120" || number() != 120 {
		t.Errorf("+ at the maximum: box %q, answer %d; want 120", s.entry.Text, number())
	}
	if p.minus != nil {
		t.Error("a minus-sign key for a range that starts above zero")
	}
	test.Type(s.entry, "0")
	if s.entry.Text != "1200" {
		t.Errorf("the physical keyboard: %q, want 1200", s.entry.Text)
	}
}

// TestPINPad: the staff PIN prompt's pad types a PIN the box hides, a
// wrong PIN fails as one typed on a keyboard does, and the right one
// signs in.
func TestPINPad(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	r.signOut(t)
	r.sh.ShowLogin()
	l := r.sh.login
	if !l.pin.Password {
		t.Fatal("the PIN box shows the digits")
	}
	typePIN := func(pin string) {
		for _, c := range pin {
			test.Tap(l.pad.digits[c-'0'])
		}
	}
	typePIN("1112")
	test.Tap(l.pad.back)
	typePIN("11")
	if l.pin.Text != "11111" {
		t.Fatalf("PIN box holds %d digits, want 5 (the last 1112 less one, then 11)", len(l.pin.Text))
	}
	test.Tap(l.pad.ok)
	if r.sh.user != nil || l.message.Text != l.l.T("staff.wrong_pin") {
		t.Fatalf("a wrong PIN from the pad: signed in %v, message %q", r.sh.user != nil, l.message.Text)
	}
	if l.pin.Text != "" {
		t.Error("the wrong PIN stays in the box")
	}
	typePIN("480215")
	test.Tap(l.pad.ok)
	if r.sh.user == nil || r.sh.home == nil {
		t.Fatalf("the right PIN from the pad did not sign in: %q", l.message.Text)
	}
}

// TestKeysFitASmallScreen: at 1024×600, at every text size, every key of
// every language's keyboard (every page) and of both pads is at least
// MinTarget square and lies within the screen's width.
func TestKeysFitASmallScreen(t *testing.T) {
	a := test.NewTempApp(t)
	cat, _ := LoadCatalog(translations.FS())
	win := test.NewTempWindow(t, nil)
	win.Resize(fyne.NewSize(1024, 600))
	check := func(what string, root fyne.CanvasObject) {
		t.Helper()
		win.SetContent(container.NewVScroll(container.NewPadded(root)))
		win.Resize(fyne.NewSize(1024, 600))
		n := 0
		for _, o := range allObjects(root) {
			k, ok := o.(*keyCap)
			if !ok || !k.Visible() {
				continue
			}
			n++
			sz := k.Size()
			pos := a.Driver().AbsolutePositionForObject(k)
			if sz.Width < MinTarget || sz.Height < MinTarget {
				t.Errorf("%s: key %q is %.0f×%.0f, want at least %d×%d", what, k.label, sz.Width, sz.Height, MinTarget, MinTarget)
			}
			if pos.X < 0 || pos.X+sz.Width > 1024 {
				t.Errorf("%s: key %q spans x %.0f to %.0f, past a 1024 px screen", what, k.label, pos.X, pos.X+sz.Width)
			}
		}
		if n == 0 {
			t.Errorf("%s: no keys", what)
		}
	}
	for _, scale := range TextScales {
		a.Settings().SetTheme(&Theme{Scale: scale})
		for _, lang := range cat.Languages() {
			e := widget.NewEntry()
			kb := newKeyboard(cat.Localizer(lang.Tag), lang.Tag, e, e, nil)
			for p := range kb.layout.pages {
				kb.page = p
				kb.build()
				check(lang.Tag+" page "+string(rune('1'+p)), kb.root)
				if p == 0 {
					kb.onShift()
					check(lang.Tag+" shifted", kb.root)
					kb.onShift()
				}
			}
		}
		check("number pad", newNumPad(widget.NewEntry(), -5, 5, nil).root)
		check("PIN pad", newPinPad(widget.NewPasswordEntry(), func() {}).root)
	}
}

// TestKeysScrollIntoView: when a text question opens on a small screen,
// the page scrolls so the keys are in view (a touch screen has no wheel),
// but not so far that the top of the answer box goes out of view; the box
// gives up rows when that is what it takes for both to fit.
func TestKeysScrollIntoView(t *testing.T) {
	r, s := kioskOnQuestion(t, "en", "story")
	r.win.Resize(fyne.NewSize(1024, 600))
	r.k.goTo(r.k.flow.Index) // opened afresh at this size
	s = r.onQuestion(t, "story")
	kb := s.keys.kb
	sc := scrollHolding(r.win.Canvas().Content(), kb.root)
	if sc == nil {
		// Keys outside any scroll (a fixed part of the page) must simply
		// be on the screen.
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(kb.root)
		if end := at.Y + kb.root.Size().Height; end > 600 {
			t.Fatalf("keys end at %.0f, below a 600 px screen, and nothing scrolls them", end)
		}
		return
	}
	at, _ := positionIn(sc.Content, kb.root)
	top, _ := positionIn(sc.Content, s.box)
	view := sc.Size().Height
	bottom := at.Y + kb.root.Size().Height
	if sc.Offset.Y == 0 && bottom > view {
		t.Fatalf("keys end at %.0f, below a view %.0f high, and the page did not scroll", bottom, view)
	}
	if top.Y < sc.Offset.Y {
		t.Errorf("scrolled to %.0f, past the top of the answer box at %.0f", sc.Offset.Y, top.Y)
	}
	if kb.boxRows < 1 {
		t.Errorf("the answer box has %d rows", kb.boxRows)
	}
	if bottom > sc.Offset.Y+view+0.5 && kb.boxRows > 1 {
		t.Errorf("the keys end at %.0f, below the view (%.0f-%.0f), yet the box keeps %d rows", bottom, sc.Offset.Y, sc.Offset.Y+view, kb.boxRows)
	}
	if bottom-top.Y > view && kb.boxRows > 1 {
		t.Errorf("box and keys (%.0f) are taller than the view (%.0f), yet the box keeps %d rows", bottom-top.Y, view, kb.boxRows)
	}
	if sc.Offset.Y > 0 && bottom > sc.Offset.Y+view && top.Y-sc.Offset.Y > 2*keyGap {
		t.Errorf("scrolled to %.0f: keys end at %.0f, below the view, yet the box (at %.0f) could go higher", sc.Offset.Y, bottom, top.Y)
	}
}

// TestNumberPadBelowZero: a range that goes below zero gets a minus-sign
// key, and − steps below zero down to the minimum.
func TestNumberPadBelowZero(t *testing.T) {
	test.NewTempApp(t)
	e := widget.NewEntry()
	p := newNumPad(e, -3, 5, nil)
	w := test.NewTempWindow(t, container.NewVBox(e, p.root))
	w.Resize(fyne.NewSize(600, 500))
	if p.minus == nil {
		t.Fatal("no minus-sign key for a range from -3")
	}
	test.Tap(p.minus)
	test.Tap(p.digits[2])
	if e.Text != "-2" {
		t.Fatalf("minus, 2: %q", e.Text)
	}
	for range 3 {
		test.Tap(p.dec)
	}
	if e.Text != "-3" {
		t.Errorf("− three times from -2: %q, want the minimum -3", e.Text)
	}
}

// TestKeysAndBoxInViewAtLargestText: on a 1024×768 screen at 200% text,
// under the demo's banner (the kiosk gets 1024×690), the built-in survey's
// free-text question shows its answer box and every row of keys at once (the counter of letters left, which stood between them,
// shows only once three quarters of the limit is used, as GOV.UK's
// character count does).
func TestKeysAndBoxInViewAtLargestText(t *testing.T) {
	r, clk := builtinRig(t)
	k := r.k
	size := fyne.NewSize(1024, 690)
	r.win.Resize(size)
	c := &tapCounter{r: r, clk: clk}
	c.tap(k.welcome.langs["en"])
	k.display.setScale(2)
	c.tap(k.consent.agree)
	c.tap(k.intro.start)
	for steps := 0; k.question != nil && k.question.q.ID != "experience"; steps++ {
		if steps > 20 {
			t.Fatal("never reached the free-text question")
		}
		c.answerStep(t)
	}
	s := r.onQuestion(t, "experience")
	settleLayout(r.win, size)
	s.keys.kb.reveal()
	sc := scrollHolding(r.win.Canvas().Content(), s.keys.root)
	if sc == nil {
		t.Fatal("the keys are in no scroll")
	}
	at, _ := positionIn(sc.Content, s.keys.root)
	top, _ := positionIn(sc.Content, s.box)
	if bottom := at.Y + s.keys.root.Size().Height; bottom > sc.Offset.Y+sc.Size().Height+0.5 || top.Y < sc.Offset.Y-0.5 {
		t.Errorf("view %.0f-%.0f: the box starts at %.0f and the keys end at %.0f", sc.Offset.Y, sc.Offset.Y+sc.Size().Height, top.Y, bottom)
	}
	if s.counter.Visible() {
		t.Errorf("the counter shows %q with the box empty", s.counter.Text)
	}
	test.Type(s.entry, strings.Repeat("a", s.q.Limit()*3/4+1))
	if !s.counter.Visible() {
		t.Error("no counter once three quarters of the limit are used")
	}
}
