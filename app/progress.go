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
	p.root = container.NewVBox(p.label, bar)
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

// mirrorGrid lays its objects out in one row of equal columns, left to
// right, or right to left for right-to-left languages. The objects keep
// their logical order, so Tab moves from the first option to the last in
// either direction.
type mirrorGrid struct {
	cols int
	rtl  bool
}

func (g *mirrorGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	pad := theme.Padding()
	n := float32(len(objs))
	w := (size.Width - pad*(n-1)) / n
	for i, o := range objs {
		col := i
		if g.rtl {
			col = len(objs) - 1 - i
		}
		o.Move(fyne.NewPos(float32(col)*(w+pad), 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func (g *mirrorGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w = max(w, m.Width)
		h = max(h, m.Height)
	}
	n := float32(len(objs))
	return fyne.NewSize(w*n+theme.Padding()*(n-1), h)
}
