package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/store"
	"chorus/data/store/storetest"
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
	key := storetest.NewKey(t, false)
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
	analyst := storetest.NewKey(t, false)
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
