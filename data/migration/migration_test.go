package migration

import (
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func files(m map[string]string) fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		out["migrations/"+k] = &fstest.MapFile{Data: []byte(v)}
	}
	return out
}

func versions(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT version || ':' || name FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestApplyInOrderOnceEach(t *testing.T) {
	db := open(t)
	fs1 := files(map[string]string{
		"002-b.sql": `ALTER TABLE a ADD COLUMN y TEXT;`,
		"001-a.sql": `CREATE TABLE a (x INTEGER);`,
	})
	if err := Apply(db, fs1, now); err != nil {
		t.Fatal(err)
	}
	if err := Apply(db, fs1, now); err != nil {
		t.Fatalf("applying again: %v", err)
	}
	if got := versions(t, db); got != "1:001-a.sql 2:002-b.sql" {
		t.Errorf("recorded %q", got)
	}
	fs2 := files(map[string]string{"001-a.sql": `CREATE TABLE a (x INTEGER);`, "002-b.sql": `ALTER TABLE a ADD COLUMN y TEXT;`,
		"003-c.sql": `CREATE TABLE c (z INTEGER);`})
	if err := Apply(db, fs2, now); err != nil {
		t.Fatal(err)
	}
	if v, _ := Latest(fs2); v != 3 || versions(t, db) != "1:001-a.sql 2:002-b.sql 3:003-c.sql" {
		t.Errorf("after adding 003: latest %d, recorded %q", v, versions(t, db))
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	db := open(t)
	full := files(map[string]string{"001-a.sql": `CREATE TABLE a (x INTEGER);`, "002-b.sql": `CREATE TABLE b (x INTEGER);`})
	if err := Apply(db, full, now); err != nil {
		t.Fatal(err)
	}
	var newer *NewerError
	err := Apply(db, files(map[string]string{"001-a.sql": `CREATE TABLE a (x INTEGER);`}), now)
	if !errors.As(err, &newer) || newer.Have != 2 || newer.Known != 1 {
		t.Fatalf("older program on a newer database: %v", err)
	}
}

func TestFailingMigrationChangesNothing(t *testing.T) {
	db := open(t)
	err := Apply(db, files(map[string]string{
		"001-a.sql": `CREATE TABLE a (x INTEGER);`,
		"002-b.sql": `CREATE TABLE broken (;`,
	}), now)
	if err == nil || !strings.Contains(err.Error(), "002-b.sql") {
		t.Fatalf("a broken migration: %v, want an error naming 002-b.sql", err)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'a'`).Scan(&n)
	if n != 0 {
		t.Error("001 was applied although 002 failed: not one transaction")
	}
}

func TestBadFilesRefused(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no number":         files(map[string]string{"a.sql": `SELECT 1;`}),
		"same number twice": files(map[string]string{"001-a.sql": `SELECT 1;`, "001-b.sql": `SELECT 1;`}),
	} {
		if err := Apply(open(t), fsys, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestForeignKeyCheckAfterMigration(t *testing.T) {
	db := open(t)
	err := Apply(db, files(map[string]string{"001-a.sql": `
		CREATE TABLE p (id INTEGER PRIMARY KEY);
		CREATE TABLE c (p INTEGER REFERENCES p (id));
		PRAGMA defer_foreign_keys = ON;
		INSERT INTO c VALUES (7);`}), now)
	if err == nil || !strings.Contains(err.Error(), "foreign key check") {
		t.Fatalf("a migration leaving a dangling reference: %v", err)
	}
}
