//go:build unix

package central_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

// The analyst database holds decrypted answers: it and its write-ahead log
// and shared-memory files are the analyst's alone, whatever the umask.
func TestNewDatabaseIsPrivate(t *testing.T) {
	sqliteOnly(t, "the database file's folder and modes")
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "central.db")
	db, err := central.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(2)
	merge(t, db, dev.Export(t.TempDir()), k) // the write-ahead log in use
	for _, suffix := range []string{"", "-wal", "-shm"} {
		st, err := os.Stat(path + suffix)
		if err != nil {
			t.Errorf("central.db%s: %v", suffix, err)
			continue
		}
		if mode := st.Mode().Perm(); mode != 0o600 {
			t.Errorf("central.db%s has mode %#o with umask 022, want 0600", suffix, mode)
		}
	}
	db.Close()
}

// An existing database that others may read is made private when opened.
func TestOpenMakesAnOldDatabasePrivate(t *testing.T) {
	sqliteOnly(t, "the database file's folder and modes")
	path := filepath.Join(t.TempDir(), "central.db")
	db, err := central.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = central.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("central.db opened again: mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
}
