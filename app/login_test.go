package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestPINBoxChecksOnePINAtATime is issue 14, item 8, in the window: while
// a PIN is being checked, Enter in the PIN box and the Unlock button do
// nothing, however often they are pressed and whatever is typed meanwhile.
// The check is held in the test (background queues it instead of running
// it), so every press comes before it ends.
func TestPINBoxChecksOnePINAtATime(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	r.signOut(t)
	var queued []func()
	background = func(work func()) { queued = append(queued, work) }
	t.Cleanup(func() { background = func(work func()) { work() } })

	r.sh.ShowLogin()
	l := r.sh.login
	enter := func() { l.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }
	test.Type(l.pin, "111111")
	enter()
	if len(queued) != 1 {
		t.Fatalf("Enter started %d PIN checks, want 1", len(queued))
	}
	for _, pin := range []string{"222222", "333333", "480215"} {
		l.pin.SetText("")
		test.Type(l.pin, pin)
		enter()
		test.Tap(l.unlock)
	}
	if len(queued) != 1 {
		t.Fatalf("%d PIN checks started while the first ran, want none", len(queued)-1)
	}
	queued[0]() // the first check ends: a wrong PIN
	if l.message.Text == "" || r.sh.user != nil {
		t.Fatalf("after the wrong PIN: message %q, signed in %v", l.message.Text, r.sh.user != nil)
	}
	var failures int
	r.st.DB().QueryRow(`SELECT failures FROM staff WHERE name = 'Asha Patel'`).Scan(&failures)
	if failures != 1 {
		t.Errorf("%d failures counted, want 1 (only the first PIN was checked)", failures)
	}

	// Once the check is over the box works again.
	l.pin.SetText("")
	test.Type(l.pin, "480215")
	enter()
	if len(queued) != 2 {
		t.Fatalf("after the first check, Enter started %d more checks, want 1", len(queued)-1)
	}
	queued[1]()
	if r.sh.user == nil || r.sh.home == nil {
		t.Fatalf("the right PIN after a wrong one did not sign in: %q", l.message.Text)
	}
	log, _ := r.st.AuditLog(context.Background(), 10)
	n := 0
	for _, e := range log {
		if e.Action == "login.failed" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d failed sign-ins audited, want 1", n)
	}
}
