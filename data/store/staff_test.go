package store

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"chorus/data/seal"
	"chorus/data/survey"

	"filippo.io/age"
)

func setUpStore(t *testing.T, dir string, clk *fixedClock) (*Store, Staff) {
	t.Helper()
	st, err := Open(dir, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	analyst, _ := age.GenerateX25519Identity()
	rs, _ := seal.ParseRecipients(analyst.Recipient().String()) // a real folder refuses the demo key
	body, err := os.ReadFile("../survey/testdata/alltypes.json")
	if err != nil {
		t.Fatal(err)
	}
	coord, err := st.Setup(context.Background(), SetupInput{
		DeviceName: "Library laptop 3", CoordinatorName: "Asha", PIN: "480215",
		Recipients: rs, Survey: testSurvey(t), SurveyBody: body,
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	return st, coord
}

func TestSetupOnceAndComplete(t *testing.T) {
	clk := &fixedClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	st, err := Open(dir, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := st.IsSetUp(context.Background()); ok {
		t.Fatal("a new folder claims to be set up")
	}
	st.Close()
	st, coord := setUpStore(t, dir, clk)
	defer st.Close()
	if ok, err := st.IsSetUp(context.Background()); !ok || err != nil {
		t.Fatalf("IsSetUp = %v, %v after setup", ok, err)
	}
	if coord.Role != Coordinator || coord.Name != "Asha" {
		t.Errorf("coordinator = %+v", coord)
	}
	dev, _ := st.Device()
	if dev.Name != "Library laptop 3" || dev.Demo {
		t.Errorf("device = %q demo=%v", dev.Name, dev.Demo)
	}
	name, body, err := st.ActiveSurvey(context.Background())
	if err != nil || len(body) == 0 || name != "all_types-v3.json" {
		t.Errorf("active survey = %q (%d bytes), %v", name, len(body), err)
	}
	_, err = st.Setup(context.Background(), SetupInput{}, false)
	if !errors.Is(err, ErrAlreadySetUp) {
		t.Errorf("second setup = %v, want ErrAlreadySetUp", err)
	}
}

func TestWeakPINsRefused(t *testing.T) {
	st, _, _ := openTest(t)
	for _, pin := range []string{"", "12345", "123456", "654321", "000000", "12a456", "890123"} {
		if _, err := st.AddStaff(context.Background(), "", "Sam "+pin, Worker, pin); err == nil {
			t.Errorf("PIN %q accepted", pin)
		}
	}
}

// TestThrottleSurvivesRestart is P11: wrong PINs are counted in the
// database, so closing and reopening the store does not reset the wait.
func TestThrottleSurvivesRestart(t *testing.T) {
	clk := &fixedClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	st, coord := setUpStore(t, dir, clk)
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		if _, err := st.Login(ctx, coord.ID, "000001"); !errors.Is(err, ErrWrongPIN) {
			t.Fatalf("failure %d: %v, want ErrWrongPIN", i, err)
		}
	}
	// The 5th failure starts a 30 s wait.
	st.Login(ctx, coord.ID, "000001")
	st.Close()

	st, err := Open(dir, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var te *ThrottledError
	if _, err := st.Login(ctx, coord.ID, "480215"); !errors.As(err, &te) || te.Wait != 30*time.Second {
		t.Fatalf("right PIN during the wait after a restart = %v, want a 30 s ThrottledError", err)
	}
	clk.t = clk.t.Add(31 * time.Second)
	st.Login(ctx, coord.ID, "000001") // 6th failure: 60 s
	clk.t = clk.t.Add(59 * time.Second)
	if _, err := st.Login(ctx, coord.ID, "480215"); !errors.As(err, &te) {
		t.Fatalf("after 59 of 60 s: %v, want ThrottledError", err)
	}
	clk.t = clk.t.Add(2 * time.Second)
	if s, err := st.Login(ctx, coord.ID, "480215"); err != nil || s.ID != coord.ID {
		t.Fatalf("right PIN after the wait = %v", err)
	}
	// Success clears the count: one wrong PIN is just wrong again.
	if _, err := st.Login(ctx, coord.ID, "000001"); !errors.Is(err, ErrWrongPIN) {
		t.Errorf("after a success, a wrong PIN = %v", err)
	}
}

func TestThrottleWaitsDoubleToFifteenMinutes(t *testing.T) {
	want := map[int]time.Duration{4: 0, 5: 30 * time.Second, 6: time.Minute, 7: 2 * time.Minute,
		9: 8 * time.Minute, 10: 15 * time.Minute, 19: 15 * time.Minute}
	for n, w := range want {
		if got := throttleWait(n); got != w {
			t.Errorf("after %d failures wait %s, want %s", n, got, w)
		}
	}
}

func TestLockoutAfterTwentyNeedsCoordinator(t *testing.T) {
	clk := &fixedClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	st, coord := setUpStore(t, t.TempDir(), clk)
	defer st.Close()
	ctx := context.Background()
	w, err := st.AddStaff(ctx, coord.Name, "Ben", Worker, "271828")
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for range 20 {
		clk.t = clk.t.Add(time.Hour) // past any wait
		_, last = st.Login(ctx, w.ID, "000001")
	}
	if !errors.Is(last, ErrLockedOut) {
		t.Fatalf("20th failure = %v, want ErrLockedOut", last)
	}
	clk.t = clk.t.Add(24 * time.Hour)
	if _, err := st.Login(ctx, w.ID, "271828"); !errors.Is(err, ErrLockedOut) {
		t.Fatalf("right PIN a day later = %v, want still locked out", err)
	}
	if err := st.SetPIN(ctx, w, w.ID, "314159"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("a worker reset a PIN: %v", err)
	}
	if err := st.SetPIN(ctx, coord, w.ID, "314159"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Login(ctx, w.ID, "314159"); err != nil {
		t.Errorf("after a coordinator's reset: %v", err)
	}
}

// TestPINNeverInClear: a PIN typed during tests appears nowhere in the data
// folder, and the stored hash is an argon2id PHC string.
func TestPINNeverInClear(t *testing.T) {
	clk := &fixedClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	st, coord := setUpStore(t, dir, clk)
	const canary = "915372"
	ctx := context.Background()
	if _, err := st.AddStaff(ctx, coord.Name, "Cai", Worker, canary); err != nil {
		t.Fatal(err)
	}
	st.Login(ctx, coord.ID, canary) // a wrong PIN is audited too
	var hash string
	st.DB().QueryRow(`SELECT pin_hash FROM staff WHERE name = 'Cai'`).Scan(&hash)
	if ok, err := seal.CheckPIN(hash, canary); !ok || err != nil || hash[:10] != "$argon2id$" {
		t.Errorf("stored hash %q does not check (%v)", hash, err)
	}
	st.Close()
	assertNotInFolder(t, dir, canary)
	assertNotInFolder(t, dir, "480215")
}

func TestSessionTallyCountsWithoutAnswers(t *testing.T) {
	clk := &fixedClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	st, coord := setUpStore(t, t.TempDir(), clk)
	defer st.Close()
	ctx := context.Background()
	sv := testSurvey(t)
	ses, err := st.OpenSession(ctx, coord, "Central Library", sv)
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := st.Device()
	rs, _ := st.Recipients()
	for _, mode := range []string{"self", "assisted", "worker", "self"} {
		sub := submission(sv, dev, "x")
		sub.SessionID = ses.ID
		sub.Mode = modeOf(mode)
		sub.Consent.Mode = sub.Mode
		if _, err := st.Submit(ctx, rs, sub); err != nil {
			t.Fatal(err)
		}
	}
	st.Decline(ctx, sv, "en", ses.ID)
	tl, err := st.SessionTally(ctx, ses.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Responses != 4 || tl.ByMode["self"] != 2 || tl.ByMode["worker"] != 1 || tl.ByLanguage["cy"] != 4 || tl.Declined != 1 {
		t.Errorf("tally = %+v", tl)
	}
	if open, _ := st.OpenSessions(ctx); len(open) != 1 || open[0].Worker != "Asha" {
		t.Errorf("open sessions = %+v", open)
	}
	if err := st.CloseSession(ctx, coord, ses.ID); err != nil {
		t.Fatal(err)
	}
	if open, _ := st.OpenSessions(ctx); len(open) != 0 {
		t.Errorf("closed session still open: %+v", open)
	}
	log, _ := st.AuditLog(ctx, 50)
	var saw []string
	for _, e := range log {
		saw = append(saw, e.Action)
	}
	for _, want := range []string{"setup", "session.open", "session.close"} {
		found := false
		for _, a := range saw {
			found = found || a == want
		}
		if !found {
			t.Errorf("audit log lacks %q: %v", want, saw)
		}
	}
}

func modeOf(s string) survey.Mode { return survey.Mode(s) }

// TestConcurrentWrongPINsAreThrottled is P11 under load (issue 14, item 8):
// 35 wrong PINs for one member of staff at once, as fast Enter presses or a
// script would send them. Only the first five are checked (the 5th starts
// the 30 s wait), the rest are refused as throttled without a check, and
// the stored count is the number that were checked: none is lost to two
// checks writing the same count.
func TestConcurrentWrongPINsAreThrottled(t *testing.T) {
	clk := &fixedClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	st, coord := setUpStore(t, t.TempDir(), clk)
	defer st.Close()
	ctx := context.Background()
	const attempts = 35
	errs := make(chan error, attempts)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := st.Login(ctx, coord.ID, "000001")
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	checked, throttled := 0, 0
	for err := range errs {
		var te *ThrottledError
		switch {
		case errors.Is(err, ErrWrongPIN):
			checked++
		case errors.As(err, &te):
			throttled++
		default:
			t.Errorf("unexpected result %v", err)
		}
	}
	var failures, audited int
	if err := st.DB().QueryRow(`SELECT failures FROM staff WHERE id = ?`, coord.ID).Scan(&failures); err != nil {
		t.Fatal(err)
	}
	st.DB().QueryRow(`SELECT count(*) FROM audit WHERE action = 'login.failed'`).Scan(&audited)
	if checked != throttleFrom || throttled != attempts-throttleFrom {
		t.Errorf("%d PINs checked and %d refused as throttled, want %d and %d", checked, throttled, throttleFrom, attempts-throttleFrom)
	}
	if failures != checked || audited != checked {
		t.Errorf("stored count %d, audited failures %d, for %d wrong PINs checked", failures, audited, checked)
	}
	// The wait started by the 5th failure still holds for the right PIN.
	var te *ThrottledError
	if _, err := st.Login(ctx, coord.ID, "480215"); !errors.As(err, &te) || te.Wait != throttleFirst {
		t.Errorf("right PIN straight after = %v, want a %s ThrottledError", err, throttleFirst)
	}
}
