// Package migration applies a SQLite database's embedded, numbered schema
// migrations, as the device store and the analyst's database both need.
//
// Migrations are files named migrations/NNN-description.sql in an fs.FS
// (usually an embed.FS). [Apply] runs every one newer than the version the
// database records, in one transaction, records each with its time, and
// checks foreign keys afterwards. A database written by a newer program is
// refused with a [*NewerError].
package migration

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// NewerError says the database has a newer schema than this program knows.
type NewerError struct {
	Have, Known int
}

func (e *NewerError) Error() string {
	return fmt.Sprintf("database schema %d is newer than this program knows (%d)", e.Have, e.Known)
}

type file struct {
	version int
	name    string
	path    string
}

func list(fsys fs.FS) ([]file, error) {
	paths, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []file
	for _, p := range paths {
		base := path.Base(p)
		num, _, ok := strings.Cut(base, "-")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: name must be NNN-description.sql", base)
		}
		out = append(out, file{version: v, name: base, path: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// Latest is the newest schema version in fsys, 0 when there is none.
func Latest(fsys fs.FS) (int, error) {
	files, err := list(fsys)
	if err != nil || len(files) == 0 {
		return 0, err
	}
	return files[len(files)-1].version, nil
}

// Apply brings db up to the newest migration in fsys in one transaction.
func Apply(db *sql.DB, fsys fs.FS, now time.Time) error {
	files, err := list(fsys)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("cannot open database: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("cannot open database: %w", err)
	}
	var have int
	if err := tx.QueryRow(`SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return err
	}
	known := 0
	if len(files) > 0 {
		known = files[len(files)-1].version
	}
	if have > known {
		return &NewerError{Have: have, Known: known}
	}
	at := now.UTC().Format(time.RFC3339Nano)
	for _, f := range files {
		if f.version <= have {
			continue
		}
		body, err := fs.ReadFile(fsys, f.path)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", f.name, err)
		}
		if _, err := tx.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			f.version, f.name, at); err != nil {
			return err
		}
	}
	rows, err := tx.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	bad := rows.Next()
	rows.Close()
	if bad {
		return errors.New("database fails its foreign key check after migration")
	}
	return tx.Commit()
}
