package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"chorus/data/ack"
	"chorus/data/batch"
	"chorus/data/store"
	"chorus/data/store/storetest"
	"chorus/data/survey"
)

// TestWipeDestroysEverything is the end-of-project wipe end to end on real
// batches: batch 1 is merged and acknowledged (its answers already gone),
// batch 2 and 3 exported, a backup written. The wipe refuses while a
// response waits to export; once it is exported, the wipe deletes every
// row, and at the moment the database is closed, before its files are
// removed, no file of the data folder holds a canary's sealed bytes, a
// consent record's id or receipt hash, or the laptop's signing key. Then
// the files go (a file that is not Chorus's stays), the backup is
// destroyed, and the report's counts match what was there.
func TestWipeDestroysEverything(t *testing.T) {
	ctx := context.Background()
	key := storetest.NewKey(t, false)
	d := storetest.NewDevice(t, key.Recipients, false)
	d.SubmitStories("CANARY-wipe-1", "CANARY-wipe-2", "CANARY-wipe-3")
	first := d.Export(t.TempDir())
	bt, err := batch.Read(first, key.Identities, batch.ReadOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	a := ack.File{Format: ack.Format, DeviceID: bt.Manifest.DeviceID, WrittenAt: time.Now(),
		Batches: []ack.Batch{{Seq: 1, ManifestSHA256: bt.ManifestSHA256}}}
	bt.Close()
	if _, err := d.Store.Acknowledge(ctx, a, "Asha Patel"); err != nil {
		t.Fatal(err)
	}
	d.SubmitStories("CANARY-wipe-4", "CANARY-wipe-5")
	d.Decline(2)
	d.Export(t.TempDir())
	backups := t.TempDir()
	backup, err := d.Store.BackupTo(ctx, backups, "Asha Patel")
	if err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(d.Dir, "notes.txt") // not Chorus's: it stays
	if err := os.WriteFile(notes, []byte("venue notes"), 0o600); err != nil {
		t.Fatal(err)
	}

	// A response waiting to export: refused, and it says how many.
	rs := d.SubmitStories("CANARY-wipe-6")
	_, err = d.Store.Wipe(ctx, store.WipeOptions{})
	var waiting *store.WaitingError
	if !errors.As(err, &waiting) || waiting.Responses != 1 || waiting.Unbatched != 1 ||
		!strings.Contains(err.Error(), "1 responses are still waiting to export (1 not yet in a batch)") {
		t.Fatalf("wipe with a response waiting: %v", err)
	}
	if err := d.Store.CheckWipe(ctx); !errors.As(err, &waiting) {
		t.Fatalf("CheckWipe: %v", err)
	}
	if _, err := d.Store.Responses(ctx); err != nil {
		t.Fatalf("the refused wipe closed the store: %v", err)
	}
	d.Export(t.TempDir())
	if err := d.Store.CheckWipe(ctx); err != nil {
		t.Fatalf("CheckWipe with nothing waiting: %v", err)
	}

	// What must be gone, found before, so the search can fail.
	var needles [][]byte
	all, err := d.Store.Responses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if len(r.Sealed) > 0 {
			needles = append(needles, r.Sealed[len(r.Sealed)/2:][:64])
		}
	}
	if len(needles) != 3 {
		t.Fatalf("%d responses with sealed answers, want 3", len(needles))
	}
	rows, err := d.Store.DB().Query(`SELECT id, receipt_hash FROM consents`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, hash string
		rows.Scan(&id, &hash)
		needles = append(needles, []byte(id), []byte(hash))
	}
	rows.Close()
	var seed []byte
	if err := d.Store.DB().QueryRow(`SELECT seed FROM device`).Scan(&seed); err != nil {
		t.Fatal(err)
	}
	needles = append(needles, seed, []byte(survey.HashReceipt(rs[0].Code)))
	if err := d.Store.Checkpoint(); err != nil {
		t.Fatal(err)
	}
	for i, n := range needles {
		if len(inAnyFile(t, d.Dir, n)) == 0 {
			t.Fatalf("needle %d is in no file before the wipe: the search proves nothing", i)
		}
		if len(inAnyFile(t, backups, n)) == 0 && i < 2 {
			t.Fatalf("needle %d is not in the backup", i)
		}
	}

	var atPurge []string
	defer store.SetWipePurged(func(dir string) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			atPurge = append(atPurge, e.Name())
		}
		for i, n := range needles {
			if where := inAnyFile(t, dir, n); len(where) != 0 {
				t.Errorf("needle %d still in %v after the rows were deleted", i, where)
			}
		}
	})()
	rep, err := d.Store.Wipe(ctx, store.WipeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(atPurge, store.DBName) {
		t.Fatalf("at the purge the folder held %v: the search did not read chorus.db", atPurge)
	}

	left, err := os.ReadDir(d.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Name() != "notes.txt" {
		t.Errorf("left in the data folder: %v, want notes.txt only", left)
	}
	if _, err := os.Stat(backup); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the backup is still there: %v", err)
	}
	for i, n := range needles {
		if where := inAnyFile(t, backups, n); len(where) != 0 {
			t.Errorf("needle %d in %v of the backup folder", i, where)
		}
	}

	if rep.Responses != 6 || rep.SealedAnswers != 3 || rep.Consents != 6 || rep.Declined != 2 ||
		rep.Withdrawals != 0 || rep.Staff != 0 || rep.Forced || len(rep.AnalystKeys) != 1 ||
		rep.DeviceName != "test kiosk" || rep.DeviceFingerprint != d.Info.Key.Fingerprint() {
		t.Errorf("report: %+v", rep)
	}
	wantBatches := []store.WipedBatch{
		{Seq: 1, FileName: filepath.Base(first), Exported: true, Responses: 3, SealedAnswers: 0, Acknowledged: true},
		{Seq: 2, Exported: true, Responses: 2, SealedAnswers: 2},
		{Seq: 3, Exported: true, Responses: 1, SealedAnswers: 1},
	}
	for i := range rep.Batches {
		rep.Batches[i].FileName = rep.Batches[i].FileName[:min(len(rep.Batches[i].FileName), len(wantBatches[i].FileName))]
	}
	if !slices.Equal(rep.Batches, wantBatches) {
		t.Errorf("batches %+v, want %+v", rep.Batches, wantBatches)
	}
	if len(rep.Backups) != 1 || !rep.Backups[0].Destroyed || rep.Backups[0].Path != backup {
		t.Errorf("backups %+v, want %s destroyed", rep.Backups, backup)
	}

	// The report, written beside the batches, names no answer and no key.
	path, err := store.WriteWipeReport(t.TempDir(), rep)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back store.WipeReport
	if err := json.Unmarshal(body, &back); err != nil || back.Responses != 6 || back.Format != store.WipeFormat {
		t.Errorf("report file: %v, %+v", err, back)
	}
	text := rep.Text()
	for _, s := range []string{string(body), text} {
		for _, forbidden := range []string{"CANARY", key.Recipients[0].Text, rs[0].Code} {
			if strings.Contains(s, forbidden) {
				t.Errorf("the report holds %q", forbidden)
			}
		}
	}
	if !strings.Contains(text, "batch 1:") || !strings.Contains(text, "merge confirmed by the analyst") {
		t.Errorf("report text:\n%s", text)
	}
}

// TestWipeForced: --force wipes what waits to export, and the report
// says what was lost; a backup on a stick that is not there is named.
func TestWipeForced(t *testing.T) {
	ctx := context.Background()
	key := storetest.NewKey(t, false)
	d := storetest.NewDevice(t, key.Recipients, false)
	d.Submit(2)
	stick := t.TempDir()
	backup, err := d.Store.BackupTo(ctx, stick, "Asha Patel")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(backup); err != nil { // the stick is elsewhere
		t.Fatal(err)
	}
	rep, err := d.Store.Wipe(ctx, store.WipeOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Forced || rep.Lost.Responses != 2 || rep.Lost.Consents != 2 || rep.Responses != 2 || len(rep.Batches) != 0 {
		t.Errorf("report: %+v", rep)
	}
	if len(rep.Backups) != 1 || rep.Backups[0].Destroyed || !strings.Contains(rep.Backups[0].Problem, "not found") {
		t.Errorf("backups: %+v", rep.Backups)
	}
	if !strings.Contains(rep.Text(), "NOT EXPORTED, LOST: 2 responses") || !strings.Contains(rep.Text(), "BACKUP NOT DESTROYED") {
		t.Errorf("report text:\n%s", rep.Text())
	}
	if _, err := os.Stat(d.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the empty data folder is still there: %v", err)
	}
}
