package audio_test

import (
	"reflect"
	"strings"
	"testing"

	"chorus/data/audio"
)

// TestProgressSayFollowsEachLanguagesOrder: the progress line is read in
// the order its template has, whatever the language puts first.
func TestProgressSayFollowsEachLanguagesOrder(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"en", "progress.text.0 progress.N.3 progress.text.1 progress.Total.8"},
		{"ar", "progress.text.0 progress.N.3 progress.text.1 progress.Total.8"},
		{"ur", "progress.Total.8 progress.text.0 progress.N.3"},
		{"zh-Hans", "progress.text.0 progress.N.3 progress.text.1 progress.Total.8 progress.text.2"},
	} {
		if got := strings.Join(audio.ProgressSay(c.lang, 3, 8), " "); got != c.want {
			t.Errorf("%s: %s, want %s", c.lang, got, c.want)
		}
	}
	texts, _ := audio.ProgressTexts("ur")
	want := []audio.Text{{Key: "progress.text.0", Text: "میں سے سوال"}}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("ur words: %q, want %q", texts, want)
	}
}
