package app

import (
	"sync"

	"fyne.io/fyne/v2"

	"chorus/assets/fonts"
)

// Chorus draws every language with fonts it carries (chorus/assets/fonts),
// never with the machine's: a Windows laptop has no Noto fonts, and Fyne's
// own font has Latin, Greek and Cyrillic only. Fyne draws a text with the
// theme's font, then its own Noto Sans, then its emoji font, then a system
// font for each character still missing (fyne.io/fyne/v2/internal/painter);
// it offers no way to add fonts to that chain, so the theme's font must have
// every character:
//   - Chorus Sans ([fonts.SansRegular], [fonts.SansBold]) is the theme's
//     font: Noto Sans merged with every script the participant languages
//     need, with Noto Sans's line metrics. Screens that show several
//     languages (the welcome screen, the staff screens) use it, and so do
//     Latin-script languages and Chinese.
//   - Some scripts need a font of their own while a participant reads them
//     (scriptFonts), for their own line metrics: Arabic script reaches
//     further below the line than Noto Sans, and its dots and the Indic
//     scripts' subscript letters are cut off in a line as tall as Noto
//     Sans's. Urdu uses Noto Sans Arabic, a Naskh face, not Noto Nastaliq
//     Urdu: Nastaliq's lines are 2.5 em tall (Noto Sans 1.36, Arabic 2.1),
//     which the screens' layouts would have to be redone for.
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

	// chorusSans is Chorus Sans as Fyne resources: one value each for the
	// life of the process, as Fyne caches faces by resource.
	chorusSans = fontPair{
		fyne.NewStaticResource("ChorusSans-Regular.ttf", fonts.SansRegular),
		fyne.NewStaticResource("ChorusSans-Bold.ttf", fonts.SansBold),
	}
)

// scriptFonts returns the fonts language needs instead of Chorus Sans, or
// nils.
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
	r, b, err := fonts.Script(family)
	if err != nil {
		panic("app: " + err.Error()) // scriptFamily names a font that is not embedded: a build defect
	}
	p := fontPair{fyne.NewStaticResource(r.Name, r.Data), fyne.NewStaticResource(b.Name, b.Data)}
	fontCache[family] = p
	return p.regular, p.bold
}
