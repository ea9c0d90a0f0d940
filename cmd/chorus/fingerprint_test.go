package main

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"chorus/data/store"
)

// fingerprintLine is the enrolment list's format: the fingerprint, two
// spaces, the device's name.
var fingerprintLine = regexp.MustCompile(`^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}  \S.*\n$`)

// TestFingerprintPrintsOneEnrolmentLine: `chorus fingerprint --data DIR`
// prints exactly one line, "FINGERPRINT  DEVICE-NAME", the device's
// signing key's fingerprint and name, so that the lines of many laptops
// appended to one file make the analyst's enrolment list.
func TestFingerprintPrintsOneEnrolmentLine(t *testing.T) {
	var list bytes.Buffer
	var devs []store.Device
	for _, name := range []string{"Library laptop 3", "Mosque hall laptop"} {
		dir, _ := setUpFolder(t, name)
		devs = append(devs, device(t, dir))
		var out bytes.Buffer
		if err := runFingerprint([]string{"--data", dir}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !fingerprintLine.MatchString(out.String()) {
			t.Errorf("chorus fingerprint printed %q, not one enrolment line", out.String())
		}
		list.Write(out.Bytes())
	}
	want := devs[0].Key.Fingerprint() + "  Library laptop 3\n" + devs[1].Key.Fingerprint() + "  Mosque hall laptop\n"
	if list.String() != want {
		t.Errorf("the enrolment list is\n%s\nwant\n%s", list.String(), want)
	}
	if devs[0].Key.Fingerprint() == devs[1].Key.Fingerprint() {
		t.Error("two laptops have the same fingerprint")
	}
}

// TestFingerprintRefusesWhatIsNoDevice: no --data, a folder that is not
// there (not made) and one not set up each get a clear error and print
// nothing; a demo folder prints its line (for a demo database).
func TestFingerprintRefusesWhatIsNoDevice(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing-here")
	empty := t.TempDir()
	demo := t.TempDir()
	st, err := store.Open(demo, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setUpDemo(st); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "usage: chorus fingerprint --data DIR"},
		{[]string{"--data", missing}, "no Chorus data folder at " + missing},
		{[]string{"--data", empty}, "no Chorus data folder at " + empty},
	} {
		var out bytes.Buffer
		err := runFingerprint(c.args, &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("fingerprint %v = %v, want %q", c.args, err, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("fingerprint %v printed %q", c.args, out.String())
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("fingerprint made %s", missing)
	}
	var out bytes.Buffer
	if err := runFingerprint([]string{"--data", demo}, &out, io.Discard); err != nil || !strings.HasSuffix(out.String(), "  Demo "+hostname(t)+"\n") {
		t.Errorf("fingerprint of a demo folder = %q, %v", out.String(), err)
	}
}

// hostname is this machine's name, which a demo folder's device is named after.
func hostname(t *testing.T) string {
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return h
}
