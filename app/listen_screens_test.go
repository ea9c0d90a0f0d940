package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"chorus/data/audio"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
)

// TestListenReadsCheckAnswersAndTheReceipt: on the check-answers screen
// Listen reads each question then its answer ("No answer" where skipped,
// "you typed your own answer" for typed words, never the words); on the
// thank-you screen it spells the receipt code, one clip per character.
func TestListenReadsCheckAnswersAndTheReceipt(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k
	newReceipt = func() string { return "K7D-4MX-9RA" }
	t.Cleanup(func() { newReceipt = survey.NewReceipt })
	r.tap(clk, k.welcome.langs["ar"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.intro.start)
	r.onQuestion(t, "devices")
	ans := k.flow.Answers
	ans["devices"] = survey.Answer{Choices: []string{"smartphone", "tablet"}}
	ans["confidence"] = survey.Answer{Choice: "quite"}
	ans["missed_out"] = survey.Answer{Choice: "yes"}
	ans["experience"] = survey.Answer{Text: "my own words"}
	ans["about_you"] = survey.Answer{Choice: "skip"}
	k.goTo(-1)
	if k.review == nil {
		t.Fatal("no check-answers screen")
	}
	fake.take()
	r.tap(clk, k.listen)
	got := lastPlay(fake.take())
	for _, want := range []string{
		"app.review.title app.review.intro q.devices.text q.devices.option.smartphone q.devices.option.tablet q.home_internet.text app.review.skipped q.confidence.text q.confidence.option.quite",
		"q.missed_out.text app.answer.yes",
		"q.experience.text app.review.typed",
		"app.review.send",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check answers: played\n%s\nwant in it\n%s", got, want)
		}
	}
	// Every key has its Arabic clip: the pack lacks none of them.
	if want := strings.Join(k.reviewKeys(), " "); got != want {
		t.Errorf("check answers: played\n%s\nwant every key\n%s", got, want)
	}

	r.tap(clk, k.review.submit)
	waitFor(t, "the thank-you screen", func() bool { return k.thanks != nil })
	r.tap(clk, k.listen)
	got = lastPlay(fake.take())
	want := "app.thanks.title app.thanks.saved app.thanks.receipt_intro " +
		"spell.K spell.7 spell.D spell.4 spell.M spell.X spell.9 spell.R spell.A app.thanks.receipt_use"
	if !strings.HasPrefix(got, want) {
		t.Errorf("thank-you: played\n%s\nwant it to start\n%s", got, want)
	}
	// Spelled in Arabic: the clip for K is the Arabic pack's.
	b, _ := k.cfg.Audio.Open("ar", "spell.K")
	for _, c := range fake.clips[len(fake.clips)-1] {
		if c.Key == "spell.K" && string(c.Data) != string(b) {
			t.Error("K is not the Arabic clip")
		}
	}
}

// TestListenReadsProgressAndErrors: a question is read with its progress
// line, in the language's own order, and an error after a failed Next is
// read first; with "always read aloud" on, the error is heard as it shows.
func TestListenReadsProgressAndErrors(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k
	r.tap(clk, k.always)
	r.tap(clk, k.welcome.langs["ur"])
	r.tap(clk, k.consent.agree)
	r.tap(clk, k.intro.start)
	r.choose(t, "devices", "smartphone")
	r.tap(clk, k.question.next)
	r.choose(t, "home_internet", "broadband")
	r.tap(clk, k.question.next)
	s := r.onQuestion(t, "confidence")
	p := s.progress
	if p.N != 3 {
		t.Fatalf("progress %d of %d, want 3 of some", p.N, p.Total)
	}
	// Urdu says the total first: "{{.Total}} میں سے سوال {{.N}}".
	wantProgress := fmt.Sprintf("progress.Total.%d progress.text.0 progress.N.3", p.Total)
	if got := lastPlay(fake.take()); !strings.HasPrefix(got, wantProgress+" q.confidence.text app.question.required_mark") {
		t.Errorf("question: played\n%s\nwant it to start\n%s q.confidence.text app.question.required_mark", got, wantProgress)
	}
	r.tap(clk, s.next) // no answer to a required question: its own words
	if got := lastPlay(fake.take()); got != "q.confidence.required_message" {
		t.Errorf("failed Next with always read aloud: played %q, want the error", got)
	}
	r.tap(clk, k.listen)
	r.tap(clk, k.listen) // stop, then again
	if got := lastPlay(fake.take()); !strings.HasPrefix(got, "q.confidence.required_message "+wantProgress+" q.confidence.text") {
		t.Errorf("Listen after the error: played\n%s", got)
	}
	// The same in English, left to right, on a text question too long.
	k.goTo(slices.IndexFunc(r.sv.Questions, func(q survey.Question) bool { return q.ID == "experience" }))
	q := r.onQuestion(t, "experience")
	q.entry.SetText(strings.Repeat("ا", 1001))
	fake.take()
	r.tap(clk, q.next)
	if got := lastPlay(fake.take()); got != "q.experience.too_long" {
		t.Errorf("too long: played %q", got)
	}
	// Once the error is gone, Listen no longer reads it.
	q.entry.SetText("")
	k.question.page.hideError()
	r.tap(clk, k.listen)
	if got := lastPlay(fake.take()); strings.Contains(got, "too_long") {
		t.Errorf("the error is read after it went: %q", got)
	}
}

// TestEveryClipTheKioskAsksForIsInThePack walks every screen the kiosk can
// show, in every language with a draft voice, and checks that the built-in
// pack has each clip that screen's Listen asks for, and each error message
// each question can show. (Before, Arabic had no "Skip", and no language
// could read the progress line, the receipt or the errors.)
func TestEveryClipTheKioskAsksForIsInThePack(t *testing.T) {
	r, clk, _ := audioRig(t)
	k := r.k
	sv := r.sv
	lack := map[string][]string{}
	check := func(lang, where string, keys []string) {
		for _, key := range keys {
			if !k.cfg.Audio.Has(lang, key) {
				lack[lang] = append(lack[lang], where+": "+key)
			}
		}
	}
	for _, lang := range sv.Languages {
		if lang == "so" {
			continue // no voice: see TestSomaliHasNoListenUntilRecorded
		}
		k.Start()
		check(sv.Languages[0], "welcome", k.screenKeys())
		r.tap(clk, k.welcome.langs[lang])
		check(lang, "consent", k.screenKeys())
		check(lang, "easy-read consent", consentKeys(sv, true))
		r.tap(clk, k.consent.agree)
		check(lang, "intro", k.screenKeys())
		l := k.cfg.Catalog.Localizer(lang)
		for i := range sv.Questions {
			q := &sv.Questions[i]
			k.goTo(i)
			check(lang, q.ID, k.screenKeys())
			// Each message questionScreen.problem can give this question.
			msgs := []string{l.T("question.required"), l.T("question.try_again")}
			if m := q.RequiredMessage.In(lang); q.Required && m != "" {
				msgs = append(msgs, m) // the question's own words
			}
			switch {
			case q.Input == survey.PostcodeOutward:
				msgs = append(msgs, l.T("question.postcode_bad"), l.T("question.bad_text"))
			case q.Type == survey.Free:
				msgs = append(msgs, l.N("question.too_long", q.Limit()), l.T("question.bad_text"))
			}
			for _, msg := range msgs {
				keys := k.errorKeys(l, q, msg)
				if len(keys) == 0 {
					lack[lang] = append(lack[lang], q.ID+": no clip for the error "+msg)
				}
				check(lang, q.ID+" error", keys)
			}
		}
		k.goTo(-1)
		check(lang, "check answers", k.screenKeys())
		k.review.message.Show()
		check(lang, "check answers, not saved", k.screenKeys())
		check(lang, "every answer", []string{audio.App("review.typed"), audio.App("review.skipped")})
		for i := range sv.Questions {
			q := &sv.Questions[i]
			for _, o := range q.Options {
				check(lang, q.ID+" answer", answerClips(q, survey.Answer{Choice: o.Code}))
			}
		}
		check(lang, "receipt", audio.SpellKeys(survey.ReceiptAlphabet))
		for total := 1; total <= len(sv.Questions); total++ {
			for n := 1; n <= total; n++ {
				if pos, most := n, total; most <= countAnswerable(sv) {
					check(lang, "progress", audio.ProgressSay(lang, pos, most))
				}
			}
		}
		k.warning = &idleWarning{}
		check(lang, "idle warning", k.screenKeys())
		k.warning = nil
		k.finish()
	}
	for _, lang := range sv.Languages {
		if len(lack[lang]) > 0 {
			t.Errorf("%s: the pack lacks %d clips the kiosk asks for: %s", lang, len(lack[lang]), strings.Join(lack[lang], ", "))
		}
	}
}

func countAnswerable(sv *survey.Survey) int {
	n := 0
	for i := range sv.Questions {
		if sv.Questions[i].Answerable() {
			n++
		}
	}
	return n
}

// TestSomaliHasNoListenUntilRecorded: espeak-ng has no Somali voice, so
// the built-in pack has no Somali clip; the Somali screens show no Listen
// control (never a button that pretends), and staff see why. A pack with
// Somali recordings shows it.
func TestSomaliHasNoListenUntilRecorded(t *testing.T) {
	r, clk, fake := audioRig(t)
	k := r.k
	r.tap(clk, k.welcome.langs["so"])
	if k.listen.Visible() || k.always.Visible() {
		t.Error("the Somali consent shows Listen or 'always read aloud' with nothing to hear")
	}
	r.tap(clk, k.consent.agree)
	if k.listen.Visible() {
		t.Error("a Somali screen shows Listen")
	}
	if log := fake.take(); lastPlay(log) != "" {
		t.Errorf("played %q in Somali", log)
	}
	sh := &Shell{kiosk: k, cfg: ShellConfig{Catalog: k.cfg.Catalog}}
	c := &coordinatorTabs{sh: sh, l: k.cfg.Catalog.Localizer("en")}
	texts := strings.Join(visibleTexts(c.languages()), "\n")
	if want := "Somali (so) — draft — needs review by a native speaker · Audio: none — needs recordings, so there is no Listen button"; !strings.Contains(texts, want) {
		t.Errorf("Survey tab lacks %q:\n%s", want, texts)
	}
}

// TestListenIsMirroredForRightToLeft: Listen and "Always read aloud" are at
// the header's right end in English and at its left end, mirrored, in
// Arabic and Urdu; "Always read aloud" is in the chosen language on the
// consent screen and turns through the languages on the welcome screen.
func TestListenIsMirroredForRightToLeft(t *testing.T) {
	r, clk, _ := audioRig(t)
	k := r.k
	width := r.win.Canvas().Size().Width
	pos := func(o fyne.CanvasObject) float32 {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).X
	}
	if x := pos(k.listen); x < width/2 {
		t.Errorf("welcome: Listen at x=%v of %v, want the right end", x, width)
	}
	if k.always.Label != "Always read aloud" {
		t.Errorf("welcome: %q", k.always.Label)
	}
	k.welcome.rotate()
	cy := k.cfg.Catalog.Localizer(r.sv.Languages[1]).T("audio.always")
	if k.always.Label != cy {
		t.Errorf("welcome after a turn: %q, want %q", k.always.Label, cy)
	}
	for _, c := range []struct {
		lang string
		rtl  bool
	}{{"ar", true}, {"en", false}, {"ur", true}} {
		k.Start()
		r.tap(clk, k.welcome.langs[c.lang])
		r.win.Canvas().Refresh(k.root)
		listen, always := pos(k.listen), pos(k.always)
		if c.rtl && (listen > width/4 || always < listen) {
			t.Errorf("%s: Listen at x=%v, always at %v of %v: want Listen at the left end, always to its right", c.lang, listen, always, width)
		}
		if !c.rtl && (listen < width*3/4 || always > listen) {
			t.Errorf("%s: Listen at x=%v, always at %v of %v: want Listen at the right end, always to its left", c.lang, listen, always, width)
		}
		want := k.cfg.Catalog.Localizer(c.lang).T("audio.always")
		if !k.always.Visible() || !strings.Contains(k.always.Label, strings.Fields(want)[0]) && k.always.Label != visual(k.loc().Lang, want) {
			t.Errorf("%s consent: 'always read aloud' %q (visible %v), want %q", c.lang, k.always.Label, k.always.Visible(), want)
		}
		r.tap(clk, k.consent.agree)
		if k.always.Visible() {
			t.Errorf("%s: 'always read aloud' shows past the consent screen", c.lang)
		}
		k.finish()
	}
}

// TestSurveysOwnErrorMessagesHaveClips: a question's own required_message
// and constraint_message are read from the pack by their own keys (they
// said nothing before: the kiosk logged "no recording"), and a pack for
// such a survey lists those keys.
func TestSurveysOwnErrorMessagesHaveClips(t *testing.T) {
	r, _, _ := audioRig(t)
	l := r.k.cfg.Catalog.Localizer("cy")
	q := &survey.Question{ID: "age", Type: survey.Number, Required: true,
		RequiredMessage:   survey.Text{"cy": "Dywedwch faint yw eich oed"},
		ConstraintMessage: survey.Text{"cy": "Rhowch oed rhwng 16 a 120"}}
	for msg, want := range map[string]string{
		"Dywedwch faint yw eich oed": "q.age.required_message",
		"Rhowch oed rhwng 16 a 120":  "q.age.constraint_message",
	} {
		if got := r.k.errorKeys(l, q, msg); len(got) != 1 || got[0] != want {
			t.Errorf("%q: keys %v, want %s", msg, got, want)
		}
	}
	sv := &survey.Survey{Languages: []string{"cy"}, Questions: []survey.Question{*q}}
	var keys []string
	for _, tx := range audio.SurveyTexts(sv, "cy") {
		keys = append(keys, tx.Key)
	}
	for _, want := range []string{"q.age.required_message", "q.age.constraint_message"} {
		if !slices.Contains(keys, want) {
			t.Errorf("the pack's texts %v lack %s", keys, want)
		}
	}
}

// TestDateAndDecimalWordsAreRead: a date question's hint and the date,
// decimal and number questions' errors are read from the pack's own clips
// in every language with a voice (they were silent: no key was asked for).
func TestDateAndDecimalWordsAreRead(t *testing.T) {
	r, _, _ := audioRig(t)
	k := r.k
	for _, lang := range r.sv.Languages {
		if !k.cfg.Audio.Speaks(lang) {
			continue
		}
		l := k.cfg.Catalog.Localizer(lang)
		for typ, key := range map[survey.Type]string{
			survey.Date: "question.date_bad", survey.Decimal: "question.decimal_bad", survey.Number: "question.number_bad",
		} {
			q := &survey.Question{ID: "q", Type: typ}
			keys := k.errorKeys(l, q, l.T(key))
			if len(keys) != 1 || keys[0] != audio.App(key) {
				t.Errorf("%s %s: error read as %v, want %s", lang, typ, keys, audio.App(key))
				continue
			}
			if !k.cfg.Audio.Has(lang, keys[0]) {
				t.Errorf("%s: the pack has no clip %s", lang, keys[0])
			}
		}
		if !k.cfg.Audio.Has(lang, audio.App("question.date_help")) {
			t.Errorf("%s: the pack has no clip for the date hint", lang)
		}
	}
}
