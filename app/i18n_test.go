package app

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"chorus/translations"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// messages reads a translation file: key -> plural form ("" for a plain
// string) -> text.
func messages(t *testing.T, name string) map[string]map[string]string {
	t.Helper()
	data, err := fs.ReadFile(translations.FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := map[string]map[string]string{}
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = map[string]string{"": s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			t.Fatalf("%s: %s is neither text nor plural forms", name, k)
		}
		out[k] = forms
	}
	return out
}

func placeholders(forms map[string]string) []string {
	set := map[string]bool{}
	for _, s := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	var out []string
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// neededForms is every CLDR cardinal plural category tag uses for whole
// numbers, from x/text's plural rules.
func neededForms(tag string) []string {
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
		plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	lang := language.MustParse(tag)
	set := map[string]bool{}
	for n := 0; n <= 1000; n++ {
		digits := []byte{}
		for _, c := range []byte(itoa(n)) {
			digits = append(digits, c-'0')
		}
		set[names[plural.Cardinal.MatchDigits(lang, digits, len(digits), 0)]] = true
	}
	var out []string
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestTranslationsMatchEnglish(t *testing.T) {
	en := messages(t, "en.json")
	cat, problems := LoadCatalog(translations.FS())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if n := len(cat.Languages()); n < 12 {
		t.Errorf("%d languages load, want at least 12", n)
	}
	for _, lang := range cat.Languages() {
		t.Run(lang.Tag, func(t *testing.T) {
			msgs := messages(t, lang.Tag+".json")
			for k := range en {
				if _, ok := msgs[k]; !ok {
					t.Errorf("%s.json lacks %q", lang.Tag, k)
				}
			}
			for k, forms := range msgs {
				enForms, ok := en[k]
				if !ok {
					t.Errorf("%s.json has %q, which en.json does not", lang.Tag, k)
					continue
				}
				if got, want := placeholders(forms), placeholders(enForms); !slices.Equal(got, want) {
					t.Errorf("%s.json %q uses placeholders %v, en.json %v", lang.Tag, k, got, want)
				}
				_, plain := forms[""]
				_, enPlain := enForms[""]
				if plain != enPlain {
					t.Errorf("%s.json %q: plural forms in one file, plain text in the other", lang.Tag, k)
					continue
				}
				if plain {
					if strings.TrimSpace(forms[""]) == "" {
						t.Errorf("%s.json %q is empty", lang.Tag, k)
					}
					continue
				}
				for _, f := range neededForms(lang.Tag) {
					if strings.TrimSpace(forms[f]) == "" {
						t.Errorf("%s.json %q lacks the %q plural form that %s needs", lang.Tag, k, f, lang.EnglishName())
					}
				}
			}
			if lang.Tag != "en" && lang.Fallback[len(lang.Fallback)-1] != "en" {
				t.Errorf("%s falls back along %v, which does not end in English", lang.Tag, lang.Fallback)
			}
		})
	}
}

// TestMissingTextFallsBackNeverBlank: a key a language lacks comes from its
// fallback chain, never blank.
func TestMissingTextFallsBackNeverBlank(t *testing.T) {
	fsys := fstestMap{
		"meta/languages.json": `[{"tag":"en","dir":"ltr","status":"reviewed","fallback":[]},
			{"tag":"cy","dir":"ltr","status":"draft","fallback":["en"]}]`,
		"en.json": `{"a.one":"One","a.two":"Two"}`,
		"cy.json": `{"a.one":"Un"}`,
	}
	cat, problems := LoadCatalog(fsys.FS())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	cy := cat.Localizer("cy")
	if got := cy.T("a.one"); got != "Un" {
		t.Errorf("own text = %q", got)
	}
	if got := cy.T("a.two"); got != "Two" {
		t.Errorf("missing text = %q, want the English", got)
	}
	if got := cy.T("a.none"); got == "" {
		t.Error("an unknown key came back blank")
	}
}

// TestBadTranslationFileNeverStopsStartUp is P14 for translations.
func TestBadTranslationFileNeverStopsStartUp(t *testing.T) {
	fsys := fstestMap{
		"meta/languages.json": `[{"tag":"en","dir":"ltr","status":"reviewed"},{"tag":"pl","dir":"ltr","status":"draft"}]`,
		"en.json":             `{"a.one":"One"}`,
		"pl.json":             "{\"a.one\": \"Jeden\",,}",
	}
	cat, problems := LoadCatalog(fsys.FS())
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "pl.json") {
		t.Fatalf("problems = %v, want one naming pl.json", problems)
	}
	if _, ok := cat.Language("pl"); ok {
		t.Error("a broken file's language is offered")
	}
	if got := cat.Localizer("pl").T("a.one"); got != "One" {
		t.Errorf("text for the broken language = %q, want English", got)
	}
}

// fstestMap builds an in-memory file system of name -> contents.
type fstestMap map[string]string

func (m fstestMap) FS() fs.FS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return out
}
