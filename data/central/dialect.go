package central

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// The analyst database is SQLite (a file, the default) or PostgreSQL (a
// postgres:// URL, for teams of analysts). The SQL is written once, with
// SQLite's ? placeholders; on PostgreSQL the connection rewrites them to
// $1, $2, ... (see rebind), so every query, and the tests' own, runs on
// both. What differs lives here and in postgres.go: the schema (one set of
// migrations each), opening, locking, what a withdrawal does after its
// transaction, and how a broken constraint is recognised.

// dialect names the database engine behind a [DB].
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// IsPostgres reports whether db names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Postgres reports whether the database is PostgreSQL.
func (c *DB) Postgres() bool { return c.dialect == postgresDialect }

// isUnique reports whether err is a broken UNIQUE or PRIMARY KEY
// constraint: SQLite's extended result codes, PostgreSQL's SQLSTATE
// 23505. Never the message text, which differs between the two and
// between versions.
func isUnique(err error) bool {
	if sqliteUnique(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// mergeLock is the key of the PostgreSQL advisory lock that merges,
// withdrawals and enrolments take for their transaction ("chorus" in
// ASCII): two analysts merging at the same moment take turns, each batch
// whole, so the result is the one a single run gives.
const mergeLock = 0x63686f727573

// lock serialises writers. SQLite needs nothing: its transactions begin
// IMMEDIATE (_txlock), one writer at a time for the whole file. On
// PostgreSQL it takes the advisory lock until tx ends.
func (c *DB) lock(ctx context.Context, tx *sql.Tx) error {
	if c.dialect != postgresDialect {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(mergeLock))
	return err
}

// purge makes rows just deleted unrecoverable, as far as the engine
// allows. SQLite zeroes deleted rows (secure_delete) and here copies the
// write-ahead log into the file and truncates it. PostgreSQL keeps a
// deleted row as a dead tuple until VACUUM; VACUUM of the tables a
// withdrawal touches frees them (docs/POSTGRES.md says what remains: WAL
// segments until recycled, base backups, replicas).
func (c *DB) purge(ctx context.Context) error {
	if c.dialect == postgresDialect {
		_, err := c.db.ExecContext(ctx, `VACUUM (ANALYZE) responses, consents`)
		return err
	}
	_, err := c.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// b2i stores a bool in an INTEGER column, as both engines take it.
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
