package app

import (
	"chorus/data/audio"
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// ShellConfig is what the Chorus window needs.
type ShellConfig struct {
	Store   *store.Store
	Catalog *Catalog
	Demo    bool
	// DemoPINs are shown on the demo banner ("coordinator 246810 ...").
	DemoPINs string
	// Kiosk starts locked in the kiosk, full screen (--kiosk).
	Kiosk bool
	// LoadSurvey parses the survey in use from the store.
	LoadSurvey func() (*survey.Survey, error)
	// BuiltinSurvey returns the built-in survey's file name and bytes, for setup.
	BuiltinSurvey func() (string, []byte)
	Clock         func() time.Time
	StaffLang     string
	// IdleAfter overrides the kiosk's idle time (DefaultIdleAfter).
	IdleAfter time.Duration
	// StaffIdleAfter overrides how long the staff screens stay open unused
	// (DefaultStaffIdleAfter).
	StaffIdleAfter time.Duration
	// Quit ends the app (staff only); nil hides the Quit button.
	Quit func()
	// LoadAudio finds and checks the audio pack sv names; nil, or a nil
	// result, means no reading aloud. Problems are logged by it, never
	// shown to participants.
	LoadAudio func(sv *survey.Survey) *audio.Pack
	// Player plays the pack (SystemPlayer in the app); nil plays nothing.
	Player Player
}

// Shell is the whole window: first-run setup, the participant kiosk, and
// the staff screens behind a PIN.
type Shell struct {
	cfg   ShellConfig
	app   fyne.App
	win   fyne.Window
	body  *fyne.Container
	kiosk *Kiosk
	l     *Localizer // staff language

	user    *store.Staff   // signed in, or nil
	session *store.Session // open session, or nil
	// staffInput is when the staff screens (or the PIN prompt) were last used.
	staffInput time.Time

	// unshowable lists languages this machine's fonts cannot draw; nil
	// until the start-up check has run.
	unshowable []string
	// fontsFor is the survey whose texts the next tick checks against the
	// fonts; nil once checked.
	fontsFor *survey.Survey

	// stopFront ends the kiosk's full-screen guard; stopped ends the
	// ticker. Stop sets both.
	stopFront func()
	stopped   chan struct{}
	stopOnce  sync.Once

	// confirming is the last confirmation asked, for tests.
	confirming *confirmation

	// The staff screen on show, if any, for tests.
	setup *setupScreen
	login *loginScreen
	home  *staffHome
}

// NewShell builds the window's content. Call Start to show it.
func NewShell(a fyne.App, win fyne.Window, cfg ShellConfig) *Shell {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.StaffLang == "" {
		cfg.StaffLang = "en"
	}
	s := &Shell{cfg: cfg, app: a, win: win, l: cfg.Catalog.Localizer(cfg.StaffLang), stopped: make(chan struct{})}
	s.body = container.NewStack()
	var top fyne.CanvasObject
	if cfg.Demo {
		top = s.demoBanner()
	}
	win.SetContent(container.NewBorder(top, nil, nil, nil, s.body))
	win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		if s.kiosk != nil && s.showingKiosk() {
			s.kiosk.TypedKey(e)
		}
	})
	// The staff key: Ctrl+Alt+S opens the PIN prompt from the kiosk.
	win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierControl | fyne.KeyModifierAlt},
		func(fyne.Shortcut) { s.ShowLogin() })
	return s
}

// Theme is the window's theme.
func (s *Shell) Theme() *Theme {
	if s.kiosk != nil {
		return s.kiosk.Theme()
	}
	return &Theme{Scale: 1}
}

// Lock makes the window a kiosk: full screen, and closing it (the close
// button, Alt+F4, the window manager) does nothing. Staff leave through the
// PIN prompt and Quit. On X11 it also watches the window four times a
// second and puts it back, full screen and in front, if a window manager,
// a shortcut or another program minimised it, took full screen away or
// raised something else (keepInFront); Stop ends that.
func (s *Shell) Lock() {
	s.win.SetFullScreen(true)
	s.win.SetCloseIntercept(func() {})
	if s.stopFront == nil {
		s.stopFront = keepInFront()
	}
}

// RunTicker checks the kiosk, or the staff screens, for idleness once a
// second until Stop.
func (s *Shell) RunTicker() {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-s.stopped:
				return
			case <-t.C:
				fyne.Do(func() {
					// Once Fyne has stopped, fyne.Do runs its function
					// on the caller's goroutine, after the window is
					// gone: a tick then must do nothing.
					select {
					case <-s.stopped:
					default:
						s.Tick()
					}
				})
			}
		}
	}()
}

// Stop ends the ticker and the kiosk's full-screen guard, before the app
// quits. Any goroutine may call it, more than once.
func (s *Shell) Stop() {
	s.stopOnce.Do(func() {
		close(s.stopped)
		if s.stopFront != nil {
			s.stopFront()
		}
	})
}

// Tick checks whatever is on show for idleness; RunTicker calls it every
// second on the UI goroutine, tests call it with an injected clock.
func (s *Shell) Tick() {
	if s.fontsFor != nil {
		// The glyph check reads every font's character map (0.3-0.6 s of
		// CPU); run now, it does not compete with the window's start.
		s.checkFonts(s.fontsFor)
		s.fontsFor = nil
	}
	if s.showingKiosk() {
		s.kiosk.Tick()
		return
	}
	s.tickStaff()
}

// Start shows setup on a new data folder, otherwise the kiosk.
func (s *Shell) Start() {
	ok, err := s.cfg.Store.IsSetUp(context.Background())
	if err != nil {
		slog.Error("cannot read the data folder", "err", err)
	}
	if !ok {
		s.showSetup()
		return
	}
	s.startKiosk()
}

func (s *Shell) startKiosk() {
	sv, err := s.cfg.LoadSurvey()
	if err != nil {
		s.showError(s.l.T("staff.survey_broken", map[string]any{"Err": err.Error()}))
		return
	}
	dev, err := s.cfg.Store.Device()
	if err != nil {
		s.showError(s.l.problem(err))
		return
	}
	rs, err := s.cfg.Store.Recipients()
	if err != nil {
		s.showError(s.l.problem(err))
		return
	}
	if s.kiosk == nil {
		// The kiosk takes on the app's theme when it is Chorus's: setting
		// another would clear Fyne's fonts, parsed already for the demo
		// banner, and parse them again (start-up time, issue 17).
		th, _ := s.app.Settings().Theme().(*Theme)
		s.kiosk = NewKiosk(s.win, Config{Store: s.cfg.Store, Survey: sv, Recipients: rs, Device: dev,
			Catalog: s.cfg.Catalog, Demo: s.cfg.Demo, Clock: s.cfg.Clock, StaffLang: s.cfg.StaffLang,
			IdleAfter: s.cfg.IdleAfter, Player: s.cfg.Player, Theme: th})
		s.kiosk.OnStaff = s.ShowLogin
		if th != s.kiosk.Theme() {
			s.app.Settings().SetTheme(s.kiosk.Theme())
		}
	}
	s.kiosk.SetSurvey(sv)
	s.kiosk.SetAudio(s.audioFor(sv))
	s.showKiosk(Visit{})
	s.fontsFor = sv // checked on the first tick, once the window is up
}

// checkFonts finds the languages whose text this machine cannot draw, for
// the coordinator, off the UI goroutine.
func (s *Shell) checkFonts(sv *survey.Survey) {
	cat := s.cfg.Catalog
	background(func() {
		// Chorus carries fonts for its own languages; a survey in another
		// script may need one the machine lacks.
		bad := UnshowableLanguages(MissingGlyphs(UIAndSurveyTexts(cat, sv)))
		if len(bad) > 0 {
			slog.Warn("some languages cannot be shown: their characters are in none of Chorus's fonts nor this machine's", "languages", bad)
		}
		fyne.Do(func() { s.unshowable = bad })
	})
}

// showKiosk hands the window to participants.
func (s *Shell) showKiosk(v Visit) {
	s.setup, s.login, s.home = nil, nil, nil
	s.closeDialogs()
	if s.session != nil && v.SessionID == "" {
		v.SessionID = s.session.ID
	}
	s.kiosk.SetVisit(v)
	s.swap(s.kiosk.Root())
}

func (s *Shell) showingKiosk() bool {
	return len(s.body.Objects) == 1 && s.kiosk != nil && s.body.Objects[0] == s.kiosk.Root()
}

func (s *Shell) swap(obj fyne.CanvasObject) {
	s.win.Canvas().Unfocus()
	s.body.Objects = []fyne.CanvasObject{obj}
	s.body.Refresh()
}

// ShowLogin opens the staff PIN prompt over whatever is showing.
func (s *Shell) ShowLogin() {
	if s.kiosk == nil || s.login != nil {
		return // setup first; or already asking
	}
	if s.kiosk.flow != nil {
		// A participant is part-way: their answers are dropped, as at an
		// idle reset, so nothing of theirs stays behind the staff screen.
		s.kiosk.flow = nil
	}
	s.kiosk.endVisitTraces() // the participant's clipboard and pop-ups too
	s.kiosk.display.reset()  // staff screens never inherit the participant's text size
	s.home = nil
	s.login = &loginScreen{sh: s, l: s.l}
	s.swap(s.login.build())
	watchInput(s.login.root, s.noteStaffInput)
	s.noteStaffInput()
	s.win.Canvas().Focus(s.login.pin)
}

// signedIn shows the staff home for user.
func (s *Shell) signedIn(user store.Staff) {
	s.user = &user
	s.showHome()
}

func (s *Shell) showHome() {
	s.login, s.setup = nil, nil
	s.home = &staffHome{sh: s, l: s.l}
	s.swap(s.home.build())
	watchInput(s.home.root, s.noteStaffInput)
	s.noteStaffInput()
}

// signOut returns to the kiosk.
func (s *Shell) signOut() {
	s.user = nil
	s.showKiosk(Visit{})
}

func (s *Shell) showError(msg string) {
	lb := widget.NewLabel(msg)
	lb.Wrapping = fyne.TextWrapWord
	s.swap(container.NewPadded(lb))
}

// recipients returns the analyst keys, for the coordinator to check.
func (s *Shell) recipients() []seal.Recipient {
	rs, _ := s.cfg.Store.Recipients()
	return rs
}

// demoBanner says this is not for real data, shows the demo PINs, and has
// a visible Staff button (a real kiosk hides its staff entry).
func (s *Shell) demoBanner() fyne.CanvasObject {
	th := &Theme{Scale: 1}
	bg := canvas.NewRectangle(bannerBackground(th))
	text := canvas.NewText(s.l.T("demo.banner")+"   ·   "+s.cfg.DemoPINs, bannerText(th))
	text.TextStyle = fyne.TextStyle{Bold: true}
	text.TextSize = 18
	// Staff's button keeps its size whatever text size the participant
	// chooses, and leaves the room to the question (the words beside it
	// have a fixed size of their own).
	staff := newThemeScope(widget.NewButton(s.l.T("staff.button"), s.ShowLogin), th)
	row := container.NewHBox(layout.NewSpacer(), text, layout.NewSpacer(), staff)
	return container.NewStack(bg, container.NewPadded(row))
}

// installAudio copies the audio pack sv names from beside the survey file
// at path into the data folder's audio/ (see audio.Install), logging what
// is wrong with its clips. A survey without audio installs nothing.
func (s *Shell) installAudio(sv *survey.Survey, path string) error {
	probs, err := audio.Install(sv, path, filepath.Join(s.cfg.Store.Dir(), "audio"))
	for _, p := range probs {
		slog.Warn("audio pack problem", "survey", sv.ID, "problem", p.Error())
	}
	return err
}

// audioFor is sv's audio pack, or nil.
func (s *Shell) audioFor(sv *survey.Survey) *audio.Pack {
	if s.cfg.LoadAudio == nil || sv == nil {
		return nil
	}
	return s.cfg.LoadAudio(sv)
}
