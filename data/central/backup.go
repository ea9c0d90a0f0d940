package central

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres is Backup's answer on PostgreSQL.
var ErrBackupPostgres = errors.New("backup copies SQLite files only; back up a PostgreSQL database with pg_dump (pg_dump --format=custom --file=central.dump URL) or the server's own backups, kept as safe as the database: they hold the answers")

// Backup writes a consistent copy of the database to path (VACUUM INTO),
// which must not exist. The copy holds decrypted answers, so it is made
// readable by its owner only (0600) before anything is written into it,
// and the backup goes in central's audit log.
//
// On PostgreSQL it refuses with [ErrBackupPostgres]: the server's own
// tools (pg_dump, or the organisation's base backups) make consistent
// copies there, under the organisation's access control.
func (c *DB) Backup(ctx context.Context, path, actor string) error {
	if c.dialect == postgresDialect {
		return ErrBackupPostgres
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot make the backup file: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if _, err := c.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := c.lock(ctx, tx); err != nil {
		return err
	}
	if err := c.audit(ctx, tx, actor, "backup", "a copy of the database was written"); err != nil {
		return err
	}
	return tx.Commit()
}
