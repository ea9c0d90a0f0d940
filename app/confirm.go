package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// confirmation is a question put to staff before something that cannot be
// undone: closing a session, quitting, deleting a participant's answers,
// or letting the kiosk collect answers with no session open.
type confirmation struct {
	d   *dialog.CustomDialog
	msg string
	yes *Button
	no  *Button
}

// confirm asks msg under title. yes names the action (never just "OK");
// onYes runs only if it is pressed. "Cancel" does nothing; so does closing
// the dialog any other way (staff idle, sign-out).
func (s *Shell) confirm(title, msg, yes string, onYes func()) *confirmation {
	c := &confirmation{msg: msg}
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	c.yes = NewButton(yes, func() {
		c.d.Hide()
		onYes()
	})
	c.yes.Importance = widget.DangerImportance
	c.no = NewButton(s.l.T("staff.cancel"), func() { c.d.Hide() })
	c.d = dialog.NewCustomWithoutButtons(title, text, s.win)
	c.d.SetButtons([]fyne.CanvasObject{c.no, c.yes})
	// Wide enough that the message wraps to a few lines, never a column.
	c.d.Resize(fyne.NewSize(min(560, s.win.Canvas().Size().Width-32), 0))
	c.d.Show()
	s.confirming = c
	return c
}
