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
	bundle   *i18n.Bundle
	langs    []string                     // English first, then by tag
	plain    map[string]map[string]string // by language, then key without prefix
	problems map[string]error             // by language: why it was left out, naming file and line
}

// loadCatalog reads en.json, then every other *.json checked against it.
// A language whose file has a problem is left out, and its first problem
// kept; without English there are no languages. A language missing a
// word falls back to the English word.
func loadCatalog(fsys fs.FS) *wordCatalog {
	c := &wordCatalog{bundle: i18n.NewBundle(language.English), plain: map[string]map[string]string{}, problems: map[string]error{}}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		c.problems["en"] = err
		return c
	}
	names = slices.DeleteFunc(names, func(n string) bool { return n == "en.json" })
	slices.Sort(names)
	var english translations.Messages
	for _, name := range append([]string{"en.json"}, names...) {
		tag := strings.TrimSuffix(name, ".json")
		msgs, err := c.read(fsys, name, english)
		if err != nil {
			c.problems[tag] = err
			if english == nil {
				return c // every language falls back to English
			}
			continue
		}
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

// read checks the file name against english (nil while English itself is
// read) and adds it to the bundle.
func (c *wordCatalog) read(fsys fs.FS, name string, english translations.Messages) (translations.Messages, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("report/%s: %w", name, err)
	}
	msgs, problems := translations.Check("report/"+name, data, english)
	if len(problems) > 0 {
		return nil, problems[0]
	}
	if _, err := c.bundle.ParseMessageFileBytes(msgs.JSON(), name); err != nil {
		return nil, fmt.Errorf("report/%s: %w", name, err)
	}
	return msgs, nil
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

// wordsIn returns the words in lang: an error naming the file and line
// when its file has a problem, or naming the languages there are.
func wordsIn(lang string) (*words, error) {
	c := catalog()
	if err := c.problems[lang]; err != nil {
		return nil, err
	}
	if !slices.Contains(c.langs, lang) {
		return nil, fmt.Errorf("the report's own words exist in %s, not %q", strings.Join(c.langs, " and "), lang)
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
