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
	turn   int
}

func (s *welcomeScreen) build() fyne.CanvasObject {
	k := s.k
	s.langs = map[string]*Button{}
	// The invitation, in the first few languages at once; with large text
	// or on a short screen in the first language only, so the languages
	// themselves are on screen.
	lines := 3
	if k.theme.Scale > 1 || k.win.Canvas().Size().Height < 700 {
		lines = 1
	}
	invite := container.NewVBox()
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
		invite.Add(lb)
		s.invite = append(s.invite, lb)
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

// rotate shows the invitation in the next two languages, so an idle kiosk
// invites people in every language in turn.
func (s *welcomeScreen) rotate() {
	tags := s.k.cfg.Survey.Languages
	if len(tags) <= len(s.invite) {
		return
	}
	s.turn++
	for i, lb := range s.invite[1:] {
		tag := tags[1+(s.turn*2+i)%(len(tags)-1)]
		l := s.k.cfg.Catalog.Localizer(tag)
		lb.Alignment = fyne.TextAlignCenter
		setTextWidth(l, lb, l.T("welcome.title"), rtlWidth)
	}
}
