package app

import (
	"testing"
	"time"
)

// TestLockThenStop: Lock makes the window full screen (and, in real
// builds, starts the full-screen guard); Stop ends the ticker and the guard,
// may be called twice, and no tick runs after it.
func TestLockThenStop(t *testing.T) {
	r := newShellRig(t)
	r.sh.Lock()
	if !r.sh.win.FullScreen() {
		t.Error("Lock did not make the window full screen")
	}
	if r.sh.stopFront == nil {
		t.Error("Lock started no guard")
	}
	r.sh.RunTicker()
	r.sh.Stop()
	r.sh.Stop()
	select {
	case <-r.sh.stopped:
	case <-time.After(time.Second):
		t.Fatal("Stop did not stop")
	}
}
