package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"chorus/data/ack"
	"chorus/data/batch"
	"chorus/data/store"

	"fyne.io/fyne/v2/test"
)

// TestCoordinatorAcknowledge: on the Export tab the coordinator opens the
// analyst's confirmation file; a damaged file or one for another laptop
// deletes nothing and says so without asking; the right one asks first, then deletes the
// exported answers and keeps the counts, and "Export again" of that
// batch says why it cannot.
func TestCoordinatorAcknowledge(t *testing.T) {
	r := newShellRig(t)
	r.setUp(t)
	for range 2 {
		r.sh.showKiosk(Visit{})
		answerAll(t, r.sh.kiosk, "en")
		test.Tap(r.sh.kiosk.thanks.finish)
	}
	ctx := context.Background()
	st := r.sh.cfg.Store
	res, err := st.Export(ctx, t.TempDir(), store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bt, err := batch.Read(res[0].Path, r.key.Identities, batch.ReadOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	a := ack.File{DeviceID: bt.Manifest.DeviceID, WrittenAt: time.Now(), Batches: []ack.Batch{{Seq: 1, ManifestSHA256: bt.ManifestSHA256}}}
	bt.Close()
	good, err := ack.Write(t.TempDir(), a)
	if err != nil {
		t.Fatal(err)
	}
	a.DeviceID = "0193aaaa-bbbb-7ccc-8ddd-eeeeffff0000"
	other, err := ack.Write(t.TempDir(), a)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(t.TempDir(), "chorus-ack-x.json")
	if err := os.WriteFile(damaged, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	counts, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	if err := r.signIn(t, "Asha Patel", "480215"); err != nil {
		t.Fatal(err)
	}
	c := r.sh.home.coord
	l := c.l
	open := func(path string) {
		t.Helper()
		r.sh.confirming = nil
		c.ackMsg.SetText("")
		c.ackFile.SetText(path)
		test.Tap(c.ackBtn)
		waitFor(t, "the file to be read", func() bool { return r.sh.confirming != nil || c.ackMsg.Text != "" })
	}
	for path, want := range map[string]string{damaged: "staff.ack_bad_file", other: "staff.ack_other_laptop"} {
		open(path)
		if c.ackMsg.Text != l.T(want) || r.sh.confirming != nil {
			t.Errorf("%s says %q (asked: %v), want %q and no question", path, c.ackMsg.Text, r.sh.confirming != nil, l.T(want))
		}
	}
	open(good)
	if r.sh.confirming == nil {
		t.Fatal("no question before deleting")
	}
	if got, w := r.sh.confirming.msg, l.T("staff.ack_confirm", map[string]any{"Batches": "1"}); got != w {
		t.Errorf("the question is %q, want %q", got, w)
	}
	test.Tap(r.sh.confirming.yes)
	waitFor(t, "the deletion", func() bool { return c.ackMsg.Text != "" && !c.ackBtn.Disabled() })
	if w := l.T("staff.ack_done", map[string]any{"Responses": 2}); c.ackMsg.Text != w {
		t.Errorf("says %q, want %q", c.ackMsg.Text, w)
	}
	rs, err := st.Responses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, resp := range rs {
		if len(resp.Sealed) != 0 {
			t.Errorf("response %d still has %d sealed bytes", i+1, len(resp.Sealed))
		}
	}
	if got, _ := st.Counts(ctx); got != counts {
		t.Errorf("counts %+v, want %+v", got, counts)
	}
	c.folder.SetText(t.TempDir())
	c.onReexport(1)
	waitFor(t, "export again", func() bool { return !c.export.Disabled() && c.exportMsg.Text != l.T("staff.exporting") })
	if c.exportMsg.Text != l.T("staff.purged") {
		t.Errorf("export again of a purged batch says %q", c.exportMsg.Text)
	}
}
