package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"chorus/data/batch/batchtest"
	"chorus/data/store"
)

// TestMakeSchema7Fixture writes testdata/schema7 with the export code of
// schema 7. Run once: CHORUS_MAKE_SCHEMA7=1 go test -run Schema7Fixture.
func TestMakeSchema7Fixture(t *testing.T) {
	if os.Getenv("CHORUS_MAKE_SCHEMA7") == "" {
		t.Skip("only makes the fixture")
	}
	out := filepath.Join("testdata", "schema7")
	os.RemoveAll(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	key := batchtest.NewKey(t, false)
	dev := batchtest.NewDevice(t, key.Recipients, false)
	awkwardSubmissions(t, dev, 7)
	dev.Decline(2)
	if err := dev.Store.Audit(ctx, awkward, "note", awkward+"\nsecond line"); err != nil {
		t.Fatal(err)
	}
	first := dev.Export(t.TempDir())
	os.WriteFile(filepath.Join(out, "batch1.tar"), decrypt(t, first, key.Identities), 0o644)

	// Batch 2: allocated by an export that failed, so pending, with one
	// response withdrawn before it was ever exported.
	r := dev.Submit(5)
	dev.Withdraw(r[3].Code)
	awkwardSubmissions(t, dev, 3)
	dev.Decline(1)
	if _, err := dev.Store.Export(ctx, t.TempDir(), store.ExportOptions{AppVersion: "chorus test", CreateTemp: failing(0, false, new(int64))}); err == nil {
		t.Fatal("the failing export succeeded")
	}
	// Records in no batch yet.
	dev.Submit(2)
	if err := dev.Store.Backup(filepath.Join(out, store.DBName)); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "identity.txt"), []byte(key.Identity), 0o644)

	// What this code writes for the pending batch 2.
	res, err := dev.Store.Export(ctx, t.TempDir(), store.ExportOptions{AppVersion: "chorus test"})
	if err != nil || len(res) != 2 || res[0].Seq != 2 {
		t.Fatalf("export: %+v, %v", res, err)
	}
	os.WriteFile(filepath.Join(out, "batch2.tar"), decrypt(t, res[0].Path, key.Identities), 0o644)
}
