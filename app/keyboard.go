package app

// On-screen keys, so that every participant screen and the staff PIN
// prompt work on a touch screen with no keyboard (issue 15, item 4; P22).
//
//   - Keyboard: the letters of the participant's language (keyboard_layouts.go)
//     under a free-text answer. Shift where the script has capitals, pages
//     where a script has more letters than four rows hold, Space, delete and
//     Done, which folds the keys away (a button brings them back).
//   - numPad (pads.go): digits, delete and − / + steps within the
//     question's range, under a number question.
//   - pinPad (pads.go): large digits, delete and OK on the staff PIN prompt.
//
// Keys type through the entry's own TypedRune and TypedKey, exactly as a
// physical key does: at the cursor, replacing a selection, with undo, the
// entry's validation and the screen's length limit. The physical keyboard
// keeps working as before. Keys are not focusable, so Tab still goes
// straight from the answer to Back and Next; after each tap the entry gets
// the focus back (the window's driver takes it away when something that
// cannot be focused is tapped).
//
// Size: keys are MinTarget (64 px) square, at least, with fixed 28 px
// labels, whatever text size the participant chose. Scaling them with the
// text would make a row of 12 Arabic keys 1,700 px wide at 200% text, far
// past a 1,024 px screen; at 64 px a key is already larger than the kiosk's
// other targets and its single letter is larger than body text at 100% and
// 150%. The answer box above the keys does grow with the text.
//
// Chinese: the keyboard is the Latin one with a note that Chinese characters
// need the computer's own input method. A pinyin input method worth using
// needs a dictionary of tens of thousands of words with frequencies to rank
// candidates (Debian ships one: ibus-libpinyin 1.15 with libpinyin-data,
// about 50 MB installed); a small bundled list of characters would offer the
// wrong ones for most syllables. And Fyne 2.7 on Linux does not reliably
// take text from a system input method either (fyne-io/fyne#618, still
// open), so Chorus does not promise it: the note says so plainly, and a
// Chinese-speaking participant can answer in pinyin or English, or with a
// member of staff's help.

import (
	"image/color"
	"strings"
	"unicode"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const (
	keyLabelSize = 28 // px, a letter key's label, at every text size
	keyWordSize  = 20 // px, the words on Space, Done and the like
	keyGap       = 6  // px between keys (theme padding, which never scales)
)

// trayColor is the colour behind the keys: a grey found nowhere else in the
// palette, so the real-window check (scripts/taps.py) finds the keys by it.
func trayColor() color.Color {
	if th, ok := fyne.CurrentApp().Settings().Theme().(*Theme); ok && th.HighContrast {
		return color.NRGBA{0x1c, 0x1c, 0x1c, 0xff}
	}
	return color.NRGBA{0xc9, 0xd3, 0xd9, 0xff}
}

// keyCap is one on-screen key. It can be tapped but not focused.
type keyCap struct {
	widget.BaseWidget
	label   string
	size    float32 // label size
	minSize fyne.Size
	bold    bool
	pressed bool // a finger or the mouse is down on it
	onTap   func()
}

func newKeyCap(label string, width float32, tapped func()) *keyCap {
	k := &keyCap{label: label, size: keyLabelSize, minSize: fyne.NewSize(max(width, MinTarget), MinTarget), onTap: tapped}
	k.ExtendBaseWidget(k)
	return k
}

// wordKey is a key that shows a word (Space, Done) rather than a letter.
func wordKey(label string, width float32, tapped func()) *keyCap {
	k := newKeyCap(label, width, tapped)
	k.size = keyWordSize
	return k
}

// Tapped implements fyne.Tappable.
func (k *keyCap) Tapped(*fyne.PointEvent) {
	if k.onTap != nil {
		k.onTap()
	}
}

// MouseDown implements desktop.Mouseable: the key shows it is pressed, so
// a finger covering the label still sees the tap was felt.
func (k *keyCap) MouseDown(*desktop.MouseEvent) { k.pressed = true; k.Refresh() }

// MouseUp implements desktop.Mouseable.
func (k *keyCap) MouseUp(*desktop.MouseEvent) { k.pressed = false; k.Refresh() }

func (k *keyCap) setLabel(s string) {
	if k.label != s {
		k.label = s
		k.Refresh()
	}
}

// CreateRenderer implements fyne.Widget.
func (k *keyCap) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = 8
	bg.StrokeWidth = 1
	text := canvas.NewText("", color.Black)
	text.Alignment = fyne.TextAlignCenter
	r := &keyRenderer{k: k, bg: bg, text: text}
	r.Refresh()
	return r
}

type keyRenderer struct {
	k    *keyCap
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *keyRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	ts := r.text.MinSize()
	r.text.Move(fyne.NewPos(0, (size.Height-ts.Height)/2))
	r.text.Resize(fyne.NewSize(size.Width, ts.Height))
}

func (r *keyRenderer) MinSize() fyne.Size {
	ts := fyne.MeasureText(r.k.label, r.k.size, fyne.TextStyle{Bold: r.k.bold})
	return r.k.minSize.Max(fyne.NewSize(ts.Width+2*keyGap, ts.Height))
}

func (r *keyRenderer) Refresh() {
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(theme.ColorNameButton, v)
	r.bg.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	switch {
	case r.k.pressed:
		r.bg.FillColor = th.Color(theme.ColorNameSelection, v)
		r.text.Color = th.Color(theme.ColorNameForeground, v)
	case r.k.bold:
		r.bg.FillColor = th.Color(theme.ColorNamePrimary, v)
		r.text.Color = th.Color(theme.ColorNameForegroundOnPrimary, v)
	default:
		r.text.Color = th.Color(theme.ColorNameForeground, v)
	}
	r.text.Text = r.k.label
	r.text.TextSize = r.k.size
	r.text.TextStyle = fyne.TextStyle{Bold: r.k.bold}
	r.bg.Refresh()
	r.text.Refresh()
	r.Layout(r.k.Size())
}

func (r *keyRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.text} }

func (r *keyRenderer) Destroy() {}

// keyTray puts rows of keys, each row centred, on the tray colour.
func keyTray(rows ...[]fyne.CanvasObject) (*fyne.Container, *fyne.Container) {
	box := container.NewVBox()
	setKeyRows(box, rows)
	bg := canvas.NewRectangle(trayColor())
	bg.CornerRadius = 8
	return container.NewStack(bg, container.NewPadded(box)), box
}

func setKeyRows(box *fyne.Container, rows [][]fyne.CanvasObject) {
	box.Objects = nil
	for _, r := range rows {
		box.Add(container.NewCenter(container.NewHBox(r...)))
	}
	box.Refresh()
}

// keyLabel is what a key that types s shows: a vowel sign or other mark
// sits on a dotted circle, as in printed alphabets, so it can be seen.
func keyLabel(s string) string {
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Mc) {
			return "\u25cc" + s
		}
		break
	}
	return s
}

// Keyboard is the on-screen keyboard for one text box, in one language.
type Keyboard struct {
	entry   *widget.Entry
	focus   fyne.Focusable // what gets the focus back after a tap
	layout  keyLayout
	rtl     bool
	onInput func() // every tap, for the idle timer

	page      int
	shift     bool
	hidden    bool       // folded away with Done
	box       *answerBox // a multi-line box, shorter while the keys show
	boxRows   int        // the box's rows now
	revealing bool

	root  *fyne.Container // the keys, or the button that shows them again
	tray  *fyne.Container
	rows  *fyne.Container
	show  *Button
	note  *widget.Label
	keys  map[string]*keyCap // the current page's letter keys by what they type
	shKey *keyCap            // Shift, on pages with capitals
	pgKey *keyCap            // the next page
	space *keyCap
	back  *keyCap
	done  *keyCap
}

// newKeyboard makes the keyboard of language tag (English's if it has none)
// for entry; focus is the widget that holds the entry (the entry itself, or
// a box around it).
func newKeyboard(l *Localizer, tag string, entry *widget.Entry, focus fyne.Focusable, onInput func()) *Keyboard {
	kb := &Keyboard{entry: entry, focus: focus, layout: layoutFor(tag), rtl: l.Lang.RTL(), onInput: onInput}
	kb.shKey = newKeyCap("⇧", 96, kb.onShift)
	kb.pgKey = wordKey("", 96, kb.onPage)
	kb.space = wordKey(visual(l.Lang, l.T("keys.space")), 300, func() { kb.typeText(" ") })
	kb.back = newKeyCap("⌫", 96, kb.onBackspace)
	kb.done = wordKey(visual(l.Lang, l.T("keys.done")), 128, kb.onDone)
	kb.done.bold = true
	kb.tray, kb.rows = keyTray()
	kb.show = NewButton("⌨  "+visual(l.Lang, l.T("keys.show")), kb.onShow)
	if kb.layout.note != "" {
		kb.note = para(l, l.T(kb.layout.note), theme.SizeNameText, false)
	}
	kb.root = container.New(&revealLayout{reveal: kb.reveal}, kb.panel())
	kb.build()
	return kb
}

// build lays out the current page.
func (kb *Keyboard) build() {
	p := kb.layout.pages[kb.page]
	kb.keys = map[string]*keyCap{}
	cased := false
	var rows [][]fyne.CanvasObject
	for _, row := range p.rows {
		var keys []fyne.CanvasObject
		for _, s := range row {
			out := s
			if kb.shift {
				out = strings.ToUpper(s)
			}
			if strings.ToUpper(s) != s {
				cased = true
			}
			k := newKeyCap(keyLabel(out), MinTarget, func() { kb.typeText(out) })
			kb.keys[out] = k
			keys = append(keys, k)
		}
		rows = append(rows, keys)
	}
	var fn []fyne.CanvasObject
	if cased {
		kb.shKey.bold = kb.shift
		kb.shKey.Refresh()
		fn = append(fn, kb.shKey)
	}
	if len(kb.layout.pages) > 1 {
		kb.pgKey.setLabel(kb.layout.pages[(kb.page+1)%len(kb.layout.pages)].name)
		fn = append(fn, kb.pgKey)
	}
	fn = append(fn, kb.space, kb.back, kb.done)
	if kb.rtl {
		for i, j := 0, len(fn)-1; i < j; i, j = i+1, j-1 {
			fn[i], fn[j] = fn[j], fn[i]
		}
	}
	setKeyRows(kb.rows, append(rows, fn))
}

// key returns the key on show that types s, or nil.
func (kb *Keyboard) key(s string) *keyCap { return kb.keys[s] }

func (kb *Keyboard) typeText(s string) {
	kb.input()
	for _, r := range s {
		kb.entry.TypedRune(r)
	}
	if kb.shift {
		kb.shift = false // Shift is for one letter, as on a phone
		kb.build()
	}
	kb.refocus()
}

func (kb *Keyboard) onBackspace() {
	kb.input()
	kb.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	kb.refocus()
}

func (kb *Keyboard) onShift() {
	kb.input()
	kb.shift = !kb.shift
	kb.build()
	kb.refocus()
}

func (kb *Keyboard) onPage() {
	kb.input()
	kb.page = (kb.page + 1) % len(kb.layout.pages)
	kb.shift = false
	kb.build()
	kb.refocus()
}

// onDone folds the keys away, for someone with a keyboard or who wants to
// see the whole screen; the button left in their place brings them back.
func (kb *Keyboard) onDone() {
	kb.input()
	kb.fold(true)
	kb.root.Objects = []fyne.CanvasObject{container.NewHBox(big(kb.show))}
	kb.root.Refresh()
}

// Rows of a multi-line answer box with and without the keys below it: with
// them, three rows, so that box and keys fit a 1280×800 screen together.
const (
	boxRowsWithKeys = 3
	boxRowsAlone    = 5 // as question.go makes it
)

// fold records whether the keys are folded away and sizes the box to suit.
func (kb *Keyboard) fold(hidden bool) {
	kb.hidden = hidden
	if kb.box == nil {
		return
	}
	kb.boxRows = boxRowsWithKeys
	if hidden {
		kb.boxRows = boxRowsAlone
	}
	kb.box.SetMinRowsVisible(kb.boxRows)
}

func (kb *Keyboard) onShow() {
	kb.input()
	kb.fold(false)
	kb.root.Objects = []fyne.CanvasObject{kb.panel()}
	kb.root.Refresh()
	kb.reveal()
	kb.refocus()
}

// panel is the keys with the layout's note, if any, above them.
func (kb *Keyboard) panel() fyne.CanvasObject {
	if kb.note == nil {
		return kb.tray
	}
	return container.NewBorder(kb.note, nil, nil, nil, kb.tray)
}

func (kb *Keyboard) input() {
	if kb.onInput != nil {
		kb.onInput()
	}
}

func (kb *Keyboard) refocus() { refocus(kb.focus) }

// refocus gives f the focus back after a key was tapped.
func refocus(f fyne.Focusable) {
	o, ok := f.(fyne.CanvasObject)
	if !ok || fyne.CurrentApp() == nil {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(o); c != nil && c.Focused() != f {
		c.Focus(f)
	}
}

// answerKeys are the on-screen keys under a question's text or number box:
// a keyboard for text, a pad for numbers.
type answerKeys struct {
	kb   *Keyboard
	pad  *numPad
	root fyne.CanvasObject
}

// keysFor makes the on-screen keys for question screen s, whose answer box
// (s.entry) is already built.
func (k *Kiosk) keysFor(s *questionScreen) *answerKeys {
	q := s.q
	switch q.Type {
	case survey.Number, survey.Decimal, survey.Date:
		short := k.theme.Scale >= 2 && k.win.Canvas().Size().Height < 800
		p := newPad(s.entry, padFor{min: q.Min, max: q.Max, decimal: q.Type == survey.Decimal, date: q.Type == survey.Date, compact: short}, k.touch)
		return &answerKeys{pad: p, root: p.root}
	}
	focus := s.focus
	if focus == nil {
		focus = s.entry
	}
	kb := newKeyboard(s.l, k.flow.Lang, s.entry, focus, k.touch)
	if s.box != nil {
		kb.box = s.box
		kb.fold(false)
	}
	return &answerKeys{kb: kb, root: kb.root}
}

// reveal scrolls the screen, if the keys are below its fold, until they
// are in view, but never so far that the top of the answer box goes out of
// view. A touch screen without a keyboard cannot scroll with a wheel, and
// the scroll bar is a small target; the keys must be in view to be used.
// When box and keys cannot both be in view (a 600 px screen), a multi-line
// box gives up rows, down to one (it scrolls its own text to the cursor).
// It reports whether the keys are on screen in a scroll, so laid out in
// place.
func (kb *Keyboard) reveal() bool {
	if kb.revealing {
		return true
	}
	kb.revealing = true
	defer func() { kb.revealing = false }()
	box, _ := kb.focus.(fyne.CanvasObject) // the entry, or the box around it
	over, ok := scrollIntoView(kb.root, box)
	for ok && over > 0 && kb.box != nil && kb.boxRows > 1 {
		kb.boxRows--
		kb.box.SetMinRowsVisible(kb.boxRows)
		if sc := scrollOf(kb.root); sc != nil {
			sc.Content.Refresh()
			sc.Refresh()
		}
		over, ok = scrollIntoView(kb.root, box)
	}
	return ok
}

// scrollOf is the scroll container on screen that holds o, or nil.
func scrollOf(o fyne.CanvasObject) *container.Scroll {
	c := fyne.CurrentApp().Driver().CanvasForObject(o)
	if c == nil || c.Content() == nil {
		return nil
	}
	return scrollHolding(c.Content(), o)
}

// scrollIntoView scrolls the scroll container holding keys until their
// bottom is in view, but not past the top of box. It returns how much
// taller than the view box and keys are together (0 if they fit), and
// whether keys are on screen in a scroll.
func scrollIntoView(keys, box fyne.CanvasObject) (float32, bool) {
	sc := scrollOf(keys)
	if sc == nil {
		return 0, false // not on screen yet, or nothing to scroll
	}
	// Positions within the scroll's content, summed down the tree: while a
	// new screen is first laid out, the driver's absolute positions are not
	// yet known.
	at, ok := positionIn(sc.Content, keys)
	top, ok2 := positionIn(sc.Content, box)
	view := sc.Size().Height
	if !ok || !ok2 || view <= 0 {
		return 0, false
	}
	bottom := at.Y + keys.Size().Height
	over := max(bottom-top.Y+2*keyGap-view, 0)
	if bottom <= sc.Offset.Y+view {
		return over, true
	}
	off := min(bottom-view+keyGap, top.Y-keyGap)
	if off > sc.Offset.Y {
		sc.ScrollToOffset(fyne.NewPos(0, off))
	}
	return over, true
}

// scrollHolding finds the scroll container within o that holds want.
func scrollHolding(o, want fyne.CanvasObject) *container.Scroll {
	if d, ok := o.(*dragScroll); ok { // a page's middle (page.go)
		o = &d.Scroll
	}
	switch w := o.(type) {
	case *container.Scroll:
		if holds(w.Content, want) {
			if inner := scrollHolding(w.Content, want); inner != nil {
				return inner
			}
			return w
		}
	case *fyne.Container:
		for _, child := range w.Objects {
			if sc := scrollHolding(child, want); sc != nil {
				return sc
			}
		}
	}
	return nil
}

// positionIn is the position of want within o, which holds it.
func positionIn(o, want fyne.CanvasObject) (fyne.Position, bool) {
	if o == want {
		return fyne.Position{}, true
	}
	var children []fyne.CanvasObject
	switch w := o.(type) {
	case *fyne.Container:
		children = w.Objects
	case *container.Scroll:
		children = []fyne.CanvasObject{w.Content}
	case *dragScroll:
		children = []fyne.CanvasObject{w.Content}
	}
	for _, child := range children {
		if p, ok := positionIn(child, want); ok {
			return child.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}

// holds reports whether o is, or holds, want (through containers and
// scrolls).
func holds(o, want fyne.CanvasObject) bool {
	if o == want {
		return true
	}
	switch w := o.(type) {
	case *fyne.Container:
		for _, child := range w.Objects {
			if holds(child, want) {
				return true
			}
		}
	case *container.Scroll:
		return holds(w.Content, want)
	case *dragScroll:
		return holds(w.Content, want)
	}
	return false
}

// revealLayout fills its space with its objects, like a stack, and the
// first time it is laid out on a canvas it calls reveal.
type revealLayout struct {
	reveal func() bool
	done   bool
}

// Layout implements fyne.Layout.
func (r *revealLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if !r.done && size.Height > 0 {
		r.done = r.reveal()
	}
}

// MinSize implements fyne.Layout.
func (r *revealLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}
