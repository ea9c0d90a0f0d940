package app

import (
	"context"
	"errors"

	"chorus/data/store"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// loginScreen asks a member of staff for their name and PIN.
type loginScreen struct {
	sh      *Shell
	l       *Localizer
	root    fyne.CanvasObject
	who     *widget.Select
	pin     *widget.Entry
	pad     *pinPad // for a touch screen with no keyboard
	unlock  *Button
	cancel  *Button
	message *widget.Label
	staff   []store.Staff
	// checking is true while a PIN is being checked: Enter and Unlock do
	// nothing until it ends, so PINs typed fast are not checked together.
	checking bool
}

func (s *loginScreen) build() fyne.CanvasObject {
	l := s.l
	s.staff, _ = s.sh.cfg.Store.StaffList(context.Background())
	names := make([]string, len(s.staff))
	for i, st := range s.staff {
		names[i] = st.Name + " (" + l.T("staff.role."+string(st.Role)) + ")"
	}
	s.who = widget.NewSelect(names, nil)
	if len(names) > 0 {
		s.who.SetSelectedIndex(0)
	}
	s.pin = widget.NewPasswordEntry()
	s.pin.SetPlaceHolder(l.T("staff.pin"))
	s.pin.OnSubmitted = func(string) { s.onUnlock() }
	s.unlock = NewButton(l.T("staff.unlock"), s.onUnlock)
	s.unlock.Importance = widget.HighImportance
	s.cancel = NewButton(l.T("staff.back_to_kiosk"), func() { s.sh.showKiosk(Visit{}) })
	s.message = widget.NewLabel("")
	s.message.Importance = widget.DangerImportance
	s.message.Wrapping = fyne.TextWrapWord
	s.pad = newPinPad(s.pin, s.onUnlock)
	form := container.NewVBox(
		heading(l, l.T("staff.login_title")),
		widget.NewLabel(l.T("staff.who")), s.who,
		widget.NewLabel(l.T("staff.pin")), s.pin,
		s.message,
	)
	// The pad beside the form, not under it, so both fit a 1024×600 screen.
	s.root = container.NewBorder(nil, navBar(false, s.cancel, s.unlock), nil, nil,
		container.NewCenter(container.NewHBox(
			container.New(&minSize{min: fyne.NewSize(440, 0)}, form),
			container.NewVBox(layout.NewSpacer(), s.pad.root, layout.NewSpacer()))))
	return s.root
}

func (s *loginScreen) onUnlock() {
	i := s.who.SelectedIndex()
	if s.checking || i < 0 || i >= len(s.staff) {
		return
	}
	id, pin := s.staff[i].ID, s.pin.Text
	s.pin.SetText("") // the PIN does not stay on screen or in the widget (nor in its undo history)
	s.checking = true
	s.unlock.Disable()
	background(func() {
		user, err := s.sh.cfg.Store.Login(context.Background(), id, pin)
		fyne.Do(func() {
			s.checking = false
			if s.sh.login != s {
				return
			}
			s.unlock.Enable()
			if err != nil {
				s.message.SetText(s.problem(err))
				s.sh.win.Canvas().Focus(s.pin)
				return
			}
			s.sh.signedIn(user)
		})
	})
}

func (s *loginScreen) problem(err error) string {
	var te *store.ThrottledError
	switch {
	case errors.As(err, &te):
		return s.l.T("staff.throttled", map[string]any{"Wait": te.Wait.Round(1e9).String()})
	case errors.Is(err, store.ErrLockedOut):
		return s.l.T("staff.locked_out")
	case errors.Is(err, store.ErrWrongPIN):
		return s.l.T("staff.wrong_pin")
	}
	return s.l.problem(err)
}
