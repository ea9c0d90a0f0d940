//go:build linux

package store_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/store"
	"chorus/data/store/storetest"
	"chorus/internal/tinyfs"
)

// TestExportToAFullStick is P4 on a real file system: a batch goes to a
// small tmpfs (a USB stick with little room) that fills at the first page,
// half way through, or one page before the end of the file. Each time the
// kernel's ENOSPC reaches the coordinator as "the disk is full", the stick
// holds no file (no batch, no temporary file) and the history is unchanged;
// a new batch that failed stays pending and a stick with room then gets it
// under the same number, and it verifies.
func TestExportToAFullStick(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	dev.Submit(120)

	roomy := tinyfs.New(t, 64<<20)
	first, err := dev.Store.Export(ctx, roomy, store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	size := first[0].FileBytes
	t.Logf("the batch is %d bytes", size)
	if size < 64<<10 {
		t.Fatalf("the batch is only %d bytes; the test needs one of several pages", size)
	}
	// Re-export of batch 1 (a coordinator writing it again onto another
	// stick) takes the same path through the file system as a first export.
	os.Remove(first[0].Path)
	before, err := dev.Store.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name string
		room int64
	}{
		{"room for one page", 4096},
		{"room for half", size / 2},
		{"one page short", size - 4096},
	} {
		t.Run(c.name, func(t *testing.T) {
			stick := tinyfs.New(t, c.room)
			_, err := dev.Store.Reexport(ctx, 1, stick, store.ExportOptions{})
			if !errors.Is(err, batch.ErrDiskFull) || !strings.Contains(err.Error(), "the disk is full") {
				t.Errorf("export to a stick with %d bytes = %v, want ErrDiskFull", c.room, err)
			}
			ents, _ := os.ReadDir(stick)
			for _, e := range ents {
				t.Errorf("the failed export left %s on the stick", e.Name())
			}
		})
	}
	list, err := dev.Store.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(list, before) || list[0].ManifestSHA256 != first[0].ManifestSHA256 {
		t.Errorf("after failed re-exports the history is %+v, want batch 1 as first written", list)
	}

	// A new batch that fails on a full stick stays pending and is written,
	// same number, to a stick with room.
	dev.Submit(120)
	small := tinyfs.New(t, size/2)
	if _, err := dev.Store.Export(ctx, small, store.ExportOptions{}); !errors.Is(err, batch.ErrDiskFull) {
		t.Fatalf("export of batch 2 to a small stick = %v, want ErrDiskFull", err)
	}
	if ents, _ := os.ReadDir(small); len(ents) != 0 {
		t.Errorf("the failed export left %d files on the stick", len(ents))
	}
	list, _ = dev.Store.Batches(ctx)
	if len(list) != 2 || !list[0].Pending() {
		t.Fatalf("after a failed export of batch 2 the history is %+v, want batch 2 pending", list)
	}
	res, err := dev.Store.Export(ctx, roomy, store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Seq != 2 || res[0].Counts.Responses != 120 {
		t.Errorf("export to a stick with room = %+v, want batch 2 with 120 responses", res)
	}
	bt, err := batch.Read(res[0].Path, key.Identities, batch.ReadOptions{})
	if err != nil {
		t.Fatalf("the batch written after the failure does not verify: %v", err)
	}
	bt.Close()
}
