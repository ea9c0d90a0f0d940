package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"chorus/data/ack"
	"chorus/data/batch"
	"chorus/data/store"
	"chorus/data/store/storetest"
)

// TestAckDeletesMergedAnswers: `chorus ack` with the analyst's
// acknowledgement of a real batch deletes that batch's sealed answers and
// says so; a second laptop's acknowledgement deletes nothing and says why.
func TestAckDeletesMergedAnswers(t *testing.T) {
	key := storetest.NewKey(t, false)
	dir := t.TempDir()
	d := storetest.OpenDevice(t, dir, key.Recipients, false)
	d.Submit(2)
	path := d.Export(t.TempDir())
	d.Submit(1)
	bt, err := batch.Read(path, key.Identities, batch.ReadOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	a := ack.File{DeviceID: bt.Manifest.DeviceID, WrittenAt: time.Now(), Batches: []ack.Batch{{Seq: 1, ManifestSHA256: bt.ManifestSHA256}}}
	bt.Close()
	file, err := ack.Write(t.TempDir(), a)
	if err != nil {
		t.Fatal(err)
	}
	a.DeviceID = "0193aaaa-bbbb-7ccc-8ddd-eeeeffff0000"
	otherFile, err := ack.Write(t.TempDir(), a)
	if err != nil {
		t.Fatal(err)
	}
	d.Store.Close() // the window is closed

	var stdout, stderr bytes.Buffer
	if code := run([]string{"ack", "--data", dir, otherFile}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), store.ErrAckOtherDevice.Error()) {
		t.Errorf("another laptop's acknowledgement: exit %d, %s", code, stderr.String())
	}
	stdout.Reset()
	if code := run([]string{"ack", "--data", dir, file}, &stdout, &stderr); code != 0 {
		t.Fatalf("ack: exit %d, %s", code, stderr.String())
	}
	if want := "the analyst merged batches 1: the answers of 2 responses were deleted from this laptop\n"; !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("ack says %q, want %q", stdout.String(), want)
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rs, err := st.Responses(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || len(rs[0].Sealed) != 0 || len(rs[1].Sealed) != 0 || len(rs[2].Sealed) == 0 {
		t.Errorf("after ack: %d responses, sealed sizes %d %d %d", len(rs), len(rs[0].Sealed), len(rs[1].Sealed), len(rs[2].Sealed))
	}
}
