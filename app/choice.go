package app

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// MinTarget is the smallest tappable size on participant screens at 100%
// text (WCAG 2.5.5 asks 44 px; unsteady fingers at a kiosk need more).
const MinTarget = 64

// repeatGuard is how long a second tap on the same control is ignored, so a
// shaky double tap counts once.
const repeatGuard = 400 * time.Millisecond

// Choice is a large answer option: a marker (radio or tick box) or a picture,
// and its words. It can be tapped or focused with Tab and chosen with Space
// or Enter.
type Choice struct {
	widget.BaseWidget
	Label    string
	Picture  fyne.Resource // a face for faces4 questions; nil for a marker
	Multi    bool          // tick box rather than radio marker
	Selected bool
	RTL      bool
	OnTapped func()
	// OnSubmit runs when Enter is pressed on the choice: the screen's
	// primary action (Next), as in a web form.
	OnSubmit func()

	// onFocus runs when the choice gains the keyboard focus; a page sets
	// it to scroll the choice into view.
	onFocus func(fyne.CanvasObject)
	// fonts, when set, draw the words in these fonts (see fontText), and
	// Label is then in reading order: "Always read aloud", which turns
	// through the languages on the welcome screen. Without them Label is
	// in the order it is drawn (see visual).
	fonts    fontPair
	focused  bool
	hovered  bool
	lastTap  time.Time
	now      func() time.Time
	vertical bool // picture above words (faces, scale points)
}

// NewChoice returns a choice with a marker.
func NewChoice(label string, multi, rtl bool, tapped func()) *Choice {
	c := &Choice{Label: label, Multi: multi, RTL: rtl, OnTapped: tapped, now: time.Now}
	c.ExtendBaseWidget(c)
	return c
}

// NewTile returns a choice drawn as a tile: a picture (or nothing) above its
// words, for faces and scale points laid out in a row.
func NewTile(label string, pic fyne.Resource, rtl bool, tapped func()) *Choice {
	c := &Choice{Label: label, Picture: pic, RTL: rtl, OnTapped: tapped, now: time.Now, vertical: true}
	c.ExtendBaseWidget(c)
	return c
}

// SetSelected changes the shown state.
func (c *Choice) SetSelected(on bool) {
	if c.Selected == on {
		return
	}
	c.Selected = on
	c.Refresh()
}

// Tapped implements fyne.Tappable.
func (c *Choice) Tapped(*fyne.PointEvent) { c.activate() }

func (c *Choice) activate() {
	now := c.now()
	if !c.lastTap.IsZero() && now.Sub(c.lastTap) < repeatGuard {
		return
	}
	c.lastTap = now
	if c.OnTapped != nil {
		c.OnTapped()
	}
}

// FocusGained implements fyne.Focusable.
func (c *Choice) FocusGained() {
	c.focused = true
	c.Refresh()
	if c.onFocus != nil {
		c.onFocus(c)
	}
}

// FocusLost implements fyne.Focusable.
func (c *Choice) FocusLost() { c.focused = false; c.Refresh() }

// TypedRune implements fyne.Focusable.
func (c *Choice) TypedRune(rune) {}

// TypedKey implements fyne.Focusable: Space chooses, Enter moves on.
func (c *Choice) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeySpace:
		c.activate()
	case fyne.KeyReturn, fyne.KeyEnter:
		if c.OnSubmit != nil {
			c.OnSubmit()
		}
	}
}

// MouseIn implements desktop.Hoverable.
func (c *Choice) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (c *Choice) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (c *Choice) MouseOut() { c.hovered = false; c.Refresh() }

// CreateRenderer implements fyne.Widget.
func (c *Choice) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = 10
	bg.StrokeWidth = 2
	label := widget.NewLabel(c.Label)
	label.Wrapping = fyne.TextWrapWord
	marker := widget.NewIcon(nil)
	var pic *canvas.Image
	if c.Picture != nil {
		pic = canvas.NewImageFromResource(c.Picture)
		pic.FillMode = canvas.ImageFillContain
		pic.SetMinSize(fyne.NewSquareSize(72))
	}
	ft := newFontText("", fontPair{}, c.RTL, theme.SizeNameText, false)
	r := &choiceRenderer{c: c, bg: bg, label: label, ft: ft, marker: marker, pic: pic}
	r.build()
	r.Refresh()
	return r
}

type choiceRenderer struct {
	c      *Choice
	bg     *canvas.Rectangle
	label  *widget.Label
	ft     *fontText // the words instead of label when the choice has fonts
	marker *widget.Icon
	pic    *canvas.Image
	box    *fyne.Container
}

func (r *choiceRenderer) build() {
	words := container.NewStack(r.label, r.ft)
	if r.c.vertical {
		r.label.Alignment = fyne.TextAlignCenter
		var top fyne.CanvasObject = r.marker
		if r.pic != nil {
			top = container.NewCenter(r.pic)
		}
		r.box = container.NewBorder(top, nil, nil, nil, words)
		return
	}
	var markerBox fyne.CanvasObject = container.NewCenter(r.marker)
	if r.pic != nil {
		markerBox = container.NewCenter(r.pic) // a face beside its words
	}
	if r.c.RTL {
		r.label.Alignment = fyne.TextAlignTrailing
		r.box = container.NewBorder(nil, nil, nil, markerBox, words)
	} else {
		r.box = container.NewBorder(nil, nil, markerBox, nil, words)
	}
}

func (r *choiceRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	p := theme.Padding()
	r.box.Move(fyne.NewPos(p, p))
	r.box.Resize(size.Subtract(fyne.NewSquareSize(2 * p)))
}

func (r *choiceRenderer) MinSize() fyne.Size {
	p := theme.Padding()
	m := r.box.MinSize().Add(fyne.NewSquareSize(2 * p))
	return m.Max(fyne.NewSquareSize(MinTarget))
}

func (r *choiceRenderer) Refresh() {
	c := r.c
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.label.SetText(c.Label)
	if c.fonts.regular != nil {
		r.label.Hide()
		r.ft.Show()
		r.ft.text, r.ft.fonts, r.ft.rtl = c.Label, c.fonts, c.RTL
		r.ft.align = fyne.TextAlignLeading
		if c.RTL {
			r.ft.align = fyne.TextAlignTrailing
		}
		r.ft.bold = c.Selected
	} else {
		r.label.Show()
		r.ft.Hide()
	}
	switch {
	case c.Selected:
		r.bg.FillColor = th.Color(theme.ColorNameSelection, v)
		r.bg.StrokeColor = th.Color(theme.ColorNamePrimary, v)
		r.label.TextStyle = fyne.TextStyle{Bold: true}
	case c.hovered:
		r.bg.FillColor = th.Color(theme.ColorNameHover, v)
		r.bg.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
		r.label.TextStyle = fyne.TextStyle{}
	default:
		r.bg.FillColor = th.Color(theme.ColorNameButton, v)
		r.bg.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
		r.label.TextStyle = fyne.TextStyle{}
	}
	r.bg.StrokeWidth = 2
	if c.focused {
		r.bg.StrokeColor = focusRing(th, v)
		r.bg.StrokeWidth = 5
	}
	switch {
	case c.Picture != nil:
		r.marker.Hide()
	case c.Multi && c.Selected:
		r.marker.SetResource(theme.CheckButtonCheckedIcon())
	case c.Multi:
		r.marker.SetResource(theme.CheckButtonIcon())
	case c.Selected:
		r.marker.SetResource(theme.RadioButtonCheckedIcon())
	default:
		r.marker.SetResource(theme.RadioButtonIcon())
	}
	r.bg.Refresh()
	r.label.Refresh()
	r.ft.Refresh()
}

func (r *choiceRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.box} }

func (r *choiceRenderer) Destroy() {}
