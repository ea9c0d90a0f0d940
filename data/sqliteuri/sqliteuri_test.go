package sqliteuri_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"chorus/data/sqliteuri"

	_ "github.com/mattn/go-sqlite3"
)

// TestRealSQLiteOpensTheFile: real SQLite, given File's URI with query
// parameters after it, creates and reopens the database at exactly that
// path, in folders whose names hold the characters a URI treats
// specially, spaces and non-ASCII letters.
func TestRealSQLiteOpensTheFile(t *testing.T) {
	for _, folder := range []string{"plain", "USB STICK", "a?b#c%d&e=f", "Siân ਪੰਜਾਬੀ", `back\slash`} {
		t.Run(folder, func(t *testing.T) {
			if runtime.GOOS == "windows" && strings.ContainsAny(folder, `?\`) {
				t.Skip("not a name Windows allows")
			}
			dir := filepath.Join(t.TempDir(), folder)
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "chorus.db")
			db, err := sql.Open("sqlite3", sqliteuri.File(path)+"?_journal_mode=WAL&_foreign_keys=1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`CREATE TABLE t (x TEXT)`); err != nil {
				t.Fatal(err)
			}
			var mode string
			if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode = %q, %v: the parameters after the URI were lost", mode, err)
			}
			db.Close()
			if st, err := os.Stat(path); err != nil || st.Size() == 0 {
				t.Fatalf("no database at %s: %v", path, err)
			}
			ro, err := sql.Open("sqlite3", sqliteuri.File(path)+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer ro.Close()
			var n int
			if err := ro.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 't'`).Scan(&n); err != nil || n != 1 {
				t.Errorf("reopened: table t found %d times, %v", n, err)
			}
		})
	}
}
