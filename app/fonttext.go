package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fontText is words drawn, measured and wrapped in one font Chorus
// carries, named by resource (canvas.Text's FontSource): a line of the
// welcome screen's invitation, or "Always read aloud", in a language
// other than the screen's.
//
// It replaces a label inside a container.ThemeOverride whose theme had the
// language's font. Fyne opens a new theme scope each time a ThemeOverride
// is drawn or refreshed, parses every font again for it and keeps the
// parsed fonts for the life of the process: the invitation turning every
// four seconds held on to about 8 MB a turn, so an idle kiosk grew by
// gigabytes in a morning. Fyne parses a FontSource once and keeps one
// copy (see TestMemoryStaysFlatOverVisitsAndTurns).
type fontText struct {
	widget.BaseWidget
	text  string // in reading order
	rtl   bool
	fonts fontPair // nil: the theme's fonts
	size  fyne.ThemeSizeName
	bold  bool
	align fyne.TextAlign
}

// newFontText returns text in fonts (regular and bold), at the theme's
// size called size.
func newFontText(text string, fonts fontPair, rtl bool, size fyne.ThemeSizeName, bold bool) *fontText {
	t := &fontText{text: text, fonts: fonts, rtl: rtl, size: size, bold: bold, align: fyne.TextAlignCenter}
	t.ExtendBaseWidget(t)
	return t
}

// SetText changes the words.
func (t *fontText) SetText(s string) {
	t.text = s
	t.Refresh()
}

// fontsFor is the pair of fonts a text in lang is drawn with outside its
// own screens: the language's script fonts, or none (the theme's: Chorus
// Sans, then Fyne's Noto Sans for Latin, which Chorus Sans leaves out).
// A script font alone must hold every character of the texts drawn with
// it (TestScriptFontsHoldTheirTexts).
func fontsFor(lang Language) fontPair {
	r, b := scriptFonts(lang)
	return fontPair{r, b}
}

// CreateRenderer implements fyne.Widget.
func (t *fontText) CreateRenderer() fyne.WidgetRenderer {
	return &fontTextRenderer{t: t}
}

type fontTextRenderer struct {
	t     *fontText
	rows  []*canvas.Text
	width float32 // the width the rows were wrapped for
	key   string  // what the rows were made from
}

func (r *fontTextRenderer) theme() fyne.Theme { return theme.CurrentForWidget(r.t) }

func (r *fontTextRenderer) style() fyne.TextStyle { return fyne.TextStyle{Bold: r.t.bold} }

func (r *fontTextRenderer) font() fyne.Resource {
	if r.t.bold && r.t.fonts.bold != nil {
		return r.t.fonts.bold
	}
	return r.t.fonts.regular
}

func (r *fontTextRenderer) textSize() float32 {
	name := r.t.size
	if name == "" {
		name = theme.SizeNameText
	}
	return r.theme().Size(name)
}

func (r *fontTextRenderer) measure(s string) fyne.Size {
	size, _ := fyne.CurrentApp().Driver().RenderedTextSize(s, r.textSize(), r.style(), r.font())
	return size
}

// lines breaks the text at spaces into lines no wider than width, each in
// the order it is drawn. A paragraph that fits is measured whole, once.
// One that does not is broken with its words' and spaces' widths added up:
// each word is measured once (and again for MinSize, from Fyne's cache),
// where measuring each longer try of a line shaped the line's words again
// for every word (a third of the kiosk's start-up time went on the
// welcome screen's lines in 12 languages; issue 17). Words do not join or
// kern across a space in Chorus's fonts, so the sum is the line's width.
func (r *fontTextRenderer) lines(width float32) []string {
	var out []string
	space := float32(-1)
	for _, para := range strings.Split(r.t.text, "\n") {
		words := strings.Fields(para)
		if all := strings.Join(words, " "); width <= 0 || r.measure(all).Width <= width {
			out = append(out, all) // on one line (as minHeight finds too)
			continue
		}
		line, lineW := "", float32(0)
		for _, w := range words {
			if space < 0 {
				space = r.measure("a a").Width - r.measure("aa").Width
			}
			ww := r.measure(w).Width
			switch {
			case line == "":
				line, lineW = w, ww
			case lineW+space+ww > width:
				out = append(out, line)
				line, lineW = w, ww
			default:
				line, lineW = line+" "+w, lineW+space+ww
			}
		}
		out = append(out, line)
	}
	if r.t.rtl {
		for i, l := range out {
			out[i] = visualLine(l)
		}
	}
	return out
}

// sync makes the rows for width, unless they are already made for it.
func (r *fontTextRenderer) sync(width float32) {
	th := r.theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	key := r.t.text
	if f := r.font(); f != nil {
		key += "\x00" + f.Name()
	}
	if key != r.key || width != r.width || len(r.rows) == 0 {
		r.key, r.width = key, width
		lines := r.lines(width)
		for len(r.rows) < len(lines) {
			r.rows = append(r.rows, canvas.NewText("", nil))
		}
		r.rows = r.rows[:len(lines)]
		for i, l := range lines {
			r.rows[i].Text = l
		}
	}
	for _, row := range r.rows {
		row.TextSize = r.textSize()
		row.TextStyle = r.style()
		row.FontSource = r.font()
		row.Color = th.Color(theme.ColorNameForeground, v)
	}
}

func (r *fontTextRenderer) wrapWidth(width float32) float32 {
	if width <= 0 {
		width = rtlWidth // not laid out yet: the screen's text width
	}
	return width - 2*r.theme().Size(theme.SizeNameInnerPadding)
}

func (r *fontTextRenderer) Layout(size fyne.Size) {
	r.sync(r.wrapWidth(size.Width))
	th := r.theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	gap := th.Size(theme.SizeNameLineSpacing)
	var h float32 // the lines' height, to centre them in a taller box
	for i, row := range r.rows {
		if i > 0 {
			h += gap
		}
		h += r.measure(row.Text).Height
	}
	y := max(pad, (size.Height-h)/2)
	for _, row := range r.rows {
		m := r.measure(row.Text)
		x := pad
		switch r.t.align {
		case fyne.TextAlignCenter:
			x = (size.Width - m.Width) / 2
		case fyne.TextAlignTrailing:
			x = size.Width - pad - m.Width
		}
		row.Move(fyne.NewPos(x, y))
		row.Resize(m)
		y += m.Height + gap
	}
}

// minHeight is the height of t's MinSize, found with one measurement when
// t's words fit on one line (MinSize measures each word, for its width):
// the welcome screen finds the tallest language's invitation this way at
// every start (issue 17).
func (t *fontText) minHeight() float32 {
	r := &fontTextRenderer{t: t}
	if !strings.Contains(t.text, "\n") {
		if m := r.measure(strings.Join(strings.Fields(t.text), " ")); m.Width <= r.wrapWidth(t.Size().Width) {
			return m.Height + 2*r.theme().Size(theme.SizeNameInnerPadding)
		}
	}
	return t.MinSize().Height
}

// MinSize is as wide as the widest word, as a wrapping label's, and as
// tall as the lines wrapped to the present width.
func (r *fontTextRenderer) MinSize() fyne.Size {
	r.sync(r.wrapWidth(r.t.Size().Width))
	th := r.theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	gap := th.Size(theme.SizeNameLineSpacing)
	var w, h float32
	for _, word := range strings.Fields(r.t.text) {
		w = max(w, r.measure(word).Width)
	}
	for i, row := range r.rows {
		if i > 0 {
			h += gap
		}
		h += r.measure(row.Text).Height
	}
	return fyne.NewSize(w+2*pad, h+2*pad)
}

func (r *fontTextRenderer) Refresh() {
	r.sync(r.wrapWidth(r.t.Size().Width))
	r.Layout(r.t.Size())
	for _, row := range r.rows {
		row.Refresh()
	}
}

func (r *fontTextRenderer) Objects() []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, len(r.rows))
	for i, row := range r.rows {
		out[i] = row
	}
	return out
}

func (r *fontTextRenderer) Destroy() {}
