package app

import (
	"image/color"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// numPad is the on-screen pad under a number question: the digits, delete,
// a minus sign when the range goes below zero, and − and + keys that step
// the number down and up within the question's range.
type numPad struct {
	entry    *widget.Entry
	min, max int
	onInput  func()
	root     *fyne.Container
	digits   [10]*keyCap
	minus    *keyCap // types "-"; nil unless min < 0
	back     *keyCap
	dec, inc *keyCap
}

// padKey is the width of a pad's keys: wider than a letter key, as on a
// phone's number pad.
const padKey = 88

func newNumPad(entry *widget.Entry, lo, hi int, onInput func()) *numPad {
	p := &numPad{entry: entry, min: lo, max: hi, onInput: onInput}
	for d := range 10 {
		s := strconv.Itoa(d)
		p.digits[d] = newKeyCap(s, padKey, func() { p.typeRune(rune('0' + d)) })
	}
	p.back = newKeyCap("⌫", padKey, func() {
		p.input()
		p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		refocus(p.entry)
	})
	p.dec = newKeyCap("−", padKey, func() { p.step(-1) })
	p.inc = newKeyCap("+", padKey, func() { p.step(+1) })
	p.dec.bold, p.inc.bold = true, true
	var last fyne.CanvasObject = newSpacerKey()
	if lo < 0 {
		p.minus = newKeyCap("-", padKey, func() { p.typeRune('-') })
		last = p.minus
	}
	d := p.digits
	tray, _ := keyTray(
		[]fyne.CanvasObject{d[1], d[2], d[3], p.back},
		[]fyne.CanvasObject{d[4], d[5], d[6], p.dec},
		[]fyne.CanvasObject{d[7], d[8], d[9], p.inc},
		[]fyne.CanvasObject{last, d[0], newSpacerKey(), newSpacerKey()},
	)
	// Like the keyboard, the pad scrolls into view when the question opens.
	p.root = container.New(&revealLayout{reveal: func() bool {
		_, ok := scrollIntoView(p.root, entry)
		return ok
	}}, tray)
	return p
}

func (p *numPad) input() {
	if p.onInput != nil {
		p.onInput()
	}
}

func (p *numPad) typeRune(r rune) {
	p.input()
	p.entry.TypedRune(r)
	refocus(p.entry)
}

// step moves the number by d, staying within min and max. An empty or
// unreadable box starts from the nearest end of the range.
func (p *numPad) step(d int) {
	p.input()
	n, err := strconv.Atoi(strings.TrimSpace(p.entry.Text))
	switch {
	case err != nil && d > 0:
		n = p.min
	case err != nil:
		n = p.max
	default:
		n += d
	}
	n = min(max(n, p.min), p.max)
	text := strconv.Itoa(n)
	p.entry.SetText(text)
	p.entry.CursorRow, p.entry.CursorColumn = 0, utf8.RuneCountInString(text)
	p.entry.Refresh()
	refocus(p.entry)
}

// pinPad is the staff PIN prompt's pad: large digits, delete and OK. The
// digits go into the PIN box, which shows only dots.
type pinPad struct {
	entry  *widget.Entry
	root   *fyne.Container
	digits [10]*keyCap
	back   *keyCap
	ok     *keyCap
}

func newPinPad(entry *widget.Entry, ok func()) *pinPad {
	p := &pinPad{entry: entry}
	for d := range 10 {
		p.digits[d] = newKeyCap(strconv.Itoa(d), padKey, func() {
			entry.TypedRune(rune('0' + d))
			refocus(entry)
		})
	}
	p.back = newKeyCap("⌫", padKey, func() {
		entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		refocus(entry)
	})
	p.ok = wordKey("OK", padKey, ok)
	p.ok.bold = true
	d := p.digits
	p.root, _ = keyTray(
		[]fyne.CanvasObject{d[1], d[2], d[3]},
		[]fyne.CanvasObject{d[4], d[5], d[6]},
		[]fyne.CanvasObject{d[7], d[8], d[9]},
		[]fyne.CanvasObject{p.back, d[0], p.ok},
	)
	return p
}

// newSpacerKey holds a key's place in a pad's grid and does nothing.
func newSpacerKey() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(padKey, MinTarget))
	return r
}
