package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Button is a widget.Button that Enter presses as well as Space, as people
// who use a keyboard expect.
type Button struct {
	widget.Button
}

// NewButton returns a button with label and handler.
func NewButton(label string, tapped func()) *Button {
	b := &Button{}
	b.Text = label
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
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
