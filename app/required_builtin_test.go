package app

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"chorus/data/audio"
)

// TestBuiltinRequiredQuestionSaysAndReadsItsOwnWords: on the built-in
// survey's required question, Next without an answer shows the question's
// own required_message, not the app's general "Please choose an answer to
// go on.", by the answers and in the error summary, in English and in
// Arabic; Listen then reads that message first, with the pack's clip for it
// in the visit's language.
func TestBuiltinRequiredQuestionSaysAndReadsItsOwnWords(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		r, clk, fake := audioRig(t)
		k := r.k
		r.tap(clk, k.welcome.langs[lang])
		r.tap(clk, k.consent.agree)
		r.tap(clk, k.intro.start)
		r.choose(t, "devices", "smartphone")
		r.tap(clk, k.question.next)
		r.choose(t, "home_internet", "broadband")
		r.tap(clk, k.question.next)
		s := r.onQuestion(t, "confidence")
		want, general := s.q.RequiredMessage.In(lang), s.l.T("question.required")
		if want == "" || sameWords(want, general) {
			t.Fatalf("%s: the built-in survey's confidence question has no words of its own (%q)", lang, want)
		}
		r.tap(clk, s.next)
		if r.onQuestion(t, "confidence"); !s.message.Visible() || !sameWords(s.message.Text, want) {
			t.Errorf("%s: by the answers %q, want %q", lang, s.message.Text, want)
		}
		if sameWords(s.message.Text, general) {
			t.Errorf("%s: the general message shows", lang)
		}
		if p := k.question.page; !p.summary.Visible() || len(p.links.Objects) != 1 ||
			!sameWords(p.links.Objects[0].(*Button).Text, want) {
			t.Errorf("%s: the error summary does not say %q", lang, want)
		}
		fake.take()
		r.tap(clk, k.listen)
		key := audio.QuestionRequired("confidence")
		if got := lastPlay(fake.take()); !strings.HasPrefix(got, key+" ") {
			t.Errorf("%s: Listen played\n%s\nwant it to start with %s", lang, got, key)
		}
		clips := fake.clips[len(fake.clips)-1]
		pack, err := k.cfg.Audio.Open(lang, key)
		if err != nil || len(pack) == 0 {
			t.Fatalf("%s: the pack has no %s: %v", lang, key, err)
		}
		if len(clips) == 0 || clips[0].Key != key || !bytes.Equal(clips[0].Data, pack) {
			t.Errorf("%s: the first clip played is not the pack's %s clip", lang, key)
		}
		k.finish()
	}
}

// sameWords reports whether a and b have the same words, whatever their
// order, punctuation and direction marks: a right-to-left message on
// screen is in visual order, with marks, and may be wrapped onto lines.
func sameWords(a, b string) bool {
	words := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range strings.Fields(s) {
			if w = strings.TrimFunc(w, punctOrMark); w != "" {
				m[w]++
			}
		}
		return m
	}
	wa, wb := words(a), words(b)
	if len(wa) != len(wb) {
		return false
	}
	for w, n := range wa {
		if wb[w] != n {
			return false
		}
	}
	return true
}

// punctOrMark is punctuation and invisible format characters (direction marks).
func punctOrMark(r rune) bool { return unicode.IsPunct(r) || unicode.Is(unicode.Cf, r) }
