package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is Chorus's look: large text and targets for unsteady fingers and
// tired eyes, a light palette, a high-contrast variant and a text scale
// (1, 1.5 or 2) that the participant can change.
type Theme struct {
	Scale        float32
	HighContrast bool
	// ScriptFont and ScriptBold, when set, replace Fyne's font for the
	// participant on screen (see scriptFonts).
	ScriptFont, ScriptBold fyne.Resource
}

var _ fyne.Theme = (*Theme)(nil)

// sizeNameReceipt is the size of the receipt code on the thank-you screen.
const sizeNameReceipt fyne.ThemeSizeName = "chorus.receipt"

// focusRing is the colour of the ring around a focused answer: solid, and
// at least 3:1 against the background (WCAG 1.4.11).
func focusRing(t fyne.Theme, v fyne.ThemeVariant) color.Color {
	if th, ok := t.(*Theme); ok && th.HighContrast {
		return yellow
	}
	return color.NRGBA{0x00, 0x30, 0x87, 0xff}
}

// Palette colours. Every text/background pair is checked in theme_test.go.
var (
	white     = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	ink       = color.NRGBA{0x21, 0x2b, 0x32, 0xff} // NHS black
	nhsBlue   = color.NRGBA{0x00, 0x5e, 0xb8, 0xff}
	paleGrey  = color.NRGBA{0xf0, 0xf4, 0xf5, 0xff}
	midGrey   = color.NRGBA{0x4c, 0x62, 0x72, 0xff}
	paleBlue  = color.NRGBA{0xd6, 0xe6, 0xf5, 0xff}
	red       = color.NRGBA{0xb0, 0x10, 0x1e, 0xff}
	warmAmber = color.NRGBA{0xff, 0xeb, 0x3b, 0xff}
	black     = color.NRGBA{0x00, 0x00, 0x00, 0xff}
	yellow    = color.NRGBA{0xff, 0xea, 0x00, 0xff}
	cyan      = color.NRGBA{0x00, 0xe5, 0xff, 0xff}
	nhsGreen  = color.NRGBA{0x00, 0x7f, 0x3b, 0xff} // Send: unlike Next's blue
	brightGrn = color.NRGBA{0x66, 0xff, 0x66, 0xff}
)

// Color implements fyne.Theme. The variant is ignored: a kiosk looks the same
// whatever the desktop prefers.
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if t.HighContrast {
		switch n {
		case theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground,
			theme.ColorNameInputBackground, theme.ColorNameHeaderBackground:
			return black
		case theme.ColorNameForeground, theme.ColorNamePlaceHolder, theme.ColorNameInputBorder,
			theme.ColorNameSeparator, theme.ColorNameScrollBar:
			return white
		case theme.ColorNameButton:
			return color.NRGBA{0x3a, 0x3a, 0x3a, 0xff} // a button must look like one on black
		case theme.ColorNameDisabledButton:
			return color.NRGBA{0x26, 0x26, 0x26, 0xff}
		case theme.ColorNameDisabled:
			return color.NRGBA{0xcf, 0xcf, 0xcf, 0xff}
		case theme.ColorNamePrimary, theme.ColorNameHyperlink:
			return yellow
		case theme.ColorNameFocus:
			return color.NRGBA{0xff, 0xff, 0xff, 0x55}
		case theme.ColorNameForegroundOnPrimary:
			return black
		case theme.ColorNameSelection:
			return color.NRGBA{0x1a, 0x3a, 0x6e, 0xff}
		case theme.ColorNameHover, theme.ColorNamePressed:
			return color.NRGBA{0x55, 0x55, 0x55, 0xff}
		case theme.ColorNameError, theme.ColorNameForegroundOnError:
			return cyan
		case theme.ColorNameSuccess:
			return brightGrn
		case theme.ColorNameForegroundOnSuccess:
			return black
		case theme.ColorNameShadow:
			return color.Transparent
		}
		return theme.DefaultTheme().Color(n, theme.VariantDark)
	}
	switch n {
	case theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground,
		theme.ColorNameInputBackground, theme.ColorNameHeaderBackground:
		return white
	case theme.ColorNameForeground:
		return ink
	case theme.ColorNamePlaceHolder, theme.ColorNameInputBorder:
		return midGrey
	case theme.ColorNameButton:
		return paleGrey
	case theme.ColorNameDisabledButton:
		return paleGrey
	case theme.ColorNameDisabled:
		return midGrey
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		return nhsBlue
	case theme.ColorNameFocus:
		// Fyne blends this over a focused button, so it must keep the
		// button's words readable: a translucent dark blue.
		return color.NRGBA{0x00, 0x30, 0x87, 0x66}
	case theme.ColorNameForegroundOnPrimary:
		return white
	case theme.ColorNameSelection:
		return paleBlue
	case theme.ColorNameHover:
		return color.NRGBA{0x00, 0x5e, 0xb8, 0x22}
	case theme.ColorNamePressed:
		return color.NRGBA{0x00, 0x5e, 0xb8, 0x44}
	case theme.ColorNameError:
		return red
	case theme.ColorNameForegroundOnError:
		return white
	case theme.ColorNameSuccess:
		return nhsGreen
	case theme.ColorNameForegroundOnSuccess:
		return white
	case theme.ColorNameSeparator:
		return color.NRGBA{0xd8, 0xdd, 0xe0, 0xff}
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font implements fyne.Theme: the participant's script font while one is
// set, else Chorus Sans, which has every participant language's characters
// (see scriptFamily). Italic and monospaced text keep Fyne's fonts (Latin
// only: receipt codes, file names, the survey file's problems).
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Italic || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	if t.ScriptFont != nil {
		if s.Bold && t.ScriptBold != nil {
			return t.ScriptBold
		}
		return t.ScriptFont
	}
	if s.Bold {
		return chorusSans.bold
	}
	return chorusSans.regular
}

// Icon implements fyne.Theme.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme: text and padding grow with Scale.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Scale
	if s <= 0 {
		s = 1
	}
	// Body text grows fully; headings, spacing and icons grow less, so that
	// at 200% a question and its answers still fit a 1280×800 screen.
	half := 1 + (s-1)/2
	switch n {
	case theme.SizeNameText:
		return 20 * s
	case theme.SizeNameHeadingText:
		return max(30*half, 20*s+4) // never smaller than the body text
	case sizeNameReceipt:
		return 48 * half
	case theme.SizeNameSubHeadingText:
		return 24 * half
	case theme.SizeNameCaptionText:
		return 16 * s
	case theme.SizeNameInlineIcon:
		return 28 * half
	case theme.SizeNamePadding:
		return 6
	case theme.SizeNameInnerPadding:
		return 14 * half
	case theme.SizeNameLineSpacing:
		return 6 * half
	case theme.SizeNameInputBorder:
		return 2
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 6
	case theme.SizeNameScrollBar:
		return 16
	case theme.SizeNameScrollBarSmall:
		return 8
	}
	return theme.DefaultTheme().Size(n)
}

// cappedTheme is a participant theme whose sizes stop growing at max: the
// header's controls (text size, contrast, language, Stop, Listen) are
// symbols that stay big enough to see and tap at 150%, and growing them
// further at 200% would take the screen's height from the question.
type cappedTheme struct {
	t   *Theme
	max float32
	// latin draws with Fyne's own font, not the participant's script
	// font: for "A", "A+" and "A++", which a Nastaliq font would set
	// high in a line made for its tall letters.
	latin bool
}

// controlsMaxScale is the largest scale the header's controls take.
const controlsMaxScale = 1.5

func (c *cappedTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return c.t.Color(n, v)
}

func (c *cappedTheme) Font(s fyne.TextStyle) fyne.Resource {
	if c.latin {
		return theme.DefaultTheme().Font(s)
	}
	return c.t.Font(s)
}

func (c *cappedTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return c.t.Icon(n) }

func (c *cappedTheme) Size(n fyne.ThemeSizeName) float32 {
	t := *c.t
	t.Scale = min(max(t.Scale, 1), c.max)
	return t.Size(n)
}

// Palette pairs: every text colour on every background it is drawn on.
func (t *Theme) textPairs() map[string][2]color.Color {
	c := func(n fyne.ThemeColorName) color.Color { return t.Color(n, theme.VariantLight) }
	pairs := map[string][2]color.Color{
		"text on background":     {c(theme.ColorNameForeground), c(theme.ColorNameBackground)},
		"text on button":         {c(theme.ColorNameForeground), c(theme.ColorNameButton)},
		"text on input":          {c(theme.ColorNameForeground), c(theme.ColorNameInputBackground)},
		"placeholder on input":   {c(theme.ColorNamePlaceHolder), c(theme.ColorNameInputBackground)},
		"text on primary":        {c(theme.ColorNameForegroundOnPrimary), c(theme.ColorNamePrimary)},
		"text on success (Send)": {c(theme.ColorNameForegroundOnSuccess), c(theme.ColorNameSuccess)},
		"text on selected":       {c(theme.ColorNameForeground), c(theme.ColorNameSelection)},
		"error text":             {c(theme.ColorNameError), c(theme.ColorNameBackground)},
		"primary text":           {c(theme.ColorNamePrimary), c(theme.ColorNameBackground)},
		"banner text on warning": {bannerText(t), bannerBackground(t)},
		"disabled text":          {c(theme.ColorNameDisabled), c(theme.ColorNameButton)},
	}
	return pairs
}

func bannerBackground(t *Theme) color.Color {
	if t.HighContrast {
		return yellow
	}
	return warmAmber
}

func bannerText(t *Theme) color.Color {
	if t.HighContrast {
		return black
	}
	return ink
}
