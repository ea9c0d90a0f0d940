package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	chorusapp "chorus/app"
	"chorus/assets"
	"chorus/data/store"
	"chorus/data/survey"
	"chorus/translations"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
)

// appID is Chorus's application id (FyneApp.toml).
const appID = "uk.nhs.chorus"

// runGUI opens Chorus's window: demo mode, or a real data folder (first
// run: setup), locked in the kiosk with --kiosk. It returns when the window
// closes. Start-up problems that do not stop Chorus (a bad translation
// file) are written to stderr.
func runGUI(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("chorus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.Bool("demo", false, "demo mode: built-in survey and the demo analyst key; not for real data")
	data := fs.String("data", "", "data folder (demo default: ~/.local/share/chorus/demo)")
	kiosk := fs.Bool("kiosk", false, "start locked in the full-screen kiosk")
	idle := fs.Duration("idle", chorusapp.DefaultIdleAfter, "how long with no input before the kiosk warns, then resets")
	staffIdle := fs.Duration("staff-idle", chorusapp.DefaultStaffIdleAfter, "how long the staff screens stay open unused before signing out")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := *data
	if dir == "" {
		if !*demo {
			return errors.New("give --data DIR for real data, or --demo to try Chorus")
		}
		base, err := os.UserHomeDir()
		if err != nil {
			return err
		}
		dir = filepath.Join(base, ".local", "share", "chorus", "demo")
	}
	// Start-up does on another goroutine what the window does not need
	// first: the translations are read, and the audio pack checked, while
	// the data folder opens and Fyne makes the window (docs/ARCHITECTURE.md,
	// "Start-up").
	type loaded struct {
		cat      *chorusapp.Catalog
		problems []error
	}
	catalog := make(chan loaded, 1)
	go func() {
		cat, problems := chorusapp.LoadCatalog(translations.FS())
		catalog <- loaded{cat, problems}
	}()
	st, err := store.Open(dir, nil)
	if err != nil {
		return err
	}
	closeStore := sync.OnceValue(st.Close) // the quit watchdog may close it too
	defer closeStore()
	pins := ""
	if *demo {
		if pins, err = setUpDemo(st); err != nil {
			return err
		}
	} else if d, err := st.Device(); err == nil && d.Demo {
		return fmt.Errorf("%s holds demo data; start with --demo, or use another folder for real data", dir)
	}
	// A pack copied into DIR/audio/ comes before a built-in one.
	pre := chorusapp.StartPreload(func() (*survey.Survey, error) { return activeSurvey(st) },
		chorusapp.AudioLoader(os.DirFS(filepath.Join(dir, "audio")), assets.Audio()))
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	a.Settings().SetTheme(&chorusapp.Theme{Scale: 1}) // before any widget is made
	win, err := newWindow(a, "Chorus")
	if err != nil {
		return err
	}
	l := <-catalog
	for _, p := range l.problems {
		fmt.Fprintln(stderr, "chorus: translation:", p) // P14: a bad translation never stops start-up
	}
	var shell *chorusapp.Shell
	// quit stops Chorus's own timers and the kiosk's full-screen guard
	// first, so none of them touches the window once Fyne has let it go,
	// then asks Fyne to stop. If Fyne has not returned within quitGrace
	// (Fyne 2.7 can lose its last queued call at shutdown and then wait for
	// it for ever) the data folder is closed and Chorus exits anyway.
	quit := func() {
		if shell != nil {
			shell.Stop()
		}
		go func() {
			time.Sleep(quitGrace)
			fmt.Fprintln(stderr, "chorus: the window did not close in time; closing the data folder and exiting")
			closeStore()
			os.Exit(0)
		}()
		fyne.Do(a.Quit)
	}
	shell = chorusapp.NewShell(a, win, chorusapp.ShellConfig{
		Store: st, Catalog: l.cat, Demo: *demo, DemoPINs: pins, Kiosk: *kiosk,
		LoadSurvey:     pre.Survey,
		BuiltinSurvey:  builtinSurvey,
		IdleAfter:      *idle,
		StaffIdleAfter: *staffIdle,
		Quit:           quit,
		LoadAudio:      pre.Audio,
		Player:         chorusapp.SystemPlayer(),
	})
	if *kiosk {
		shell.Lock()
	}
	// The window's size first, so that the first screen is built once, for
	// it (the welcome screen's lines depend on its height).
	win.Resize(chorusapp.WindowSize)
	shell.Start()
	shell.RunTicker()
	// SIGTERM (shutdown) and Ctrl+C quit through Fyne, so the store is
	// closed properly; a save in progress commits or rolls back whole.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-stop
		quit()
	}()
	win.ShowAndRun()
	shell.Stop()
	return closeStore()
}

// newWindow makes the app's window. With no display to open it on (a
// session over SSH, a service started before the desktop), GLFW panics
// inside Fyne; Chorus says so in a sentence instead, and exits 1 with the
// data folder closed.
func newWindow(a fyne.App, title string) (win fyne.Window, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot open a window (%v); Chorus needs a desktop to show it on: start it from the desktop session, not over SSH or as a service", r)
		}
	}()
	return a.NewWindow(title), nil
}

// quitGrace is how long Chorus waits for Fyne to stop before it closes the
// data folder and exits by itself.
const quitGrace = 4 * time.Second

// builtinSurvey returns the built-in survey file.
func builtinSurvey() (string, []byte) {
	b, err := assets.Survey(assets.BuiltinSurvey)
	if err != nil {
		panic(err) // embedded at build time
	}
	return assets.BuiltinSurvey, b
}

// activeSurvey parses the survey the data folder uses.
func activeSurvey(st *store.Store) (*survey.Survey, error) {
	name, body, err := st.ActiveSurvey(context.Background())
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, errors.New("no survey is chosen for this data folder")
	}
	return survey.Parse(name, body)
}
