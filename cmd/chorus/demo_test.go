package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/assets"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/survey"
)

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
	v1, err := os.ReadFile(filepath.Join("..", "..", "data", "report", "testdata", "digital-inclusion-v1.json"))
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
