package app

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
	"chorus/translations"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestMain(m *testing.M) {
	// Fyne writes preferences and a font cache under the user's folders.
	tmp, err := os.MkdirTemp("", "chorus-app-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("HOME", tmp)
	os.Setenv("XDG_CONFIG_HOME", tmp)
	os.Setenv("XDG_CACHE_HOME", tmp)
	os.Setenv("LANG", "en_GB.UTF-8")
	background = func(work func()) { work() }
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

type rig struct {
	k   *Kiosk
	st  *store.Store
	sv  *survey.Survey
	win fyne.Window
}

func newRig(t testing.TB, surveyPath string) *rig {
	t.Helper()
	return newRigIn(t, t.TempDir(), surveyPath)
}

// newRigIn is newRig with the store's data folder in dir.
func newRigIn(t testing.TB, dir, surveyPath string) *rig {
	t.Helper()
	a := test.NewTempApp(t)
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dev, err := st.InitDevice("test", true)
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
	body, err := os.ReadFile(surveyPath)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := survey.Parse("alltypes.json", body)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddSurvey(sv, body); err != nil {
		t.Fatal(err)
	}
	cat, problems := LoadCatalog(translations.FS())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	win := test.NewTempWindow(t, nil)
	k := NewKiosk(win, Config{Store: st, Survey: sv, Recipients: rs, Device: dev, Catalog: cat, Demo: true, StaffLang: "en",
		Clock: steppingClock(time.Second)})
	a.Settings().SetTheme(k.Theme())
	win.SetContent(k.Root())
	win.Resize(WindowSize)
	k.Start()
	return &rig{k: k, st: st, sv: sv, win: win}
}

// steppingClock returns a clock that moves on by step at every reading, so
// each test tap comes after the screen has settled.
func steppingClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

// onQuestion fails unless the kiosk shows question id.
func (r *rig) onQuestion(t *testing.T, id string) *questionScreen {
	t.Helper()
	if r.k.question == nil {
		t.Fatalf("want question %q, but no question is on screen", id)
	}
	if got := r.k.question.q.ID; got != id {
		t.Fatalf("on question %q, want %q", got, id)
	}
	return r.k.question
}

func (r *rig) choose(t *testing.T, id string, codes ...string) {
	t.Helper()
	s := r.onQuestion(t, id)
	for _, code := range codes {
		found := false
		for i, o := range s.q.Options {
			if o.Code == code {
				s.choices[i].lastTap = time.Time{} // each test tap is a deliberate one
				test.Tap(s.choices[i])
				found = true
			}
		}
		if !found {
			t.Fatalf("question %q has no option %q", id, code)
		}
	}
}

// waitFor polls cond on the UI goroutine until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ok := false
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestWholePathSealsExactlyTheAnswersGiven(t *testing.T) {
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	k := r.k
	const story = "Roedd y nyrs yn garedig (diolch!) = 100%"

	test.Tap(k.welcome.langs["cy"])
	if k.consent == nil {
		t.Fatal("choosing a language did not show consent")
	}
	test.Tap(k.consent.options["quotes"])
	test.Tap(k.consent.agree)

	r.onQuestion(t, "intro")
	test.Tap(k.question.next)

	// A required question cannot be skipped.
	r.onQuestion(t, "online")
	test.Tap(k.question.next)
	r.onQuestion(t, "online")
	if !k.question.message.Visible() {
		t.Error("no message when Next is tapped on an unanswered required question")
	}
	r.choose(t, "online", "yes")
	test.Tap(k.question.next)

	// Skip logic taken: devices shows because online = yes. Exclusive
	// options clear the others and the other way round.
	r.choose(t, "devices", "phone", "laptop", "prefer_not")
	if got := k.flow.Answers["devices"].Choices; !reflect.DeepEqual(got, []string{"prefer_not"}) {
		t.Errorf("after prefer_not, devices = %v", got)
	}
	r.choose(t, "devices", "phone")
	test.Tap(k.question.next)

	r.choose(t, "confidence", "happy")
	test.Tap(k.question.next)

	// Skip logic not taken: why_hard is hidden when ease is 4.
	r.choose(t, "ease", "4")
	test.Tap(k.question.next)
	s := r.onQuestion(t, "story")
	test.Type(s.entry, story)
	test.Tap(s.next)

	s = r.onQuestion(t, "age")
	test.Type(s.entry, "forty")
	test.Tap(s.next)
	r.onQuestion(t, "age")
	if !s.message.Visible() {
		t.Error("no message for a number that is not a number")
	}
	s.entry.SetText("")
	test.Type(s.entry, "42")
	test.Tap(s.next)

	if k.review == nil {
		t.Fatal("no review after the last question")
	}
	// Change an answer from the review: now why_hard shows (skip taken).
	test.Tap(k.review.change["ease"])
	r.choose(t, "ease", "2")
	test.Tap(k.question.next)
	r.choose(t, "why_hard", "cost")
	test.Tap(k.question.next)
	// Next after the changed answer and the question it opened returns
	// to check answers, passing over the questions answered already.
	if k.review == nil {
		t.Fatal("no review after changing an answer")
	}
	test.Tap(k.review.submit)
	waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
	receipt := k.thanks.receipt
	if _, err := survey.ParseReceipt(receipt); err != nil {
		t.Errorf("receipt %q: %v", receipt, err)
	}

	// The sealed payload holds exactly what was answered.
	got := openOnly(t, r.st)
	n := 42
	want := survey.Answers{
		"online":     {Choice: "yes"},
		"devices":    {Choices: []string{"phone"}},
		"confidence": {Choice: "happy"},
		"ease":       {Choice: "2"},
		"why_hard":   {Choice: "cost"},
		"story":      {Text: story},
		"age":        {Number: &n},
	}
	if !reflect.DeepEqual(got.Answers, want) {
		t.Errorf("sealed answers =\n%v\nwant\n%v", got.Answers, want)
	}
	if got.Language != "cy" {
		t.Errorf("language = %q", got.Language)
	}
	var purposes, lang, how, hash string
	r.st.DB().QueryRow(`SELECT purposes, language, how_given, receipt_hash FROM consents`).Scan(&purposes, &lang, &how, &hash)
	if purposes != `{"quotes":true,"take_part":true}` || lang != "cy" || how != "tap" {
		t.Errorf("consent record: purposes %s, language %s, given by %s", purposes, lang, how)
	}
	if hash != survey.HashReceipt(receipt) {
		t.Error("consent record does not hold the hash of the receipt shown")
	}

	// Finish: back to welcome with nothing of this person on screen.
	test.Tap(k.thanks.finish)
	if k.welcome == nil || k.flow != nil {
		t.Fatal("Finish did not return to a clean welcome screen")
	}
	for _, text := range visibleTexts(r.win.Canvas().Content()) {
		for _, secret := range []string{story, receipt, "42"} {
			if strings.Contains(text, secret) {
				t.Errorf("after Finish the screen still shows %q", text)
			}
		}
	}
}

func TestDeclineKeepsOnlyATally(t *testing.T) {
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	test.Tap(r.k.welcome.langs["en"])
	test.Tap(r.k.consent.decline)
	if r.k.declined == nil || r.k.flow != nil {
		t.Fatal("No thanks did not show the declined screen and forget the visit")
	}
	waitFor(t, "the declined tally", func() bool {
		c, _ := r.st.Counts(context.Background())
		return c.Declined == 1
	})
	var consents, responses int
	r.st.DB().QueryRow(`SELECT (SELECT count(*) FROM consents), (SELECT count(*) FROM responses)`).Scan(&consents, &responses)
	if consents != 0 || responses != 0 {
		t.Errorf("declining stored %d consents and %d responses", consents, responses)
	}
	test.Tap(r.k.declined.finish)
	if r.k.welcome == nil {
		t.Error("Finish did not go back to welcome")
	}
}

func TestBackFromFirstQuestionKeepsConsentChoices(t *testing.T) {
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	test.Tap(r.k.welcome.langs["en"])
	test.Tap(r.k.consent.options["quotes"])
	test.Tap(r.k.consent.agree)
	test.Tap(r.k.question.back)
	if r.k.consent == nil {
		t.Fatal("Back on the first question did not return to consent")
	}
	if !r.k.consent.options["quotes"].Selected {
		t.Error("the optional purpose chosen before was forgotten")
	}
}

func TestTapsWhileAScreenSettlesAreIgnored(t *testing.T) {
	r := newRig(t, "../data/survey/testdata/alltypes.json")
	now := r.k.shownAt
	r.k.cfg.Clock = func() time.Time { return now }
	test.Tap(r.k.welcome.langs["en"])
	if r.k.welcome == nil {
		t.Fatal("a tap the instant the welcome screen appeared was taken")
	}
	now = now.Add(settleTime)
	test.Tap(r.k.welcome.langs["en"])
	if r.k.consent == nil {
		t.Fatal("a tap after the screen settled was ignored")
	}
	// A double tap on Agree: the second lands on the first question's Next.
	now = now.Add(settleTime)
	test.Tap(r.k.consent.agree)
	now = now.Add(100 * time.Millisecond)
	test.Tap(r.k.question.next)
	r.onQuestion(t, "intro")
}

func openOnly(t *testing.T, st *store.Store) survey.Payload {
	t.Helper()
	rs, err := st.Responses(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("stored responses: %d, %v; want exactly one", len(rs), err)
	}
	ids, err := seal.ParseIdentities(assets.DemoIdentity())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := seal.Open(ids, rs[0].Sealed)
	if err != nil {
		t.Fatal(err)
	}
	var p survey.Payload
	if err := json.Unmarshal(plain, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// visibleTexts collects the text of every label, entry, button and choice
// under obj.
func visibleTexts(obj fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Entry:
			out = append(out, w.Text)
		case *answerBox:
			out = append(out, w.Text)
		case *Button:
			out = append(out, w.Text)
		case *Choice:
			out = append(out, w.Label)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(w.Content)
		case *dragScroll:
			walk(w.Content)
		}
	}
	walk(obj)
	return out
}
