package app

import (
	"context"
	"log/slog"
	"time"

	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The controls every screen of a visit carries in its header: a language
// switch (consent, intro, questions, check answers) and Stop (intro,
// questions, check answers); and, above the header, a banner naming the
// worker on an assisted or worker-recorded visit.
type journeyBar struct {
	k        *Kiosk
	language *Button // the visit's language, in its own name
	stop     *Button
	// boxes hold language and stop at a target's size; each is hidden
	// with its button, so a hidden one leaves no gap.
	boxes    [2]*fyne.Container
	banner   *widget.Label
	bannerBg *fyne.Container
	// The pop-ups on show, if any (one at a time).
	picker  *languagePicker
	confirm *stopConfirm
}

// languagePicker lists the survey's languages, each in its own name.
type languagePicker struct {
	root  fyne.CanvasObject
	langs map[string]*Button
	back  *Button
}

// stopConfirm asks before Stop deletes (or keeps) the answers.
type stopConfirm struct {
	root    fyne.CanvasObject
	yes, no *Button
}

func newJourneyBar(k *Kiosk) *journeyBar {
	j := &journeyBar{k: k}
	j.language = NewButton("", k.guard(j.onLanguage))
	j.language.SetIcon(theme.NewThemedResource(globeIcon))
	j.stop = NewButton("", k.guard(j.onStop))
	j.stop.SetIcon(theme.CancelIcon())
	j.stop.Importance = widget.DangerImportance
	j.banner = widget.NewLabel("")
	j.banner.Wrapping = fyne.TextWrapWord
	j.banner.TextStyle.Bold = true
	j.banner.Importance = widget.HighImportance
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	j.bannerBg = container.NewStack(bg, j.banner)
	j.language.Hide()
	j.stop.Hide()
	j.bannerBg.Hide()
	return j
}

// controls are the header's buttons, each at least a target's size.
func (j *journeyBar) controls() fyne.CanvasObject {
	j.boxes[0] = container.New(&minSize{min: fyne.NewSquareSize(MinTarget)}, j.language)
	j.boxes[1] = container.New(&minSize{min: fyne.NewSquareSize(MinTarget)}, j.stop)
	j.syncBoxes()
	return container.NewHBox(j.boxes[0], j.boxes[1])
}

// syncBoxes shows each button's box exactly when the button shows.
func (j *journeyBar) syncBoxes() {
	for i, b := range []*Button{j.language, j.stop} {
		if j.boxes[i] == nil {
			continue
		}
		if b.Visible() {
			j.boxes[i].Show()
		} else {
			j.boxes[i].Hide()
		}
	}
}

// update shows the controls that belong on the screen on show, in the
// visit's language.
func (j *journeyBar) update() {
	k := j.k
	j.picker, j.confirm = nil, nil
	inVisit := k.flow != nil && (k.consent != nil || k.intro != nil || k.question != nil || k.review != nil)
	// At the largest text the header has no room for words beside the
	// text sizes and the progress: the buttons show their icons only (the
	// pop-ups they open are in words).
	compact := k.theme.Scale >= 2
	if inVisit {
		l := k.loc()
		j.language.SetText(l.Lang.SelfName())
		if compact {
			j.language.SetText("")
		}
		j.language.Show()
	} else {
		j.language.Hide()
	}
	if k.flow != nil && (k.intro != nil || k.question != nil || k.review != nil) {
		j.stop.SetText(visual(k.loc().Lang, k.loc().T("stop.button")))
		if compact {
			j.stop.SetText("")
		}
		j.stop.Show()
	} else {
		j.stop.Hide()
	}
	if text := j.bannerText(); text != "" {
		j.banner.SetText(text)
		j.bannerBg.Show()
	} else {
		j.bannerBg.Hide()
	}
	j.syncBoxes()
}

// bannerText says who is helping or recording, in the staff language (the
// worker reads it; the participant may not share it), or "" for a visit
// the participant makes alone.
func (j *journeyBar) bannerText() string {
	k := j.k
	name := k.cfg.Staff
	l := k.cfg.Catalog.Localizer(k.cfg.StaffLang)
	if name == "" {
		name = l.T("banner.a_worker")
	}
	switch k.cfg.Mode {
	case survey.ModeAssisted:
		return l.T("banner.helping", map[string]any{"Name": name})
	case survey.ModeWorker:
		return l.T("banner.recording", map[string]any{"Name": name})
	}
	return ""
}

// overlay puts box over the screen on a shade, as the idle warning does.
func (j *journeyBar) overlay(box fyne.CanvasObject) fyne.CanvasObject {
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	card := canvas.NewRectangle(th.Color(theme.ColorNameBackground, v))
	card.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	card.StrokeWidth = 4
	card.CornerRadius = 12
	shade := canvas.NewRectangle(th.Color(theme.ColorNameShadow, v))
	root := container.NewStack(shade, container.NewCenter(container.NewStack(card, container.NewPadded(box))))
	j.k.body.Add(root)
	return root
}

// close removes a pop-up from the screen.
func (j *journeyBar) close(root fyne.CanvasObject) {
	j.k.body.Remove(root)
	j.picker, j.confirm = nil, nil
}

// onLanguage offers the survey's languages (only those with consent text).
func (j *journeyBar) onLanguage() {
	k := j.k
	if j.picker != nil || j.confirm != nil || k.flow == nil {
		return
	}
	l := k.loc()
	p := &languagePicker{langs: map[string]*Button{}}
	grid := container.New(&flowGrid{cols: columnsFor(len(k.cfg.Survey.Languages))})
	for _, tag := range k.cfg.Survey.Languages {
		lang, ok := k.cfg.Catalog.Language(tag)
		if !ok {
			lang = Language{Tag: tag}
		}
		b := NewButton(lang.SelfName(), k.guardPopUp(func() { j.switchTo(tag) }))
		b.rtl, b.Wrap = lang.RTL(), true
		if tag == k.flow.Lang {
			b.Importance = widget.HighImportance
		}
		p.langs[tag] = b
		grid.Add(container.New(&minSize{min: fyne.NewSize(MinTarget*2, MinTarget)}, b))
	}
	p.back = k.button(l, l.T("language.keep"), false, nil)
	p.back.OnTapped = k.guardPopUp(func() { j.close(p.root) })
	title := heading(l, l.T("language.title"))
	p.root = j.overlay(container.NewVBox(title, grid, big(p.back)))
	j.picker = p
}

// switchTo redraws the screen on show in language tag, keeping the answers
// and choices so far. A language chosen on the consent screen is the
// language consent is given in; a change after consent leaves the consent
// record's language (the text agreed to) as it was and sets the
// response's language.
func (j *journeyBar) switchTo(tag string) {
	k := j.k
	j.close(j.picker.root)
	if k.flow == nil || tag == k.flow.Lang || !k.cfg.Survey.HasLanguage(tag) {
		return
	}
	k.flow.Lang = tag
	k.useFonts(tag)
	k.redraw()
}

// onStop asks whether to stop, in big plain words with two choices.
func (j *journeyBar) onStop() {
	k := j.k
	if j.picker != nil || j.confirm != nil || k.flow == nil {
		return
	}
	l := k.loc()
	c := &stopConfirm{}
	msg, yes := l.T("stop.delete_message"), l.T("stop.yes_delete")
	if k.keepsPartial() {
		msg, yes = l.T("stop.keep_message"), l.T("stop.yes_keep")
	}
	c.yes = k.button(l, yes, false, nil)
	c.yes.Importance = widget.DangerImportance
	c.yes.OnTapped = k.guardPopUp(k.onStopConfirmed)
	c.no = k.button(l, l.T("stop.no"), true, nil)
	c.no.OnTapped = k.guardPopUp(func() { j.close(c.root) })
	title := heading(l, l.T("stop.title"))
	text := para(l, msg, theme.SizeNameSubHeadingText, false)
	c.root = j.overlay(container.New(&minSize{min: fyne.NewSize(min(560, k.win.Canvas().Size().Width-64), 0)},
		container.NewVBox(title, text, big(c.no), big(c.yes))))
	j.confirm = c
}

// guardPopUp is guard for a pop-up's buttons: they ignore taps while the
// pop-up settles, so the tap that opened it cannot also answer it.
func (k *Kiosk) guardPopUp(fn func()) func() {
	opened := k.cfg.Clock()
	return func() {
		if k.cfg.Clock().Sub(opened) < settleTime {
			return
		}
		k.touch()
		fn()
	}
}

// keepsPartial says whether stopping now keeps the answers as a partial
// response: the survey says so, consent was given and something was
// answered.
func (k *Kiosk) keepsPartial() bool {
	f := k.flow
	return f != nil && f.ConsentID != "" && k.cfg.Survey.KeepPartial && len(f.Answers) > 0
}

// keepPartial seals and saves the visit's answers as a partial response
// when the survey keeps them; it does nothing otherwise.
func (k *Kiosk) keepPartial() {
	if !k.keepsPartial() {
		return
	}
	sub := k.flow.Submission(k.cfg.Survey, k.cfg.Device, k.currentVisit(), survey.Partial)
	st, rs := k.cfg.Store, k.cfg.Recipients
	done := k.savedPartial
	background(func() {
		_, err := submitFresh(context.Background(), st, rs, sub)
		if err != nil {
			slog.Error("cannot keep a partial response", "err", rootCause(err))
		}
		if done != nil {
			done(err)
		}
	})
}

// onStopConfirmed ends the visit: the answers are dropped (or kept as a
// partial response where the survey says so) and the kiosk goes back to
// the welcome screen, or to the worker who started the visit.
func (k *Kiosk) onStopConfirmed() {
	k.keepPartial()
	k.flow = nil
	k.finish()
}

// receiptHold is how long the thank-you screen's Finish ignores taps, so
// that taps meant for Send (a double tap, an impatient second press) cannot
// take the receipt code away before it is read.
const receiptHold = 2 * time.Second

// globeIcon marks the language switch: a globe, which needs no words.
var globeIcon = fyne.NewStaticResource("globe.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#000" d="M11.99 2C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2zm6.93 6h-2.95c-.32-1.25-.78-2.45-1.38-3.56 1.84.63 3.37 1.91 4.33 3.56zM12 4.04c.83 1.2 1.48 2.53 1.91 3.96h-3.82c.43-1.43 1.08-2.76 1.91-3.96zM4.26 14C4.1 13.36 4 12.69 4 12s.1-1.36.26-2h3.38c-.08.66-.14 1.32-.14 2 0 .68.06 1.34.14 2H4.26zm.82 2h2.95c.32 1.25.78 2.45 1.38 3.56-1.84-.63-3.37-1.9-4.33-3.56zm2.95-8H5.08c.96-1.66 2.49-2.93 4.33-3.56C8.81 5.55 8.35 6.75 8.03 8zM12 19.96c-.83-1.2-1.48-2.53-1.91-3.96h3.82c-.43 1.43-1.08 2.76-1.91 3.96zM14.34 14H9.66c-.09-.66-.16-1.32-.16-2 0-.68.07-1.35.16-2h4.68c.09.65.16 1.32.16 2 0 .68-.07 1.34-.16 2zm.25 5.56c.6-1.11 1.06-2.31 1.38-3.56h2.95c-.96 1.65-2.49 2.93-4.33 3.56zM16.36 14c.08-.66.14-1.32.14-2 0-.68-.06-1.34-.14-2h3.38c.16.64.26 1.31.26 2s-.1 1.36-.26 2h-3.38z"/></svg>`))
