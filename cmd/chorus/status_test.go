package main

import (
	"bytes"
	"strings"
	"testing"

	"chorus/data/store"
	"chorus/data/store/storetest"
)

// TestStatusWhileTheWindowIsOpen: `chorus status` answers while another
// Store (the window) holds the folder and writes to it, with what is
// waiting, the last export, the fingerprints and the survey, and without
// the PIN.
func TestStatusWhileTheWindowIsOpen(t *testing.T) {
	dir, _ := setUpFolder(t, "Library laptop 3")
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := st.Recipients()
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	d := storetest.OpenDevice(t, dir, rs, false) // holds the folder, as the window does
	d.Submit(2)
	d.Export(t.TempDir())
	d.Submit(1)

	var stdout, stderr bytes.Buffer
	if code := run([]string{"status", "--data", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("status: exit %d, stderr %q", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"laptop:            Library laptop 3\n",
		"fingerprint:       " + d.Info.Key.Fingerprint() + "\n",
		"analyst key:       " + rs[0].Fingerprint() + "\n",
		"waiting to export: 1 responses, 0 declined, 0 withdrawals\n",
		"last export:       batch 1, ",
		", 2 responses (1 batches in all)\n",
		"survey:            ",
		"languages:         ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "480215") || strings.Contains(out, rs[0].Text) || strings.Contains(out, "AGE-SECRET") {
		t.Errorf("status shows a PIN or a key:\n%s", out)
	}
	d.Submit(1) // the window still writes
}

// TestStatusSaysWhatIsWrong: a folder that is not there, and usage.
func TestStatusSaysWhatIsWrong(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "--data", t.TempDir() + "/none"}, "no Chorus data folder at "},
		{[]string{"status"}, "chorus: usage: chorus status --data DIR\n"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", tc.args, code, stdout.String(), stderr.String(), tc.want)
		}
	}
}
