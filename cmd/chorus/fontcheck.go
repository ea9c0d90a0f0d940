package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	chorusapp "chorus/app"
	"chorus/data/survey"
	"chorus/translations"
)

// runFontCheck is `chorus fontcheck [--survey FILE]`, a check for test
// harnesses and support staff (not in the usage text): it runs the glyph
// check the coordinator's Survey tab reports on every text of every
// language (Chorus's own and the built-in survey's, or FILE's), on this
// machine, and prints one line a language: "ar: showable", or the
// characters no font here can draw. The exit status is 1 when a language
// is not showable.
func runFontCheck(args []string, stdout, stderr io.Writer) error {
	name, body := builtinSurvey()
	switch {
	case len(args) == 2 && args[0] == "--survey":
		b, err := os.ReadFile(args[1])
		if err != nil {
			return fmt.Errorf("fontcheck: %w", err)
		}
		name, body = args[1], b
	case len(args) != 0:
		return errors.New("usage: chorus fontcheck [--survey FILE]")
	}
	sv, err := survey.Parse(name, body)
	if err != nil {
		return err
	}
	cat, problems := chorusapp.LoadCatalog(translations.FS())
	for _, p := range problems {
		fmt.Fprintln(stderr, "chorus: fontcheck:", p)
	}
	texts := chorusapp.UIAndSurveyTexts(cat, sv)
	all := chorusapp.MissingGlyphs(texts)
	byLang := map[string][]chorusapp.GlyphGap{}
	for _, g := range all {
		byLang[g.Lang] = append(byLang[g.Lang], g)
	}
	for _, lang := range slices.Sorted(maps.Keys(texts)) {
		gaps := byLang[lang]
		if len(gaps) == 0 {
			fmt.Fprintf(stdout, "%s: showable\n", lang)
			continue
		}
		seen := map[rune]bool{}
		var runes []rune
		for _, g := range gaps {
			if !seen[g.Rune] {
				seen[g.Rune] = true
				runes = append(runes, g.Rune)
			}
		}
		fmt.Fprintf(stdout, "%s: NOT showable: %d characters have no font here, e.g. %U\n", lang, len(runes), runes[:min(len(runes), 5)])
	}
	if n := len(chorusapp.UnshowableLanguages(all)); n > 0 {
		return fmt.Errorf("fontcheck: %d of %d languages cannot be shown on this machine", n, len(texts))
	}
	return nil
}
