package audio_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"testing/fstest"

	"chorus/data/audio"
	"chorus/data/survey"
)

// easyTiny is tiny with an easy-read consent whose one purpose has a
// picture.
const easyTiny = `{
  "format": "chorus-survey/1", "id": "tiny", "version": 1, "languages": ["en", "cy"],
  "title": {"en": "Title", "cy": "Teitl"},
  "consent": {"version": "v1", "text": {"en": "Consent", "cy": "Caniatâd"},
    "purposes": [{"id": "take_part", "required": true, "label": {"en": "Yes", "cy": "Ie"}}],
    "easy_read": {"text": {"en": "You choose.", "cy": "Chi sy'n dewis."},
      "purposes": [{"id": "take_part", "label": {"en": "I will answer", "cy": "Atebaf"}, "picture": "take_part.png"}]}},
  "questions": [{"id": "ok", "type": "yesno", "text": {"en": "All right?", "cy": "Iawn?"}}]
}`

// pngBytes is a small real PNG.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(3, 3, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLoadPictures(t *testing.T) {
	sv, err := survey.Parse("tiny.json", []byte(easyTiny))
	if err != nil {
		t.Fatal(err)
	}
	pic := pngBytes(t)
	withPicture := func(data []byte) func(m *audio.Manifest, files fstest.MapFS) {
		return func(m *audio.Manifest, files fstest.MapFS) {
			sum := sha256.Sum256(pic)
			files["pictures/take_part.png"] = &fstest.MapFile{Data: data}
			m.Pictures = map[string]audio.Picture{"take_part.png": {File: "pictures/take_part.png", Bytes: int64(len(pic)), SHA256: hex.EncodeToString(sum[:])}}
		}
	}
	p, probs, err := audio.Load(packFS(t, sv, withPicture(pic)), sv, "")
	if err != nil || len(probs) > 0 {
		t.Fatalf("Load: %v %v", err, probs)
	}
	if b, ok := p.Picture("take_part.png"); !ok || !bytes.Equal(b, pic) {
		t.Error("picture not there")
	}
	// Clips for the easy-read texts are part of a complete pack.
	if !p.Has("cy", audio.KeyConsentEasy) || !p.Has("en", audio.EasyPurpose("take_part")) {
		t.Error("easy-read clips missing")
	}

	_, probs, _ = audio.Load(packFS(t, sv, withPicture([]byte("not a picture"))), sv, "")
	if len(probs) != 1 || !strings.HasPrefix(probs[0].Error(), "audio pack: pictures: picture take_part.png: file pictures/take_part.png has SHA-256") {
		t.Errorf("changed picture: %v", probs)
	}
	_, probs, _ = audio.Load(packFS(t, sv, nil), sv, "")
	if len(probs) != 1 || probs[0].Error() != "audio pack: pictures: picture take_part.png: missing" {
		t.Errorf("no picture: %v", probs)
	}
}
