package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chorus/data/ack"
	"chorus/data/batch"
	"chorus/data/seal"
	"chorus/data/store"
	"chorus/data/store/storetest"
)

// inAnyFile reports which files under dir hold b.
func inAnyFile(t *testing.T, dir string, b []byte) []string {
	t.Helper()
	var where []string
	err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(body, b) {
			where = append(where, filepath.Base(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return where
}

// TestAcknowledgeDeletesMergedAnswers is retention end to end: a real
// batch is exported and read with the analyst's key, as chorus-central
// merges it; the acknowledgement naming its manifest deletes its sealed
// answers from the laptop so that their bytes are in no file of the data
// folder, keeps the tallies and the answers still waiting, and refuses
// a batch that cannot be written again. Acknowledgements for another
// laptop, another manifest or a batch never exported delete nothing.
func TestAcknowledgeDeletesMergedAnswers(t *testing.T) {
	ctx := context.Background()
	key := storetest.NewKey(t, false)
	d := storetest.NewDevice(t, key.Recipients, false)
	d.Submit(3)
	path := d.Export(t.TempDir())
	d.Submit(2)

	bt, err := batch.Read(path, key.Identities, batch.ReadOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	merged := ack.File{Format: ack.Format, DeviceID: bt.Manifest.DeviceID, WrittenAt: time.Now(),
		Batches: []ack.Batch{{Seq: bt.Manifest.Seq, ManifestSHA256: bt.ManifestSHA256}}}
	bt.Close()
	written, err := ack.Write(t.TempDir(), merged)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ack.Read(written)
	if err != nil {
		t.Fatal(err)
	}

	before, err := d.Store.Responses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := d.Store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	other, wrongManifest, notExported := a, a, a
	other.DeviceID = "0193aaaa-bbbb-7ccc-8ddd-eeeeffff0000"
	wrongManifest.Batches = []ack.Batch{{Seq: 1, ManifestSHA256: strings.Repeat("ab", 32)}}
	notExported.Batches = []ack.Batch{a.Batches[0], {Seq: 2, ManifestSHA256: a.Batches[0].ManifestSHA256}}
	for name, tc := range map[string]struct {
		a    ack.File
		want error
	}{
		"another laptop":  {other, store.ErrAckOtherDevice},
		"another batch 1": {wrongManifest, store.ErrAckMismatch},
		"batch 2":         {notExported, store.ErrAckMismatch},
	} {
		if _, err := d.Store.Acknowledge(ctx, tc.a, "Asha Patel"); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	// The search finds sealed bytes that are there, so it can fail.
	for i, r := range before {
		if where := inAnyFile(t, d.Dir, r.Sealed[len(r.Sealed)/2:][:64]); len(where) == 0 {
			t.Fatalf("before: response %d's sealed bytes are in no file", i+1)
		}
	}

	res, err := d.Store.Acknowledge(ctx, a, "Asha Patel")
	if err != nil {
		t.Fatal(err)
	}
	if res.Responses != 3 || len(res.Batches) != 1 || res.Batches[0] != 1 {
		t.Errorf("acknowledge: %+v, want 3 responses of batch 1", res)
	}
	after, err := d.Store.Responses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range before {
		chunk := r.Sealed[len(r.Sealed)/2:][:64]
		where := inAnyFile(t, d.Dir, chunk)
		if i < 3 {
			if len(where) != 0 || len(after[i].Sealed) != 0 {
				t.Errorf("merged response %d: its sealed bytes are still in %v (%d bytes in the row)", i+1, where, len(after[i].Sealed))
			}
			continue
		}
		if len(where) == 0 {
			t.Errorf("waiting response %d: its sealed bytes are gone", i+1)
		}
		if _, err := seal.Open(key.Identities, after[i].Sealed); err != nil {
			t.Errorf("waiting response %d does not open: %v", i+1, err)
		}
	}
	if got, _ := d.Store.Counts(ctx); got != counts {
		t.Errorf("counts after retention %+v, want %+v", got, counts)
	}
	if _, err := d.Store.Reexport(ctx, 1, t.TempDir(), store.ExportOptions{}); !errors.Is(err, store.ErrPurged) {
		t.Errorf("export again of a purged batch: %v, want ErrPurged", err)
	}
	if res, err := d.Store.Acknowledge(ctx, a, "Asha Patel"); err != nil || res.Responses != 0 {
		t.Errorf("acknowledging again: %+v, %v; want nothing more deleted", res, err)
	}
	log, err := d.Store.AuditLog(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if log[1].Action != "retention" || log[1].Detail != "the analyst confirmed batches 1 merged: the sealed answers of 3 responses were deleted" {
		t.Errorf("audit: %+v", log[1])
	}

	// What waits still exports, and opens.
	next := d.Export(t.TempDir())
	bt, err = batch.Read(next, key.Identities, batch.ReadOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("the next batch after retention: %v", err)
	}
	defer bt.Close()
	if bt.Manifest.Counts.Responses != 2 {
		t.Errorf("the next batch has %d responses, want 2", bt.Manifest.Counts.Responses)
	}
}

// TestReadAckSaysWhatIsWrong: a damaged acknowledgement names the field.
func TestReadAckSaysWhatIsWrong(t *testing.T) {
	for body, want := range map[string]string{
		`{"format":"chorus-ack/1","device_id":"x","written_at":"2026-12-03T12:00:00Z","batches":[{"seq":1,"manifest_sha256":"zz"}]}`: "batches[0].manifest_sha256: not a SHA-256 in hex",
		`{"format":"chorus-ack/2","device_id":"x","written_at":"2026-12-03T12:00:00Z","batches":[]}`:                                 `format: "chorus-ack/2", want "chorus-ack/1"`,
		`{"format":"chorus-ack/1","device_id":"","written_at":"2026-12-03T12:00:00Z","batches":[]}`:                                  "device_id: missing",
		`{"format":"chorus-ack/1","device_id":"x","batches":[],"extra":1}`:                                                           `unknown field "extra"`,
		`not json`: "not an acknowledgement from chorus-central",
	} {
		path := filepath.Join(t.TempDir(), "ack.json")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := ack.Read(path); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want %q with the path", body, err, want)
		}
	}
}
