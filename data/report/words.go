package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"chorus/translations"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// keyPrefix starts every key of the report's words.
const keyPrefix = "report."

// catalog is the report's words in every language, read once from
// translations.ReportFS and checked as the kiosk's translations are.
var catalog = sync.OnceValue(func() *wordCatalog {
	return loadCatalog(translations.ReportFS())
})

// wordCatalog holds the report's words: a go-i18n bundle for the words
// with placeholders, and the plain text of each word by language.
type wordCatalog struct {
	bundle *i18n.Bundle
	langs  []string                     // English first, then by tag
	plain  map[string]map[string]string // by language, then key without prefix
	err    error                        // the first problem found, naming file and line
}

// loadCatalog reads en.json, then every other *.json checked against it.
// A file with a problem is left out and its first problem kept; a
// language missing a word falls back to the English word.
func loadCatalog(fsys fs.FS) *wordCatalog {
	c := &wordCatalog{bundle: i18n.NewBundle(language.English), plain: map[string]map[string]string{}}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		c.err = err
		return c
	}
	slices.SortFunc(names, func(a, b string) int {
		if (a == "en.json") != (b == "en.json") {
			if a == "en.json" {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	if len(names) == 0 || names[0] != "en.json" {
		c.err = fmt.Errorf("report/en.json: the report's English words are missing")
		return c
	}
	var english translations.Messages
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			c.setErr(fmt.Errorf("report/%s: %w", name, err))
			continue
		}
		msgs, problems := translations.Check("report/"+name, data, english)
		if len(problems) > 0 {
			c.setErr(problems[0])
			continue
		}
		if _, err := c.bundle.ParseMessageFileBytes(msgs.JSON(), name); err != nil {
			c.setErr(fmt.Errorf("report/%s: %w", name, err))
			continue
		}
		tag := strings.TrimSuffix(name, ".json")
		if english == nil {
			english = msgs
		}
		plain := map[string]string{}
		for _, m := range []translations.Messages{english, msgs} {
			for key, msg := range m {
				plain[strings.TrimPrefix(key, keyPrefix)] = msg.Forms["other"]
			}
		}
		c.plain[tag] = plain
		c.langs = append(c.langs, tag)
	}
	return c
}

func (c *wordCatalog) setErr(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Languages are the languages a report's own words exist in, English
// first.
func Languages() []string { return slices.Clone(catalog().langs) }

// words are the report's own words in one language.
type words struct {
	plain map[string]string // by key without prefix, placeholders unfilled
	loc   *i18n.Localizer
	err   error // the first word that could not be made
}

// wordsIn returns the words in lang, one of [Languages].
func wordsIn(lang string) (*words, error) {
	c := catalog()
	if c.err != nil {
		return nil, c.err
	}
	return &words{plain: c.plain[lang], loc: i18n.NewLocalizer(c.bundle, lang)}, nil
}

// args are the values of a word's placeholders, by name.
type args = map[string]any

// say is the word key with its placeholders filled from a.
func (w *words) say(key string, a args) string {
	if len(a) == 0 {
		return w.plain[key]
	}
	s, err := w.loc.Localize(&i18n.LocalizeConfig{MessageID: keyPrefix + key, TemplateData: a})
	var missing *i18n.MessageNotFoundErr
	if errors.As(err, &missing) && s != "" {
		err = nil // the English word, as for a word missing from plain
	}
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("the report's word %s%s: %w", keyPrefix, key, err)
	}
	return s
}
