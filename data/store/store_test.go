package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/survey"

	"github.com/google/uuid"
)

func testSurvey(t testing.TB) *survey.Survey {
	t.Helper()
	sv, err := survey.ParseFile("../survey/testdata/alltypes.json")
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

// fixedClock is a clock that only moves when told.
type fixedClock struct{ t time.Time }

func (c *fixedClock) now() time.Time { return c.t }

// setUpTestFolder makes st a demo device named name, sealing to the demo
// analyst key, with the test survey.
func setUpTestFolder(t testing.TB, st *Store, name string) (Device, []seal.Recipient) {
	t.Helper()
	dev, err := st.InitDevice(name, true)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := seal.ParseRecipients(assets.DemoRecipient())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetRecipients(rs); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("../survey/testdata/alltypes.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddSurvey(testSurvey(t), body); err != nil {
		t.Fatal(err)
	}
	return dev, rs
}

func openTest(t testing.TB) (*Store, Device, []seal.Recipient) {
	t.Helper()
	clk := &fixedClock{t: time.Date(2026, 11, 24, 10, 30, 0, 0, time.FixedZone("GMT", 0))}
	st, err := Open(t.TempDir(), clk.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dev, rs := setUpTestFolder(t, st, "test laptop")
	return st, dev, rs
}

func consentFor(sv *survey.Survey, dev Device, lang string, at time.Time) survey.ConsentRecord {
	return survey.ConsentRecord{
		ID:            uuid.Must(uuid.NewV7()).String(),
		ReceiptHash:   survey.HashReceipt(survey.NewReceipt()),
		SurveyID:      sv.ID,
		SurveyVersion: sv.Version,
		TextVersion:   sv.Consent.Version,
		TextSHA256:    sv.ConsentSHA256(lang),
		Language:      lang,
		Format:        survey.FormatStandard,
		Purposes:      map[string]bool{"take_part": true, "quotes": false},
		HowGiven:      survey.GivenTap,
		Mode:          survey.ModeSelf,
		At:            at,
		DeviceID:      dev.ID,
	}
}

func submission(sv *survey.Survey, dev Device, story string) Submission {
	n := 42
	now := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	return Submission{
		Survey:  sv,
		Consent: consentFor(sv, dev, "cy", now),
		Answers: survey.Answers{
			"online":     {Choice: "yes"},
			"devices":    {Choices: []string{"phone"}},
			"confidence": {Choice: "happy"},
			"story":      {Text: story},
			"age":        {Number: &n},
		},
		Language:  "cy",
		Mode:      survey.ModeSelf,
		Status:    survey.Complete,
		StartedAt: now.Add(-3 * time.Minute),
	}
}

func TestSubmitSealsAndRoundTrips(t *testing.T) {
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	saved, err := st.Submit(context.Background(), rs, submission(sv, dev, "Roedd y meddyg yn garedig"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Responses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != saved.ResponseID {
		t.Fatalf("stored %d responses, want the one saved (%s)", len(got), saved.ResponseID)
	}
	ids, err := seal.ParseIdentities(assets.DemoIdentity())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := seal.Open(ids, got[0].Sealed)
	if err != nil {
		t.Fatal(err)
	}
	var p survey.Payload
	if err := json.Unmarshal(plain, &p); err != nil {
		t.Fatal(err)
	}
	if p.ResponseID != saved.ResponseID || p.SurveyID != sv.ID || p.Language != "cy" {
		t.Errorf("payload header = %+v", p)
	}
	if g := p.Answers["story"].Text; g != "Roedd y meddyg yn garedig" {
		t.Errorf("story = %q", g)
	}
	if g := *p.Answers["age"].Number; g != 42 {
		t.Errorf("age = %d", g)
	}
	if len(p.Answers) != 5 {
		t.Errorf("payload has %d answers, want 5: %v", len(p.Answers), p.Answers)
	}
}

func TestSubmitDropsHiddenAnswers(t *testing.T) {
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	sub := submission(sv, dev, "")
	sub.Answers["online"] = survey.Answer{Choice: "no"} // hides devices
	if _, err := st.Submit(context.Background(), rs, sub); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Responses(context.Background())
	ids, _ := seal.ParseIdentities(assets.DemoIdentity())
	plain, err := seal.Open(ids, got[0].Sealed)
	if err != nil {
		t.Fatal(err)
	}
	var p survey.Payload
	json.Unmarshal(plain, &p)
	if _, ok := p.Answers["devices"]; ok {
		t.Error("answer to a question hidden by skip logic was sealed")
	}
	if _, ok := p.Answers["story"]; ok {
		t.Error("empty answer was sealed")
	}
}

func TestSubmitRefusesBadInputAndStoresNothing(t *testing.T) {
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	cases := map[string]func(*Submission){
		"no consent id":       func(s *Submission) { s.Consent.ID = "" },
		"required purpose no": func(s *Submission) { s.Consent.Purposes["take_part"] = false },
		"consent text edited": func(s *Submission) { s.Consent.TextSHA256 = strings.Repeat("0", 64) },
		"required unanswered": func(s *Submission) { delete(s.Answers, "confidence") },
		"unknown option":      func(s *Submission) { s.Answers["confidence"] = survey.Answer{Choice: "ecstatic"} },
		"bad mode":            func(s *Submission) { s.Mode = "robot" },
		"invalid utf-8":       func(s *Submission) { s.Answers["story"] = survey.Answer{Text: "bad \xff"} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			sub := submission(sv, dev, "x")
			mutate(&sub)
			if _, err := st.Submit(context.Background(), rs, sub); err == nil {
				t.Fatal("Submit accepted it")
			}
		})
	}
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Responses != 0 {
		t.Errorf("%d responses stored after refused submissions", c.Responses)
	}
	var consents int
	st.DB().QueryRow(`SELECT count(*) FROM consents`).Scan(&consents)
	if consents != 0 {
		t.Errorf("%d consent records stored after refused submissions", consents)
	}
}

// TestCanaryNeverOnDisk is P2: from submit on, answers are unreadable on the
// device. The canary is looked for in every file of the data folder.
func TestCanaryNeverOnDisk(t *testing.T) {
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	const canary = "CANARY-7f3a9c-answer-text"
	for range 3 {
		if _, err := st.Submit(context.Background(), rs, submission(sv, dev, canary)); err != nil {
			t.Fatal(err)
		}
	}
	files := assertNotInFolder(t, st.Dir(), canary)
	if !files[DBName+"-wal"] && !files[DBName] {
		t.Fatalf("looked in %v, expected the database and its WAL", files)
	}
}

// assertNotInFolder fails if needle appears in any file under dir, and
// returns the names of the files it read.
func assertNotInFolder(t *testing.T, dir, needle string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		seen[d.Name()] = true
		if bytes.Contains(b, []byte(needle)) {
			t.Errorf("%s holds %q in clear", path, needle)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

func TestSecondInstanceRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, nil)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "another Chorus is already using") {
		t.Errorf("message %q does not say which folder is busy", err)
	}
	first.Close()
	again, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("after the first closed, Open = %v", err)
	}
	again.Close()
}

func TestDeviceIsStableAndDemoFoldersStaySeparate(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	d1, err := st.InitDevice("laptop 1", true)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d2, err := st.InitDevice("other", true)
	if err != nil {
		t.Fatal(err)
	}
	if d1.ID != d2.ID || !bytes.Equal(d1.Key.Public, d2.Key.Public) {
		t.Error("device identity changed on reopen")
	}
	if _, err := st.InitDevice("x", false); !errors.Is(err, ErrDemoMismatch) {
		t.Errorf("opening a demo folder as real = %v, want ErrDemoMismatch", err)
	}
}

// TestMigrationsRecordedOnceAndWALFull: a new folder's database is made
// with PageSize pages and runs in WAL mode with synchronous=FULL; opening
// it again applies no migration twice and keeps all of that.
func TestMigrationsRecordedOnceAndWALFull(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		st, err := Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		var n, v int
		st.DB().QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &v)
		if n != SchemaVersion() || v != SchemaVersion() {
			t.Errorf("schema_migrations has %d rows up to %d, want %d", n, v, SchemaVersion())
		}
		var mode string
		var sync, fk, page int
		st.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode)
		st.DB().QueryRow(`PRAGMA synchronous`).Scan(&sync)
		st.DB().QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
		st.DB().QueryRow(`PRAGMA page_size`).Scan(&page)
		if mode != "wal" || sync != 2 || fk != 1 || page != PageSize {
			t.Errorf("journal_mode=%s synchronous=%d foreign_keys=%d page_size=%d, want wal 2 (FULL) 1 %d",
				mode, sync, fk, page, PageSize)
		}
		st.Close()
	}
}

func TestDeclineStoresOnlyATally(t *testing.T) {
	st, _, _ := openTest(t)
	sv := testSurvey(t)
	if err := st.Decline(context.Background(), sv, "cy", ""); err != nil {
		t.Fatal(err)
	}
	c, _ := st.Counts(context.Background())
	if c.Declined != 1 || c.Responses != 0 {
		t.Errorf("counts = %+v, want one declined and no response", c)
	}
	var day string
	st.DB().QueryRow(`SELECT day FROM declined`).Scan(&day)
	if day != "2026-11-24" {
		t.Errorf("declined day = %q, want the date only", day)
	}
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	st, dev, rs := openTest(t)
	sv := testSurvey(t)
	if _, err := st.Submit(context.Background(), rs, submission(sv, dev, "x")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), DBName)
	if err := st.Backup(out); err != nil {
		t.Fatal(err)
	}
	cp, err := Open(filepath.Dir(out), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	c, err := cp.Counts(context.Background())
	if err != nil || c.Responses != 1 {
		t.Errorf("backup holds %+v (%v), want the one response", c, err)
	}
	var ok string
	cp.DB().QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if ok != "ok" {
		t.Errorf("backup integrity_check = %q", ok)
	}
	if err := st.Backup(out); err == nil {
		t.Error("Backup overwrote an existing file")
	}
}

// TestRelativeDataFolder: a data folder given relative to the working
// folder ("--data demo") opens, saves and exports; its URI once read as
// "file://demo/chorus.db", which SQLite refuses.
func TestRelativeDataFolder(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	st, err := Open(filepath.Join(parent, "demo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	dev, rs := setUpTestFolder(t, st, "relative")
	sv := testSurvey(t)
	st.Close()

	t.Chdir(parent)
	st, err = Open("demo", nil)
	if err != nil {
		t.Fatalf("Open(\"demo\"): %v", err)
	}
	defer st.Close()
	if _, err := st.Submit(ctx, rs, submission(sv, dev, "Roedd y meddyg yn garedig")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir("stick", 0o700); err != nil {
		t.Fatal(err)
	}
	res, err := st.Export(ctx, "stick", ExportOptions{})
	if err != nil || len(res) != 1 || res[0].Counts.Responses != 1 {
		t.Fatalf("export to a relative folder = %+v, %v", res, err)
	}
}
