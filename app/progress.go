package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// progress is "Question 3 of 12" in words above a thin bar that fills from
// the reading start: left for left-to-right languages, right for
// right-to-left ones.
type progress struct {
	root  fyne.CanvasObject
	label *widget.Label
	N     int
	Total int
}

func newProgress(l *Localizer, n, total int) *progress {
	p := &progress{N: n, Total: total}
	p.label = para(l, l.T("question.progress", map[string]any{"N": n, "Total": total}), theme.SizeNameText, false)
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	track := canvas.NewRectangle(th.Color(theme.ColorNameSeparator, v))
	fill := canvas.NewRectangle(th.Color(theme.ColorNamePrimary, v))
	frac := float32(0)
	if total > 0 {
		frac = float32(n) / float32(total)
	}
	bar := container.New(&barLayout{frac: frac, rtl: l.Lang.RTL()}, track, fill)
	p.root = container.NewPadded(container.NewVBox(p.label, bar))
	return p
}

// barLayout sizes a track (first object) and its fill (second).
type barLayout struct {
	frac float32
	rtl  bool
}

func (b *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
	w := size.Width * b.frac
	x := float32(0)
	if b.rtl {
		x = size.Width - w
	}
	objs[1].Move(fyne.NewPos(x, 0))
	objs[1].Resize(fyne.NewSize(w, size.Height))
}

func (b *barLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(100, 10) }
