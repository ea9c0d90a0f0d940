package audio_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
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

// typedAnswerWords are the app's words on the screens of the question
// types XLSForm surveys brought (app/question.go and
// app/question_date.go): the date's hint, and the messages for a date, a
// decimal and an open-ended whole number that could not be read. No
// question of the built-in survey shows them, but any survey may, and
// its pack takes the app's words from the built-in one.
var typedAnswerWords = []string{"question.date_help", "question.date_bad", "question.decimal_bad", "question.number_bad"}

// TestShippedPackHasEveryClipTheKioskCanAskFor: in every language with a
// draft voice, the built-in pack has a clip for every key of
// [audio.Keys], for each required question's own required_message, and
// for the date, decimal and whole-number words of the app, each made
// from the words it reads (the pack before had neither the built-in
// survey's required_message nor those words: Listen was silent there).
func TestShippedPackHasEveryClipTheKioskCanAskFor(t *testing.T) {
	sv, err := survey.ParseFile("../../assets/surveys/digital-inclusion.json")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := audio.Load(os.DirFS("../../assets/audio/"+sv.Audio.Pack), sv, sv.Audio.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range typedAnswerWords {
		if !slices.Contains(audio.AppKeys, w) {
			t.Errorf("audio.AppKeys lacks %s: no pack made by chorus-central survey audio would have it", w)
		}
	}
	required := 0
	for _, lang := range sv.Languages {
		if lang == "so" {
			continue // no voice: TestShippedPackDecodes
		}
		want := audio.Keys(sv, lang)
		for i := range sv.Questions {
			q := &sv.Questions[i]
			if q.Required {
				if q.RequiredMessage.In(lang) == "" {
					t.Errorf("%s: required question %s has no required_message", lang, q.ID)
				}
				if k := audio.QuestionRequired(q.ID); !slices.Contains(want, k) {
					want = append(want, k)
				}
				required++
			}
		}
		for _, w := range typedAnswerWords {
			if audio.AppWord(lang, w) == "" {
				t.Errorf("%s: the app has no words for %s", lang, w)
			}
			if k := audio.App(w); !slices.Contains(want, k) {
				want = append(want, k)
			}
		}
		var lack []string
		for _, key := range want {
			if !p.Has(lang, key) {
				lack = append(lack, key)
			}
		}
		if len(lack) > 0 {
			t.Errorf("%s: the pack lacks %d clips the kiosk can ask for: %s", lang, len(lack), strings.Join(lack, ", "))
		}
	}
	if required == 0 {
		t.Error("the built-in survey has no required question: the required_message check checked nothing")
	}
}
