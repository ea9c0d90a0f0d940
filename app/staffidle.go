package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// DefaultStaffIdleAfter is how long the staff screens stay open with no
// one using them before Chorus signs the member of staff out and goes back
// to the kiosk: a laptop left on the coordinator's screen in a public room
// must not stay open to the next person who walks up.
const DefaultStaffIdleAfter = 5 * time.Minute

// loginIdleAfter is how long the PIN prompt waits for a PIN before it goes
// back to the kiosk (someone who opened it by chance walks away).
const loginIdleAfter = time.Minute

// noteStaffInput records that a member of staff used the staff screens.
func (s *Shell) noteStaffInput() { s.staffInput = s.cfg.Clock() }

// staffIdleAfter is the configured staff idle time, or the default.
func (s *Shell) staffIdleAfter() time.Duration {
	if s.cfg.StaffIdleAfter > 0 {
		return s.cfg.StaffIdleAfter
	}
	return DefaultStaffIdleAfter
}

// tickStaff signs staff out, or closes the PIN prompt, once the screens
// have gone unused for long enough. The ticker calls it every second.
func (s *Shell) tickStaff() {
	idle := s.cfg.Clock().Sub(s.staffInput)
	switch {
	case s.login != nil && idle >= loginIdleAfter:
		s.showKiosk(Visit{})
	case s.user != nil && s.home != nil && idle >= s.staffIdleAfter():
		s.cfg.Store.Audit(context.Background(), s.user.Name, "staff.idle_sign_out", s.staffIdleAfter().String())
		s.signOut()
	}
}

// watchInput makes every control under obj count as staff input when it is
// used: buttons, text boxes, drop-downs, tick boxes, option groups and
// tabs, inside containers, scrolls, forms and tabs. Fyne has no window-wide
// input hook, so each control's own callback is wrapped; controls added
// later must be watched when they are added.
func watchInput(obj fyne.CanvasObject, touch func()) {
	switch o := obj.(type) {
	case *Button:
		tapped := o.OnTapped
		o.OnTapped = func() {
			touch()
			if tapped != nil {
				tapped()
			}
		}
	case *widget.Entry:
		o.OnChanged = touching(touch, o.OnChanged)
	case *widget.Select:
		o.OnChanged = touching(touch, o.OnChanged)
	case *widget.Check:
		o.OnChanged = touching(touch, o.OnChanged)
	case *widget.RadioGroup:
		o.OnChanged = touching(touch, o.OnChanged)
	case *container.AppTabs:
		o.OnSelected = touching(touch, o.OnSelected)
		for _, t := range o.Items {
			watchInput(t.Content, touch)
		}
	case *container.Scroll:
		watchInput(o.Content, touch)
	case *widget.Form:
		for _, it := range o.Items {
			watchInput(it.Widget, touch)
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			watchInput(c, touch)
		}
	}
}

// touching returns a callback that calls touch, then fn if there is one.
func touching[T any](touch func(), fn func(T)) func(T) {
	return func(v T) {
		touch()
		if fn != nil {
			fn(v)
		}
	}
}

// closeDialogs removes every dialog and pop-up over the window, so nothing
// a member of staff opened stays over the kiosk after they are signed out.
func (s *Shell) closeDialogs() {
	ov := s.win.Canvas().Overlays()
	for top := ov.Top(); top != nil; top = ov.Top() {
		ov.Remove(top)
	}
}
