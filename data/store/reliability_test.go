package store

// Store-level reliability and security promises (issue 7): P2/P3/P8 canaries
// on disk, P15 text at the store, P16 ordering under clock skew, P17
// backups while saving. The crash and instance tests (P1, P13) are in
// crash_test.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London without the system's zoneinfo

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/survey"

	"golang.org/x/text/unicode/norm"
)

// filesHolding returns the names of the files under dir whose bytes
// contain needle.
func filesHolding(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			out = append(out, d.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// folderCheck is what checkFolder found.
type folderCheck struct {
	responses int
	ids       map[string]bool
}

// checkFolder opens dir as Chorus would and checks that it is consistent:
// integrity_check is ok, no foreign key is broken, every response has its
// consent record and every consent record its response, each id in want is
// there, and every sealed payload not yet in opened opens with the demo
// identity and names its own response. opened may be nil.
func checkFolder(t *testing.T, dir string, want []string, opened map[string]bool) folderCheck {
	t.Helper()
	st, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("reopening %s: %v", dir, err)
	}
	defer st.Close()
	db := st.DB()
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		problems = append(problems, s)
	}
	rows.Close()
	if len(problems) != 1 || problems[0] != "ok" {
		t.Fatalf("integrity_check: %q", problems)
	}
	rows, err = db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check finds broken references")
	}
	rows.Close()
	var orphanResponses, orphanConsents int
	if err := db.QueryRow(`SELECT count(*) FROM responses r
		WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.id = r.consent_id)`).Scan(&orphanResponses); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM consents c
		WHERE NOT EXISTS (SELECT 1 FROM responses r WHERE r.consent_id = c.id)`).Scan(&orphanConsents); err != nil {
		t.Fatal(err)
	}
	if orphanResponses != 0 || orphanConsents != 0 {
		t.Errorf("partial records: %d responses without consent, %d consents without response", orphanResponses, orphanConsents)
	}
	got, err := st.Responses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids, err := seal.ParseIdentities(assets.DemoIdentity())
	if err != nil {
		t.Fatal(err)
	}
	fc := folderCheck{responses: len(got), ids: map[string]bool{}}
	for _, r := range got {
		fc.ids[r.ID] = true
		if opened[r.ID] {
			continue
		}
		plain, err := seal.Open(ids, r.Sealed)
		if err != nil {
			t.Errorf("response %s does not open: %v", r.ID, err)
			continue
		}
		var p survey.Payload
		if err := json.Unmarshal(plain, &p); err != nil || p.ResponseID != r.ID || p.Format != survey.PayloadFormat {
			t.Errorf("response %s: payload %.80q (%v)", r.ID, plain, err)
		}
		if opened != nil {
			opened[r.ID] = true
		}
	}
	for _, id := range want {
		if !fc.ids[id] {
			t.Errorf("response %s was reported saved but is not in the database", id)
		}
	}
	return fc
}

// openPayload opens a sealed payload with the demo identity.
func openPayload(t *testing.T, sealed []byte) survey.Payload {
	t.Helper()
	ids, err := seal.ParseIdentities(assets.DemoIdentity())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := seal.Open(ids, sealed)
	if err != nil {
		t.Fatal(err)
	}
	var p survey.Payload
	if err := json.Unmarshal(plain, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCanaryPINAnswerWithdrawalNotOnDisk is P2, P3 and P8 on the device:
// a staff PIN (right and wrong), an answer, and a withdrawn answer with its
// receipt code are nowhere in clear in the data folder (chorus.db, -wal,
// -shm, chorus.lock), neither while the store is open nor after it is
// closed; the withdrawn response's sealed bytes, ids and consent record are
// gone from the database and the WAL, and from a backup taken afterwards.
func TestCanaryPINAnswerWithdrawalNotOnDisk(t *testing.T) {
	st, dev, rs := openTest(t)
	dir := st.Dir()
	sv := testSurvey(t)
	ctx := context.Background()

	// PIN canaries: 10 digits, so that no timestamp or id matches by chance.
	const pin, wrongPIN = "5820417396", "7391046285"
	w, err := st.AddStaff(ctx, "", "Cai", Worker, pin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Login(ctx, w.ID, wrongPIN); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("wrong PIN = %v", err)
	}
	if _, err := st.Login(ctx, w.ID, pin); err != nil {
		t.Fatalf("right PIN = %v", err)
	}

	// Answer canary, kept.
	const answer = "CANARY-answer-4d1e-kept"
	for range 3 {
		if _, err := st.Submit(ctx, rs, submission(sv, dev, answer)); err != nil {
			t.Fatal(err)
		}
	}

	// Withdrawal canary: the participant's receipt, then withdrawn
	// before export.
	const withdrawn = "CANARY-answer-9b27-withdrawn"
	code := survey.NewReceipt()
	sub := submission(sv, dev, withdrawn)
	sub.Consent.ReceiptHash = survey.HashReceipt(code)
	saved, err := st.Submit(ctx, rs, sub)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // more after it, so its pages are not simply the last ones
		if _, err := st.Submit(ctx, rs, submission(sv, dev, answer)); err != nil {
			t.Fatal(err)
		}
	}
	var sealed []byte
	if err := st.DB().QueryRow(`SELECT sealed FROM responses WHERE id = ?`, saved.ResponseID).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if p := openPayload(t, sealed); p.Answers["story"].Text != withdrawn {
		t.Fatalf("sealed story = %q", p.Answers["story"].Text)
	}
	slice := sealed[len(sealed)/2 : len(sealed)/2+64]
	// Before the withdrawal the search must find them, or it proves nothing.
	for what, needle := range map[string][]byte{
		"sealed bytes": slice, "response id": []byte(saved.ResponseID),
		"consent id": []byte(sub.Consent.ID), "receipt hash": []byte(sub.Consent.ReceiptHash),
	} {
		if len(filesHolding(t, dir, needle)) == 0 {
			t.Fatalf("before the withdrawal the %s are in no file: the search is broken", what)
		}
	}

	res, err := st.Withdraw(ctx, code, "Cai")
	if err != nil || res != WithdrawnHere {
		t.Fatalf("Withdraw = %v, %v; want WithdrawnHere", res, err)
	}
	var n int
	st.DB().QueryRow(`SELECT (SELECT count(*) FROM responses WHERE id = ?) + (SELECT count(*) FROM consents WHERE id = ?)`,
		saved.ResponseID, sub.Consent.ID).Scan(&n)
	if n != 0 {
		t.Errorf("the withdrawn response or its consent record is still in the database")
	}
	if c, _ := st.Counts(ctx); c.Responses != 5 || c.Withdrawals != 0 {
		t.Errorf("counts after a withdrawal before export = %+v, want 5 responses and no queued withdrawal", c)
	}
	backup := filepath.Join(t.TempDir(), "after-withdrawal.db")
	if err := st.Backup(backup); err != nil {
		t.Fatal(err)
	}

	gone := map[string][]byte{
		"withdrawn sealed bytes": slice, "withdrawn response id": []byte(saved.ResponseID),
		"withdrawn consent id": []byte(sub.Consent.ID), "withdrawn receipt hash": []byte(sub.Consent.ReceiptHash),
		"withdrawn answer": []byte(withdrawn), "receipt code": []byte(code),
		"kept answer": []byte(answer), "PIN": []byte(pin), "wrong PIN": []byte(wrongPIN),
	}
	check := func(when string, dir string) map[string]bool {
		seen := map[string]bool{}
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				seen[d.Name()] = true
			}
			return err
		})
		for what, needle := range gone {
			if files := filesHolding(t, dir, needle); len(files) > 0 {
				t.Errorf("%s: %s found in %v", when, what, files)
			}
		}
		return seen
	}
	open := check("store open", dir)
	for _, f := range []string{DBName, DBName + "-wal", DBName + "-shm", "chorus.lock"} {
		if !open[f] {
			t.Errorf("store open: no %s to look in (have %v)", f, open)
		}
	}
	check("backup", filepath.Dir(backup))
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	check("store closed", dir)
}

// submitAt saves a response with the clock (and the consent time) at at.
func submitAt(t *testing.T, st *Store, clk *fixedClock, rs []seal.Recipient, sv *survey.Survey, dev Device, at time.Time, story string) string {
	t.Helper()
	clk.t = at
	sub := submission(sv, dev, story)
	sub.Consent.At = at
	sub.StartedAt = at.Add(-2 * time.Minute)
	saved, err := st.Submit(context.Background(), rs, sub)
	if err != nil {
		t.Fatal(err)
	}
	return saved.ResponseID
}

// TestClockSkewNeverReordersResponses is P16: with the device clock at
// 2000, then 2005, then jumping back, then across the end of British Summer
// Time (01:30 local twice), responses stay in the order they were saved;
// each time is stored as UTC RFC 3339 with the local offset of the moment.
func TestClockSkewNeverReordersResponses(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	clk := &fixedClock{t: time.Date(2000, 1, 15, 9, 0, 0, 0, london)}
	dir := t.TempDir()
	st, err := Open(dir, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dev, err := st.InitDevice("skewed laptop", true)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := seal.ParseRecipients(assets.DemoRecipient())
	if err := st.SetRecipients(rs); err != nil {
		t.Fatal(err)
	}
	body, _ := os.ReadFile("../survey/testdata/alltypes.json")
	sv := testSurvey(t)
	if err := st.AddSurvey(sv, body); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name   string
		at     time.Time
		offset int // minutes
		local  string
	}{
		{"year 2000", time.Date(2000, 1, 15, 9, 0, 0, 0, london), 0, "09:00"},
		{"five years on", time.Date(2005, 1, 15, 9, 0, 0, 0, london), 0, "09:00"},
		{"jump back", time.Date(2003, 7, 1, 12, 0, 0, 0, london), 60, "12:00"},
		{"01:30 BST", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC).In(london), 60, "01:30"},
		{"01:30 GMT", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC).In(london), 0, "01:30"},
		{"jump back, India", time.Date(2000, 1, 1, 0, 0, 0, 0, kolkata), 330, "00:00"},
		{"same instant again", time.Date(2000, 1, 1, 0, 0, 0, 0, kolkata), 330, "00:00"},
	}
	var want []string
	for _, s := range steps {
		want = append(want, submitAt(t, st, clk, rs, sv, dev, s.at, s.name))
	}
	// The clock must really disagree with the order, or this proves nothing.
	byClock := slices.Clone(want)
	sort.SliceStable(byClock, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })
	if slices.Equal(byClock, want) {
		t.Fatal("the clock steps are in order: the test proves nothing")
	}

	got, err := st.Responses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("Responses() order = %v\nwant the order saved %v", ids, want)
	}
	for i, s := range steps {
		var rAt, cAt string
		var rOff, cOff int
		if err := st.DB().QueryRow(`SELECT r.created_at, r.created_offset, c.created_at, c.created_offset
			FROM responses r JOIN consents c ON c.id = r.consent_id WHERE r.id = ?`, want[i]).Scan(&rAt, &rOff, &cAt, &cOff); err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			what string
			at   string
			off  int
		}{{"response", rAt, rOff}, {"consent", cAt, cOff}} {
			if v.at != s.at.UTC().Format(time.RFC3339Nano) || !strings.HasSuffix(v.at, "Z") {
				t.Errorf("%s: %s created_at = %q, want %q (UTC)", s.name, v.what, v.at, s.at.UTC().Format(time.RFC3339))
			}
			if v.off != s.offset {
				t.Errorf("%s: %s created_offset = %d, want %d", s.name, v.what, v.off, s.offset)
			}
			at, err := ParseTime(v.at)
			if err != nil {
				t.Errorf("%s: %s created_at does not parse: %v", s.name, v.what, err)
				continue
			}
			if local := at.In(time.FixedZone("", v.off*60)).Format("15:04"); local != s.local {
				t.Errorf("%s: %s local time from UTC and offset = %s, want %s", s.name, v.what, local, s.local)
			}
		}
	}
}

// unicodeSurvey has one free-text question that allows 100,000 characters.
const unicodeSurvey = `{
  "format": "chorus-survey/1",
  "id": "unicode_probe",
  "version": 1,
  "languages": ["en"],
  "title": {"en": "Text probe"},
  "consent": {
    "version": "u-1",
    "text": {"en": "We would like to ask you one question."},
    "purposes": [{"id": "take_part", "required": true, "label": {"en": "I agree to take part"}}]
  },
  "questions": [
    {"id": "t", "type": "text", "max_length": 100000, "text": {"en": "Tell us anything."}}
  ]
}`

// TestUnicodeRoundTripsThroughTheStore is P15 at the store: text answers
// come back from the sealed payload byte for byte as given, after NFC;
// invalid UTF-8, NUL and lone surrogates are refused and nothing is stored.
func TestUnicodeRoundTripsThroughTheStore(t *testing.T) {
	st, dev, rs := openTest(t)
	ctx := context.Background()
	sv, err := survey.Parse("unicode.json", []byte(unicodeSurvey))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddSurvey(sv, []byte(unicodeSurvey)); err != nil {
		t.Fatal(err)
	}
	sub := func(text string) Submission {
		at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
		c := consentFor(sv, dev, "en", at)
		c.Purposes = map[string]bool{"take_part": true}
		return Submission{Survey: sv, Consent: c, Answers: survey.Answers{"t": {Text: text}},
			Language: "en", Mode: survey.ModeSelf, Status: survey.Complete, StartedAt: at}
	}
	count := func() (responses, consents int) {
		st.DB().QueryRow(`SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM consents)`).Scan(&responses, &consents)
		return
	}

	refused := map[string]string{
		"invalid UTF-8":  "bad \xff byte",
		"NUL":            "a\x00b",
		"lone surrogate": "half a pair \xed\xa0\x80 here",
		"escape":         "colour \x1b[31m red",
		"C1 control":     "next\u0085line",
	}
	for name, text := range refused {
		_, err := st.Submit(ctx, rs, sub(text))
		if !errors.Is(err, survey.ErrInvalidText) {
			t.Errorf("%s: Submit = %v, want ErrInvalidText", name, err)
		}
	}
	if r, c := count(); r != 0 || c != 0 {
		t.Fatalf("after refused text: %d responses and %d consent records stored", r, c)
	}
	long := strings.Repeat("a", 100_000)
	if _, err := st.Submit(ctx, rs, sub(long+"b")); !errors.Is(err, survey.ErrTooLong) {
		t.Errorf("100,001 characters: Submit = %v, want ErrTooLong", err)
	}

	kept := []struct{ name, in, want string }{
		{"NFD Latin", "Cafe\u0301 and w\u0302 in Gwe\u0302n", "Café and ŵ in Gwên"},
		{"NFD Hangul", "\u1112\u1161\u11ab\u1100\u1173\u11af", "한글"},
		{"emoji", "👩🏽‍⚕️ was kind 🙏🏿 🏳️‍🌈", "👩🏽‍⚕️ was kind 🙏🏿 🏳️‍🌈"},
		{"100 KB", long, long},
		{"100,000 two-byte characters", strings.Repeat("ŵ", 100_000), strings.Repeat("ŵ", 100_000)},
		{"right-to-left override", "file\u202Egnp.exe", "file\u202Egnp.exe"},
		{"Arabic and digits", "عمري 42 سنة (تقريباً)", "عمري 42 سنة (تقريباً)"},
		{"SQL", "'); DROP TABLE responses;--", "'); DROP TABLE responses;--"},
		{"formula", `=HYPERLINK("x")`, `=HYPERLINK("x")`},
		{"HTML and separators", "<script>&amp;</script>\u2028\u2029\"\\", "<script>&amp;</script>\u2028\u2029\"\\"},
		{"lines and tabs", "one\r\ntwo\n\tthree", "one\ntwo\n\tthree"},
		{"surrounding space", "  \t padded \n", "padded"},
	}
	saved := map[string]string{}
	for _, k := range kept {
		if k.want != norm.NFC.String(k.want) {
			t.Fatalf("%s: expected value is not NFC", k.name)
		}
		s, err := st.Submit(ctx, rs, sub(k.in))
		if err != nil {
			t.Errorf("%s: Submit = %v", k.name, err)
			continue
		}
		saved[s.ResponseID] = k.name
	}
	got, err := st.Responses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(saved) {
		t.Fatalf("stored %d responses, saved %d", len(got), len(saved))
	}
	for i, r := range got {
		k := kept[i]
		if saved[r.ID] != k.name {
			t.Fatalf("response %d is %q, want %q", i, saved[r.ID], k.name)
		}
		p := openPayload(t, r.Sealed)
		if g := p.Answers["t"].Text; g != k.want {
			t.Errorf("%s: round trip gave %d bytes %.60q, want %d bytes %.60q", k.name, len(g), g, len(k.want), k.want)
		}
	}
	if r, c := count(); r != len(kept) || c != len(kept) {
		t.Errorf("%d responses and %d consent records for %d saved", r, c, len(kept))
	}
}

// TestBackupWhileSubmitting is P17: backups taken while another goroutine
// keeps saving are consistent copies: each opens as a data folder, passes
// integrity_check, has no partial record, and holds between the responses
// counted before and after it was taken.
func TestBackupWhileSubmitting(t *testing.T) {
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	ctx := context.Background()
	devBefore, _ := st.Device()

	var mu sync.Mutex
	var saved []string
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for n := 0; ; n++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			s, err := st.Submit(ctx, rs, submission(sv, dev, fmt.Sprintf("backup story %d", n)))
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			saved = append(saved, s.ResponseID)
			mu.Unlock()
		}
	}()
	savedSoFar := func() int { mu.Lock(); defer mu.Unlock(); return len(saved) }
	waitFor := func(n int) {
		for savedSoFar() < n { // the saver's own pace; no time limit asserted
			select {
			case err := <-done:
				t.Fatalf("saver stopped: %v", err)
			case <-time.After(2 * time.Millisecond):
			}
		}
	}

	const backups = 5
	var figures []string
	for i := range backups {
		waitFor(savedSoFar() + 20)
		before, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), fmt.Sprintf("backup-%d.db", i))
		if err := st.Backup(out); err != nil {
			t.Fatal(err)
		}
		after, err := st.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Restore as a data folder: the file named chorus.db on its own.
		folder := t.TempDir()
		if err := os.Rename(out, filepath.Join(folder, DBName)); err != nil {
			t.Fatal(err)
		}
		fc := checkFolder(t, folder, nil, nil)
		if fc.responses < before.Responses || fc.responses > after.Responses {
			t.Errorf("backup %d holds %d responses, not between %d before and %d after", i, fc.responses, before.Responses, after.Responses)
		}
		cp, err := Open(folder, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d, err := cp.Device(); err != nil || d.ID != devBefore.ID {
			t.Errorf("backup %d: device %v, %v; want the same device", i, d.ID, err)
		}
		cp.Close()
		figures = append(figures, fmt.Sprintf("%d<=%d<=%d", before.Responses, fc.responses, after.Responses))
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	final := checkFolder(t, st.Dir(), saved, nil)
	t.Logf("FIGURES P17: %d backups while saving, responses before<=backup<=after: %s; saved during the test %d, all in the live folder (%d)",
		backups, strings.Join(figures, " "), len(saved), final.responses)
}
