package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// introScreen shows the survey's title and intro (what it is about, that
// there are no right or wrong answers) after consent and before the first
// question. It has a screen of its own, rather than sitting on the consent
// screen, so the consent screen shows only the words the consent record's
// hash covers, and the intro is read where it applies: just before the
// questions. A survey without an intro goes straight to its first question.
type introScreen struct {
	k     *Kiosk
	l     *Localizer
	root  fyne.CanvasObject
	back  *Button
	start *Button
}

func (s *introScreen) build() fyne.CanvasObject {
	k, l := s.k, s.l
	sv, lang := k.cfg.Survey, k.flow.Lang
	body := container.NewVBox(
		heading(l, sv.Title.In(lang)),
		para(l, sv.Intro.In(lang), theme.SizeNameText, false),
	)
	s.back = k.button(l, l.T("nav.back"), false, k.showConsent)
	s.start = k.button(l, l.T("intro.start"), true, k.showFirstQuestion)
	s.root = k.newPage(l, body, s.back, s.start).root
	return s.root
}

// hasIntro reports whether the survey has an intro to show in the visit's
// language.
func (k *Kiosk) hasIntro() bool {
	return strings.TrimSpace(k.cfg.Survey.Intro.In(k.flow.Lang)) != ""
}

// showIntro shows the survey's intro, or the first question when the survey
// has none.
func (k *Kiosk) showIntro() {
	if !k.hasIntro() {
		k.showFirstQuestion()
		return
	}
	k.flow.Index = -1
	k.clear()
	k.intro = &introScreen{k: k, l: k.loc()}
	k.show(k.intro.build(), k.intro.start)
}

// showFirstQuestion shows the survey's first question.
func (k *Kiosk) showFirstQuestion() {
	k.goTo(k.cfg.Survey.Next(-1, k.flow.Answers))
}

// backFromFirstQuestion goes back from the first question: to the intro,
// or to consent when the survey has no intro.
func (k *Kiosk) backFromFirstQuestion() {
	if k.hasIntro() {
		k.showIntro()
		return
	}
	k.showConsent()
}
