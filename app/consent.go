package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
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
	body := container.NewVBox(
		heading(l, l.T("consent.title")),
		para(l, sv.Consent.Text.In(lang), theme.SizeNameText, false),
	)
	var required []string
	for _, p := range sv.Consent.Purposes {
		if p.Required {
			required = append(required, "• "+p.Label.In(lang))
		}
	}
	if len(required) > 0 {
		body.Add(para(l, l.T("consent.agreeing_means"), theme.SizeNameText, true))
		for _, r := range required {
			body.Add(para(l, r, theme.SizeNameText, false))
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
		c := NewChoice(p.Label.In(lang), true, l.Lang.RTL(), nil)
		c.Label = visual(l.Lang, c.Label)
		c.OnTapped = k.guard(func() { s.onToggle(p.ID) })
		c.OnSubmit = k.pressPrimary
		c.Selected = s.chosen[p.ID]
		s.options[p.ID] = c
		body.Add(c)
	}
	s.agree = k.button(l, l.T("consent.agree"), true, s.onAgree)
	s.decline = k.button(l, l.T("consent.decline"), false, k.onDecline)
	s.root = k.newPage(l, body, s.decline, s.agree).root
	return s.root
}

func (s *consentScreen) onToggle(id string) {
	s.chosen[id] = !s.chosen[id]
	s.options[id].SetSelected(s.chosen[id])
}

func (s *consentScreen) onAgree() { s.k.onAgree(s.chosen) }
