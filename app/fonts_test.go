package app

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/fontscan"

	"chorus/assets"
	"chorus/data/survey"
	"chorus/translations"
)

// TestGlyphCoverage checks that every character of every translation and of
// the built-in survey is drawn by the fonts Chorus carries
// (chorus/assets/fonts), or else by the system font Fyne falls back to.
// With CHORUS_FONTS_HIDDEN=1 (TestGlyphCoverageFontsHidden) it first checks
// that this process really sees no system font.
func TestGlyphCoverage(t *testing.T) {
	if os.Getenv("CHORUS_FONTS_HIDDEN") == "1" {
		if fm, err := systemFontMap(); err == nil && fm.ResolveFace('a') != nil {
			t.Fatal("the system fonts are not hidden: fontscan still finds a font with 'a'")
		}
		t.Log("no system fonts: ok")
	}
	checkCoverage(t)
}

// TestGlyphCoverageWithoutSystemFonts is TestGlyphCoverage on a machine with
// no fonts at all (a Windows laptop has no Noto fonts): Chorus's own fonts
// must draw every language.
func TestGlyphCoverageWithoutSystemFonts(t *testing.T) {
	withoutSystemFonts(t)
	checkCoverage(t)
}

// withoutSystemFonts makes the glyph check see no system fonts until t ends.
func withoutSystemFonts(t *testing.T) {
	old := systemFontMap
	systemFontMap = func() (*fontscan.FontMap, error) { return nil, errors.New("no system fonts in this test") }
	glyphs.reset()
	t.Cleanup(func() {
		systemFontMap = old
		glyphs.reset()
	})
}

func checkCoverage(t *testing.T) {
	t.Helper()
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
		t.Errorf("%d characters cannot be drawn (languages %v):%s\n"+
			"hint: a translation or the built-in survey has a character Chorus Sans lacks: run scripts/make-fonts (docs/WINDOWS.md)",
			len(gaps), UnshowableLanguages(gaps), b.String())
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

// TestGlyphCoverageFontsHidden runs TestGlyphCoverage again in a process
// that sees no system fonts at all: every folder fontscan (and so Fyne)
// reads fonts from is covered by an empty one in a private mount namespace
// (unshare), and HOME, the XDG folders and fontconfig's file are fresh and
// empty, so no font index is left over either. It is skipped where the
// machine does not allow a mount namespace.
func TestGlyphCoverageFontsHidden(t *testing.T) {
	if os.Getenv("CHORUS_FONTS_HIDDEN") == "1" {
		t.Skip("this is the run with the fonts hidden")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare(1) to hide the system fonts with")
	}
	tmp := t.TempDir()
	empty := filepath.Join(tmp, "empty")
	home := filepath.Join(tmp, "home")
	for _, d := range []string{empty, home} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(tmp, "fonts.conf")
	if err := os.WriteFile(conf, []byte("<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dirs, err := fontscan.DefaultFontDirectories(quietLog{})
	if err != nil {
		t.Fatal(err)
	}
	script := "set -e\n"
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			script += fmt.Sprintf("mount --bind '%s' '%s'\n", empty, d)
		}
	}
	script += fmt.Sprintf("exec '%s' -test.run '^TestGlyphCoverage$' -test.v -test.count=1\n", os.Args[0])
	args := []string{"--mount"}
	if os.Getuid() != 0 {
		args = append(args, "--map-root-user")
	}
	cmd := exec.Command(unshare, append(args, "sh", "-c", script)...)
	cmd.Env = append(os.Environ(), "CHORUS_FONTS_HIDDEN=1", "HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_DATA_DIRS="+empty, "FONTCONFIG_FILE="+conf)
	out, err := cmd.CombinedOutput()
	if err != nil && !strings.Contains(string(out), "=== RUN") {
		t.Skipf("cannot hide the system fonts here (%v): %s", err, out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestGlyphCoverage ") {
		t.Fatalf("with the system fonts hidden: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "no system fonts: ok") {
		t.Fatalf("the run did not confirm that it saw no system fonts:\n%s", out)
	}
}

// TestScriptFontsHoldTheirTexts: the welcome screen draws its invitation
// and "Always read aloud" in each language's script font alone (fontText,
// canvas.Text's FontSource: no fallback to Chorus Sans or Fyne's fonts),
// so that font must hold every character of those texts.
func TestScriptFontsHoldTheirTexts(t *testing.T) {
	cat, problems := LoadCatalog(translations.FS())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	checked := 0
	for _, lang := range cat.Languages() {
		fonts := fontsFor(lang)
		if fonts.regular == nil {
			continue
		}
		l := cat.Localizer(lang.Tag)
		for _, res := range []fyne.Resource{fonts.regular, fonts.bold} {
			faces := parseFaces(res)
			if len(faces) != 1 {
				t.Fatalf("%s: %s does not parse", lang.Tag, res.Name())
			}
			for _, key := range []string{"welcome.title", "audio.always"} {
				for _, r := range l.T(key) {
					if !needsNoGlyph(r) && !anyFaceHas(faces, r) {
						t.Errorf("%s %s: %q (U+%04X) is not in %s", lang.Tag, key, r, r, res.Name())
					}
				}
				checked++
			}
		}
	}
	if checked < 5*2*2 {
		t.Errorf("checked %d texts, want those of the five languages with script fonts", checked)
	}
}
