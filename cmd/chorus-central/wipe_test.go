package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/store/storetest"
)

// TestWipeCommand: `chorus-central wipe` without the project's name says
// what it is and wipes nothing; with it, the database file goes and the
// report, printed and written as JSON, counts what was merged.
func TestWipeCommand(t *testing.T) {
	work := t.TempDir()
	key := storetest.NewKey(t, false)
	idFile := filepath.Join(work, "key.txt")
	if err := os.WriteFile(idFile, []byte(key.Identity), 0o600); err != nil {
		t.Fatal(err)
	}
	d := storetest.NewDevice(t, key.Recipients, false)
	d.Submit(3)
	b1 := d.Export(t.TempDir())
	list := filepath.Join(work, "enrol.txt")
	if err := os.WriteFile(list, []byte(fmt.Sprintf("%s  %s\n", d.Info.Key.Fingerprint(), d.Info.Name)), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(work, "c.db")
	var stdout, stderr bytes.Buffer
	for _, args := range [][]string{{"enrol", "--db", db, "--list", list}, {"merge", "--db", db, "-i", idFile, b1}} {
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: %s", args, stderr.String())
		}
	}
	stderr.Reset()
	if code := run([]string{"wipe", "--db", db, "--confirm", "central"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), fmt.Sprintf("give --confirm %q", d.Survey.ID)) {
		t.Fatalf("wrong confirmation: exit %d, %s", code, stderr.String())
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("a refused wipe removed the database: %v", err)
	}
	reports := t.TempDir()
	stdout.Reset()
	if code := run([]string{"wipe", "--db", db, "--confirm", d.Survey.ID, "--report", reports}, &stdout, &stderr); code != 0 {
		t.Fatalf("wipe: %s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "responses:        3 deleted") || !strings.Contains(stdout.String(), "batches 1\n") {
		t.Errorf("wipe says:\n%s", stdout.String())
	}
	if left, _ := filepath.Glob(db + "*"); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
	if files, _ := filepath.Glob(filepath.Join(reports, "chorus-central-wipe-*.json")); len(files) != 1 {
		t.Errorf("report files: %v", files)
	}
}
