// Package translations embeds Chorus's UI text: one go-i18n JSON file per
// language (en.json, cy.json, ...) and meta/languages.json, which says for each
// language its direction, its review status and the chain of languages its
// missing strings fall back to.
package translations

import (
	"embed"
	"io/fs"
)

//go:embed *.json meta/languages.json
var files embed.FS

// FS holds the translation files.
func FS() fs.FS { return files }
