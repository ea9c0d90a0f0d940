package app

import "fyne.io/fyne/v2"

// moreControl is the control that brings more of the screen on show into
// view when it does not fit, or nil.
func moreControl(k *Kiosk) fyne.Tappable {
	if k.page == nil || !k.page.more.Visible() {
		return nil
	}
	return k.page.more
}

// errorViews are the objects that show the error after a refused Next:
// the error summary and the message above the answers.
func errorViews(k *Kiosk) []fyne.CanvasObject {
	if k.question != nil {
		return []fyne.CanvasObject{k.question.page.summary, k.question.message}
	}
	return nil
}
