package app

import (
	"context"
	"errors"
	"strings"

	"chorus/data/seal"
	"chorus/data/store"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// keysPanel lets the coordinator add or replace the analyst key after
// setup, as `chorus keys` does (store.ChangeRecipients): the new key is
// pasted or read from a file, its fingerprint shown and confirmed, the
// demo key refused on a real laptop, and the change audited.
type keysPanel struct {
	c       *coordinatorTabs
	current *widget.Label // the Export tab's "Sealed to the analyst key(s)" line
	key     *widget.Entry
	fp      *widget.Label // the new key's fingerprint, or what is wrong with it
	confirm *widget.Check
	add     *Button
	replace *Button
	msg     *widget.Label
}

// keysSection builds the panel; current is the line that names the keys
// in force, kept up to date after a change.
func (c *coordinatorTabs) keysSection(current *widget.Label) fyne.CanvasObject {
	l := c.l
	k := &keysPanel{c: c, current: current}
	c.keys = k
	info := widget.NewLabel(l.T("staff.keys_info"))
	info.Wrapping = fyne.TextWrapWord
	k.key = widget.NewMultiLineEntry()
	k.key.SetPlaceHolder("age1...")
	k.key.SetMinRowsVisible(2)
	k.fp = widget.NewLabel("")
	k.fp.Wrapping = fyne.TextWrapWord
	k.fp.TextStyle = fyne.TextStyle{Monospace: true}
	k.confirm = widget.NewCheck(l.T("setup.confirm_key"), nil)
	k.key.OnChanged = func(string) { k.showFingerprint() }
	fromFile := NewButton(l.T("setup.key_from_file"), func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			defer r.Close()
			b := make([]byte, 64<<10)
			n, _ := r.Read(b)
			k.key.SetText(string(b[:n]))
		}, c.sh.win)
	})
	k.add = NewButton(l.T("staff.keys_add"), func() { k.onChange(true) })
	k.replace = NewButton(l.T("staff.keys_replace"), func() { k.onChange(false) })
	k.msg = widget.NewLabel("")
	k.msg.Wrapping = fyne.TextWrapWord
	return container.NewVBox(
		widget.NewSeparator(),
		widget.NewLabelWithStyle(l.T("staff.keys_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		info,
		container.NewBorder(nil, nil, nil, fromFile, k.key),
		k.fp, k.confirm,
		container.NewHBox(k.add, k.replace),
		k.msg,
	)
}

// parse reads the new key(s), refusing the demo key on a real laptop.
func (k *keysPanel) parse() ([]seal.Recipient, error) {
	rs, err := seal.ParseRecipients(k.key.Text)
	if err != nil {
		return nil, errBadKey
	}
	if !k.c.sh.cfg.Demo {
		if err := store.CheckRealRecipients(rs); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// showFingerprint shows the new key's fingerprint, and asks again for
// the confirmation whenever the key changes.
func (k *keysPanel) showFingerprint() {
	l := k.c.l
	k.confirm.SetChecked(false)
	if strings.TrimSpace(k.key.Text) == "" {
		k.fp.SetText("")
		return
	}
	rs, err := k.parse()
	if err != nil {
		k.fp.SetText(k.problem(err))
		return
	}
	var lines []string
	for _, r := range rs {
		lines = append(lines, l.T("setup.fingerprint", map[string]any{"Fingerprint": r.Fingerprint(), "Kind": r.Kind()}))
	}
	k.fp.SetText(strings.Join(lines, "\n"))
}

// onChange checks the key and the confirmation, then asks once more,
// saying plainly what happens to the answers already saved.
func (k *keysPanel) onChange(add bool) {
	l := k.c.l
	rs, err := k.parse()
	if err != nil {
		k.msg.SetText(k.problem(err))
		return
	}
	if !k.confirm.Checked {
		k.msg.SetText(l.T("setup.confirm_needed"))
		return
	}
	k.msg.SetText("")
	fps := map[string]any{"Fingerprints": fingerprintList(rs)}
	msg, yes := l.T("staff.keys_confirm_replace", fps), l.T("staff.keys_replace")
	if add {
		msg, yes = l.T("staff.keys_confirm_add", fps), l.T("staff.keys_add")
	}
	k.c.sh.confirm(l.T("staff.keys_confirm_title"), msg, yes, func() { k.change(rs, add) })
}

// change makes the change off the UI goroutine; new responses are sealed
// to the keys in force from then on.
func (k *keysPanel) change(rs []seal.Recipient, add bool) {
	sh, l := k.c.sh, k.c.l
	st, actor := sh.cfg.Store, sh.user.Name
	k.add.Disable()
	k.replace.Disable()
	background(func() {
		next, err := st.ChangeRecipients(context.Background(), actor, rs, add)
		fyne.Do(func() {
			k.add.Enable()
			k.replace.Enable()
			if err != nil {
				k.msg.SetText(k.problem(err))
				return
			}
			if sh.kiosk != nil {
				sh.kiosk.cfg.Recipients = next
			}
			fps := fingerprintList(next)
			k.current.SetText(l.T("staff.recipients", map[string]any{"Fingerprints": fps}))
			k.msg.SetText(l.T("staff.keys_done", map[string]any{"Fingerprints": fps}))
			k.key.SetText("")
			k.c.refreshExport() // the audit entry waits for the next export
		})
	})
}

// problem says in plain words what is wrong with the key.
func (k *keysPanel) problem(err error) string {
	l := k.c.l
	switch {
	case errors.Is(err, store.ErrSameRecipients):
		return l.T("staff.keys_same")
	case errors.Is(err, errBadKey):
		return l.T("setup.bad_key")
	}
	return l.problem(err)
}

// errBadKey stands for any reason seal.ParseRecipients gave: the
// coordinator is told what a key looks like, not which line is wrong.
var errBadKey = errors.New("not an analyst key")

// fingerprintList is the recipients' fingerprints, comma-separated.
func fingerprintList(rs []seal.Recipient) string {
	fps := make([]string, len(rs))
	for i, r := range rs {
		fps[i] = r.Fingerprint()
	}
	return strings.Join(fps, ", ")
}
