package store_test

import (
	"errors"
	"os"
	"syscall"
	"testing"

	"chorus/data/batch"
	"chorus/data/store"
	"chorus/data/store/storetest"
)

// corruptingFile is a stick that silently stores one byte wrong: every
// write succeeds, but the byte at offset at reaches the disk changed.
type corruptingFile struct {
	*os.File
	at, n int64
}

func (f *corruptingFile) Write(p []byte) (int, error) {
	if f.at >= f.n && f.at < f.n+int64(len(p)) {
		q := append([]byte(nil), p...)
		q[f.at-f.n] ^= 0x01
		p = q
	}
	n, err := f.File.Write(p)
	f.n += int64(n)
	return n, err
}

// TestExportThatReadsBackWrongIsNotMarked is P4's last stage: the file is
// written, synced and renamed without an error, but what the disk gives
// back differs from what was written (one bit, at the start, middle or
// end). The export fails with ErrReadBack, the bad file is removed, the
// batch stays pending and its records are still counted as waiting; the
// next export writes it under the same number.
func TestExportThatReadsBackWrongIsNotMarked(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	dev.Submit(20)
	out := t.TempDir()
	for _, at := range []int64{0, 5000, 9000} {
		create := func(dir, pattern string) (batch.TempFile, error) {
			f, err := os.CreateTemp(dir, pattern)
			if err != nil {
				return nil, err
			}
			return &corruptingFile{File: f, at: at}, nil
		}
		_, err := dev.Store.Export(ctx, out, store.ExportOptions{CreateTemp: create})
		if !errors.Is(err, batch.ErrReadBack) {
			t.Errorf("a bit flipped at byte %d: export = %v, want ErrReadBack", at, err)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 0 {
			t.Errorf("a bit flipped at byte %d: the export left %d files", at, len(ents))
		}
		list, _ := dev.Store.Batches(ctx)
		if len(list) != 1 || !list[0].Pending() {
			t.Errorf("a bit flipped at byte %d: history %+v, want one pending batch", at, list)
		}
		if u, err := dev.Store.Unexported(ctx); err != nil || u.Responses != 20 || u.Consents != 20 {
			t.Errorf("a bit flipped at byte %d: waiting to export %+v, %v; want the 20 responses and consents still waiting", at, u, err)
		}
	}
	res, err := dev.Store.Export(ctx, out, store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Seq != 1 || res[0].FileBytes < 9000 {
		t.Fatalf("export after the bad stick = %+v, want batch 1 of more than 9,000 bytes", res)
	}
}

// TestExportFailingAtRenameOrFolderSync is P4 at the two stages between
// the synced temporary file and the read-back: the rename to the batch's
// name fails (an I/O error, a stick pulled out), or the fsync of the folder
// that makes the rename durable fails. Either way no file is left (not
// the temporary one, not the named one), the batch stays pending and its
// records still wait, and the next export writes it under the same number.
func TestExportFailingAtRenameOrFolderSync(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	dev.Submit(12)
	out := t.TempDir()
	eio := func(string, string) error { return &os.LinkError{Op: "rename", Err: syscall.EIO} }
	for name, opts := range map[string]store.ExportOptions{
		"rename fails":      {Rename: eio},
		"folder sync fails": {SyncDir: func(string) error { return &os.PathError{Op: "fsync", Err: syscall.EIO} }},
	} {
		_, err := dev.Store.Export(ctx, out, opts)
		if !errors.Is(err, syscall.EIO) {
			t.Errorf("%s: export = %v, want the I/O error", name, err)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 0 {
			t.Errorf("%s: the export left %v", name, ents)
		}
		list, _ := dev.Store.Batches(ctx)
		if len(list) != 1 || !list[0].Pending() {
			t.Errorf("%s: history %+v, want one pending batch", name, list)
		}
		if u, _ := dev.Store.Unexported(ctx); u.Responses != 12 {
			t.Errorf("%s: %d responses waiting, want 12", name, u.Responses)
		}
	}
	res, err := dev.Store.Export(ctx, out, store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Seq != 1 || res[0].Counts.Responses != 12 {
		t.Fatalf("export after the failures = %+v, want batch 1 with 12 responses", res)
	}
}
