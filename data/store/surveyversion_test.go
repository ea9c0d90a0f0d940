package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/store"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

// changedSurvey is the test survey's file with each old replaced by its
// new, parsed.
func changedSurvey(t *testing.T, pairs ...string) (*survey.Survey, []byte) {
	t.Helper()
	body, err := os.ReadFile(storetest.SurveyFile)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(pairs); i += 2 {
		b := bytes.Replace(body, []byte(pairs[i]), []byte(pairs[i+1]), 1)
		if bytes.Equal(b, body) {
			t.Fatalf("the test survey has no %s", pairs[i])
		}
		body = b
	}
	sv, err := survey.Parse(filepath.Base(storetest.SurveyFile), body)
	if err != nil {
		t.Fatal(err)
	}
	return sv, body
}

// TestSurveyChangedUnderTheSameVersionIsRefused is the device side of
// issue 14 item 12: a survey whose id and version are already on the
// device with other content is refused, by AddSurvey and UseSurvey, with
// a message naming it; the survey in use stays. The same file again, or
// the change under a new version, is taken.
func TestSurveyChangedUnderTheSameVersionIsRefused(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	if err := dev.Store.UseSurvey(ctx, "Asha", dev.Survey, mustRead(t, storetest.SurveyFile)); err != nil {
		t.Fatalf("the same file again: %v", err)
	}
	sv, body := changedSurvey(t, `"Do you use the internet?"`, `"Do you use the internet at home?"`)
	want := "survey all_types version 3 is already on this laptop with different content; give the changed survey a new version"
	for name, add := range map[string]func() error{
		"AddSurvey": func() error { return dev.Store.AddSurvey(sv, body) },
		"UseSurvey": func() error { return dev.Store.UseSurvey(ctx, "Asha", sv, body) },
	} {
		err := add()
		if !errors.Is(err, store.ErrSurveyChanged) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s of a changed survey under the same version = %v, want %q", name, err, want)
		}
	}
	if _, cur, _ := dev.Store.ActiveSurvey(ctx); !bytes.Equal(cur, mustRead(t, storetest.SurveyFile)) {
		t.Error("the refused survey is in use")
	}
	var n int
	dev.Store.DB().QueryRow(`SELECT count(*) FROM surveys WHERE sha256 = ?`, sv.SHA256).Scan(&n)
	if n != 0 {
		t.Error("the refused survey was stored")
	}
	sv4, body4 := changedSurvey(t, `"Do you use the internet?"`, `"Do you use the internet at home?"`, `"version": 3,`, `"version": 4,`)
	if err := dev.Store.UseSurvey(ctx, "Asha", sv4, body4); err != nil {
		t.Errorf("the change under version 4: %v", err)
	}
}

// TestConsentTextChangedUnderTheSameVersionIsRefused: a new version of a
// survey whose consent text (in any language, purposes included) changed
// while the consent text's version stayed as it was is refused; consent
// records name the text by its version. With a new consent version, or
// with the consent text unchanged, the new survey version is taken.
func TestConsentTextChangedUnderTheSameVersionIsRefused(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	want := "the consent text changed but its version (test-1) did not; give the consent text a new version"
	for name, change := range map[string][]string{
		"English text":  {`"We would like to ask you some questions."`, `"We would like to ask you a few questions."`},
		"Welsh text":    {`"Hoffem ofyn rhai cwestiynau i chi."`, `"Hoffem ofyn ychydig o gwestiynau i chi."`},
		"purpose label": {`"You can quote my words"`, `"You may quote my words"`},
	} {
		sv, body := changedSurvey(t, append([]string{`"version": 3,`, `"version": 4,`}, change...)...)
		err := dev.Store.UseSurvey(ctx, "Asha", sv, body)
		if !errors.Is(err, store.ErrConsentChanged) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "all_types") {
			t.Errorf("%s changed under consent version test-1: %v, want %q", name, err, want)
		}
	}
	sv, body := changedSurvey(t, `"version": 3,`, `"version": 4,`, `"version": "test-1"`, `"version": "test-2"`,
		`"We would like to ask you some questions."`, `"We would like to ask you a few questions."`)
	if err := dev.Store.UseSurvey(ctx, "Asha", sv, body); err != nil {
		t.Errorf("the consent text changed with a new consent version: %v", err)
	}
	sv, body = changedSurvey(t, `"version": 3,`, `"version": 5,`, `"Do you use the internet?"`, `"Do you use the internet at home?"`)
	if err := dev.Store.UseSurvey(ctx, "Asha", sv, body); err != nil {
		t.Errorf("a new survey version with the consent unchanged: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
