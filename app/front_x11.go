//go:build linux && !ci && !wayland

package app

import (
	"errors"
	"io"
	"log"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// frontEvery is how often the kiosk checks that its window is still full
// screen, shown and in front.
const frontEvery = 250 * time.Millisecond

// keepInFront watches the kiosk's window, found by this process's id
// (_NET_WM_PID) among the window manager's clients, and puts it back
// whenever it stops being full screen, shown (not minimised) or the active
// window: a window manager's menu, a shortcut, wmctrl or xdotool can all
// change that without Chorus being asked. It talks to the X server on its
// own connection (pure Go, github.com/jezek/xgb), never through Fyne, so it
// cannot block or be blocked by the window's event loop. Without an X
// display (Wayland, a console) it does nothing. stop ends it and closes the
// connection; it is safe to call more than once.
func keepInFront() (stop func()) {
	if os.Getenv("DISPLAY") == "" {
		return func() {}
	}
	// xgb logs to stderr by itself (e.g. that ~/.Xauthority is missing,
	// which is normal under Xvfb); the guard reports through slog instead.
	xgb.Logger = log.New(io.Discard, "", 0)
	done := make(chan struct{})
	var once sync.Once
	go func() {
		defer func() {
			if r := recover(); r != nil {
				slog.Error("the kiosk's full-screen guard stopped", "err", r)
			}
		}()
		g, err := newFrontGuard()
		if err != nil {
			slog.Warn("the kiosk cannot watch its window; full screen is not restored if lost", "err", err)
			return
		}
		defer g.conn.Close()
		t := time.NewTicker(frontEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				g.check()
			}
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

// frontGuard holds the guard's X connection and the atoms it uses.
type frontGuard struct {
	conn *xgb.Conn
	root xproto.Window
	win  xproto.Window // the kiosk's window, once found
	atom map[string]xproto.Atom
	// restored counts restores, for the log.
	restored int
}

var frontAtoms = []string{"_NET_CLIENT_LIST", "_NET_WM_PID", "_NET_WM_STATE", "_NET_WM_STATE_FULLSCREEN",
	"_NET_WM_STATE_HIDDEN", "_NET_ACTIVE_WINDOW", "WM_STATE", "_NET_CURRENT_DESKTOP", "_NET_WM_DESKTOP"}

func newFrontGuard() (*frontGuard, error) {
	c, err := xgb.NewConn()
	if err != nil {
		return nil, err
	}
	setup := xproto.Setup(c)
	if setup == nil || len(setup.Roots) == 0 {
		c.Close()
		return nil, errors.New("the X server has no screen")
	}
	g := &frontGuard{conn: c, root: setup.DefaultScreen(c).Root, atom: map[string]xproto.Atom{}}
	for _, name := range frontAtoms {
		r, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
		if err != nil {
			c.Close()
			return nil, err
		}
		g.atom[name] = r.Atom
	}
	return g, nil
}

// check looks at the window once and puts right what is wrong.
func (g *frontGuard) check() {
	g.drain()
	if g.win != 0 && !g.managed(g.win) {
		a, err := xproto.GetWindowAttributes(g.conn, g.win).Reply()
		if err == nil && a.MapState == xproto.MapStateUnmapped {
			// Withdrawn by another client (xdotool windowunmap): map it
			// again; the window manager takes it back by the next check.
			_ = xproto.MapWindowChecked(g.conn, g.win).Check()
			g.note()
			return
		}
		g.win = 0
	}
	if g.win == 0 {
		g.win = g.find()
		if g.win == 0 {
			return // not shown yet, or no window manager to fight
		}
	}
	w := g.win
	fixed := false
	if g.iconic(w) {
		// ICCCM: a client leaves the iconic state by mapping its window.
		_ = xproto.MapWindowChecked(g.conn, w).Check()
		fixed = true
	}
	if !slices.Contains(g.atoms(w, "_NET_WM_STATE"), g.atom["_NET_WM_STATE_FULLSCREEN"]) {
		g.message(w, "_NET_WM_STATE", 1, uint32(g.atom["_NET_WM_STATE_FULLSCREEN"]), 0, 2)
		fixed = true
	}
	if d, ok := g.card(w, "_NET_WM_DESKTOP"); ok && d != 0xFFFFFFFF {
		if cur, ok := g.card(g.root, "_NET_CURRENT_DESKTOP"); ok && cur != d {
			g.message(g.root, "_NET_CURRENT_DESKTOP", d, 0)
			fixed = true
		}
	}
	if active, _ := g.card(g.root, "_NET_ACTIVE_WINDOW"); xproto.Window(active) != w {
		_ = xproto.ConfigureWindowChecked(g.conn, w, xproto.ConfigWindowStackMode, []uint32{xproto.StackModeAbove}).Check()
		// Source 2 (a pager): window managers honour it without
		// focus-stealing prevention.
		g.message(w, "_NET_ACTIVE_WINDOW", 2, 0, 0)
		fixed = true
	}
	if fixed {
		g.note()
	}
}

// note counts a restore, for the log.
func (g *frontGuard) note() {
	g.restored++
	if g.restored == 1 || g.restored%100 == 0 {
		slog.Info("the kiosk put its window back in front, full screen", "times", g.restored)
	}
}

// find returns the window manager's client whose _NET_WM_PID is this
// process, or 0.
func (g *frontGuard) find() xproto.Window {
	pid := uint32(os.Getpid())
	for _, w := range g.cards(g.root, "_NET_CLIENT_LIST") {
		if p, ok := g.card(xproto.Window(w), "_NET_WM_PID"); ok && p == pid {
			return xproto.Window(w)
		}
	}
	return 0
}

// managed says whether the window manager still lists w.
func (g *frontGuard) managed(w xproto.Window) bool {
	return slices.Contains(g.cards(g.root, "_NET_CLIENT_LIST"), uint32(w))
}

// iconic says whether w is minimised: WM_STATE Iconic, or hidden.
func (g *frontGuard) iconic(w xproto.Window) bool {
	if st, ok := g.card(w, "WM_STATE"); ok && st == 3 {
		return true
	}
	if slices.Contains(g.atoms(w, "_NET_WM_STATE"), g.atom["_NET_WM_STATE_HIDDEN"]) {
		return true
	}
	a, err := xproto.GetWindowAttributes(g.conn, w).Reply()
	return err == nil && a.MapState == xproto.MapStateUnmapped
}

// message sends an EWMH client message about w to the root window, as
// the specification asks clients to.
func (g *frontGuard) message(w xproto.Window, atom string, data ...uint32) {
	d := make([]uint32, 5)
	copy(d, data)
	ev := xproto.ClientMessageEvent{Format: 32, Window: w, Type: g.atom[atom],
		Data: xproto.ClientMessageDataUnionData32New(d)}
	mask := uint32(xproto.EventMaskSubstructureRedirect | xproto.EventMaskSubstructureNotify)
	_ = xproto.SendEventChecked(g.conn, false, g.root, mask, string(ev.Bytes())).Check()
}

// cards reads a property of 32-bit values (CARDINAL, WINDOW, ATOM).
func (g *frontGuard) cards(w xproto.Window, prop string) []uint32 {
	r, err := xproto.GetProperty(g.conn, false, w, g.atom[prop], xproto.GetPropertyTypeAny, 0, 1024).Reply()
	if err != nil || r == nil || r.Format != 32 {
		return nil
	}
	out := make([]uint32, 0, r.ValueLen)
	for i := 0; i+4 <= len(r.Value) && len(out) < int(r.ValueLen); i += 4 {
		out = append(out, xgb.Get32(r.Value[i:]))
	}
	return out
}

// card reads the first value of a 32-bit property.
func (g *frontGuard) card(w xproto.Window, prop string) (uint32, bool) {
	v := g.cards(w, prop)
	if len(v) == 0 {
		return 0, false
	}
	return v[0], true
}

// atoms reads a property that is a list of atoms.
func (g *frontGuard) atoms(w xproto.Window, prop string) []xproto.Atom {
	v := g.cards(w, prop)
	out := make([]xproto.Atom, len(v))
	for i, a := range v {
		out[i] = xproto.Atom(a)
	}
	return out
}

// drain drops whatever events or errors the connection queued, so its
// buffer never fills.
func (g *frontGuard) drain() {
	for {
		ev, err := g.conn.PollForEvent()
		if ev == nil && err == nil {
			return
		}
	}
}
