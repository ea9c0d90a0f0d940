package audio_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"chorus/data/audio"
	"chorus/data/survey"
)

// writePack writes fsys into dir.
func writePack(t *testing.T, fsys fstest.MapFS, dir string) {
	t.Helper()
	for name, f := range fsys {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestInstallCopiesThePackTheSurveyNames(t *testing.T) {
	usb := t.TempDir()
	base := tinySurvey(t)
	fsys := packFS(t, base, nil)
	writePack(t, fsys, filepath.Join(usb, "tiny-audio"))
	sum := sha256.Sum256(fsys[audio.ManifestName].Data)
	body := strings.Replace(tiny, `"questions"`, `"audio": {"pack": "tiny-audio", "sha256": "`+hex.EncodeToString(sum[:])+`"}, "questions"`, 1)
	svPath := filepath.Join(usb, "tiny.json")
	if err := os.WriteFile(svPath, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sv, err := survey.ParseFile(svPath)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "audio")
	probs, err := audio.Install(sv, svPath, data)
	if err != nil || len(probs) > 0 {
		t.Fatalf("Install: %v %v", err, probs)
	}
	// The stick can go: the kiosk finds the copy.
	os.RemoveAll(usb)
	p, probs, err := audio.Find(sv, os.DirFS(data))
	if err != nil || len(probs) > 0 || !p.Has("cy", audio.QuestionText("ok")) {
		t.Fatalf("Find after Install: %v %v", err, probs)
	}
	// Installing again replaces the copy and leaves nothing else behind.
	writePack(t, fsys, filepath.Join(usb, "tiny-audio"))
	os.WriteFile(svPath, []byte(body), 0o644)
	if _, err := audio.Install(sv, svPath, data); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(data)
	if len(entries) != 1 || entries[0].Name() != "tiny-audio" {
		t.Errorf("audio folder holds %v", entries)
	}
	// A pack changed after the survey was made is refused whole.
	os.WriteFile(filepath.Join(usb, "tiny-audio", audio.ManifestName), append(fsys[audio.ManifestName].Data, ' '), 0o644)
	if _, err := audio.Install(sv, svPath, data); err == nil || !strings.Contains(err.Error(), "but the survey names") {
		t.Errorf("changed pack: %v", err)
	}
	// No pack beside the file.
	os.RemoveAll(filepath.Join(usb, "tiny-audio"))
	if _, err := audio.Install(sv, svPath, data); !errors.Is(err, audio.ErrNoPack) {
		t.Errorf("no pack: %v", err)
	}
}
