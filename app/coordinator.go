package app

import (
	"chorus/data/audio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"chorus/data/batch"
	"chorus/data/store"
	"chorus/data/survey"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// coordinatorTabs are the coordinator's screens: export, staff, survey and
// the audit log.
type coordinatorTabs struct {
	sh *Shell
	l  *Localizer

	// Export.
	deviceFP  *widget.Label // this laptop's name and fingerprint, for enrolment
	waiting   *widget.Label
	folder    *widget.Entry
	export    *Button
	progress  *widget.ProgressBar
	exportMsg *widget.Label
	backup    *Button // a copy of the database into the same folder (backup.go)
	backupMsg *widget.Label
	ackFile   *widget.Entry // the analyst's acknowledgement (retain.go)
	ackBtn    *Button
	ackMsg    *widget.Label
	history   *fyne.Container
	wipe      *wipePanel // the end-of-project wipe (wipe.go)
	keys      *keysPanel // changing the analyst key (keys.go)

	// Staff.
	staffList *fyne.Container
	newName   *widget.Entry
	newRole   *widget.Select
	roles     map[string]store.Role // each of newRole's labels and the role it stands for
	newPIN    *widget.Entry
	newPIN2   *widget.Entry
	addStaff  *Button
	staffMsg  *widget.Label

	// Survey.
	surveyFile *widget.Entry
	loadSurvey *Button
	surveyMsg  *widget.Label

	audit     *widget.Label
	auditItem *container.TabItem
}

func (c *coordinatorTabs) build() []*container.TabItem {
	l := c.l
	c.auditItem = container.NewTabItem(l.T("staff.tab.audit"), c.auditTab())
	return []*container.TabItem{
		container.NewTabItem(l.T("staff.tab.export"), c.exportTab()),
		container.NewTabItem(l.T("staff.tab.staff"), c.staffTab()),
		container.NewTabItem(l.T("staff.tab.survey"), c.surveyTab()),
		c.auditItem,
	}
}

func (c *coordinatorTabs) exportTab() fyne.CanvasObject {
	l, sh := c.l, c.sh
	c.waiting = widget.NewLabel("")
	c.waiting.Wrapping = fyne.TextWrapWord
	var fps []string
	for _, r := range sh.recipients() {
		fps = append(fps, r.Fingerprint())
	}
	keys := widget.NewLabel(l.T("staff.recipients", map[string]any{"Fingerprints": strings.Join(fps, ", ")}))
	keys.Wrapping = fyne.TextWrapWord
	c.deviceFP = widget.NewLabel("")
	c.deviceFP.Wrapping = fyne.TextWrapWord
	if dev, err := sh.cfg.Store.Device(); err != nil {
		c.deviceFP.SetText(l.problem(err))
	} else {
		c.deviceFP.SetText(l.T("staff.device_fingerprint", map[string]any{"Fingerprint": dev.Key.Fingerprint(), "Name": dev.Name}))
	}
	c.folder = widget.NewEntry()
	c.folder.SetPlaceHolder(l.T("staff.folder_hint"))
	choose := NewButton(l.T("staff.choose_folder"), c.onChooseFolder)
	c.export = NewButton(l.T("staff.export"), c.onExport)
	c.export.Importance = widget.HighImportance
	c.progress = widget.NewProgressBar()
	c.progress.Hide()
	c.exportMsg = widget.NewLabel("")
	c.exportMsg.Wrapping = fyne.TextWrapWord
	c.backup = NewButton(l.T("staff.backup"), c.onBackup)
	c.backupMsg = widget.NewLabel("")
	c.backupMsg.Wrapping = fyne.TextWrapWord
	c.ackFile = widget.NewEntry()
	c.ackFile.SetPlaceHolder("/media/usb/chorus-ack-….json")
	chooseAck := NewButton(l.T("staff.ack_choose"), c.onChooseAck)
	c.ackBtn = NewButton(l.T("staff.ack"), c.onAck)
	c.ackMsg = widget.NewLabel("")
	c.ackMsg.Wrapping = fyne.TextWrapWord
	c.history = container.NewVBox()
	c.refreshExport()
	return container.NewVScroll(container.NewVBox(
		heading(l, l.T("staff.export_title")),
		c.waiting, keys, c.deviceFP,
		widget.NewLabel(l.T("staff.folder")),
		container.NewBorder(nil, nil, nil, choose, c.folder),
		c.export, c.progress, c.exportMsg,
		c.backup, c.backupMsg,
		widget.NewSeparator(),
		widget.NewLabelWithStyle(l.T("staff.history"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		c.history,
		widget.NewSeparator(),
		widget.NewLabel(l.T("staff.ack_file")),
		container.NewBorder(nil, nil, nil, chooseAck, c.ackFile),
		c.ackBtn, c.ackMsg,
		c.keysSection(keys),
		c.wipeSection(),
	))
}

// refreshExport reads what waits and what was exported off the UI
// goroutine, then shows it.
func (c *coordinatorTabs) refreshExport() {
	sh := c.sh
	background(func() {
		ctx := context.Background()
		n, err := sh.cfg.Store.Unexported(ctx)
		batches, berr := sh.cfg.Store.Batches(ctx)
		fyne.Do(func() { c.showExport(n, err, batches, berr) })
	})
}

func (c *coordinatorTabs) showExport(n batch.Counts, err error, batches []store.BatchInfo, berr error) {
	l := c.l
	if err != nil {
		c.waiting.SetText(l.problem(err))
	} else {
		c.waiting.SetText(l.T("staff.waiting", map[string]any{"Responses": n.Responses, "Consents": n.Consents,
			"Declined": n.Declined, "Withdrawals": n.Withdrawals}))
	}
	c.history.RemoveAll()
	if berr != nil {
		c.history.Add(widget.NewLabel(l.problem(berr)))
	} else if len(batches) == 0 {
		c.history.Add(widget.NewLabel(l.T("staff.no_exports")))
	}
	for _, b := range batches { // newest first
		when := l.T("staff.pending")
		if !b.Pending() {
			when = b.ExportedAt.Local().Format("Mon 2 Jan 2006 15:04")
		}
		line := widget.NewLabel(fmt.Sprintf("%s — %s — %s", b.FileName, when,
			l.T("staff.batch_counts", map[string]any{"Responses": b.Counts.Responses, "Withdrawals": b.Counts.Withdrawals})))
		again := NewButton(l.T("staff.export_again"), func() { c.onReexport(b.Seq) })
		if b.Pending() {
			again.Disable()
		}
		row := container.NewBorder(nil, nil, nil, again, line)
		watchInput(row, c.sh.noteStaffInput)
		c.history.Add(row)
	}
}

func (c *coordinatorTabs) onChooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			c.folder.SetText(u.Path())
		}
	}, c.sh.win)
	d.Show()
}

// onExport writes a batch off the UI goroutine, with progress.
func (c *coordinatorTabs) onExport() {
	dir := strings.TrimSpace(c.folder.Text)
	c.run(func(opts store.ExportOptions) (string, error) {
		res, err := c.sh.cfg.Store.Export(context.Background(), dir, opts)
		if err != nil {
			return "", err
		}
		var names []string
		for _, r := range res {
			names = append(names, r.Path)
		}
		return c.l.T("staff.exported", map[string]any{"Files": strings.Join(names, ", ")}), nil
	})
}

func (c *coordinatorTabs) onReexport(seq int64) {
	dir := strings.TrimSpace(c.folder.Text)
	c.run(func(opts store.ExportOptions) (string, error) {
		r, err := c.sh.cfg.Store.Reexport(context.Background(), seq, dir, opts)
		if err != nil {
			return "", err
		}
		return c.l.T("staff.exported", map[string]any{"Files": r.Path}), nil
	})
}

func (c *coordinatorTabs) run(work func(store.ExportOptions) (string, error)) {
	c.export.Disable()
	c.progress.SetValue(0)
	c.progress.Show()
	c.exportMsg.SetText(c.l.T("staff.exporting"))
	opts := store.ExportOptions{Staff: c.sh.user.Name, Progress: func(p store.ExportProgress) {
		fyne.Do(func() {
			if p.Total > 0 {
				c.progress.SetValue(float64(p.Done) / float64(p.Total))
			}
		})
	}}
	background(func() {
		msg, err := work(opts)
		fyne.Do(func() {
			c.export.Enable()
			c.progress.Hide()
			if err != nil {
				msg = c.exportProblem(err)
			}
			c.exportMsg.SetText(msg)
			c.refreshExport()
		})
	})
}

func (c *coordinatorTabs) exportProblem(err error) string {
	l := c.l
	switch {
	case errors.Is(err, store.ErrNothingToExport):
		return l.T("staff.nothing_to_export")
	case errors.Is(err, batch.ErrNoFolder):
		return l.T("staff.no_folder")
	case errors.Is(err, batch.ErrNotWritable):
		return l.T("staff.not_writable")
	case errors.Is(err, batch.ErrDiskFull):
		return l.T("staff.disk_full")
	case errors.Is(err, store.ErrPurged):
		return l.T("staff.purged")
	}
	return l.T("staff.export_failed", map[string]any{"Err": l.problem(err)})
}

func (c *coordinatorTabs) staffTab() fyne.CanvasObject {
	l := c.l
	c.staffList = container.NewVBox()
	c.newName = widget.NewEntry()
	c.roles = map[string]store.Role{}
	var roleLabels []string
	for _, r := range []store.Role{store.Worker, store.Coordinator} {
		label := l.T("staff.role." + string(r))
		c.roles[label] = r
		roleLabels = append(roleLabels, label)
	}
	c.newRole = widget.NewSelect(roleLabels, nil)
	c.newRole.SetSelectedIndex(0)
	c.newPIN = widget.NewPasswordEntry()
	c.newPIN2 = widget.NewPasswordEntry()
	c.addStaff = NewButton(l.T("staff.add"), c.onAddStaff)
	c.staffMsg = widget.NewLabel("")
	c.staffMsg.Wrapping = fyne.TextWrapWord
	c.refreshStaff()
	return container.NewVScroll(container.NewVBox(
		heading(l, l.T("staff.staff_title")), c.staffList, widget.NewSeparator(),
		widget.NewLabelWithStyle(l.T("staff.add_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewForm(
			widget.NewFormItem(l.T("staff.name"), c.newName),
			widget.NewFormItem(l.T("staff.role"), c.newRole),
			widget.NewFormItem(l.T("staff.pin"), c.newPIN),
			widget.NewFormItem(l.T("staff.pin_again"), c.newPIN2),
		),
		c.addStaff, c.staffMsg))
}

// refreshStaff reads the staff list off the UI goroutine, then shows it.
func (c *coordinatorTabs) refreshStaff() {
	sh := c.sh
	background(func() {
		list, err := sh.cfg.Store.StaffList(context.Background())
		fyne.Do(func() { c.showStaff(list, err) })
	})
}

func (c *coordinatorTabs) showStaff(list []store.Staff, err error) {
	l := c.l
	c.staffList.RemoveAll()
	if err != nil {
		c.staffList.Add(widget.NewLabel(l.problem(err)))
	}
	for _, st := range list {
		reset := NewButton(l.T("staff.reset_pin"), func() { c.onResetPIN(st) })
		row := container.NewBorder(nil, nil, nil, reset,
			widget.NewLabel(st.Name+" — "+l.T("staff.role."+string(st.Role))))
		watchInput(row, c.sh.noteStaffInput)
		c.staffList.Add(row)
	}
}

func (c *coordinatorTabs) onAddStaff() {
	l, sh := c.l, c.sh
	pin, pin2 := c.newPIN.Text, c.newPIN2.Text
	c.newPIN.SetText("")
	c.newPIN2.SetText("")
	if pin != pin2 {
		c.staffMsg.SetText(l.T("staff.pins_differ"))
		return
	}
	role, ok := c.roles[c.newRole.Selected]
	if !ok {
		role = store.Worker
	}
	actor, name := sh.user.Name, c.newName.Text
	// argon2id takes a noticeable moment: off the UI goroutine.
	c.addStaff.Disable()
	background(func() {
		st, err := sh.cfg.Store.AddStaff(context.Background(), actor, name, role, pin)
		fyne.Do(func() {
			c.addStaff.Enable()
			if err != nil {
				c.staffMsg.SetText(l.problem(err))
				return
			}
			c.newName.SetText("")
			c.staffMsg.SetText(l.T("staff.added", map[string]any{"Name": st.Name}))
			c.refreshStaff()
		})
	})
}

func (c *coordinatorTabs) onResetPIN(st store.Staff) {
	l, sh := c.l, c.sh
	pin := widget.NewPasswordEntry()
	pin2 := widget.NewPasswordEntry()
	dialog.ShowForm(l.T("staff.reset_title", map[string]any{"Name": st.Name}), l.T("staff.save"), l.T("staff.cancel"),
		[]*widget.FormItem{widget.NewFormItem(l.T("staff.pin"), pin), widget.NewFormItem(l.T("staff.pin_again"), pin2)},
		func(ok bool) {
			if !ok {
				return
			}
			if pin.Text != pin2.Text {
				c.staffMsg.SetText(l.T("staff.pins_differ"))
				return
			}
			user, newPIN := *sh.user, pin.Text
			background(func() {
				err := sh.cfg.Store.SetPIN(context.Background(), user, st.ID, newPIN)
				fyne.Do(func() {
					if err != nil {
						c.staffMsg.SetText(l.problem(err))
						return
					}
					c.staffMsg.SetText(l.T("staff.pin_set", map[string]any{"Name": st.Name}))
				})
			})
		}, sh.win)
}

func (c *coordinatorTabs) surveyTab() fyne.CanvasObject {
	l, sh := c.l, c.sh
	current := widget.NewLabel("")
	if sv, err := sh.cfg.LoadSurvey(); err == nil {
		current.SetText(l.T("staff.survey_current", map[string]any{"Title": sv.Title.In("en"), "ID": sv.ID,
			"Version": sv.Version, "Languages": strings.Join(sv.Languages, ", ")}))
	}
	current.Wrapping = fyne.TextWrapWord
	c.surveyFile = widget.NewEntry()
	c.surveyFile.SetPlaceHolder("/media/usb/survey.json")
	choose := NewButton(l.T("staff.choose_file"), func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				c.surveyFile.SetText(r.URI().Path())
				r.Close()
			}
		}, sh.win)
	})
	c.loadSurvey = NewButton(l.T("staff.load_survey"), c.onLoadSurvey)
	c.surveyMsg = widget.NewLabel("")
	c.surveyMsg.Wrapping = fyne.TextWrapWord
	c.surveyMsg.TextStyle = fyne.TextStyle{Monospace: true}
	return container.NewVScroll(container.NewVBox(heading(l, l.T("staff.survey_title")), current,
		container.NewBorder(nil, nil, nil, choose, c.surveyFile), c.loadSurvey, c.surveyMsg,
		widget.NewSeparator(), c.languages()))
}

// languages lists each language with its direction and review status, and
// says which this machine cannot show.
func (c *coordinatorTabs) languages() fyne.CanvasObject {
	l, sh := c.l, c.sh
	box := container.NewVBox(widget.NewLabelWithStyle(l.T("staff.languages"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if sh.unshowable == nil {
		box.Add(widget.NewLabel(l.T("staff.fonts_checking")))
	} else if len(sh.unshowable) > 0 {
		warn := widget.NewLabel(l.T("staff.fonts_missing", map[string]any{"Languages": strings.Join(sh.unshowable, ", ")}))
		warn.Importance = widget.DangerImportance
		warn.Wrapping = fyne.TextWrapWord
		box.Add(warn)
	}
	sounds := c.audioStatus()
	for _, lang := range sh.cfg.Catalog.Languages() {
		status := l.T("staff.status_reviewed")
		if lang.Status != "reviewed" {
			status = l.T("staff.status_draft")
		}
		dir := ""
		if lang.RTL() {
			dir = " · " + l.T("staff.rtl")
		}
		if s, ok := sounds[lang.Tag]; ok {
			status += " · " + l.T("staff.audio."+string(s))
		}
		box.Add(widget.NewLabel(fmt.Sprintf("%s (%s)%s — %s", lang.EnglishName(), lang.Tag, dir, status)))
	}
	return box
}

// audioStatus is the audio status (complete, draft, missing) of each of
// the kiosk's survey's languages, from the pack the kiosk plays.
func (c *coordinatorTabs) audioStatus() map[string]audio.Status {
	k := c.sh.kiosk
	if k == nil || k.cfg.Survey == nil {
		return nil
	}
	out := map[string]audio.Status{}
	for _, s := range k.cfg.Audio.Statuses(k.cfg.Survey) {
		out[s.Lang] = s.Status
	}
	return out
}

// onLoadSurvey validates a survey file and uses it; on any problem the
// survey in use keeps working and every problem is listed by line.
func (c *coordinatorTabs) onLoadSurvey() {
	l, sh := c.l, c.sh
	path := strings.TrimSpace(c.surveyFile.Text)
	if strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		c.loadXLSForm(path) // survey_import.go
		return
	}
	sv, err := survey.ParseFile(path)
	if err != nil {
		c.surveyMsg.SetText(l.T("staff.survey_bad") + "\n" + err.Error())
		return
	}
	body, err := os.ReadFile(path)
	if err == nil {
		err = sh.cfg.Store.UseSurvey(context.Background(), sh.user.Name, sv, body)
	}
	switch {
	case errors.Is(err, store.ErrSurveyChanged) || errors.Is(err, store.ErrConsentChanged):
		// The store says which survey, version and language, in the
		// words the coordinator needs to fix the file.
		c.surveyMsg.SetText(l.T("staff.survey_bad") + "\n" + err.Error())
		return
	case err != nil:
		c.surveyMsg.SetText(l.problem(err))
		return
	}
	msg := l.T("staff.survey_loaded", map[string]any{"ID": sv.ID, "Version": sv.Version})
	if err := sh.installAudio(sv, path); err != nil {
		msg += "\n" + l.T("staff.audio_not_copied", map[string]any{"Err": err.Error()})
	}
	if sh.kiosk != nil {
		sh.kiosk.SetSurvey(sv)
		sh.kiosk.SetAudio(sh.audioFor(sv))
	}
	c.surveyMsg.SetText(msg)
}

func (c *coordinatorTabs) auditTab() fyne.CanvasObject {
	c.audit = widget.NewLabel("")
	c.audit.TextStyle = fyne.TextStyle{Monospace: true}
	c.refreshAudit()
	return container.NewScroll(c.audit) // long lines scroll sideways instead of widening the window
}

// refreshAudit reads the newest 200 audit entries off the UI goroutine.
// It runs when the tab is built and each time it is chosen, so what staff
// did since shows.
func (c *coordinatorTabs) refreshAudit() {
	l, sh := c.l, c.sh
	background(func() {
		entries, err := sh.cfg.Store.AuditLog(context.Background(), 200)
		var b strings.Builder
		if err != nil {
			b.WriteString(l.problem(err))
		}
		for _, e := range entries {
			fmt.Fprintf(&b, "%s  %-14s  %-16s  %s\n", e.At.Local().Format("2006-01-02 15:04"), e.Actor, e.Action, e.Detail)
		}
		fyne.Do(func() { c.audit.SetText(b.String()) })
	})
}
