// Command chorus collects feedback about health and care, offline, at
// community venues. See README.md.
//
//	chorus --demo [--data DIR]              demo mode: built-in survey, demo key
//	chorus --data DIR --recipient FILE      real mode
//	chorus export --data DIR --to DIR       write a batch for the analyst
//	chorus demo-fill --data DIR --n N       fill a demo folder with test data
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	chorusapp "chorus/app"
	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
	"chorus/translations"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
)

// appID is Chorus's application id (FyneApp.toml).
const appID = "uk.nhs.chorus"

func main() {
	if len(os.Args) > 1 {
		sub := map[string]func([]string) error{
			"export":    runExport,
			"demo-fill": runDemoFill,
		}
		if run, ok := sub[os.Args[1]]; ok {
			if err := run(os.Args[2:]); err != nil {
				fmt.Fprintln(os.Stderr, "chorus:", err)
				os.Exit(1)
			}
			return
		}
	}
	if err := runGUI(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chorus:", err)
		var p survey.Problems
		if errors.As(err, &p) {
			fmt.Fprintln(os.Stderr, "hint: fix the survey file, or start without --survey to use the built-in survey")
		}
		os.Exit(1)
	}
}

func runGUI(args []string) error {
	fs := flag.NewFlagSet("chorus", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "demo mode: built-in survey and the demo analyst key; not for real data")
	data := fs.String("data", "", "data folder (demo default: ~/.local/share/chorus/demo)")
	recipient := fs.String("recipient", "", "file with the analyst's age public key(s), needed the first time in real mode")
	surveyFile := fs.String("survey", "", "survey JSON file (default: the built-in survey)")
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
	st, err := store.Open(dir, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	w, err := wire(st, *demo, *recipient, *surveyFile)
	if err != nil {
		return err
	}
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	win := a.NewWindow("Chorus")
	cat, problems := chorusapp.LoadCatalog(translations.FS())
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "chorus: translation:", p) // P14: a bad translation never stops start-up
	}
	k := chorusapp.NewKiosk(win, chorusapp.Config{
		Store: st, Survey: w.survey, Recipients: w.recipients, Device: w.device,
		Catalog: cat, Demo: *demo, StaffLang: "en",
	})
	a.Settings().SetTheme(k.Theme())
	k.Start()
	win.Resize(chorusapp.WindowSize)
	win.ShowAndRun()
	return nil
}

// wired is what start-up hands the UI.
type wired struct {
	device     store.Device
	survey     *survey.Survey
	recipients []seal.Recipient
}

// wire sets up the device, the analyst recipients and the survey.
func wire(st *store.Store, demo bool, recipientFile, surveyFile string) (wired, error) {
	var w wired
	name, _ := os.Hostname()
	dev, err := st.InitDevice(name, demo)
	if err != nil {
		return w, err
	}
	w.device = dev
	switch {
	case demo:
		rs, err := seal.ParseRecipients(assets.DemoRecipient())
		if err != nil {
			return w, err
		}
		if err := st.SetRecipients(rs); err != nil {
			return w, err
		}
	case recipientFile != "":
		b, err := os.ReadFile(recipientFile)
		if err != nil {
			return w, err
		}
		rs, err := seal.ParseRecipients(string(b))
		if err != nil {
			return w, fmt.Errorf("%s: %w", recipientFile, err)
		}
		if err := st.SetRecipients(rs); err != nil {
			return w, err
		}
	}
	if w.recipients, err = st.Recipients(); err != nil {
		return w, fmt.Errorf("%w\nhint: the first time, start with --recipient FILE (the analyst's age public key)", err)
	}
	body, err := assets.Survey(assets.BuiltinSurvey)
	name = assets.BuiltinSurvey
	if surveyFile != "" {
		body, err = os.ReadFile(surveyFile)
		name = filepath.Base(surveyFile)
	}
	if err != nil {
		return w, err
	}
	if w.survey, err = survey.Parse(name, body); err != nil {
		return w, err
	}
	return w, st.AddSurvey(w.survey, body)
}
