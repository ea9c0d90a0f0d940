package central_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"chorus/data/central"
	"chorus/internal/pgtest"
)

// pg is the throw-away PostgreSQL cluster when this run is the PostgreSQL
// half of the suite (CHORUS_TEST_DB=postgres, as make test runs it), nil
// for the SQLite half.
var pg *pgtest.Cluster

func TestMain(m *testing.M) {
	if pgtest.Wanted() {
		// Merges decrypt batches in the cache folder on PostgreSQL.
		cache, err := os.MkdirTemp("", "chorus-central-cache-")
		if err != nil {
			panic(err)
		}
		os.Setenv("XDG_CACHE_HOME", cache)
		code := pgtest.Main(m, &pg)
		os.RemoveAll(cache)
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// newDB names a new, empty analyst database: a file in a temporary
// folder, or a new database in the cluster.
func newDB(t testing.TB) string {
	t.Helper()
	if pg != nil {
		return pg.NewDatabase(t)
	}
	return filepath.Join(t.TempDir(), "central.db")
}

// sqliteOnly skips a test of SQLite's files on the PostgreSQL half.
func sqliteOnly(t testing.TB, why string) {
	t.Helper()
	if pg != nil {
		t.Skip("SQLite only: " + why)
	}
}

// tables lists the database's tables but the device register.
func tables(t testing.TB, db *central.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'enrolment' ORDER BY name`
	if db.Postgres() {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
			AND table_name <> 'enrolment' ORDER BY table_name`
	}
	rows, err := db.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// ordered is a query of every row of tab in a fixed order: insertion
// order on SQLite, every column on PostgreSQL (which has no rowid).
func ordered(t testing.TB, db *central.DB, tab string) string {
	t.Helper()
	if !db.Postgres() {
		return `SELECT * FROM ` + tab + ` ORDER BY rowid`
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?`, tab).Scan(&n); err != nil {
		t.Fatal(err)
	}
	cols := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprint(i + 1)
	}
	return `SELECT * FROM ` + tab + ` ORDER BY ` + strings.Join(cols, ", ")
}

// stored lists where needle is in the database's storage: files in its
// folder on SQLite; on PostgreSQL the raw pages of every table, dead rows
// included (pageinspect).
func stored(t *testing.T, db *central.DB, needle string) []string {
	t.Helper()
	if !db.Postgres() {
		hits, files := inFolder(t, db.Dir(), []byte(needle))
		if files == 0 {
			t.Fatal("searched no files")
		}
		return hits
	}
	if _, err := db.SQL().Exec(`CREATE EXTENSION IF NOT EXISTS pageinspect`); err != nil {
		t.Fatal(err)
	}
	var hits []string
	for _, tab := range tables(t, db) {
		var n int
		err := db.SQL().QueryRow(`SELECT count(*) FROM generate_series(0, (pg_relation_size(?::regclass) / 8192)::int - 1) AS b
			WHERE position(convert_to(?, 'UTF8') IN get_raw_page(?, b)) > 0`, tab, needle, tab).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			hits = append(hits, fmt.Sprintf("%s (%d pages)", tab, n))
		}
	}
	return hits
}

var blobLiteral = regexp.MustCompile(`x'([0-9a-f]*)'`)

// literal writes SQLite's blob literals (x'00') as PostgreSQL's
// ('\x00'::bytea) on the PostgreSQL half.
func literal(db *central.DB, q string) string {
	if !db.Postgres() {
		return q
	}
	return blobLiteral.ReplaceAllString(q, `'\x$1'::bytea`)
}
