package central_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/data/store/storetest"
)

// TestBackupRestores is P17 at central: a backup of a database with real
// merged batches opens with central.Open, passes integrity_check and
// holds the same rows; it is the analyst's alone (0600).
func TestBackupRestores(t *testing.T) {
	sqliteOnly(t, "backups of PostgreSQL are pg_dump's (TestBackupRefusedOnPostgres)")
	k := storetest.NewKey(t, false)
	dev := storetest.NewDevice(t, k.Recipients, false)
	dev.Submit(5)
	dev.Decline(2)
	db := openDB(t)
	merge(t, db, dev.Export(t.TempDir()), k)
	want := dbHash(t, db)

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path, "test"); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path, "test"); err == nil {
		t.Fatal("a second backup over the first succeeded")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v, want 0600", fi.Mode().Perm())
	}
	restored, err := central.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var ok string
	if err := restored.SQL().QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	if got := dbHash(t, restored); got != want {
		t.Fatal("the backup's rows differ from the database's")
	}
	if n := count(t, restored, `SELECT count(*) FROM responses`); n != 5 {
		t.Fatalf("%d responses in the backup, want 5", n)
	}
}

// TestBackupRefusedOnPostgres: backup on PostgreSQL refuses, naming
// pg_dump, and writes no file.
func TestBackupRefusedOnPostgres(t *testing.T) {
	if pg == nil {
		t.Skip("PostgreSQL half only")
	}
	db := openDB(t)
	path := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, path, "test")
	if !errors.Is(err, central.ErrBackupPostgres) || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup = %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a file was made: %v", err)
	}
}
