package app

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"chorus/data/audio"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fakePlayer records what the kiosk asks it to play, as "play KEY KEY..."
// and "stop" lines, and plays nothing.
type fakePlayer struct {
	mu      sync.Mutex
	log     []string
	clips   [][]Clip
	playing bool
	done    func()
}

func (f *fakePlayer) Play(clips []Clip, done func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var keys []string
	for _, c := range clips {
		keys = append(keys, c.Key)
	}
	f.log = append(f.log, "play "+strings.Join(keys, " "))
	f.clips = append(f.clips, clips)
	f.playing, f.done = len(clips) > 0, done
}

func (f *fakePlayer) Stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, "stop")
	f.playing = false
}

func (f *fakePlayer) Playing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.playing
}

// take returns the log so far and empties it.
func (f *fakePlayer) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	return out
}

// lastPlay is the keys of the last play, or "" if the log has none.
func lastPlay(log []string) string {
	for i := len(log) - 1; i >= 0; i-- {
		if k, ok := strings.CutPrefix(log[i], "play "); ok {
			return k
		}
	}
	return ""
}

// audioRig is the kiosk with the built-in survey, its shipped draft pack
// and a fake player, on a clock moved by hand.
func audioRig(t *testing.T) (*rig, *manualClock, *fakePlayer) {
	t.Helper()
	r := newRig(t, builtinSurveyPath)
	clk := &manualClock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	r.k.cfg.Clock = clk.now
	r.k.display.corner.now = clk.now
	pack := AudioLoader(os.DirFS("../assets/audio"))(r.sv)
	if pack == nil {
		t.Fatal("the built-in survey's audio pack did not load")
	}
	fake := &fakePlayer{}
	r.k.cfg.Player = fake
	r.k.SetAudio(pack)
	r.k.Start()
	fake.take()
	return r, clk, fake
}

func TestListenPlaysTheScreenInOrderAndStopsOnNext(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k

	r.tap(clk, k.listen)
	if got, want := lastPlay(fake.take()), "app.welcome.title app.welcome.choose app.audio.always"; got != want {
		t.Errorf("welcome: played %q, want %q", got, want)
	}
	if !k.audioCue || k.listen.Importance != widget.HighImportance || k.listen.Icon != theme.MediaStopIcon() {
		t.Error("no cue while playing")
	}
	// The cue is drawn: the button is the primary colour on screen.
	if c := listenColour(r); c != theme.Color(theme.ColorNamePrimary) {
		t.Errorf("the Listen button is drawn %v while playing, want the primary colour", c)
	}

	r.tap(clk, k.welcome.langs["cy"])
	if log := fake.take(); len(log) == 0 || log[len(log)-1] != "stop" {
		t.Errorf("choosing a language: %q, want the welcome's sound stopped", log)
	}
	if k.audioCue {
		t.Error("the cue stays after the screen changed")
	}

	// Consent: the texts, the purposes in screen order, then the actions,
	// each the pack's Welsh clip.
	r.tap(clk, k.listen)
	want := "app.consent.title consent.text app.consent.agreeing_means consent.purpose.take_part " +
		"app.consent.optional consent.purpose.quotes consent.purpose.sharing app.consent.agree app.consent.decline"
	if got := lastPlay(fake.take()); got != want {
		t.Errorf("consent: played\n%s\nwant\n%s", got, want)
	}
	for _, c := range fake.clips[len(fake.clips)-1] {
		b, err := k.cfg.Audio.Open("cy", c.Key)
		if err != nil || !bytes.Equal(b, c.Data) {
			t.Errorf("%s: not the Welsh clip (%v)", c.Key, err)
		}
	}

	r.tap(clk, k.consent.agree) // to the intro
	if log := fake.take(); len(log) == 0 || log[len(log)-1] != "stop" {
		t.Errorf("agree: %q, want the consent's sound stopped", log)
	}
	r.tap(clk, k.listen)
	if got := lastPlay(fake.take()); got != "survey.intro app.intro.start" {
		t.Errorf("intro: played %q", got)
	}
	r.tap(clk, k.intro.start)

	// The first question: its text, its help, "choose more than one",
	// then every option in order.
	r.onQuestion(t, "devices")
	fake.take()
	r.tap(clk, k.listen)
	pr := k.question.progress
	want = fmt.Sprintf("progress.text.0 progress.N.1 progress.text.1 progress.Total.%d ", pr.Total) +
		"q.devices.text q.devices.help app.question.choose_any q.devices.option.smartphone q.devices.option.tablet " +
		"q.devices.option.computer q.devices.option.basic_phone q.devices.option.none q.devices.option.prefer_not"
	if got := lastPlay(fake.take()); got != want {
		t.Errorf("question: played\n%s\nwant\n%s", got, want)
	}
	// Tapped again while playing, Listen stops.
	r.tap(clk, k.listen)
	if log := fake.take(); !reflect.DeepEqual(log, []string{"stop"}) || k.audioCue {
		t.Errorf("second tap: %q, cue %v; want it stopped", log, k.audioCue)
	}
	// An option's own speaker, tapped while the screen plays, plays that
	// option instead.
	r.tap(clk, k.listen)
	k.onListenOption(audio.OptionKey(k.question.q, k.question.q.Options[1]))
	if got := lastPlay(fake.take()); got != "q.devices.option.tablet" || !fake.Playing() || !k.audioCue {
		t.Errorf("option speaker: played %q", got)
	}
	r.choose(t, "devices", "smartphone")
	r.tap(clk, k.question.next)
	r.onQuestion(t, "home_internet")
	if log := fake.take(); log[len(log)-1] != "stop" || fake.Playing() {
		t.Errorf("Next: %q, want the question's sound stopped", log)
	}
}

func TestIdleResetStopsSoundAndForgetsAlwaysRead(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k
	if !k.always.Visible() || k.always.Label != "Always read aloud" {
		t.Fatalf("no 'Always read aloud' on the welcome screen (%q)", k.always.Label)
	}
	r.tap(clk, k.always)
	if !k.always.Selected || !k.alwaysRead {
		t.Fatal("'Always read aloud' did not turn on")
	}
	r.tap(clk, k.welcome.langs["ur"])
	if !k.always.Visible() || !k.always.Selected {
		t.Error("'Always read aloud' is not on the consent screen, ticked")
	}
	// Always read aloud: each screen is heard as it appears.
	if got := lastPlay(fake.take()); !strings.HasPrefix(got, "app.consent.title consent.text") {
		t.Errorf("consent with always read aloud: played %q", got)
	}
	r.tap(clk, k.consent.agree)
	if got := lastPlay(fake.take()); got != "survey.intro app.intro.start" {
		t.Errorf("intro with always read aloud: played %q", got)
	}
	r.tap(clk, k.intro.start)
	r.onQuestion(t, "devices")
	if got := lastPlay(fake.take()); !strings.HasPrefix(got, "progress.Total.") || !strings.Contains(got, "q.devices.text") {
		t.Errorf("question with always read aloud: played %q", got)
	}
	// The warning is read too, then the reset stops everything.
	clk.add(DefaultIdleAfter + time.Second)
	k.Tick()
	if got := lastPlay(fake.take()); got != "app.idle.title app.idle.more_time" {
		t.Errorf("idle warning: played %q", got)
	}
	stale := fake.done
	clk.add(DefaultWarnFor)
	k.Tick()
	if k.welcome == nil {
		t.Fatal("no reset")
	}
	log := fake.take()
	if len(log) == 0 || log[len(log)-1] != "stop" || fake.Playing() {
		t.Errorf("idle reset: %q, playing %v; want stopped", log, fake.Playing())
	}
	for _, l := range log {
		if strings.HasPrefix(l, "play ") && l != "play " {
			t.Errorf("after the reset the kiosk played %q", l)
		}
	}
	// The last person's sequence ending late changes nothing on screen.
	stale()
	if k.audioCue {
		t.Error("a sound from before the reset shows the cue")
	}
	// The next person starts without "always read aloud".
	if k.alwaysRead || k.always.Selected || !k.always.Visible() {
		t.Error("always read aloud stayed on for the next person")
	}
	r.tap(clk, k.welcome.langs["en"])
	if got := lastPlay(fake.take()); got != "" {
		t.Errorf("next person's consent played %q unasked", got)
	}
}

func TestConsentRecordSaysListened(t *testing.T) {
	r, clk, _ := audioRig(t)
	k := r.k
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.listen)
	k.flow.EasyRead = true
	r.tap(clk, k.consent.agree)
	sub := k.flow.Submission(r.sv, k.cfg.Device, k.currentVisit(), survey.Complete)
	if !sub.Consent.Listened || sub.Consent.Format != survey.FormatEasyRead {
		t.Errorf("consent record: listened %v, format %q; want true, easy-read", sub.Consent.Listened, sub.Consent.Format)
	}
	if err := sub.Consent.Complete(r.sv); err != nil {
		t.Error(err)
	}
}

func TestNoPackNoDeviceKeepsTheKioskWorking(t *testing.T) {
	r, clk := rigWithClock(t) // no pack, no player
	k := r.k
	if k.listen.Visible() {
		t.Error("a Listen button is shown with nothing to hear")
	}
	r.tap(clk, k.listen)
	r.tap(clk, k.welcome.langs["en"])
	r.tap(clk, k.listen)
	r.tap(clk, k.consent.agree)
	if k.consent != nil || k.audioCue {
		t.Error("without audio the kiosk did not go on, or shows a cue")
	}
	var p Player = NullPlayer{}
	p.Play([]Clip{{Key: "x"}}, nil)
	if p.Playing() {
		t.Error("the null player says it plays")
	}
}

func TestSurveyTabShowsAudioStatus(t *testing.T) {
	r, _, _ := audioRig(t)
	sh := &Shell{kiosk: r.k, cfg: ShellConfig{Catalog: r.k.cfg.Catalog}}
	c := &coordinatorTabs{sh: sh, l: r.k.cfg.Catalog.Localizer("en")}
	texts := strings.Join(visibleTexts(c.languages()), "\n")
	for _, want := range []string{
		"English (en) — checked by a native speaker · Audio: draft voice",
		"Welsh (cy) — draft — needs review by a native speaker · Audio: draft voice",
		"Somali (so) — draft — needs review by a native speaker · Audio: none — needs recordings, so there is no Listen button",
		"Arabic (ar) · right to left — draft — needs review by a native speaker · Audio: draft voice",
	} {
		if !strings.Contains(texts, want) {
			t.Errorf("Survey tab lacks %q:\n%s", want, texts)
		}
	}
}

// TestSurveyTabInstallsTheAudioPack: a survey file loaded on the Survey
// tab brings the pack beside it into the data folder, and the kiosk plays
// it after the stick is gone.
func TestSurveyTabInstallsTheAudioPack(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	r.sh.cfg.LoadAudio = AudioLoader(os.DirFS(filepath.Join(r.st.Dir(), "audio")))
	usb := t.TempDir()
	body, err := os.ReadFile(builtinSurveyPath)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(usb, "digital-inclusion.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(usb, "digital-inclusion"), os.DirFS("../assets/audio/digital-inclusion")); err != nil {
		t.Fatal(err)
	}
	c := r.sh.home.coord
	c.surveyFile.SetText(path)
	test.Tap(c.loadSurvey)
	if strings.Contains(c.surveyMsg.Text, "could not be copied") || !strings.Contains(c.surveyMsg.Text, "digital_inclusion") {
		t.Fatalf("loading says %q", c.surveyMsg.Text)
	}
	os.RemoveAll(usb)
	if p := r.sh.kiosk.cfg.Audio; !p.Has("cy", audio.QuestionText("devices")) {
		t.Error("the kiosk has no Welsh recording after the stick was removed")
	}

	// A survey naming a pack that is not beside it loads, silent, and
	// says so.
	if err := os.MkdirAll(usb, 0o700); err != nil {
		t.Fatal(err)
	}
	v4 := strings.Replace(string(body), `"version": 3,`, `"version": 4,`, 1)
	v4 = strings.Replace(v4, `"pack": "digital-inclusion"`, `"pack": "elsewhere"`, 1)
	path = filepath.Join(usb, "v4.json")
	if err := os.WriteFile(path, []byte(v4), 0o600); err != nil {
		t.Fatal(err)
	}
	c.surveyFile.SetText(path)
	test.Tap(c.loadSurvey)
	if !strings.Contains(c.surveyMsg.Text, "its recordings could not be copied") || r.sh.kiosk.cfg.Survey.Version != 4 {
		t.Errorf("loading without the pack says %q", c.surveyMsg.Text)
	}
	if r.sh.kiosk.cfg.Audio != nil {
		t.Error("the kiosk kept the old survey's pack")
	}
}

// listenColour is the colour drawn a few pixels inside the Listen
// button's top left corner.
func listenColour(r *rig) color.Color {
	img := r.win.Canvas().Capture()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(r.k.listen)
	scale := r.win.Canvas().Scale()
	return img.At(int((pos.X+8)*scale), int((pos.Y+8)*scale))
}

// TestEasyReadConsent: the participant switches to the easy-read consent
// and back, keeping their choices; Listen reads the version on show; the
// saved consent record says easy-read and listened.
func TestEasyReadConsent(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k
	r.tap(clk, k.welcome.langs["en"])
	s := k.consent
	if s.easy == nil || s.standard == nil {
		t.Fatal("no easy-read choice on the consent screen")
	}
	r.tap(clk, s.options["quotes"])
	r.tap(clk, s.easy)
	if !k.flow.EasyRead || k.consent == s {
		t.Fatal("easy read did not show")
	}
	texts := strings.Join(visibleTexts(k.consent.root), "\n")
	for _, want := range []string{"You choose if you take part.", "• I want to answer the questions.", "You can use my words. You will not use my name."} {
		if !strings.Contains(texts, want) {
			t.Errorf("easy-read consent lacks %q:\n%s", want, texts)
		}
	}
	if strings.Contains(texts, "integrated care system") {
		t.Error("the easy-read consent shows the full text too")
	}
	if !k.consent.options["quotes"].Selected {
		t.Error("the choice made before switching was lost")
	}
	// Each purpose has its picture from the pack: beside the required
	// one's line, on the optional ones' tick boxes.
	if p := k.consent.options["quotes"].Picture; p == nil || p.Name() != "quotes.png" {
		t.Errorf("quotes picture = %v", p)
	}
	var pictures []string
	var find func(o fyne.CanvasObject)
	find = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *canvas.Image:
			if w.Resource != nil {
				pictures = append(pictures, w.Resource.Name())
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				find(c)
			}
		case *dragScroll:
			find(w.Content)
		}
	}
	find(k.consent.root)
	if !slices.Contains(pictures, "take_part.png") {
		t.Errorf("pictures on the easy-read consent: %v, want take_part.png", pictures)
	}
	fake.take()
	r.tap(clk, k.listen)
	want := "app.consent.title consent.easy_read app.consent.agreeing_means consent.easy_purpose.take_part " +
		"app.consent.optional consent.easy_purpose.quotes consent.easy_purpose.sharing app.consent.agree app.consent.decline"
	if got := lastPlay(fake.take()); got != want {
		t.Errorf("easy-read consent: played\n%s\nwant\n%s", got, want)
	}
	r.tap(clk, k.consent.agree)
	// Saved as a partial response: the store checks the consent record
	// whole, and a partial one needs no answers.
	sub := k.flow.Submission(r.sv, k.cfg.Device, k.currentVisit(), survey.Partial)
	if _, err := r.st.Submit(context.Background(), k.cfg.Recipients, sub); err != nil {
		t.Fatal(err)
	}
	var format string
	if err := r.st.DB().QueryRow(`SELECT format FROM consents`).Scan(&format); err != nil {
		t.Fatal(err)
	}
	if format != "easy-read+read-aloud" {
		t.Errorf("stored consent format %q, want easy-read+read-aloud", format)
	}
	if !sub.Consent.Purposes["quotes"] {
		t.Error("quotes not agreed")
	}
}

// TestOptionSpeakers: each option of a choice question has its own
// speaker, which plays just that option, in the participant's language.
func TestOptionSpeakers(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k
	r.tap(clk, k.welcome.langs["pl"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.intro.start)
	r.onQuestion(t, "devices")
	var speakers []*Button
	var walkTree func(o fyne.CanvasObject)
	walkTree = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *Button:
			if w.Icon == theme.VolumeUpIcon() && w.Text == "" {
				speakers = append(speakers, w)
			}
		case *fyne.Container:
			for _, ch := range w.Objects {
				walkTree(ch)
			}
		case *container.ThemeOverride: // the speaker's larger icon
			walkTree(w.Content)
		case *dragScroll:
			walkTree(w.Content)
		}
	}
	walkTree(k.question.root)
	q := k.question.q
	if len(speakers) != len(q.Options) {
		t.Fatalf("%d option speakers, want %d", len(speakers), len(q.Options))
	}
	fake.take()
	r.tap(clk, speakers[2])
	if got := lastPlay(fake.take()); got != audio.OptionKey(q, q.Options[2]) {
		t.Errorf("third speaker played %q", got)
	}
	b, _ := k.cfg.Audio.Open("pl", audio.OptionKey(q, q.Options[2]))
	if c := fake.clips[len(fake.clips)-1]; len(c) != 1 || !bytes.Equal(c[0].Data, b) {
		t.Error("not the Polish clip")
	}
}

// TestBadPackNeverStopsTheKiosk: a pack with a broken manifest gives no
// audio, and one with a damaged clip loses only that clip; either way the
// kiosk starts and runs.
func TestBadPackNeverStopsTheKiosk(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "digital-inclusion"), os.DirFS("../assets/audio/digital-inclusion")); err != nil {
		t.Fatal(err)
	}
	clip := filepath.Join(dir, "digital-inclusion", "cy", audio.QuestionText("devices")+".mp3")
	if err := os.WriteFile(clip, []byte("not a recording"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := AudioLoader(os.DirFS(dir))(r.sv)
	if p == nil || p.Has("cy", audio.QuestionText("devices")) || !p.Has("cy", audio.QuestionText("home_internet")) {
		t.Fatal("a damaged clip did not lose just that clip")
	}
	manifest := filepath.Join(dir, "digital-inclusion", "manifest.json")
	if err := os.WriteFile(manifest, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p := AudioLoader(os.DirFS(dir))(r.sv); p != nil {
		t.Fatal("a broken manifest gave a pack")
	}
	k.SetAudio(nil)
	k.Start()
	r.tap(clk, k.welcome.langs["cy"])
	r.tap(clk, k.consent.agree)
	if k.intro == nil || k.listen.Visible() {
		t.Error("without a pack the kiosk did not go on, or still shows Listen")
	}
	if log := fake.take(); lastPlay(log) != "" {
		t.Errorf("played %q without a pack", log)
	}
}
