//go:build linux

package store_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"chorus/data/batch"
	"chorus/data/store"
	"chorus/data/store/storetest"
)

// The child of TestExportRecoversFromACrashAfterTheRename exports the data
// folder in $CHORUS_RENAME_CRASH_DIR to $CHORUS_RENAME_CRASH_TO and kills
// itself (SIGKILL) once the batch file is renamed into place and its folder
// synced: before the read-back and before the batch is marked exported.
const (
	renameCrashDirEnv = "CHORUS_RENAME_CRASH_DIR"
	renameCrashToEnv  = "CHORUS_RENAME_CRASH_TO"
)

// TestRenameCrashChild is that child. It does nothing in a normal run.
func TestRenameCrashChild(t *testing.T) {
	dir := os.Getenv(renameCrashDirEnv)
	if dir == "" {
		t.Skip("only run as a child by TestExportRecoversFromACrashAfterTheRename")
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Export(ctx, os.Getenv(renameCrashToEnv), store.ExportOptions{SyncDir: func(d string) error {
		if err := batch.SyncDir(d); err != nil {
			return err
		}
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}})
	t.Fatalf("the export came back (%v) instead of being killed", err)
}

// TestExportRecoversFromACrashAfterTheRename is P4 with P20: Chorus is
// killed after the batch file has its name but before the batch is marked
// exported. The next export finds the file, knows it for its own (its size
// and checksums were recorded before the rename), leaves it as it is and
// marks the batch exported; the file verifies with the analyst's key.
func TestExportRecoversFromACrashAfterTheRename(t *testing.T) {
	key := storetest.NewKey(t, false)
	dir, out := t.TempDir(), t.TempDir()
	dev := storetest.OpenDevice(t, dir, key.Recipients, false)
	dev.Submit(6)
	name := nextFileName(t, dev)
	dev.Store.Close()

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestRenameCrashChild$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), renameCrashDirEnv+"="+dir, renameCrashToEnv+"="+out)
	output, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed: %v\n%s", err, output)
	}
	path := filepath.Join(out, name)
	left, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the killed export left no %s: %v (folder: %v)", name, err, files(t, out))
	}

	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if list, _ := st.Batches(ctx); len(list) != 1 || !list[0].Pending() {
		t.Fatalf("after the crash the history is %+v, want one pending batch", list)
	}
	res, err := st.Export(ctx, out, store.ExportOptions{})
	if err != nil {
		t.Fatalf("the export after the crash: %v", err)
	}
	if len(res) != 1 || res[0].Seq != 1 || res[0].Path != path || res[0].Counts.Responses != 6 || res[0].FileBytes != int64(len(left)) {
		t.Errorf("the export after the crash = %+v, want batch 1 as %s with 6 responses, %d bytes", res, path, len(left))
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, left) {
		t.Error("the file the crashed export left was written again")
	}
	if got := files(t, out); len(got) != 1 {
		t.Errorf("the folder holds %v, want the one batch file", got)
	}
	list, _ := st.Batches(ctx)
	if len(list) != 1 || list[0].Pending() || list[0].ManifestSHA256 != res[0].ManifestSHA256 {
		t.Errorf("history %+v, want batch 1 exported", list)
	}
	bt, err := batch.Read(path, key.Identities, batch.ReadOptions{})
	if err != nil {
		t.Fatalf("the file does not verify: %v", err)
	}
	if bt.ManifestSHA256 != res[0].ManifestSHA256 || bt.Manifest.Counts.Responses != 6 {
		t.Errorf("the file holds manifest %s with %d responses", bt.ManifestSHA256, bt.Manifest.Counts.Responses)
	}
	bt.Close()
	if _, err := st.Export(ctx, out, store.ExportOptions{}); !errors.Is(err, store.ErrNothingToExport) {
		t.Errorf("a second export = %v, want nothing to export", err)
	}
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM batch_files`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d batch_files rows left after the batch was marked exported (%v)", n, err)
	}
}
