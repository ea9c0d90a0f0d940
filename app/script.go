package app

import (
	"os"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
)

// Some scripts need a font of their own while a participant reads them, in
// place of Fyne's per-glyph fallback:
//   - Arabic script: Fyne takes basic Arabic letters from DejaVu Sans but
//     Urdu's ے and ہ from another font, and a word split between two fonts
//     loses its joins.
//   - Gurmukhi, Bengali, Gujarati: the fallback only ever uses the regular
//     face, so headings and chosen answers lose their bold.
//
// The fonts are single .ttf files from Debian's fonts-noto-core (installed by
// make run); Latin letters in the text still fall back glyph by glyph. A .ttc
// collection (as for Chinese) cannot be a Fyne theme font, so Chinese keeps
// the fallback.
const notoDir = "/usr/share/fonts/truetype/noto"

var scriptFamily = map[string]string{
	"ar": "NotoSansArabic",
	"ur": "NotoSansArabic",
	"pa": "NotoSansGurmukhi",
	"bn": "NotoSansBengali",
	"gu": "NotoSansGujarati",
}

type fontPair struct{ regular, bold fyne.Resource }

var (
	fontMu    sync.Mutex
	fontCache = map[string]fontPair{}
)

// scriptFonts returns the fonts language needs instead of Fyne's, or nils.
func scriptFonts(lang Language) (regular, bold fyne.Resource) {
	family, ok := scriptFamily[lang.Tag]
	if !ok {
		return nil, nil
	}
	fontMu.Lock()
	defer fontMu.Unlock()
	if p, ok := fontCache[family]; ok {
		return p.regular, p.bold
	}
	load := func(style string) fyne.Resource {
		path := filepath.Join(notoDir, family+"-"+style+".ttf")
		b, err := os.ReadFile(path)
		if err != nil {
			return nil // the start-up font check tells the coordinator
		}
		return fyne.NewStaticResource(path, b)
	}
	p := fontPair{load("Regular"), load("Bold")}
	fontCache[family] = p
	return p.regular, p.bold
}
