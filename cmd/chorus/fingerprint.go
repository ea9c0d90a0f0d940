package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"chorus/data/store"
)

// runFingerprint is `chorus fingerprint --data DIR`: one line for the
// analyst's enrolment list, "FINGERPRINT  DEVICE-NAME", so that a
// coordinator preparing many laptops can run
// `chorus fingerprint --data DIR >> /media/usb/enrol.txt` on each. It
// prints nothing but the line on w, and nothing at all on an error.
func runFingerprint(args []string, w, stderr io.Writer) error {
	fs := flag.NewFlagSet("chorus fingerprint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data folder of a laptop that is set up")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || fs.NArg() > 0 {
		return errors.New("usage: chorus fingerprint --data DIR")
	}
	dev, err := folderDevice(*data)
	if err != nil {
		return err
	}
	// Demo laptops print theirs too: a training analyst enrols them in a
	// demo database (chorus-central merge --demo), which takes demo
	// batches only.
	_, err = fmt.Fprintln(w, enrolmentLine(dev))
	return err
}

// folderDevice returns the device of the data folder dir, which must be
// there and set up: a mistyped folder is reported, not made.
func folderDevice(dir string) (store.Device, error) {
	if _, err := os.Stat(filepath.Join(dir, store.DBName)); errors.Is(err, fs.ErrNotExist) {
		return store.Device{}, fmt.Errorf("no Chorus data folder at %s (chorus setup makes one)", dir)
	} else if err != nil {
		return store.Device{}, err
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		return store.Device{}, err
	}
	defer st.Close()
	dev, err := st.Device()
	if errors.Is(err, store.ErrNoDevice) {
		return dev, fmt.Errorf("%s is not set up yet: run chorus setup first", dir)
	}
	return dev, err
}

// enrolmentLine is a device's line in the analyst's enrolment list: the
// fingerprint of its signing key, two spaces, its name.
func enrolmentLine(dev store.Device) string {
	return dev.Key.Fingerprint() + "  " + dev.Name
}

// fingerprintNote shows a device's enrolment line to the coordinator.
func fingerprintNote(dev store.Device) string {
	return "This laptop's fingerprint (read it to the analyst): " + enrolmentLine(dev)
}
