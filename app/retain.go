package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"chorus/data/ack"
	"chorus/data/store"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// onChooseAck lets the coordinator pick the analyst's acknowledgement
// file (chorus-ack-DEVICE.json) on the stick.
func (c *coordinatorTabs) onChooseAck() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err == nil && r != nil {
			c.ackFile.SetText(r.URI().Path())
			r.Close()
		}
	}, c.sh.win)
	d.Show()
}

// onAck reads the analyst's acknowledgement and checks it against this
// laptop off the UI goroutine, asks the coordinator to confirm, then
// deletes the sealed answers of the batches it names (store.Acknowledge)
// and says what happened.
func (c *coordinatorTabs) onAck() {
	path := strings.TrimSpace(c.ackFile.Text)
	st := c.sh.cfg.Store
	c.ackBtn.Disable()
	background(func() {
		a, err := ack.Read(path)
		if err == nil {
			err = st.CheckAcknowledgement(context.Background(), a)
		} else {
			err = errBadAck
		}
		fyne.Do(func() {
			c.ackBtn.Enable()
			if err != nil {
				c.ackMsg.SetText(c.ackProblem(err))
				return
			}
			seqs := make([]string, len(a.Batches))
			for i, b := range a.Batches {
				seqs[i] = fmt.Sprint(b.Seq)
			}
			c.sh.confirm(c.l.T("staff.ack_confirm_title"),
				c.l.T("staff.ack_confirm", map[string]any{"Batches": strings.Join(seqs, ", ")}),
				c.l.T("staff.ack"), func() { c.acknowledge(a) })
		})
	})
}

// errBadAck stands for any reason ack.Read gave: the coordinator is told
// to use the analyst's file, not which field is wrong.
var errBadAck = errors.New("not an acknowledgement")

// acknowledge deletes what a names, off the UI goroutine.
func (c *coordinatorTabs) acknowledge(a ack.File) {
	st, actor := c.sh.cfg.Store, c.sh.user.Name
	c.ackBtn.Disable()
	background(func() {
		res, err := st.Acknowledge(context.Background(), a, actor)
		fyne.Do(func() {
			c.ackBtn.Enable()
			if err != nil {
				c.ackMsg.SetText(c.ackProblem(err))
			} else {
				c.ackMsg.SetText(c.l.T("staff.ack_done", map[string]any{"Responses": res.Responses}))
			}
			c.refreshExport()
		})
	})
}

// ackProblem says in plain words why nothing was deleted.
func (c *coordinatorTabs) ackProblem(err error) string {
	l := c.l
	switch {
	case errors.Is(err, errBadAck):
		return l.T("staff.ack_bad_file")
	case errors.Is(err, store.ErrAckOtherDevice):
		return l.T("staff.ack_other_laptop")
	case errors.Is(err, store.ErrAckMismatch):
		return l.T("staff.ack_mismatch")
	}
	return l.problem(err)
}
