// Package store keeps a device's data in SQLite: its identity and settings,
// consent records, sealed responses, the declined tally, withdrawals,
// batches and the audit log.
//
// One process owns a data folder at a time ([ErrLocked] for the second).
// The database runs in WAL mode with synchronous=FULL, so a response that was
// committed survives a crash or power cut. Answers only ever reach the
// database sealed (see [Store.Submit]); what stays readable is metadata.
package store

import (
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"chorus/data/migration"
	"chorus/data/sqliteuri"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Clock returns the current time. Tests inject their own.
type Clock func() time.Time

// Store is an open data folder.
type Store struct {
	db    *sql.DB
	dir   string
	lock  *os.File
	clock Clock
	// pinLocks runs one PIN check at a time per member of staff.
	pinLocks pinLocks
}

// ErrLocked is returned by [Open] when another Chorus is using the folder.
var ErrLocked = errors.New("another Chorus is already using this data folder")

// DBName is the database file's name inside a data folder.
const DBName = "chorus.db"

// DSN returns the writer data source name for the database in dir.
func DSN(dir string) string {
	return fileURI(dir) + "?_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1&_busy_timeout=10000&_txlock=immediate&_secure_delete=1"
}

// fileURI is the SQLite URI of the database in dir, from a relative
// ("--data demo") or a Windows path as well (see package sqliteuri).
func fileURI(dir string) string { return sqliteuri.File(filepath.Join(dir, DBName)) }

// Open opens (creating if needed) the data folder dir. clock may be nil for
// the system clock.
func Open(dir string, clock Clock) (*Store, error) {
	if clock == nil {
		clock = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create data folder: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "chorus.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open lock file: %w", err)
	}
	if held, err := lockFolder(lock); err != nil || held {
		lock.Close()
		if held {
			return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("cannot lock data folder: %w", err)
	}
	if err := create(dir); err != nil {
		lock.Close()
		return nil, fmt.Errorf("cannot create database: %w", err)
	}
	db, err := sql.Open("sqlite3", DSN(dir))
	if err != nil {
		lock.Close()
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, dir: dir, lock: lock, clock: clock}
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// PageSize is the page size of the databases [Open] creates: 16 KiB
// rather than SQLite's default of 4 KiB. A sealed response is about 2 KB,
// and an export reads every one of a batch's pages, each with a system
// call of its own; with 16 KiB pages it makes a quarter of the calls, and
// exporting 100,000 responses took 20% less time and 23% less CPU on this
// project's test machine (8 and 32 KiB were between the two, 64 KiB
// slower than 16). SQLite's page cache is set in bytes (2 MB), so memory
// use does not change. A database keeps the page size it was created
// with: folders made by earlier versions keep 4 KiB pages and work the
// same, only their exports are slower.
const PageSize = 16 << 10

// create makes the database of a new data folder with [PageSize] pages.
// The size has to be set before anything is written, WAL mode included,
// so this is a connection of its own, before the one [DSN] describes. An
// existing database is left as it is.
func create(dir string) error {
	if st, err := os.Stat(filepath.Join(dir, DBName)); err == nil && st.Size() > 0 {
		return nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	db, err := sql.Open("sqlite3", fileURI(dir))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // both statements on the same connection
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA page_size = %d`, PageSize)); err != nil {
		return err
	}
	_, err = db.Exec(`PRAGMA journal_mode = WAL`)
	return err
}

// Close closes the database and releases the folder. It waits (up to five
// seconds) for connections database/sql is still closing in the background,
// e.g. after a cancelled save, so the lock is never released while a
// connection to the folder is open.
func (s *Store) Close() error {
	err := s.db.Close()
	for deadline := time.Now().Add(5 * time.Second); s.db.Stats().OpenConnections > 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if s.lock != nil {
		s.lock.Close() // closing the file releases the lock
	}
	return err
}

// Dir is the data folder.
func (s *Store) Dir() string { return s.dir }

// DB gives packages in data/ direct access for their own queries.
func (s *Store) DB() *sql.DB { return s.db }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.clock() }

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	v, _ := migration.Latest(migrations)
	return v
}

func (s *Store) migrate() error {
	err := migration.Apply(s.db, migrations, s.clock())
	var newer *migration.NewerError
	if errors.As(err, &newer) {
		return fmt.Errorf("this data folder was written by a newer Chorus (schema %d; this one knows %d): update Chorus", newer.Have, newer.Known)
	}
	return err
}

// utc formats t for storage.
func utc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// offset is t's offset from UTC in minutes.
func offset(t time.Time) int {
	_, off := t.Zone()
	return off / 60
}

// ParseTime reads a time written by the store.
func ParseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// Setting returns a setting, or "" when it is not set.
func (s *Store) Setting(key string) (string, error) {
	var v string
	err := s.db.QueryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting stores a setting.
func (s *Store) SetSetting(key, value string) error {
	_, err := s.db.Exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Backup writes a consistent copy of the database to path (VACUUM INTO),
// which must not exist. The copy holds the device's signing key, so it is
// made readable by its owner only (0600) before anything is written.
func (s *Store) Backup(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists", path)
	}
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if _, err := s.db.Exec(`VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// Checkpoint copies the WAL into the database and truncates it, so deleted
// rows leave no copy in chorus.db-wal.
func (s *Store) Checkpoint() error {
	_, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}
