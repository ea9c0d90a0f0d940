package app

import (
	"image/color"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// wrapRenderer draws a Button whose words wrap: Fyne's widget.Button keeps
// its label on one line, so at 200% text a long label ("Yes, I will take
// part" in Punjabi) makes the button, and the screen, wider than the window.
// It keeps the look of Fyne's button: a rounded background in the button's
// importance colour, bold centred words, and a focus ring.
type wrapRenderer struct {
	b     *Button
	bg    *canvas.Rectangle
	ring  *canvas.Rectangle
	icon  *canvas.Image
	text  *widget.RichText
	words []string // the label's words, for its narrowest width
}

func newWrapRenderer(b *Button) *wrapRenderer {
	r := &wrapRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), ring: canvas.NewRectangle(color.Transparent)}
	r.text = widget.NewRichText(&widget.TextSegment{})
	r.text.Wrapping = fyne.TextWrapWord
	r.icon = canvas.NewImageFromResource(nil)
	r.icon.FillMode = canvas.ImageFillContain
	r.Refresh()
	return r
}

// hasCJK reports whether s holds Han, kana or Hangul, which wrap between
// any two characters rather than at spaces.
func hasCJK(s string) bool {
	for _, c := range s {
		if unicode.In(c, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// naturalWidth is how wide b is with its words on one line.
func naturalWidth(b *Button) float32 {
	w := fyne.MeasureText(b.Text, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding() + 2*theme.Padding()
	if b.Icon != nil {
		w += iconSize()
	}
	return w
}

// iconSize is the size of a wrapping button's icon.
func iconSize() float32 { return theme.Size(theme.SizeNameInlineIcon) }

// iconSize is the size of this button's icon.
func (r *wrapRenderer) iconSize() float32 {
	if r.b.iconScale > 0 {
		return iconSize() * r.b.iconScale
	}
	return iconSize()
}

func (r *wrapRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.ring.Resize(size)
	if r.b.Text == "" && r.b.Icon != nil { // a symbol alone, in the middle
		s := r.iconSize()
		r.icon.Resize(fyne.NewSquareSize(s))
		r.icon.Move(fyne.NewPos((size.Width-s)/2, (size.Height-s)/2))
		r.text.Resize(fyne.Size{})
		return
	}
	pad := theme.Padding()
	x, w := pad, size.Width-2*pad
	if r.b.Icon != nil {
		s := r.iconSize()
		r.icon.Resize(fyne.NewSquareSize(s))
		w -= s
		if !r.b.rtl {
			x += s // the icon goes before the words: on the right for right-to-left
		}
	}
	if r.b.rtl {
		// Chorus wraps right-to-left words itself (see wrapRTL).
		seg := r.text.Segments[0].(*widget.TextSegment)
		seg.Text = wrapRTL(r.b.Text, theme.TextSize(), fyne.TextStyle{Bold: true}, w-2*theme.InnerPadding())
		r.text.Wrapping = fyne.TextWrapOff
		r.text.Refresh()
	}
	r.text.Resize(fyne.NewSize(w, r.text.MinSize().Height))
	h := r.text.MinSize().Height
	r.text.Resize(fyne.NewSize(w, h))
	r.text.Move(fyne.NewPos(x, (size.Height-h)/2))
	if r.b.Icon != nil {
		s := r.iconSize()
		// The icon sits just before the words' first line, centred as a
		// group with the words when they fit on one line.
		gap := max(0, (w-r.lineWidth())/2)
		if r.b.rtl {
			r.icon.Move(fyne.NewPos(size.Width-pad-s-gap, (size.Height-s)/2))
		} else {
			r.icon.Move(fyne.NewPos(pad+gap, (size.Height-s)/2))
		}
	}
}

// lineWidth is the width of the label on one line, at most the room.
func (r *wrapRenderer) lineWidth() float32 {
	return fyne.MeasureText(r.b.Text, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*theme.InnerPadding()
}

func (r *wrapRenderer) MinSize() fyne.Size {
	pad := theme.Padding()
	if r.b.Text == "" && r.b.Icon != nil {
		return fyne.NewSquareSize(max(r.iconSize()+2*pad, MinTarget))
	}
	widest := float32(0)
	bold := fyne.TextStyle{Bold: true}
	for _, w := range r.words {
		if !hasCJK(w) {
			widest = max(widest, fyne.MeasureText(w, theme.TextSize(), bold).Width)
			continue
		}
		// Chinese and Japanese break between any two characters.
		for _, c := range w {
			widest = max(widest, fyne.MeasureText(string(c), theme.TextSize(), bold).Width)
		}
	}
	w := widest + 2*theme.InnerPadding() + 2*pad
	if r.b.Icon != nil {
		w += r.iconSize()
	}
	// The words' own inset is half given up: the button's padding is room
	// enough, and a short screen at 200% text needs every line.
	h := max(r.text.MinSize().Height-theme.InnerPadding(), r.iconSize()) + 2*pad
	return fyne.NewSize(w, max(h, MinTarget))
}

func (r *wrapRenderer) Refresh() {
	b := r.b
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg, bg := theme.ColorNameForeground, th.Color(theme.ColorNameButton, v)
	switch {
	case b.Disabled():
		fg, bg = theme.ColorNameDisabled, th.Color(theme.ColorNameDisabledButton, v)
	case b.Importance == widget.HighImportance:
		fg, bg = theme.ColorNameForegroundOnPrimary, th.Color(theme.ColorNamePrimary, v)
	case b.Importance == widget.DangerImportance:
		fg, bg = theme.ColorNameForegroundOnError, th.Color(theme.ColorNameError, v)
	case b.Importance == widget.SuccessImportance:
		fg, bg = theme.ColorNameForegroundOnSuccess, th.Color(theme.ColorNameSuccess, v)
	}
	r.bg.FillColor = bg
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.ring.FillColor = color.Transparent
	r.ring.CornerRadius = r.bg.CornerRadius
	r.ring.StrokeWidth = 0
	switch {
	case b.focused:
		r.ring.StrokeColor = focusRing(th, v)
		r.ring.StrokeWidth = 5
	case b.hovered && !b.Disabled():
		r.ring.FillColor = th.Color(theme.ColorNameHover, v)
	}
	seg := r.text.Segments[0].(*widget.TextSegment)
	seg.Text = b.Text
	seg.Style = widget.RichTextStyle{Alignment: fyne.TextAlignCenter, ColorName: fg,
		SizeName: theme.SizeNameText, TextStyle: fyne.TextStyle{Bold: true}}
	r.words = strings.Fields(b.Text)
	r.icon.Resource = b.Icon
	r.icon.Hidden = b.Icon == nil
	if b.Icon != nil && !b.Disabled() && b.Importance != widget.MediumImportance && b.Importance != widget.LowImportance {
		r.icon.Resource = theme.NewInvertedThemedResource(b.Icon)
	}
	r.bg.Refresh()
	r.ring.Refresh()
	r.icon.Refresh()
	r.text.Refresh()
	r.Layout(b.Size())
}

func (r *wrapRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.ring, r.icon, r.text}
}

func (r *wrapRenderer) Destroy() {}
