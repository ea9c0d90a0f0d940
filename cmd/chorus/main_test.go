package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/store"

	"filippo.io/age"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"chorus": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the scripts in testdata against the real command. Each
// starts with, in its folder:
//
//	analyst.txt   a new analyst's age public key
//	demo-key.txt  the published demo key, which real setup refuses
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			id, err := age.GenerateX25519Identity()
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(env.WorkDir, "analyst.txt"), []byte(id.Recipient().String()+"\n"), 0o600); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(env.WorkDir, "demo-key.txt"), []byte(assets.DemoRecipient()), 0o600)
		},
	})
}

// TestRunHintsAtTheOtherWindow: a data folder another Chorus holds gets
// exit status 1, the error and the hint to close the other window.
func TestRunHintsAtTheOtherWindow(t *testing.T) {
	dir, _ := setUpFolder(t, "Library laptop 3")
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var stdout, stderr bytes.Buffer
	code := run([]string{"fingerprint", "--data", dir}, &stdout, &stderr)
	if code != 1 || stdout.Len() != 0 ||
		!strings.HasPrefix(stderr.String(), "chorus: ") || !strings.Contains(stderr.String(), store.ErrLocked.Error()) ||
		!strings.Contains(stderr.String(), "hint: close the other Chorus window first, or use another --data folder") {
		t.Errorf("run on a folder in use: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}
