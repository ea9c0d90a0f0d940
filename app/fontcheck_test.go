package app

import "testing"

// TestFontCheckRunsOnTheFirstTick: the glyph check does not run while the
// window is starting (it took start-up from 1.15× to 1.49× a minimal Fyne
// window, scripts/startbench.py), but on the first tick after, and then
// once only; the coordinator's Survey tab then has its answer.
func TestFontCheckRunsOnTheFirstTick(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	sh := r.sh
	if sh.unshowable != nil {
		t.Fatal("the font check ran before the first tick")
	}
	if sh.fontsFor == nil {
		t.Fatal("no font check is due after start")
	}
	sh.Tick()
	if sh.unshowable == nil || sh.fontsFor != nil {
		t.Fatalf("after the first tick: unshowable %v, still due %v", sh.unshowable, sh.fontsFor != nil)
	}
	if len(sh.unshowable) > 0 {
		t.Errorf("this machine has every font, yet %v are reported unshowable", sh.unshowable)
	}
}
