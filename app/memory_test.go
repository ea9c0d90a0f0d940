package app

import (
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
)

// heapInUse is the Go heap in use after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestMemoryStaysFlatOverVisitsAndTurns: a kiosk runs all day, one visit
// after another, and waits on the welcome screen between them with its
// invitation turning every four seconds. Neither may hold on to memory.
// Before, every turn of the invitation and every screen opened Fyne theme
// scopes (container.ThemeOverride), each of which parsed the fonts again
// and kept them for the life of the process: 24 MB a turn and 200 MB a
// visit here (about 8 MB a turn in the real window, gigabytes in a
// morning). The speakers of the built-in audio pack are on every screen.
func TestMemoryStaysFlatOverVisitsAndTurns(t *testing.T) {
	r, clk, _ := audioRig(t)
	k := r.k
	r.win.Resize(fyne.NewSize(1280, 800))
	visit := func() {
		c := &tapCounter{r: r, clk: clk}
		c.tap(k.welcome.langs["ur"])
		r.win.Canvas().Capture()
		c.tap(k.consent.agree)
		if k.intro != nil {
			r.win.Canvas().Capture()
			c.tap(k.intro.start)
		}
		for steps := 0; k.question != nil; steps++ {
			if steps > 30 {
				t.Fatal("the survey does not end")
			}
			r.win.Canvas().Capture()
			c.answerStep(t)
		}
		r.win.Canvas().Capture()
		c.tap(k.review.submit)
		r.win.Canvas().Capture()
		k.Start()
		r.win.Canvas().Capture()
	}
	turn := func() {
		k.welcome.rotate()
		r.win.Canvas().Capture()
	}
	visit() // the first visit parses each font once
	for range 12 {
		turn() // and the first round of turns each language's
	}

	h0 := heapInUse()
	const turns = 60
	for range turns {
		turn()
	}
	h1 := heapInUse()
	const visits = 4
	for range visits {
		visit()
	}
	h2 := heapInUse()

	perTurn := (float64(h1) - float64(h0)) / turns / 1024
	perVisit := (float64(h2) - float64(h1)) / visits / 1024 / 1024
	t.Logf("heap %.1f MB; %.1f KB a turn of the invitation, %.2f MB a visit", float64(h0)/1024/1024, perTurn, perVisit)
	if perTurn > 256 {
		t.Errorf("each turn of the invitation keeps %.0f KB", perTurn)
	}
	if perVisit > 8 {
		t.Errorf("each visit keeps %.1f MB", perVisit)
	}
}
