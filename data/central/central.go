// Package central is the analyst's side of Chorus: a database that
// batches from every device are merged into, and the CSV files analysis
// starts from. The database is a SQLite file (the default) or, for teams
// of analysts, a PostgreSQL database named by a postgres:// URL; see
// dialect.go and docs/POSTGRES.md.
//
// # Merging
//
// [DB.Merge] reads a batch file with [batch.Read], which decrypts it into a
// private temporary file next to the database and verifies it whole, then
// opens every sealed response with the analyst's identity and checks that
// the answers belong to the record that carries them. Everything a batch
// holds is merged in one transaction, so a batch is merged completely or
// not at all. The rules:
//
//   - A device's public key is pinned at its first batch; a batch from the
//     same device id signed with another key is refused ([ErrKeyChanged]).
//   - The same batch again changes nothing ([AlreadyMerged]). The same
//     device and batch number with a different manifest is refused
//     ([ErrConflict]).
//   - Batch numbers missing between merged ones, and batches whose
//     prev_manifest_sha256 does not name the manifest of the batch before,
//     are reported by [DB.Check]; they are not refused, since batches may
//     arrive in any order.
//   - Withdrawals delete the response and its consent record and keep the
//     response id, so the response never comes back, even from an older
//     batch merged later. Deleted rows are zeroed (secure_delete) and
//     [DB.Close] truncates the write-ahead log.
//   - A database takes either demo batches or real ones, decided by its
//     first merge ([ErrDemo]).
//
// Survey definitions come with the batches (surveys.jsonl holds the exact
// survey files), so the codebook is built from the surveys the responses
// were given to.
//
// # CSV
//
// [DB.WriteCSV] writes responses_wide.csv, answers_long.csv and
// codebook.csv; see its documentation for the columns.
package central

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"chorus/data/batch"
	"chorus/data/migration"
	"chorus/data/sqliteuri"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open analyst database.
type DB struct {
	db      *sql.DB
	dir     string // where batches are decrypted
	name    string // for messages: the file, or the PostgreSQL database
	clock   func() time.Time
	dialect dialect
}

// Open opens (creating if needed) the analyst database at path: a SQLite
// file, or a PostgreSQL database when path is a postgres:// URL (see
// [IsPostgres]). clock may be nil for the system clock.
func Open(path string, clock func() time.Time) (*DB, error) {
	if clock == nil {
		clock = time.Now
	}
	if IsPostgres(path) {
		return openPostgres(path, clock)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// The database holds decrypted answers: it is made, or made again,
	// the analyst's alone (0600) before SQLite opens it, and SQLite makes
	// its -wal and -shm files with the database's permissions.
	if err := private(abs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// A merge killed mid-way leaves its decrypted batch in the folder;
	// those that no running merge holds are removed.
	if _, err := batch.RemoveStale(filepath.Dir(abs)); err != nil {
		return nil, fmt.Errorf("%s: cannot remove a decrypted batch that a stopped merge left behind: %w", path, err)
	}
	db, err := sql.Open("sqlite3", sqliteuri.File(abs)+"?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1&_busy_timeout=10000&_txlock=immediate&_secure_delete=1")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	c := &DB{db: db, dir: filepath.Dir(abs), name: path, clock: clock}
	if err := c.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Close closes the database. On SQLite it first copies the write-ahead
// log into the database and truncates it, so rows deleted by withdrawals
// (zeroed, the database runs with secure_delete) leave no copy behind.
func (c *DB) Close() error {
	var err error
	if c.dialect == sqliteDialect {
		_, err = c.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := c.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// SQL gives tests and reports direct access.
func (c *DB) SQL() *sql.DB { return c.db }

// Dir is the folder batches are decrypted in: the database's own folder
// for SQLite, a private folder in the analyst's cache for PostgreSQL.
func (c *DB) Dir() string { return c.dir }

// Name names the database in messages: its file, or the PostgreSQL
// database and host (never the password).
func (c *DB) Name() string { return c.name }

func (c *DB) now() string { return c.clock().UTC().Format(time.RFC3339Nano) }

func (c *DB) migrate() error {
	err := migration.Apply(c.db, migrations, c.clock())
	var newer *migration.NewerError
	if errors.As(err, &newer) {
		return fmt.Errorf("written by a newer chorus-central (schema %d; this one knows %d)", newer.Have, newer.Known)
	}
	if err != nil {
		return err
	}
	return c.enrolLegacy(context.Background())
}

func (c *DB) setting(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}
