package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/ack"
	"chorus/data/batch"
	"chorus/data/store/storetest"
)

// TestAckEndToEnd is retention across both tools with real batches: a
// laptop exports two batches, the analyst merges them and writes the
// acknowledgement, and the laptop, given it, deletes both batches' sealed
// answers and keeps what still waits.
func TestAckEndToEnd(t *testing.T) {
	work := t.TempDir()
	key := storetest.NewKey(t, false)
	idFile := filepath.Join(work, "key.txt")
	if err := os.WriteFile(idFile, []byte(key.Identity), 0o600); err != nil {
		t.Fatal(err)
	}
	d := storetest.NewDevice(t, key.Recipients, false)
	stick := t.TempDir()
	d.Submit(2)
	b1 := d.Export(stick)
	d.Submit(3)
	b2 := d.Export(stick)
	d.Submit(1)
	list := filepath.Join(work, "enrol.txt")
	if err := os.WriteFile(list, []byte(fmt.Sprintf("%s  %s\n", d.Info.Key.Fingerprint(), d.Info.Name)), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(work, "c.db")
	runOK := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr.String())
		}
		return stdout.String()
	}

	var stdout, stderr bytes.Buffer
	if code := run([]string{"ack", "--db", db, "--to", stick}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "give the analyst database") {
		t.Errorf("ack before any database: exit %d, %s", code, stderr.String())
	}
	runOK("enrol", "--db", db, "--list", list)
	runOK("merge", "--db", db, "-i", idFile, b1, b2)
	out := runOK("ack", "--db", db, "--to", stick)
	path := filepath.Join(stick, ack.FileName(d.Info.ID))
	if !strings.Contains(out, path+": device "+batch.DeviceShort(d.Info.ID)+", batches 1, 2\n") {
		t.Errorf("ack says:\n%s", out)
	}

	a, err := ack.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Store.Acknowledge(context.Background(), a, "Asha Patel")
	if err != nil {
		t.Fatal(err)
	}
	if res.Responses != 5 {
		t.Errorf("acknowledged %d responses, want 5", res.Responses)
	}
	waiting, err := d.Store.Unexported(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if waiting.Responses != 1 {
		t.Errorf("%d responses wait after retention, want 1", waiting.Responses)
	}
}
