package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// align is the text alignment for the localizer's language: leading for
// left-to-right, trailing for right-to-left.
func (l *Localizer) align() fyne.TextAlign {
	if l.Lang.RTL() {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// para is a wrapped paragraph in the localizer's direction.
func para(l *Localizer, text string, size fyne.ThemeSizeName, bold bool) *widget.Label {
	lb := widget.NewLabel("")
	lb.Wrapping = fyne.TextWrapWord
	lb.Alignment = l.align()
	lb.SizeName = size
	lb.TextStyle = fyne.TextStyle{Bold: bold}
	setText(l, lb, text)
	return lb
}

// rtlWidth is how wide a right-to-left paragraph may be; the kiosk sets it
// from its window. Right-to-left text is wrapped by Chorus, not Fyne.
var rtlWidth float32 = 1100

// setText puts text on a label in the localizer's direction: for
// right-to-left languages wrapped and reordered by wrapRTL.
func setText(l *Localizer, lb *widget.Label, text string) {
	setTextWidth(l, lb, text, rtlWidth)
}

// setTextWidth is setText for a label narrower than the screen.
func setTextWidth(l *Localizer, lb *widget.Label, text string, width float32) {
	if !l.Lang.RTL() {
		lb.SetText(text)
		return
	}
	lb.Wrapping = fyne.TextWrapOff
	size := theme.TextSize()
	if lb.SizeName != "" {
		size = fyne.CurrentApp().Settings().Theme().Size(lb.SizeName)
	}
	lb.SetText(wrapRTL(text, size, lb.TextStyle, width))
}

func heading(l *Localizer, text string) *widget.Label {
	return para(l, text, theme.SizeNameHeadingText, true)
}

// visual returns s in the order Fyne should draw it. Fyne 2.7 lays text out
// left to right, so right-to-left text is reordered here.
func visual(lang Language, s string) string {
	if !lang.RTL() {
		return s
	}
	return bidiVisual(s)
}

// button is a large button with words in the localizer's direction. Its
// handler ignores taps while a new screen settles (see Kiosk.guard).
func (k *Kiosk) button(l *Localizer, text string, primary bool, tapped func()) *Button {
	b := NewButton(text, k.guard(tapped))
	b.Wrap, b.rtl = true, l.Lang.RTL()
	if primary {
		b.Importance = widget.HighImportance
	}
	return b
}
