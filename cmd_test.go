package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/batch/batchtest"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
)

// keyFile writes an age recipient to a file and returns its path.
func keyFile(t *testing.T, recipient string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "analyst.txt")
	if err := os.WriteFile(path, []byte(recipient+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// setUpFolder runs `chorus setup` on a new folder with a new analyst key
// and returns the folder and what setup wrote.
func setUpFolder(t *testing.T, name string) (string, string) {
	t.Helper()
	key := batchtest.NewKey(t, false)
	dir := filepath.Join(t.TempDir(), "data")
	var out bytes.Buffer
	err := setup([]string{"--data", dir, "--device-name", name, "--coordinator", "Asha Patel",
		"--recipient", keyFile(t, key.Recipient)}, strings.NewReader("480215\n480215\n"), &out)
	if err != nil {
		t.Fatalf("setup: %v\n%s", err, out.String())
	}
	return dir, out.String()
}

// device opens dir and returns its device.
func device(t *testing.T, dir string) store.Device {
	t.Helper()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dev, err := st.Device()
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

// TestSetupRefusesTheDemoKey is issue 14 item 11 for `chorus setup`: the
// demo analyst key, alone or as a second key, is refused before the PIN
// is asked for, with the reason, and the folder is not set up.
func TestSetupRefusesTheDemoKey(t *testing.T) {
	analyst := batchtest.NewKey(t, false)
	demo := keyFile(t, strings.TrimSpace(assets.DemoRecipient()))
	for name, keys := range map[string][]string{
		"demo key":        {demo},
		"demo escrow key": {keyFile(t, analyst.Recipient), demo},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		args := []string{"--data", dir, "--device-name", "Library laptop 3", "--coordinator", "Asha Patel"}
		for _, k := range keys {
			args = append(args, "--recipient", k)
		}
		var out bytes.Buffer
		err := setup(args, strings.NewReader("480215\n480215\n"), &out)
		want := "this is the published demo key; anyone can read data sealed to it; use your analyst's key"
		if !errors.Is(err, store.ErrDemoKey) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), demo) {
			t.Errorf("%s: setup = %v, want %q naming %s", name, err, want, demo)
		}
		if strings.Contains(out.String(), "PIN") {
			t.Errorf("%s: setup asked for the PIN before refusing the key: %q", name, out.String())
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: setup made the data folder (%v)", name, err)
		}
	}
}

// fingerprintLine is the enrolment list's format: the fingerprint, two
// spaces, the device's name.
var fingerprintLine = regexp.MustCompile(`^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}  \S.*\n$`)

// TestSetupEndsWithTheDeviceFingerprint: `chorus setup` ends by showing
// this laptop's fingerprint, to read to the analyst.
func TestSetupEndsWithTheDeviceFingerprint(t *testing.T) {
	dir, out := setUpFolder(t, "Library laptop 3")
	dev := device(t, dir)
	want := "This laptop's fingerprint (read it to the analyst): " + dev.Key.Fingerprint() + "  Library laptop 3"
	if !strings.Contains(out, want) {
		t.Errorf("setup wrote %q, want a line %q", out, want)
	}
}

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
		if err := fingerprint(&out, []string{"--data", dir}); err != nil {
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
		err := fingerprint(&out, c.args)
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
	if err := fingerprint(&out, []string{"--data", demo}); err != nil || !strings.HasSuffix(out.String(), "  Demo "+hostname(t)+"\n") {
		t.Errorf("fingerprint of a demo folder = %q, %v", out.String(), err)
	}
}

// TestExportShowsTheDeviceFingerprint: `chorus export` says which laptop
// wrote the batch, with its fingerprint for the analyst's enrolment list.
func TestExportShowsTheDeviceFingerprint(t *testing.T) {
	dir, _ := setUpFolder(t, "Library laptop 3")
	dev := device(t, dir)
	var out bytes.Buffer
	if err := export(&out, []string{"--data", dir, "--to", t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	want := "This laptop's fingerprint (read it to the analyst): " + dev.Key.Fingerprint() + "  Library laptop 3"
	if !strings.Contains(out.String(), want) {
		t.Errorf("export wrote %q, want a line %q", out.String(), want)
	}
}

func hostname(t *testing.T) string {
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestDemoStartsWhenTheBuiltInSurveyChangedWithoutANewVersion: a demo
// folder whose survey has the built-in's id and version but other bytes
// (the built-in was edited without a new version) still starts (P14),
// keeping the survey it has.
func TestDemoStartsWhenTheBuiltInSurveyChangedWithoutANewVersion(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := setUpDemo(st); err != nil {
		t.Fatal(err)
	}
	// The folder's copy of the built-in survey, as an older build had it.
	sha, err := st.Setting("survey")
	if err != nil {
		t.Fatal(err)
	}
	_, body, err := st.ActiveSurvey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	older := bytes.Replace(body, []byte(`"title"`), []byte(`"title" `), 1)
	sum := sha256.Sum256(older)
	olderSHA := hex.EncodeToString(sum[:])
	for _, q := range []string{`UPDATE surveys SET body = ?, sha256 = ? WHERE sha256 = ?`, `UPDATE settings SET value = ? WHERE value = ?`} {
		args := []any{older, olderSHA, sha}
		if strings.HasPrefix(q, "UPDATE settings") {
			args = []any{olderSHA, sha}
		}
		if _, err := st.DB().Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := setUpDemo(st); err != nil {
		t.Errorf("demo start with a built-in survey changed under the same version = %v, want it to start", err)
	}
	if _, got, _ := st.ActiveSurvey(context.Background()); !bytes.Equal(got, older) {
		t.Error("the demo folder's survey changed")
	}
}

// TestDemoMovesFromBuiltInSurveyVersion1: a demo folder set up by a build
// whose built-in survey was version 1 starts with this build and uses
// the current version, 3 (a new version, so the change is allowed).
func TestDemoMovesFromBuiltInSurveyVersion1(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v1, err := os.ReadFile(filepath.Join("data", "report", "testdata", "digital-inclusion-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	sv1, err := survey.Parse(assets.BuiltinSurvey, v1)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := seal.ParseRecipients(assets.DemoRecipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Setup(ctx, store.SetupInput{DeviceName: "Demo test", CoordinatorName: "Demo coordinator",
		PIN: demoCoordinatorPIN, Recipients: rs, Survey: sv1, SurveyBody: v1}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := setUpDemo(st); err != nil {
		t.Fatalf("demo start after the built-in survey's version 3 = %v, want it to start", err)
	}
	_, body, err := st.ActiveSurvey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := survey.Parse(assets.BuiltinSurvey, body)
	if err != nil || sv.Version != 3 {
		t.Errorf("the demo folder's survey is version %v (%v), want 3", sv, err)
	}
}
