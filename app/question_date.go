package app

import (
	"errors"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// This file holds the answers of the question types XLSForm surveys
// brought (issue 20): date and decimal, typed in one line, and the
// constraint check at Next.

// valueArea builds the one-line box of a date or decimal question; the
// answer is the text typed, checked at Next by survey.Question.Normalize.
func (s *questionScreen) valueArea() fyne.CanvasObject {
	k, q := s.k, s.q
	s.entry = widget.NewEntry()
	s.entry.SetText(k.flow.Answers[q.ID].Text)
	if q.Type == survey.Date {
		s.entry.SetPlaceHolder("YYYY-MM-DD")
	}
	s.entry.OnChanged = func(text string) {
		k.touch()
		s.set(survey.Answer{Text: text})
	}
	s.entry.OnSubmitted = func(string) { k.pressPrimary() }
	s.focus = s.entry
	return container.New(&minSize{min: fyne.NewSize(320, MinTarget)}, s.entry)
}

// constraintProblem returns the message for an answer that does not meet
// its question's constraint, or "" when it does.
func (s *questionScreen) constraintProblem() string {
	k, q := s.k, s.q
	err := k.cfg.Survey.Check(k.flow.Index, k.flow.Answers)
	if !errors.Is(err, survey.ErrConstraint) {
		return ""
	}
	if m := q.ConstraintMessage.In(k.flow.Lang); m != "" {
		return m
	}
	return s.l.T("question.try_again")
}

// valueProblem returns the message for a date, decimal or open-ended
// number that could not be read, or "".
func valueProblem(l *Localizer, q *survey.Question, err error) string {
	switch {
	case errors.Is(err, survey.ErrDate):
		return l.T("question.date_bad")
	case errors.Is(err, survey.ErrDecimal):
		return l.T("question.decimal_bad")
	case q.Type == survey.Number && errors.Is(err, survey.ErrWrongKind) && (q.Min == nil || q.Max == nil):
		return l.T("question.number_bad") // text typed where a number goes
	}
	return ""
}
