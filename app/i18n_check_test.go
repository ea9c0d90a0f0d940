package app

import (
	"slices"
	"strings"
	"testing"
)

// TestBadTranslationFiles is P14 for translations: each bad file is
// reported with file, line and key, start-up goes on, and what is shown
// instead is the English text (for one bad message) or English throughout
// (for a file that cannot be read at all). Nothing is ever blank.
func TestBadTranslationFiles(t *testing.T) {
	const meta = `[
  {"tag": "en", "dir": "ltr", "status": "reviewed"},
  {"tag": "pl", "dir": "ltr", "status": "draft", "fallback": ["en"]}
]`
	const en = `{
  "a.one": "One",
  "a.count": {"one": "{{.Count}} thing", "other": "{{.Count}} things"},
  "a.hello": "Hello {{.Name}}"
}`
	cases := []struct {
		name    string
		pl      string
		want    []string // the problems, exactly
		offered bool     // Polish is still offered
		one     string   // what a.one then shows in Polish
		count   string   // what a.count shows for Count 3
	}{
		{"good", "{\n\"a.one\": \"Jeden\",\n\"a.count\": {\"one\": \"{{.Count}} rzecz\", \"few\": \"{{.Count}} rzeczy\", \"other\": \"{{.Count}} rzeczy\"}\n}",
			nil, true, "Jeden", "3 rzeczy"},
		{"bad JSON", "{\n\"a.one\": \"Jeden\",,\n}",
			[]string{`pl.json:2: not valid JSON: invalid character ',' looking for beginning of object key string`}, false, "One", "3 things"},
		{"ends too soon", "{\n\"a.one\": \"Jeden",
			[]string{`pl.json:2: not valid JSON: the file ends too soon; check for a missing } or quote`}, false, "One", "3 things"},
		{"BOM", "\xef\xbb\xbf{\"a.one\": \"Jeden\"}", nil, true, "Jeden", "3 things"},
		{"10 MB", `{"a.one": "` + strings.Repeat("x", 10<<20) + `"}`,
			[]string{`pl.json: file is 10.0 MiB, larger than the 1 MiB a translation may be`}, false, "One", "3 things"},
		{"not UTF-8", "{\n\"a.one\": \"Jed\xffen\"\n}",
			[]string{`pl.json:2: not UTF-8 text; save the file as UTF-8`}, false, "One", "3 things"},
		{"a list, not an object", `["a.one", "Jeden"]`,
			[]string{`pl.json:1: a translation file is one object {...} of key: text`}, false, "One", "3 things"},
		{"duplicate key", "{\n\"a.one\": \"Jedenn\",\n\"a.one\": \"Jeden\"\n}",
			[]string{`pl.json:3: a.one: given twice (also on line 2); the later one is used`}, true, "Jeden", "3 things"},
		{"placeholder renamed", "{\n\"a.one\": \"Jeden\",\n\"a.count\": {\"one\": \"{{.Ile}} rzecz\", \"other\": \"{{.Ile}} rzeczy\"}\n}",
			[]string{`pl.json:3: a.count: the "one" text has placeholders {{.Ile}}; en.json has {{.Count}}`}, true, "Jeden", "3 things"},
		{"placeholder dropped", "{\n\"a.hello\": \"Dzień dobry\"\n}",
			[]string{`pl.json:2: a.hello: the "other" text has placeholders none; en.json has {{.Name}}`}, true, "One", "3 things"},
		{"broken template", "{\n\"a.one\": \"Jeden {{.Count\"\n}",
			[]string{`pl.json:2: a.one: the "other" text has a {{ }} that is not a placeholder such as {{.Count}}`}, true, "One", "3 things"},
		{"template code", "{\n\"a.one\": \"{{range 1000000000}}Jeden{{end}}\"\n}",
			[]string{`pl.json:2: a.one: the "other" text has a {{ }} that is not a placeholder such as {{.Count}}`}, true, "One", "3 things"},
		{"unknown key", "{\n\"a.one\": \"Jeden\",\n\"a.onee\": \"Jeden\"\n}",
			[]string{`pl.json:3: a.onee: not in en.json (a misspelt key?)`}, true, "Jeden", "3 things"},
		{"unknown plural form", "{\n\"a.count\": {\"several\": \"{{.Count}} rzeczy\", \"other\": \"{{.Count}} rzeczy\"}\n}",
			[]string{`pl.json:2: a.count: "several" is not a plural form (use zero, one, two, few, many, other)`}, true, "One", "3 things"},
		{"no other form", "{\n\"a.count\": {\"one\": \"{{.Count}} rzecz\"}\n}",
			[]string{`pl.json:2: a.count: has no "other" text`}, true, "One", "3 things"},
		{"a number, not text", "{\n\"a.one\": 1\n}",
			[]string{`pl.json:2: a.one: must be text in quotes, or an object of plural forms such as {"one": "...", "other": "..."}`}, true, "One", "3 things"},
		{"text after the end", "{\"a.one\": \"Jeden\"}\n{}",
			[]string{`pl.json:2: more text after the closing }`}, false, "One", "3 things"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat, problems := LoadCatalog(fstestMap{"meta/languages.json": meta, "en.json": en, "pl.json": c.pl}.FS())
			var got []string
			for _, p := range problems {
				got = append(got, p.Error())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if _, ok := cat.Language("pl"); ok != c.offered {
				t.Errorf("Polish offered = %v, want %v", ok, c.offered)
			}
			if _, ok := cat.Language("en"); !ok {
				t.Fatal("English is not offered")
			}
			pl := cat.Localizer("pl")
			if got := pl.T("a.one"); got != c.one {
				t.Errorf("a.one in Polish = %q, want %q", got, c.one)
			}
			if got := pl.N("a.count", 3, nil); got != c.count {
				t.Errorf("a.count in Polish = %q, want %q", got, c.count)
			}
			if got := pl.T("a.hello", map[string]any{"Name": "Sam"}); !strings.Contains(got, "Sam") {
				t.Errorf("a.hello in Polish = %q, want the name in it", got)
			}
		})
	}
}

// TestBadLanguageList: a bad entry in meta/languages.json is left out and
// named by line and field; the others load, and English is always there.
func TestBadLanguageList(t *testing.T) {
	const meta = `[
  {"tag": "en", "dir": "ltr", "status": "reviewed"},
  {"tag": "pl", "dir": "sideways", "status": "draft"},
  {"tag": "c y", "dir": "ltr", "status": "draft"},
  {"tag": "ro", "dir": "ltr", "status": "draft", "fallback": ["ro", "en"]},
  {"tag": "pt", "dir": "ltr", "status": "draft"},
  {"tag": "pt", "dir": "ltr", "status": "draft"},
  {"tag": "ar", "dir": "rtl", "status": 3},
  {"tag": "zh-hans", "dir": "ltr", "status": "draft"}
]`
	files := fstestMap{"meta/languages.json": meta}
	for _, tag := range []string{"en", "pl", "ro", "pt", "ar"} {
		files[tag+".json"] = `{"a.one": "x"}`
	}
	cat, problems := LoadCatalog(files.FS())
	var got []string
	for _, p := range problems {
		got = append(got, p.Error())
	}
	want := []string{
		`meta/languages.json:3: [1].dir: must be "ltr" or "rtl"`,
		`meta/languages.json:4: [2].tag: "c y" is not a BCP 47 language tag`,
		`meta/languages.json:5: [3].fallback: a language cannot fall back to itself`,
		`meta/languages.json:7: [5].tag: "pt" is listed twice (also on line 6)`,
		`meta/languages.json:8: [6].status: has the wrong kind of value`,
		`meta/languages.json:9: [7].tag: write "zh-hans" as "zh-Hans"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var tags []string
	for _, l := range cat.Languages() {
		tags = append(tags, l.Tag)
	}
	if !slices.Equal(tags, []string{"en", "pt"}) {
		t.Errorf("languages = %v, want [en pt]", tags)
	}

	// A list that is not a list still leaves English.
	cat, problems = LoadCatalog(fstestMap{"meta/languages.json": `{"en": true}`, "en.json": `{"a.one": "One"}`}.FS())
	if len(problems) != 1 || problems[0].Error() != `meta/languages.json:1: must be a list [...] of languages` {
		t.Errorf("problems = %v", problems)
	}
	if got := cat.Localizer("en").T("a.one"); got != "One" {
		t.Errorf("English after a bad list = %q", got)
	}
}
