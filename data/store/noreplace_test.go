package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/batch"
	"chorus/data/store"
	"chorus/data/store/storetest"
)

// nextFileName is the name the next batch of dev will get.
func nextFileName(t *testing.T, dev *storetest.Device) string {
	t.Helper()
	list, err := dev.Store.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return batch.FileName(dev.Info.ShortID(), int64(len(list)+1))
}

// checkNotReplaced checks the outcome of an export that met someone else's
// file of its batch's name: ErrExists naming the file and saying nothing
// was replaced, the file's bytes as they were, no other file left behind,
// and the batch still pending with its responses waiting.
func checkNotReplaced(t *testing.T, dev *storetest.Device, err error, path string, theirs []byte, responses int64) {
	t.Helper()
	if !errors.Is(err, batch.ErrExists) {
		t.Fatalf("export over someone else's file = %v, want ErrExists", err)
	}
	for _, want := range []string{path, "nothing was replaced", "move it away or choose another folder"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not say %q", err, want)
		}
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, theirs) {
		t.Errorf("the other file was replaced: it holds %d bytes, not its %d", len(got), len(theirs))
	}
	if got := files(t, filepath.Dir(path)); len(got) != 1 {
		t.Errorf("the folder holds %v, want only the other file", got)
	}
	list, _ := dev.Store.Batches(ctx)
	if len(list) != 1 || !list[0].Pending() {
		t.Errorf("history %+v, want one pending batch", list)
	}
	if u, _ := dev.Store.Unexported(ctx); u.Responses != responses {
		t.Errorf("%d responses waiting, want %d", u.Responses, responses)
	}
}

// TestExportDoesNotReplaceAFileAlreadyThere is P20: a file that this
// device did not write, under the name of the batch being exported (a
// copy from elsewhere, another laptop's batch under the same name), is
// left exactly as it is, the batch is not marked exported, and the
// coordinator is told what to do. In another folder the batch then goes
// out under the same number.
func TestExportDoesNotReplaceAFileAlreadyThere(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	dev.Submit(5)
	out := t.TempDir()
	path := filepath.Join(out, nextFileName(t, dev))
	theirs := []byte("another laptop's batch, or anything else\n")
	if err := os.WriteFile(path, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := dev.Store.Export(ctx, out, store.ExportOptions{})
	checkNotReplaced(t, dev, err, path, theirs, 5)

	// A second try gets the same answer: nothing was claimed meanwhile.
	_, err = dev.Store.Export(ctx, out, store.ExportOptions{})
	checkNotReplaced(t, dev, err, path, theirs, 5)

	res, err := dev.Store.Export(ctx, t.TempDir(), store.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Seq != 1 || filepath.Base(res[0].Path) != filepath.Base(path) {
		t.Errorf("export to another folder = %+v, want batch 1 as %s", res, filepath.Base(path))
	}
}

// plantingFile is a temporary file that, as it is closed (after the
// export has looked for a file of the batch's name, just before the
// rename), has another file appear under the batch's name.
type plantingFile struct {
	*os.File
	path   string
	theirs []byte
}

func (f *plantingFile) Close() error {
	if err := os.WriteFile(f.path, f.theirs, 0o644); err != nil {
		return err
	}
	return f.File.Close()
}

// TestExportDoesNotReplaceAFileThatAppearsMeanwhile is P20 at the last
// step: a file that appears under the batch's name while the batch is
// being written (another laptop exporting to the same stick at the same
// moment) is not replaced by the rename.
func TestExportDoesNotReplaceAFileThatAppearsMeanwhile(t *testing.T) {
	key := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, key.Recipients, false)
	dev.Submit(5)
	out := t.TempDir()
	path := filepath.Join(out, nextFileName(t, dev))
	theirs := []byte("written by someone else while the batch was being made\n")
	create := func(dir, pattern string) (batch.TempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return &plantingFile{File: f, path: path, theirs: theirs}, nil
	}
	_, err := dev.Store.Export(ctx, out, store.ExportOptions{CreateTemp: create})
	checkNotReplaced(t, dev, err, path, theirs, 5)
}

// TestTwoDevicesSetUpInTheSameSecondExportToOneFolder is P20 for file
// names: two laptops set up at the same moment (the same clock, so their
// ids share the timestamp part) export onto one stick; both files are
// there under different names, and each opens and verifies with the
// analyst's key as its own device's batch.
func TestTwoDevicesSetUpInTheSameSecondExportToOneFolder(t *testing.T) {
	key := storetest.NewKey(t, false)
	a := storetest.NewDevice(t, key.Recipients, false)
	b := storetest.NewDevice(t, key.Recipients, false)
	// A UUIDv7's first 48 bits are its time in milliseconds.
	if a.Info.ID[:13] != b.Info.ID[:13] {
		t.Fatalf("device ids %s and %s were not made at the same moment of the test clock", a.Info.ID, b.Info.ID)
	}
	a.Submit(3)
	b.Submit(4)
	out := t.TempDir()
	pa, pb := a.Export(out), b.Export(out)
	if filepath.Base(pa) == filepath.Base(pb) {
		t.Fatalf("both devices wrote %s", filepath.Base(pa))
	}
	if got := files(t, out); len(got) != 2 {
		t.Fatalf("the folder holds %v, want two batch files", got)
	}
	for _, c := range []struct {
		path string
		dev  *storetest.Device
		n    int64
	}{{pa, a, 3}, {pb, b, 4}} {
		bt, err := batch.Read(c.path, key.Identities, batch.ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(c.path), err)
		}
		if bt.Manifest.DeviceID != c.dev.Info.ID || bt.Manifest.Counts.Responses != c.n {
			t.Errorf("%s: device %s with %d responses, want %s with %d", filepath.Base(c.path),
				bt.Manifest.DeviceID, bt.Manifest.Counts.Responses, c.dev.Info.ID, c.n)
		}
		bt.Close()
	}
}
