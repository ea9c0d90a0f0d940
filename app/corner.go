package app

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// hiddenCorner is an invisible square in the kiosk's top-left corner: three
// taps on it within two seconds open the staff PIN prompt, for staff at a
// touch screen with no keyboard.
type hiddenCorner struct {
	widget.BaseWidget
	taps   []time.Time
	now    func() time.Time
	onOpen func()
}

const (
	cornerTaps   = 3
	cornerWithin = 2 * time.Second
)

func newHiddenCorner(now func() time.Time, open func()) *hiddenCorner {
	c := &hiddenCorner{now: now, onOpen: open}
	c.ExtendBaseWidget(c)
	return c
}

// Tapped implements fyne.Tappable.
func (c *hiddenCorner) Tapped(*fyne.PointEvent) {
	t := c.now()
	keep := c.taps[:0]
	for _, p := range c.taps {
		if t.Sub(p) < cornerWithin {
			keep = append(keep, p)
		}
	}
	c.taps = append(keep, t)
	if len(c.taps) >= cornerTaps {
		c.taps = nil
		c.onOpen()
	}
}

// CreateRenderer implements fyne.Widget.
func (c *hiddenCorner) CreateRenderer() fyne.WidgetRenderer {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSquareSize(MinTarget))
	return widget.NewSimpleRenderer(r)
}
