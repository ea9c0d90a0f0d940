package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// withSkip puts an optional question's Skip button just before Next in
// reading order: to Next's left for left-to-right languages, to its right
// for right-to-left ones. With no Skip button it is Next alone.
func withSkip(rtl bool, skip, next *Button) fyne.CanvasObject {
	if skip == nil {
		return next
	}
	if rtl {
		return container.NewHBox(big(next), big(skip))
	}
	return container.NewHBox(big(skip), big(next))
}

// onSkip leaves an optional question unanswered, dropping any answer
// given, and moves on.
func (s *questionScreen) onSkip() {
	k := s.k
	delete(k.flow.Answers, s.q.ID)
	k.goTo(k.flow.NextAfter(k.cfg.Survey, k.flow.Index))
}
