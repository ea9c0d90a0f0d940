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
	k      *Kiosk
	root   fyne.CanvasObject
	langs  map[string]*Button
	invite []*widget.Label // the invitation: the first language, then two that take turns
	// fonts holds each invitation line, with the font its language needs
	// (see scriptFonts): the welcome screen shows several scripts at once,
	// so the kiosk's theme cannot carry one script's font.
	fonts []*container.ThemeOverride
	box   *fyne.Container // holds the invitation lines
	turn  int
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
	for i, tag := range k.cfg.Survey.Languages {
		if i == lines {
			break
		}
		l := k.cfg.Catalog.Localizer(tag)
		size := theme.SizeNameSubHeadingText
		if i == 0 {
			size = theme.SizeNameHeadingText
		}
		lb := para(l, l.T("welcome.title"), size, i == 0)
		lb.Alignment = fyne.TextAlignCenter
		f := container.NewThemeOverride(lb, s.fontFor(tag))
		invite.Add(f)
		s.invite = append(s.invite, lb)
		s.fonts = append(s.fonts, f)
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
	s.root = k.newPage(first, body, nil, nil).root
	return s.root
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

// rotate shows the invitation in the next two languages, so an idle kiosk
// invites people in every language in turn. A welcome screen built before
// the window had its size (at start-up, full screen) or for another size
// is built again first, with as many lines as the screen has room for.
func (s *welcomeScreen) rotate() {
	if h := s.k.win.Canvas().Size().Height; h > 0 && s.lines() != len(s.invite) {
		s.k.redraw()
		return
	}
	tags := s.k.cfg.Survey.Languages
	if len(tags) <= len(s.invite) {
		return
	}
	s.turn++
	for i := range s.invite[1:] {
		tag := tags[1+(s.turn*2+i)%(len(tags)-1)]
		l := s.k.cfg.Catalog.Localizer(tag)
		// A new label in a new holder: a label measured with one font and
		// drawn with another is cut at the bottom.
		lb := para(l, "", theme.SizeNameSubHeadingText, false)
		lb.Alignment = fyne.TextAlignCenter
		f := container.NewThemeOverride(lb, s.fontFor(tag))
		setTextWidth(l, lb, l.T("welcome.title"), rtlWidth)
		s.invite[1+i], s.fonts[1+i] = lb, f
		if s.box != nil {
			s.box.Objects[1+i] = f
		}
	}
	if s.box != nil {
		s.box.Refresh()
	}
	s.k.showAlways() // "Always read aloud" turns with it (listen.go)
}

// fontFor is the kiosk's theme with the font language tag needs. Without
// it Fyne takes Urdu's basic letters from one font and ے and ہ from another,
// and draws the pieces left to right: "کے" came apart and the words out of
// order.
func (s *welcomeScreen) fontFor(tag string) fyne.Theme {
	lang, _ := s.k.cfg.Catalog.Language(tag)
	reg, bold := scriptFonts(lang)
	if reg == nil {
		return s.k.theme
	}
	return &scriptTheme{Theme: s.k.theme, regular: reg, bold: bold}
}

// scriptTheme is the kiosk's theme with one script's font.
type scriptTheme struct {
	*Theme
	regular, bold fyne.Resource
}

// Font implements fyne.Theme with the script's font.
func (t *scriptTheme) Font(st fyne.TextStyle) fyne.Resource {
	if st.Bold && t.bold != nil {
		return t.bold
	}
	return t.regular
}
