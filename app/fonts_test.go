package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"chorus/assets"
	"chorus/data/survey"
	"chorus/translations"
)

// TestGlyphCoverage checks that every character of every translation and of
// the built-in survey is drawn by a font Chorus uses on this machine: Fyne's
// bundled font or the system font Fyne falls back to (fonts-noto-core and
// fonts-noto-cjk, which scripts/install-deps installs).
func TestGlyphCoverage(t *testing.T) {
	cat, problems := LoadCatalog(translations.FS())
	for _, p := range problems {
		t.Errorf("catalog: %v", p)
	}
	data, err := assets.Survey(assets.BuiltinSurvey)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := survey.Parse(assets.BuiltinSurvey, data)
	if err != nil {
		t.Fatal(err)
	}
	texts := UIAndSurveyTexts(cat, sv)
	for _, l := range cat.Languages() {
		if len(texts[l.Tag]) < 2 {
			t.Errorf("lang %s: no texts gathered", l.Tag)
		}
	}
	for _, tag := range sv.Languages {
		if _, ok := texts[tag]["survey:consent.text"]; !ok {
			t.Errorf("lang %s: the survey's consent text was not gathered", tag)
		}
	}

	start := time.Now()
	gaps := MissingGlyphs(texts)
	first := time.Since(start)
	start = time.Now()
	again := MissingGlyphs(texts)
	t.Logf("MissingGlyphs: %v first, %v again; %d languages", first, time.Since(start), len(texts))
	if len(again) != len(gaps) {
		t.Errorf("second check found %d gaps, first %d", len(again), len(gaps))
	}

	const most = 50
	var b strings.Builder
	for i, g := range gaps {
		if i == most {
			fmt.Fprintf(&b, "\n... and %d more", len(gaps)-most)
			break
		}
		b.WriteString("\n" + g.String())
	}
	if len(gaps) > 0 {
		t.Errorf("%d characters cannot be drawn (languages %v):%s", len(gaps), UnshowableLanguages(gaps), b.String())
	}
}

// TestMissingGlyphsReportsGap checks that a character no font has is
// reported with its language and place, and that ordinary and invisible
// characters are not.
func TestMissingGlyphsReportsGap(t *testing.T) {
	const nowhere = '\U0010FFFD' // private use: in no font
	texts := map[string]map[string]string{
		"en": {"welcome.title": "Hello\n\u200e\u200f\u200d\u200c\t world"},
		"xx": {
			"ok":                                   "abc",
			"survey:questions[3].options[2].label": "a" + string(nowhere) + "b" + string(nowhere),
		},
		"yy": {"unassigned": "\u0378"},
	}
	gaps := MissingGlyphs(texts)
	want := []GlyphGap{
		{Lang: "xx", Where: "survey:questions[3].options[2].label", Rune: nowhere},
		{Lang: "yy", Where: "unassigned", Rune: 0x378},
	}
	if fmt.Sprint(gaps) != fmt.Sprint(want) {
		t.Fatalf("gaps = %v, want %v", gaps, want)
	}
	if got := UnshowableLanguages(gaps); fmt.Sprint(got) != "[xx yy]" {
		t.Errorf("UnshowableLanguages = %v, want [xx yy]", got)
	}
	if got, want := gaps[0].String(), "lang xx: survey field questions[3].options[2].label: U+10FFFD '\U0010FFFD' has no font on this machine"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := gaps[1].String(), "lang yy: key unassigned: U+0378 '\u0378' has no font on this machine"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
