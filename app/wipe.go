package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"chorus/data/batch"
	"chorus/data/store"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// wipePanel is the end-of-project wipe at the foot of the Export tab: the
// coordinator types the laptop's name, then is asked once more; the
// report of what was deleted goes into the export folder.
type wipePanel struct {
	c    *coordinatorTabs
	name string // the laptop's name, to be typed
	// typed is where the coordinator types the laptop's name; btn only
	// works once it matches.
	typed *widget.Entry
	btn   *Button
	msg   *widget.Label
	// done is the screen shown once the laptop is wiped, for tests.
	done *widget.Label
}

// wipeSection builds the panel for the Export tab.
func (c *coordinatorTabs) wipeSection() fyne.CanvasObject {
	l := c.l
	w := &wipePanel{c: c}
	c.wipe = w
	if dev, err := c.sh.cfg.Store.Device(); err == nil {
		w.name = dev.Name
	}
	info := widget.NewLabel(l.T("staff.wipe_info"))
	info.Wrapping = fyne.TextWrapWord
	w.typed = widget.NewEntry()
	w.typed.SetPlaceHolder(w.name)
	w.btn = NewButton(l.T("staff.wipe"), w.onWipe)
	w.btn.Importance = widget.DangerImportance
	w.btn.Disable()
	w.typed.OnChanged = func(s string) {
		if store.WipeConfirmed(w.name, s) {
			w.btn.Enable()
		} else {
			w.btn.Disable()
		}
	}
	w.msg = widget.NewLabel("")
	w.msg.Wrapping = fyne.TextWrapWord
	return container.NewVBox(
		widget.NewSeparator(),
		widget.NewLabelWithStyle(l.T("staff.wipe_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		info,
		widget.NewLabel(l.T("staff.wipe_type_name", map[string]any{"Name": w.name})),
		w.typed, w.btn, w.msg,
	)
}

// onWipe checks the report's folder and that nothing waits to export,
// off the UI goroutine, then asks once more.
func (w *wipePanel) onWipe() {
	c, l := w.c, w.c.l
	if !store.WipeConfirmed(w.name, w.typed.Text) {
		return
	}
	dir := strings.TrimSpace(c.folder.Text)
	st := c.sh.cfg.Store
	w.btn.Disable()
	background(func() {
		err := batch.CheckFolder(dir)
		if err == nil {
			err = st.CheckWipe(context.Background())
		}
		fyne.Do(func() {
			w.btn.Enable()
			if err != nil {
				w.msg.SetText(w.problem(err))
				return
			}
			w.msg.SetText("")
			c.sh.confirm(l.T("staff.wipe_confirm_title"), l.T("staff.wipe_confirm", map[string]any{"Name": w.name}),
				l.T("staff.wipe"), func() { w.wipe(dir) })
		})
	})
}

// wipe destroys the laptop's data and writes the report into dir, off
// the UI goroutine; then the window shows only that it is done.
func (w *wipePanel) wipe(dir string) {
	c := w.c
	st := c.sh.cfg.Store
	w.btn.Disable()
	background(func() {
		rep, err := st.Wipe(context.Background(), store.WipeOptions{})
		path := ""
		if err == nil {
			path, err = store.WriteWipeReport(dir, rep)
		}
		fyne.Do(func() {
			if rep.WipedAt.IsZero() && err != nil { // nothing was deleted
				w.btn.Enable()
				w.msg.SetText(w.problem(err))
				return
			}
			w.showWiped(rep, path, err)
		})
	})
}

// showWiped replaces everything on screen with the news that the laptop
// is wiped (and where the report is), and a button that closes Chorus: the
// data folder is gone, so nothing else can work.
func (w *wipePanel) showWiped(rep store.WipeReport, path string, err error) {
	sh, l := w.c.sh, w.c.l
	sh.Stop()
	sh.home = nil
	msg := l.T("staff.wiped", map[string]any{"Responses": rep.Responses, "File": path})
	if err != nil {
		msg = l.T("staff.wiped_no_report", map[string]any{"Responses": rep.Responses, "Err": l.problem(err)})
	}
	for _, b := range rep.Backups {
		if !b.Destroyed {
			msg += "\n" + l.T("staff.wipe_backup_left", map[string]any{"File": b.Path})
		}
	}
	w.done = widget.NewLabel(msg)
	w.done.Wrapping = fyne.TextWrapWord
	report := widget.NewLabel(rep.Text())
	report.Wrapping = fyne.TextWrapWord
	closeBtn := NewButton(l.T("staff.wipe_close"), func() { sh.app.Quit() })
	sh.swap(container.NewBorder(container.NewVBox(heading(l, l.T("staff.wipe_done_title")), w.done), closeBtn, nil, nil,
		container.NewVScroll(report)))
}

// problem says in plain words why nothing was wiped.
func (w *wipePanel) problem(err error) string {
	l := w.c.l
	var waiting *store.WaitingError
	switch {
	case errors.As(err, &waiting):
		msg := l.T("staff.wipe_waiting", map[string]any{"Responses": waiting.Responses})
		if len(waiting.Pending) > 0 {
			seqs := make([]string, len(waiting.Pending))
			for i, p := range waiting.Pending {
				seqs[i] = fmt.Sprint(p.Seq)
			}
			msg += " " + l.T("staff.wipe_waiting_batches", map[string]any{"Batches": strings.Join(seqs, ", ")})
		}
		return msg
	case errors.Is(err, batch.ErrNoFolder):
		return l.T("staff.wipe_no_folder")
	case errors.Is(err, batch.ErrNotWritable), errors.Is(err, batch.ErrDiskFull):
		return l.T("staff.wipe_no_room")
	}
	return l.problem(err)
}
