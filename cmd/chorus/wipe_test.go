package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/store"
	"chorus/data/store/storetest"
)

// TestWipeCommand: `chorus wipe` refuses while a response waits to
// export, naming how many; with everything exported it wipes nothing
// until the laptop's name is typed; then it wipes, prints the report and
// writes it as JSON on the stick, and the data folder is gone. A report
// folder inside the data folder is refused before anything happens.
func TestWipeCommand(t *testing.T) {
	key := storetest.NewKey(t, false)
	dir := filepath.Join(t.TempDir(), "data")
	d := storetest.OpenDevice(t, dir, key.Recipients, false)
	d.Submit(2)
	d.Export(t.TempDir())
	d.Submit(1)
	d.Store.Close() // the window is closed
	stick := t.TempDir()

	var stdout, stderr bytes.Buffer
	if code := run([]string{"wipe", "--data", dir, "--report", stick, "--confirm", "test kiosk"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "1 responses are still waiting to export (1 not yet in a batch)") ||
		!strings.Contains(stderr.String(), "hint: run chorus export first") {
		t.Fatalf("wipe with one waiting: exit %d, %s", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"export", "--data", dir, "--to", t.TempDir()}, &stdout, &stderr); code != 0 {
		t.Fatalf("export: %s", stderr.String())
	}
	for _, typed := range []string{"", "test kiosk 2\n", "yes\n"} {
		stdout.Reset()
		err := wipe([]string{"--data", dir, "--report", stick}, strings.NewReader(typed), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "nothing was wiped") || !strings.Contains(stdout.String(), "type the laptop's name (test kiosk)") {
			t.Fatalf("typed %q: %v\n%s", typed, err, stdout.String())
		}
		if _, err := os.Stat(filepath.Join(dir, store.DBName)); err != nil {
			t.Fatalf("typed %q: %v", typed, err)
		}
	}
	if err := wipe([]string{"--data", dir, "--report", dir}, strings.NewReader("test kiosk\n"), &stdout, &stderr); err == nil ||
		!strings.Contains(err.Error(), "inside the data folder") {
		t.Fatalf("report inside the data folder: %v", err)
	}

	stdout.Reset()
	if err := wipe([]string{"--data", dir, "--report", stick}, strings.NewReader(" Test Kiosk \n"), &stdout, &stderr); err != nil {
		t.Fatalf("wipe: %v\n%s", err, stdout.String())
	}
	out := stdout.String()
	for _, want := range []string{"responses:        3 deleted (3 still held sealed answers)", "consent records:  3 deleted",
		"batch 1:", "batch 2:", "report written: " + stick} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the data folder is still there: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(stick, "chorus-wipe-*.json"))
	if len(files) != 1 {
		t.Fatalf("report files %v", files)
	}
	body, _ := os.ReadFile(files[0])
	var rep store.WipeReport
	if err := json.Unmarshal(body, &rep); err != nil || rep.Responses != 3 || len(rep.Batches) != 2 ||
		rep.DeviceFingerprint != d.Info.Key.Fingerprint() {
		t.Errorf("report file: %v %s", err, body)
	}
}
