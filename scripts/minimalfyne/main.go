// Command minimalfyne is the baseline for scripts/startbench.py: the
// smallest Fyne window (one label, the same size as Chorus's), built and
// started the same way as Chorus, so Chorus's start-up time and memory can
// be read as a ratio to what Fyne itself costs on the same machine.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.chorus.minimalfyne")
	w := a.NewWindow("Minimal Fyne")
	w.SetContent(widget.NewLabel("Hello"))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
}
