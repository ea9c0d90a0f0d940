package audio_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"chorus/data/audio"
	"chorus/data/survey"
)

// tiny is a two-language survey with one question.
const tiny = `{
  "format": "chorus-survey/1", "id": "tiny", "version": 1, "languages": ["en", "cy"],
  "title": {"en": "Title", "cy": "Teitl"},
  "consent": {"version": "v1", "text": {"en": "Consent", "cy": "Caniatâd"},
    "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes", "cy": "Ie"}}]},
  "questions": [{"id": "ok", "type": "yesno", "text": {"en": "All right?", "cy": "Iawn?"}}]
}`

func tinySurvey(t *testing.T) *survey.Survey {
	t.Helper()
	sv, err := survey.Parse("tiny.json", []byte(tiny))
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

// realClip is a real MP3 from the built-in survey's draft pack.
func realClip(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../assets/audio/digital-inclusion/en/app.nav.next.mp3")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// packFS builds a complete pack for tinySurvey in memory from one real
// clip, then lets edit change the manifest and files before the manifest
// is written.
func packFS(t *testing.T, sv *survey.Survey, edit func(m *audio.Manifest, files fstest.MapFS)) fstest.MapFS {
	t.Helper()
	clip := realClip(t)
	sum := sha256.Sum256(clip)
	files := fstest.MapFS{}
	m := audio.Manifest{Format: audio.Format, SurveyID: sv.ID, Languages: map[string]*audio.Language{}}
	for _, lang := range sv.Languages {
		l := &audio.Language{Voice: "test", Clips: map[string]audio.Clip{}}
		for _, key := range audio.Keys(sv, lang) {
			name := lang + "/" + key + ".mp3"
			files[name] = &fstest.MapFile{Data: clip}
			l.Clips[key] = audio.Clip{File: name, Bytes: int64(len(clip)), Millis: 500, SHA256: hex.EncodeToString(sum[:])}
		}
		m.Languages[lang] = l
	}
	if edit != nil {
		edit(&m, files)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	files[audio.ManifestName] = &fstest.MapFile{Data: raw}
	return files
}

func TestLoadComplete(t *testing.T) {
	sv := tinySurvey(t)
	fsys := packFS(t, sv, nil)
	p, probs, err := audio.Load(fsys, sv, "")
	if err != nil || len(probs) > 0 {
		t.Fatalf("Load: %v %v", err, probs)
	}
	for _, s := range p.Statuses(sv) {
		if s.Status != audio.Complete || s.Missing != 0 || s.Clips != len(audio.Keys(sv, s.Lang)) {
			t.Errorf("%+v", s)
		}
	}
	b, err := p.Open("cy", audio.QuestionText("ok"))
	if err != nil || !bytes.Equal(b, realClip(t)) {
		t.Errorf("Open: %v", err)
	}
	// The survey pins the manifest: the right hash loads, any other is refused.
	sum := sha256.Sum256(fsys[audio.ManifestName].Data)
	if _, _, err := audio.Load(fsys, sv, hex.EncodeToString(sum[:])); err != nil {
		t.Errorf("pinned: %v", err)
	}
	other := strings.Repeat("0", 64)
	_, _, err = audio.Load(fsys, sv, other)
	if err == nil || !strings.Contains(err.Error(), "but the survey names "+other) {
		t.Errorf("wrong pin: %v", err)
	}
}

func TestLoadProblems(t *testing.T) {
	sv := tinySurvey(t)
	next := audio.App("nav.next")
	cases := []struct {
		name string
		edit func(m *audio.Manifest, files fstest.MapFS)
		want string
	}{
		{"missing key", func(m *audio.Manifest, files fstest.MapFS) {
			delete(m.Languages["cy"].Clips, audio.QuestionText("ok"))
		}, "audio pack: cy: q.ok.text: missing"},
		{"unreadable file", func(m *audio.Manifest, files fstest.MapFS) {
			delete(files, "cy/"+next+".mp3")
		}, "audio pack: cy: app.nav.next: cannot read cy/app.nav.next.mp3: open cy/app.nav.next.mp3: file does not exist"},
		{"wrong language", func(m *audio.Manifest, files fstest.MapFS) {
			c := m.Languages["cy"].Clips[next]
			c.File = "en/" + next + ".mp3"
			m.Languages["cy"].Clips[next] = c
		}, "audio pack: cy: app.nav.next: wrong language: file en/app.nav.next.mp3 is not in the cy/ folder"},
		{"oversized file", func(m *audio.Manifest, files fstest.MapFS) {
			files["cy/"+next+".mp3"] = &fstest.MapFile{Data: make([]byte, audio.MaxClipBytes+1)}
		}, "audio pack: cy: app.nav.next: file cy/app.nav.next.mp3 is 2097153 bytes, more than the 2097152 a clip may have"},
		{"changed file", func(m *audio.Manifest, files fstest.MapFS) {
			b := bytes.Clone(realClip(t))
			b[len(b)-1] ^= 1
			files["cy/"+next+".mp3"] = &fstest.MapFile{Data: b}
		}, "audio pack: cy: app.nav.next: file cy/app.nav.next.mp3 has SHA-256 "},
		{"not MP3", func(m *audio.Manifest, files fstest.MapFS) {
			b := []byte("RIFF....WAVEfmt this is not an mp3 at all")
			sum := sha256.Sum256(b)
			files["cy/"+next+".mp3"] = &fstest.MapFile{Data: b}
			c := m.Languages["cy"].Clips[next]
			c.SHA256 = hex.EncodeToString(sum[:])
			m.Languages["cy"].Clips[next] = c
		}, "audio pack: cy: app.nav.next: cannot read cy/app.nav.next.mp3 as MP3: "},
		{"language the survey lacks", func(m *audio.Manifest, files fstest.MapFS) {
			m.Languages["fr"] = m.Languages["en"]
		}, "audio pack: fr: not one of the survey's languages; its clips are not used"},
		{"unknown key", func(m *audio.Manifest, files fstest.MapFS) {
			m.Languages["en"].Clips["q.gone.text"] = m.Languages["en"].Clips[next]
		}, "audio pack: en: q.gone.text: no text of the survey has this key; the clip is not used"},
		{"no recordings", func(m *audio.Manifest, files fstest.MapFS) {
			delete(m.Languages, "cy")
		}, "audio pack: cy: no recordings"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, probs, err := audio.Load(packFS(t, sv, c.edit), sv, "")
			if err != nil {
				t.Fatalf("a clip problem stopped the pack loading: %v", err)
			}
			if len(probs) != 1 || !strings.HasPrefix(probs[0].Error(), c.want) {
				t.Fatalf("problems = %v, want one starting %q", probs, c.want)
			}
			// The bad clip is left out; the rest play.
			if p.Has(probs[0].Lang, probs[0].Key) && probs[0].Key != "" {
				t.Errorf("clip with a problem is still used")
			}
			if !p.Has("en", audio.QuestionText("ok")) {
				t.Errorf("good clips lost")
			}
			extra := c.name == "unknown key" || c.name == "language the survey lacks" // a clip too many loses nothing
			for _, s := range p.Statuses(sv) {
				want := audio.Missing
				if c.name == "no recordings" {
					want = audio.None // no clip at all: no Listen control
				}
				if s.Lang == probs[0].Lang && s.Status != want && !extra {
					t.Errorf("%s status %s, want %s", s.Lang, s.Status, want)
				}
			}
		})
	}
}

func TestLoadBadManifest(t *testing.T) {
	sv := tinySurvey(t)
	for name, c := range map[string]struct{ manifest, want string }{
		"none":       {"", "audio pack: cannot read manifest.json: open manifest.json: file does not exist"},
		"not JSON":   {"{", "audio pack: manifest.json: unexpected EOF"},
		"format":     {`{"format": "x", "survey_id": "tiny"}`, `audio pack: manifest.json: format must be "chorus-audio/1", not "x"`},
		"survey":     {`{"format": "chorus-audio/1", "survey_id": "other"}`, `audio pack: made for survey "other", not "tiny"`},
		"extra keys": {`{"format": "chorus-audio/1", "survey_id": "tiny", "extra": 1}`, `audio pack: manifest.json: json: unknown field "extra"`},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			if c.manifest != "" {
				fsys[audio.ManifestName] = &fstest.MapFile{Data: []byte(c.manifest)}
			}
			_, _, err := audio.Load(fsys, sv, "")
			if err == nil || err.Error() != c.want {
				t.Errorf("err = %v, want %s", err, c.want)
			}
		})
	}
}

func TestDecodeRealClip(t *testing.T) {
	pcm, err := audio.Decode(bytes.NewReader(realClip(t)))
	if err != nil {
		t.Fatal(err)
	}
	if pcm.Rate != 16000 || pcm.Duration() < 200e6 || pcm.RMS() < 0.01 {
		t.Errorf("rate %d, duration %v, RMS %.4f", pcm.Rate, pcm.Duration(), pcm.RMS())
	}
	silent := audio.PCM{Rate: 16000, Data: make([]byte, 6400)}
	if silent.RMS() != 0 || silent.Duration() != 100e6 {
		t.Errorf("silence: RMS %v, duration %v", silent.RMS(), silent.Duration())
	}
}
