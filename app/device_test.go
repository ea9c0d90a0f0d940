package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/assets"

	"fyne.io/fyne/v2/test"
)

// TestSetupRefusesTheDemoKey is issue 14 item 11 on the setup screen: a
// real data folder given the demo analyst key (whose private key ships
// with Chorus) is not set up, the coordinator is told why as soon as the
// key is typed and again at Finish, and nobody is signed in.
func TestSetupRefusesTheDemoKey(t *testing.T) {
	r := newShellRig(t)
	s := r.sh.setup
	s.device.SetText("Library laptop 3")
	test.Type(s.coordinator, "Asha Patel")
	test.Type(s.pin, "480215")
	test.Type(s.pin2, "480215")
	s.recipients.SetText(assets.DemoRecipient())
	want := s.l.T("problem.demo_key") // in plain words: "That is the demo key, and anyone can read..."
	if !strings.Contains(s.fingerprint.Text, want) {
		t.Errorf("the key's line says %q, want %q", s.fingerprint.Text, want)
	}
	test.Tap(s.confirm)
	test.Tap(s.finish)
	if r.sh.home != nil || r.sh.user != nil {
		t.Fatal("setup with the demo key signed the coordinator in")
	}
	if !strings.Contains(summaryText(s), want) {
		t.Errorf("setup with the demo key says %q, want %q", summaryText(s), want)
	}
	if ok, _ := r.st.IsSetUp(context.Background()); ok {
		t.Error("the folder is set up with the demo key")
	}
}

// TestExportTabShowsTheDeviceFingerprint: the coordinator's Export tab
// shows this laptop's name and its signing key's fingerprint, which the
// analyst enrols it by.
func TestExportTabShowsTheDeviceFingerprint(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	dev, err := r.st.Device()
	if err != nil {
		t.Fatal(err)
	}
	c := r.sh.home.coord
	want := c.l.T("staff.device_fingerprint", map[string]any{"Fingerprint": dev.Key.Fingerprint(), "Name": dev.Name})
	if c.deviceFP == nil || c.deviceFP.Text != want {
		t.Fatalf("the Export tab shows no fingerprint line %q", want)
	}
	for _, s := range []string{"This laptop's fingerprint (read it to the analyst)", dev.Key.Fingerprint(), "Library laptop 3"} {
		if !strings.Contains(c.deviceFP.Text, s) {
			t.Errorf("the fingerprint line %q lacks %q", c.deviceFP.Text, s)
		}
	}
}

// TestSurveyTabRefusesAChangedSurveyUnderTheSameVersion is issue 14 item
// 12 on the Survey tab: a survey file with the id and version of one on
// the laptop but other content is refused with a message naming it, and
// the kiosk keeps the survey it had.
func TestSurveyTabRefusesAChangedSurveyUnderTheSameVersion(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	body, err := os.ReadFile("../data/survey/testdata/alltypes.json")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(body), `"Do you use the internet?"`, `"Do you use the internet at home?"`, 1)
	path := filepath.Join(t.TempDir(), "changed.json")
	if err := os.WriteFile(path, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	c := r.sh.home.coord
	c.surveyFile.SetText(path)
	test.Tap(c.loadSurvey)
	want := "survey all_types version 3 is already on this laptop with different content; give the changed survey a new version"
	if !strings.Contains(c.surveyMsg.Text, want) {
		t.Errorf("loading the changed survey says %q, want %q", c.surveyMsg.Text, want)
	}
	if _, cur, _ := r.st.ActiveSurvey(context.Background()); string(cur) != string(body) {
		t.Error("the changed survey is in use")
	}
	if q, _ := r.sh.kiosk.cfg.Survey.Question("online"); q.Text.In("en") != "Do you use the internet?" {
		t.Errorf("the kiosk now asks %q", q.Text.In("en"))
	}
}
