package app

import "fyne.io/fyne/v2"

// moreControl is the control that brings more of the screen on show into
// view when it does not fit, or nil.
func moreControl(k *Kiosk) fyne.Tappable { return nil }

// errorViews are the objects that show the error after a refused Next.
func errorViews(k *Kiosk) []fyne.CanvasObject {
	if k.question != nil {
		return []fyne.CanvasObject{k.question.message}
	}
	return nil
}
