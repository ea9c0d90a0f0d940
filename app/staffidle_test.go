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
