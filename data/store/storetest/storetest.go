// Package storetest makes real batches for tests: a device is a real
// store in a temporary folder, with a real device key, sealing to real age
// keys, exporting through the same code as the coordinator's screen.
package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"

	"filippo.io/age"
	"github.com/google/uuid"
)

// Key is an analyst key pair.
type Key struct {
	Identity   string // the identity file's text (AGE-SECRET-KEY-...)
	Recipient  string // age1...
	Identities []age.Identity
	Recipients []seal.Recipient
}

// NewKey makes an X25519 analyst key, or a post-quantum one with pq.
func NewKey(t testing.TB, pq bool) Key {
	t.Helper()
	var secret, public string
	if pq {
		id, err := age.GenerateHybridIdentity()
		if err != nil {
			t.Fatal(err)
		}
		secret, public = id.String(), id.Recipient().String()
	} else {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		secret, public = id.String(), id.Recipient().String()
	}
	ids, err := seal.ParseIdentities(secret)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := seal.ParseRecipients(public)
	if err != nil {
		t.Fatal(err)
	}
	return Key{Identity: secret + "\n", Recipient: public, Identities: ids, Recipients: rs}
}

// SurveyFile is the test survey with every question type, relative to
// this package.
var SurveyFile = filepath.Join(sourceDir(), "..", "..", "survey", "testdata", "alltypes.json")

func sourceDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// Clock is a test clock that moves one second each time it is read.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the time and moves on.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// Device is a kiosk with a real store.
type Device struct {
	t      testing.TB
	Dir    string
	Store  *store.Store
	Info   store.Device
	Survey *survey.Survey
	Keys   []seal.Recipient
	Clock  *Clock
}

// Receipt is what a participant takes home, and what it names.
type Receipt struct {
	Code       string
	ResponseID string
}

// NewDevice sets up a device sealing to rs in a new folder. The store is
// closed when the test ends.
func NewDevice(t testing.TB, rs []seal.Recipient, demo bool) *Device {
	t.Helper()
	return OpenDevice(t, t.TempDir(), rs, demo)
}

// OpenDevice opens (setting up if new) the device in dir.
func OpenDevice(t testing.TB, dir string, rs []seal.Recipient, demo bool) *Device {
	t.Helper()
	clk := &Clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(dir, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	info, err := st.InitDevice("test kiosk", demo)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetRecipients(rs); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(SurveyFile)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := survey.Parse(filepath.Base(SurveyFile), body)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddSurvey(sv, body); err != nil {
		t.Fatal(err)
	}
	return &Device{t: t, Dir: dir, Store: st, Info: info, Survey: sv, Keys: rs, Clock: clk}
}

// Stories are the free-text answers Submit cycles through; the second is
// a spreadsheet formula, the third has a line break and Welsh.
var Stories = []string{
	"The doctor was kind.",
	"=HYPERLINK(\"http://example.invalid\",\"click\")",
	"Roedd y meddyg yn garedig.\nDiolch.",
	"Emoji 👍 and Arabic نعم",
}

// Submit saves n responses, each with a different mix of answers, and
// returns their receipts.
func (d *Device) Submit(n int) []Receipt {
	d.t.Helper()
	var out []Receipt
	for i := range n {
		out = append(out, d.submit(i, Stories[i%len(Stories)]))
	}
	return out
}

// SubmitStories saves one response for each text given, with that text as
// the answer to the free-text question "story", and returns their
// receipts in the same order.
func (d *Device) SubmitStories(stories ...string) []Receipt {
	d.t.Helper()
	var out []Receipt
	for i, story := range stories {
		out = append(out, d.submit(i, story))
	}
	return out
}

// submit saves the i-th of Submit's mix of answers, with story as the
// free-text answer.
func (d *Device) submit(i int, story string) Receipt {
	d.t.Helper()
	sub, code := d.Submission(i, story)
	saved, err := d.Store.Submit(context.Background(), d.Keys, sub)
	if err != nil {
		d.t.Fatal(err)
	}
	return Receipt{Code: code, ResponseID: saved.ResponseID}
}

// Submission is the i-th of Submit's mix of answers, with story as the
// free-text answer, ready for Store.Submit, and its receipt code.
func (d *Device) Submission(i int, story string) (store.Submission, string) {
	code := survey.NewReceipt()
	lang := d.Survey.Languages[i%len(d.Survey.Languages)]
	modes := []survey.Mode{survey.ModeSelf, survey.ModeAssisted, survey.ModeWorker}
	mode := modes[i%3]
	how, staff := survey.GivenTap, ""
	if mode != survey.ModeSelf {
		how, staff = survey.GivenVerbal, "Sam Worker"
	}
	purposes := map[string]bool{}
	for j, p := range d.Survey.Consent.Purposes {
		purposes[p.ID] = p.Required || (i+j)%2 == 0
	}
	age := 16 + i%90
	ans := survey.Answers{
		"online":     {Choice: []string{"yes", "no"}[i%2]},
		"devices":    {Choices: [][]string{{"phone"}, {"phone", "laptop"}, {"prefer_not"}}[i%3]},
		"confidence": {Choice: []string{"very_unhappy", "unhappy", "happy", "very_happy"}[i%4]},
		"ease":       {Choice: fmt.Sprint(1 + i%5)},
		"why_hard":   {Choice: []string{"cost", "other"}[i%2]},
		"story":      {Text: story},
		"age":        {Number: &age},
	}
	now := d.Clock.Now()
	return store.Submission{
		Survey: d.Survey,
		Consent: survey.ConsentRecord{
			ID: uuid.Must(uuid.NewV7()).String(), ReceiptHash: survey.HashReceipt(code),
			SurveyID: d.Survey.ID, SurveyVersion: d.Survey.Version, TextVersion: d.Survey.Consent.Version,
			TextSHA256: d.Survey.ConsentSHA256(lang), Language: lang, Format: survey.FormatStandard,
			Purposes: purposes, HowGiven: how, Mode: mode, Staff: staff, At: now, DeviceID: d.Info.ID,
		},
		Answers:   ans,
		Language:  lang,
		Mode:      mode,
		Status:    survey.Complete,
		StartedAt: now.Add(-5 * time.Minute),
	}, code
}

// Decline records n people saying no thanks.
func (d *Device) Decline(n int) {
	d.t.Helper()
	for i := range n {
		if err := d.Store.Decline(context.Background(), d.Survey, d.Survey.Languages[i%len(d.Survey.Languages)], ""); err != nil {
			d.t.Fatal(err)
		}
	}
}

// Withdraw withdraws the response with receipt code.
func (d *Device) Withdraw(code string) store.WithdrawResult {
	d.t.Helper()
	r, err := d.Store.Withdraw(context.Background(), code, "Sam Worker")
	if err != nil {
		d.t.Fatal(err)
	}
	return r
}

// Export writes the next batch into dir and returns its path.
func (d *Device) Export(dir string) string {
	d.t.Helper()
	res, err := d.Store.Export(context.Background(), dir, store.ExportOptions{AppVersion: "chorus test"})
	if err != nil {
		d.t.Fatal(err)
	}
	if len(res) != 1 {
		d.t.Fatalf("export wrote %d batches, want 1", len(res))
	}
	return res[0].Path
}
