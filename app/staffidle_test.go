package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestStaffScreensSignOutWhenLeftUnused: the coordinator's screens, left
// with a dialog open, stay while they are used and sign out after five
// minutes unused: back to the kiosk, the dialog gone, the sign-out in the
// audit log. A PIN prompt left alone goes back to the kiosk after a minute.
func TestStaffScreensSignOutWhenLeftUnused(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t) // leaves the coordinator signed in
	sh := r.sh
	now := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	sh.cfg.Clock = func() time.Time { return now }
	sh.noteStaffInput()

	c := sh.home.coord
	c.refreshStaff()
	c.onResetPIN(*sh.user) // a dialog over the staff screen
	if sh.win.Canvas().Overlays().Top() == nil {
		t.Fatal("the reset-PIN dialog did not open")
	}
	now = now.Add(DefaultStaffIdleAfter - time.Second)
	sh.Tick()
	if sh.user == nil || sh.home == nil {
		t.Fatal("signed out before the staff screens were unused for 5 minutes")
	}
	test.Type(c.newName, "Ben") // using the screen starts the time again
	now = now.Add(DefaultStaffIdleAfter - time.Second)
	sh.Tick()
	if sh.user == nil {
		t.Fatal("typing in the staff screen did not count as use")
	}
	test.Tap(c.addStaff) // a button counts too (this one only says what is missing)
	now = now.Add(DefaultStaffIdleAfter - time.Second)
	sh.Tick()
	if sh.user == nil {
		t.Fatal("a button on the staff screen did not count as use")
	}
	now = now.Add(2 * time.Second)
	sh.Tick()
	if sh.user != nil || sh.home != nil || !sh.showingKiosk() {
		t.Fatal("after 5 minutes unused the staff screens are still open")
	}
	if top := sh.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog is still over the kiosk: %T", top)
	}
	log, err := sh.cfg.Store.AuditLog(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].Action != "staff.idle_sign_out" || log[0].Actor != "Asha Patel" {
		t.Errorf("audit log starts %+v, want Asha Patel's idle sign-out", log[:min(1, len(log))])
	}

	sh.ShowLogin()
	now = now.Add(loginIdleAfter - time.Second)
	sh.Tick()
	if sh.login == nil {
		t.Fatal("the PIN prompt closed before a minute")
	}
	now = now.Add(2 * time.Second)
	sh.Tick()
	if sh.login != nil || !sh.showingKiosk() {
		t.Fatal("a PIN prompt left for a minute did not go back to the kiosk")
	}
}

// TestHelpedVisitLeftAloneDoesNotOpenStaffScreens: a worker starts an
// assisted visit and walks away. Whether the participant stopped part-way
// or nobody began, the idle reset goes to the kiosk's own welcome screen
// (self-completion, same session), never to the worker's screens; the next
// person's finished visit also stays in the kiosk and is recorded as
// self-completed.
func TestHelpedVisitLeftAloneDoesNotOpenStaffScreens(t *testing.T) {
	for _, started := range []bool{true, false} {
		t.Run(map[bool]string{true: "part-way", false: "never started"}[started], func(t *testing.T) {
			r := newShellRig(t)
			r.setUp(t)
			sh := r.sh
			h := sh.home
			test.Type(h.venue, "Riverside Community Centre")
			test.Tap(h.open)
			h = sh.home
			h.mode.SetSelected(h.l.T("staff.mode.assisted"))
			test.Tap(h.record)
			k := sh.kiosk
			clk := &manualClock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
			k.cfg.Clock = clk.now
			k.shownAt = time.Time{} // shown long before the test's clock
			k.touch()
			if started {
				clk.add(settleTime)
				test.Tap(k.welcome.langs["en"])
				clk.add(settleTime)
				test.Tap(k.consent.agree)
			}
			clk.add(DefaultIdleAfter + DefaultWarnFor)
			sh.Tick()
			sh.Tick()
			if sh.home != nil || !sh.showingKiosk() || k.welcome == nil {
				t.Fatal("after the helped visit was left alone the kiosk is not on its welcome screen")
			}
			if k.visit.Done != nil || k.cfg.Mode != "self" || k.cfg.SessionID != sh.session.ID {
				t.Errorf("after the reset: visit returns to staff %v, mode %q, session %q; want self-completion in session %q",
					k.visit.Done != nil, k.cfg.Mode, k.cfg.SessionID, sh.session.ID)
			}
			k.cfg.Clock = steppingClock(time.Second) // each tap after the screen settled
			k.shownAt = time.Time{}
			answerAll(t, k, "en")
			test.Tap(k.thanks.finish)
			if sh.home != nil || k.welcome == nil {
				t.Fatal("the next person's finished visit opened the staff screens")
			}
			var mode string
			r.st.DB().QueryRow(`SELECT mode FROM responses ORDER BY seq DESC LIMIT 1`).Scan(&mode)
			if mode != "self" {
				t.Errorf("the next person's response was recorded as %q, want self", mode)
			}
		})
	}
}
