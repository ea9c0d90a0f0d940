package app

import (
	"context"
	"strings"
	"testing"

	"chorus/data/survey"

	"fyne.io/fyne/v2/test"
)

// openSession opens a session at venue from the staff home.
func (r *shellRig) openSession(t *testing.T, venue string) *staffHome {
	t.Helper()
	test.Type(r.sh.home.venue, venue)
	test.Tap(r.sh.home.open)
	if r.sh.session == nil || r.sh.home.closeSes == nil {
		t.Fatalf("opening a session at %q did not show the session screen (%q)", venue, r.sh.home.sessionMsg.Text)
	}
	return r.sh.home
}

func openSessions(t *testing.T, r *shellRig) int {
	t.Helper()
	open, err := r.st.OpenSessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(open)
}

// Closing a session, quitting and withdrawing cannot be undone: each asks
// first, names what will happen, and Cancel leaves everything as it was.
func TestCloseSessionAsksFirst(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	h := r.openSession(t, "Riverside Library")

	test.Tap(h.closeSes)
	c := r.sh.confirming
	if c == nil {
		t.Fatal("Close this session closed it without asking")
	}
	if n := openSessions(t, r); n != 1 {
		t.Fatalf("%d sessions open while the question is asked, want 1", n)
	}
	r.answer(t, false)
	if n := openSessions(t, r); n != 1 || r.sh.session == nil {
		t.Fatalf("Cancel closed the session (%d open)", n)
	}
	test.Tap(r.sh.home.closeSes)
	r.answer(t, true)
	if n := openSessions(t, r); n != 0 || r.sh.session != nil || r.sh.home.open == nil {
		t.Fatalf("saying yes did not close the session (%d open)", n)
	}
}

func TestQuitAsksFirst(t *testing.T) {
	r := newShellRig(t)
	quits := 0
	r.sh.cfg.Quit = func() { quits++ }
	r.setUp(t)
	h := r.sh.home
	if h.quit == nil {
		t.Fatal("no Quit button")
	}
	test.Tap(h.quit)
	if quits != 0 || r.sh.confirming == nil {
		t.Fatalf("Quit quit without asking (%d)", quits)
	}
	r.answer(t, false)
	if quits != 0 {
		t.Fatal("Cancel quit")
	}
	test.Tap(h.quit)
	r.answer(t, true)
	if quits != 1 {
		t.Fatalf("saying yes quit %d times, want 1", quits)
	}
}

func TestWithdrawAsksFirst(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	r.signOut(t)
	code := answerAll(t, r.sh.kiosk, "en")
	test.Tap(r.sh.kiosk.thanks.finish)
	if err := r.signIn(t, "Asha Patel", "480215"); err != nil {
		t.Fatal(err)
	}
	h := r.sh.home
	count := func() (n int) {
		r.st.DB().QueryRow(`SELECT count(*) FROM responses`).Scan(&n)
		return n
	}

	// A code that is not a receipt code is answered at once, not asked about.
	h.receipt.SetText("NOT-A-CODE")
	test.Tap(h.withdraw)
	if r.sh.confirming != nil || h.withdrawMsg.Text != h.l.T("withdraw.bad_code") {
		t.Fatalf("a malformed code: asked %v, said %q", r.sh.confirming != nil, h.withdrawMsg.Text)
	}

	h.receipt.SetText(strings.ToLower(code))
	test.Tap(h.withdraw)
	if r.sh.confirming == nil || count() != 1 {
		t.Fatalf("Withdraw deleted without asking (%d responses left)", count())
	}
	if canon, _ := survey.ParseReceipt(code); !confirmText(r.sh.confirming, canon) {
		t.Errorf("the question does not name the receipt code %s", canon)
	}
	r.answer(t, false)
	if count() != 1 {
		t.Fatal("Cancel deleted the answers")
	}
	test.Tap(h.withdraw)
	r.answer(t, true)
	if count() != 0 || h.withdrawMsg.Text != h.l.T("withdraw.done_here") {
		t.Fatalf("saying yes: %d responses left, message %q", count(), h.withdrawMsg.Text)
	}
}

// confirmText reports whether the confirmation's message contains s.
func confirmText(c *confirmation, s string) bool {
	return strings.Contains(c.msg, s)
}

// Signing out with no session open would send answers to no venue: staff
// are told, and can stay to open one.
func TestSignOutWithNoSessionSaysSo(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	test.Tap(r.sh.home.signOut)
	if r.sh.confirming == nil || r.sh.showingKiosk() {
		t.Fatal("signing out with no session open went to the kiosk without a word")
	}
	if !confirmText(r.sh.confirming, r.sh.l.T("staff.no_session_confirm")) {
		t.Errorf("the question does not say answers will not be linked to a venue: %q", r.sh.confirming.msg)
	}
	r.answer(t, false)
	if r.sh.showingKiosk() || r.sh.home == nil || r.sh.home.venue == nil {
		t.Fatal("Cancel did not stay on the staff screen, where a session can be opened")
	}
	r.openSession(t, "Riverside Library")
	r.sh.confirming = nil
	test.Tap(r.sh.home.signOut)
	if r.sh.confirming != nil || !r.sh.showingKiosk() {
		t.Fatal("with a session open, signing out asked anyway")
	}
}

// The audit log shows what was done since the staff screens opened.
func TestAuditLogRefreshes(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	h := r.sh.home
	c := h.coord
	if strings.Contains(c.audit.Text, "session.open") {
		t.Fatal("the audit log shows a session before one was opened")
	}
	test.Type(h.venue, "Riverside Library")
	test.Tap(h.open)
	h = r.sh.home
	h.tabs.Select(h.coord.auditItem)
	if !strings.Contains(h.coord.audit.Text, "session.open") || !strings.Contains(h.coord.audit.Text, "Riverside Library") {
		t.Fatalf("the audit log did not show the session just opened:\n%s", h.coord.audit.Text)
	}
	h.tabs.SelectIndex(0)
	test.Tap(h.closeSes)
	r.answer(t, true)
	h = r.sh.home
	h.tabs.Select(h.coord.auditItem)
	if !strings.Contains(h.coord.audit.Text, "session.close") {
		t.Fatalf("the audit log did not show the session just closed:\n%s", h.coord.audit.Text)
	}
	// Opened once on a tab that stays built: choosing it again reads again.
	if err := r.st.Audit(context.Background(), "Asha Patel", "test.mark", "written behind the screen"); err != nil {
		t.Fatal(err)
	}
	h.tabs.SelectIndex(0)
	h.tabs.Select(h.coord.auditItem)
	if !strings.Contains(h.coord.audit.Text, "test.mark") {
		t.Fatalf("choosing the audit tab again did not read the log again:\n%s", h.coord.audit.Text)
	}
}

// An interpreter may sign (British Sign Language) or speak a language the
// kiosk does not have; each is recorded as a language tag.
func TestInterpreterListHasBSLAndAnotherLanguage(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	h := r.openSession(t, "Riverside Library")
	for _, c := range []struct{ label, tag string }{
		{h.l.T("staff.interpreter_bsl"), "bfi"},
		{h.l.T("staff.interpreter_other"), "mis"},
	} {
		h = r.sh.home
		if !containsString(h.interp.Options, c.label) {
			t.Fatalf("the interpreter list %q lacks %q", h.interp.Options, c.label)
		}
		h.interp.SetSelected(c.label)
		test.Tap(h.record)
		if got := r.sh.kiosk.visit.Interpreter; got != c.tag {
			t.Errorf("%s recorded as %q, want %q", c.label, got, c.tag)
		}
		r.sh.kiosk.visit.Done()
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
