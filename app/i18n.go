package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Language is one language Chorus's own text exists in.
type Language struct {
	Tag      string   `json:"tag"`
	Dir      string   `json:"dir"`    // "ltr" or "rtl"
	Status   string   `json:"status"` // "reviewed" or "draft"
	Fallback []string `json:"fallback"`
}

// RTL reports whether the language is written right to left.
func (l Language) RTL() bool { return l.Dir == "rtl" }

// SelfName is the language's name in itself, e.g. "Cymraeg", "اردو".
func (l Language) SelfName() string {
	t, err := language.Parse(l.Tag)
	if err != nil {
		return l.Tag
	}
	if n := display.Self.Name(t); n != "" {
		return n
	}
	return l.Tag
}

// EnglishName is the language's name in English, for staff screens.
func (l Language) EnglishName() string {
	t, err := language.Parse(l.Tag)
	if err != nil {
		return l.Tag
	}
	return display.English.Tags().Name(t)
}

// Catalog holds every language's UI text and one localizer per language,
// so each participant can have their own language while staff screens keep
// theirs (Fyne's own lang package has a single global locale).
type Catalog struct {
	bundle *i18n.Bundle
	langs  map[string]Language
	order  []string
	locs   map[string]*i18n.Localizer
}

// LoadCatalog reads meta/languages.json and the translation of every
// language it lists (<tag>.json) in fsys.
// A bad file is skipped and reported; it never stops start-up (P14). The
// English file must load, since it is the end of every fallback chain.
func LoadCatalog(fsys fs.FS) (*Catalog, []error) {
	c := &Catalog{
		bundle: i18n.NewBundle(language.English),
		langs:  map[string]Language{},
		locs:   map[string]*i18n.Localizer{},
	}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	var problems []error
	meta, err := fs.ReadFile(fsys, metaFile)
	var langs []Language
	if err == nil {
		err = json.Unmarshal(meta, &langs)
	}
	if err != nil {
		problems = append(problems, fmt.Errorf("%s: %w", metaFile, err))
		langs = []Language{{Tag: "en", Dir: "ltr", Status: "reviewed"}}
	}
	for _, l := range langs {
		data, err := fs.ReadFile(fsys, l.Tag+".json")
		if err == nil {
			_, err = c.bundle.ParseMessageFileBytes(data, l.Tag+".json")
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("%s.json: %w", l.Tag, err))
			if l.Tag == "en" {
				return c, problems
			}
			continue
		}
		if len(l.Fallback) == 0 || l.Fallback[len(l.Fallback)-1] != "en" {
			if l.Tag != "en" {
				l.Fallback = append(l.Fallback, "en")
			}
		}
		c.langs[l.Tag] = l
		c.order = append(c.order, l.Tag)
		c.locs[l.Tag] = i18n.NewLocalizer(c.bundle, l.Tag)
	}
	if _, ok := c.langs["en"]; !ok {
		problems = append(problems, errors.New("en.json: English text is missing"))
	}
	return c, problems
}

// metaFile lists the languages: direction, review status, fallback chain.
// It sits apart from the translations so that every *.json beside en.json
// is a translation.
const metaFile = "meta/languages.json"

// Languages returns the languages with UI text, in meta/languages.json order.
func (c *Catalog) Languages() []Language {
	out := make([]Language, 0, len(c.order))
	for _, t := range c.order {
		out = append(out, c.langs[t])
	}
	return out
}

// Language returns the language with tag, if its text loaded.
func (c *Catalog) Language(tag string) (Language, bool) {
	l, ok := c.langs[tag]
	return l, ok
}

// Localizer returns the localizer for tag: its own text, then its fallback
// chain, then English.
func (c *Catalog) Localizer(tag string) *Localizer {
	l, ok := c.langs[tag]
	if !ok {
		l = c.langs["en"]
		l.Tag = "en"
	}
	return &Localizer{c: c, Lang: l}
}

// Localizer gives one language's UI text.
type Localizer struct {
	c *Catalog
	// Lang is the language of the text.
	Lang Language
}

// T returns the text for id, with data filled into its {{.Placeholders}}.
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	return l.localize(cfg)
}

// N returns the plural form of id for count; {{.Count}} is count.
func (l *Localizer) N(id string, count int, data ...map[string]any) string {
	td := map[string]any{"Count": count}
	if len(data) > 0 {
		for k, v := range data[0] {
			td[k] = v
		}
	}
	return l.localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: td})
}

func (l *Localizer) localize(cfg *i18n.LocalizeConfig) string {
	chain := append([]string{l.Lang.Tag}, l.Lang.Fallback...)
	for _, tag := range chain {
		loc, ok := l.c.locs[tag]
		if !ok {
			continue
		}
		msg, got, err := loc.LocalizeWithTag(cfg)
		if err == nil && got.String() == tag && msg != "" {
			return msg
		}
	}
	return cfg.MessageID // never blank; en.json is tested to have every key
}

// Keys returns every message id in the file name within fsys, sorted, with
// its plural forms ("one", "other", ...) or nil for a plain string.
func Keys(fsys fs.FS, name string) (map[string][]string, error) {
	data, err := fs.ReadFile(fsys, path.Clean(name))
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for k, v := range raw {
		var forms map[string]string
		if strings.HasPrefix(strings.TrimSpace(string(v)), "{") && json.Unmarshal(v, &forms) == nil {
			keys := make([]string, 0, len(forms))
			for f := range forms {
				keys = append(keys, f)
			}
			sort.Strings(keys)
			out[k] = keys
			continue
		}
		out[k] = nil
	}
	return out, nil
}
