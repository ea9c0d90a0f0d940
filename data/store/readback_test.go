package store_test

import (
	"errors"
	"os"
	"testing"

	"chorus/data/batch"
	"chorus/data/batch/batchtest"
	"chorus/data/store"
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
	key := batchtest.NewKey(t, false)
	dev := batchtest.NewDevice(t, key.Recipients, false)
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
