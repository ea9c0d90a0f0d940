package app

import (
	"context"
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
	modes      map[string]survey.Mode // each of mode's labels and the mode it stands for
	interp     *widget.Select
	interpTags []string // the interpreter's language for each of interp's options; "" for none
	verbal     *widget.Check
	sessionMsg *widget.Label

	// Withdraw tab.
	receipt     *widget.Entry
	withdrawFor *widget.Select
	withdraw    *Button
	withdrawMsg *widget.Label

	coord *coordinatorTabs
	quit  *Button
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
	s.signOut = NewButton(l.T("staff.sign_out"), s.onSignOut)
	right := container.NewHBox(s.signOut)
	if sh.cfg.Quit != nil {
		s.quit = NewButton(l.T("staff.quit"), s.onQuit)
		right.Add(s.quit)
	}
	s.tabs.OnSelected = func(t *container.TabItem) {
		if s.coord != nil && t == s.coord.auditItem {
			s.coord.refreshAudit()
		}
	}
	top := container.NewBorder(nil, nil, nil, right, who)
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.tabs)
	return s.root
}

// onQuit asks first: a quit kiosk collects nothing until someone starts it.
func (s *staffHome) onQuit() {
	l, sh := s.l, s.sh
	user := *sh.user
	sh.confirm(l.T("staff.quit_title"), l.T("staff.quit_confirm"), l.T("staff.quit"), func() {
		sh.cfg.Store.Audit(context.Background(), user.Name, "app.quit", "")
		sh.cfg.Quit()
	})
}

// onSignOut returns to the kiosk. With no session open, answers given
// there are linked to no venue, so staff are told and can open one first.
func (s *staffHome) onSignOut() {
	l, sh := s.l, s.sh
	if sh.session != nil {
		sh.signOut()
		return
	}
	sh.confirm(l.T("staff.no_session"), l.T("staff.no_session_confirm"), l.T("staff.start_without_session"), sh.signOut)
}

func (s *staffHome) sessionTab() fyne.CanvasObject {
	l, sh := s.l, s.sh
	s.sessionMsg = widget.NewLabel("")
	s.sessionMsg.Wrapping = fyne.TextWrapWord
	s.sessionMsg.Importance = widget.DangerImportance
	if sh.session == nil {
		// Pick up a session left open (e.g. after a restart) by this worker.
		open, err := sh.cfg.Store.OpenSessions(context.Background())
		if err != nil {
			s.sessionMsg.SetText(l.problem(err))
		}
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
		why := widget.NewLabel(l.T("staff.no_session_why"))
		why.Wrapping = fyne.TextWrapWord
		return container.NewVBox(
			heading(l, l.T("staff.no_session")), why,
			widget.NewLabel(l.T("staff.venue")), s.venue, s.open, s.sessionMsg)
	}
	ses := sh.session
	s.tally = widget.NewLabel("")
	s.tally.Wrapping = fyne.TextWrapWord
	s.refreshTally()
	s.handOver = NewButton(l.T("staff.hand_over"), func() { sh.showKiosk(Visit{SessionID: ses.ID}) })
	s.handOver.Importance = widget.HighImportance
	s.modes = map[string]survey.Mode{}
	var modeLabels []string
	for _, m := range []survey.Mode{survey.ModeAssisted, survey.ModeWorker} {
		label := l.T("staff.mode." + string(m))
		s.modes[label] = m
		modeLabels = append(modeLabels, label)
	}
	s.mode = widget.NewRadioGroup(modeLabels, nil)
	s.mode.SetSelected(modeLabels[0])
	s.mode.Required = true
	s.interp = s.interpreterChoice()
	// Verbal consent is the participant's, said aloud: the worker ticks it
	// when they hear it, never the app for them.
	s.verbal = widget.NewCheck(l.T("staff.verbal_consent"), nil)
	s.record = NewButton(l.T("staff.record"), s.onRecord)
	s.closeSes = NewButton(l.T("staff.close_session"), s.askClose)
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

// interpreterChoice lists the languages an interpreter may use: none, the
// kiosk's languages, British Sign Language and "another language".
func (s *staffHome) interpreterChoice() *widget.Select {
	l, sh := s.l, s.sh
	names := []string{l.T("staff.no_interpreter")}
	s.interpTags = []string{""}
	for _, lang := range sh.cfg.Catalog.Languages() {
		names = append(names, lang.EnglishName()+" — "+lang.SelfName())
		s.interpTags = append(s.interpTags, lang.Tag)
	}
	names = append(names, l.T("staff.interpreter_bsl"), l.T("staff.interpreter_other"))
	s.interpTags = append(s.interpTags, InterpreterBSL, InterpreterOther)
	sel := widget.NewSelect(names, nil)
	sel.SetSelectedIndex(0)
	return sel
}

// The interpreter languages that are not kiosk languages, as recorded
// (BCP 47: "bfi" is British Sign Language, "mis" a language without a code
// of its own here).
const (
	InterpreterBSL   = "bfi"
	InterpreterOther = "mis"
)

func (s *staffHome) refreshTally() {
	l, sh := s.l, s.sh
	t, err := sh.cfg.Store.SessionTally(context.Background(), sh.session.ID)
	if err != nil {
		s.tally.SetText(l.problem(err))
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

// onOpen opens a session at the venue typed, off the UI goroutine.
func (s *staffHome) onOpen() {
	l, sh := s.l, s.sh
	user, venue := *sh.user, s.venue.Text
	s.open.Disable()
	background(func() {
		sv, err := sh.cfg.LoadSurvey()
		var ses store.Session
		if err == nil {
			ses, err = sh.cfg.Store.OpenSession(context.Background(), user, venue, sv)
		}
		fyne.Do(func() {
			if sh.home != s {
				return // signed out meanwhile
			}
			s.open.Enable()
			if err != nil {
				s.sessionMsg.SetText(l.problem(err))
				return
			}
			sh.session = &ses
			sh.showHome()
		})
	})
}

// askClose asks before closing: answers given after it are linked to no
// venue.
func (s *staffHome) askClose() {
	l, sh := s.l, s.sh
	sh.confirm(l.T("staff.close_session"), l.T("staff.close_confirm", map[string]any{"Venue": sh.session.Venue}),
		l.T("staff.close_session"), s.onClose)
}

// onClose closes the open session, off the UI goroutine.
func (s *staffHome) onClose() {
	l, sh := s.l, s.sh
	user, id := *sh.user, sh.session.ID
	s.closeSes.Disable()
	background(func() {
		err := sh.cfg.Store.CloseSession(context.Background(), user, id)
		fyne.Do(func() {
			if sh.home != s {
				return
			}
			s.closeSes.Enable()
			if err != nil {
				s.sessionMsg.SetText(l.problem(err))
				return
			}
			sh.session = nil
			sh.showHome()
		})
	})
}

// onRecord starts a response with a participant: assisted, or recorded by
// the worker, and comes back here when it is done.
func (s *staffHome) onRecord() {
	sh := s.sh
	mode, ok := s.modes[s.mode.Selected]
	if !ok {
		mode = survey.ModeAssisted
	}
	interp := ""
	if i := s.interp.SelectedIndex(); i > 0 && i < len(s.interpTags) {
		interp = s.interpTags[i]
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
	s.withdraw = NewButton(l.T("staff.withdraw"), s.askWithdraw)
	s.withdraw.Importance = widget.DangerImportance
	s.receipt.OnSubmitted = func(string) { s.askWithdraw() }
	return container.NewVBox(
		heading(l, l.T("staff.withdraw_title")),
		widget.NewLabel(l.T("staff.withdraw_code")), s.receipt,
		widget.NewLabel(l.T("staff.withdraw_language")), s.withdrawFor,
		s.withdraw, s.withdrawMsg)
}

// askWithdraw checks the receipt code, then asks before deleting: a
// withdrawal cannot be undone.
func (s *staffHome) askWithdraw() {
	l, sh := s.l, s.sh
	code, err := survey.ParseReceipt(s.receipt.Text)
	if err != nil {
		s.tellWithdrawal(s.withdrawLocalizer().T("withdraw.bad_code"))
		return
	}
	sh.confirm(l.T("staff.withdraw"), l.T("staff.withdraw_confirm", map[string]any{"Code": code}),
		l.T("staff.withdraw"), s.onWithdraw)
}

// withdrawLocalizer speaks the participant's chosen language.
func (s *staffHome) withdrawLocalizer() *Localizer {
	lang := s.sh.cfg.Catalog.Languages()[max(s.withdrawFor.SelectedIndex(), 0)]
	return s.sh.cfg.Catalog.Localizer(lang.Tag)
}

// onWithdraw deletes a participant's response and tells them, in their
// language, what happened.
func (s *staffHome) onWithdraw() {
	sh := s.sh
	pl := s.withdrawLocalizer()
	res, err := sh.cfg.Store.Withdraw(context.Background(), s.receipt.Text, sh.user.Name)
	var msg string
	switch {
	case err != nil:
		msg = pl.problem(err)
	case res == store.WithdrawnHere:
		msg = pl.T("withdraw.done_here")
		s.receipt.SetText("")
	default:
		msg = pl.T("withdraw.done_queued")
		s.receipt.SetText("")
	}
	s.tellWithdrawal(msg)
}

// tellWithdrawal shows msg in the participant's language and direction.
func (s *staffHome) tellWithdrawal(msg string) {
	pl := s.withdrawLocalizer()
	setText(pl, s.withdrawMsg, msg)
	s.withdrawMsg.Alignment = pl.align()
	s.withdrawMsg.Refresh()
}
