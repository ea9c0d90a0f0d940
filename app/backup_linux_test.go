//go:build linux

package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"chorus/data/store"
	"chorus/internal/tinyfs"

	"fyne.io/fyne/v2/test"
)

// TestCoordinatorBackupButton: the Backup button on the Export tab says in
// plain words when the stick is missing or full (and leaves nothing on
// it), and otherwise writes a copy that restores: put as chorus.db into
// an empty folder it opens as the same laptop, with the same counts, and
// the responses still sealed.
func TestCoordinatorBackupButton(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	for range 2 {
		r.sh.showKiosk(Visit{})
		answerAll(t, r.sh.kiosk, "en")
		test.Tap(r.sh.kiosk.thanks.finish)
	}
	if err := r.signIn(t, "Asha Patel", "480215"); err != nil {
		t.Fatal(err)
	}
	c := r.sh.home.coord
	l := c.l
	backup := func(dir string) string {
		t.Helper()
		c.folder.SetText(dir)
		test.Tap(c.backup)
		waitFor(t, "the backup to finish", func() bool { return !c.backup.Disabled() && c.backupMsg.Text != l.T("staff.backing_up") })
		return c.backupMsg.Text
	}
	if got := backup(filepath.Join(t.TempDir(), "not-plugged-in")); got != l.T("staff.no_folder") {
		t.Errorf("backup to a missing folder says %q", got)
	}
	stick := tinyfs.New(t, 8192)
	if got := backup(stick); got != l.T("staff.backup_no_room") {
		t.Errorf("backup to a full stick says %q, want %q", got, l.T("staff.backup_no_room"))
	}
	if ents, _ := os.ReadDir(stick); len(ents) != 0 {
		t.Errorf("the failed backup left %d files on the stick", len(ents))
	}

	out := t.TempDir()
	got := backup(out)
	files, _ := filepath.Glob(filepath.Join(out, "chorus-backup-*.db"))
	if len(files) != 1 || got != l.T("staff.backup_done", map[string]any{"File": files[0]}) {
		t.Fatalf("backup says %q and wrote %v", got, files)
	}
	ctx := context.Background()
	want, err := r.sh.cfg.Store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantDev, err := r.sh.cfg.Store.Device()
	if err != nil {
		t.Fatal(err)
	}
	restored := t.TempDir()
	body, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, store.DBName), body, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(restored, nil)
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer st.Close()
	gotCounts, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := st.Device()
	if err != nil {
		t.Fatal(err)
	}
	if gotCounts != want || want.Responses != 2 || dev.Key.Fingerprint() != wantDev.Key.Fingerprint() {
		t.Errorf("restored: %+v, device %s; want %+v (2 responses), device %s", gotCounts, dev.Key.Fingerprint(), want, wantDev.Key.Fingerprint())
	}
	if ok, err := st.IsSetUp(ctx); err != nil || !ok {
		t.Errorf("the restored folder is not set up: %v %v", ok, err)
	}
}
