package app

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"chorus/data/store"
	"chorus/data/store/storetest"
	"chorus/data/survey"
	"chorus/translations"

	"fyne.io/fyne/v2/test"
)

type shellRig struct {
	sh  *Shell
	st  *store.Store
	dir string
	key storetest.Key // the analyst's, given at setup
}

// newShellRig opens an empty real data folder behind a Shell on the test
// driver, using the all-types survey as the "built-in" one.
func newShellRig(t *testing.T) *shellRig {
	t.Helper()
	a := test.NewTempApp(t)
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	body, err := os.ReadFile("../data/survey/testdata/alltypes.json")
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := LoadCatalog(translations.FS())
	win := test.NewTempWindow(t, nil)
	win.Resize(WindowSize)
	sh := NewShell(a, win, ShellConfig{
		Store: st, Catalog: cat, Clock: steppingClock(time.Second),
		BuiltinSurvey: func() (string, []byte) { return "alltypes.json", body },
		LoadSurvey: func() (*survey.Survey, error) {
			name, b, err := st.ActiveSurvey(context.Background())
			if err != nil {
				return nil, err
			}
			return survey.Parse(name, b)
		},
	})
	sh.Start()
	return &shellRig{sh: sh, st: st, dir: dir, key: storetest.NewKey(t, false)}
}

// setUp fills in and finishes first-run setup.
func (r *shellRig) setUp(t *testing.T) {
	t.Helper()
	s := r.sh.setup
	if s == nil {
		t.Fatal("a new data folder did not open on setup")
	}
	s.device.SetText("Library laptop 3")
	test.Type(s.coordinator, "Asha Patel")
	test.Type(s.pin, "480215")
	test.Type(s.pin2, "480215")
	s.recipients.SetText(r.key.Recipient) // a real folder refuses the demo key
	test.Tap(s.finish)
	if r.sh.setup == nil || !strings.Contains(summaryText(s), "fingerprint") {
		t.Fatalf("setup finished without the key's fingerprint being confirmed (message %q)", summaryText(s))
	}
	if !strings.Contains(s.fingerprint.Text, "Fingerprint ") {
		t.Errorf("no fingerprint shown: %q", s.fingerprint.Text)
	}
	test.Tap(s.confirm)
	test.Tap(s.finish)
	if r.sh.home == nil {
		t.Fatalf("after setup the coordinator is not signed in (message %q)", summaryText(s))
	}
}

func (r *shellRig) signIn(t *testing.T, name, pin string) error {
	t.Helper()
	r.sh.ShowLogin()
	l := r.sh.login
	if l == nil {
		t.Fatal("no sign-in screen")
	}
	for i, st := range l.staff {
		if st.Name == name {
			l.who.SetSelectedIndex(i)
		}
	}
	l.message.SetText("")
	test.Type(l.pin, pin)
	test.Tap(l.unlock)
	waitFor(t, "the PIN check", func() bool { return r.sh.login != l || l.message.Text != "" })
	if r.sh.home == nil {
		return &pinError{l.message.Text}
	}
	return nil
}

// signOut returns from the staff screens to the kiosk, saying yes if asked
// to start it with no session open.
func (r *shellRig) signOut(t *testing.T) {
	t.Helper()
	r.sh.confirming = nil
	test.Tap(r.sh.home.signOut)
	if r.sh.confirming != nil {
		r.answer(t, true)
	}
	if !r.sh.showingKiosk() {
		t.Fatal("signing out did not return to the kiosk")
	}
}

// answer presses the open confirmation's action (yes) or Cancel.
func (r *shellRig) answer(t *testing.T, yes bool) {
	t.Helper()
	c := r.sh.confirming
	if c == nil || c.d == nil {
		t.Fatal("no confirmation was asked")
	}
	r.sh.confirming = nil
	if yes {
		test.Tap(c.yes)
	} else {
		test.Tap(c.no)
	}
}

type pinError struct{ msg string }

func (e *pinError) Error() string { return e.msg }

// answerAll walks the kiosk from the welcome screen to the thank-you screen
// in lang, giving only the required answers.
func answerAll(t *testing.T, k *Kiosk, lang string) string {
	t.Helper()
	test.Tap(k.welcome.langs[lang])
	test.Tap(k.consent.agree)
	for k.question != nil {
		q := k.question
		if q.q.Required && len(q.choices) > 0 {
			q.choices[0].lastTap = time.Time{}
			test.Tap(q.choices[0])
		}
		test.Tap(q.next)
	}
	test.Tap(k.review.submit)
	waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
	return k.thanks.receipt
}

func TestSetupThenLoginWithWrongAndRightPIN(t *testing.T) {
	captureLogs(t, "271828", "111111")
	r := newShellRig(t)
	r.setUp(t)
	if ok, _ := r.st.IsSetUp(context.Background()); !ok {
		t.Fatal("store not set up")
	}
	test.Tap(r.sh.home.coord.addStaff) // with nothing typed
	if r.sh.home.coord.staffMsg.Text == "" {
		t.Error("adding staff with no name says nothing")
	}
	c := r.sh.home.coord
	test.Type(c.newName, "Ben Jones")
	test.Type(c.newPIN, "271828")
	test.Type(c.newPIN2, "271828")
	test.Tap(c.addStaff)
	if !strings.Contains(c.staffMsg.Text, "Ben Jones") {
		t.Fatalf("adding a worker: %q", c.staffMsg.Text)
	}
	r.signOut(t)

	if err := r.signIn(t, "Ben Jones", "111111"); err == nil || !strings.Contains(err.Error(), "not right") {
		t.Fatalf("wrong PIN: %v", err)
	}
	if r.sh.user != nil {
		t.Fatal("a wrong PIN signed someone in")
	}
	if err := r.signIn(t, "Ben Jones", "271828"); err != nil {
		t.Fatalf("right PIN: %v", err)
	}
	if r.sh.user.Name != "Ben Jones" || r.sh.home.coord != nil {
		t.Errorf("signed in as %+v with coordinator tabs %v", r.sh.user, r.sh.home.coord != nil)
	}
}

func TestWorkerSessionAssistedAndWorkerRecorded(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	h := r.sh.home
	test.Type(h.venue, "Riverside Community Centre")
	test.Tap(h.open)
	h = r.sh.home
	if r.sh.session == nil || h.record == nil {
		t.Fatal("opening a session did not show the session screen")
	}

	// Assisted, with a Polish interpreter.
	h.mode.SetSelected(h.l.T("staff.mode.assisted"))
	h.interp.SetSelectedIndex(1)
	test.Tap(h.record)
	answerAll(t, r.sh.kiosk, "en")
	test.Tap(r.sh.kiosk.thanks.finish)
	if r.sh.home == nil {
		t.Fatal("after an assisted response the worker is not back on the session screen")
	}
	// Worker-recorded: consent given aloud.
	h = r.sh.home
	h.mode.SetSelected(h.l.T("staff.mode.worker"))
	if h.verbal.Checked {
		t.Error("choosing worker-recorded ticked verbal consent for the worker")
	}
	h.verbal.SetChecked(true) // the worker heard the participant say yes
	test.Tap(h.record)
	answerAll(t, r.sh.kiosk, "cy")
	test.Tap(r.sh.kiosk.thanks.finish)

	h = r.sh.home
	for _, want := range []string{"Responses: 2", "helped 1", "recorded by a worker 1", "English 1", "Welsh 1"} {
		if !strings.Contains(h.tally.Text, want) {
			t.Errorf("tally %q lacks %q", h.tally.Text, want)
		}
	}
	rows, err := r.st.DB().Query(`SELECT r.mode, r.interpreter_language, c.how_given, c.staff, r.session_id = ?
		FROM responses r JOIN consents c ON c.id = r.consent_id ORDER BY r.seq`, r.sh.session.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var mode, interp, how, staff string
		var inSession bool
		rows.Scan(&mode, &interp, &how, &staff, &inSession)
		got = append(got, strings.Join([]string{mode, interp, how, staff}, "/"))
		if !inSession {
			t.Error("response not linked to the session")
		}
	}
	want := []string{"assisted/" + r.sh.cfg.Catalog.Languages()[0].Tag + "/tap/Asha Patel", "worker//verbal/Asha Patel"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("stored %v, want %v", got, want)
	}
	test.Tap(h.closeSes)
	r.answer(t, true)
	if r.sh.session != nil || r.sh.home.open == nil {
		t.Error("closing the session did not return to 'no session'")
	}
}

func TestWithdrawBeforeAndAfterExport(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	r.signOut(t)
	first := answerAll(t, r.sh.kiosk, "en")
	test.Tap(r.sh.kiosk.thanks.finish)
	second := answerAll(t, r.sh.kiosk, "en")
	test.Tap(r.sh.kiosk.thanks.finish)

	// Export the second... both, then make a third after the export.
	if _, err := r.st.Export(context.Background(), t.TempDir(), store.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	third := answerAll(t, r.sh.kiosk, "cy")
	test.Tap(r.sh.kiosk.thanks.finish)

	if err := r.signIn(t, "Asha Patel", "480215"); err != nil {
		t.Fatal(err)
	}
	h := r.sh.home
	withdraw := func(code, lang string) string {
		for i, l := range r.sh.cfg.Catalog.Languages() {
			if l.Tag == lang {
				h.withdrawFor.SetSelectedIndex(i)
			}
		}
		h.receipt.SetText(code)
		r.sh.confirming = nil
		test.Tap(h.withdraw)
		if r.sh.confirming != nil {
			r.answer(t, true)
		}
		return h.withdrawMsg.Text
	}
	cat := r.sh.cfg.Catalog
	if got := withdraw(third, "cy"); got != cat.Localizer("cy").T("withdraw.done_here") {
		t.Errorf("withdrawing an unexported response: %q", got)
	}
	if got := withdraw(strings.ToLower(first), "en"); got != cat.Localizer("en").T("withdraw.done_queued") {
		t.Errorf("withdrawing an exported response: %q", got)
	}
	if got := withdraw(first, "en"); got != cat.Localizer("en").T("withdraw.already") {
		t.Errorf("withdrawing twice: %q", got)
	}
	if got := withdraw("NOT-A-CODE", "en"); got != cat.Localizer("en").T("withdraw.bad_code") {
		t.Errorf("a malformed code: %q", got)
	}
	var responses, queued int
	r.st.DB().QueryRow(`SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM withdrawals WHERE batch_seq IS NULL)`).Scan(&responses, &queued)
	if responses != 1 || queued != 1 {
		t.Errorf("after two withdrawals: %d responses left (want 1: %s), %d withdrawals queued (want 1)", responses, second, queued)
	}
}
