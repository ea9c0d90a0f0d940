package audio_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"chorus/data/audio"
	"chorus/data/survey"
)

// TestShippedPackDecodes loads the built-in survey's draft pack with the
// hash the survey names, checks that it has every clip the kiosk can ask
// for in every language with a draft voice, then decodes every clip with
// the real decoder and checks that none is silent or empty. Somali has no
// draft voice, so it is the one language with no clips: the Survey tab
// says "missing" for it until a project records it.
func TestShippedPackDecodes(t *testing.T) {
	sv, err := survey.ParseFile("../../assets/surveys/digital-inclusion.json")
	if err != nil {
		t.Fatal(err)
	}
	if sv.Audio == nil {
		t.Fatal("the built-in survey names no audio pack")
	}
	fsys := os.DirFS("../../assets/audio/" + sv.Audio.Pack)
	p, probs, err := audio.Load(fsys, sv, sv.Audio.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range probs {
		if pr.Lang != "so" {
			t.Errorf("%v", pr)
		}
	}
	for _, ep := range sv.Consent.EasyRead.Purposes {
		if _, ok := p.Picture(ep.Picture); !ok {
			t.Errorf("easy-read picture %q for %s is not in the pack", ep.Picture, ep.ID)
		}
	}
	var total time.Duration
	var bytesTotal int64
	for _, s := range p.Statuses(sv) {
		want := audio.Draft
		if s.Lang == "so" {
			want = audio.None
		}
		if s.Status != want {
			t.Errorf("%s: status %s, want %s", s.Lang, s.Status, want)
		}
		var langDur time.Duration
		for _, key := range audio.Keys(sv, s.Lang) {
			if !p.Has(s.Lang, key) {
				continue
			}
			b, err := p.Open(s.Lang, key)
			if err != nil {
				t.Fatal(err)
			}
			bytesTotal += int64(len(b))
			pcm, err := audio.Decode(bytes.NewReader(b))
			if err != nil {
				t.Errorf("%s %s: %v", s.Lang, key, err)
				continue
			}
			if rms := pcm.RMS(); rms < audio.SilenceFloor || pcm.Duration() < 100*time.Millisecond {
				t.Errorf("%s %s: RMS %.4f, %v: silent", s.Lang, key, rms, pcm.Duration())
			}
			langDur += pcm.Duration()
		}
		total += langDur
		t.Logf("%-7s %-8s %3d clips %v", s.Lang, s.Status, s.Clips, langDur.Round(time.Second))
	}
	t.Logf("total %v, %d bytes", total.Round(time.Second), bytesTotal)
	if bytesTotal > 40<<20 {
		t.Errorf("pack is %d bytes, over the 40 MiB goal", bytesTotal)
	}
}
