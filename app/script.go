package app

import (
	"os"
	"sync"

	"fyne.io/fyne/v2"
)

// Arabic-script text needs one font that has every letter: with per-glyph
// fallback, Fyne takes basic Arabic letters from DejaVu Sans but Urdu's ے
// and ہ from another font, and a word split between two fonts loses its
// joins. So while an Arabic or Urdu speaker is answering, the kiosk's theme
// font is Noto Sans Arabic (Debian's fonts-noto-core, installed by make
// run); Latin letters in their text still fall back glyph by glyph.
const (
	arabicRegular = "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"
	arabicBold    = "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf"
)

var arabicFonts = sync.OnceValues(func() (fyne.Resource, fyne.Resource) {
	load := func(path string) fyne.Resource {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil // the glyph check tells the coordinator
		}
		return fyne.NewStaticResource(path, b)
	}
	return load(arabicRegular), load(arabicBold)
})

// scriptFonts returns the fonts a language needs instead of Fyne's, or nil.
func scriptFonts(lang Language) (regular, bold fyne.Resource) {
	if lang.RTL() {
		return arabicFonts()
	}
	return nil, nil
}
