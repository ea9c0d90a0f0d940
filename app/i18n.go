package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"chorus/translations"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Language is one language Chorus's own text exists in.
type Language = translations.Language

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
	if err != nil {
		problems = append(problems, fmt.Errorf("%s: %w", metaFile, err))
	}
	langs, bad := translations.ReadLanguages(meta)
	problems = append(problems, bad...)
	if !slices.ContainsFunc(langs, func(l Language) bool { return l.Tag == "en" }) {
		langs = append([]Language{{Tag: "en", Dir: "ltr", Status: "reviewed"}}, langs...)
	}
	order := map[string]int{}
	for i, l := range langs {
		order[l.Tag] = i
	}
	// English first: it is what every other file is checked against.
	slices.SortStableFunc(langs, func(a, b Language) int { return boolInt(b.Tag == "en") - boolInt(a.Tag == "en") })
	var english translations.Messages
	for _, l := range langs {
		name := l.Tag + ".json"
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
			if l.Tag == "en" {
				return c, problems
			}
			continue
		}
		msgs, bad := translations.Check(name, data, english)
		problems = append(problems, bad...)
		if msgs == nil {
			if l.Tag == "en" {
				return c, problems
			}
			continue
		}
		if l.Tag == "en" {
			english = msgs
		}
		if err := c.bundle.AddMessages(language.Make(l.Tag), i18nMessages(msgs)...); err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
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
	// Back to meta/languages.json's order for the welcome screen.
	slices.SortStableFunc(c.order, func(a, b string) int { return order[a] - order[b] })
	return c, problems
}

// i18nMessages are msgs as go-i18n's messages, handed to its bundle as
// they are: writing them out as JSON for the bundle to read again took a
// third of reading the translations at start (issue 17).
func i18nMessages(msgs translations.Messages) []*i18n.Message {
	out := make([]*i18n.Message, 0, len(msgs))
	for key, m := range msgs {
		f := m.Forms
		out = append(out, &i18n.Message{ID: key, Zero: f["zero"], One: f["one"], Two: f["two"], Few: f["few"], Many: f["many"], Other: f["other"]})
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const metaFile = translations.MetaFile

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
