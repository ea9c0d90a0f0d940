package translations

import (
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
