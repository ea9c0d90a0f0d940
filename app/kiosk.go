// Package app is Chorus's Fyne user interface: the participant's kiosk path
// (welcome, consent, questions, review, thank-you) and, later, the staff
// screens. Screens are structs that hold their widgets, so tests can reach
// them, with a build method and short onXxx handlers that call into data/.
package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"chorus/data/audio"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
)

// Config is what a kiosk needs to run.
type Config struct {
	Store      *store.Store
	Survey     *survey.Survey
	Recipients []seal.Recipient
	Device     store.Device
	Catalog    *Catalog
	Demo       bool
	Mode       survey.Mode // self at a kiosk
	Staff      string      // worker who assisted or witnessed, if any
	SessionID  string
	Clock      func() time.Time
	// StaffLang is the staff screens' language.
	StaffLang string
	// IdleAfter and WarnFor override DefaultIdleAfter and DefaultWarnFor.
	IdleAfter, WarnFor time.Duration
	// Audio is the survey's audio pack, or nil; Player plays it (nil:
	// silence). See listen.go.
	Audio  *audio.Pack
	Player Player
	// Theme is the theme the kiosk changes for each participant (text
	// size, contrast, a script's font); nil makes one. The shell gives it
	// the theme the app already has, so that Fyne does not measure the
	// first screen's text with fonts parsed for a theme about to go.
	Theme *Theme
}

// Kiosk runs the participant's path in one window.
type Kiosk struct {
	cfg     Config
	win     fyne.Window
	theme   *Theme
	body    *fyne.Container
	flow    *Flow
	shownAt time.Time
	primary *Button // what Enter does when nothing else takes it
	visit   Visit
	root    *fyne.Container
	top     *fyne.Container // the banner and the header, above the screen
	display *displayBar
	page    *screenPage // the frame of the screen on show
	journey *journeyBar // language switch, Stop and the worker banner

	// OnStaff opens the staff PIN prompt (the hidden corner).
	OnStaff func()

	// Reading aloud (listen.go): the Listen controls on show, whether
	// this visit hears every screen, and the generation of the last play,
	// so that a play that ended after another started hides no cue.
	listen        *listenButton
	listenButtons []*listenButton
	always        *Choice // "Always read aloud", on the welcome screen only
	header        *fyne.Container
	// The boxes that give Listen and "Always read aloud" their size;
	// hidden with them so they take no room.
	listenBox, alwaysBox *fyne.Container
	// controls are the journey's header buttons; audioRTL says the
	// header has Listen on the left, mirrored (listen.go placeAudio).
	controls   fyne.CanvasObject
	audioRTL   bool
	alwaysRead bool
	audioGen   int
	audioCue   bool

	lastInput    time.Time
	warning      *idleWarning
	savedPartial func(error) // tests learn when a partial response is saved

	// The screen on show; exactly one is non-nil. Tests reach widgets
	// through these.
	welcome  *welcomeScreen
	consent  *consentScreen
	question *questionScreen
	review   *reviewScreen
	thanks   *thanksScreen
	declined *declinedScreen
	intro    *introScreen // the survey's intro, after consent
}

// NewKiosk makes a kiosk in win. Call Start to show the welcome screen.
func NewKiosk(win fyne.Window, cfg Config) *Kiosk {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Mode == "" {
		cfg.Mode = survey.ModeSelf
	}
	k := &Kiosk{cfg: cfg, win: win, theme: cfg.Theme}
	if k.theme == nil {
		k.theme = &Theme{Scale: 1}
	}
	if cfg.Survey != nil {
		cfg.Survey.Clock = k.now // today() in expressions (issue 20)
	}
	k.body = container.NewStack()
	k.display = newDisplayBar(k)
	k.listen = newListenButton(k.guard(k.onListen))
	k.listenButtons = []*listenButton{k.listen}
	k.always = NewChoice("", true, false, nil)
	k.always.Picture = theme.VolumeUpIcon()
	k.always.OnTapped = k.guard(k.onAlways)
	// The choice's words wrap to its width: give it room for a line.
	k.alwaysBox = container.New(&minSize{min: fyne.NewSize(280, MinTarget)}, k.always)
	k.listenBox = container.New(&minSize{min: fyne.NewSquareSize(MinTarget)}, bigIcons(k.headerTheme(), k.listen))
	k.journey = newJourneyBar(k)
	k.controls = k.journey.controls()
	k.header = container.NewBorder(nil, nil, nil, k.capped(container.NewHBox(k.controls, k.alwaysBox, k.listenBox)), k.display.root)
	k.alwaysBox.Hide()
	k.top = container.NewVBox(k.journey.bannerBg, k.header)
	k.root = container.NewBorder(k.top, nil, nil, nil, k.body)
	return k
}

// Root is the kiosk's part of the window.
func (k *Kiosk) Root() fyne.CanvasObject { return k.root }

// TypedKey handles keys that no widget took: Enter does the screen's
// primary action.
func (k *Kiosk) TypedKey(e *fyne.KeyEvent) {
	k.touch()
	if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
		k.pressPrimary()
	}
}

// Visit says who is answering and how, for the next participant.
type Visit struct {
	Mode        survey.Mode
	Staff       string // worker who helps or records; "" at the kiosk
	SessionID   string
	Interpreter string // language tag of an interpreter, if one helped
	Verbal      bool   // consent given aloud and recorded by the worker
	// Done runs when the participant finishes or declines; nil returns to
	// the welcome screen for the next person.
	Done func()
}

// SetVisit sets how the next visit is recorded and shows the welcome screen.
func (k *Kiosk) SetVisit(v Visit) {
	if v.Mode == "" {
		v.Mode = survey.ModeSelf
	}
	k.cfg.Mode, k.cfg.Staff, k.cfg.SessionID = v.Mode, v.Staff, v.SessionID
	k.visit = v
	k.Start()
}

// currentVisit is who is answering and how: the visit staff set up, with
// the mode, worker and session the kiosk was configured with.
func (k *Kiosk) currentVisit() Visit {
	v := k.visit
	v.Mode, v.Staff, v.SessionID = k.cfg.Mode, k.cfg.Staff, k.cfg.SessionID
	return v
}

// SetSurvey changes the survey for the next visit.
func (k *Kiosk) SetSurvey(sv *survey.Survey) {
	sv.Clock = k.now // today() in expressions (issue 20)
	k.cfg.Survey = sv
}

// now reads the kiosk's clock, whichever it is at the time.
func (k *Kiosk) now() time.Time { return k.cfg.Clock() }

// SetAudio changes the audio pack (nil for none) for the next visit.
func (k *Kiosk) SetAudio(pack *audio.Pack) { k.cfg.Audio = pack }

// finish ends a visit: back to the welcome screen, or to whoever started
// an assisted visit.
func (k *Kiosk) finish() {
	if k.visit.Done != nil {
		k.flow = nil
		k.clear()
		k.endVisitTraces()
		k.visit.Done()
		return
	}
	k.Start()
}

// pressPrimary does what the screen's primary button does (Next, Agree,
// Send, Finish), for Enter.
func (k *Kiosk) pressPrimary() {
	if b := k.primary; b != nil && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

// Theme is the kiosk's theme, for the app to install.
func (k *Kiosk) Theme() *Theme { return k.theme }

// Start shows the welcome screen, with no trace of any previous visit:
// text size and contrast go back to normal too, and the clipboard and any
// pop-up are cleared.
func (k *Kiosk) Start() {
	k.flow = nil
	k.warning = nil
	k.alwaysRead = false
	k.endVisitTraces()
	k.display.reset()
	k.useFonts("")
	k.clear()
	k.welcome = &welcomeScreen{k: k}
	k.show(k.welcome.build(), nil)
}

// show puts obj on screen. Callers set the one screen field that built obj
// after clear(), so no earlier screen (and no earlier person's widgets) stays
// reachable.
func (k *Kiosk) show(obj fyne.CanvasObject, primary *Button) {
	k.showWith(obj, primary, nil)
}

// showWith is show with status (the question's progress) in the bar above.
func (k *Kiosk) showWith(obj fyne.CanvasObject, primary *Button, status fyne.CanvasObject) {
	k.display.setStatus(status)
	k.primary = primary
	k.win.Canvas().Unfocus()
	k.body.Objects = []fyne.CanvasObject{obj}
	k.body.Refresh()
	k.shownAt = k.cfg.Clock()
	k.lastInput = k.shownAt
	k.warning = nil
	k.journey.update()
	k.screenShown()
}

// settleTime is how long after a screen appears its buttons ignore taps, so
// a double tap on Next cannot also press whatever sits in the same place on
// the next screen (such as "Send my answers").
const settleTime = 600 * time.Millisecond

// guard wraps a button handler so it ignores taps while a new screen settles.
func (k *Kiosk) guard(fn func()) func() {
	return func() {
		if k.cfg.Clock().Sub(k.shownAt) < settleTime {
			return
		}
		k.touch()
		fn()
	}
}

// useFonts installs the fonts language tag needs, or Fyne's own.
func (k *Kiosk) useFonts(tag string) {
	lang, _ := k.cfg.Catalog.Language(tag)
	reg, bold := scriptFonts(lang)
	if reg == k.theme.ScriptFont && bold == k.theme.ScriptBold {
		return
	}
	k.theme.ScriptFont, k.theme.ScriptBold = reg, bold
	fyne.CurrentApp().Settings().SetTheme(k.theme)
}

// redraw rebuilds the screen on show, keeping the visit, after the text
// size or contrast changed (right-to-left text is wrapped by Chorus and must
// be wrapped again).
func (k *Kiosk) redraw() {
	k.setWidth()
	switch {
	case k.welcome != nil:
		k.clear()
		k.welcome = &welcomeScreen{k: k}
		k.show(k.welcome.build(), nil)
	case k.consent != nil:
		k.flow.Purposes = k.consent.chosen
		k.showConsent()
	case k.intro != nil:
		k.showIntro()
	case k.question != nil:
		k.goTo(k.flow.Index)
	case k.review != nil:
		k.showReview()
	case k.thanks != nil:
		t := k.thanks
		k.clear()
		k.thanks = &thanksScreen{k: k, l: t.l, receipt: t.receipt, shown: t.shown}
		k.show(k.thanks.build(), k.thanks.finish)
	case k.declined != nil:
		l := k.declined.l
		k.clear()
		k.declined = &declinedScreen{k: k, l: l}
		k.show(k.declined.build(), k.declined.finish)
	}
}

// setWidth tells right-to-left wrapping how wide the screen is.
func (k *Kiosk) setWidth() {
	if w := k.win.Canvas().Size().Width; w > 300 {
		rtlWidth = w - 140
	}
}

func (k *Kiosk) clear() {
	k.welcome, k.consent, k.question, k.review, k.thanks, k.declined = nil, nil, nil, nil, nil, nil
	k.intro = nil
}

func (k *Kiosk) loc() *Localizer {
	if k.flow == nil {
		return k.cfg.Catalog.Localizer(k.cfg.StaffLang)
	}
	return k.cfg.Catalog.Localizer(k.flow.Lang)
}

// onLanguage starts a visit in the chosen language.
func (k *Kiosk) onLanguage(tag string) {
	if !k.cfg.Survey.HasLanguage(tag) {
		return // P10: consent only in languages whose consent text exists
	}
	k.setWidth()
	k.flow = NewFlow(tag, k.cfg.Clock())
	k.useFonts(tag)
	k.showConsent()
}

func (k *Kiosk) showConsent() {
	k.clear()
	k.consent = &consentScreen{k: k, l: k.loc()}
	k.show(k.consent.build(), k.consent.agree)
}

// onAgree records consent and moves to the survey's intro.
func (k *Kiosk) onAgree(optional map[string]bool) {
	k.flow.Consent(k.cfg.Survey, optional, k.cfg.Clock())
	k.showIntro()
}

// onDecline stores the anonymous tally and thanks the person.
func (k *Kiosk) onDecline() {
	sv, lang, session := k.cfg.Survey, k.flow.Lang, k.cfg.SessionID
	k.clear()
	k.declined = &declinedScreen{k: k, l: k.loc()}
	k.flow = nil // nothing of theirs is kept
	k.endVisitTraces()
	k.show(k.declined.build(), k.declined.finish)
	background(func() {
		if err := k.cfg.Store.Decline(context.Background(), sv, lang, session); err != nil {
			slog.Error("cannot record a declined consent", "err", err)
		}
	})
}

// goTo shows question i, or the review when i is -1.
func (k *Kiosk) goTo(i int) {
	if i < 0 {
		k.showReview()
		return
	}
	k.flow.Index = i
	k.clear()
	k.question = &questionScreen{k: k, l: k.loc(), q: &k.cfg.Survey.Questions[i]}
	k.showWith(k.question.build(), k.question.next, k.question.progress.root)
	if k.question.focus != nil {
		k.win.Canvas().Focus(k.question.focus)
	}
}

func (k *Kiosk) showReview() {
	k.flow.Index = -1
	k.flow.changing = nil
	k.clear()
	k.review = &reviewScreen{k: k, l: k.loc()}
	k.show(k.review.build(), k.review.submit)
}

// onSubmit seals and saves the response off the UI goroutine. The answers
// stay in memory until the store says they are saved.
func (k *Kiosk) onSubmit() {
	f := k.flow
	if f == nil || k.review == nil || k.review.submit.Disabled() {
		return // a second tap: the first is saving, or has saved
	}
	sub := f.Submission(k.cfg.Survey, k.cfg.Device, k.currentVisit(), survey.Complete)
	r := k.review
	r.setBusy(true)
	background(func() {
		code, err := submitFresh(context.Background(), k.cfg.Store, k.cfg.Recipients, sub)
		fyne.Do(func() {
			if k.flow != f {
				return // the kiosk moved on meanwhile
			}
			if code != "" {
				f.Receipt = code // the code saved, if the first was taken
			}
			if err != nil {
				slog.Error("cannot save a response", "err", rootCause(err))
				r.setBusy(false)
				r.showError()
				return
			}
			k.clear()
			k.thanks = &thanksScreen{k: k, l: k.loc(), receipt: f.Receipt, shown: k.cfg.Clock()}
			k.flow = nil
			k.endVisitTraces() // the answers are saved: the visit is over
			k.show(k.thanks.build(), k.thanks.finish)
		})
	})
}

// newReceipt draws a receipt code (a variable so tests can draw the same
// code twice).
var newReceipt = survey.NewReceipt

// submitFresh saves sub. If its receipt code already names a response on
// this laptop (two visits drew the same code: about 1 in 50,000 at 10,000
// visits), it draws a new code and saves again, a few times at most, and
// returns the code it saved with ("" if the first one was kept).
func submitFresh(ctx context.Context, st *store.Store, rs []seal.Recipient, sub store.Submission) (string, error) {
	code := ""
	for range 5 {
		_, err := st.Submit(ctx, rs, sub)
		if !errors.Is(err, store.ErrReceiptTaken) {
			return code, err
		}
		code = newReceipt()
		sub.Consent.ReceiptHash = survey.HashReceipt(code)
	}
	return "", store.ErrReceiptTaken
}

// navBar lays out Back and Next: Back leading, Next trailing, mirrored for
// right-to-left languages.
func navBar(rtl bool, back, next fyne.CanvasObject) fyne.CanvasObject {
	var left, right fyne.CanvasObject = back, next
	if rtl {
		left, right = next, back
	}
	if left == nil {
		left = layout.NewSpacer()
	}
	if right == nil {
		right = layout.NewSpacer()
	}
	return container.NewPadded(container.NewBorder(nil, nil, big(left), big(right)))
}

// big gives a control at least the kiosk's minimum target size, and more
// width for words.
func big(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(&minSize{min: fyne.NewSize(200, MinTarget)}, o)
}

// minSize is a layout that makes its only child at least min.
type minSize struct{ min fyne.Size }

func (m *minSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (m *minSize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := m.min
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

// WindowSize is the kiosk window's size outside full screen: the 1280×800
// laptop screens venues have.
var WindowSize = fyne.NewSize(1280, 800)

// background runs slow work (sealing, the database, PIN hashing, export)
// off the UI goroutine; results come back through fyne.Do. Tests replace it
// to run work in line, since Fyne's test driver runs fyne.Do in line too.
var background = func(work func()) { go work() }

// rootCause is the innermost error of err's chain, which names what went
// wrong (a full disk, an invalid text) without the outer layers' context, so
// a log line never carries the choice codes an answer error quotes.
func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
