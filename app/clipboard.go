package app

import "fyne.io/fyne/v2"

// clearClipboard empties the app's clipboard: the one a text box's Cut and
// Copy fill (Ctrl+C, Ctrl+X and its right-click menu; on the desktop it is
// the system clipboard). The kiosk calls it whenever a visit ends or the
// kiosk is reset, so what one participant copied cannot be pasted by the
// next (P21). It also drops what staff copied before handing over.
func clearClipboard() {
	a := fyne.CurrentApp()
	if a == nil {
		return
	}
	if cb := a.Clipboard(); cb != nil && cb.Content() != "" {
		cb.SetContent("")
	}
}

// closePopUps removes every pop-up over c: dialogs, and a text box's
// right-click menu, whose Copy and Undo still work on the box it was
// opened on after the screen has changed.
func closePopUps(c fyne.Canvas) {
	ov := c.Overlays()
	for top := ov.Top(); top != nil; top = ov.Top() {
		ov.Remove(top)
	}
}

// endVisitTraces removes what a visit can leave outside the kiosk's
// screens, which are rebuilt for each visit: the clipboard, pop-ups and
// any sound still playing.
func (k *Kiosk) endVisitTraces() {
	k.stopAudio()
	clearClipboard()
	closePopUps(k.win.Canvas())
}
