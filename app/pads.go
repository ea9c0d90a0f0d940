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

// numPad is the on-screen pad under a number, decimal or date question:
// the digits and delete, with
//   - − and + keys that step the number within its range, for a whole
//     number with a minimum and a maximum;
//   - a minus sign when the number may be below zero;
//   - a decimal point, for a decimal question;
//   - for a date, the dashes of YYYY-MM-DD put in as the digits are typed,
//     so eight taps give 2001-02-03.
//
// Its keys keep their places in right-to-left languages, as a phone's
// number pad does: digits are written left to right in all twelve.
type numPad struct {
	entry    *widget.Entry
	min, max int
	bounded  bool // min and max hold, and − and + step within them
	date     bool
	onInput  func()
	root     *fyne.Container
	digits   [10]*keyCap
	minus    *keyCap // types "-"; nil unless the number may be negative
	point    *keyCap // types "."; nil unless a decimal
	back     *keyCap
	dec, inc *keyCap // nil unless bounded
}

// padKey is the width of a pad's keys: wider than a letter key, as on a
// phone's number pad.
const padKey = 88

// padFor describes the pad a question needs.
type padFor struct {
	min, max *int
	decimal  bool
	date     bool
	compact  bool // two rows of keys instead of four
}

func newNumPad(entry *widget.Entry, lo, hi int, onInput func()) *numPad {
	return newPad(entry, padFor{min: &lo, max: &hi}, onInput)
}

func newPad(entry *widget.Entry, f padFor, onInput func()) *numPad {
	p := &numPad{entry: entry, onInput: onInput, date: f.date}
	p.bounded = f.min != nil && f.max != nil && !f.decimal && !f.date
	if p.bounded {
		p.min, p.max = *f.min, *f.max
	}
	for d := range 10 {
		s := strconv.Itoa(d)
		p.digits[d] = newKeyCap(s, padKey, func() { p.typeRune(rune('0' + d)) })
	}
	p.back = newKeyCap("⌫", padKey, p.delete)
	col4 := []fyne.CanvasObject{newSpacerKey(), newSpacerKey()}
	if p.bounded {
		p.dec = newKeyCap("−", padKey, func() { p.step(-1) })
		p.inc = newKeyCap("+", padKey, func() { p.step(+1) })
		p.dec.bold, p.inc.bold = true, true
		col4 = []fyne.CanvasObject{p.dec, p.inc}
	}
	var left, right fyne.CanvasObject = newSpacerKey(), newSpacerKey()
	if !f.date && (f.min == nil || *f.min < 0) {
		p.minus = newKeyCap("-", padKey, func() { p.typeRune('-') })
		left = p.minus
	}
	if f.decimal {
		p.point = newKeyCap(".", padKey, func() { p.typeRune('.') })
		right = p.point
	}
	d := p.digits
	rows := [][]fyne.CanvasObject{
		{d[1], d[2], d[3], p.back},
		{d[4], d[5], d[6], col4[0]},
		{d[7], d[8], d[9], col4[1]},
		{left, d[0], right, newSpacerKey()},
	}
	if f.compact {
		// Two rows, so that box and pad fit together on a short screen at
		// large text (1024x768 at 200%): the digits in order, as on a
		// keyboard's top row.
		rows = [][]fyne.CanvasObject{{d[1], d[2], d[3], d[4], d[5], p.back}, {d[6], d[7], d[8], d[9], d[0]}}
		if p.bounded {
			rows[0] = append(rows[0], p.dec)
			rows[1] = append(rows[1], p.inc)
		}
		if p.minus != nil {
			rows[1] = append(rows[1], p.minus)
		}
		if p.point != nil {
			rows[1] = append(rows[1], p.point)
		}
	}
	tray, _ := keyTray(rows...)
	// Like the keyboard, the pad scrolls into view when the question opens.
	p.root = container.New(&revealLayout{reveal: func() bool {
		_, ok := scrollIntoView(p.root, entry)
		return ok
	}}, tray)
	return p
}

// delete takes back the last thing typed: the character before the cursor,
// or for a date the last digit (with the dash before it).
func (p *numPad) delete() {
	p.input()
	if p.date {
		digits := dateDigits(p.entry.Text)
		if len(digits) > 0 {
			digits = digits[:len(digits)-1]
		}
		p.setDate(digits)
		return
	}
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	refocus(p.entry)
}

// dateDigits is the digits of a date as typed, at most eight.
func dateDigits(text string) string {
	var b strings.Builder
	for _, r := range text {
		if r >= '0' && r <= '9' && b.Len() < 8 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// setDate shows digits as YYYY-MM-DD so far, the cursor at the end.
func (p *numPad) setDate(digits string) {
	text := digits
	if len(digits) > 4 {
		text = digits[:4] + "-" + digits[4:]
	}
	if len(digits) > 6 {
		text = digits[:4] + "-" + digits[4:6] + "-" + digits[6:]
	}
	p.entry.SetText(text)
	p.entry.CursorRow, p.entry.CursorColumn = 0, utf8.RuneCountInString(text)
	p.entry.Refresh()
	refocus(p.entry)
}

func (p *numPad) input() {
	if p.onInput != nil {
		p.onInput()
	}
}

func (p *numPad) typeRune(r rune) {
	p.input()
	if p.date {
		p.setDate(dateDigits(p.entry.Text + string(r)))
		return
	}
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
