package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// screenPage is the frame of every participant screen, under the kiosk's display
// bar (text size, contrast, progress), which stays at the top:
//
//   - a middle that scrolls, by a finger's drag as well as the mouse wheel,
//     and scrolls whatever gets the keyboard focus into view (WCAG 2.4.11);
//   - a footer that always stays on screen, with the screen's actions (Back
//     and Next, No and Yes) sharing its width, their words wrapping rather
//     than running off the screen (WCAG 1.4.10), and, while more of the
//     middle lies below, a big "Show more" button that scrolls a page on;
//   - at the top of the middle, hidden until needed, a GOV.UK-style error
//     summary ("There is a problem") whose link goes to the answer.
type screenPage struct {
	k       *Kiosk
	root    *fyne.Container
	scroll  *dragScroll
	more    *Button
	summary *fyne.Container // the error summary, hidden until needed
	links   *fyne.Container // the summary's links
	footer  *footerLayout
	actions *fyne.Container // the footer's cells, in tab order
	errMsg  string          // the summary's message while it shows (listen.go reads it)
}

// newPage frames content with the actions lead (Back, No) and main (Next,
// Yes, Finish), either of which may be nil, and an optional question's
// Skip, which sits just before main in reading order; they are mirrored
// for right-to-left languages.
func (k *Kiosk) newPage(l *Localizer, content fyne.CanvasObject, lead, main *Button, skip ...*Button) *screenPage {
	p := &screenPage{k: k}
	k.page = p
	k.display.mirror(l.Lang.RTL())
	p.more = NewButton(l.T("page.more"), p.onMore)
	p.more.Wrap, p.more.rtl = true, l.Lang.RTL()
	p.more.SetIcon(theme.MoveDownIcon())
	p.more.Hide()

	border := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	border.StrokeColor = theme.Color(theme.ColorNameError)
	border.StrokeWidth = 5
	p.links = container.NewVBox()
	p.summary = container.NewStack(border, container.NewPadded(container.NewPadded(
		container.NewVBox(heading(l, l.T("page.problem")), p.links))))
	p.summary.Hide()

	p.scroll = newDragScroll(container.NewPadded(container.NewVBox(p.summary, content)))
	p.scroll.OnScrolled = func(fyne.Position) { p.showMore() }
	var skipped *Button
	if len(skip) > 0 {
		skipped = skip[0]
	}
	var cells []fyne.CanvasObject
	for _, b := range []*Button{lead, p.more, skipped, main} {
		if b == nil {
			cells = append(cells, nil)
			continue
		}
		b.Wrap = true
		cells = append(cells, b)
	}
	p.footer = &footerLayout{cells: cells, rtl: l.Lang.RTL()}
	p.actions = container.New(p.footer)
	p.addActions()
	p.root = container.New(&pageLayout{p: p}, p.scroll, container.NewPadded(p.actions))
	watchFocus(content, p.reveal)
	return p
}

// mainInMiddle moves the main action to the middle of the footer and
// "Show more" to the end, where Next stands on every other screen: for
// Send on check answers, so that a second tap meant for the last
// question's Next lands on "Show more" (or on nothing), never on Send.
func (p *screenPage) mainInMiddle() {
	c := p.footer.cells
	c[1], c[3] = c[3], c[1]
	p.addActions()
}

// addActions puts the footer's cells in its container in reading order,
// which is the order Tab takes them in.
func (p *screenPage) addActions() {
	p.actions.Objects = nil
	for _, c := range p.footer.cells {
		if c != nil {
			p.actions.Add(c)
		}
	}
}

// showError shows msg in the error summary, with a link that moves the
// focus to target (the first answer), and scrolls to the top so the
// summary is seen; if the summary is taller than the view (200% text on a
// small screen), it scrolls to inline, the message beside the answers.
func (p *screenPage) showError(l *Localizer, msg string, target fyne.Focusable, inline fyne.CanvasObject) {
	link := NewButton(msg, func() {
		if target != nil {
			p.k.win.Canvas().Focus(target)
		}
	})
	link.Wrap, link.rtl = true, l.Lang.RTL()
	link.Importance = widget.DangerImportance
	p.links.Objects = []fyne.CanvasObject{link}
	p.errMsg = msg
	p.summary.Show()
	p.root.Refresh()
	// As on GOV.UK, the focus goes to the summary: Enter on its link
	// then goes to the answer.
	p.k.win.Canvas().Focus(link)
	p.scroll.ScrollToOffset(fyne.Position{})
	if p.summary.Size().Height+2*theme.Padding() > p.scroll.Size().Height && inline != nil {
		p.reveal(inline)
	}
	p.showMore()
	p.k.errorShown() // read aloud (listen.go)
}

// hideError hides the error summary.
func (p *screenPage) hideError() {
	if !p.summary.Visible() {
		return
	}
	p.errMsg = ""
	p.summary.Hide()
	p.root.Refresh()
}

// onMore scrolls on by a page: the first answer or line of text that the
// view cuts off at the bottom goes to the top, so each is seen whole.
func (p *screenPage) onMore() {
	s := p.scroll
	view := s.Size().Height
	bottom := max(0, s.Content.Size().Height-view)
	next := s.Offset.Y + view*0.8
	leaves(s.Content, fyne.Position{}, func(o fyne.CanvasObject, at fyne.Position) {
		top := at.Y - theme.Padding()
		if o.Size().Height > view-2*theme.Padding() {
			top = at.Y // too tall to show whole: as much of it as fits
		}
		if top > s.Offset.Y+1 && at.Y+o.Size().Height > s.Offset.Y+view+1 {
			next = min(next, top)
		}
	})
	s.ScrollToOffset(fyne.NewPos(0, min(bottom, next)))
	p.showMore()
}

// leaves calls fn for every visible object under o that is not a container,
// with its position relative to o.
func leaves(o fyne.CanvasObject, at fyne.Position, fn func(fyne.CanvasObject, fyne.Position)) {
	if !o.Visible() {
		return
	}
	c, ok := o.(*fyne.Container)
	if !ok {
		fn(o, at)
		return
	}
	for _, k := range c.Objects {
		leaves(k, at.Add(k.Position()), fn)
	}
}

// showMore shows "Show more" while part of the middle lies below the view.
func (p *screenPage) showMore() {
	s := p.scroll
	below := s.Content.Size().Height - s.Size().Height - s.Offset.Y
	if below > 1 && s.Size().Height > 0 {
		p.more.Show()
	} else {
		p.more.Hide()
	}
}

// reveal scrolls the middle so that o, which has just got the focus, is
// wholly in view, or as much of it as fits from its top.
func (p *screenPage) reveal(o fyne.CanvasObject) {
	s := p.scroll
	pos, ok := positionIn(s.Content, o)
	if !ok {
		return
	}
	view := s.Size().Height
	off := s.Offset.Y
	switch {
	case pos.Y < off:
		off = pos.Y
	case pos.Y+o.Size().Height > off+view:
		off = min(pos.Y, pos.Y+o.Size().Height-view)
		// Nothing is left cut in two at the top (half a line of the
		// question): what the new top would cut goes out of view whole,
		// as long as o stays wholly in view.
		for moved := true; moved; {
			moved = false
			leaves(s.Content, fyne.Position{}, func(c fyne.CanvasObject, at fyne.Position) {
				if bottom := at.Y + c.Size().Height; at.Y < off && bottom > off && bottom <= pos.Y {
					off, moved = bottom, true
				}
			})
		}
	default:
		return
	}
	s.ScrollToOffset(fyne.NewPos(0, max(0, off)))
	p.showMore()
}

// watchFocus makes every answer and button under obj call reveal when it
// gets the keyboard focus.
func watchFocus(obj fyne.CanvasObject, reveal func(fyne.CanvasObject)) {
	switch w := obj.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			watchFocus(c, reveal)
		}
	case *Choice:
		w.onFocus = reveal
	case *Button:
		w.onFocus = reveal
	case *answerBox:
		w.onFocus = reveal
	}
}

// pageLayout puts the footer (second object) at the bottom at its height
// and the scrolling middle (first) above it. It lays the middle out twice,
// so wrapped text whose height changed with its width is placed right at
// once (Fyne's drivers otherwise catch up a frame later).
type pageLayout struct{ p *screenPage }

func (pl *pageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	middle, footer := objs[0], objs[1]
	footer.Resize(fyne.NewSize(size.Width, footer.MinSize().Height))
	fh := min(footer.MinSize().Height, size.Height)
	footer.Resize(fyne.NewSize(size.Width, fh))
	footer.Move(fyne.NewPos(0, size.Height-fh))
	middle.Move(fyne.NewPos(0, 0))
	middle.Resize(fyne.NewSize(size.Width, size.Height-fh))
	s := pl.p.scroll
	for range 2 {
		c := s.Content
		c.Resize(fyne.NewSize(max(s.Size().Width, c.MinSize().Width), max(s.Size().Height, c.MinSize().Height)))
	}
	s.Refresh()
	pl.p.showMore()
}

func (pl *pageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	f := objs[1].MinSize()
	return fyne.NewSize(max(f.Width, objs[0].MinSize().Width), f.Height+MinTarget)
}

// footerLayout lays out a footer's cells (leading action, Show more, Skip,
// main action, in reading order) in one row: the leading action at the
// start, the main action at the end with Skip just before it, Show more
// between; mirrored for right-to-left languages. When every label fits on
// one line in an equal share of the row, the cells are equal; otherwise
// the row is shared in proportion to the labels' lengths, so "Yes, I will
// take part" gets more room than "No" and takes fewer lines, and no cell
// is narrower than its longest word. Words wrap inside their button
// instead of pushing the row off the screen. A missing cell takes no room,
// and every cell counts, hidden or not, so Back and Next do not move when
// Show more comes and goes.
type footerLayout struct {
	cells []fyne.CanvasObject // leading, more, skip, main; nil for none
	rtl   bool
	width float32 // the width last laid out in
}

// maxActionWidth is the widest a footer button grows on a wide screen, at
// 100% text.
const maxActionWidth = 480

// widths shares width among the cells.
func (f *footerLayout) widths(width float32) []float32 {
	gap := theme.Padding() * 2
	n := 0
	for _, c := range f.cells {
		if c != nil {
			n++
		}
	}
	ws := make([]float32, len(f.cells))
	if n == 0 {
		return ws
	}
	room := width - float32(n-1)*gap
	col := min(room/float32(max(n, 3)), maxActionWidth*max(1, theme.TextSize()/20))
	fits := true
	for _, c := range f.cells {
		if b, ok := c.(*Button); ok && naturalWidth(b) > col {
			fits = false
		}
	}
	if fits {
		for i, c := range f.cells {
			if c != nil {
				ws[i] = col
			}
		}
		return ws
	}
	var total, spare float32
	for i, c := range f.cells {
		if b, ok := c.(*Button); ok {
			ws[i] = naturalWidth(b)
			total += ws[i]
		}
	}
	for i, c := range f.cells {
		if c != nil {
			ws[i] = max(c.MinSize().Width, room*ws[i]/total)
			spare += ws[i] - c.MinSize().Width
		}
	}
	// Give back what the minimum widths took, from the cells above theirs.
	over := -room
	for _, w := range ws {
		over += w
	}
	if over > 0 && spare > 0 {
		for i, c := range f.cells {
			if c != nil {
				ws[i] -= over * (ws[i] - c.MinSize().Width) / spare
			}
		}
	}
	return ws
}

func (f *footerLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	ws := f.widths(size.Width)
	h := f.height(ws)
	gap := theme.Padding() * 2
	lead, more, skip, main := 0, 1, 2, 3
	xs := make([]float32, len(f.cells))
	xs[main] = size.Width - ws[main]
	xs[skip] = xs[main] - ws[skip]
	if f.cells[skip] != nil {
		xs[skip] -= gap
	}
	start := ws[lead]
	if f.cells[lead] != nil {
		start += gap
	}
	end := xs[skip]
	if f.cells[skip] == nil {
		end = xs[main]
	}
	xs[more] = start + (end-gap-start-ws[more])/2
	for i, c := range f.cells {
		if c == nil {
			continue
		}
		x := xs[i]
		if f.rtl {
			x = size.Width - x - ws[i]
		}
		c.Move(fyne.NewPos(x, 0))
		c.Resize(fyne.NewSize(ws[i], h))
	}
}

// height is the tallest cell's height at the widths ws.
func (f *footerLayout) height(ws []float32) float32 {
	h := float32(MinTarget)
	for i, c := range f.cells {
		if c == nil {
			continue
		}
		if c.Size().Width != ws[i] {
			c.Resize(fyne.NewSize(ws[i], c.MinSize().Height))
		}
		h = max(h, c.MinSize().Height)
	}
	return h
}

func (f *footerLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	var w float32
	for _, c := range f.cells {
		if c != nil {
			w += c.MinSize().Width + 2*theme.Padding()
		}
	}
	width := f.width
	if width == 0 {
		width = 1024
	}
	return fyne.NewSize(w, f.height(f.widths(width)))
}

// dragScroll is a vertical scroll container that a finger's drag scrolls,
// as on a phone: Fyne scrolls by drag only on mobile devices, and a kiosk's
// touch screen is a desktop to Fyne. A drag that ends within tapSlop of
// where it began was a tap by an unsteady finger, and taps what is there.
type dragScroll struct {
	container.Scroll
	moved float32       // how far the current drag has gone
	start fyne.Position // where it began, in the scroll
}

// tapSlop is how far a finger may slide and still tap.
const tapSlop = 8

func newDragScroll(content fyne.CanvasObject) *dragScroll {
	s := &dragScroll{}
	s.Direction = container.ScrollVerticalOnly
	s.Content = content
	s.ExtendBaseWidget(s)
	return s
}

// Dragged implements fyne.Draggable: the content follows the finger.
func (s *dragScroll) Dragged(e *fyne.DragEvent) {
	if s.moved == 0 {
		s.start = e.Position.Subtract(e.Dragged)
	}
	s.moved += abs32(e.Dragged.DX) + abs32(e.Dragged.DY)
	s.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, e.Dragged.DY)})
}

// DragEnd implements fyne.Draggable.
func (s *dragScroll) DragEnd() {
	if s.moved < tapSlop {
		if t, at := tappableAt(s.Content, s.start.Add(s.Offset)); t != nil {
			t.Tapped(&fyne.PointEvent{Position: at})
		}
	}
	s.moved = 0
}

// tappableAt finds the innermost tappable object under pos in o.
func tappableAt(o fyne.CanvasObject, pos fyne.Position) (fyne.Tappable, fyne.Position) {
	if !o.Visible() || pos.X < 0 || pos.Y < 0 || pos.X >= o.Size().Width || pos.Y >= o.Size().Height {
		return nil, pos
	}
	if t, ok := o.(fyne.Tappable); ok {
		return t, pos
	}
	if c, ok := o.(*fyne.Container); ok {
		for i := len(c.Objects) - 1; i >= 0; i-- {
			k := c.Objects[i]
			if t, at := tappableAt(k, pos.Subtract(k.Position())); t != nil {
				return t, at
			}
		}
	}
	return nil, pos
}

// flowGrid lays out equal cells in as many columns (up to cols) as their
// widest minimum width allows in the width given, so a grid of languages
// or answers that is too wide for a small screen takes more rows instead.
type flowGrid struct {
	cols  int
	width float32 // the width last laid out in, for MinSize's height
}

func (g *flowGrid) columns(objs []fyne.CanvasObject, width float32) int {
	pad := theme.Padding()
	var cell float32
	for _, o := range objs {
		cell = max(cell, o.MinSize().Width)
	}
	n := int((width + pad) / (cell + pad))
	return max(1, min(n, g.cols, len(objs)))
}

func (g *flowGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	g.width = size.Width
	if len(objs) == 0 {
		return
	}
	pad := theme.Padding()
	n := g.columns(objs, size.Width)
	w := (size.Width - pad*float32(n-1)) / float32(n)
	y := float32(0)
	for i := 0; i < len(objs); i += n {
		row := objs[i:min(i+n, len(objs))]
		h := float32(0)
		for _, o := range row {
			o.Resize(fyne.NewSize(w, o.MinSize().Height))
			h = max(h, o.MinSize().Height)
		}
		for j, o := range row {
			o.Move(fyne.NewPos(float32(j)*(w+pad), y))
			o.Resize(fyne.NewSize(w, h))
		}
		y += h + pad
	}
}

func (g *flowGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.Size{}
	}
	pad := theme.Padding()
	var cell float32
	for _, o := range objs {
		cell = max(cell, o.MinSize().Width)
	}
	n := 1
	if g.width > 0 {
		n = g.columns(objs, g.width)
	}
	h := float32(0)
	for i := 0; i < len(objs); i += n {
		rh := float32(0)
		for _, o := range objs[i:min(i+n, len(objs))] {
			rh = max(rh, o.MinSize().Height)
		}
		h += rh + pad
	}
	return fyne.NewSize(cell, h-pad)
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}
