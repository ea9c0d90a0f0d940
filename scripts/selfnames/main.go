// Command selfnames prints each participant language's name in itself, as
// the welcome screen shows it (golang.org/x/text's names), one a line, for
// scripts/make-fonts.
package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"

	"chorus/translations"
)

func main() {
	b, err := fs.ReadFile(translations.FS(), "meta/languages.json")
	if err != nil {
		fmt.Fprintln(os.Stderr, "selfnames:", err)
		os.Exit(1)
	}
	var langs []translations.Language
	if err := json.Unmarshal(b, &langs); err != nil {
		fmt.Fprintln(os.Stderr, "selfnames: meta/languages.json:", err)
		os.Exit(1)
	}
	for _, l := range langs {
		fmt.Println(l.SelfName())
	}
}
