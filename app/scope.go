package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// themeScope shows its content in another theme for the whole of its life:
// the header's controls, which stop growing at 150%, and the speakers'
// larger icons.
//
// Fyne's container.ThemeOverride opens a new theme scope each time it is
// refreshed, and a parent's refresh reaches it on every screen; each scope
// parses the fonts again when its text is measured, clears the text size
// cache, and keeps its parsed fonts for the life of the process. A
// themeScope passes a refresh on to its content in the scope it has, and
// opens a new one only when part of the content is new to it (a control
// put in since). See TestMemoryStaysFlatOverVisitsAndTurns.
type themeScope struct {
	widget.BaseWidget
	over *container.ThemeOverride
}

// newThemeScope shows content in th.
func newThemeScope(content fyne.CanvasObject, th fyne.Theme) *themeScope {
	s := &themeScope{over: container.NewThemeOverride(content, th)}
	s.ExtendBaseWidget(s)
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *themeScope) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.over)
}

// Refresh redraws the content in its scope, or in a new one when some of
// it has none.
func (s *themeScope) Refresh() {
	if s.stale() {
		s.over.Refresh()
		return
	}
	s.over.Content.Refresh()
}

// stale reports whether a widget of the content (walking containers, not
// into other widgets) is outside the scope the others share.
func (s *themeScope) stale() bool {
	var shared fyne.Theme
	app := theme.Current()
	stale := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if stale {
			return
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *themeScope, *container.ThemeOverride:
			// a scope of its own
		case fyne.Widget:
			th := theme.CurrentForWidget(o)
			switch {
			case th == app:
				stale = true
			case shared == nil:
				shared = th
			case th != shared:
				stale = true
			}
		}
	}
	walk(s.over.Content)
	return stale
}
