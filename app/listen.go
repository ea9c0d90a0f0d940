package app

import (
	"io/fs"
	"log/slog"

	"chorus/data/audio"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Reading aloud. Every participant screen has a Listen control (a speaker,
// no words) that plays the screen's texts and then its options, in order,
// from the survey's audio pack in the participant's language; an option's
// own speaker plays just that option. Whatever plays stops when the screen
// changes, when another play starts, and when the kiosk resets for the next
// person (P21: nothing of one person's visit, sound included, reaches the
// next). "Always read aloud", chosen on the welcome screen, plays each
// screen as it appears, until the visit ends.

// screenLang is the language the screen on show speaks: the participant's,
// or on the welcome screen (before one is chosen) the survey's first.
func (k *Kiosk) screenLang() string {
	switch {
	case k.flow != nil:
		return k.flow.Lang
	case k.thanks != nil:
		return k.thanks.l.Lang.Tag
	case k.declined != nil:
		return k.declined.l.Lang.Tag
	case k.cfg.Survey != nil && len(k.cfg.Survey.Languages) > 0:
		return k.cfg.Survey.Languages[0]
	}
	return ""
}

// screenKeys lists the text keys of the screen on show, in reading order:
// its texts, then its options, then its actions.
func (k *Kiosk) screenKeys() []string {
	sv := k.cfg.Survey
	app := audio.App
	if k.warning != nil {
		return []string{app("idle.title"), app("idle.more_time")}
	}
	switch {
	case k.welcome != nil:
		return []string{app("welcome.title"), app("welcome.choose"), app("audio.always")}
	case k.consent != nil:
		return consentKeys(sv, k.flow != nil && k.flow.EasyRead)
	case k.intro != nil:
		return []string{audio.KeyIntro, app("intro.start")}
	case k.question != nil:
		q := k.question.q
		// An error after a failed Next comes first: it is why the
		// participant is still here. Then the progress line, then the
		// screen top to bottom.
		keys := k.errorKeys(k.question.l, q, k.question.page.errMsg)
		if p := k.question.progress; p.label.Visible() {
			keys = append(keys, audio.ProgressSay(k.flow.Lang, p.N, p.Total)...)
		}
		keys = append(keys, audio.QuestionText(q.ID))
		if q.Required {
			keys = append(keys, app("question.required_mark"))
		}
		if q.Help.In(k.flow.Lang) != "" {
			keys = append(keys, audio.QuestionHelp(q.ID))
		}
		switch {
		case q.Type == survey.Multi:
			keys = append(keys, app("question.choose_any"))
		case q.Input == survey.PostcodeOutward:
			keys = append(keys, app("question.postcode_help"))
		case q.Type == survey.Date:
			keys = append(keys, app("question.date_help"))
		}
		for _, o := range q.Options {
			keys = append(keys, audio.OptionKey(q, o))
		}
		return keys
	case k.review != nil:
		return k.reviewKeys()
	case k.thanks != nil:
		keys := []string{app("thanks.title"), app("thanks.saved"), app("thanks.receipt_intro")}
		keys = append(keys, audio.SpellKeys(k.thanks.receipt)...)
		return append(keys, app("thanks.receipt_use"),
			app("thanks.next_steps"), audio.KeyNextSteps, app("thanks.contact"), audio.KeyContact, app("thanks.finish"))
	case k.declined != nil:
		return []string{app("declined.title"), app("declined.body")}
	}
	return nil
}

// reviewKeys is the check-answers screen's reading order: a failed save
// first, then the title and intro, each question followed by its answer
// ("No answer" where skipped), then Send. An option is read with its own
// clip; typed words (text, a number, a postcode) are never read out: no
// clip can hold what a participant typed, and a kiosk in a public place
// must not say someone's own words to the room. "You typed your own
// answer here" stands for them.
func (k *Kiosk) reviewKeys() []string {
	app := audio.App
	sv := k.cfg.Survey
	var keys []string
	if k.review.message != nil && k.review.message.Visible() {
		keys = append(keys, app("review.save_failed"))
	}
	keys = append(keys, app("review.title"), app("review.intro"))
	for _, i := range sv.Path(k.flow.Answers) {
		q := &sv.Questions[i]
		if !q.Answerable() {
			continue
		}
		keys = append(keys, audio.QuestionText(q.ID))
		keys = append(keys, answerClips(q, k.flow.Answers[q.ID])...)
	}
	return append(keys, app("review.send"))
}

// answerClips are the clip keys that read answer a to q.
func answerClips(q *survey.Question, a survey.Answer) []string {
	option := func(code string) string {
		if o, ok := q.Option(code); ok {
			return audio.OptionKey(q, o)
		}
		return audio.App("answer." + code)
	}
	switch {
	case a.Empty():
		return []string{audio.App("review.skipped")}
	case a.Choice != "":
		return []string{option(a.Choice)}
	case len(a.Choices) > 0:
		out := make([]string, len(a.Choices))
		for i, c := range a.Choices {
			out[i] = option(c)
		}
		return out
	}
	return []string{audio.App("review.typed")}
}

// errorKeys is the clip that reads msg, the error a question screen shows
// after a failed Next, or nil for none. The screen has the message's
// words, not its key, so each message the question can show is made in
// the screen's language and compared; this keeps the question screen
// unaware of audio.
func (k *Kiosk) errorKeys(l *Localizer, q *survey.Question, msg string) []string {
	if msg == "" {
		return nil
	}
	lang := l.Lang.Tag
	if m := q.RequiredMessage.In(lang); m != "" && m == msg {
		return []string{audio.QuestionRequired(q.ID)}
	}
	if m := q.ConstraintMessage.In(lang); m != "" && m == msg {
		return []string{audio.QuestionConstraint(q.ID)}
	}
	for _, key := range []string{"question.required", "question.postcode_bad", "question.bad_text", "question.try_again",
		"question.date_bad", "question.decimal_bad", "question.number_bad"} {
		if l.T(key) == msg {
			return []string{audio.App(key)}
		}
	}
	if q.Type == survey.Number && q.Min != nil && q.Max != nil &&
		l.T("question.number_range", map[string]any{"Min": *q.Min, "Max": *q.Max}) == msg {
		return []string{audio.NumberRange(q.ID)}
	}
	if q.Type == survey.Free && q.Input != survey.PostcodeOutward && l.N("question.too_long", q.Limit()) == msg {
		return []string{audio.TooLong(q.ID)}
	}
	slog.Warn("an error message has no recording", "question", q.ID)
	return nil
}

// errorShown is called when the screen on show shows an error message
// (page.go, review.go). With "always read aloud" on, the message is heard
// at once, as the screen would be; otherwise Listen reads it first.
func (k *Kiosk) errorShown() {
	if !k.alwaysRead {
		return
	}
	var keys []string
	switch {
	case k.question != nil:
		keys = k.errorKeys(k.question.l, k.question.q, k.question.page.errMsg)
	case k.review != nil:
		keys = []string{audio.App("review.save_failed")}
	}
	if len(keys) > 0 {
		k.play(keys)
	}
}

// consentKeys is the consent screen's reading order, standard or easy-read.
func consentKeys(sv *survey.Survey, easy bool) []string {
	app := audio.App
	text, label := audio.KeyConsentText, audio.Purpose
	if easy && sv.Consent.EasyRead != nil {
		text, label = audio.KeyConsentEasy, audio.EasyPurpose
	}
	keys := []string{app("consent.title"), text, app("consent.agreeing_means")}
	for _, p := range sv.Consent.Purposes {
		if p.Required {
			keys = append(keys, label(p.ID))
		}
	}
	first := true
	for _, p := range sv.Consent.Purposes {
		if p.Required {
			continue
		}
		if first {
			keys = append(keys, app("consent.optional"))
			first = false
		}
		keys = append(keys, label(p.ID))
	}
	return append(keys, app("consent.agree"), app("consent.decline"))
}

// clips turns keys into the pack's clips in lang, leaving out those the
// pack lacks (a missing recording is silence, never an error on screen).
func (k *Kiosk) clips(lang string, keys []string) []Clip {
	var out []Clip
	for _, key := range keys {
		if !k.cfg.Audio.Has(lang, key) {
			continue
		}
		b, err := k.cfg.Audio.Open(lang, key)
		if err != nil {
			slog.Warn("cannot read a recording", "lang", lang, "key", key, "err", err)
			continue
		}
		out = append(out, Clip{Key: key, Data: b})
	}
	return out
}

// onListen plays the screen on show: its texts, then its options. Tapped
// while playing, it stops.
func (k *Kiosk) onListen() {
	k.touch()
	if k.player().Playing() {
		k.stopAudio()
		return
	}
	k.play(k.screenKeys())
}

// onListenOption plays one option's label.
func (k *Kiosk) onListenOption(key string) {
	k.touch()
	k.play([]string{key})
}

// play stops whatever plays and plays keys in the screen's language,
// showing the cue until they end.
func (k *Kiosk) play(keys []string) {
	clips := k.clips(k.screenLang(), keys)
	if k.consent != nil && k.flow != nil {
		k.flow.Listened = true // the consent record says it was heard
	}
	p := k.player()
	k.audioGen++
	gen := k.audioGen
	p.Play(clips, func() {
		fyne.Do(func() {
			if k.audioGen == gen {
				k.setCue(false)
			}
		})
	})
	k.setCue(len(clips) > 0)
}

// stopAudio stops whatever plays and hides the cue.
func (k *Kiosk) stopAudio() {
	k.audioGen++
	k.player().Stop()
	k.setCue(false)
}

// screenShown is called once a new screen is on show: it stops the last
// screen's sound and, if the participant chose to always hear screens,
// reads this one.
func (k *Kiosk) screenShown() {
	k.stopAudio()
	k.placeAudio()
	k.showListen()
	k.showAlways()
	k.header.Refresh()
	// Lay the header out again for what it shows now, and the screen below
	// it: a layout, not a refresh, which would draw every widget of the
	// screen just built a second time (start-up time, issue 17).
	for _, c := range []*fyne.Container{k.top, k.root} {
		c.Layout.Layout(c.Objects, c.Size())
	}
	canvas.Refresh(k.root)
	if k.alwaysRead && k.welcome == nil {
		k.play(k.screenKeys())
	}
}

func (k *Kiosk) player() Player {
	if k.cfg.Player == nil {
		return NullPlayer{}
	}
	return k.cfg.Player
}

// onAlwaysRead turns "always read aloud" on or off for this visit.
func (k *Kiosk) onAlwaysRead(on bool) {
	k.touch()
	k.alwaysRead = on
	k.always.SetSelected(on)
}

// onAlways is the "Always read aloud" tick box, beside Listen on the
// welcome and consent screens. Turned on past the welcome screen, it
// reads the screen at once.
func (k *Kiosk) onAlways() {
	k.onAlwaysRead(!k.alwaysRead)
	if k.alwaysRead && k.welcome == nil {
		k.play(k.screenKeys())
	}
}

// alwaysLang is the language "Always read aloud" is in: on the welcome
// screen each of the survey's languages in turn, one more each time the
// invitation turns (so everyone sees it in theirs within a round); on the
// consent screen the language the participant chose.
func (k *Kiosk) alwaysLang() string {
	if k.welcome != nil {
		langs := k.cfg.Survey.Languages
		return langs[k.welcome.turn%len(langs)]
	}
	return k.screenLang()
}

// showAlways shows "Always read aloud" on the welcome screen and on the
// consent screen (the first in the participant's language) of a survey
// with recordings in that language, and hides it elsewhere; the choice
// lasts until the visit ends.
func (k *Kiosk) showAlways() {
	if k.welcome == nil && k.consent == nil || !k.canListen() {
		k.always.Hide()
		k.alwaysBox.Hide()
		return
	}
	l := k.cfg.Catalog.Localizer(k.alwaysLang())
	// The words in their language's own font (the choice then wraps and
	// orders them itself, see fontText): on the welcome screen they turn
	// through the languages with the invitation.
	k.always.Label, k.always.fonts = l.T("audio.always"), fontsFor(l.Lang)
	if k.always.fonts.regular == nil {
		k.always.Label = visual(l.Lang, k.always.Label)
	}
	// At large text the header's controls stop growing at 150%, and the
	// room that leaves goes to the words, so they take fewer lines and the
	// header hides less of the screen.
	box := k.alwaysBox.Layout.(*minSize)
	box.min.Width = 280
	if k.theme.Scale >= controlsMaxScale {
		box.min.Width = 380
	}
	k.always.RTL = l.Lang.RTL()
	k.always.SetSelected(k.alwaysRead)
	k.always.Show()
	k.alwaysBox.Show()
	k.alwaysBox.Refresh()
}

// placeAudio puts Listen and "Always read aloud" at the header's right end
// for a left-to-right screen and mirrored, at its left end with Listen
// outermost, for a right-to-left one (Arabic, Urdu), where the eye
// looks for a screen's controls on the other side.
func (k *Kiosk) placeAudio() {
	l := k.cfg.Catalog.Localizer(k.screenLang())
	rtl := l.Lang.RTL()
	if rtl == k.audioRTL {
		return
	}
	k.audioRTL = rtl
	if rtl {
		left, right := k.capped(container.NewHBox(k.listenBox, k.alwaysBox)), k.capped(k.controls)
		k.header.Objects = []fyne.CanvasObject{k.display.root, left, right}
		k.header.Layout = layout.NewBorderLayout(nil, nil, left, right)
		return
	}
	right := k.capped(container.NewHBox(k.controls, k.alwaysBox, k.listenBox))
	k.header.Objects = []fyne.CanvasObject{k.display.root, right}
	k.header.Layout = layout.NewBorderLayout(nil, nil, nil, right)
}

// headerTheme is the theme of the header's controls: the kiosk's, growing
// no larger than controlsMaxScale.
func (k *Kiosk) headerTheme() fyne.Theme { return &cappedTheme{t: k.theme, max: controlsMaxScale} }

// capped shows obj in the header's theme.
func (k *Kiosk) capped(obj fyne.CanvasObject) fyne.CanvasObject {
	return newThemeScope(obj, k.headerTheme())
}

// listenButton is the Listen control: a speaker, at least MinTarget
// square, that shows the cue (a stop symbol, highlighted) while playing.
type listenButton struct {
	*Button
}

func newListenButton(tapped func()) *listenButton {
	// The canvas draws the listenButton, so refreshes must reach it, not
	// the Button inside: it is extended once, as itself (NewButton would
	// extend the Button first, and the first extension stays).
	b := &listenButton{&Button{}}
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	b.SetIcon(theme.VolumeUpIcon())
	return b
}

// setPlaying shows or hides the cue.
func (b *listenButton) setPlaying(on bool) {
	if on {
		b.SetIcon(theme.MediaStopIcon())
		b.Importance = widget.HighImportance
	} else {
		b.SetIcon(theme.VolumeUpIcon())
		b.Importance = widget.MediumImportance
	}
	b.Refresh()
}

// setCue shows on every Listen control whether sound is playing.
func (k *Kiosk) setCue(on bool) {
	k.audioCue = on
	for _, b := range k.listenButtons {
		b.setPlaying(on)
	}
}

// AudioLoader returns a ShellConfig.LoadAudio that finds a survey's pack
// in the first of places holding it, and logs what is wrong with it: one
// line per problem, but missing clips counted per language. Nothing of it
// reaches a participant; a language without clips is silent.
func AudioLoader(places ...fs.FS) func(*survey.Survey) *audio.Pack {
	return func(sv *survey.Survey) *audio.Pack {
		p, probs, err := audio.Find(sv, places...)
		if err != nil {
			slog.Warn("no audio: screens will not be read aloud", "survey", sv.ID, "err", err)
			return nil
		}
		missing := map[string]int{}
		for _, pr := range probs {
			if (pr.Msg == "missing" || pr.Msg == "no recordings") && sv.HasLanguage(pr.Lang) {
				missing[pr.Lang]++
				continue
			}
			slog.Warn("audio pack problem", "survey", sv.ID, "problem", pr.Error())
		}
		for _, lang := range sv.Languages {
			if n := missing[lang]; n > 0 {
				slog.Info("audio: some texts have no recording", "survey", sv.ID, "lang", lang, "status", statusOf(p, sv, lang))
			}
		}
		return p
	}
}

func statusOf(p *audio.Pack, sv *survey.Survey, lang string) audio.Status {
	for _, s := range p.Statuses(sv) {
		if s.Lang == lang {
			return s.Status
		}
	}
	return audio.Missing
}

// canListen reports whether the screen on show can be heard: the pack has
// clips in its language.
func (k *Kiosk) canListen() bool { return k.cfg.Audio.Speaks(k.screenLang()) }

// showListen shows the Listen control only where there is something to
// hear, so a survey without recordings shows no dead button.
func (k *Kiosk) showListen() {
	if k.canListen() {
		k.listen.Show()
		k.listenBox.Show()
	} else {
		k.listen.Hide()
		k.listenBox.Hide()
	}
}

// speaker is an option's own speaker button, MinTarget square, playing
// the clip key; nil when the pack has no clip for it.
func (k *Kiosk) speaker(key string) fyne.CanvasObject {
	if !k.cfg.Audio.Has(k.screenLang(), key) {
		return nil
	}
	b := NewButton("", k.guard(func() { k.onListenOption(key) }))
	// The icon half as large again, drawn by Chorus's own button (a theme
	// scope per speaker would measure every text on the screen again).
	b.Wrap, b.iconScale = true, 1.5
	b.SetIcon(theme.VolumeUpIcon())
	return container.New(&minSize{min: fyne.NewSquareSize(MinTarget)}, b)
}

// bigIcons shows obj with icons half as large again as the theme's, in a
// button no larger: the Listen control and the option speakers are a
// symbol alone, for people who may not read, and at the theme's size the
// speaker was a small mark in a large button (seen in the 1024×768
// screenshots). The padding inside gives up what the icon gains, so the
// header, which has no width to spare at 200% text, is no wider.
func bigIcons(th fyne.Theme, obj fyne.CanvasObject) fyne.CanvasObject {
	return newThemeScope(obj, bigIconTheme{th})
}

type bigIconTheme struct{ fyne.Theme }

// Size implements fyne.Theme: the inline icon half as large again, the
// inner padding less by as much as the icon grew.
func (t bigIconTheme) Size(n fyne.ThemeSizeName) float32 {
	icon := t.Theme.Size(theme.SizeNameInlineIcon)
	switch n {
	case theme.SizeNameInlineIcon:
		return icon * 1.5
	case theme.SizeNameInnerPadding:
		return max(t.Theme.Size(n)-icon/4, 2)
	}
	return t.Theme.Size(n)
}

// withSpeaker puts option key's speaker at the trailing side of obj (the
// leading side for right-to-left), or returns obj alone.
func (k *Kiosk) withSpeaker(obj fyne.CanvasObject, key string, rtl bool) fyne.CanvasObject {
	sp := k.speaker(key)
	if sp == nil {
		return obj
	}
	if rtl {
		return container.NewBorder(nil, nil, sp, nil, obj)
	}
	return container.NewBorder(nil, nil, nil, sp, obj)
}

// speakerBelow puts option key's speaker under obj (a tile of a row of
// faces or a scale), or returns obj alone.
func (k *Kiosk) speakerBelow(obj fyne.CanvasObject, key string) fyne.CanvasObject {
	sp := k.speaker(key)
	if sp == nil {
		return obj
	}
	return container.NewBorder(nil, container.NewCenter(sp), nil, nil, obj)
}
