package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestExportShowsTheDeviceFingerprint: `chorus export` says which laptop
// wrote the batch, with its fingerprint for the analyst's enrolment list.
func TestExportShowsTheDeviceFingerprint(t *testing.T) {
	dir, _ := setUpFolder(t, "Library laptop 3")
	dev := device(t, dir)
	var out bytes.Buffer
	if err := runExport([]string{"--data", dir, "--to", t.TempDir()}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	want := "This laptop's fingerprint (read it to the analyst): " + dev.Key.Fingerprint() + "  Library laptop 3"
	if !strings.Contains(out.String(), want) {
		t.Errorf("export wrote %q, want a line %q", out.String(), want)
	}
}
