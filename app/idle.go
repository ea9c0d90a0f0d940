package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Idle times: after IdleAfter with no input a warning counts down
// WarnFor, with a big "I need more time" button (WCAG 2.2.1); then the kiosk
// resets to the welcome screen for the next person.
const (
	DefaultIdleAfter = 90 * time.Second
	DefaultWarnFor   = 30 * time.Second
)

// idleWarning is the overlay shown before an idle reset.
type idleWarning struct {
	root     fyne.CanvasObject
	count    *widget.Label
	moreTime *Button
}

// touch records participant input, which puts off the idle reset.
func (k *Kiosk) touch() {
	k.lastInput = k.cfg.Clock()
	if k.warning != nil {
		k.hideWarning()
	}
}

// Tick checks for idleness; the app calls it every second from the UI
// goroutine, tests call it with an injected clock.
func (k *Kiosk) Tick() {
	if k.welcome != nil {
		if k.visit.Done != nil && k.cfg.Clock().Sub(k.lastInput) >= k.idleAfter()+k.warnFor() {
			k.endHelpedVisit() // a worker started a helped visit and nobody began it
			return
		}
		if k.cfg.Clock().Sub(k.lastInput)/time.Second%4 == 0 {
			k.welcome.rotate() // every four seconds, the invitation in other languages
		}
		return // nothing of anyone's to protect
	}
	if k.body == nil || len(k.body.Objects) == 0 {
		return
	}
	idle := k.cfg.Clock().Sub(k.lastInput)
	after, warn := k.idleAfter(), k.warnFor()
	switch {
	case idle >= after+warn:
		k.idleReset()
	case idle >= after:
		k.showWarning(after + warn - idle)
	}
}

func (k *Kiosk) idleAfter() time.Duration {
	if k.cfg.IdleAfter > 0 {
		return k.cfg.IdleAfter
	}
	return DefaultIdleAfter
}

func (k *Kiosk) warnFor() time.Duration {
	if k.cfg.WarnFor > 0 {
		return k.cfg.WarnFor
	}
	return DefaultWarnFor
}

func (k *Kiosk) showWarning(left time.Duration) {
	l := k.loc()
	secs := int((left + time.Second - 1) / time.Second)
	if k.warning == nil {
		w := &idleWarning{}
		w.count = para(l, "", theme.SizeNameSubHeadingText, false)
		w.count.Alignment = fyne.TextAlignCenter
		w.moreTime = NewButton(visual(l.Lang, l.T("idle.more_time")), k.touch)
		w.moreTime.Importance = widget.HighImportance
		title := heading(l, l.T("idle.title"))
		title.Alignment = fyne.TextAlignCenter
		th := fyne.CurrentApp().Settings().Theme()
		v := fyne.CurrentApp().Settings().ThemeVariant()
		card := canvas.NewRectangle(th.Color(theme.ColorNameBackground, v))
		card.StrokeColor = th.Color(theme.ColorNamePrimary, v)
		card.StrokeWidth = 4
		card.CornerRadius = 12
		shade := canvas.NewRectangle(th.Color(theme.ColorNameShadow, v))
		box := container.NewStack(card, container.NewPadded(container.NewVBox(title, w.count,
			container.New(&minSize{min: fyne.NewSize(420, 96)}, w.moreTime))))
		w.root = container.NewStack(shade, container.NewCenter(box))
		k.warning = w
		k.body.Add(w.root)
		k.win.Canvas().Focus(w.moreTime)
		k.screenShown() // the warning is heard too when every screen is
	}
	setText(l, k.warning.count, l.N("idle.countdown", secs))
}

func (k *Kiosk) hideWarning() {
	k.body.Remove(k.warning.root)
	k.warning = nil
	k.stopAudio()
}

// idleReset ends an abandoned visit. Answers given after consent are kept
// sealed as a partial response when the survey says so; otherwise they are
// dropped. Either way nothing of the person stays on screen.
func (k *Kiosk) idleReset() {
	k.keepPartial()
	k.warning = nil
	if k.visit.Done != nil {
		k.endHelpedVisit()
		return
	}
	k.Start()
}

// endHelpedVisit ends a visit a worker started (assisted or worker-recorded)
// that was left alone: the kiosk goes back to its own welcome screen for
// people answering by themselves, in the same session. It does not go back
// to the worker's screens as finishing does, or whoever came next would find
// them open without a PIN.
func (k *Kiosk) endHelpedVisit() {
	k.SetVisit(Visit{SessionID: k.visit.SessionID})
}
