package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/audio"
	"chorus/data/survey"
)

// twoLanguages is a survey in English (espeak-ng has a voice) and Somali
// (it has none).
const twoLanguages = `{
  "format": "chorus-survey/1", "id": "two", "version": 1, "languages": ["en", "so"],
  "title": {"en": "Your views", "so": "Aragtidaada"},
  "consent": {"version": "v1", "text": {"en": "You choose.", "so": "Adiga ayaa dooranaya."},
    "purposes": [{"id": "take_part", "required": true, "label": {"en": "I agree", "so": "Waan ogolahay"}}],
    "easy_read": {"text": {"en": "We ask you questions.\nYou can stop.", "so": "Su'aalo ayaan ku weydiinaynaa.\nWaad joojin kartaa."},
      "purposes": [{"id": "take_part", "label": {"en": "I will answer", "so": "Waan ka jawaabayaa"}, "picture": "take_part.png"}]}},
  "questions": [{"id": "ok", "type": "single", "text": {"en": "How are you?", "so": "Sidee tahay?"},
    "options": [{"code": "good", "label": {"en": "Good", "so": "Fiican"}}, {"code": "bad", "label": {"en": "Bad", "so": "Xun"}}]}]
}`

// writeTone writes a one-second 440 Hz mono WAV at 22050 Hz: a stand-in
// for a person's recording.
func writeTone(t *testing.T, name string) {
	t.Helper()
	const rate, n = 22050, 22050
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(36+2*n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(2 * rate), uint16(2), uint16(16)} {
		binary.Write(&b, le, v) // fmt chunk: PCM, mono, 16-bit
	}
	b.WriteString("data")
	binary.Write(&b, le, uint32(2*n))
	for i := range n {
		binary.Write(&b, le, int16(8000*math.Sin(2*math.Pi*440*float64(i)/rate)))
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSurveyAudioMakesADraftPack(t *testing.T) {
	for _, tool := range []string{"espeak-ng", "lame"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (scripts/install-deps test installs it)", tool)
		}
	}
	dir := t.TempDir()
	svPath := filepath.Join(dir, "two.json")
	if err := os.WriteFile(svPath, []byte(twoLanguages), 0o644); err != nil {
		t.Fatal(err)
	}
	// The easy-read consent's picture is beside the survey file.
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "take_part.png"), pic.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// A person recorded the Somali question, and the English title.
	recs := filepath.Join(dir, "recordings")
	writeTone(t, filepath.Join(recs, "so", audio.QuestionText("ok")+".wav"))
	writeTone(t, filepath.Join(recs, "en", audio.KeyTitle+".wav"))
	out := filepath.Join(dir, "two-audio")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"survey", "audio", svPath, "--out", out, "--recordings", recs}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	sv, err := survey.ParseFile(svPath)
	if err != nil {
		t.Fatal(err)
	}
	keys := len(audio.Keys(sv, "en"))
	report := stdout.String()
	for _, want := range []string{
		"en       draft", "espeak-ng en-gb",
		"so       missing", "none: espeak-ng has no voice; record every text",
		"manifest sha256 ",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if !strings.Contains(stderr.String(), `"audio": {"pack": "two-audio", "sha256": "`) {
		t.Errorf("no survey line in:\n%s", stderr.String())
	}
	p, probs, err := audio.Load(os.DirFS(out), sv, "")
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := p.Picture("take_part.png"); !ok || !bytes.Equal(b, pic.Bytes()) {
		t.Error("the easy-read picture is not in the pack")
	}
	if !p.Has("en", audio.KeyConsentEasy) {
		t.Error("no draft of the easy-read consent")
	}
	st := p.Statuses(sv)
	if st[0].Status != audio.Draft || st[0].Clips != keys || st[0].Drafts != keys-1 {
		t.Errorf("en: %+v, want %d clips, all but the recorded title drafts", st[0], keys)
	}
	if st[1].Status != audio.Missing || st[1].Clips != 1 || st[1].Drafts != 0 || st[1].Missing != keys-1 {
		t.Errorf("so: %+v, want the one recording and %d missing", st[1], keys-1)
	}
	for _, pr := range probs {
		if pr.Lang != "so" || pr.Msg != "missing" {
			t.Errorf("unexpected problem: %v", pr)
		}
	}
	// Every clip decodes with the kiosk's decoder, at the pack's rate, and
	// is not silent.
	for _, lang := range sv.Languages {
		for _, key := range audio.Keys(sv, lang) {
			if !p.Has(lang, key) {
				continue
			}
			b, err := p.Open(lang, key)
			if err != nil {
				t.Fatal(err)
			}
			pcm, err := audio.Decode(bytes.NewReader(b))
			if err != nil || pcm.Rate != audio.SampleRate || pcm.RMS() < audio.SilenceFloor {
				t.Errorf("%s %s: %v, rate %d, RMS %.4f", lang, key, err, pcm.Rate, pcm.RMS())
			}
		}
	}
}

// TestRecordingsReplaceDraftsOneByOne: a folder of recordings named by
// key (LANG/KEY.wav or .mp3) replaces exactly those drafts; made again with
// one more recording, the pack changes in that clip alone.
func TestRecordingsReplaceDraftsOneByOne(t *testing.T) {
	for _, tool := range []string{"espeak-ng", "lame"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (scripts/install-deps test installs it)", tool)
		}
	}
	dir := t.TempDir()
	svPath := filepath.Join(dir, "two.json")
	if err := os.WriteFile(svPath, []byte(twoLanguages), 0o644); err != nil {
		t.Fatal(err)
	}
	sv, err := survey.ParseFile(svPath)
	if err != nil {
		t.Fatal(err)
	}
	recs := filepath.Join(dir, "recordings")
	make := func(out string) audio.Manifest {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run([]string{"survey", "audio", svPath, "--out", out, "--recordings", recs}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		p, _, err := audio.Load(os.DirFS(out), sv, "")
		if err != nil {
			t.Fatal(err)
		}
		return p.Manifest
	}
	writeTone(t, filepath.Join(recs, "so", audio.QuestionText("ok")+".wav"))
	first := make(filepath.Join(dir, "first"))
	writeTone(t, filepath.Join(recs, "so", audio.App("nav.next")+".wav"))
	writeTone(t, filepath.Join(recs, "en", audio.Spell('K')+".wav"))
	second := make(filepath.Join(dir, "second"))
	changed := map[string]bool{"so " + audio.App("nav.next"): true, "en " + audio.Spell('K'): true}
	for _, lang := range sv.Languages {
		for _, key := range audio.Keys(sv, lang) {
			a, b := first.Languages[lang].Clips[key], second.Languages[lang].Clips[key]
			switch {
			case changed[lang+" "+key]:
				if b.SHA256 == "" || b.Draft || a.SHA256 == b.SHA256 {
					t.Errorf("%s %s: %+v then %+v, want the recording in place of the draft", lang, key, a, b)
				}
			case a != b:
				t.Errorf("%s %s changed with no new recording: %+v then %+v", lang, key, a, b)
			}
		}
	}
	if n := len(second.Languages["so"].Clips); n != 2 {
		t.Errorf("Somali has %d clips, want the 2 recorded", n)
	}
}

// TestArabicShaddaIsSaid: espeak-ng drops the vowel of a shadda written
// after it (Unicode's order); shaddaFirst puts it back, so Arabic "Skip"
// is a word, not near silence.
func TestArabicShaddaIsSaid(t *testing.T) {
	if got, want := shaddaFirst("\u062a\u062e\u0637\u064e\u0651"), "\u062a\u062e\u0637\u0651\u064e"; got != want {
		t.Errorf("shaddaFirst = %q, want %q", got, want)
	}
	for _, tool := range []string{"espeak-ng", "lame"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (scripts/install-deps test installs it)", tool)
		}
	}
	dir := t.TempDir()
	dst := filepath.Join(dir, "skip.mp3")
	if err := speak("ar", "تخطَّ", false, filepath.Join(dir, "skip.wav"), dst); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := audio.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if rms := pcm.RMS(); rms < audio.SilenceFloor {
		t.Errorf("Arabic Skip: RMS %.4f, silent", rms)
	}
}
