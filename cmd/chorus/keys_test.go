package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/store"
	"chorus/data/store/storetest"
)

// TestKeysChangesOnlyWhenConfirmed: `chorus keys --replace-recipient`
// shows the new fingerprint and changes nothing until "yes" is typed;
// the demo key is refused before anything is asked; after "yes" the new
// key is the one in force and the change is in the audit log.
func TestKeysChangesOnlyWhenConfirmed(t *testing.T) {
	dir, _ := setUpFolder(t, "Library laptop 3")
	newKey := storetest.NewKey(t, false)
	newFP := newKey.Recipients[0].Fingerprint()
	file := keyFile(t, newKey.Recipient)
	current := func() []string {
		t.Helper()
		st, err := store.Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		rs, err := st.Recipients()
		if err != nil {
			t.Fatal(err)
		}
		var fps []string
		for _, r := range rs {
			fps = append(fps, r.Fingerprint())
		}
		return fps
	}
	before := current()

	for _, answer := range []string{"", "no\n", "y\n"} {
		var stdout, stderr bytes.Buffer
		err := keys([]string{"--data", dir, "--replace-recipient", file}, strings.NewReader(answer), &stdout, &stderr)
		if err == nil || err.Error() != "the keys were not changed" {
			t.Errorf("answer %q: %v", answer, err)
		}
		if !strings.Contains(stdout.String(), "to replace them with:\n  "+newFP+"  (") ||
			!strings.Contains(stdout.String(), "stay sealed to the old key") {
			t.Errorf("answer %q: the prompt lacks the new fingerprint or the warning:\n%s", answer, stdout.String())
		}
		if got := current(); strings.Join(got, " ") != strings.Join(before, " ") {
			t.Fatalf("answer %q changed the keys to %v", answer, got)
		}
	}

	demo := keyFile(t, strings.TrimSpace(assets.DemoRecipient()))
	var stdout, stderr bytes.Buffer
	if err := keys([]string{"--data", dir, "--add-recipient", demo}, strings.NewReader("yes\n"), &stdout, &stderr); err == nil ||
		!strings.Contains(err.Error(), store.ErrDemoKey.Error()) || strings.Contains(stdout.String(), "type yes") {
		t.Errorf("adding the demo key: %v\n%s", err, stdout.String())
	}

	stdout.Reset()
	if err := keys([]string{"--data", dir, "--replace-recipient", file}, strings.NewReader("yes\n"), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(stdout.String(), "new responses are sealed to:\n  "+newFP+"  (x25519)\n") {
		t.Errorf("after yes:\n%s", stdout.String())
	}
	if got := current(); len(got) != 1 || got[0] != newFP {
		t.Errorf("keys after yes: %v, want %s", got, newFP)
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.AuditLog(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != "keys.change" || log[0].Detail != "analyst keys replaced: were "+before[0]+"; now "+newFP {
		t.Errorf("the newest audit entry is %+v", log)
	}
}
