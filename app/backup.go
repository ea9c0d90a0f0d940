package app

import (
	"context"
	"errors"
	"strings"

	"chorus/data/batch"

	"fyne.io/fyne/v2"
)

// onBackup writes a consistent copy of the database into the folder the
// coordinator chose for exports (store.BackupTo, as `chorus backup` does),
// off the UI goroutine, and says in plain words what happened.
func (c *coordinatorTabs) onBackup() {
	dir := strings.TrimSpace(c.folder.Text)
	st, actor := c.sh.cfg.Store, c.sh.user.Name
	c.backup.Disable()
	c.backupMsg.SetText(c.l.T("staff.backing_up"))
	background(func() {
		path, err := st.BackupTo(context.Background(), dir, actor)
		fyne.Do(func() {
			c.backup.Enable()
			c.backupMsg.SetText(c.backupResult(path, err))
			c.refreshExport() // the audit entry waits for the next export
		})
	})
}

// backupResult is the message for a backup that wrote path or failed.
func (c *coordinatorTabs) backupResult(path string, err error) string {
	l := c.l
	switch {
	case err == nil:
		return l.T("staff.backup_done", map[string]any{"File": path})
	case errors.Is(err, batch.ErrNoFolder):
		return l.T("staff.no_folder")
	case errors.Is(err, batch.ErrNotWritable), errors.Is(err, batch.ErrDiskFull):
		return l.T("staff.backup_no_room")
	}
	return l.T("staff.backup_failed", map[string]any{"Err": l.problem(err)})
}
