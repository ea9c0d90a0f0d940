package app

import (
	"chorus/data/audio"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"chorus/assets"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// shortText is the longest limit for which a text answer gets a one-line box
// that stops at the limit instead of a multi-line box with a counter.
const shortText = 60

// questionScreen shows one question with Back and Next.
type questionScreen struct {
	k        *Kiosk
	l        *Localizer
	q        *survey.Question
	root     fyne.CanvasObject
	choices  []*Choice // in option order
	entry    *widget.Entry
	counter  *widget.Label
	message  *widget.Label
	progress *progress
	back     *Button
	next     *Button
	skip     *Button        // optional questions only
	focus    fyne.Focusable // where typing goes when the screen opens
	box      *answerBox     // the multi-line box, if any (s.entry is inside it)
	page     *screenPage
	keys     *answerKeys // on-screen keys for s.entry (keyboard.go)
}

func (s *questionScreen) build() fyne.CanvasObject {
	k, l, q := s.k, s.l, s.q
	lang := k.flow.Lang
	// "Question 3 of 12" counts the questions that take an answer, out of
	// the most that can still be shown (so it never jumps up); an info
	// screen shows where the participant is without a number.
	pos, total := k.cfg.Survey.Progress(k.flow.Index, k.flow.Answers)
	s.progress = newProgress(l, pos, total)
	if !q.Answerable() {
		s.progress.label.Hide()
	}
	s.message = para(l, "", theme.SizeNameText, true)
	s.message.Importance = widget.DangerImportance
	s.message.Hide()

	body := container.NewVBox(heading(l, s.pipe(q.Text.In(lang))))
	// The help, "you need to answer" and "you can choose more than one"
	// are one paragraph: two would cost a gap that large text cannot spare.
	hint := s.pipe(q.Help.In(lang))
	if q.Required {
		hint = strings.TrimSpace(l.T("question.required_mark") + " " + hint)
	}
	if q.Type == survey.Multi {
		hint = strings.TrimSpace(hint + " " + l.T("question.choose_any"))
	}
	if q.Input == survey.PostcodeOutward {
		hint = strings.TrimSpace(hint + " " + l.T("question.postcode_help"))
	}
	if q.Type == survey.Date {
		hint = strings.TrimSpace(hint + " " + l.T("question.date_help"))
	}
	if hint != "" {
		body.Add(para(l, hint, theme.SizeNameText, false))
	}
	// The message goes above the answers, as GOV.UK puts it above a field.
	body.Add(s.message)
	body.Add(s.answerArea())
	if s.entry != nil {
		s.keys = k.keysFor(s) // typing by touch alone (keyboard.go)
		body.Add(s.keys.root)
	}

	s.back = k.button(l, l.T("nav.back"), false, s.onBack)
	s.next = k.button(l, l.T("nav.next"), true, s.onNext)
	if q.Answerable() && !q.Required {
		s.skip = k.button(l, l.T("nav.skip"), false, s.onSkip) // see skip.go
	}
	// The progress goes in the display bar above (Kiosk.showWith).
	s.page = k.newPage(l, body, s.back, s.next, s.skip)
	s.root = s.page.root
	return s.root
}

// pipe puts this participant's earlier answers into a text of the
// question where it names them, ${id} (see survey.Survey.Pipe). Only
// k.flow's answers are used: they belong to the participant at the screen
// and are cleared before the next one.
func (s *questionScreen) pipe(text string) string {
	k, l := s.k, s.l
	return k.cfg.Survey.Pipe(k.flow.Index, text, k.flow.Lang, k.flow.Answers, func(code string) string { return l.T("answer." + code) })
}

// answerArea builds the controls for the question's type.
func (s *questionScreen) answerArea() fyne.CanvasObject {
	k, l, q := s.k, s.l, s.q
	lang := k.flow.Lang
	rtl := l.Lang.RTL()
	ans := k.flow.Answers[q.ID]
	label := func(o survey.Option) string {
		if q.Type == survey.YesNo && o.Label.In(lang) == "" {
			return l.T("answer." + o.Code)
		}
		return o.Label.In(lang)
	}
	switch q.Type {
	case survey.Single, survey.Multi, survey.YesNo:
		box := container.NewVBox()
		if q.Type == survey.YesNo {
			box = container.New(&mirrorGrid{cols: 2, rtl: rtl})
		}
		for _, o := range q.Options {
			c := NewChoice(visual(l.Lang, label(o)), q.Type == survey.Multi, rtl, nil)
			c.OnTapped = k.guard(func() { s.onChoose(o.Code) })
			c.OnSubmit = k.pressPrimary
			c.Selected = ans.Choice == o.Code || slices.Contains(ans.Choices, o.Code)
			s.choices = append(s.choices, c)
			box.Add(k.withSpeaker(c, audio.OptionKey(q, o), rtl))
		}
		return box
	case survey.Faces4, survey.Scale5:
		// The scale runs right to left for right-to-left languages, while
		// Tab still goes from the first option to the last. When a word of
		// an option would not fit across its tile (large text, long words),
		// the options go one under another instead, so no word is broken.
		var labels []string
		for _, o := range q.Options {
			labels = append(labels, label(o))
		}
		// On a short screen at 200% a row of tiles can be taller than the
		// space between the display bar and Next: one under another, each
		// option is a line or two.
		short := k.theme.Scale >= 2 && k.win.Canvas().Size().Height < 700
		tiles := !short && wordsFitTiles(labels, len(q.Options))
		var row *fyne.Container
		if tiles {
			row = container.New(&mirrorGrid{cols: len(q.Options), rtl: rtl})
		} else {
			row = container.NewVBox()
		}
		for i, o := range q.Options {
			var pic fyne.Resource
			if q.Type == survey.Faces4 {
				pic = fyne.NewStaticResource("face"+strconv.Itoa(i)+".svg", assets.Face(i))
			}
			c := NewTile(visual(l.Lang, label(o)), pic, rtl, nil)
			if !tiles {
				c = NewChoice(visual(l.Lang, label(o)), false, rtl, nil)
				c.Picture = pic
			}
			c.OnTapped = k.guard(func() { s.onChoose(o.Code) })
			c.OnSubmit = k.pressPrimary
			c.Selected = ans.Choice == o.Code
			s.choices = append(s.choices, c)
			if tiles {
				row.Add(k.speakerBelow(c, audio.OptionKey(q, o)))
			} else {
				row.Add(k.withSpeaker(c, audio.OptionKey(q, o), rtl))
			}
		}
		return row
	case survey.Free:
		if q.Limit() <= shortText {
			// A short answer (a postcode): one line that stops at the limit.
			s.entry = widget.NewEntry()
			s.entry.OnSubmitted = func(string) { k.pressPrimary() }
		} else {
			box := newAnswerBox()
			box.SetMinRowsVisible(s.boxRows())
			s.entry = &box.Entry
			s.box = box
		}
		s.entry.SetText(ans.Text)
		s.counter = para(l, "", theme.SizeNameText, false)
		s.entry.OnChanged = s.onTyped
		s.onTyped(ans.Text)
		s.focus = s.entry
		if s.box != nil {
			s.focus = s.box
			return container.NewVBox(s.box, s.counter)
		}
		if q.Limit() <= shortText {
			s.counter.Hide() // the box itself stops at the limit
			return container.NewVBox(container.New(&minSize{min: fyne.NewSize(320, MinTarget)}, s.entry), s.counter)
		}
		return container.NewVBox(s.entry, s.counter)
	case survey.Number:
		s.entry = widget.NewEntry()
		if ans.Number != nil {
			s.entry.SetText(strconv.Itoa(*ans.Number))
		}
		if q.Min != nil && q.Max != nil {
			s.entry.SetPlaceHolder(numberHint(l, *q.Min, *q.Max))
		}
		s.entry.OnChanged = s.onTyped
		s.entry.OnSubmitted = func(string) { k.pressPrimary() }
		s.focus = s.entry
		return container.New(&minSize{min: fyne.NewSize(320, MinTarget)}, s.entry)
	case survey.Date, survey.Decimal:
		return s.valueArea() // question_date.go
	}
	return container.NewVBox()
}

// boxRows is how many lines a multi-line answer box shows: fewer with
// larger text and on short screens, so the box and Next both fit.
func (s *questionScreen) boxRows() int {
	rows := map[float32]int{1: 5, 1.5: 3, 2: 2}[s.k.theme.Scale]
	if rows == 0 {
		rows = 3
	}
	if s.k.win.Canvas().Size().Height < 700 && rows > 2 {
		rows--
	}
	return rows
}

// onChoose handles a tap on an option.
func (s *questionScreen) onChoose(code string) {
	f, q := s.k.flow, s.q
	a := f.Answers[q.ID]
	switch {
	case q.Type == survey.Multi:
		a = q.Toggle(a, code)
	case a.Choice == code:
		a = survey.Answer{} // a second tap takes the answer back
	default:
		a = survey.Answer{Choice: code}
	}
	s.set(a)
	for i, o := range q.Options {
		s.choices[i].SetSelected(a.Choice == o.Code || slices.Contains(a.Choices, o.Code))
	}
	s.message.Hide()
	s.page.hideError()
}

// onTyped keeps the typed text or number as the answer.
func (s *questionScreen) onTyped(text string) {
	q, l := s.q, s.l
	s.k.touch()
	if q.Type == survey.Number {
		text = strings.TrimSpace(text)
		if text == "" {
			s.set(survey.Answer{})
			return
		}
		if n, err := strconv.Atoi(text); err == nil {
			s.set(survey.Answer{Number: &n})
		} else {
			s.set(survey.Answer{Text: text}) // rejected at Next with a message
		}
		return
	}
	if q.Limit() <= shortText && utf8.RuneCountInString(text) > q.Limit() {
		s.entry.SetText(string([]rune(text)[:q.Limit()])) // calls onTyped again
		return
	}
	s.set(survey.Answer{Text: text})
	left := q.Limit() - utf8.RuneCountInString(text)
	if left >= 0 {
		setText(l, s.counter, l.N("question.chars_left", left))
		s.counter.Importance = widget.MediumImportance
	} else {
		setText(l, s.counter, l.N("question.chars_over", -left))
		s.counter.Importance = widget.DangerImportance
	}
	// As GOV.UK's character count with a threshold: the count shows once
	// three quarters of the limit are used. Before that it tells nobody
	// anything, and on a small screen at large text it pushed the keys'
	// last row (Space, Done) below the fold.
	if q.Limit() > shortText && left > q.Limit()/4 {
		s.counter.Hide()
	} else if q.Limit() > shortText {
		s.counter.Show()
	}
	s.counter.Refresh()
}

func (s *questionScreen) set(a survey.Answer) {
	if a.Empty() {
		delete(s.k.flow.Answers, s.q.ID)
		return
	}
	s.k.flow.Answers[s.q.ID] = a
}

func (s *questionScreen) onBack() {
	k := s.k
	prev := k.cfg.Survey.Prev(k.flow.Index, k.flow.Answers)
	if prev < 0 {
		k.backFromFirstQuestion()
		return
	}
	k.goTo(prev)
}

func (s *questionScreen) onNext() {
	k, q, l := s.k, s.q, s.l
	a := k.flow.Answers[q.ID]
	n, err := q.Normalize(a)
	if err != nil || (q.Type == survey.Number && a.Text != "") {
		s.warn(s.problem(err))
		return
	}
	if q.Required && n.Empty() {
		msg := q.RequiredMessage.In(k.flow.Lang)
		if msg == "" {
			msg = l.T("question.required")
		}
		s.warn(msg)
		return
	}
	s.set(n)
	if msg := s.constraintProblem(); msg != "" {
		s.warn(msg)
		return
	}
	k.goTo(k.flow.NextAfter(k.cfg.Survey, k.flow.Index))
}

// problem turns an answer error into words for the participant.
func (s *questionScreen) problem(err error) string {
	l, q := s.l, s.q
	switch {
	case valueProblem(l, q, err) != "":
		return valueProblem(l, q, err) // question_date.go
	case errors.Is(err, survey.ErrOutOfRange) && q.ConstraintMessage.In(s.k.flow.Lang) != "":
		return q.ConstraintMessage.In(s.k.flow.Lang) // an imported form's own words
	case q.Type == survey.Number && q.Min != nil && q.Max != nil:
		return l.T("question.number_range", map[string]any{"Min": *q.Min, "Max": *q.Max})
	case errors.Is(err, survey.ErrPostcode):
		return l.T("question.postcode_bad")
	case errors.Is(err, survey.ErrTooLong):
		return l.N("question.too_long", q.Limit())
	case errors.Is(err, survey.ErrInvalidText):
		return l.T("question.bad_text")
	}
	return l.T("question.try_again")
}

// warn shows msg above the answers and in the error summary at the top of
// the screen, which is scrolled into view; the summary's link goes to the
// first answer.
func (s *questionScreen) warn(msg string) {
	setText(s.l, s.message, msg)
	s.message.Show()
	var target fyne.Focusable = s.focus
	if len(s.choices) > 0 {
		target = s.choices[0]
	}
	s.page.showError(s.l, msg, target, s.message)
}

// wordsFitTiles reports whether every word of labels fits across one of n
// tiles in a row the width of the screen's text, in bold (a chosen tile's
// words are bold), at the current text size.
func wordsFitTiles(labels []string, n int) bool {
	if n == 0 {
		return true
	}
	pad := theme.Padding()
	// A tile's words have the row's width shared n ways, less the gaps
	// between tiles, the tile's own padding and the label's.
	inner := (rtlWidth-float32(n-1)*pad)/float32(n) - 2*pad - 2*theme.InnerPadding()
	bold := fyne.TextStyle{Bold: true}
	for _, text := range labels {
		for _, w := range strings.Fields(text) {
			if fyne.MeasureText(w, theme.TextSize(), bold).Width > inner {
				return false
			}
		}
	}
	return true
}
