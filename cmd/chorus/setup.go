package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
)

// runSetup is `chorus setup`: first-run setup without a screen, for
// provisioning many venue laptops. The coordinator's PIN is read twice
// from standard input; everything it says goes to stderr.
func runSetup(args []string, _, stderr io.Writer) error { return setup(args, os.Stdin, stderr) }

// setup is runSetup reading the PIN from stdin.
func setup(args []string, stdin io.Reader, stderr io.Writer) error {
	fs := flag.NewFlagSet("chorus setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data folder to set up")
	device := fs.String("device-name", "", "a name for this laptop, e.g. \"Library laptop 3\"")
	coordinator := fs.String("coordinator", "", "the coordinator's name")
	surveyFile := fs.String("survey", "", "survey JSON file (default: the built-in survey)")
	var recipients []string
	fs.Func("recipient", "file with the analyst's age public key (repeat for an escrow key)", func(v string) error {
		recipients = append(recipients, v)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *data == "":
		return errors.New("setup: give --data DIR")
	case *device == "" || *coordinator == "":
		return errors.New("setup: give --device-name and --coordinator")
	case len(recipients) == 0:
		return errors.New("setup: give --recipient FILE with the analyst's public key")
	}
	var keys []string
	for _, f := range recipients {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("setup: %w", err)
		}
		rs, err := seal.ParseRecipients(string(b))
		if err != nil {
			return fmt.Errorf("setup: %s: %w", f, err)
		}
		if err := store.CheckRealRecipients(rs); err != nil {
			return fmt.Errorf("setup: %s: %w", f, err)
		}
		keys = append(keys, string(b))
	}
	rs, err := seal.ParseRecipients(strings.Join(keys, "\n"))
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	name, body := builtinSurvey()
	if *surveyFile != "" {
		if body, err = os.ReadFile(*surveyFile); err != nil {
			return fmt.Errorf("setup: %w", err)
		}
		name = filepath.Base(*surveyFile)
	}
	sv, err := survey.Parse(name, body)
	if err != nil {
		return err
	}
	pin, err := readPINTwice(stdin, stderr)
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	st, err := store.Open(*data, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Setup(context.Background(), store.SetupInput{
		DeviceName: *device, CoordinatorName: *coordinator, PIN: pin, Recipients: rs, Survey: sv, SurveyBody: body,
	}, false); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	dev, err := st.Device()
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	fmt.Fprintf(stderr, "chorus: %s is set up; responses will be sealed to:\n", *data)
	for _, r := range rs {
		fmt.Fprintf(stderr, "  %s  (%s)\n", r.Fingerprint(), r.Kind())
	}
	fmt.Fprintln(stderr, "hint: read these fingerprints to the analyst to confirm the key is theirs")
	fmt.Fprintln(stderr, fingerprintNote(dev))
	fmt.Fprintln(stderr, "hint: the analyst enrols this laptop by it; chorus fingerprint --data DIR prints it again")
	return nil
}

// readPINTwice reads the PIN and its confirmation, one a line.
func readPINTwice(r io.Reader, prompt io.Writer) (string, error) {
	fmt.Fprintln(prompt, "Coordinator's PIN (at least 6 digits), then the same again:")
	sc := bufio.NewScanner(io.LimitReader(r, 4096))
	var pins []string
	for len(pins) < 2 && sc.Scan() {
		pins = append(pins, strings.TrimSpace(sc.Text()))
	}
	if len(pins) < 2 {
		return "", errors.New("give the PIN twice on standard input, one a line")
	}
	if pins[0] != pins[1] {
		return "", errors.New("the two PINs are not the same")
	}
	if err := seal.CheckPINStrength(pins[0]); err != nil {
		return "", err
	}
	return pins[0], nil
}
