package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// welcomeScreen invites people in and lets them pick their language, each
// shown in its own name and script.
type welcomeScreen struct {
	k     *Kiosk
	root  fyne.CanvasObject
	langs map[string]*Button
	// invite is the invitation: the first language, then two that take
	// turns, each line in the font its language needs (see scriptFonts
	// and fontText): the welcome screen shows several scripts at once, so
	// the kiosk's theme cannot carry one script's font.
	invite []*fontText
	box    *fyne.Container // holds the invitation lines
	turn   int
}

func (s *welcomeScreen) build() fyne.CanvasObject {
	k := s.k
	s.langs = map[string]*Button{}
	// The invitation, in the first few languages at once; with large text
	// or on a short screen in the first language only, so the languages
	// themselves are on screen.
	lines := s.lines()
	invite := container.NewVBox()
	s.box = invite
	// The lines that take turns are as tall as the tallest language's
	// (Arabic script and the Indic scripts need more height than Latin),
	// so the language buttons below never move under a finger.
	var turning float32
	for _, tag := range k.cfg.Survey.Languages[1:] {
		if lines == 1 {
			break
		}
		l := k.cfg.Catalog.Localizer(tag)
		t := newFontText(l.T("welcome.title"), fontsFor(l.Lang), l.Lang.RTL(), theme.SizeNameSubHeadingText, false)
		turning = max(turning, t.minHeight())
	}
	for i, tag := range k.cfg.Survey.Languages {
		if i == lines {
			break
		}
		l := k.cfg.Catalog.Localizer(tag)
		size := theme.SizeNameSubHeadingText
		if i == 0 {
			size = theme.SizeNameHeadingText
		}
		t := newFontText(l.T("welcome.title"), fontsFor(l.Lang), l.Lang.RTL(), size, i == 0)
		if i == 0 {
			invite.Add(t)
		} else {
			invite.Add(container.New(&minSize{min: fyne.NewSize(0, turning)}, t))
		}
		s.invite = append(s.invite, t)
	}
	grid := container.New(&flowGrid{cols: columnsFor(len(k.cfg.Survey.Languages))})
	for _, tag := range k.cfg.Survey.Languages {
		lang, ok := k.cfg.Catalog.Language(tag)
		if !ok {
			lang = Language{Tag: tag}
		}
		b := NewButton(lang.SelfName(), k.guard(func() { k.onLanguage(tag) }))
		b.rtl = lang.RTL()
		b.Importance = widget.HighImportance
		b.Wrap = true
		s.langs[tag] = b
		grid.Add(container.New(&minSize{min: fyne.NewSize(MinTarget, 80)}, b))
	}
	first := k.cfg.Catalog.Localizer(k.cfg.Survey.Languages[0])
	tap := para(first, first.T("welcome.choose"), theme.SizeNameText, false)
	tap.Alignment = fyne.TextAlignCenter
	body := container.NewVBox(invite, widget.NewSeparator(), tap, grid)
	// Built before the window had its full-screen size (at start-up), the
	// screen is built again as soon as it has it, before anyone can tap
	// it: waiting for the next turn of the invitation moved the language
	// buttons up to four seconds after start, and a tap or a Space in the
	// settle time after the move went nowhere.
	s.root = container.New(&onResize{do: s.resized}, k.newPage(first, body, nil, nil).root)
	return s.root
}

// resized builds the screen again, after the present event, when the
// window's new size calls for another number of invitation lines.
func (s *welcomeScreen) resized(fyne.Size) {
	if s.k.welcome != s || s.k.win.Canvas().Size().Height <= 0 || s.wantLines() == len(s.invite) {
		return
	}
	fyne.Do(func() {
		if s.k.welcome == s && s.wantLines() != len(s.invite) {
			s.rotate()
		}
	})
}

// onResize lays out its objects over the whole of its size, as a stack,
// and calls do when the size changes.
type onResize struct {
	do   func(fyne.Size)
	last fyne.Size
}

func (r *onResize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if size != r.last {
		r.last = size
		r.do(size)
	}
}

func (r *onResize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		if o.Visible() {
			m = m.Max(o.MinSize())
		}
	}
	return m
}

func columnsFor(n int) int {
	switch {
	case n <= 2:
		return n
	case n <= 6:
		return 3
	}
	return 4
}

// lines is how many languages the invitation shows at once: three, or
// with large text or on a short screen the first language only, so the
// languages themselves are on screen.
func (s *welcomeScreen) lines() int {
	if s.k.theme.Scale > 1 || s.k.win.Canvas().Size().Height < 700 {
		return 1
	}
	return 3
}

// wantLines is how many invitation lines the screen should have: lines,
// or fewer when the survey has fewer languages.
func (s *welcomeScreen) wantLines() int {
	return min(s.lines(), len(s.k.cfg.Survey.Languages))
}

// rotate shows the invitation in the next two languages, so an idle kiosk
// invites people in every language in turn. A welcome screen built before
// the window had its size (at start-up, full screen) or for another size
// is built again first, with as many lines as the screen has room for.
func (s *welcomeScreen) rotate() {
	if h := s.k.win.Canvas().Size().Height; h > 0 && s.wantLines() != len(s.invite) {
		// A language button with the keyboard's focus keeps it in the
		// new screen: a person part way through Tab and Space must not
		// find their Space going nowhere.
		var focused string
		for tag, b := range s.langs {
			if s.k.win.Canvas().Focused() == fyne.Focusable(b) {
				focused = tag
			}
		}
		s.k.redraw()
		if w := s.k.welcome; focused != "" && w != nil && w.langs[focused] != nil {
			s.k.win.Canvas().Focus(w.langs[focused])
		}
		return
	}
	tags := s.k.cfg.Survey.Languages
	if len(tags) <= len(s.invite) {
		return
	}
	s.turn++
	for i, t := range s.invite[1:] {
		l := s.k.cfg.Catalog.Localizer(tags[1+(s.turn*2+i)%(len(tags)-1)])
		t.text, t.fonts, t.rtl = l.T("welcome.title"), fontsFor(l.Lang), l.Lang.RTL()
	}
	if s.box != nil {
		s.box.Refresh()
	}
	s.k.showAlways() // "Always read aloud" turns with it (listen.go)
}
