package app

import (
	"chorus/assets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// TextScales are the text sizes a participant can choose: 100%, 150%, 200%.
var TextScales = []float32{1, 1.5, 2}

// displayBar sits above every participant screen: three text sizes and a
// high-contrast switch. The buttons show "A" at growing sizes and a
// half-black circle, which need no words in any language.
type displayBar struct {
	k        *Kiosk
	root     fyne.CanvasObject
	sizes    []*Button
	contrast *Button
	corner   *hiddenCorner
	// controls holds the size buttons and the contrast switch; rtl is
	// whether they are mirrored for a right-to-left language.
	controls *fyne.Container
	capped   fyne.CanvasObject // controls, at most controlsMaxScale
	rtl      bool
	// status holds the question screen's progress, beside the buttons
	// rather than on a row of its own, so that at 200% text the answers
	// keep as much of the screen as can be given them.
	status *fyne.Container
}

func newDisplayBar(k *Kiosk) *displayBar {
	d := &displayBar{k: k}
	d.corner = newHiddenCorner(k.cfg.Clock, func() {
		if k.OnStaff != nil {
			k.OnStaff()
		}
	})
	controls := container.NewHBox()
	d.controls = controls
	for i, sc := range TextScales {
		b := NewButton([]string{"A", "A+", "A++"}[i], func() { d.setScale(sc) })
		d.sizes = append(d.sizes, b)
		controls.Add(container.New(&minSize{min: fyne.NewSquareSize(MinTarget)}, b))
	}
	d.contrast = NewButton("", d.toggleContrast)
	d.contrast.SetIcon(fyne.NewStaticResource("contrast.svg", assets.ContrastIcon()))
	controls.Add(container.New(&minSize{min: fyne.NewSquareSize(MinTarget)}, d.contrast))
	d.capped = newThemeScope(controls, &cappedTheme{t: k.theme, max: controlsMaxScale, latin: true})
	d.status = container.NewStack()
	d.root = container.NewBorder(nil, nil, d.corner, d.capped, d.status)
	d.mark()
	return d
}

// mirror lays the bar out for a right-to-left language (rtl) or a
// left-to-right one: in right-to-left the buttons sit at the left, read from
// the right (A, A+, A++ from right to left, contrast last at the far left),
// and a screen's progress at the right. The hidden staff corner stays where
// staff know it, whatever the language.
func (d *displayBar) mirror(rtl bool) {
	if rtl == d.rtl {
		return
	}
	d.rtl = rtl
	objs := d.controls.Objects
	for a, b := 0, len(objs)-1; a < b; a, b = a+1, b-1 {
		objs[a], objs[b] = objs[b], objs[a]
	}
	var root *fyne.Container
	if rtl {
		root = container.NewBorder(nil, nil, container.NewHBox(d.corner, d.capped), nil, d.status)
	} else {
		root = container.NewBorder(nil, nil, d.corner, d.capped, d.status)
	}
	bar := d.root.(*fyne.Container)
	bar.Objects, bar.Layout = root.Objects, root.Layout
	bar.Refresh()
}

// setStatus shows obj (a screen's progress) beside the buttons, or nothing.
func (d *displayBar) setStatus(obj fyne.CanvasObject) {
	d.status.Objects = nil
	if obj != nil {
		// Centred in the bar's height: an info screen's bar has no words.
		d.status.Objects = []fyne.CanvasObject{container.NewVBox(layout.NewSpacer(), obj, layout.NewSpacer())}
	}
	d.status.Refresh()
}

func (d *displayBar) setScale(s float32) {
	d.k.touch()
	d.k.theme.Scale = s
	d.apply()
}

func (d *displayBar) toggleContrast() {
	d.k.touch()
	d.k.theme.HighContrast = !d.k.theme.HighContrast
	d.apply()
}

// reset returns to normal text and contrast for the next person.
func (d *displayBar) reset() {
	if d.k.theme.Scale == 1 && !d.k.theme.HighContrast {
		return
	}
	d.k.theme.Scale, d.k.theme.HighContrast = 1, false
	d.mark()
	fyne.CurrentApp().Settings().SetTheme(d.k.theme) // Start builds the next screen
}

func (d *displayBar) apply() {
	d.mark()
	fyne.CurrentApp().Settings().SetTheme(d.k.theme)
	d.k.redraw()
}

// mark shows which size and contrast are chosen.
func (d *displayBar) mark() {
	for i, b := range d.sizes {
		if TextScales[i] == d.k.theme.Scale {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	if d.k.theme.HighContrast {
		d.contrast.Importance = widget.HighImportance
	} else {
		d.contrast.Importance = widget.MediumImportance
	}
	d.contrast.Refresh()
}
