// Package fonts embeds the fonts Chorus draws every participant language
// with, so that no language depends on the fonts of the machine it runs on
// (a Windows laptop has no Noto fonts; a Linux one may lack them).
//
// The files are built by scripts/make-fonts from Debian's fonts-noto-core
// and fonts-noto-cjk and Fyne's own Noto Sans; all are under the SIL Open
// Font License 1.1 (OFL.txt, and the COPYRIGHT files beside it).
//
//   - [SansRegular] and [SansBold], "Chorus Sans": Noto Sans merged with
//     Noto Sans Arabic, Gurmukhi, Bengali, Gujarati and a subset of Noto
//     Sans CJK SC (GB 2312 level 1 and every Chinese character of the
//     translations and built-in surveys), with Noto Sans's line metrics. It
//     is the font of every screen that shows more than one language.
//   - [Script]: the font of one script, the theme font while a participant
//     reads that script (its own line metrics, its own bold).
package fonts

import (
	_ "embed"
	"fmt"
)

// SansRegular is Chorus Sans, regular weight.
//
//go:embed ChorusSans-Regular.ttf
var SansRegular []byte

// SansBold is Chorus Sans, bold weight.
//
//go:embed ChorusSans-Bold.ttf
var SansBold []byte

var (
	//go:embed NotoSansArabic-Regular.ttf
	arabicRegular []byte
	//go:embed NotoSansArabic-Bold.ttf
	arabicBold []byte
	//go:embed NotoSansGurmukhi-Regular.ttf
	gurmukhiRegular []byte
	//go:embed NotoSansGurmukhi-Bold.ttf
	gurmukhiBold []byte
	//go:embed NotoSansBengali-Regular.ttf
	bengaliRegular []byte
	//go:embed NotoSansBengali-Bold.ttf
	bengaliBold []byte
	//go:embed NotoSansGujarati-Regular.ttf
	gujaratiRegular []byte
	//go:embed NotoSansGujarati-Bold.ttf
	gujaratiBold []byte
)

// License is the SIL Open Font License 1.1 the fonts are under.
//
//go:embed OFL.txt
var License string

// Face is one embedded font file.
type Face struct {
	// Name is the file name, e.g. "NotoSansArabic-Bold.ttf".
	Name string
	// Data is the TrueType file.
	Data []byte
}

// Script returns the regular and bold fonts of family ("NotoSansArabic",
// "NotoSansGurmukhi", "NotoSansBengali" or "NotoSansGujarati"), or an error
// naming the families there are.
func Script(family string) (regular, bold Face, err error) {
	var r, b []byte
	switch family {
	case "NotoSansArabic":
		r, b = arabicRegular, arabicBold
	case "NotoSansGurmukhi":
		r, b = gurmukhiRegular, gurmukhiBold
	case "NotoSansBengali":
		r, b = bengaliRegular, bengaliBold
	case "NotoSansGujarati":
		r, b = gujaratiRegular, gujaratiBold
	default:
		return Face{}, Face{}, fmt.Errorf("no embedded font family %q (there are NotoSansArabic, NotoSansGurmukhi, NotoSansBengali, NotoSansGujarati)", family)
	}
	return Face{family + "-Regular.ttf", r}, Face{family + "-Bold.ttf", b}, nil
}
