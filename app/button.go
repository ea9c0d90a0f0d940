package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Button is a widget.Button that Enter presses as well as Space, as people
// who use a keyboard expect. With Wrap set its words wrap onto more lines
// instead of making it wider than the screen (see wrapbutton.go).
type Button struct {
	widget.Button
	// Wrap lets the label wrap at spaces: the button is then as narrow as
	// its longest word. Participant screens set it; staff screens keep
	// one-line buttons.
	Wrap bool
	// onFocus runs when the button gains the keyboard focus; a page sets it
	// to scroll the button into view.
	onFocus func(fyne.CanvasObject)
	// rtl says Text is right-to-left text in reading order: a wrapping
	// button breaks it into lines and puts each in visual order itself
	// (Fyne would wrap the visual order, so the last line read first).
	rtl bool
	// iconScale, when above 0, draws the icon that much larger than the
	// theme's (a wrapping button only): an option's speaker, a symbol
	// alone for people who may not read.
	iconScale float32
	focused   bool
	hovered   bool
}

// NewButton returns a button with label and handler.
func NewButton(label string, tapped func()) *Button {
	b := &Button{}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// FocusGained implements fyne.Focusable.
func (b *Button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
	if b.onFocus != nil {
		b.onFocus(b)
	}
}

// FocusLost implements fyne.Focusable.
func (b *Button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// MouseIn implements desktop.Hoverable.
func (b *Button) MouseIn(e *desktop.MouseEvent) {
	b.hovered = true
	b.Button.MouseIn(e)
}

// MouseOut implements desktop.Hoverable.
func (b *Button) MouseOut() {
	b.hovered = false
	b.Button.MouseOut()
}

// CreateRenderer implements fyne.Widget: Fyne's own button, or with Wrap a
// button whose words wrap.
func (b *Button) CreateRenderer() fyne.WidgetRenderer {
	if b.Wrap {
		return newWrapRenderer(b)
	}
	return b.Button.CreateRenderer()
}

// TypedKey implements fyne.Focusable.
func (b *Button) TypedKey(e *fyne.KeyEvent) {
	if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
		return
	}
	b.Button.TypedKey(e)
}

// answerBox is a multi-line text box that lets Tab move focus on, as every
// other control does, instead of typing a tab: a keyboard user must never
// be trapped in it (WCAG 2.1.2).
type answerBox struct {
	widget.Entry
	onFocus func(fyne.CanvasObject)
}

// FocusGained implements fyne.Focusable, and lets a page scroll the box
// into view.
func (e *answerBox) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus(e)
	}
}

func newAnswerBox() *answerBox {
	e := &answerBox{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab implements fyne.Tabbable: it does not.
func (e *answerBox) AcceptsTab() bool { return false }
