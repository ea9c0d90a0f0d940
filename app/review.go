package app

import (
	"strconv"
	"strings"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// reviewScreen lists the answers so the participant can check or change
// them before sending.
type reviewScreen struct {
	k       *Kiosk
	l       *Localizer
	root    fyne.CanvasObject
	change  map[string]*Button // question id -> "Change"
	submit  *Button
	back    *Button
	message *widget.Label
}

func (s *reviewScreen) build() fyne.CanvasObject {
	k, l := s.k, s.l
	sv := k.cfg.Survey
	lang := k.flow.Lang
	s.change = map[string]*Button{}
	list := container.NewVBox(heading(l, l.T("review.title")), para(l, l.T("review.intro"), theme.SizeNameText, false))
	for _, i := range sv.Path(k.flow.Answers) {
		q := &sv.Questions[i]
		if !q.Answerable() {
			continue
		}
		text := answerText(l, q, k.flow.Answers[q.ID], lang)
		b := k.button(l, l.T("review.change"), false, func() { s.onChange(i) })
		b.Wrap = true
		s.change[q.ID] = b
		qt, at := para(l, "", theme.SizeNameText, true), para(l, "", theme.SizeNameText, false)
		narrow := rtlWidth - 260 // beside the Change button
		setTextWidth(l, qt, sv.Pipe(i, q.Text.In(lang), lang, k.flow.Answers, func(c string) string { return l.T("answer." + c) }), narrow)
		setTextWidth(l, at, text, narrow)
		item := container.NewVBox(qt, at)
		var row fyne.CanvasObject
		if l.Lang.RTL() {
			row = container.NewBorder(nil, nil, container.NewVBox(big(b)), nil, item)
		} else {
			row = container.NewBorder(nil, nil, nil, container.NewVBox(big(b)), item)
		}
		list.Add(row)
		list.Add(widget.NewSeparator())
	}
	s.message = para(l, l.T("review.save_failed"), theme.SizeNameText, true)
	s.message.Importance = widget.DangerImportance
	s.message.Hide()
	list.Add(s.message)
	s.back = k.button(l, l.T("nav.back"), false, s.onBack)
	s.submit = k.button(l, l.T("review.send"), true, k.onSubmit)
	// Send looks unlike Next (colour and icon) and stands in the middle,
	// not in Next's place: it is the one step that cannot be taken back.
	s.submit.Importance = widget.SuccessImportance
	s.submit.SetIcon(theme.MailSendIcon())
	p := k.newPage(l, list, s.back, s.submit)
	p.mainInMiddle()
	s.root = p.root
	return s.root
}

// onChange shows question i; Next from it comes back here, by way of any
// questions the new answer opens.
func (s *reviewScreen) onChange(i int) {
	s.k.flow.StartChange(s.k.cfg.Survey)
	s.k.goTo(i)
}

func (s *reviewScreen) onBack() {
	k := s.k
	last := k.cfg.Survey.Prev(len(k.cfg.Survey.Questions), k.flow.Answers)
	k.goTo(last)
}

func (s *reviewScreen) setBusy(busy bool) {
	if busy {
		s.submit.Disable()
		s.back.Disable()
		s.submit.SetText(s.l.T("review.saving"))
		return
	}
	s.submit.Enable()
	s.back.Enable()
	s.submit.SetText(s.l.T("review.send"))
}

func (s *reviewScreen) showError() {
	s.message.Show()
	s.k.errorShown() // read aloud (listen.go)
}

// answerText is an answer in words, as the participant chose it.
func answerText(l *Localizer, q *survey.Question, a survey.Answer, lang string) string {
	label := func(code string) string {
		if o, ok := q.Option(code); ok && o.Label.In(lang) != "" {
			return o.Label.In(lang)
		}
		return l.T("answer." + code)
	}
	switch {
	case a.Empty():
		return l.T("review.skipped")
	case a.Choice != "":
		return label(a.Choice)
	case len(a.Choices) > 0:
		out := make([]string, len(a.Choices))
		for i, c := range a.Choices {
			out[i] = label(c)
		}
		return strings.Join(out, ", ")
	case a.Number != nil:
		return strconv.Itoa(*a.Number)
	}
	return a.Text
}
