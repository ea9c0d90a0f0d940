//go:build linux

package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/internal/tinyfs"

	"fyne.io/fyne/v2/test"
)

// TestCoordinatorExportTab drives the Export tab as a coordinator would:
// a folder that is not there, a USB stick that is full (a real small file
// system), then a folder with room; each says what happened in plain words,
// and only the last writes a batch, which opens and verifies with the
// analyst's key. Then "nothing new", and "Export again" from the history.
func TestCoordinatorExportTab(t *testing.T) {
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
	if !strings.Contains(c.waiting.Text, "2 responses") {
		t.Errorf("waiting = %q, want 2 responses", c.waiting.Text)
	}
	export := func(dir string) string {
		t.Helper()
		c.folder.SetText(dir)
		test.Tap(c.export)
		waitFor(t, "the export to finish", func() bool { return !c.export.Disabled() && c.exportMsg.Text != l.T("staff.exporting") })
		if c.progress.Visible() {
			t.Error("the progress bar is still showing after the export")
		}
		return c.exportMsg.Text
	}

	if got := export(filepath.Join(t.TempDir(), "not-plugged-in")); got != l.T("staff.no_folder") {
		t.Errorf("export to a missing folder says %q", got)
	}
	t.Run("full stick", func(t *testing.T) {
		stick := tinyfs.New(t, 8192)
		if got := export(stick); got != l.T("staff.disk_full") {
			t.Errorf("export to a full stick says %q, want %q", got, l.T("staff.disk_full"))
		}
		if ents, _ := os.ReadDir(stick); len(ents) != 0 {
			t.Errorf("the failed export left %d files on the stick", len(ents))
		}
	})
	if !strings.Contains(c.waiting.Text, "2 responses") {
		t.Errorf("after failed exports waiting = %q, want still 2 responses", c.waiting.Text)
	}

	out := t.TempDir()
	got := export(out)
	files, _ := filepath.Glob(filepath.Join(out, "chorus-*.tar.age"))
	if len(files) != 1 || got != l.T("staff.exported", map[string]any{"Files": files[0]}) {
		t.Fatalf("export says %q and wrote %v", got, files)
	}
	bt, err := batch.Read(files[0], r.key.Identities, batch.ReadOptions{})
	if err != nil {
		t.Fatalf("the exported batch does not verify: %v", err)
	}
	if bt.Manifest.Counts.Responses != 2 || bt.Manifest.Seq != 1 {
		t.Errorf("batch %d with %d responses, want batch 1 with 2", bt.Manifest.Seq, bt.Manifest.Counts.Responses)
	}
	bt.Close()
	if !strings.Contains(c.waiting.Text, "0 responses") {
		t.Errorf("after the export waiting = %q, want 0 responses", c.waiting.Text)
	}
	if got := export(out); got != l.T("staff.nothing_to_export") {
		t.Errorf("a second export says %q", got)
	}

	// Export again, from the history, onto another stick.
	var again *Button
	for _, o := range allObjects(c.history) {
		if b, ok := o.(*Button); ok && b.Text == l.T("staff.export_again") && !b.Disabled() {
			again = b
		}
	}
	if again == nil {
		t.Fatal("the history has no enabled Export again")
	}
	other := t.TempDir()
	c.folder.SetText(other)
	test.Tap(again)
	waitFor(t, "the export again to finish", func() bool { return !c.export.Disabled() && c.exportMsg.Text != l.T("staff.exporting") })
	copies, _ := filepath.Glob(filepath.Join(other, "chorus-*.tar.age"))
	if len(copies) != 1 || filepath.Base(copies[0]) != filepath.Base(files[0]) {
		t.Errorf("export again wrote %v, want %s", copies, filepath.Base(files[0]))
	}
}
