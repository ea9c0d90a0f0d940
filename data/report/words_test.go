package report

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLoadCatalog: a language whose file has a problem is left out with
// an error naming file and line, a missing word falls back to English,
// and without a good English file there are no languages.
func TestLoadCatalog(t *testing.T) {
	en := `{"report.title": "Report", "report.fewer": "fewer than {{.Min}}"}`
	c := loadCatalog(fstest.MapFS{
		"en.json": {Data: []byte(en)},
		"cy.json": {Data: []byte(`{"report.title": "Adroddiad"}`)},
		"pl.json": {Data: []byte("{\n\"report.title\": \"Raport {{.Oops}}\"}")},
		"xx.json": {Data: []byte(`not json`)},
	})
	if !slices.Equal(c.langs, []string{"en", "cy"}) {
		t.Errorf("languages %v, want en cy", c.langs)
	}
	for tag, want := range map[string]string{"pl": "report/pl.json:2: report.title: ", "xx": "report/xx.json:1: not valid JSON"} {
		if err := c.problems[tag]; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %v, want %q...", tag, err, want)
		}
	}
	if got := c.plain["cy"]["fewer"]; got != "fewer than {{.Min}}" {
		t.Errorf("a word missing in Welsh reads %q", got)
	}

	bad := loadCatalog(fstest.MapFS{"en.json": {Data: []byte(`{"report.title": ""}`)}, "cy.json": {Data: []byte(`{"report.title": "Adroddiad"}`)}})
	if len(bad.langs) != 0 || bad.problems["en"] == nil || !strings.Contains(bad.problems["en"].Error(), "report/en.json") {
		t.Errorf("a bad English file gives %v, %v", bad.langs, bad.problems)
	}
	if none := loadCatalog(fstest.MapFS{}); len(none.langs) != 0 || none.problems["en"] == nil {
		t.Errorf("no files give %v, %v", none.langs, none.problems)
	}
}

// TestSayFillsPlaceholders: words with placeholders are filled; a word
// the language lacks comes in English; an unknown word is an error kept
// for Write.
func TestSayFillsPlaceholders(t *testing.T) {
	w, err := wordsIn("cy")
	if err != nil {
		t.Fatal(err)
	}
	if got := w.say("fewer", args{"Min": 5}); got != "llai na 5" {
		t.Errorf("fewer = %q", got)
	}
	if got := w.say("rule_small", args{"Max": 4, "Min": 5}); !strings.Contains(got, "o 1 i 4 fel “llai na 5”") {
		t.Errorf("rule_small = %q", got)
	}
	if w.err != nil {
		t.Fatal(w.err)
	}
	w.say("no_such_word", args{"N": 1})
	if w.err == nil || !strings.Contains(w.err.Error(), "report.no_such_word") {
		t.Errorf("an unknown word: %v", w.err)
	}
	if _, err := wordsIn("pl"); err == nil || err.Error() != `the report's own words exist in en and cy, not "pl"` {
		t.Errorf("wordsIn(pl): %v", err)
	}
}
