package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/fontscan"

	"chorus/assets/fonts"
	"chorus/data/survey"
	"chorus/translations"
)

// GlyphGap is one character of a text that neither Chorus's fonts nor this
// machine's can draw.
type GlyphGap struct {
	// Lang is the BCP 47 tag of the text's language.
	Lang string
	// Where is the translation key ("question.progress", with "[one]" etc.
	// for a plural form), "survey:" and the field of the survey
	// ("survey:questions[3].options[2].label"), or "language name".
	Where string
	Rune  rune
}

// String reads e.g. "lang ur: key question.progress: U+06D3 'ۓ' has no
// font on this machine".
func (g GlyphGap) String() string {
	where := "key " + g.Where
	if f, ok := strings.CutPrefix(g.Where, "survey:"); ok {
		where = "survey field " + f
	} else if g.Where == languageNameWhere {
		where = g.Where
	}
	return fmt.Sprintf("lang %s: %s: %U '%c' has no font on this machine", g.Lang, where, g.Rune, g.Rune)
}

// languageNameWhere is the Where of a language's name in itself, which the
// welcome screen shows.
const languageNameWhere = "language name"

// MissingGlyphs returns every character of texts (language -> where ->
// text) that Chorus cannot draw on this machine. A language's text must be
// drawn both in the fonts of its own screens (its script font, see
// scriptFamily, or Chorus Sans) and in Chorus Sans (the welcome and staff
// screens show texts of any language), each with the fonts Fyne tries after
// the theme's (its Noto Sans and emoji) and, for a character none of those
// has, the system font Fyne falls back to; in regular and in bold text.
// Invisible characters (controls, direction marks, joiners, variation
// selectors) and the plain space are not checked. The gaps are sorted by
// language, then where, then position in the text; each character is
// reported once per language and where.
//
// Only a character in none of Chorus's fonts makes the check read the
// system fonts (using and refreshing fontscan's on-disk index, the one Fyne
// uses too); each answer is kept for the life of the process.
func MissingGlyphs(texts map[string]map[string]string) []GlyphGap {
	glyphs.mu.Lock()
	defer glyphs.mu.Unlock()
	defer glyphs.release()

	var gaps []GlyphGap
	for _, lang := range sortedStringKeys(texts) {
		family := scriptFamily[lang]
		byWhere := texts[lang]
		for _, where := range sortedStringKeys(byWhere) {
			seen := map[rune]bool{}
			for _, r := range byWhere[where] {
				if seen[r] || needsNoGlyph(r) {
					continue
				}
				seen[r] = true
				if !glyphs.covered("", r) || !glyphs.covered(family, r) {
					gaps = append(gaps, GlyphGap{Lang: lang, Where: where, Rune: r})
				}
			}
		}
	}
	return gaps
}

// UnshowableLanguages returns, sorted, the languages with at least one gap.
func UnshowableLanguages(gaps []GlyphGap) []string {
	set := map[string]bool{}
	for _, g := range gaps {
		set[g.Lang] = true
	}
	return sortedStringKeys(set)
}

// UIAndSurveyTexts gathers every text a participant can be shown, by
// language: each string of the language's translation file (every plural
// form included, read raw so that nothing the file holds is missed), the
// language's name in itself, and every text of sv in that language (title,
// intro, consent text, purpose labels, question text and help, option
// labels). sv may be nil. Survey languages with no translation file are
// included too.
func UIAndSurveyTexts(cat *Catalog, sv *survey.Survey) map[string]map[string]string {
	out := map[string]map[string]string{}
	put := func(lang, where, text string) {
		if text == "" {
			return
		}
		m := out[lang]
		if m == nil {
			m = map[string]string{}
			out[lang] = m
		}
		m[where] = text
	}
	if cat != nil {
		for _, l := range cat.Languages() {
			put(l.Tag, languageNameWhere, l.SelfName())
			for key, text := range translationStrings(translations.FS(), l.Tag+".json") {
				put(l.Tag, key, text)
			}
		}
	}
	if sv == nil {
		return out
	}
	text := func(where string, t survey.Text) {
		for lang, s := range t {
			put(lang, "survey:"+where, s)
		}
	}
	text("title", sv.Title)
	text("intro", sv.Intro)
	text("consent.text", sv.Consent.Text)
	for i, p := range sv.Consent.Purposes {
		text(fmt.Sprintf("consent.purposes[%d].label", i), p.Label)
	}
	for i, q := range sv.Questions {
		text(fmt.Sprintf("questions[%d].text", i), q.Text)
		text(fmt.Sprintf("questions[%d].help", i), q.Help)
		for j, o := range q.Options {
			text(fmt.Sprintf("questions[%d].options[%d].label", i, j), o.Label)
		}
	}
	return out
}

// translationStrings reads a go-i18n JSON file as key -> text, a plural
// form as "key[form]". A file that does not read gives nothing: LoadCatalog
// has reported it already.
func translationStrings(fsys fs.FS, name string) map[string]string {
	out := map[string]string{}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return out
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil {
		return out
	}
	for key, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[key] = s
			continue
		}
		var forms map[string]json.RawMessage
		if json.Unmarshal(v, &forms) != nil {
			continue
		}
		for form, fv := range forms {
			if json.Unmarshal(fv, &s) == nil {
				out[key+"["+form+"]"] = s
			}
		}
	}
	return out
}

// needsNoGlyph reports whether r draws nothing of its own, so needs no glyph:
// control characters (newline, tab), format characters (LRM, RLM, ZWJ,
// ZWNJ, bidi isolates, soft hyphen), variation selectors, and the space.
func needsNoGlyph(r rune) bool {
	return r == ' ' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// glyphs answers, once per character and font, whether Fyne can draw it
// here.
var glyphs glyphChecker

type glyphChecker struct {
	mu sync.Mutex

	// chains holds, by script family ("" for Chorus Sans), the faces Fyne
	// tries in turn and each character's answer.
	chains map[string]*faceChain
	// systemHas holds each character's answer from the system fonts.
	systemHas    map[rune]bool
	system       *fontscan.FontMap // nil until needed, and after each call
	systemFailed bool
	// parsed holds each font parsed during a check, once: every chain
	// tries Fyne's Noto Sans after its own font.
	parsed map[fyne.Resource]*font.Face
}

// faceChain is what Fyne tries for a text in one theme font: that font,
// then its own Noto Sans, then its emoji font; in regular and in bold.
type faceChain struct {
	regular, bold []*font.Face
	known         map[rune]bool
}

// covered reports whether Fyne draws r, in regular and in bold text, with a
// real glyph when the theme's font is family's ("" for Chorus Sans): from
// the faces it tries in turn or else the system font it resolves r to, as
// fyne.io/fyne/v2/internal/painter does.
func (c *glyphChecker) covered(family string, r rune) bool {
	ch := c.chain(family)
	if ok, done := ch.known[r]; done {
		return ok
	}
	ok := anyFaceHas(ch.regular, r) && anyFaceHas(ch.bold, r)
	if !ok {
		ok = c.systemCovers(r)
	}
	ch.known[r] = ok
	return ok
}

func (c *glyphChecker) systemCovers(r rune) bool {
	if ok, done := c.systemHas[r]; done {
		return ok
	}
	ok := false
	if face := c.resolve(r); face != nil {
		_, ok = face.NominalGlyph(r)
	}
	if c.systemHas == nil {
		c.systemHas = map[rune]bool{}
	}
	c.systemHas[r] = ok
	return ok
}

func anyFaceHas(faces []*font.Face, r rune) bool {
	for _, f := range faces {
		if _, ok := f.NominalGlyph(r); ok {
			return true
		}
	}
	return false
}

// chain returns the faces for theme font family, parsed on first use.
func (c *glyphChecker) chain(family string) *faceChain {
	if ch, ok := c.chains[family]; ok && ch.regular != nil {
		return ch
	}
	if c.chains == nil {
		c.chains = map[string]*faceChain{}
	}
	reg, bold := chorusSans.regular, chorusSans.bold
	if family != "" {
		r, b, err := fonts.Script(family)
		if err != nil {
			panic("app: " + err.Error()) // scriptFamily names a font that is not embedded: a build defect
		}
		reg, bold = fyne.NewStaticResource(r.Name, r.Data), fyne.NewStaticResource(b.Name, b.Data)
	}
	emoji := theme.DefaultEmojiFont() // nil when built with no_emoji
	ch := c.chains[family]
	if ch == nil {
		ch = &faceChain{known: map[rune]bool{}}
		c.chains[family] = ch
	}
	ch.regular = c.faces(reg, theme.DefaultTextFont(), emoji)
	ch.bold = c.faces(bold, theme.DefaultTextBoldFont(), emoji)
	return ch
}

// faces is parseFaces, parsing each font once per check.
func (c *glyphChecker) faces(res ...fyne.Resource) []*font.Face {
	if c.parsed == nil {
		c.parsed = map[fyne.Resource]*font.Face{}
	}
	var out []*font.Face
	for _, r := range res {
		if r == nil {
			continue
		}
		f, ok := c.parsed[r]
		if !ok {
			if fs := parseFaces(r); len(fs) == 1 {
				f = fs[0]
			}
			c.parsed[r] = f
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out
}

// parseFaces parses each font (nil ones skipped; one that does not parse is
// no use to Fyne either).
func parseFaces(res ...fyne.Resource) []*font.Face {
	var out []*font.Face
	for _, r := range res {
		if r == nil {
			continue
		}
		if f, err := font.ParseTTF(bytes.NewReader(r.Content())); err == nil {
			out = append(out, f)
		}
	}
	return out
}

// resolve returns the system face Fyne falls back to for r, or nil when the
// system fonts cannot be read (Fyne then has no fallback either).
func (c *glyphChecker) resolve(r rune) *font.Face {
	if c.systemFailed {
		return nil
	}
	if c.system == nil {
		fm, err := systemFontMap()
		if err != nil {
			c.systemFailed = true
			return nil
		}
		// Fyne's query for a rune missing from its bundled fonts: the
		// sans-serif family, with an empty aspect.
		fm.SetQuery(fontscan.Query{Families: []string{fontscan.SansSerif}, Aspect: font.Aspect{}})
		c.system = fm
	}
	return c.system.ResolveFace(r)
}

// systemFontMap reads the system fonts Fyne falls back to (fontscan's
// index of them). Tests replace it to check a machine with no fonts.
var systemFontMap = func() (*fontscan.FontMap, error) {
	fm := fontscan.NewFontMap(quietLog{})
	if err := fm.UseSystemFonts(fontCacheDir()); err != nil {
		return nil, err
	}
	return fm, nil
}

// reset forgets every answer and face, for a test that changes the fonts.
func (c *glyphChecker) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chains, c.systemHas, c.system, c.systemFailed, c.parsed = nil, nil, nil, false, nil
}

// release drops the system font map and every parsed face, its own and
// those it loaded (the emoji and CJK fonts are large: kept, they held 68 MB
// of a kiosk's memory for its whole life); the answers stay in known and
// systemHas, and a later check parses only what it needs again.
func (c *glyphChecker) release() {
	c.system, c.parsed = nil, nil
	for _, ch := range c.chains {
		ch.regular, ch.bold = nil, nil
	}
}

// fontCacheDir is where fontscan keeps its index of the system fonts: the
// user's cache folder, as Fyne uses (fontscan keeps one index per process,
// shared with Fyne's painter), or a temporary folder when there is none.
func fontCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		if os.MkdirAll(dir, 0o700) == nil {
			return dir
		}
	}
	dir := filepath.Join(os.TempDir(), "chorus-fontscan")
	_ = os.MkdirAll(dir, 0o700)
	return dir
}

// quietLog drops fontscan's messages, which come one per character.
type quietLog struct{}

func (quietLog) Printf(string, ...any) {}

func sortedStringKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
