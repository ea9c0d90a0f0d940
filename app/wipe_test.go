package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"chorus/data/store"

	"fyne.io/fyne/v2/test"
)

// TestCoordinatorWipe: the Wipe button works only once the laptop's name
// is typed; without a folder for the report, or with answers still
// waiting to export, it deletes nothing and says why; once everything is
// exported it asks once more, then wipes: the data folder's database is
// gone, the report is on the stick, and the window says so.
func TestCoordinatorWipe(t *testing.T) {
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
	w, l := c.wipe, c.l
	if !w.btn.Disabled() {
		t.Fatal("Wipe works before the laptop's name is typed")
	}
	test.Type(w.typed, "Library laptop")
	if !w.btn.Disabled() {
		t.Fatal("Wipe works with part of the name")
	}
	w.typed.SetText("")
	test.Type(w.typed, "library laptop 3")
	if w.btn.Disabled() {
		t.Fatal("Wipe does not work with the name typed")
	}
	tap := func() {
		t.Helper()
		r.sh.confirming = nil
		w.msg.SetText("")
		test.Tap(w.btn)
		waitFor(t, "the check", func() bool { return r.sh.confirming != nil || w.msg.Text != "" })
	}

	c.folder.SetText("")
	tap()
	if w.msg.Text != l.T("staff.wipe_no_folder") || r.sh.confirming != nil {
		t.Errorf("no folder: %q", w.msg.Text)
	}
	stick := t.TempDir()
	c.folder.SetText(stick)
	tap()
	if want := l.T("staff.wipe_waiting", map[string]any{"Responses": 2}); w.msg.Text != want || r.sh.confirming != nil {
		t.Errorf("answers waiting: %q, want %q", w.msg.Text, want)
	}
	if _, err := r.st.Export(context.Background(), t.TempDir(), store.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	tap()
	if r.sh.confirming == nil {
		t.Fatalf("no question before the wipe; message %q", w.msg.Text)
	}
	if _, err := os.Stat(filepath.Join(r.dir, store.DBName)); err != nil {
		t.Fatalf("asking deleted the database: %v", err)
	}
	test.Tap(r.sh.confirming.yes)
	waitFor(t, "the wipe", func() bool { return w.done != nil || w.msg.Text != "" })
	if w.done == nil {
		t.Fatalf("not wiped: %q", w.msg.Text)
	}
	if _, err := os.Stat(filepath.Join(r.dir, store.DBName)); !os.IsNotExist(err) {
		t.Errorf("the database is still there: %v", err)
	}
	reports, _ := filepath.Glob(filepath.Join(stick, "chorus-wipe-*.json"))
	if len(reports) != 1 {
		t.Fatalf("reports on the stick: %v", reports)
	}
	if want := l.T("staff.wiped", map[string]any{"Responses": 2, "File": reports[0]}); w.done.Text != want {
		t.Errorf("the window says %q, want %q", w.done.Text, want)
	}
	if r.sh.home != nil {
		t.Error("the staff screens are still live after the wipe")
	}
}
