package app

import (
	"strings"

	"chorus/data/audio"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// consentScreen shows the survey's consent text in the participant's
// language. Required purposes are agreed by "Yes, I'll take part"; each
// optional purpose is its own tick box, never ticked in advance.
type consentScreen struct {
	k       *Kiosk
	l       *Localizer
	root    fyne.CanvasObject
	options map[string]*Choice
	agree   *Button
	decline *Button
	chosen  map[string]bool
	// easy and standard switch between the easy-read consent and the
	// full text, where the survey has an easy-read version.
	easy, standard *Button
	// readThis tells a worker recording answers to read consent aloud.
	readThis *widget.Label
}

func (s *consentScreen) build() fyne.CanvasObject {
	k, l := s.k, s.l
	sv := k.cfg.Survey
	lang := k.flow.Lang
	s.options = map[string]*Choice{}
	s.chosen = map[string]bool{}
	for id, yes := range k.flow.Purposes { // coming back from the first question
		s.chosen[id] = yes
	}
	er := sv.Consent.EasyRead
	easy := er != nil && k.flow.EasyRead
	// label is a purpose's words in the version on show.
	label := func(p survey.Purpose) string {
		if easy {
			if e, ok := er.Purpose(p.ID); ok {
				return e.Label.In(lang)
			}
		}
		return p.Label.In(lang)
	}
	body := container.NewVBox(heading(l, l.T("consent.title")))
	// A worker recording someone's answers reads consent to them: the
	// words for the worker are in the staff language, the consent text in
	// the participant's.
	worker := k.cfg.Mode == survey.ModeWorker
	staff := k.cfg.Catalog.Localizer(k.cfg.StaffLang)
	if worker {
		s.readThis = para(staff, staff.T("consent.worker_intro"), theme.SizeNameText, true)
		body.Add(s.readThis)
	}
	if er != nil {
		s.easy = k.button(l, l.T("consent.easy_read"), easy, func() { s.onEasyRead(true) })
		s.standard = k.button(l, l.T("consent.standard"), !easy, func() { s.onEasyRead(false) })
		body.Add(container.New(&mirrorGrid{cols: 2, rtl: l.Lang.RTL()}, s.easy, s.standard))
	}
	if easy {
		// One idea per line, each its own paragraph with space between.
		for _, line := range strings.Split(er.Text.In(lang), "\n") {
			if strings.TrimSpace(line) != "" {
				body.Add(para(l, line, theme.SizeNameSubHeadingText, false))
			}
		}
	} else {
		body.Add(para(l, sv.Consent.Text.In(lang), theme.SizeNameText, false))
	}
	// picture is a purpose's easy-read picture, or nil.
	picture := func(p survey.Purpose) fyne.Resource {
		if !easy {
			return nil
		}
		e, _ := er.Purpose(p.ID)
		if e.Picture == "" {
			return nil
		}
		if b, ok := k.cfg.Audio.Picture(e.Picture); ok {
			return fyne.NewStaticResource(e.Picture, b)
		}
		return nil
	}
	var required []survey.Purpose
	for _, p := range sv.Consent.Purposes {
		if p.Required {
			required = append(required, p)
		}
	}
	if len(required) > 0 {
		body.Add(para(l, l.T("consent.agreeing_means"), theme.SizeNameText, true))
		for _, p := range required {
			line := fyne.CanvasObject(para(l, "• "+label(p), theme.SizeNameText, false))
			if pic := picture(p); pic != nil {
				img := canvas.NewImageFromResource(pic)
				img.FillMode = canvas.ImageFillContain
				img.SetMinSize(fyne.NewSquareSize(MinTarget * 1.5))
				if l.Lang.RTL() {
					line = container.NewBorder(nil, nil, nil, img, line)
				} else {
					line = container.NewBorder(nil, nil, img, nil, line)
				}
			}
			body.Add(line)
		}
	}
	first := true
	for _, p := range sv.Consent.Purposes {
		if p.Required {
			continue
		}
		if first {
			body.Add(para(l, l.T("consent.optional"), theme.SizeNameText, true))
			first = false
		}
		c := NewChoice(label(p), true, l.Lang.RTL(), nil)
		c.Picture = picture(p)
		c.Label = visual(l.Lang, c.Label)
		c.OnTapped = k.guard(func() { s.onToggle(p.ID) })
		c.OnSubmit = k.pressPrimary
		c.Selected = s.chosen[p.ID]
		s.options[p.ID] = c
		key := audio.Purpose(p.ID)
		if easy {
			key = audio.EasyPurpose(p.ID)
		}
		body.Add(k.withSpeaker(c, key, l.Lang.RTL()))
	}
	agree, decline := l.T("consent.agree"), l.T("consent.decline")
	bl := l // the buttons' language
	if worker {
		agree, decline, bl = staff.T("consent.worker_agree"), staff.T("consent.worker_decline"), staff
	}
	s.agree = k.button(bl, agree, true, s.onAgree)
	s.decline = k.button(bl, decline, false, k.onDecline)
	s.root = k.newPage(l, body, s.decline, s.agree).root
	return s.root
}

func (s *consentScreen) onToggle(id string) {
	s.chosen[id] = !s.chosen[id]
	s.options[id].SetSelected(s.chosen[id])
}

func (s *consentScreen) onAgree() { s.k.onAgree(s.chosen) }

// onEasyRead shows the easy-read consent (or the full text), keeping the
// choices made so far; the consent record says which was shown last.
func (s *consentScreen) onEasyRead(on bool) {
	if s.k.flow.EasyRead == on {
		return
	}
	s.k.flow.EasyRead = on
	s.k.flow.Purposes = s.chosen
	s.k.showConsent()
}
