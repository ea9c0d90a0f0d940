package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"chorus/data/store"
	"chorus/data/store/storetest"
)

// fileState is a file's bytes and modification time, or absent.
type fileState struct {
	exists bool
	body   []byte
	mtime  time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return fileState{}
	}
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{exists: true, body: body, mtime: fi.ModTime()}
}

func sameState(a, b fileState) bool {
	return a.exists == b.exists && bytes.Equal(a.body, b.body) && a.mtime.Equal(b.mtime)
}

// useSurvey makes the device's survey the active one, as setup does.
func useSurvey(t *testing.T, d *storetest.Device) {
	t.Helper()
	body, err := os.ReadFile(storetest.SurveyFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Store.UseSurvey(context.Background(), "Asha Patel", d.Survey, body); err != nil {
		t.Fatal(err)
	}
}

// TestOpenReadOnlyWhileTheWindowWrites: with the folder held open by a
// Store (as the window holds it), OpenReadOnly opens it without the lock,
// sees what the writer commits, leaves chorus.db and its WAL as they were,
// and cannot write.
func TestOpenReadOnlyWhileTheWindowWrites(t *testing.T) {
	ctx := context.Background()
	key := storetest.NewKey(t, false)
	d := storetest.NewDevice(t, key.Recipients, false)
	useSurvey(t, d)
	d.Submit(3)
	d.Export(t.TempDir())
	d.Submit(2)
	d.Decline(1)

	db := filepath.Join(d.Dir, store.DBName)
	before, beforeWAL := stateOf(t, db), stateOf(t, db+"-wal")
	ro, err := store.OpenReadOnly(d.Dir)
	if err != nil {
		t.Fatalf("OpenReadOnly while the folder is open: %v", err)
	}
	defer ro.Close()
	st, err := ro.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Waiting.Responses != 2 || st.Waiting.Declined != 1 || st.Batches != 1 || st.LastExport.Seq != 1 ||
		st.LastExport.Counts.Responses != 3 || st.LastExport.ExportedAt.IsZero() {
		t.Errorf("status: waiting %+v, %d batches, last %+v", st.Waiting, st.Batches, st.LastExport)
	}
	if st.DeviceName != "test kiosk" || st.DeviceFingerprint != d.Info.Key.Fingerprint() || st.Demo {
		t.Errorf("status device: %q %q demo %v, want %q %q", st.DeviceName, st.DeviceFingerprint, st.Demo, "test kiosk", d.Info.Key.Fingerprint())
	}
	if st.SurveyID != d.Survey.ID || st.SurveyVersion != d.Survey.Version || !slices.Equal(st.Languages, d.Survey.Languages) {
		t.Errorf("status survey: %s v%d %v", st.SurveyID, st.SurveyVersion, st.Languages)
	}
	if !slices.Equal(st.AnalystKeys, []string{key.Recipients[0].Fingerprint()}) {
		t.Errorf("analyst keys %v, want %s", st.AnalystKeys, key.Recipients[0].Fingerprint())
	}
	if err := ro.SetSetting("status", "written"); err == nil {
		t.Error("a read-only store wrote a setting")
	}
	if !sameState(before, stateOf(t, db)) || !sameState(beforeWAL, stateOf(t, db+"-wal")) {
		t.Error("reading the status changed chorus.db or its WAL")
	}

	// The window goes on writing; the reader sees it, and the writer is
	// not held up by the reader.
	d.Submit(1)
	st, err = ro.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Waiting.Responses != 3 {
		t.Errorf("after one more response: %d waiting, want 3", st.Waiting.Responses)
	}
}

// TestOpenReadOnlyNeverWrites: a folder no window holds is read without
// any change to chorus.db, nothing goes into its WAL, and a missing
// folder is not made.
func TestOpenReadOnlyNeverWrites(t *testing.T) {
	key := storetest.NewKey(t, false)
	d := storetest.NewDevice(t, key.Recipients, false)
	useSurvey(t, d)
	d.Submit(2)
	if err := d.Store.Close(); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(d.Dir, store.DBName)
	before, beforeWAL := stateOf(t, db), stateOf(t, db+"-wal")
	time.Sleep(20 * time.Millisecond) // so a write would show in the modification time
	ro, err := store.OpenReadOnly(d.Dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := ro.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Waiting.Responses != 2 {
		t.Errorf("waiting %d, want 2", st.Waiting.Responses)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if after := stateOf(t, db); !sameState(before, after) {
		t.Errorf("reading the status changed chorus.db: %d bytes at %v, then %d at %v", len(before.body), before.mtime, len(after.body), after.mtime)
	}
	// SQLite reads a WAL database through its -wal and -shm files, and
	// a reader makes them, empty, when no window has the folder open. An
	// empty WAL holds nothing and changes nothing.
	if after := stateOf(t, db+"-wal"); len(after.body) != len(beforeWAL.body) || (beforeWAL.exists && !sameState(beforeWAL, after)) {
		t.Errorf("reading the status changed chorus.db-wal: exists %v, %d bytes, then exists %v, %d bytes", beforeWAL.exists, len(beforeWAL.body), after.exists, len(after.body))
	}

	missing := filepath.Join(t.TempDir(), "none")
	if _, err := store.OpenReadOnly(missing); err == nil {
		t.Error("OpenReadOnly of a missing folder: no error")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("OpenReadOnly made %s", missing)
	}
}
