package central

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestIsUniqueByCodeNotText: a broken key is recognised by the engine's
// code, never by words in the message.
func TestIsUniqueByCodeNotText(t *testing.T) {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (id TEXT PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO t VALUES ('a', 'x', 'n')`); err != nil {
		t.Fatal(err)
	}
	_, pk := db.Exec(`INSERT INTO t VALUES ('a', 'y', 'n')`)
	_, uniq := db.Exec(`INSERT INTO t VALUES ('b', 'x', 'n')`)
	_, notNull := db.Exec(`INSERT INTO t VALUES ('c', 'z', NULL)`)
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"sqlite primary key", pk, true},
		{"sqlite unique", fmt.Errorf("wrapped: %w", uniq), true},
		{"sqlite not null", notNull, false},
		{"postgres 23505", &pgconn.PgError{Code: "23505", Message: `duplicate key value violates unique constraint "responses_pkey"`}, true},
		{"postgres 23502", &pgconn.PgError{Code: "23502", Message: `null value in column "n" violates not-null constraint: UNIQUE`}, false},
		{"text alone", errors.New("UNIQUE constraint failed: t.id"), false},
		{"nil", nil, false},
	} {
		if got := isUnique(c.err); got != c.want {
			t.Errorf("%s: isUnique(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`:                                                    `SELECT 1`,
		`SELECT * FROM t WHERE a = ? AND b = ?`:                       `SELECT * FROM t WHERE a = $1 AND b = $2`,
		`SELECT ?1 OR x = ?2 OR y = ?1 OR z = ?3`:                     `SELECT $1 OR x = $2 OR y = $1 OR z = $3`,
		`SELECT '?', "a?b", ? -- what?` + "\n" + `FROM t WHERE c = ?`: `SELECT '?', "a?b", $1 -- what?` + "\n" + `FROM t WHERE c = $2`,
		`SELECT 'it''s ?', ?`:                                         `SELECT 'it''s ?', $1`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}
