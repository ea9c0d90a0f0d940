package translations

import (
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// TestShippedFilesAreClean: every translation Chorus ships passes Check
// against English with no problem, and the language list has none either.
func TestShippedFilesAreClean(t *testing.T) {
	english := mustCheck(t, "en.json", nil)
	meta, err := files.ReadFile(MetaFile)
	if err != nil {
		t.Fatal(err)
	}
	langs, problems := ReadLanguages(meta)
	for _, p := range problems {
		t.Error(p)
	}
	if len(langs) < 12 {
		t.Errorf("%d languages listed, want at least 12", len(langs))
	}
	for _, l := range langs {
		msgs := mustCheck(t, l.Tag+".json", english)
		if len(msgs) != len(english) {
			t.Errorf("%s.json has %d messages, en.json %d", l.Tag, len(msgs), len(english))
		}
	}
}

func mustCheck(t testing.TB, name string, english Messages) Messages {
	t.Helper()
	data, err := files.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	msgs, problems := Check(name, data, english)
	for _, p := range problems {
		t.Error(p)
	}
	return msgs
}

// FuzzCheck: whatever a translation file holds, Check returns without
// panicking; every problem names the file; and every
// message it keeps loads into go-i18n and shows as non-blank text with its
// placeholders filled in, so a bad file can never put a blank, a template
// error or a hang on a participant's screen.
func FuzzCheck(f *testing.F) {
	english := mustCheck(f, "en.json", nil)
	for _, seed := range []string{"pl.json", "ar.json", "zh-Hans.json"} {
		data, err := files.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("{\"question.chars_left\": {\"one\": \"{{.Count\", \"other\": 3}}"))
	f.Add([]byte("{\"nav.next\": \"{{range 1000000000}}x{{end}}\"}"))
	f.Add([]byte("\xef\xbb\xbf[{}]"))
	data := map[string]any{"N": 1, "Total": 2, "Min": 1, "Max": 9, "Code": "ABCD-EFGH", "Name": "n", "Language": "l", "Count": 2, "Seconds": 30}
	f.Fuzz(func(t *testing.T, file []byte) {
		msgs, problems := Check("pl.json", file, english)
		for _, p := range problems {
			if !strings.HasPrefix(p.Error(), "pl.json") {
				t.Fatalf("problem does not name the file: %v", p)
			}
		}
		if msgs == nil {
			return
		}
		bundle := i18n.NewBundle(language.English)
		if _, err := bundle.ParseMessageFileBytes(msgs.JSON(), "pl.json"); err != nil {
			t.Fatalf("go-i18n refuses what Check kept: %v", err)
		}
		loc := i18n.NewLocalizer(bundle, "pl")
		for key, m := range msgs {
			cfg := &i18n.LocalizeConfig{MessageID: key, TemplateData: data}
			if len(m.Forms) > 1 {
				cfg.PluralCount = 2
			}
			got, err := loc.Localize(cfg)
			if err != nil || strings.TrimSpace(got) == "" {
				t.Fatalf("%s shows %q, %v", key, got, err)
			}
		}
	})
}
