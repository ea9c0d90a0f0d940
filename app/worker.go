package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"chorus/data/store"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// staffHome is what a signed-in member of staff sees: their session and
// withdrawals, and for a coordinator also export, staff, survey and the
// audit log.
type staffHome struct {
	sh      *Shell
	l       *Localizer
	root    fyne.CanvasObject
	tabs    *container.AppTabs
	signOut *Button

	// Session tab.
	venue      *widget.Entry
	open       *Button
	tally      *widget.Label
	handOver   *Button
	record     *Button
	closeSes   *Button
	mode       *widget.RadioGroup
	interp     *widget.Select
	verbal     *widget.Check
	sessionMsg *widget.Label

	// Withdraw tab.
	receipt     *widget.Entry
	withdrawFor *widget.Select
	withdraw    *Button
	withdrawMsg *widget.Label

	coord *coordinatorTabs
}

func (s *staffHome) build() fyne.CanvasObject {
	l, sh := s.l, s.sh
	user := sh.user
	s.tabs = container.NewAppTabs(
		container.NewTabItem(l.T("staff.tab.session"), s.sessionTab()),
		container.NewTabItem(l.T("staff.tab.withdraw"), s.withdrawTab()),
	)
	if user.Role == store.Coordinator {
		s.coord = &coordinatorTabs{sh: sh, l: l}
		for _, t := range s.coord.build() {
			s.tabs.Append(t)
		}
	}
	who := widget.NewLabel(l.T("staff.signed_in", map[string]any{"Name": user.Name, "Role": l.T("staff.role." + string(user.Role))}))
	who.TextStyle = fyne.TextStyle{Bold: true}
	s.signOut = NewButton(l.T("staff.sign_out"), sh.signOut)
	right := container.NewHBox(s.signOut)
	if sh.cfg.Quit != nil {
		quit := NewButton(l.T("staff.quit"), func() {
			sh.cfg.Store.Audit(context.Background(), user.Name, "app.quit", "")
			sh.cfg.Quit()
		})
		right.Add(quit)
	}
	top := container.NewBorder(nil, nil, nil, right, who)
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.tabs)
	return s.root
}

func (s *staffHome) sessionTab() fyne.CanvasObject {
	l, sh := s.l, s.sh
	s.sessionMsg = widget.NewLabel("")
	s.sessionMsg.Wrapping = fyne.TextWrapWord
	s.sessionMsg.Importance = widget.DangerImportance
	if sh.session == nil {
		// Pick up a session left open (e.g. after a restart) by this worker.
		open, _ := sh.cfg.Store.OpenSessions(context.Background())
		for _, ses := range open {
			if ses.WorkerID == sh.user.ID {
				sh.session = &ses
				break
			}
		}
	}
	if sh.session == nil {
		s.venue = widget.NewEntry()
		s.venue.SetPlaceHolder(l.T("staff.venue_hint"))
		s.open = NewButton(l.T("staff.open_session"), s.onOpen)
		s.open.Importance = widget.HighImportance
		s.venue.OnSubmitted = func(string) { s.onOpen() }
		return container.NewVBox(
			heading(l, l.T("staff.no_session")),
			widget.NewLabel(l.T("staff.venue")), s.venue, s.open, s.sessionMsg)
	}
	ses := sh.session
	s.tally = widget.NewLabel("")
	s.tally.Wrapping = fyne.TextWrapWord
	s.refreshTally()
	s.handOver = NewButton(l.T("staff.hand_over"), func() { sh.showKiosk(Visit{SessionID: ses.ID}) })
	s.handOver.Importance = widget.HighImportance
	s.mode = widget.NewRadioGroup([]string{l.T("staff.mode.assisted"), l.T("staff.mode.worker")}, nil)
	s.mode.SetSelected(l.T("staff.mode.assisted"))
	s.mode.Required = true
	langs := []string{l.T("staff.no_interpreter")}
	for _, lang := range sh.cfg.Catalog.Languages() {
		langs = append(langs, lang.EnglishName()+" — "+lang.SelfName())
	}
	s.interp = widget.NewSelect(langs, nil)
	s.interp.SetSelectedIndex(0)
	s.verbal = widget.NewCheck(l.T("staff.verbal_consent"), nil)
	s.mode.OnChanged = func(v string) {
		if v == l.T("staff.mode.worker") {
			s.verbal.SetChecked(true) // the participant speaks; the worker taps
		}
	}
	s.record = NewButton(l.T("staff.record"), s.onRecord)
	s.closeSes = NewButton(l.T("staff.close_session"), s.onClose)
	return container.NewVScroll(container.NewVBox(
		heading(l, l.T("staff.session_at", map[string]any{"Venue": ses.Venue})),
		s.tally,
		s.handOver,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(l.T("staff.record_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.mode,
		widget.NewLabel(l.T("staff.interpreter")), s.interp,
		s.verbal,
		s.record,
		widget.NewSeparator(),
		s.closeSes,
		s.sessionMsg,
	))
}

func (s *staffHome) refreshTally() {
	l, sh := s.l, s.sh
	t, err := sh.cfg.Store.SessionTally(context.Background(), sh.session.ID)
	if err != nil {
		s.tally.SetText(err.Error())
		return
	}
	var langs []string
	for tag, n := range t.ByLanguage {
		name := tag
		if lang, ok := sh.cfg.Catalog.Language(tag); ok {
			name = lang.EnglishName()
		}
		langs = append(langs, fmt.Sprintf("%s %d", name, n))
	}
	sort.Strings(langs)
	if len(langs) == 0 {
		langs = []string{"—"}
	}
	s.tally.SetText(l.T("staff.tally", map[string]any{
		"Responses": t.Responses, "Self": t.ByMode["self"], "Assisted": t.ByMode["assisted"],
		"Worker": t.ByMode["worker"], "Declined": t.Declined, "Languages": strings.Join(langs, ", "),
		"Opened": sh.session.Opened.Local().Format("Mon 2 Jan 15:04"),
	}))
}

func (s *staffHome) onOpen() {
	sh := s.sh
	sv, err := sh.cfg.LoadSurvey()
	if err == nil {
		var ses store.Session
		ses, err = sh.cfg.Store.OpenSession(context.Background(), *sh.user, s.venue.Text, sv)
		if err == nil {
			sh.session = &ses
			sh.showHome()
			return
		}
	}
	s.sessionMsg.SetText(err.Error())
}

func (s *staffHome) onClose() {
	sh := s.sh
	if err := sh.cfg.Store.CloseSession(context.Background(), *sh.user, sh.session.ID); err != nil {
		s.sessionMsg.SetText(err.Error())
		return
	}
	sh.session = nil
	sh.showHome()
}

// onRecord starts a response with a participant: assisted, or recorded by
// the worker, and comes back here when it is done.
func (s *staffHome) onRecord() {
	l, sh := s.l, s.sh
	mode := survey.ModeAssisted
	if s.mode.Selected == l.T("staff.mode.worker") {
		mode = survey.ModeWorker
	}
	interp := ""
	if i := s.interp.SelectedIndex(); i > 0 {
		interp = sh.cfg.Catalog.Languages()[i-1].Tag
	}
	user := *sh.user
	sh.showKiosk(Visit{Mode: mode, Staff: user.Name, SessionID: sh.session.ID, Interpreter: interp,
		Verbal: s.verbal.Checked, Done: func() { sh.user = &user; sh.showHome() }})
}

func (s *staffHome) withdrawTab() fyne.CanvasObject {
	l, sh := s.l, s.sh
	s.receipt = widget.NewEntry()
	s.receipt.SetPlaceHolder("K7D-4MX-9RA")
	var names []string
	for _, lang := range sh.cfg.Catalog.Languages() {
		names = append(names, lang.EnglishName()+" — "+lang.SelfName())
	}
	s.withdrawFor = widget.NewSelect(names, nil)
	s.withdrawFor.SetSelectedIndex(0)
	s.withdrawMsg = widget.NewLabel("")
	s.withdrawMsg.Wrapping = fyne.TextWrapWord
	s.withdraw = NewButton(l.T("staff.withdraw"), s.onWithdraw)
	s.withdraw.Importance = widget.DangerImportance
	s.receipt.OnSubmitted = func(string) { s.onWithdraw() }
	return container.NewVBox(
		heading(l, l.T("staff.withdraw_title")),
		widget.NewLabel(l.T("staff.withdraw_code")), s.receipt,
		widget.NewLabel(l.T("staff.withdraw_language")), s.withdrawFor,
		s.withdraw, s.withdrawMsg)
}

// onWithdraw deletes a participant's response and tells them, in their
// language, what happened.
func (s *staffHome) onWithdraw() {
	sh := s.sh
	lang := sh.cfg.Catalog.Languages()[max(s.withdrawFor.SelectedIndex(), 0)]
	pl := sh.cfg.Catalog.Localizer(lang.Tag)
	res, err := sh.cfg.Store.Withdraw(context.Background(), s.receipt.Text, sh.user.Name)
	var msg string
	switch {
	case errors.Is(err, survey.ErrReceipt):
		msg = pl.T("withdraw.bad_code")
	case errors.Is(err, store.ErrUnknownReceipt):
		msg = pl.T("withdraw.unknown")
	case errors.Is(err, store.ErrAlreadyWithdrawn):
		msg = pl.T("withdraw.already")
	case err != nil:
		msg = err.Error()
	case res == store.WithdrawnHere:
		msg = pl.T("withdraw.done_here")
		s.receipt.SetText("")
	default:
		msg = pl.T("withdraw.done_queued")
		s.receipt.SetText("")
	}
	setText(pl, s.withdrawMsg, msg)
	s.withdrawMsg.Alignment = pl.align()
	s.withdrawMsg.Refresh()
}
